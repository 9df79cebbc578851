"""Numbers from the query string or a form: ids and keyset cursors.

One parser for every view and front end. Only ASCII digits count: `str.isdigit()` also accepts
"²" and "٣", which `int()` then refuses or reads as another number. A value that is not a
plausible id is treated as absent (the first page of a list, a post that is not there): never a
500.
"""

from django.urls import register_converter
from django.urls.converters import get_converters

# Ids are 64-bit: a larger number would be a database error.
MAX_ID = 2**63 - 1


def parse_id(value: str | int | None) -> int | None:
    """`value` as an id (0 to MAX_ID, written in ASCII digits only), or None."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 0 <= value <= MAX_ID else None
    if not isinstance(value, str) or not value.isascii() or not value.isdigit():
        return None
    if len(value) > len(str(MAX_ID)):
        return None
    number = int(value)
    return number if number <= MAX_ID else None


def query_id(request, name: str) -> int | None:
    """The id in ?name= (a cursor such as ?before=), or None when missing or not an id."""
    return parse_id(request.GET.get(name))


def form_id(request, name: str) -> int | None:
    """The id in a POST field or, failing that, the query string (a form's hidden field)."""
    return parse_id(request.POST.get(name) or request.GET.get(name))


def format_id_pair(first: int, second: int) -> str:
    """A two-part cursor as `parse_id_pair` reads it."""
    return f"{first}.{second}"


def parse_id_pair(value: str | None) -> tuple[int, int] | None:
    """A two-part cursor "<number>.<id>" (e.g. the directory's activity and person), or None."""
    first, dot, second = (value or "").partition(".")
    if not dot:
        return None
    first_id, second_id = parse_id(first), parse_id(second)
    if first_id is None or second_id is None:
        return None
    return first_id, second_id


def converter_register(converter, name: str) -> None:
    """register_converter, once: an app's ready() may run again (tests that change
    INSTALLED_APPS), and registering a name twice is an error."""
    if name not in get_converters():
        register_converter(converter, name)


class IdConverter:
    """The `<id:...>` path converter: an id as parse_id reads it. A longer number is no id, so
    the URL matches nothing (404) rather than reaching the database with it."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValueError(value)
        return number

    def to_url(self, value) -> str:
        return str(value)

"""Links to many objects at once (a page of post cards) without a reverse() for each.

`{% url %}` looks the route up and checks every argument against its pattern each time, and a
page of 20 post cards needs about 100 links (bench/README.md has the cost). `link()` reverses a
route once per process with placeholder arguments, then only fills them in, quoting them the way
reverse() does. The URLconf stays the one source of every path.
"""

import functools
from urllib.parse import quote

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, reverse
from django.utils.http import RFC3986_SUBDELIMS

# Digits: every route's pattern matches them (<id:>, <username:>, <tag:>, <str:>); reverse()
# checks the pattern only, so a converter that refuses an all-digit value when reading a URL
# (<tag:>) still gives its path.
PLACEHOLDER = "7319046582"
SAFE = RFC3986_SUBDELIMS + "/~:@"


@functools.cache
def _pieces(name: str, arity: int) -> tuple[str, ...]:
    """The route's path around its arguments, without the script prefix (added per call)."""
    path = reverse(name, args=[PLACEHOLDER] * arity).removeprefix(get_script_prefix())
    pieces = tuple(path.split(PLACEHOLDER))
    if len(pieces) != arity + 1:
        raise ValueError(f"route {name!r} does not take {arity} plain arguments")
    return pieces


def link(name: str, *args) -> str:
    """The same path as reverse(name, args=args), for routes whose arguments are whole segments."""
    pieces = _pieces(name, len(args))
    parts = [get_script_prefix(), pieces[0]]
    for arg, piece in zip(args, pieces[1:], strict=True):
        parts += [quote(str(arg), safe=SAFE), piece]
    return "".join(parts)


@receiver(setting_changed)
def _forget_routes(*, setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _pieces.cache_clear()

"""Statements compiled once a process and run again with new values.

For the small reads every page makes, building a queryset and compiling it costs the ORM more
than the database takes to run the statement: the navigation's unread-notifications count took
2.7 ms to build and compile against 0.4 ms to run. Such a read's SQL depends only on its shape
(which rules apply, on which database); what changes from one request to the next (the viewer's
id) goes in as parameters. So the queryset is built once with stand-in values, compiled, and
each later call puts its own values where the stand-ins were.

The rules stay where they are (the querysets' methods); only their compiled form is kept. A
build whose SQL or other parameters change between two compilations (a time, a setting read at
build time) cannot be kept, and is refused the first time it is used.
"""

from collections.abc import Callable, Sequence
from typing import NamedTuple

from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.dispatch import receiver

# Far below any id or constant a query of ours carries: a parameter equal to one is a stand-in.
_STAND_IN = -(2**62)

Build = Callable[..., QuerySet | tuple[str, Sequence]]


class Statement(NamedTuple):
    sql: str
    params: list
    # For a queryset's statement, the columns that come back (its expressions, by position), for
    # each to be converted as the ORM converts it (a date from SQLite's text, a JSON value).
    columns: list
    using: str = DEFAULT_DB_ALIAS
    # And their names, where the queryset gives them (values_list: a field's path or an
    # annotation's name).
    names: tuple = ()


class _Value:
    """Where the statement's parameters take the call's value number `index`."""

    __slots__ = ("index",)

    def __init__(self, index: int):
        self.index = index


_kept: dict[tuple, tuple[str, list, list, tuple]] = {}


def statement(
    name: str, build: Build, values: Sequence[int | str], using: str = DEFAULT_DB_ALIAS
) -> Statement:
    """The statement of `build(*values)`, compiled once a process for each `name`, kinds of
    values and database. `build` takes the values and returns a queryset (run it with
    `run_rows`) or (sql, params) (e.g. from `queryset.query.sql_with_params()`, run as it is).

    The values are ids (ints, never None: the ORM writes "IS NULL" for None) or strings compared
    as they are: a build must not change a value (a string it puts in lower case, say, is
    refused: give it in lower case). The SQL must depend on nothing but `name` and the database:
    not on the values (two builds with different ones must differ only in them, wherever they
    go), nor on anything of the request (the active time zone or language), nor may a build
    read the database. The check at compilation catches a build that differs between two
    compilations; it cannot see state that stays the same."""
    kinds = tuple(value.__class__ is str for value in values)
    shape = (name, kinds, using, connections[using].vendor)
    kept = _kept.get(shape)
    if kept is None:
        kept = _kept[shape] = _compile(name, build, kinds, using)
    sql, plan, columns, names = kept
    params = [values[item.index] if type(item) is _Value else item for item in plan]
    return Statement(sql, params, columns, using, names)


def _compiled(built, using: str) -> tuple[str, Sequence, list, tuple]:
    if not isinstance(built, QuerySet):
        return *built, [], ()
    compiler = built.query.get_compiler(using)
    sql, params = compiler.as_sql()
    selected = compiler.select[: compiler.col_count]
    columns = [column for column, _sql, _alias in selected]
    return sql, params, columns, tuple(alias for _column, _sql, alias in selected)


def _stand_ins(kinds: tuple, offset: int) -> list:
    # Strings in mixed case, so that a build that puts one in lower (or upper) case is caught.
    return [
        f"\x00Stand-In {offset} {index}" if text else _STAND_IN - offset - index
        for index, text in enumerate(kinds)
    ]


def _compile(name: str, build: Build, kinds: tuple, using: str) -> tuple[str, list, list, tuple]:
    first = _stand_ins(kinds, 0)
    # Odd where `first` is even, and far from it: a build that branches on a value (its sign
    # aside) compiles differently for the two.
    second = _stand_ins(kinds, 1_001)
    sql, params, columns, names = _compiled(build(*first), using)
    other_sql, other_params, _, _ = _compiled(build(*second), using)
    if sql != other_sql or len(params) != len(other_params):
        raise ImproperlyConfigured(f"statement {name}: its SQL changes with its values")
    plan = []
    for param, other in zip(params, other_params, strict=True):
        if param in first:
            index = first.index(param)
            if other != second[index]:
                raise ImproperlyConfigured(f"statement {name}: a value moved between builds")
            plan.append(_Value(index))
        elif param == other:
            plan.append(param)
        else:
            raise ImproperlyConfigured(f"statement {name}: a parameter changes between builds")
    return sql, plan, columns, names


def in_tens(ids: Sequence[int]) -> list[int]:
    """`ids` (not empty) with the last one again up to a multiple of ten: a list of any length
    then takes one of few statements, not one compiled for each length."""
    return [*ids, *[ids[-1]] * (-len(ids) % 10)]


def and_viewer(viewer, values: Sequence[int | str]) -> tuple[bool, list]:
    """Whether `viewer` (a person, anonymous, or None) is signed in, and a statement's values:
    their id first if so, then `values`."""
    signed_in = viewer is not None and viewer.is_authenticated
    return signed_in, [viewer.pk, *values] if signed_in else list(values)


@receiver(setting_changed)
def _forget(**kwargs):
    """Tests change settings (the database, the apps); a statement may have read one."""
    _kept.clear()


def run_scalar(prepared: Statement):
    """The first column of the first row of a statement, or None."""
    rows = run_rows(prepared)
    return rows[0][0] if rows else None


def run_rows(prepared: Statement) -> list[list]:
    """A statement's rows, each column converted as the queryset would have it."""
    connection = connections[prepared.using]
    with connection.cursor() as cursor:
        cursor.execute(prepared.sql, prepared.params)
        rows = cursor.fetchall()
    width = len(prepared.columns) or None
    rows = [list(row[:width]) for row in rows]
    # The converters are this thread's connection's own (each thread has its connection).
    for position, column in enumerate(prepared.columns):
        converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        for converter in converters:
            for row in rows:
                row[position] = converter(row[position], column, connection)
    return rows

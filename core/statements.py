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

from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import DEFAULT_DB_ALIAS, connections
from django.dispatch import receiver

# Far below any id or constant a query of ours carries: a parameter equal to one is a stand-in.
_STAND_IN = -(2**62)

Build = Callable[..., tuple[str, Sequence]]


class _Value:
    """Where the statement's parameters take the call's value number `index`."""

    __slots__ = ("index",)

    def __init__(self, index: int):
        self.index = index


_kept: dict[tuple, tuple[str, list]] = {}


def statement(
    name: str, build: Build, values: Sequence, using: str = DEFAULT_DB_ALIAS
) -> tuple[str, list]:
    """The SQL and parameters of `build(*values)`, compiled once a process for each `name`,
    number of values and database. `build` takes the values and returns (sql, params), e.g.
    from `queryset.query.sql_with_params()`; its SQL must depend on nothing but `name` and
    the database (two calls with different values must differ only in those values)."""
    shape = (name, len(values), using, connections[using].vendor)
    kept = _kept.get(shape)
    if kept is None:
        kept = _kept[shape] = _compile(name, build, len(values))
    sql, plan = kept
    return sql, [values[item.index] if type(item) is _Value else item for item in plan]


def _compile(name: str, build: Build, count: int) -> tuple[str, list]:
    first = [_STAND_IN - index for index in range(count)]
    second = [_STAND_IN - 1_001 - index for index in range(count)]  # odd where first is even
    sql, params = build(*first)
    other_sql, other_params = build(*second)
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
    return sql, plan


@receiver(setting_changed)
def _forget(**kwargs):
    """Tests change settings (the database, the apps); a statement may have read one."""
    _kept.clear()


def run_scalar(sql: str, params: Sequence, using: str = DEFAULT_DB_ALIAS):
    """The first column of the first row of a statement, or None."""
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return None if row is None else row[0]

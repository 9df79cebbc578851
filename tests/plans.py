"""Query plans for tests that check an index is usable."""

from django.db import connection


def plan(queryset) -> str:
    """The plan of `queryset` with table scans made a last resort, so a usable index is used."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
    return queryset.explain()

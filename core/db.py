"""Database helpers the apps' services share."""

from django.db import IntegrityError, transaction


def get_or_create(model, **fields):
    """`model.objects.get_or_create(**fields)` that survives two requests racing to create the
    same unique row: the loser's insert fails inside a savepoint, so the caller's transaction
    stays usable, and it gets the winner's row."""
    try:
        with transaction.atomic():
            return model.objects.get_or_create(**fields)
    except IntegrityError:
        return model.objects.get(**fields), False

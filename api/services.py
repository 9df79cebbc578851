"""Writes of the client API's own rows (everything else goes through the apps' services)."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from api.models import Marker


def marker_save(*, user, timeline: str, last_read_id: int) -> Marker:
    """Set where `user` stopped reading `timeline` ("home" or "notifications"); each save
    counts one more `version`, so an app can tell another one moved it."""
    if timeline not in Marker.Timeline.values:
        raise ValidationError(f"Unknown timeline: {timeline}", code="timeline")
    fields = {"last_read_id": last_read_id, "updated_at": timezone.now()}
    mine = Marker.objects.filter(user=user, timeline=timeline)
    with transaction.atomic():
        if not mine.update(**fields, version=F("version") + 1):
            try:
                # Two first saves at once: the unique constraint lets one create it, and the
                # other counts as the next version.
                with transaction.atomic():
                    Marker.objects.create(user=user, timeline=timeline, version=1, **fields)
            except IntegrityError:
                mine.update(**fields, version=F("version") + 1)
    return mine.get()

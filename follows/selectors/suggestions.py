"""Who to follow: people near the viewer's work and place, and followed by whom they follow."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Case, Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from accounts.models import User, hidden_from, requests_of
from follows.models import Follow
from follows.selectors.people import last_post_id


@dataclass
class Suggestion:
    person: User
    reason: str


# Suggestions rank a pool of this many people by how many of the viewer's followees follow them:
# counting that for everyone on the site grows with the site.
SUGGESTION_POOL = 50


def suggested_people(*, user: User, limit: int = 5) -> list[Suggestion]:
    """People `user` might follow, each with the reason: first people in the same industry, then
    in the same location, then people followed by those `user` follows (most such followers
    first); then, to fill the list for a newcomer, the most recently active. Never `user`,
    people already followed, or people not discoverable (suspended, deactivated, or opted out:
    `User.objects.discoverable()`). One query.

    The final ranking looks only at a pool: the SUGGESTION_POOL candidates first by industry,
    location and recent activity, and the SUGGESTION_POOL most followed by the viewer's
    followees, so the cost does not grow with the number of people on the site.
    """
    followees = Follow.objects.filter(follower=user).values("followee_id")
    candidates = (
        User.objects.discoverable()
        .exclude(pk=user.pk)
        .exclude(pk__in=followees)
        .exclude(hidden_from(user, "pk", mutes=False))
    )
    same_industry = _flag(Q(industry_id=user.industry_id) if user.industry_id else None)
    location = user.location.strip()
    same_location = _flag(Q(location__iexact=location) if location else None)
    near = candidates.annotate(
        same_industry=same_industry, same_location=same_location, activity=last_post_id()
    ).order_by("-same_industry", "-same_location", "-activity", "-id")
    followed_by_followees = (
        Follow.objects.filter(follower_id__in=followees)
        .exclude(followee_id__in=followees)
        .exclude(followee_id=user.pk)
        .values("followee_id")
        .annotate(n=Count("id"))
        .order_by("-n", "-followee_id")
        .values("followee_id")
    )
    mutual_rows = Follow.objects.filter(followee=OuterRef("pk"), follower_id__in=followees)
    people = (
        candidates.filter(
            Q(pk__in=near.values("pk")[:SUGGESTION_POOL])
            | Q(pk__in=followed_by_followees[:SUGGESTION_POOL])
        )
        .select_related("industry")
        .annotate(
            same_industry=same_industry,
            same_location=same_location,
            mutuals=_count_subquery(mutual_rows, "followee"),
            activity=last_post_id(),
        )
        .order_by("-same_industry", "-same_location", "-mutuals", "-activity", "-id")
    )
    suggestions = []
    for person in people.annotate(viewer_requested=requests_of(user))[:limit]:
        person.viewer_follows = False
        suggestions.append(Suggestion(person, _reason(person)))
    return suggestions


def _flag(condition: Q | None):
    if condition is None:
        return Value(0, output_field=IntegerField())
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def _reason(person: User) -> str:
    if person.same_industry:
        return f"Also in {person.industry.name}"
    if person.same_location:
        return f"In {person.location}"
    if person.mutuals:
        people = "person" if person.mutuals == 1 else "people"
        return f"Followed by {person.mutuals} {people} you follow"
    if person.activity:
        return "Posting recently"
    return f"New on {settings.SITE_NAME}"


def _count_subquery(rows: QuerySet, group: str):
    counted = rows.order_by().values(group).annotate(n=Count("id")).values("n")
    return Coalesce(Subquery(counted), Value(0), output_field=IntegerField())

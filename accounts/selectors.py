"""Reads for accounts: the profile page and the data export.

accounts imports neither posts nor follows (they depend on accounts); it reaches their rows
through the reverse relations they declare on User: `posts`, `following` and `followers`.
"""

from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from accounts.models import Block, Mute, User

POSTS_PER_PAGE = 20


def _related_count(relation: str, **filters) -> Coalesce:
    """A subquery counting the rows of a reverse relation of User (one per person, no joins)."""
    reverse = User._meta.get_field(relation)
    model = reverse.related_model
    fk = reverse.field.name
    rows = (
        model._default_manager.filter(**{fk: OuterRef("pk")}, **filters)
        .order_by()
        .values(fk)
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def _followed_by(viewer) -> Exists | Value:
    if viewer is None or not viewer.is_authenticated:
        return Value(False)
    reverse = User._meta.get_field("followers")
    rows = reverse.related_model._default_manager.filter(
        **{reverse.field.name: OuterRef("pk"), "follower": viewer}
    )
    return Exists(rows)


def _viewer_has(model, viewer, own_field: str, other_field: str) -> Exists | Value:
    if viewer is None or not viewer.is_authenticated:
        return Value(False)
    return Exists(model.objects.filter(**{own_field: viewer, other_field: OuterRef("pk")}))


def profile_people(*, viewer=None) -> QuerySet[User]:
    """People whose profile pages can be shown, with the counts the header needs.

    Suspended people are included (their page says so); deactivated people and accounts waiting
    for approval are not.
    """
    return (
        User.objects.filter(is_active=True, awaiting_approval=False)
        .select_related("industry")
        .annotate(
            posts_count=_related_count("posts", removed_at__isnull=True),
            following_count=_related_count("following"),
            followers_count=_related_count("followers"),
            followed_by_viewer=_followed_by(viewer),
            blocked_by_viewer=_viewer_has(Block, viewer, "blocker", "blocked"),
            muted_by_viewer=_viewer_has(Mute, viewer, "muter", "muted"),
        )
    )


def profile_posts(*, person: User, viewer=None, before: int | None = None, limit=POSTS_PER_PAGE):
    """One page of a person's posts that `viewer` may see, newest first, and the id to continue
    before (people see their own removed posts, marked; staff see all).

    Keyset pagination: the next page is the posts with an id below the last one shown.
    """
    posts = person.posts.visible_to(viewer).with_card_data(viewer).order_by("-id")
    if before is not None:
        posts = posts.filter(id__lt=before)
    page = list(posts[: limit + 1])
    next_before = page[limit - 1].id if len(page) > limit else None
    return page[:limit], next_before


def blocks_and_mutes(*, user: User) -> tuple[list[Block], list[Mute]]:
    """The people `user` blocks and mutes (newest first, with their profiles): two queries."""
    blocks = list(
        Block.objects.filter(blocker=user)
        .select_related("blocked", "blocked__industry")
        .order_by("-id")
    )
    mutes = list(
        Mute.objects.filter(muter=user).select_related("muted", "muted__industry").order_by("-id")
    )
    return blocks, mutes


def user_export(*, user: User) -> dict:
    """Everything a person may take away: their profile, posts and who they follow."""
    posts = user.posts.order_by("id").values(
        "id", "text", "created_at", "in_reply_to_id", "repost_of_id", "removed_at"
    )
    return {
        "profile": {
            "username": user.username,
            "email": user.email,
            "display_name": user.display_name,
            "bio": user.bio,
            "industry": user.industry.name if user.industry_id else "",
            "location": user.location,
            "website": user.website,
            "open_to_collaborate": user.open_to_collaborate,
            "date_joined": user.date_joined.isoformat(),
        },
        "posts": [
            {
                "id": post["id"],
                "text": post["text"],
                "created_at": post["created_at"].isoformat(),
                "in_reply_to": post["in_reply_to_id"],
                "repost_of": post["repost_of_id"],
                "removed_by_moderator": post["removed_at"] is not None,
            }
            for post in posts
        ],
        "following": list(
            user.following.order_by("followee__username").values_list(
                "followee__username", flat=True
            )
        ),
    }

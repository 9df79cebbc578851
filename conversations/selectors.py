"""Reads of conversations; each a fixed number of queries whatever the number of messages."""

from django.db.models import F, Prefetch, Q

from accounts.models import User
from conversations.models import Conversation, Member, people_key
from core.paging import PAGE_SIZE, Page
from core.query import format_id_pair
from posts.models import Post

# Messages on a conversation's page, and the most a poll brings at once.
MESSAGES_PAGE = 30
NEWER_LIMIT = 100


def conversations_for(
    *, user: User, before: tuple[int, int] | None = None, limit: int = PAGE_SIZE
) -> Page:
    """`user`'s conversations, unread ones first, then by newest message; each Member with
    `.others` (the other people) and `.last` (the newest message, if `user` may read it).
    Three queries. The cursor "<unread>.<last post id>" continues below the last one shown."""
    members = Member.objects.filter(user=user)
    if before is not None:
        unread, last_post_id = before
        below = Q(unread=bool(unread), last_post_id__lt=last_post_id)
        if unread:
            below |= Q(unread=False)
        members = members.filter(below)
    people = Member.objects.select_related("user").order_by("user__username")
    # The newest message, if this person may read it: as on the conversation's page.
    last = (
        Post.objects.readable_by(user)
        .without_hidden_people(user, mutes=False)
        .select_related("author")
    )
    rows = list(
        members.select_related("conversation")
        .prefetch_related(
            Prefetch("conversation__members", queryset=people, to_attr="people"),
            Prefetch("conversation__last_post", queryset=last),
        )
        .order_by("-unread", "-last_post_id")[: limit + 1]
    )
    for row in rows:
        row.others = _others(row.conversation.people, user)
        row.last = row.conversation.last_post
    if len(rows) > limit:
        end = rows[limit - 1]
        return Page(rows[:limit], format_id_pair(int(end.unread), end.last_post_id))
    return Page(rows)


def conversations_newest(
    *,
    user: User,
    max_id: int | None = None,
    since_id: int | None = None,
    min_id: int | None = None,
    limit: int = PAGE_SIZE,
    conversation_id: int | None = None,
) -> list[Member]:
    """`user`'s conversations by their newest message, newest first, as the client API lists
    them: those whose newest message id is below `max_id` and above `since_id`, or the `limit`
    just above `min_id` (reading forward). Each Member has `.others` and `.last` (the newest
    message if `user` may read it, with its card data). Four queries."""
    members = Member.objects.filter(user=user)
    if conversation_id is not None:
        members = members.filter(conversation_id=conversation_id)
    if max_id is not None:
        members = members.filter(last_post_id__lt=max_id)
    if min_id is not None:
        members = members.filter(last_post_id__gt=min_id)
    elif since_id is not None:
        members = members.filter(last_post_id__gt=since_id)
    last = (
        Post.objects.readable_by(user).without_hidden_people(user, mutes=False).with_card_data(user)
    )
    members = members.select_related("conversation").prefetch_related(
        Prefetch(
            "conversation__members",
            queryset=Member.objects.select_related("user").order_by("user__username"),
            to_attr="people",
        ),
        Prefetch("conversation__last_post", queryset=last),
    )
    if min_id is not None:
        rows = list(members.order_by("last_post_id", "pk")[:limit])[::-1]
    else:
        rows = list(members.order_by("-last_post_id", "-pk")[:limit])
    for row in rows:
        row.others = _others(row.conversation.people, user)
        row.last = row.conversation.last_post
    return rows


def membership(*, user: User, conversation_id: int) -> Member | None:
    """`user`'s place in conversation `conversation_id`, with its other people (`.others`), or
    None when they are not in it (the page is then a 404: one query either way, two if so)."""
    member = (
        Member.objects.filter(user=user, conversation_id=conversation_id)
        .select_related("conversation")
        .first()
    )
    if member is not None:
        people = Member.objects.filter(conversation_id=conversation_id).select_related("user")
        member.others = _others(people.order_by("user__username"), user)
    return member


def _others(members, user: User) -> list[User]:
    """The people of a conversation's `members` but `user`, in the members' order."""
    return [member.user for member in members if member.user_id != user.pk]


def _messages(conversation_id: int, viewer):
    """The messages of a conversation `viewer` may read (the rule of posts, and blocks), with
    what a message shows, each with its number in the conversation (`seq`)."""
    return (
        Post.objects.readable_by(viewer)
        .without_hidden_people(viewer, mutes=False)
        .filter(message__conversation_id=conversation_id)
        .with_card_data(viewer)
        .annotate(seq=F("message__seq"))
    )


def messages_page(
    *, conversation_id: int, viewer: User, before: int | None = None, limit: int = MESSAGES_PAGE
) -> Page:
    """The newest `limit` messages numbered below `before` that `viewer` may read, oldest
    first (as a conversation reads); `next_before` is set when earlier ones remain."""
    messages = _messages(conversation_id, viewer)
    if before is not None:
        messages = messages.filter(message__seq__lt=before)
    rows = list(messages.order_by("-message__seq")[: limit + 1])
    earlier = rows[limit - 1].seq if len(rows) > limit else None
    rows = rows[:limit]
    rows.reverse()
    return Page(rows, earlier)


def messages_after(*, conversation_id: int, viewer: User, after: int) -> list[Post]:
    """The messages numbered after `after` that `viewer` may read, oldest first (a poll)."""
    messages = _messages(conversation_id, viewer).filter(message__seq__gt=after)
    return list(messages.order_by("message__seq")[:NEWER_LIMIT])


def conversation_between(*, people: list[User]) -> Conversation | None:
    return Conversation.objects.filter(key=people_key(p.pk for p in people)).first()


def reported_conversation(*, post: Post, until, limit: int = 50) -> list[Post]:
    """For moderators, who read no message unless it is reported: the conversation of the
    reported message `post` as it stood when reported (`until`), its newest `limit` messages,
    oldest first. Empty when `post` is not a message."""
    conversation_id = (
        Post.objects.filter(pk=post.pk).values_list("message__conversation_id", flat=True).first()
    )
    if conversation_id is None:
        return []
    messages = (
        Post.objects.filter(message__conversation_id=conversation_id, created_at__lte=until)
        .select_related("author")
        .order_by("-message__seq")[:limit]
    )
    return list(reversed(messages))

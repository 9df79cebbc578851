"""Writes of conversations: filing messages, sending them, reading them."""

import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest

from accounts.models import User, Visibility
from conversations.models import Conversation, Member, Message, people_key
from core.db import get_or_create
from posts import services as post_services
from posts import text as post_text
from posts.models import Post


@transaction.atomic
def message_file(*, post: Post) -> Message:
    """File the direct post `post` into the conversation of its author and readers (made the
    first time those people write to each other), as its next message: the others'
    conversation becomes unread, the author's read. A receiver of post_created, inside
    post_create's transaction.

    Locks, always in this order, so no two of these (nor a reader marking it read) deadlock:
    the conversation's row (messages to one conversation are filed one at a time, numbered in
    commit order), its members' rows, then the people whose count of unread conversations
    changes, by id. The counts then always match the flags."""
    people = {post.author_id, *post.mentions.values_list("pk", flat=True)}
    conversation, _ = get_or_create(Conversation, key=people_key(people))
    conversation = Conversation.objects.select_for_update(no_key=True).get(pk=conversation.pk)
    Member.objects.bulk_create(
        [Member(conversation=conversation, user_id=pk) for pk in sorted(people)],
        ignore_conflicts=True,
    )
    conversation.last_seq += 1
    message = Message.objects.create(
        post=post, conversation=conversation, seq=conversation.last_seq
    )
    conversation.last_post = post
    conversation.save(update_fields=["last_seq", "last_post"])

    members = Member.objects.filter(conversation=conversation)
    flags = dict(
        members.select_for_update(no_key=True).order_by("pk").values_list("user_id", "unread")
    )
    newly_unread = {pk for pk, unread in flags.items() if not unread and pk != post.author_id}
    author_read = bool(flags.get(post.author_id))
    changing = sorted(newly_unread | ({post.author_id} if author_read else set()))
    # FOR NO KEY UPDATE: rows naming these people (their posts being written) are not held up.
    locked = User.objects.select_for_update(no_key=True).filter(pk__in=changing)
    list(locked.order_by("pk").values_list("pk", flat=True))
    # Post ids are taken before the lock: an older one can be filed after a newer one.
    newest = Greatest(F("last_post_id"), Value(post.pk))
    members.exclude(user_id=post.author_id).update(unread=True, last_post_id=newest)
    members.filter(user_id=post.author_id).update(unread=False, last_post_id=newest)
    User.objects.filter(pk__in=newly_unread).update(
        unread_conversations=F("unread_conversations") + 1
    )
    if author_read:
        _count_down(post.author_id)
    return message


def conversation_read(*, member: Member) -> bool:
    """`member` (as just read from the database) has seen their conversation: unread no more.
    True if it was unread (their count of unread conversations went down by one). Nothing to
    write when it was read already: a message filed since leaves it unread, rightly."""
    if not member.unread:
        return False
    with transaction.atomic():
        # The UPDATE's condition is the check: of two at once, one changes the row and counts.
        changed = Member.objects.filter(pk=member.pk, unread=True).update(unread=False)
        if changed:
            _count_down(member.user_id)
    member.unread = False
    return bool(changed)


def _count_down(user_id: int) -> None:
    User.objects.filter(pk=user_id).update(
        unread_conversations=Greatest(F("unread_conversations") - 1, Value(0))
    )


def message_send(
    *, sender: User, member: Member, text: str, client_token: uuid.UUID | None = None
) -> Post:
    """`sender` writes in the conversation `member` (theirs) is a member of: a direct post to
    its other members, under the same rules as any post (`posts.services.post_create`: the
    140-character rule, blocks, who takes messages, the rate limit). Naming someone outside
    the conversation is refused: that is a new conversation."""
    if member.user_id != sender.pk:
        raise PermissionDenied("Not your conversation.")
    others = list(
        User.objects.filter(conversation_members__conversation_id=member.conversation_id).exclude(
            pk=sender.pk
        )
    )
    known = {person.username.lower() for person in [*others, sender]}
    outsiders = [name for name in post_text.extract_mentions(text) if name not in known]
    if outsiders and User.objects.named(*outsiders).exists():
        raise ValidationError(
            {
                "text": "Only the people in this conversation read it: to write to someone else, "
                "start a conversation from their profile."
            },
            code="outsider",
        )
    return post_services.post_create(
        author=sender,
        text=text,
        visibility=Visibility.DIRECT,
        recipients=others,
        client_token=client_token,
    )


def message_start(
    *, sender: User, recipient: User, text: str, client_token: uuid.UUID | None = None
) -> Post:
    """`sender`'s first message to `recipient` (or their next, when they have a conversation
    already: it is filed there)."""
    if recipient.pk == sender.pk:
        raise ValidationError({"text": "You can't message yourself."}, code="self")
    return post_services.post_create(
        author=sender,
        text=text,
        visibility=Visibility.DIRECT,
        recipients=[recipient],
        client_token=client_token,
    )

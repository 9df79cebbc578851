"""Conversations: the direct messages between the same people, gathered.

A message is a post for mentioned people only (`accounts.models.Visibility.DIRECT`): who may
read it is decided by the one rule of posts (`posts.models.audience`), like any post. This app
only files each such post into the conversation of its people (the author and its readers), and
keeps, per member, whether something is unread.
"""

import hashlib

from django.conf import settings
from django.db import models


def people_key(user_ids) -> str:
    """The one key of a set of people, whatever the order they come in."""
    joined = ",".join(str(pk) for pk in sorted(set(user_ids)))
    return hashlib.sha256(joined.encode()).hexdigest()


class Conversation(models.Model):
    """The messages between one set of people (two or more): one conversation per set."""

    key = models.CharField(max_length=64, unique=True, editable=False)
    last_post = models.ForeignKey(
        "posts.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # How many messages were filed in it: the last one's `Message.seq`.
    last_seq = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"conversation {self.pk}"


class Member(models.Model):
    """One person in a conversation, with what the list of their conversations needs in their
    own row: whether it has a message they have not seen, and its newest message's id (the
    order of the list: unread first, then newest)."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conversation_members"
    )
    unread = models.BooleanField(default=False)
    last_post_id = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "user"], name="conversations_member_once"
            )
        ]
        indexes = [
            models.Index(
                fields=["user", "-unread", "-last_post_id"], name="conversations_member_list"
            )
        ]

    def __str__(self):
        return f"user {self.user_id} in conversation {self.conversation_id}"


class Message(models.Model):
    """A direct post, filed in its conversation as its `seq`th message.

    Messages are numbered while their conversation's row is locked, so numbers are given in the
    order the messages commit: a page polling for "after number N" never skips one that
    committed late, as it could by post id (ids are taken before the lock)."""

    post = models.OneToOneField(
        "posts.Post", on_delete=models.CASCADE, primary_key=True, related_name="message"
    )
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    seq = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["conversation", "seq"], name="conversations_seq")
        ]

    def __str__(self):
        return f"message {self.seq} of conversation {self.conversation_id}"

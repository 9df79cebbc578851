"""What conversations does when other apps act (ARCHITECTURE.md lists every signal)."""

from django.dispatch import receiver

from accounts.models import Visibility
from conversations import services
from posts.signals import post_created


@receiver(post_created, dispatch_uid="conversations.message_file")
def post_created_file(sender, *, post, **kwargs):
    """A direct post is a message: it goes into the conversation of its people."""
    if post.visibility == Visibility.DIRECT:
        services.message_file(post=post)

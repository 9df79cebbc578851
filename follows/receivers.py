"""What follows does when other apps act: the signals of the apps below it, answered by calling
its services. Connected when the app is ready (FollowsConfig); ARCHITECTURE.md lists every
signal and its receivers."""

from django.dispatch import receiver

from accounts.signals import block_created, followers_approval_ended
from follows import services
from posts.signals import post_created


@receiver(post_created, dispatch_uid="follows.timeline_fan_out")
def post_created_fan_out(sender, *, post, **kwargs):
    """A new post or repost reaches its author's and followers' home timelines."""
    services.timeline_fan_out(post=post)


@receiver(block_created, dispatch_uid="follows.block_apply")
def block_created_apply(sender, *, blocker, blocked, **kwargs):
    """A block ends the follows between the two and cleans both home timelines."""
    services.block_apply(blocker=blocker, blocked=blocked)


@receiver(followers_approval_ended, dispatch_uid="follows.requests_accept")
def followers_approval_ended_accept(sender, *, user, **kwargs):
    """Someone who stops approving followers accepts everyone still waiting, as Mastodon does."""
    services.follow_requests_accept_all(user=user)

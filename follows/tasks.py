"""The follows app's work after the response (django.tasks; see core.tasks for the queue and
the worker). Each task is idempotent: timeline rows are unique, so running one again writes
nothing twice."""

from django.db import transaction
from django.tasks import task

from follows import services
from posts.models import Post


@task
def fan_out(post_id: int, after: int) -> None:
    """Write a post into the home timelines of its author's followers with ids above `after`,
    one batch (FAN_OUT_BATCH) a task: each batch queues the next, in the same transaction, so a
    big account's post is spread over many short tasks that several workers can share. A post
    deleted or removed meanwhile goes nowhere."""
    post = Post.objects.filter(pk=post_id, removed_at__isnull=True).only("author_id").first()
    if post is None:
        return
    with transaction.atomic():
        last = services.timeline_fan_out_batch(
            post_id=post_id, author_id=post.author_id, after=after
        )
        if last is not None:
            fan_out.enqueue(post_id, last)


@task
def backfill(owner_id: int, author_id: int) -> None:
    """After a follow: the followed person's newest posts into the follower's timeline."""
    services.timeline_backfill(owner_id=owner_id, author_id=author_id)


@task
def unfollow_clean(owner_id: int, author_id: int) -> None:
    """After an unfollow: the person's posts out of the former follower's timeline."""
    services.timelines_unfollow_clean(owner_id=owner_id, author_id=author_id)


@task
def block_clean(blocker_id: int, blocked_id: int) -> None:
    """After a block: each one's posts and reposts of them out of the other's timeline."""
    services.timelines_block_clean(blocker_id=blocker_id, blocked_id=blocked_id)

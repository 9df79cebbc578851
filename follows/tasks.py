"""The follows app's work after the response (django.tasks; see core.tasks for the queue and
the worker). Each task is idempotent: timeline rows are unique, so running one again writes
nothing twice."""

from datetime import timedelta

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from follows import services
from follows.models import FanOut
from posts.models import Post

# written_upto of a finished fan-out: above any follower id.
_DONE = 2**62


@task
def fan_out(post_id: int, after: int) -> None:
    """Write a post into the home timelines of its author's followers with ids above `after`,
    one batch (FAN_OUT_BATCH) a task: each batch queues the next, so a big account's post is
    spread over many short tasks. A post deleted or removed meanwhile goes nowhere.

    The chain's progress (`FanOut`) is written with each batch, and a batch runs only when the
    progress is exactly where it starts, so the chain never forks and never skips:
    - a batch run again after its transaction committed (its worker died before marking it
      done) finds the progress past it, and stops: its successor is queued already;
    - the successor is queued inside the transaction, before the commit. With the database
      queue that is atomic. With Redis it is not: a successor whose batch then rolled back finds
      the progress short of it, and stops; the batch is retried and queues it again. One that
      starts before the commit waits for the progress row's lock, then finds it where it
      starts."""
    post = Post.objects.filter(pk=post_id, removed_at__isnull=True).only("author_id").first()
    if post is None:
        return
    FanOut.objects.get_or_create(post_id=post_id)
    with transaction.atomic():
        progress = FanOut.objects.select_for_update().get(post_id=post_id)
        if progress.written_upto != after:
            return  # written before (and its successor queued), or a batch that rolled back
        last = services.timeline_fan_out_batch(
            post_id=post_id, author_id=post.author_id, after=after
        )
        progress.written_upto = last if last is not None else _DONE
        progress.save(update_fields=["written_upto", "updated_at"])
        if last is not None:
            fan_out.enqueue(post_id, last)
        else:
            FanOut.objects.filter(updated_at__lt=timezone.now() - timedelta(days=1)).delete()


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

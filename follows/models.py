"""Following, and the home timelines it fills.

Design of the home timeline ("fan-out on write", chosen from the measurements in the team's
timeline study; its figures are in bench/README.md):

- Every new post (reposts included) is written into its author's own timeline inside
  post_create's transaction (`follows.services.timeline_fan_out`), and into the timelines of the
  author's followers after the response, by background tasks of FAN_OUT_BATCH followers, one
  `INSERT ... SELECT` from follows each (`follows.tasks.fan_out`): the post's request costs the
  same whatever the number of followers.
- Reading page 1 is "my newest 20 (+10 spare) TimelineEntry rows" (an index range scan on the unique
  (owner, post) index, read backwards), then "those posts by primary key" filtered by
  Post.objects.visible(). Two small queries whatever the number of followees or posts. It is never a
  join over the whole posts table (PostgreSQL picks a merge join walking every post for that).
- Timelines are capped at about TIMELINE_MAX_ENTRIES (800) newest rows. Trimming is batched:
  after a fan-out, only the followers sampled by `(owner_id + post_id) % TIMELINE_TRIM_EVERY = 0`
  are trimmed, so each timeline is checked about every 200 new rows and stays near 800-1,000
  rows, while one post trims ~1/200 of its followers' timelines instead of all of them.
- Following someone backfills their newest TIMELINE_BACKFILL (200) posts; unfollowing deletes their
  posts from your timeline.
- Pages older than what is stored (trimmed past the cap, or older than a backfill) fall back to the
  join-at-read query ("design A": posts of followees and mine, keyset by id).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class Follow(models.Model):
    """follower follows followee. A pair exists once, and nobody follows themselves."""

    follower = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="following"
    )
    followee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followers"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["follower", "followee"], name="follows_follow_unique"),
            models.CheckConstraint(
                condition=~Q(follower=F("followee")), name="follows_follow_not_self"
            ),
        ]
        # follower_id included: counting who among your followees follows someone (suggestions)
        # reads the index alone, without visiting each follow row.
        indexes = [
            models.Index(
                fields=["followee", "-id"], include=["follower"], name="follows_followee_id_desc"
            )
        ]

    def __str__(self):
        return f"{self.follower_id} follows {self.followee_id}"


class FollowRequest(models.Model):
    """follower asked to follow followee, who approves followers (`User.approve_followers`) and
    has not answered yet. Accepting makes the Follow; rejecting deletes the request."""

    follower = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follow_requests_sent"
    )
    followee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follow_requests"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["follower", "followee"], name="follows_request_unique"),
            models.CheckConstraint(
                condition=~Q(follower=F("followee")), name="follows_request_not_self"
            ),
        ]
        indexes = [models.Index(fields=["followee", "-id"], name="follows_request_followee")]

    def __str__(self):
        return f"{self.follower_id} asks to follow {self.followee_id}"


class TimelineEntry(models.Model):
    """One post in one person's home timeline (see the module docstring for the design).

    The unique (owner, post) constraint is also THE read index: "WHERE owner_id = ? ORDER BY
    post_id DESC" is a backward range scan of it on SQLite and PostgreSQL, so no second
    (owner, -post) index is kept (it would double the cost of every fan-out insert). The post
    foreign key keeps its own index so deleting a post deletes its entries quickly.

    The table is derived data (`timeline_rebuild` makes it again from follows and posts), so its
    foreign keys have no database constraint: checking one means a lookup and a row lock per entry
    at every post's commit, a large share of a fan-out's time. Django still deletes a person's or a
    post's entries with them (on_delete runs in Django). A race can leave a row naming a deleted
    person or post (an account deleted while someone it followed posted; a post deleted while its
    author was being followed, or during `timeline_rebuild`), where a constraint would make the post
    or follow fail. Such a row is never shown: pages join the posts; a lost post newer than the page
    sends its polls the long way until the next page; `rebuild_timelines` with no names sweeps them
    (`timelines_sweep`).
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="timeline_entries",
        db_index=False,  # the unique (owner, post) index starts with owner
        db_constraint=False,
    )
    post = models.ForeignKey(
        "posts.Post", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "post"], name="follows_timeline_owner_post"),
        ]
        verbose_name_plural = "timeline entries"

    def __str__(self):
        return f"post {self.post_id} in {self.owner_id}'s timeline"


class FanOut(models.Model):
    """How far a post's fan-out has got: the highest follower id whose timeline has it. Written
    in the same transaction as each batch and the queueing of the next, so a batch task run
    again (its worker died after committing, before marking it done) sees its batch is written
    and its successor queued, and stops: the chain of batches never forks. Rows older than a day
    are deleted as new fan-outs finish."""

    post_id = models.BigIntegerField(primary_key=True)
    written_upto = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    def __str__(self):
        return f"post {self.post_id}: followers up to {self.written_upto}"

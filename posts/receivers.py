"""What posts does when accounts acts: accounts' signals, answered by calling posts' services.
Connected when the app is ready (PostsConfig); ARCHITECTURE.md lists every signal and its
receivers."""

from django.dispatch import receiver

from accounts.signals import user_deleting, user_visibility_changed
from posts import services


@receiver(user_deleting, dispatch_uid="posts.counts_user_delete")
def user_deleting_recount(sender, *, user, **kwargs):
    """The counts an account is in (its likes, reposts, replies, and the post counts of people
    whose reposts of its posts go with them) are recounted once it and all that cascades from
    it are gone: the ids are read now, the recount is returned for after."""
    ids = services.posts_counting(user=user)
    # Their posts held until the deletion commits, so that nobody reposts one of them after
    # the reposters are read (a repost writes the post's count first).
    services.posts_hold(author=user)
    reposters = services.reposters_of(author=user) - {user.pk}

    def recount():
        services.counts_refresh_ids(ids)
        services.author_stats_refresh(author_ids=reposters)

    return recount


@receiver(user_deleting, dispatch_uid="posts.files_user_delete")
def user_deleting_files(sender, *, user, **kwargs):
    """An account's media files go once its deletion is committed (the rows cascade)."""
    names = services.attachment_files(owner=user)
    return lambda: services.files_delete_on_commit(names)


@receiver(user_visibility_changed, dispatch_uid="posts.counts_visibility")
def user_visibility_changed_recount(sender, *, user, **kwargs):
    """A person's replies stop (or start again) counting on the posts they answered."""
    services.replies_recount(author=user)

"""Likes, reposts and replies are counted on the post as people act, and shown from there."""

import threading
import time
from io import StringIO

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction

from accounts.services import user_delete
from moderation.services import post_remove, post_restore, user_suspend, user_unsuspend
from posts import services
from posts.models import Post
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def counts(post):
    post.refresh_from_db()
    return post.like_count, post.repost_count, post.reply_count


def test_like_repost_and_reply_add_one_and_taking_them_back_subtracts_one():
    maya, leo = UserFactory(), UserFactory()
    post = services.post_create(author=maya, text="Plate or spring?")

    services.like_create(user=leo, post=post)
    services.like_create(user=leo, post=post)  # twice is still one like
    repost = services.repost_create(user=leo, post=post)
    reply = services.post_create(author=leo, text="Plate.", in_reply_to=post)
    assert counts(post) == (1, 1, 1)

    services.like_create(user=maya, post=repost)  # liking a repost likes the original
    assert counts(post) == (2, 1, 1)
    assert counts(repost) == (0, 0, 0)

    services.like_delete(user=leo, post=post)
    services.like_delete(user=leo, post=post)  # nothing left to take back
    services.repost_delete(user=leo, post=post)
    services.post_delete(post=reply, user=leo)
    assert counts(post) == (1, 0, 0)


def test_a_reply_removed_by_moderators_stops_counting_until_restored():
    maya, leo, moderator = UserFactory(), UserFactory(), UserFactory(is_staff=True)
    post = services.post_create(author=maya, text="Plate or spring?")
    reply = services.post_create(author=leo, text="Buy followers", in_reply_to=post)

    post_remove(moderator=moderator, post=reply, reason="Spam")
    assert counts(post) == (0, 0, 0)
    post_restore(moderator=moderator, post=reply, reason="Not spam after all")
    assert counts(post) == (0, 0, 1)


def test_deleting_an_account_takes_its_likes_reposts_and_replies_out_of_the_counts():
    maya, leo = UserFactory(), UserFactory()
    post = services.post_create(author=maya, text="Plate or spring?")
    other = services.post_create(author=maya, text="Tape or disk?")
    services.like_create(user=leo, post=post)
    services.repost_create(user=leo, post=post)
    services.post_create(author=leo, text="Plate.", in_reply_to=post)
    services.like_create(user=leo, post=other)
    services.like_create(user=UserFactory(), post=other)

    user_delete(user=leo)

    assert counts(post) == (0, 0, 0)
    assert counts(other) == (1, 0, 0)


def test_counts_refresh_recounts_from_the_rows():
    maya, leo = UserFactory(), UserFactory()
    post = services.post_create(author=maya, text="Plate or spring?")
    services.like_create(user=leo, post=post)
    services.post_create(author=leo, text="Plate.", in_reply_to=post)
    Post.objects.filter(pk=post.pk).update(like_count=7, reply_count=0)

    Post.objects.filter(pk=post.pk).counts_refresh()

    assert counts(post) == (1, 0, 1)


def test_a_card_shows_the_originals_counts_for_a_repost():
    maya, leo = UserFactory(), UserFactory()
    post = services.post_create(author=maya, text="Plate or spring?")
    services.like_create(user=maya, post=post)
    repost = services.repost_create(user=leo, post=post)

    card = Post.objects.with_card_data(AnonymousUser()).get(pk=repost.pk)

    assert (card.shown.like_count, card.shown.repost_count) == (1, 1)


def test_replies_of_a_suspended_person_stop_counting_until_unsuspended():
    maya, spammer, moderator = UserFactory(), UserFactory(), UserFactory(is_staff=True)
    post = services.post_create(author=maya, text="Plate or spring?")
    services.post_create(author=spammer, text="Cheap followers", in_reply_to=post)
    services.post_create(author=UserFactory(), text="Plate.", in_reply_to=post)

    user_suspend(moderator=moderator, user=spammer, reason="Spam")
    assert counts(post) == (0, 0, 1)
    user_unsuspend(moderator=moderator, user=spammer, reason="Appeal accepted")
    assert counts(post) == (0, 0, 2)


def test_deleting_a_removed_reply_leaves_the_count_right():
    maya, leo, moderator = UserFactory(), UserFactory(), UserFactory(is_staff=True)
    post = services.post_create(author=maya, text="Plate or spring?")
    reply = services.post_create(author=leo, text="Buy followers", in_reply_to=post)
    services.post_create(author=maya, text="Spring.", in_reply_to=post)
    post_remove(moderator=moderator, post=reply, reason="Spam")

    services.post_delete(post=reply, user=leo)

    assert counts(post) == (0, 0, 1)


def test_the_admin_cannot_add_or_delete_posts_or_likes_and_deleting_an_account_recounts(
    admin_client,
):
    maya, leo = UserFactory(), UserFactory()
    post = services.post_create(author=maya, text="Plate or spring?")
    services.like_create(user=leo, post=post)
    services.post_create(author=leo, text="Plate.", in_reply_to=post)

    assert admin_client.get(f"/admin/posts/post/{post.pk}/delete/").status_code == 403
    assert admin_client.get("/admin/posts/post/add/").status_code == 403
    assert admin_client.get("/admin/posts/like/add/").status_code == 403
    response = admin_client.post(f"/admin/accounts/user/{leo.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert counts(post) == (0, 0, 0)


def test_deactivating_someone_in_the_admin_hides_their_replies_from_the_counts(admin_client):
    maya, leo = UserFactory(), UserFactory()
    post = services.post_create(author=maya, text="Plate or spring?")
    services.post_create(author=leo, text="Plate.", in_reply_to=post)
    form = admin_client.get(f"/admin/accounts/user/{leo.pk}/change/").context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value not in (None, "")}
    data.update(is_active="", date_joined_0="2026-11-26", date_joined_1="10:00:00")
    data.pop("date_joined", None)
    data.pop("last_login", None)

    response = admin_client.post(f"/admin/accounts/user/{leo.pk}/change/", data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert counts(post) == (0, 0, 0)


def _waiting_on_a_lock(backend_pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT cardinality(pg_blocking_pids(%s)) > 0", [backend_pid])
        return cursor.fetchone()[0]


def race(write, recount) -> None:
    """Run `write` in a transaction held open, then `recount` in another connection; let the
    write commit only once the recount waits on a lock it holds. Fails if it never waits."""
    written, let_it_commit, recounting = (threading.Event() for _ in range(3))
    recount_backend = []

    def writing():
        with transaction.atomic():
            write()
            written.set()
            let_it_commit.wait(timeout=10)
        connection.close()

    def recounting_():
        written.wait(timeout=10)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            recount_backend.append(cursor.fetchone()[0])
        recounting.set()
        recount()
        connection.close()

    threads = [threading.Thread(target=writing), threading.Thread(target=recounting_)]
    for thread in threads:
        thread.start()
    assert recounting.wait(timeout=10)
    deadline = time.monotonic() + 10
    # each check is a query to the server, which paces the loop: no sleep needed
    while not _waiting_on_a_lock(recount_backend[0]):
        assert time.monotonic() < deadline, "the recount never waited for the write"
    let_it_commit.set()
    for thread in threads:
        thread.join(timeout=10)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite runs one writer at a time; CI runs this on PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_a_recount_while_someone_likes_the_post_counts_their_like():
    """A recount (after a deletion, say) that meets a like being written waits for it and counts
    it, rather than counting from before the like and overwriting its +1."""
    maya, leo = UserFactory(), UserFactory()
    post = services.post_create(author=maya, text="Plate or spring?")

    race(
        lambda: services.like_create(user=leo, post=post),  # holds the post's row until commit
        lambda: Post.objects.filter(pk=post.pk).counts_refresh(),
    )

    assert counts(post) == (1, 0, 0)


def posts_shown(person) -> tuple[int, object]:
    """What the profile and the client API say of `person`'s posts: how many, and the newest."""
    from accounts.selectors import people_counted

    shown = people_counted().get(pk=person.pk)
    return shown.posts_count, shown.last_post_at


def test_an_authors_post_count_follows_posts_reposts_deletions_and_undone_reposts():
    maya, leo = UserFactory(), UserFactory()
    assert posts_shown(maya) == (0, None)

    first = services.post_create(author=maya, text="Plate or spring?")
    assert posts_shown(maya) == (1, first.created_at)
    reply = services.post_create(author=maya, text="Spring, I think.", in_reply_to=first)
    services.repost_create(user=leo, post=first)
    assert posts_shown(maya) == (2, reply.created_at)
    assert posts_shown(leo)[0] == 1  # a repost counts for the person who reposted

    services.post_delete(post=reply, user=maya)
    assert posts_shown(maya) == (1, first.created_at)
    services.repost_delete(user=leo, post=first)
    services.repost_delete(user=leo, post=first)  # nothing left to undo
    assert posts_shown(leo) == (0, None)


def test_messages_are_not_counted_on_the_profile():
    maya, leo = UserFactory(), UserFactory()
    public = services.post_create(author=maya, text="Open call for a foley artist")

    services.post_create(author=maya, text=f"@{leo.username} are you free?", visibility="direct")
    services.post_create(author=maya, text="Followers: the session moved", visibility="private")

    assert posts_shown(maya)[0] == 2
    assert posts_shown(maya)[1] > public.created_at


def test_deleting_a_post_takes_the_reposts_of_it_out_of_the_reposters_counts():
    maya, leo, ana = UserFactory(), UserFactory(), UserFactory()
    post = services.post_create(author=maya, text="Plate or spring?")
    services.repost_create(user=leo, post=post)
    services.repost_create(user=ana, post=post)
    services.post_create(author=ana, text="Spring.")

    services.post_delete(post=post, user=maya)

    assert [posts_shown(person)[0] for person in (maya, leo, ana)] == [0, 0, 1]


def test_a_removed_post_stops_counting_until_restored():
    maya, moderator = UserFactory(), UserFactory(is_staff=True)
    older = services.post_create(author=maya, text="Tape or disk?")
    newest = services.post_create(author=maya, text="Buy followers")

    post_remove(moderator=moderator, post=newest, reason="Spam")
    assert posts_shown(maya) == (1, older.created_at)
    post_restore(moderator=moderator, post=newest, reason="Not spam after all")
    assert posts_shown(maya) == (2, newest.created_at)


def test_deleting_an_account_takes_the_reposts_of_its_posts_out_of_the_counts(admin_client):
    maya, leo = UserFactory(), UserFactory()
    post = services.post_create(author=maya, text="Plate or spring?")
    services.repost_create(user=leo, post=post)
    services.post_create(author=leo, text="Plate.")

    user_delete(user=maya)

    assert posts_shown(leo)[0] == 1


def test_author_stats_refresh_recounts_from_the_rows():
    from posts.models import AuthorStats

    maya, leo = UserFactory(), UserFactory()
    services.post_create(author=maya, text="Plate or spring?")
    newest = services.post_create(author=maya, text="Tape or disk?")
    AuthorStats.objects.filter(author=maya).update(
        posts_count=40, last_post_at=None, last_post_id=None
    )

    services.author_stats_refresh(author_ids=[maya.pk, leo.pk])

    assert posts_shown(maya) == (2, newest.created_at)
    assert AuthorStats.objects.get(author=maya).last_post_id == newest.pk
    assert posts_shown(leo) == (0, None)


def _author_counts_match_rows() -> bool:
    from accounts.selectors import people_counted

    return all(
        person.posts_count == Post.objects.profile_counted().filter(author=person).count()
        for person in people_counted()
    )


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite runs one writer at a time; CI runs this on PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_a_recount_while_the_author_posts_counts_the_new_post():
    """A recount of an author (after a deletion, say) that meets one of their posts being
    written waits for it and counts it, rather than counting from before it and overwriting
    its one."""
    maya = UserFactory()
    doomed = services.post_create(author=maya, text="Plate or spring?")

    race(
        lambda: services.post_create(author=maya, text="Tape or disk?"),  # holds maya's row
        lambda: services.post_delete(post=doomed, user=maya),
    )

    assert posts_shown(maya)[0] == 1
    assert _author_counts_match_rows()


def test_the_admin_shows_a_posts_author_and_visibility_but_cannot_change_them(admin_client):
    maya, leo = UserFactory(), UserFactory()
    post = services.post_create(author=maya, text="Plate or spring?")
    url = f"/admin/posts/post/{post.pk}/change/"
    form = admin_client.get(url).context["adminform"].form
    assert "author" not in form.fields and "visibility" not in form.fields

    response = admin_client.post(
        url, {"text": "Plate or spring?", "author": leo.pk, "visibility": "direct"}
    )

    assert response.status_code == 302
    post.refresh_from_db()
    assert (post.author, post.visibility) == (maya, "public")
    assert [posts_shown(maya)[0], posts_shown(leo)[0]] == [1, 0]


def test_the_last_post_time_only_moves_forward():
    """Two posts of one person may reach their row in the other order than they were written
    (the first waiting on the post it replies to): the older one does not set the time back."""
    maya = UserFactory()
    older = services.post_create(author=maya, text="Tape or disk?")
    newer = services.post_create(author=maya, text="Plate or spring?")

    services.author_stats_add(post=Post(author=maya, created_at=older.created_at))

    assert posts_shown(maya)[1] == newer.created_at


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite runs one writer at a time; CI runs this on PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_deleting_a_post_while_someone_reposts_it_takes_their_repost_out_of_their_count():
    """The deletion waits for a repost being written, then takes it with the post and recounts
    its author; read before it committed, the repost would have outlived its post's deletion
    (a failed deletion) or been left in its author's count."""
    maya, leo = UserFactory(), UserFactory()
    post = services.post_create(author=maya, text="Plate or spring?")

    race(
        lambda: services.repost_create(user=leo, post=post),  # writes the post's count
        lambda: services.post_delete(post=post, user=maya),
    )

    assert not Post.objects.filter(author__in=[maya, leo]).exists()
    assert [posts_shown(maya)[0], posts_shown(leo)[0]] == [0, 0]


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite runs one writer at a time; CI runs this on PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_deleting_an_account_while_someone_reposts_its_post_recounts_them():
    maya, leo = UserFactory(), UserFactory()
    post = services.post_create(author=maya, text="Plate or spring?")
    services.post_create(author=leo, text="Spring.")

    race(
        lambda: services.repost_create(user=leo, post=post),
        lambda: user_delete(user=maya),
    )

    assert posts_shown(leo)[0] == 1
    assert _author_counts_match_rows()


def test_recount_posts_repairs_counts_written_around_the_services():
    from django.core.management import call_command

    from posts.models import AuthorStats

    maya, leo = UserFactory(), UserFactory()
    newest = services.post_create(author=maya, text="Plate or spring?")
    AuthorStats.objects.all().delete()  # as posts written by code older than the counts
    Post.objects.create(author=leo, text="Written around the services")

    out = StringIO()
    call_command("recount_posts", stdout=out)

    assert "Recounted the posts of 2 people." in out.getvalue()
    assert posts_shown(maya) == (1, newest.created_at)
    assert posts_shown(leo)[0] == 1

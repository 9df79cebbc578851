"""Who may read a post: the four visibility levels, chosen in the compose box, applied by one
rule (posts.models.audience) to every page, fragment and count."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import MessagesFrom, Visibility
from follows import services as follows_services
from follows.models import Follow
from follows.selectors.timelines import home_newer_count
from posts import services
from posts.models import Notification, Post
from posts.selectors import notifications_for, notifications_unread_count
from tests.factories import IndustryFactory, UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def people():
    industry = IndustryFactory(name="Post-production", slug="post-production")
    author = UserFactory(username="ana", industry=industry)
    follower = UserFactory(username="fred")
    follows_services.follow_create(follower=follower, followee=author)
    return {
        "author": author,
        "follower": follower,
        "mentioned": UserFactory(username="mia"),
        "stranger": UserFactory(username="sam"),
    }


def write(author, visibility, text="Grading the #trailer tonight @mia", **kwargs):
    return services.post_create(author=author, text=text, visibility=visibility, **kwargs)


def client_as(client, person):
    if person is not None:
        client.force_login(person)
    return client


def permalink(post):
    return reverse("posts:detail", args=[post.author.username, post.pk])


@pytest.mark.parametrize(
    ("visibility", "readers"),
    [
        (Visibility.PUBLIC, {"author", "follower", "mentioned", "stranger", None}),
        (Visibility.UNLISTED, {"author", "follower", "mentioned", "stranger", None}),
        (Visibility.FOLLOWERS, {"author", "follower", "mentioned"}),
        (Visibility.DIRECT, {"author", "mentioned"}),
    ],
)
def test_the_permalink_is_a_404_for_whoever_may_not_read_it(client, people, visibility, readers):
    post = write(people["author"], visibility)
    for role in ("author", "follower", "mentioned", "stranger", None):
        client.logout()
        response = client_as(client, people.get(role)).get(permalink(post))
        expected = 200 if role in readers else 404
        assert response.status_code == expected, (visibility, role)
        assert (b"Grading the" in response.content) == (role in readers)


def test_unlisted_and_narrower_posts_stay_off_the_public_tag_and_industry_pages(client, people):
    for visibility in Visibility.values:
        write(people["author"], visibility, text=f"Level {visibility} #trailer @mia")
    pages = [
        reverse("follows:public"),
        reverse("posts:tag", args=["trailer"]),
        reverse("follows:industry", args=["post-production"]),
    ]
    for viewer in (None, people["follower"], people["author"]):
        client.logout()
        client_as(client, viewer)
        for page in pages:
            html = client.get(page).content.decode()
            assert "Level public" in html
            for hidden in ("unlisted", "private", "direct"):
                assert f"Level {hidden}" not in html, (page, viewer)


def test_the_profile_shows_each_viewer_what_they_may_read_and_never_messages(client, people):
    for visibility in Visibility.values:
        write(people["author"], visibility, text=f"Level {visibility} @mia")
    profile = reverse("accounts:profile", args=["ana"])
    seen = {}
    for role in ("author", "follower", "mentioned", "stranger", None):
        client.logout()
        html = client_as(client, people.get(role)).get(profile).content.decode()
        seen[role] = {v for v in Visibility.values if f"Level {v}" in html}
    everyone = {"public", "unlisted"}
    assert seen == {
        "author": everyone | {"private"},
        "follower": everyone | {"private"},
        "mentioned": everyone | {"private"},
        "stranger": everyone,
        None: everyone,
    }


def test_home_timelines_get_followers_posts_but_never_messages(client, people):
    follower = people["follower"]
    for visibility in Visibility.values:
        write(people["author"], visibility, text=f"Level {visibility} @fred")
    html = client_as(client, follower).get(reverse("home")).content.decode()
    assert {v for v in Visibility.values if f"Level {v}" in html} == {
        "public",
        "unlisted",
        "private",
    }
    # ...and the message is in the conversation, for the follower it was written to.
    direct = Post.objects.get(visibility=Visibility.DIRECT)
    assert client.get(permalink(direct)).status_code == 200


def test_after_unfollowing_followers_only_posts_leave_the_count_and_notifications(people):
    author, follower = people["author"], people["follower"]
    first = write(author, Visibility.PUBLIC, text="Before")
    hidden = write(author, Visibility.FOLLOWERS, text="For followers")
    assert home_newer_count(user=follower, after=first.pk) == 1
    # Only readers are notified, and mentioned people stay readers; the read rule still guards
    # the list and the count, as a notification kept from older rules would show.
    Notification.objects.create(recipient=follower, actor=author, kind="mention", post=hidden)
    assert [n.post for n in notifications_for(user=follower).items] == [hidden]

    # The unfollow's clean-up of the timeline runs later; the rule hides the post at once.
    Follow.objects.filter(follower=follower).delete()
    assert home_newer_count(user=follower, after=first.pk) == 0
    assert notifications_for(user=follower).items == []
    assert notifications_unread_count(user=follower) == 0


def test_the_answered_author_reads_a_followers_only_answer(people):
    author, stranger = people["author"], people["stranger"]
    question = write(stranger, Visibility.PUBLIC, text="Anyone mixing in Atmos?")
    answer = services.post_create(
        author=author, text="Yes, since 2019", in_reply_to=question, visibility="private"
    )
    assert Post.objects.readable_by(stranger).filter(pk=answer.pk).exists()
    assert Notification.objects.filter(recipient=stranger, kind="reply").exists()
    assert not Post.objects.readable_by(people["mentioned"]).filter(pk=answer.pk).exists()


def test_followers_only_and_direct_posts_cannot_be_reposted(client, people):
    for visibility in (Visibility.FOLLOWERS, Visibility.DIRECT):
        post = write(people["author"], visibility, text="Not for sharing @fred")
        with pytest.raises(ValidationError, match="Only public and unlisted posts"):
            services.repost_create(user=people["follower"], post=post)
        client.force_login(people["follower"])
        response = client.post(reverse("posts:repost", args=[post.pk]), {"state": "on"})
        assert response.status_code == 404
        assert client.get(permalink(post)).content.decode().count("Can't repost") == 1
    unlisted = write(people["author"], Visibility.UNLISTED)
    repost = services.repost_create(user=people["follower"], post=unlisted)
    assert repost.visibility == Visibility.PUBLIC


def test_a_reply_defaults_to_the_visibility_it_answers_and_is_never_wider(client, people):
    author, follower = people["author"], people["follower"]
    post = write(author, Visibility.FOLLOWERS, text="For followers")
    client.force_login(follower)
    page = client.get(reverse("posts:create") + f"?in_reply_to={post.pk}").content.decode()
    assert '<option value="private" selected>Followers only</option>' in page

    response = client.post(
        reverse("posts:create"),
        {"text": "@ana shouting this to everyone", "in_reply_to": post.pk, "visibility": "public"},
    )
    html = response.content.decode()
    assert "A reply can&#x27;t reach more people than the post it answers (followers only)." in html
    assert "shouting this to everyone" in html  # nothing typed is lost
    assert not Post.objects.filter(in_reply_to=post).exists()

    reply = services.post_create(author=follower, text="@ana agreed", in_reply_to=post)
    assert reply.visibility == Visibility.FOLLOWERS


def test_a_bad_visibility_is_named_beside_the_field(client, people):
    client.force_login(people["author"])
    response = client.post(reverse("posts:create"), {"text": "Hello", "visibility": "everyone²"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="compose-form-visibility-errors"' in html
    assert "Choose who can see the post." in html
    assert not Post.objects.exists()


def test_the_compose_box_starts_from_the_persons_default(client, people):
    author = people["author"]
    author.default_visibility = Visibility.UNLISTED
    author.save()
    client.force_login(author)
    html = client.get(reverse("home")).content.decode()
    assert '<label for="compose-form-visibility">Visibility</label>' in html
    assert '<option value="unlisted" selected>Unlisted</option>' in html
    post = services.post_create(author=author, text="No choice made")
    assert post.visibility == Visibility.UNLISTED


def test_reply_counts_shown_to_everyone_count_only_open_replies(client, people):
    author, follower = people["author"], people["follower"]
    post = write(author, Visibility.PUBLIC, text="Open question")
    services.post_create(author=follower, text="@ana public answer", in_reply_to=post)
    services.post_create(
        author=follower, text="@ana quietly", in_reply_to=post, visibility=Visibility.FOLLOWERS
    )
    post.refresh_from_db()
    assert post.reply_count == 1
    Post.objects.filter(pk=post.pk).counts_refresh()
    post.refresh_from_db()
    assert post.reply_count == 1
    # The replied-to author does not follow the replier and was mentioned: they read it.
    assert Notification.objects.filter(recipient=author, kind="reply").count() == 2


def test_nobody_is_notified_of_a_post_they_may_not_read(people):
    """Who is notified of a post (those it names, the answered author) is among its readers by
    construction; every kind of action at every level, then every notification checked."""
    author, follower = people["author"], people["follower"]
    for visibility in Visibility.values:
        post = write(author, visibility, text="Anyone mixing in Atmos? @mia")
        for replier in (follower, people["mentioned"]):
            try:
                services.post_create(author=replier, text="Me!", in_reply_to=post)
                services.like_create(user=replier, post=post)
            except ValidationError:
                assert replier == follower and visibility == Visibility.DIRECT
    notes = Notification.objects.exclude(post=None)
    assert notes.count() > 10
    for note in notes:
        readable = Post.objects.readable_by(note.recipient).filter(pk=note.post_id)
        assert readable.exists(), (note, note.post.visibility)


def test_a_message_goes_only_to_those_who_take_messages(people):
    author, mentioned = people["author"], people["mentioned"]
    mentioned.messages_from = MessagesFrom.NOBODY
    mentioned.save()
    with pytest.raises(ValidationError, match="@mia doesn't take messages"):
        write(author, Visibility.DIRECT, text="@mia hello")
    mentioned.messages_from = MessagesFrom.FOLLOWING
    mentioned.save()
    with pytest.raises(ValidationError, match="only from people they follow"):
        write(author, Visibility.DIRECT, text="@mia hello")
    follows_services.follow_create(follower=mentioned, followee=author)
    write(author, Visibility.DIRECT, text="@mia hello")
    with pytest.raises(ValidationError, match="Mention who the message is for"):
        write(author, Visibility.DIRECT, text="Nobody named")


def test_someone_who_wrote_to_you_can_be_answered_whatever_their_setting(people):
    author, mentioned = people["author"], people["mentioned"]
    mentioned.messages_from = MessagesFrom.NOBODY
    mentioned.save()
    first = write(mentioned, Visibility.DIRECT, text="@ana are you free Tuesday?")
    answer = services.post_create(author=author, text="Yes!", in_reply_to=first)
    assert answer.visibility == Visibility.DIRECT
    assert list(answer.mentions.all()) == [mentioned]


def test_messages_cannot_be_pinned(people):
    post = write(people["author"], Visibility.DIRECT, text="@mia private")
    with pytest.raises(ValidationError, match="Messages can't be pinned"):
        services.post_pin(user=people["author"], post=post)


def test_a_repost_does_not_list_an_unlisted_post(client, people):
    post = write(people["author"], Visibility.UNLISTED, text="Quiet news")
    services.repost_create(user=people["follower"], post=post)
    for page in ("/public/", reverse("follows:industry", args=["post-production"])):
        assert "Quiet news" not in client.get(page).content.decode()
    # Followers of the reposter still get it at home: unlisted posts are readable by all.
    assert "Quiet news" in client_as(client, people["follower"]).get("/").content.decode()


def test_replying_to_names_only_a_post_the_viewer_may_read(client, people):
    author, follower = people["author"], people["follower"]
    narrow = write(author, Visibility.FOLLOWERS, text="For followers")
    services.post_create(
        author=follower, text="Public answer", in_reply_to=narrow, visibility="private"
    )
    reply = Post.objects.get(text="Public answer")
    Post.objects.filter(pk=reply.pk).update(visibility=Visibility.PUBLIC)  # an older post
    html = client.get("/@fred/").content.decode()
    assert "Public answer" in html
    assert "Replying to" not in html
    assert "Replying to" in client_as(client, author).get("/@fred/").content.decode()


def test_messages_keep_their_tags_to_themselves(people):
    write(people["author"], Visibility.DIRECT, text="@mia #secretproject")
    from posts.models import Hashtag

    assert not Hashtag.objects.filter(name="secretproject").exists()

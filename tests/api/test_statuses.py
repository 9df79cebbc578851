"""Statuses through the client API: posting (the 140-character rule, replies, visibility,
Idempotency-Key, media, what the site lacks), reading one, several and a thread, deleting,
likes, reposts, pins, bookmarks, who liked and reposted, one's favourites; as an app sees them
(exact fields and messages, Link headers, fixed query counts)."""

import re
import uuid

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import MessagesFrom, Visibility
from accounts.services import block_create
from moderation import services as moderation
from posts import services
from posts.models import Attachment, Like, Post
from tests.accounts.images import image_upload
from tests.api.conftest import ApiClient, assert_entities, assert_entity, token_for
from tests.factories import FollowFactory, LikeFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db

HOSTILE_PATH_IDS = ["²", "-1", "99999999999999999999", "1e3", "abc", "%00"]


def status_url(post, action: str = "") -> str:
    pk = post if isinstance(post, (int, str)) else post.pk
    return f"/api/v1/statuses/{pk}" + (f"/{action}" if action else "")


def walk(api, path, params=None):
    """Every page of a list by its Link headers: the ids in order, and how many pages had
    any (the last link leads to an empty page, as in Mastodon)."""
    ids, pages, url = [], 0, path
    first = True
    while url:
        response = api.get(url, params if first else None)
        first = False
        assert response.status_code == 200, response.content
        pages += bool(response.json())
        ids += [item["id"] for item in response.json()]
        found = re.search(r'<([^>]+)>; rel="next"', response.get("Link", ""))
        url = found.group(1).replace("http://testserver", "") if found else None
        if not response.json():
            break
    return ids, pages


def count_queries(function) -> int:
    with CaptureQueriesContext(connection) as queries:
        function()
    return len(queries)


# --- posting ----------------------------------------------------------------------------------


def test_a_status_is_posted_and_answered_as_a_status(api):
    response = api.post("/api/v1/statuses", {"status": "Mixing #Foley with @nobody today"})

    assert response.status_code == 200, response.content
    data = response.json()
    assert_entity(data, "Status")
    post = Post.objects.get(author=api.user)
    assert data["id"] == str(post.pk)
    assert data["content"].startswith("<p>Mixing ")
    assert data["tags"] == [{"name": "foley", "url": "http://testserver/tags/foley/"}]
    assert data["visibility"] == "public"
    assert data["account"]["id"] == str(api.user.pk)
    assert data["url"] == f"http://testserver/@{api.user.username}/{post.pk}/"
    assert (data["favourited"], data["reblogged"], data["pinned"]) == (False, False, False)
    assert data["quote_approval"]["current_user"] == "denied"


def test_a_status_can_come_as_a_form_or_in_the_query_string(api):
    form = api.post("/api/v1/statuses", {"status": "From a form"}, form=True)
    query = api.post("/api/v1/statuses?status=From+the+query&visibility=unlisted")

    assert form.status_code == query.status_code == 200
    assert query.json()["visibility"] == "unlisted"
    assert set(Post.objects.values_list("text", flat=True)) == {"From a form", "From the query"}


def test_the_140_character_rule_and_empty_posts_are_refused_with_the_pages_messages(api):
    too_long = api.post("/api/v1/statuses", {"status": "x" * 141})
    empty = api.post("/api/v1/statuses", {"status": "   "})

    assert too_long.status_code == 422
    assert too_long.json()["error"] == "Posts can be at most 140 characters; this one has 141."
    assert empty.status_code == 422
    assert empty.json()["error"] == "Write something first."
    assert not Post.objects.exists()


def test_the_same_idempotency_key_gives_back_the_first_post(api):
    key = {"Idempotency-Key": "a-random-key-from-the-app"}
    first = api.post("/api/v1/statuses", {"status": "Once"}, headers=key)
    again = api.post("/api/v1/statuses", {"status": "Once"}, headers=key)
    other = ApiClient(token_for(UserFactory())).post(
        "/api/v1/statuses", {"status": "Once"}, headers=key
    )

    assert first.json()["id"] == again.json()["id"]
    assert other.json()["id"] != first.json()["id"]  # someone else's key is theirs
    assert Post.objects.filter(author=api.user).count() == 1
    assert isinstance(Post.objects.get(author=api.user).client_token, uuid.UUID)


def test_an_idempotency_key_longer_than_any_app_sends_is_refused(api):
    response = api.post(
        "/api/v1/statuses", {"status": "Hi"}, headers={"Idempotency-Key": "k" * 513}
    )

    assert response.status_code == 422
    assert response.json() == {"error": "The Idempotency-Key header is too long."}
    assert not Post.objects.exists()


def test_a_reply_names_what_it_answers_and_keeps_to_its_audience(api):
    original = PostFactory(visibility=Visibility.UNLISTED)

    reply = api.post("/api/v1/statuses", {"status": "Agreed", "in_reply_to_id": str(original.pk)})
    wider = api.post(
        "/api/v1/statuses",
        {"status": "Agreed", "in_reply_to_id": original.pk, "visibility": "public"},
    )

    assert reply.status_code == 200
    assert reply.json()["in_reply_to_id"] == str(original.pk)
    assert reply.json()["in_reply_to_account_id"] == str(original.author_id)
    assert reply.json()["visibility"] == "unlisted"
    assert wider.status_code == 422
    assert wider.json()["error"] == (
        "A reply can't reach more people than the post it answers (unlisted)."
    )


@pytest.mark.parametrize("value", [*HOSTILE_PATH_IDS, 10**30, True])
def test_a_reply_to_a_post_one_may_not_read_is_404(api, value):
    hidden = PostFactory(visibility=Visibility.FOLLOWERS)
    for reply_to in (hidden.pk, value):
        response = api.post("/api/v1/statuses", {"status": "Hi", "in_reply_to_id": reply_to})
        assert response.status_code == 404, (reply_to, response.content)
        assert response.json() == {"error": "Record not found"}


def test_visibility_levels_and_a_message_to_someone_who_takes_none(api):
    closed = UserFactory(username="closed", messages_from=MessagesFrom.NOBODY)
    assert closed.messages_from == MessagesFrom.NOBODY

    private = api.post("/api/v1/statuses", {"status": "Crew only", "visibility": "private"})
    refused = api.post("/api/v1/statuses", {"status": "@closed hi", "visibility": "direct"})
    unknown = api.post("/api/v1/statuses", {"status": "Hi", "visibility": "everyone"})

    assert private.json()["visibility"] == "private"
    assert refused.status_code == 422
    assert refused.json()["error"] == "@closed doesn't take messages."
    assert unknown.status_code == 422
    assert unknown.json()["error"] == "Choose who can see the post."


def test_a_direct_status_lists_its_readers_as_mentions(api):
    UserFactory(username="reader")
    response = api.post("/api/v1/statuses", {"status": "@reader the stems", "visibility": "direct"})

    assert response.status_code == 200
    assert [m["acct"] for m in response.json()["mentions"]] == ["reader"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"poll": {"options": ["a", "b"], "expires_in": 300}}, "Polls are not available"),
        ({"poll[options][]": ["a", "b"], "poll[expires_in]": "300"}, "Polls are not available"),
        ({"scheduled_at": "2030-01-01T00:00:00.000Z"}, "Scheduled posts are not available"),
        ({"spoiler_text": "Spoilers for the finale"}, "Content warnings are not available"),
        ({"sensitive": True}, "Marking media as sensitive is not available"),
        ({"quoted_status_id": "1"}, "Quote posts are not available"),
    ],
)
def test_what_the_site_lacks_is_refused_not_dropped(api, extra, message):
    form = any("[" in name for name in extra)
    response = api.post("/api/v1/statuses", {"status": "Hi", **extra}, form=form)

    assert response.status_code == 422
    assert response.json()["error"].startswith(message)
    assert not Post.objects.exists()


def test_empty_values_of_what_the_site_lacks_are_no_request_for_it(api):
    response = api.post(
        "/api/v1/statuses",
        {
            "status": "Hi",
            "poll": None,
            "scheduled_at": None,
            "spoiler_text": "",
            "sensitive": False,
            "language": "en",
            "media_ids": [],
        },
    )
    assert response.status_code == 200, response.content
    assert response.json()["language"] is None


@pytest.mark.parametrize(
    "status",
    [["a", "b"], {"text": "x"}, True, 12, "nul\x00byte", "x" * 100_000, None],
    ids=repr,
)
def test_hostile_statuses_are_refused_or_posted_never_a_500(api, status):
    response = api.post("/api/v1/statuses", {"status": status, "visibility": ["public"]})
    assert response.status_code in (200, 422), response.content
    assert "error" in response.json() or response.json()["id"]


@pytest.mark.parametrize("media_ids", [["x"], ["-1"], "²", [{"id": 1}], [10**30]], ids=repr)
def test_media_ids_that_are_not_ids_are_422(api, media_ids):
    response = api.post("/api/v1/statuses", {"status": "Hi", "media_ids": media_ids})
    assert response.status_code == 422
    assert response.json()["error"] == "media_ids must be a list of ids"


def test_pictures_uploaded_and_described_go_with_the_post_in_order(api):
    first = api.post("/api/v2/media", {"file": image_upload(), "description": "Desk"}, form=True)
    second = api.post("/api/v2/media", {"file": image_upload("JPEG")}, form=True)
    api.put(f"/api/v1/media/{second.json()['id']}", {"description": "Booth"})

    response = api.post(
        "/api/v1/statuses",
        {"status": "", "media_ids": [second.json()["id"], first.json()["id"]]},
    )

    assert response.status_code == 200, response.content
    media = response.json()["media_attachments"]
    assert_entities(media, "MediaAttachment")
    assert [(m["id"], m["description"]) for m in media] == [
        (second.json()["id"], "Booth"),
        (first.json()["id"], "Desk"),
    ]
    assert response.json()["content"] == ""


def test_someone_elses_upload_cannot_be_posted(api):
    theirs = services.attachment_create(owner=UserFactory(), upload=image_upload())

    response = api.post("/api/v1/statuses", {"status": "Mine", "media_ids": [str(theirs.pk)]})

    assert response.status_code == 422
    assert response.json()["error"] == "An upload is no longer available. Add the file again."
    assert Attachment.objects.get(pk=theirs.pk).post_id is None


def test_posting_is_rate_limited_with_mastodons_headers(api, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "post": "2/1h"}
    for n in range(2):
        assert api.post("/api/v1/statuses", {"status": f"Post {n}"}).status_code == 200

    response = api.post("/api/v1/statuses", {"status": "One too many"})

    assert response.status_code == 429
    assert response.json() == {"error": "Too many requests"}
    assert response["X-RateLimit-Limit"] == "2"
    assert response["X-RateLimit-Remaining"] == "0"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", response["X-RateLimit-Reset"])


def test_posting_needs_a_person_the_write_scope_and_an_account_in_good_standing(user):
    anonymous = ApiClient().post("/api/v1/statuses", {"status": "Hi"})
    reader = ApiClient(token_for(user, "read")).post("/api/v1/statuses", {"status": "Hi"})
    granular = ApiClient(token_for(user, "write:statuses")).post(
        "/api/v1/statuses", {"status": "Hi"}
    )
    suspended = UserFactory()
    token = token_for(suspended)
    moderation.user_suspend(moderator=UserFactory(is_staff=True), user=suspended, reason="spam")
    refused = ApiClient(token).post("/api/v1/statuses", {"status": "Hi"})

    assert anonymous.status_code == 401
    assert reader.status_code == 403
    assert reader.json() == {"error": "This action is outside the authorized scopes"}
    assert granular.status_code == 200
    assert refused.status_code == 403
    assert Post.objects.count() == 1


# --- reading ----------------------------------------------------------------------------------


def test_a_public_status_is_shown_without_a_token_and_a_followers_only_one_to_followers(user):
    author = UserFactory()
    public = PostFactory(author=author)
    crew = PostFactory(author=author, visibility=Visibility.FOLLOWERS)
    FollowFactory(follower=user, followee=author)

    assert ApiClient().get(status_url(public)).status_code == 200
    assert ApiClient().get(status_url(crew)).status_code == 404
    stranger = ApiClient(token_for(UserFactory()))
    assert stranger.get(status_url(crew)).json() == {"error": "Record not found"}
    follower = ApiClient(token_for(user)).get(status_url(crew))
    assert follower.status_code == 200
    assert_entity(follower.json(), "Status")
    assert follower.json()["visibility"] == "private"


def test_a_removed_post_or_a_suspended_authors_is_gone_but_its_author_sees_their_removed_post(
    api,
):
    mine = PostFactory(author=api.user)
    Post.objects.filter(pk=mine.pk).update(removed_at=timezone.now())
    suspended = UserFactory()
    theirs = PostFactory(author=suspended)
    moderation.user_suspend(moderator=UserFactory(is_staff=True), user=suspended, reason="spam")

    assert ApiClient().get(status_url(mine)).status_code == 404
    assert api.get(status_url(mine)).status_code == 200
    assert api.get(status_url(theirs)).status_code == 404


@pytest.mark.parametrize("value", HOSTILE_PATH_IDS)
def test_ids_that_are_not_ids_are_json_404s(api, value):
    for action in ("", "context", "favourite", "favourited_by", "source", "pin"):
        url = f"/api/v1/statuses/{value}" + (f"/{action}" if action else "")
        response = api.get(url) if action in ("", "context", "favourited_by") else api.post(url)
        assert response.status_code == 404, url
        assert response.json() == {"error": "Record not found"}


def test_a_repost_is_shown_wrapping_its_original(api):
    original = PostFactory(text="The original")
    repost = services.repost_create(user=UserFactory(), post=original)

    data = api.get(status_url(repost)).json()

    assert_entity(data, "Status")
    assert data["reblog"]["id"] == str(original.pk)
    assert data["reblog"]["content"] == "<p>The original</p>"
    assert data["reblogs_count"] == 1


def test_showing_a_status_takes_a_fixed_number_of_queries(api, django_assert_num_queries):
    UserFactory(username="maya")
    post = services.post_create(author=api.user, text="For @maya #mix")
    pictured = services.post_create(
        author=api.user,
        text="Pictures",
        media=[(services.attachment_create(owner=api.user, upload=image_upload()).pk, "")],
    )

    # Token, the post, its author with roles, mentions; with pictures, their attachments.
    with django_assert_num_queries(4):
        assert api.get(status_url(post)).status_code == 200
    with django_assert_num_queries(5):
        assert api.get(status_url(pictured)).status_code == 200


def test_several_statuses_by_id_those_one_may_see_in_the_order_asked(api):
    first, second = PostFactory(), PostFactory()
    hidden = PostFactory(visibility=Visibility.FOLLOWERS)

    response = api.get(
        "/api/v1/statuses", {"id[]": [str(second.pk), "²", str(hidden.pk), str(first.pk)]}
    )

    assert response.status_code == 422  # "²" is no id
    response = api.get("/api/v1/statuses", {"id[]": [second.pk, hidden.pk, first.pk, 10**9]})
    assert [s["id"] for s in response.json()] == [str(second.pk), str(first.pk)]
    assert_entities(response.json(), "Status")


def test_a_thread_has_its_ancestors_and_replies(api):
    root = PostFactory(text="Root")
    middle = services.post_create(author=UserFactory(), text="Middle", in_reply_to=root)
    me = services.post_create(author=api.user, text="Mine", in_reply_to=middle)
    answers = [
        services.post_create(author=UserFactory(), text=f"Answer {n}", in_reply_to=me)
        for n in range(2)
    ]
    PostFactory(in_reply_to=me, visibility=Visibility.FOLLOWERS)  # not for me

    response = api.get(status_url(me, "context"))

    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"ancestors", "descendants"}
    assert_entity(data, "Context")
    assert [s["id"] for s in data["ancestors"]] == [str(root.pk), str(middle.pk)]
    assert [s["id"] for s in data["descendants"]] == [str(a.pk) for a in answers]
    assert ApiClient().get(status_url(me, "context")).status_code == 200


def test_a_threads_replies_come_at_every_depth_each_followed_by_its_own(api):
    root = PostFactory(author=api.user)

    def reply(to, text):
        return services.post_create(author=UserFactory(), text=text, in_reply_to=to)

    first = reply(root, "First")
    second = reply(root, "Second")
    under_first = reply(first, "Under first")
    deeper = reply(under_first, "Deeper")
    crew = PostFactory(in_reply_to=first, visibility=Visibility.FOLLOWERS)  # not for me
    PostFactory(in_reply_to=crew, text="Under a reply I may not read")

    descendants = api.get(status_url(root, "context")).json()["descendants"]

    assert [s["content"] for s in descendants] == [
        "<p>First</p>",
        "<p>Under first</p>",
        "<p>Deeper</p>",
        "<p>Under a reply I may not read</p>",  # read alone, as Mastodon
        "<p>Second</p>",
    ]
    assert descendants[2]["in_reply_to_id"] == str(under_first.pk)
    assert second.pk and deeper.pk


def test_a_threads_queries_are_the_same_for_1_and_20_replies(api):
    root = PostFactory(author=api.user)
    UserFactory(username="maya")

    def replies(n):
        for i in range(n):
            services.post_create(author=UserFactory(), text=f"@maya take {i}", in_reply_to=root)

    replies(1)
    one = count_queries(lambda: api.get(status_url(root, "context")))
    replies(19)
    services.post_create(author=UserFactory(), text="Deeper", in_reply_to=Post.objects.first())
    twenty = count_queries(lambda: api.get(status_url(root, "context")))
    assert len(api.get(status_url(root, "context")).json()["descendants"]) == 21
    assert one == twenty


def test_source_and_history_of_ones_own_post(api):
    post = services.post_create(author=api.user, text="Plain & simple <b>")
    others = PostFactory()

    source = api.get(status_url(post, "source"))
    history = api.get(status_url(post, "history"))

    assert source.json() == {"id": str(post.pk), "text": "Plain & simple <b>", "spoiler_text": ""}
    assert_entity(source.json(), "StatusSource")
    assert api.get(status_url(others, "source")).status_code == 404
    assert ApiClient().get(status_url(post, "source")).status_code == 401
    assert len(history.json()) == 1
    assert_entities(history.json(), "StatusEdit")
    assert history.json()[0]["content"] == "<p>Plain &amp; simple &lt;b&gt;</p>"


def test_editing_is_refused_with_a_reason(api):
    post = PostFactory(author=api.user)

    response = api.put(status_url(post), {"status": "Changed"})

    assert response.status_code == 422
    assert response.json() == {"error": "Posts can't be edited: delete it and post again."}
    assert api.put(status_url(PostFactory()), {"status": "x"}).status_code == 404
    assert Post.objects.get(pk=post.pk).text == post.text


def test_an_unknown_method_on_a_status_is_405(api):
    response = api.patch(status_url(PostFactory()))
    assert response.status_code == 405
    assert response["Allow"] == "DELETE, GET, PUT"


# --- deleting ---------------------------------------------------------------------------------


def test_deleting_answers_the_status_with_its_text_for_a_redraft(api):
    post = services.post_create(author=api.user, text="Take two #mix")

    response = api.delete(status_url(post))

    assert response.status_code == 200
    assert_entity(response.json(), "Status")
    assert response.json()["text"] == "Take two #mix"
    assert not Post.objects.filter(pk=post.pk).exists()
    assert api.delete(status_url(post)).status_code == 404


def test_delete_and_redraft_posts_the_same_pictures_again(api):
    picture = services.attachment_create(owner=api.user, upload=image_upload())
    post = services.post_create(author=api.user, text="Take one", media=[(picture.pk, "Desk")])

    deleted = api.delete(status_url(post)).json()
    media = deleted["media_attachments"]
    redraft = api.post(
        "/api/v1/statuses", {"status": deleted["text"], "media_ids": [m["id"] for m in media]}
    )

    assert [m["id"] for m in media] == [str(picture.pk)]
    assert "?grant=" in media[0]["preview_url"]  # a draft again: loaded by its grant
    assert redraft.status_code == 200, redraft.content
    assert [(m["id"], m["description"]) for m in redraft.json()["media_attachments"]] == [
        (str(picture.pk), "Desk")
    ]


def test_delete_media_deletes_the_pictures_with_the_post(api, django_capture_on_commit_callbacks):
    picture = services.attachment_create(owner=api.user, upload=image_upload())
    post = services.post_create(author=api.user, text="Gone", media=[(picture.pk, "")])

    with django_capture_on_commit_callbacks(execute=True):
        response = api.delete(status_url(post) + "?delete_media=true")

    assert response.status_code == 200
    assert not Attachment.objects.filter(pk=picture.pk).exists()
    assert not default_storage.exists(picture.file)


def test_someone_elses_post_cannot_be_deleted(api):
    post = PostFactory()
    assert api.delete(status_url(post)).json() == {"error": "Record not found"}
    assert ApiClient(token_for(api.user, "read")).delete(status_url(post)).status_code == 403
    assert Post.objects.filter(pk=post.pk).exists()


# --- likes, reposts, pins, bookmarks ----------------------------------------------------------


def test_favourite_and_unfavourite(api):
    post = PostFactory()

    liked = api.post(status_url(post, "favourite"))
    again = api.post(status_url(post, "favourite"))

    assert liked.status_code == 200
    assert (liked.json()["favourited"], liked.json()["favourites_count"]) == (True, 1)
    assert again.json()["favourites_count"] == 1
    unliked = api.post(status_url(post, "unfavourite"))
    assert (unliked.json()["favourited"], unliked.json()["favourites_count"]) == (False, 0)


def test_favouriting_a_repost_likes_its_original(api):
    original = PostFactory()
    repost = services.repost_create(user=UserFactory(), post=original)

    response = api.post(status_url(repost, "favourite"))

    assert response.json()["id"] == str(original.pk)
    assert Like.objects.filter(user=api.user, post=original).exists()


def test_likes_need_their_scope_and_a_readable_post(user):
    post = PostFactory()
    hidden = PostFactory(visibility=Visibility.FOLLOWERS)
    statuses_only = ApiClient(token_for(user, "write:statuses"))
    favourites = ApiClient(token_for(user, "write:favourites"))

    assert statuses_only.post(status_url(post, "favourite")).status_code == 403
    assert favourites.post(status_url(post, "favourite")).status_code == 200
    assert favourites.post(status_url(hidden, "favourite")).status_code == 404
    assert ApiClient().post(status_url(post, "favourite")).status_code == 401


def test_likes_are_rate_limited(api, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "like": "1/1h"}
    post = PostFactory()
    assert api.post(status_url(post, "favourite")).status_code == 200

    response = api.post(status_url(post, "unfavourite"))

    assert response.status_code == 429
    assert response["X-RateLimit-Limit"] == "1"


def test_reblog_answers_the_repost_wrapping_the_original_and_unreblog_the_original(api):
    post = PostFactory()

    reblog = api.post(status_url(post, "reblog"), {"visibility": "unlisted"})

    assert reblog.status_code == 200
    data = reblog.json()
    assert_entity(data, "Status")
    repost = Post.objects.get(author=api.user, repost_of=post)
    assert data["id"] == str(repost.pk)
    assert data["reblog"]["id"] == str(post.pk)
    assert data["reblogged"] is data["reblog"]["reblogged"] is True
    unreblog = api.post(status_url(post, "unreblog"))
    assert unreblog.json()["id"] == str(post.pk)
    assert unreblog.json()["reblogged"] is False
    assert not Post.objects.filter(pk=repost.pk).exists()


def test_a_followers_only_post_cannot_be_reblogged(api):
    author = UserFactory()
    FollowFactory(follower=api.user, followee=author)
    post = PostFactory(author=author, visibility=Visibility.FOLLOWERS)

    response = api.post(status_url(post, "reblog"))

    assert response.status_code == 422
    assert response.json()["error"] == "Only public and unlisted posts can be reposted."


def test_pins_up_to_three_of_ones_own_posts(api):
    posts = [PostFactory(author=api.user) for _ in range(4)]

    for post in posts[:3]:
        response = api.post(status_url(post, "pin"))
        assert response.status_code == 200
        assert response.json()["pinned"] is True
    fourth = api.post(status_url(posts[3], "pin"))
    others = api.post(status_url(PostFactory(), "pin"))
    reader = ApiClient(token_for(api.user, "write:statuses")).post(status_url(posts[3], "pin"))

    assert fourth.status_code == 422
    assert fourth.json()["error"] == "You can pin up to 3 posts. Unpin one first."
    assert others.status_code == 422
    assert others.json()["error"] == "Only the author can pin a post."
    assert reader.status_code == 403  # pins are write:accounts, as in Mastodon
    unpinned = api.post(status_url(posts[0], "unpin"))
    assert unpinned.json()["pinned"] is False
    assert api.post(status_url(posts[3], "pin")).status_code == 200


def test_bookmarks_are_refused_and_none_are_listed(api):
    post = PostFactory()

    bookmark = api.post(status_url(post, "bookmark"))
    unbookmark = api.post(status_url(post, "unbookmark"))

    assert bookmark.status_code == 422
    assert bookmark.json() == {"error": "Bookmarks are not available on this site."}
    assert unbookmark.status_code == 200
    assert unbookmark.json()["bookmarked"] is False
    assert api.get("/api/v1/bookmarks").json() == []
    assert ApiClient().get("/api/v1/bookmarks").status_code == 401


def test_muting_a_conversation_is_refused_and_unmuting_is_nothing_to_do(api):
    post = PostFactory()

    muted = api.post(status_url(post, "mute"))
    unmuted = api.post(status_url(post, "unmute"))

    assert muted.status_code == 422
    assert muted.json() == {
        "error": "Muting a conversation is not available on this site: mute its people."
    }
    assert (unmuted.status_code, unmuted.json()["muted"]) == (200, False)
    assert (
        ApiClient(token_for(api.user, "write:statuses")).post(status_url(post, "mute")).status_code
        == 403
    )


# --- who liked, who reposted, one's favourites ------------------------------------------------


def test_favourited_by_pages_by_the_like_to_the_end(api):
    post = PostFactory()
    likers = [LikeFactory(post=post).user for _ in range(45)]
    blocked = LikeFactory(post=post).user
    block_create(blocker=api.user, blocked=blocked)

    ids, pages = walk(api, status_url(post, "favourited_by"), {"limit": "20"})

    assert ids == [str(person.pk) for person in reversed(likers)]
    assert pages == 3
    first = api.get(status_url(post, "favourited_by"))
    assert len(first.json()) == 40  # Mastodon's default for accounts
    assert_entities(first.json(), "Account")
    assert len(ApiClient().get(status_url(post, "favourited_by")).json()) == 40


def test_reblogged_by_lists_who_reposted(api):
    post = PostFactory()
    people = [UserFactory() for _ in range(3)]
    for person in people:
        services.repost_create(user=person, post=post)

    response = api.get(status_url(post, "reblogged_by"), {"limit": "2"})

    assert [a["id"] for a in response.json()] == [str(p.pk) for p in people[::-1][:2]]
    assert 'rel="next"' in response["Link"]
    hidden = PostFactory(visibility=Visibility.FOLLOWERS)
    assert api.get(status_url(hidden, "reblogged_by")).status_code == 404


def test_favourited_by_takes_the_same_queries_for_1_and_25_people(api):
    post = PostFactory()
    LikeFactory(post=post)
    one = count_queries(lambda: api.get(status_url(post, "favourited_by")))
    for _ in range(24):
        LikeFactory(post=post)
    many = count_queries(lambda: api.get(status_url(post, "favourited_by")))
    assert len(api.get(status_url(post, "favourited_by")).json()) == 25
    assert one == many


def test_favourites_are_ones_likes_paged_by_the_like_to_the_end(api):
    posts = [PostFactory() for _ in range(45)]
    for post in reversed(posts):  # liked in the opposite order to their writing
        services.like_create(user=api.user, post=post)
    no_longer_readable = PostFactory()
    services.like_create(user=api.user, post=no_longer_readable)
    Post.objects.filter(pk=no_longer_readable.pk).update(visibility=Visibility.FOLLOWERS)

    ids, pages = walk(api, "/api/v1/favourites", {"limit": "20"})

    assert ids == [str(post.pk) for post in posts]  # newest like first
    assert pages == 3
    assert ApiClient().get("/api/v1/favourites").status_code == 401
    statuses_only = ApiClient(token_for(api.user, "read:statuses"))
    assert statuses_only.get("/api/v1/favourites").status_code == 403


def test_favourites_take_the_same_queries_for_1_and_25(api):
    services.like_create(user=api.user, post=PostFactory())
    one = count_queries(lambda: api.get("/api/v1/favourites"))
    for _ in range(24):
        services.like_create(user=api.user, post=PostFactory())
    many = count_queries(lambda: api.get("/api/v1/favourites"))
    assert len(api.get("/api/v1/favourites").json()) == 20
    assert one == many

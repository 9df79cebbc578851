"""Media through the client API, with real pictures and sounds: uploaded (v1 and v2) through
the compose form's checks and messages, described, read back and deleted while drafts; a
person's own drafts only."""

import time

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from moderation import services as moderation
from posts import media, services
from posts.models import Attachment, Post
from tests.accounts.images import image_bytes, image_upload, png_claiming_size, upload
from tests.api.conftest import ApiClient, assert_entity, token_for
from tests.factories import FollowFactory, UserFactory
from tests.posts import sounds

pytestmark = pytest.mark.django_db


def media_url(item) -> str:
    return f"/api/v1/media/{item if isinstance(item, (int, str)) else item.pk}"


@pytest.mark.parametrize("path", ["/api/v1/media", "/api/v2/media"])
def test_a_picture_is_uploaded_as_a_draft_and_answered_at_once(api, path):
    response = api.post(
        path,
        {"file": image_upload("JPEG", size=(1200, 900)), "description": "The desk", "focus": "0,0"},
        form=True,
    )

    assert response.status_code == 200, response.content
    data = response.json()
    assert_entity(data, "MediaAttachment")
    draft = Attachment.objects.get(owner=api.user)
    assert draft.post_id is None
    assert data["id"] == str(draft.pk)
    assert data["type"] == "image"
    assert data["description"] == "The desk"
    assert data["url"].startswith("http://testserver/attachments/")
    assert data["meta"]["original"] == {
        "width": 1200,
        "height": 900,
        "size": "1200x900",
        "aspect": round(1200 / 900, 6),
    }
    assert data["meta"]["small"]["width"] <= 800
    assert data["blurhash"]


def test_a_sound_clip_is_uploaded_with_its_length(api):
    response = api.post(
        "/api/v2/media", {"file": upload(sounds.wav_bytes(3.0), "room.wav", "audio/wav")}, form=True
    )

    assert response.status_code == 200, response.content
    data = response.json()
    assert_entity(data, "MediaAttachment")
    assert data["type"] == "audio"
    assert data["meta"]["duration"] == pytest.approx(3.0, abs=0.05)
    assert data["meta"]["length"].startswith("0:00:0")


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"%PDF-1.4 not a picture", "cv.pdf", "not a picture"),
        (png_claiming_size(30_000, 30_000), "bomb.png", "too large"),
        (image_bytes("JPEG", size=(2000, 1500))[:3000], "cut.jpg", "damaged or incomplete"),
    ],
)
def test_files_that_are_not_pictures_or_sounds_are_refused_with_the_forms_message(
    api, data, name, message
):
    response = api.post("/api/v2/media", {"file": upload(data, name, "image/png")}, form=True)

    assert response.status_code == 422
    assert message in response.json()["error"]
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    "body",
    [{}, {"file": "not a file"}, {"description": "no file"}],
    ids=["nothing", "text", "description"],
)
def test_an_upload_without_a_file_is_422(api, body):
    response = api.post("/api/v2/media", body, form=True)
    assert response.status_code == 422
    assert response.json() == {"error": "Choose a file to upload."}
    assert api.post("/api/v2/media", body).status_code == 422  # as JSON


@pytest.mark.parametrize(
    ("description", "message"),
    [
        ("x" * 1501, "Descriptions can be at most 1,500 characters."),
        ("nul\x00byte", "Remove the invisible control characters from the description."),
    ],
)
def test_descriptions_are_checked_at_upload_and_update(api, description, message):
    body = {"file": image_upload(), "description": description}
    refused = api.post("/api/v2/media", body, form=True)
    draft = services.attachment_create(owner=api.user, upload=image_upload())
    updated = api.put(media_url(draft), {"description": description})

    assert refused.status_code == updated.status_code == 422
    assert refused.json()["error"] == updated.json()["error"] == message
    assert Attachment.objects.get().description == ""


def test_a_draft_is_read_described_and_deleted_by_its_owner_alone(api):
    draft = services.attachment_create(owner=api.user, upload=image_upload(), description="Old")
    theirs = services.attachment_create(owner=UserFactory(), upload=image_upload())

    shown = api.get(media_url(draft))
    described = api.put(media_url(draft), {"description": "The booth"})
    kept = api.put(media_url(draft), {"focus": "0.5,0.5"})

    assert shown.json()["description"] == "Old"
    assert described.json()["description"] == "The booth"
    assert kept.json()["description"] == "The booth"
    for response in (
        api.get(media_url(theirs)),
        api.put(media_url(theirs), {"description": "Mine now"}),
        api.delete(media_url(theirs)),
        api.get(media_url("²")),
        api.get(media_url(10**30)),
    ):
        assert response.status_code == 404
        assert response.json() == {"error": "Record not found"}
    assert Attachment.objects.get(pk=theirs.pk).description == ""
    deleted = api.delete(media_url(draft))
    assert (deleted.status_code, deleted.json()) == (200, {})
    assert not Attachment.objects.filter(pk=draft.pk).exists()


def test_a_posted_file_is_no_longer_a_draft(api):
    draft = services.attachment_create(owner=api.user, upload=image_upload())
    services.post_create(author=api.user, text="Posted", media=[(draft.pk, "")])

    assert api.get(media_url(draft)).status_code == 404
    assert api.put(media_url(draft), {"description": "Later"}).status_code == 404
    assert api.delete(media_url(draft)).status_code == 404
    assert Attachment.objects.filter(pk=draft.pk).exists()


def test_media_needs_a_person_the_scope_and_an_account_in_good_standing(user):
    def send(client):
        return client.post("/api/v2/media", {"file": image_upload()}, form=True)

    assert send(ApiClient()).status_code == 401
    assert send(ApiClient(token_for(user, "read write:statuses"))).status_code == 403
    assert send(ApiClient(token_for(user, "write:media"))).status_code == 200
    suspended = UserFactory()
    token = token_for(suspended)
    moderation.user_suspend(moderator=UserFactory(is_staff=True), user=suspended, reason="spam")
    assert send(ApiClient(token)).status_code == 403
    assert Attachment.objects.count() == 1


def test_uploads_are_rate_limited_with_mastodons_headers(api, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "media": "1/30m"}
    assert api.post("/api/v2/media", {"file": image_upload()}, form=True).status_code == 200

    response = api.post("/api/v2/media", {"file": image_upload()}, form=True)

    assert response.status_code == 429
    assert response.json() == {"error": "Too many requests"}
    assert response["X-RateLimit-Limit"] == "1"


# --- the files' addresses ---------------------------------------------------------------------


def fetch(url: str):
    """A file as an app loads it: no cookie, no token."""
    return Client().get(url.replace("http://testserver", ""))


def test_a_public_posts_pictures_load_without_a_grant(api):
    draft = services.attachment_create(owner=api.user, upload=image_upload())
    post = services.post_create(author=api.user, text="Public", media=[(draft.pk, "")])

    data = api.get(f"/api/v1/statuses/{post.pk}").json()["media_attachments"][0]

    assert "grant" not in data["url"]
    assert fetch(data["url"]).status_code == 200
    assert fetch(data["preview_url"]).status_code == 200


def test_a_followers_only_posts_pictures_load_by_their_grant_while_the_post_may_be_read(api):
    author = UserFactory()
    FollowFactory(follower=api.user, followee=author)
    draft = services.attachment_create(owner=author, upload=image_upload())
    post = services.post_create(
        author=author, text="Crew only", visibility="private", media=[(draft.pk, "")]
    )

    data = api.get(f"/api/v1/statuses/{post.pk}").json()["media_attachments"][0]

    assert "?grant=" in data["url"]
    assert fetch(data["url"]).status_code == 200
    assert fetch(data["preview_url"]).status_code == 200
    assert fetch(data["url"].partition("?")[0]).status_code == 404  # the grant is the key
    other = services.attachment_create(owner=author, upload=image_upload())
    assert fetch(data["url"].replace(f"/{draft.pk}/", f"/{other.pk}/")).status_code == 404
    Post.objects.filter(pk=post.pk).update(removed_at=timezone.now())
    assert fetch(data["url"]).status_code == 404


def test_an_uploaded_drafts_preview_loads_by_its_grant_until_its_owner_is_suspended(api):
    data = api.post("/api/v2/media", {"file": image_upload()}, form=True).json()

    assert fetch(data["preview_url"]).status_code == 200
    moderation.user_suspend(moderator=UserFactory(is_staff=True), user=api.user, reason="spam")
    assert fetch(data["preview_url"]).status_code == 404


def test_a_grant_expires(api):
    draft = services.attachment_create(owner=api.user, upload=image_upload())

    class LastMonth(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time()) - media.GRANT_MAX_AGE - 60)

    old = LastMonth(salt="posts.attachment.grant").sign(str(draft.pk))
    fresh = media.grant_for(draft.pk)
    assert fetch(f"/attachments/{draft.pk}/full?grant={old}").status_code == 404
    assert fetch(f"/attachments/{draft.pk}/full?grant={fresh}").status_code == 200

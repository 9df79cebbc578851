"""Pictures on posts, with real files: re-encoded without their metadata, sized, refused with a
message when they are not what they claim or too big; kept as drafts until a post takes them;
served only to who may see the post (with byte ranges); deleted with their post or account."""

import io
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image

from accounts import services as account_services
from core.ratelimit import RateLimited
from moderation import services as moderation_services
from posts import media, services
from posts.models import Attachment, Post
from tests.accounts.images import (
    image_bytes,
    image_upload,
    jpeg_with_gps_exif,
    png_claiming_size,
    upload,
)
from tests.core.test_query import NOT_IDS
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def gif_animation(frames: int = 3) -> bytes:
    pictures = [Image.new("RGB", (120, 80), (40 * n, 90, 200)) for n in range(frames)]
    output = io.BytesIO()
    pictures[0].save(output, format="GIF", save_all=True, append_images=pictures[1:], duration=80)
    return output.getvalue()


def stored(name: str) -> Image.Image:
    with default_storage.open(name) as handle:
        picture = Image.open(io.BytesIO(handle.read()))
        picture.load()
        return picture


# --- what an upload becomes ----------------------------------------------------------------------


def test_a_phone_photo_loses_its_location_and_keeps_its_pixels():
    original = Image.open(io.BytesIO(jpeg_with_gps_exif()))
    assert original.getexif().get_ifd(0x8825)  # the upload says where it was taken

    prepared = media.prepare(upload(jpeg_with_gps_exif(), "IMG_0001.jpg", "image/jpeg"))

    for data in (prepared.full, prepared.preview):
        picture = Image.open(io.BytesIO(data))
        assert picture.format == "WEBP"
        assert not picture.getexif()
        assert "exif" not in picture.info and "icc_profile" not in picture.info
    assert (prepared.width, prepared.height) == (640, 480)
    assert prepared.colour == "#c82828"  # the photo's red, as its placeholder
    assert len(prepared.blurhash) == 6 + 2 * (4 * 3 - 1)  # 4 x 3 components


def test_a_big_picture_gets_a_full_size_of_4096_and_a_preview_of_800():
    prepared = media.prepare(image_upload("PNG", size=(6000, 3000)))

    assert (prepared.width, prepared.height) == (4096, 2048)
    assert (prepared.preview_width, prepared.preview_height) == (800, 400)
    assert Image.open(io.BytesIO(prepared.full)).size == (4096, 2048)


def test_an_animated_gif_stays_animated():
    prepared = media.prepare(upload(gif_animation(), "loop.gif", "image/gif"))

    picture = Image.open(io.BytesIO(prepared.full))
    assert prepared.animated
    assert picture.format == "WEBP"
    assert picture.n_frames == 3


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (
            b"just some notes, honestly\n" * 40,
            "song.mp3",
            "not a picture (JPEG, PNG, WebP or GIF) or a sound clip",
        ),
        (
            b"GIF89a" + b"\x00" * 30,
            "broken.gif",
            "not a picture (JPEG, PNG, WebP or GIF) or a sound clip",
        ),
        (png_claiming_size(30_000, 30_000), "bomb.png", "too large"),
        (png_claiming_size(9_000, 9_000), "bomb.png", "too large"),
        (image_bytes("JPEG", size=(2000, 1500))[:3000], "cut.jpg", "damaged or incomplete"),
    ],
)
def test_files_that_are_not_pictures_are_refused_with_a_message(data, name, message):
    with pytest.raises(ValidationError) as refused:
        media.prepare(upload(data, name, "image/jpeg"))

    assert message in refused.value.messages[0]


def test_a_file_over_16_mb_is_refused_before_it_is_read():
    big = upload(b"\xff\xd8" + b"\x00" * (16 * 1024 * 1024), "huge.jpg", "image/jpeg")

    with pytest.raises(ValidationError, match="larger than 16 MB"):
        media.prepare(big)


# --- drafts and posts -----------------------------------------------------------------------------


def test_pictures_wait_as_drafts_then_a_post_takes_them_in_order():
    maya = UserFactory()
    first = services.attachment_create(owner=maya, upload=image_upload("PNG"))
    second = services.attachment_create(owner=maya, upload=image_upload("JPEG", size=(300, 900)))
    assert first.post_id is None and default_storage.exists(first.file)

    post = services.post_create(
        author=maya, text="", media=[(second.pk, "Console at night"), (first.pk, "")]
    )

    assert post.has_media and post.text == ""
    taken = list(post.attachments.all())
    assert [a.pk for a in taken] == [second.pk, first.pk]
    assert [a.description for a in taken] == ["Console at night", ""]
    assert (taken[0].width, taken[0].height) == (300, 900)


def test_a_post_cannot_take_someone_elses_draft_or_one_already_used():
    maya, theo = UserFactory(), UserFactory()
    draft = services.attachment_create(owner=theo, upload=image_upload())

    with pytest.raises(ValidationError) as refused:
        services.post_create(author=maya, text="Mine now", media=[(draft.pk, "")])
    assert "no longer available" in refused.value.message_dict["media"][0]

    services.post_create(author=theo, text="First", media=[(draft.pk, "")])
    with pytest.raises(ValidationError):
        services.post_create(author=theo, text="Again", media=[(draft.pk, "")])
    assert Post.objects.filter(text__in=["Mine now", "Again"]).count() == 0


def test_a_post_holds_four_pictures_and_descriptions_of_1500_characters():
    maya = UserFactory()
    drafts = [services.attachment_create(owner=maya, upload=image_upload()) for _ in range(5)]

    with pytest.raises(ValidationError, match="up to 4 pictures"):
        services.post_create(author=maya, text="Five", media=[(d.pk, "") for d in drafts])
    with pytest.raises(ValidationError, match="1,500 characters"):
        services.post_create(author=maya, text="Long", media=[(drafts[0].pk, "x" * 1501)])

    post = services.post_create(
        author=maya, text="Four", media=[(d.pk, "x" * 1500) for d in drafts[:4]]
    )
    assert post.attachments.count() == 4


def test_a_deleted_post_takes_its_files_with_it(django_capture_on_commit_callbacks):
    maya = UserFactory()
    draft = services.attachment_create(owner=maya, upload=image_upload())
    post = services.post_create(author=maya, text="Short-lived", media=[(draft.pk, "")])

    with django_capture_on_commit_callbacks(execute=True):
        services.post_delete(post=post, user=maya)

    assert not Attachment.objects.filter(pk=draft.pk).exists()
    assert not default_storage.exists(draft.file)
    assert not default_storage.exists(draft.preview)


def test_a_deleted_account_takes_its_files_with_it(django_capture_on_commit_callbacks):
    maya = UserFactory()
    posted = services.attachment_create(owner=maya, upload=image_upload())
    services.post_create(author=maya, text="Reel", media=[(posted.pk, "")])
    draft = services.attachment_create(owner=maya, upload=image_upload("GIF"))

    with django_capture_on_commit_callbacks(execute=True):
        account_services.user_delete(user=maya)

    for name in [*posted.files(), *draft.files()]:
        assert not default_storage.exists(name)


# --- serving --------------------------------------------------------------------------------------


@pytest.fixture
def posted():
    author = UserFactory(username="maya")
    draft = services.attachment_create(owner=author, upload=image_upload("PNG", size=(1200, 900)))
    services.post_create(author=author, text="Mix room", media=[(draft.pk, "The desk")])
    draft.refresh_from_db()
    return draft


def test_a_picture_is_served_to_anyone_who_may_see_its_post(client, posted):
    full = client.get(f"/attachments/{posted.pk}/full")
    preview = client.get(f"/attachments/{posted.pk}/preview")

    assert full.status_code == 200 and preview.status_code == 200
    assert full["Content-Type"] == "image/webp"
    assert full["X-Content-Type-Options"] == "nosniff"
    assert Image.open(io.BytesIO(b"".join(full.streaming_content))).size == (1200, 900)
    assert Image.open(io.BytesIO(b"".join(preview.streaming_content))).size == (800, 600)


def test_byte_ranges_are_answered_with_their_part(client, posted):
    whole = b"".join(client.get(f"/attachments/{posted.pk}/full").streaming_content)

    part = client.get(f"/attachments/{posted.pk}/full", HTTP_RANGE="bytes=10-109")
    tail = client.get(f"/attachments/{posted.pk}/full", HTTP_RANGE="bytes=-50")
    past = client.get(f"/attachments/{posted.pk}/full", HTTP_RANGE=f"bytes={len(whole)}-")

    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 10-109/{len(whole)}"
    assert b"".join(part.streaming_content) == whole[10:110]
    assert b"".join(tail.streaming_content) == whole[-50:]
    assert past.status_code == 416
    assert past["Content-Range"] == f"bytes */{len(whole)}"


@pytest.mark.parametrize(
    "value",
    [
        "bytes=",
        "bytes=5-2",
        "bytes=0-1,4-5",
        "items=0-1",
        "bytes=-0",
        "bytes=²-",
        "bytes=0-" + "9" * 40,
    ],
)
def test_odd_range_headers_never_break_the_answer(client, posted, value):
    response = client.get(f"/attachments/{posted.pk}/full", HTTP_RANGE=value)

    assert response.status_code in (200, 206, 416)


@pytest.mark.parametrize(
    "value", [v for v in NOT_IDS if isinstance(v, str) and v] + ["0", "99999999999"]
)
def test_ids_that_are_not_attachments_are_404s(client, value):
    assert client.get(f"/attachments/{quote(value, safe='')}/full").status_code == 404


def test_not_served_when_its_post_is_removed_its_author_suspended_or_blocks_the_viewer(
    client, posted
):
    url = f"/attachments/{posted.pk}/full"
    viewer = UserFactory()
    client.force_login(viewer)
    assert client.get(url).status_code == 200

    account_services.block_create(blocker=posted.owner, blocked=viewer)
    assert client.get(url).status_code == 404
    account_services.block_delete(blocker=posted.owner, blocked=viewer)
    account_services.block_create(blocker=viewer, blocked=posted.owner)
    assert client.get(url).status_code == 404
    account_services.block_delete(blocker=viewer, blocked=posted.owner)

    moderator = UserFactory(is_staff=True)
    moderation_services.user_suspend(moderator=moderator, user=posted.owner, reason="spam")
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 404
    client.force_login(moderator)
    assert client.get(url).status_code == 200  # staff see what they moderate


def test_a_draft_is_served_to_its_owner_alone(client):
    owner = UserFactory()
    draft = services.attachment_create(owner=owner, upload=image_upload())
    url = f"/attachments/{draft.pk}/preview"

    assert client.get(url).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(owner)
    assert client.get(url).status_code == 200


def test_the_avatar_route_does_not_serve_attachments(client, posted):
    assert client.get(f"/media/{posted.file}").status_code == 404
    assert client.get(f"/media/avatars/../{posted.file}").status_code == 404


def test_drafts_left_for_a_day_go_at_their_owners_next_upload(django_capture_on_commit_callbacks):
    maya, theo = UserFactory(), UserFactory()
    old = services.attachment_create(owner=maya, upload=image_upload())
    others = services.attachment_create(owner=theo, upload=image_upload())
    Attachment.objects.filter(pk__in=[old.pk, others.pk]).update(
        created_at=timezone.now() - timedelta(days=2)
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.attachment_create(owner=maya, upload=image_upload())

    assert not Attachment.objects.filter(pk=old.pk).exists()
    assert not default_storage.exists(old.file)
    assert Attachment.objects.filter(pk=others.pk).exists()  # theo's wait for theo


def test_uploads_are_rate_limited_per_person(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "media": "2/30m"}
    maya = UserFactory()
    for _ in range(2):
        services.attachment_create(owner=maya, upload=image_upload())

    with pytest.raises(RateLimited):
        services.attachment_create(owner=maya, upload=image_upload())
    services.attachment_create(owner=UserFactory(), upload=image_upload())  # others are not held

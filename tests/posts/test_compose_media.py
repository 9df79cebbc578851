"""The compose box with pictures, as a person uses it with and without JavaScript: files chosen
become drafts with a Description field each, refusals are named beside the field while the text
and the other pictures stay, and the post shows its pictures with their room and alt text."""

import re

import pytest

from posts.models import Attachment, Post
from tests.accounts.images import image_upload, upload
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def maya(client):
    person = UserFactory(username="maya")
    client.force_login(person)
    return person


def draft_ids(content: str) -> list[int]:
    return [int(i) for i in re.findall(r'name="attachment" value="(\d+)"', content)]


def test_without_javascript_files_come_back_to_be_described_then_post(client, maya):
    chosen = client.post(
        "/compose/",
        {"text": "New rig", "media": [image_upload("PNG"), image_upload("JPEG")]},
    )
    page = chosen.content.decode()
    ids = draft_ids(page)

    assert chosen.status_code == 200
    assert not Post.objects.exists()  # not yet: the pictures are to be described
    assert len(ids) == 2
    assert page.count(">Description</label>") == 2
    assert "New rig" in page

    posted = client.post(
        "/compose/",
        {
            "text": "New rig",
            "attachment": ids,
            f"description-{ids[0]}": "A patchbay",
            f"description-{ids[1]}": "",
        },
    )

    assert posted.status_code == 302
    post = Post.objects.get()
    assert [a.description for a in post.attachments.all()] == ["A patchbay", ""]


def test_a_refused_file_is_named_beside_the_field_and_the_rest_stays(client, maya):
    response = client.post(
        "/compose/",
        {
            "text": "Two files",
            "media": [upload(b"not audio at all\n" * 50, "song.jpg", "image/jpeg"), image_upload()],
        },
    )
    page = response.content.decode()

    assert response.status_code == 422
    assert "song.jpg: That file is not a picture (JPEG, PNG, WebP or GIF) or a sound clip" in page
    assert 'aria-invalid="true"' in page
    assert len(draft_ids(page)) == 1  # the good one stays chosen
    assert "Two files" in page
    assert Attachment.objects.count() == 1  # nothing stored for the refused one


def test_with_htmx_a_chosen_file_becomes_a_draft_in_the_form(client, maya):
    response = client.post(
        "/compose/", {"text": "Draft", "upload": "1", "media": [image_upload()]}, **HTMX
    )

    assert response.status_code == 200
    assert response["HX-Retarget"] == "#compose-form"
    page = response.content.decode()
    assert len(draft_ids(page)) == 1
    assert "Draft" in page


def test_with_htmx_the_post_comes_back_as_a_card_with_its_pictures(client, maya):
    draft = client.post("/compose/", {"upload": "1", "media": [image_upload()]}, **HTMX)
    [draft_id] = draft_ids(draft.content.decode())

    response = client.post(
        "/compose/",
        {"text": "", "attachment": [draft_id], f"description-{draft_id}": "Tape machine"},
        **HTMX,
    )
    page = response.content.decode()

    assert response.status_code == 200
    assert f'src="/attachments/{draft_id}/preview" width="640" height="480"' in page
    assert 'alt="Tape machine"' in page
    assert f'href="/attachments/{draft_id}/full"' in page


def test_remove_takes_a_picture_out_of_the_form(client, maya):
    first = client.post("/compose/", {"media": [image_upload(), image_upload("GIF")]})
    ids = draft_ids(first.content.decode())

    response = client.post("/compose/", {"text": "x", "attachment": ids, "drop": ids[0]})

    assert draft_ids(response.content.decode()) == [ids[1]]
    assert not Post.objects.exists()


def test_someone_elses_draft_and_hostile_ids_are_ignored(client, maya):
    theirs = Attachment.objects.create(
        owner=UserFactory(),
        kind="image",
        file="attachments/x.webp",
        content_type="image/webp",
        size=1,
    )

    response = client.post(
        "/compose/", {"text": "Hi", "attachment": [theirs.pk, "²", "-1", "9" * 30]}
    )

    assert response.status_code == 302
    assert not Post.objects.get().has_media


def test_a_fifth_picture_and_a_long_description_are_refused_with_a_message(client, maya):
    chosen = client.post("/compose/", {"media": [image_upload() for _ in range(5)]})
    page = chosen.content.decode()
    assert "a post holds up to 4 pictures." in page
    ids = draft_ids(page)
    assert len(ids) == 4

    response = client.post(
        "/compose/",
        {"text": "Four", "attachment": ids, f"description-{ids[0]}": "x" * 1501},
    )
    page = response.content.decode()

    assert response.status_code == 422
    assert "Descriptions can be at most 1,500 characters." in page
    assert "x" * 1501 in page  # what was typed stays
    assert not Post.objects.exists()


def test_a_picture_opens_full_size_in_a_dialog_with_htmx_and_as_itself_without(client, maya):
    draft = client.post("/compose/", {"upload": "1", "media": [image_upload()]}, **HTMX)
    [draft_id] = draft_ids(draft.content.decode())
    client.post("/compose/", {"text": "Look", "attachment": [draft_id]})

    dialog = client.get(f"/attachments/{draft_id}/", **HTMX)
    plain = client.get(f"/attachments/{draft_id}/")

    assert "<dialog" in dialog.content.decode()
    assert f'src="/attachments/{draft_id}/full"' in dialog.content.decode()
    assert plain.status_code == 302 and plain["Location"] == f"/attachments/{draft_id}/full"


def test_an_upload_over_the_rate_limit_is_named_and_the_text_stays(client, maya, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "media": "1/30m"}

    response = client.post(
        "/compose/", {"text": "Still here", "media": [image_upload(), image_upload("GIF")]}
    )
    page = response.content.decode()

    assert response.status_code == 422
    refusal = r"me\.gif: you have uploaded a lot just now; try again in \d+ minutes?\."
    assert re.search(refusal, page)
    assert "Still here" in page
    assert len(draft_ids(page)) == 1

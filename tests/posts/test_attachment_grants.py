"""Grants to an attachment's files (posts.media.grant_for): what apps load pictures by, without
the session cookie. A grant opens its own file, while its post may be read, to whoever holds
it; nothing else."""

import pytest
from django.utils import timezone

from posts import media, services
from posts.models import Post
from tests.accounts.images import image_upload
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def crew_picture():
    author = UserFactory()
    draft = services.attachment_create(owner=author, upload=image_upload())
    services.post_create(author=author, text="Crew", visibility="private", media=[(draft.pk, "")])
    draft.refresh_from_db()
    return draft


def test_a_grant_opens_its_own_file_to_whoever_holds_it(client, crew_picture):
    grant = media.grant_for(crew_picture.pk)
    url = f"/attachments/{crew_picture.pk}/full"

    assert client.get(url).status_code == 404
    assert client.get(url, {"grant": grant}).status_code == 200
    preview = f"/attachments/{crew_picture.pk}/preview"
    assert client.get(preview, {"grant": grant}).status_code == 200


@pytest.mark.parametrize(
    "grant",
    ["", "1", "x" * 5000, "\x00", "1:abc:def", "²:²:²"],
    ids=["empty", "id", "long", "nul", "forged", "digits"],
)
def test_anything_but_a_grant_opens_nothing(client, crew_picture, grant):
    response = client.get(f"/attachments/{crew_picture.pk}/full", {"grant": grant})
    assert response.status_code == 404


def test_a_grant_for_one_file_opens_no_other_and_ends_with_its_post(client, crew_picture):
    other = services.attachment_create(owner=crew_picture.owner, upload=image_upload())
    grant = media.grant_for(other.pk)

    assert media.grant_valid(other.pk, grant)
    assert not media.grant_valid(crew_picture.pk, grant)
    assert client.get(f"/attachments/{crew_picture.pk}/full", {"grant": grant}).status_code == 404
    own = media.grant_for(crew_picture.pk)
    Post.objects.filter(pk=crew_picture.post_id).update(removed_at=timezone.now())
    assert client.get(f"/attachments/{crew_picture.pk}/full", {"grant": own}).status_code == 404

from pathlib import Path

import pytest
from django.conf import settings

from accounts import avatars
from tests.accounts.images import image_upload


@pytest.fixture
def avatar_name(db):
    large, small = avatars.avatar_images(image_upload("PNG"))
    return avatars.avatar_files_save(avatar=large, thumbnail=small)[0]


def test_uploaded_images_are_served_safely_with_debug_off(client, avatar_name):
    assert not settings.DEBUG

    response = client.get(f"/media/{avatar_name}")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == "inline"
    assert "immutable" in response["Cache-Control"]
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content)[:4] == b"RIFF"


def test_missing_file_is_404(client, db):
    assert client.get("/media/avatars/0123456789abcdef.webp").status_code == 404


def test_files_outside_media_root_are_never_served(client, db, tmp_path):
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not for you")

    for path in ("/media/../secret.png", "/media/%2e%2e/secret.png", f"/media/{secret}"):
        assert client.get(path).status_code == 404


@pytest.mark.parametrize("name", ["page.html", "image.svg", "notes.txt", "avatars/x.webp.html"])
def test_only_raster_image_types_are_served(client, db, name):
    path = Path(settings.MEDIA_ROOT) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("<script>alert(1)</script>")

    assert client.get(f"/media/{name}").status_code == 404


def test_head_requests_get_the_headers(client, avatar_name):
    response = client.head(f"/media/{avatar_name}")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"

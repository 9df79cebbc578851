"""Uploaded files are served as images and nothing else: never as HTML or SVG, never sniffed.

An avatar goes in through the real profile form; files that could carry scripts, put straight
into MEDIA_ROOT (as a careless admin or a future feature might), are not served at all.
"""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.accounts.images import image_bytes, upload

SCRIPTED = {
    "page.html": "<html><script>alert(document.cookie)</script></html>",
    "page.htm": "<script>alert(1)</script>",
    "drawing.svg": '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    "avatars/upper.SVG": "<svg onload='alert(1)'/>",
    "avatars/page.xhtml": "<html xmlns='http://www.w3.org/1999/xhtml'><script>alert(1)</script>",
    "avatars/x.webp.html": "<script>alert(1)</script>",
}


def test_an_avatar_uploaded_through_the_form_is_served_as_an_image(client_logged_in):
    response = client_logged_in.post(
        reverse("accounts:settings_profile"),
        {
            "display_name": "Maya",
            "avatar_upload": upload(image_bytes("JPEG"), "me.jpg", "image/jpeg"),
        },
    )
    assert response.status_code == 302
    client_logged_in.user.refresh_from_db()

    for name in (client_logged_in.user.avatar.name, client_logged_in.user.avatar_thumbnail.name):
        served = client_logged_in.get(client_logged_in.user.avatar.storage.url(name))

        assert served.status_code == 200
        assert served["Content-Type"] == "image/webp"
        assert served["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in served["Content-Security-Policy"]


@pytest.mark.parametrize("name", sorted(SCRIPTED))
def test_html_and_svg_files_in_media_root_are_never_served_as_such(client, db, name):
    content = SCRIPTED[name]
    path = Path(settings.MEDIA_ROOT) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content)

    response = client.get(f"/media/{name}")

    # Our designed 404 page (text/html itself), not the file: its markup never reaches the browser.
    assert response.status_code == 404
    assert b"alert" not in response.content
    assert not response.has_header("Content-Disposition")


def test_html_hidden_in_a_png_named_file_is_served_as_png_with_nosniff(client, db):
    """The type comes from the extension we chose, and nosniff stops a browser reading HTML."""
    path = Path(settings.MEDIA_ROOT) / "avatars" / "polyglot.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("<html><script>alert(1)</script></html>")

    response = client.get("/media/avatars/polyglot.png")

    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in response["Content-Security-Policy"]


def test_an_html_file_sent_as_an_avatar_is_refused_with_a_message(client_logged_in):
    html = b"<html><script>alert(1)</script></html>"
    response = client_logged_in.post(
        reverse("accounts:settings_profile"),
        {"avatar_upload": upload(html, "avatar.png", "image/png")},
    )

    assert response.status_code == 422
    client_logged_in.user.refresh_from_db()
    assert not client_logged_in.user.avatar
    assert not list(Path(settings.MEDIA_ROOT).rglob("*"))  # nothing was written

"""The directory's search and location fields, the follow form's "next", and people's own text in
person cards, against the shared hostile-input corpus."""

from urllib.parse import quote

import pytest

from tests.data.hostile import PAYLOADS
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def query(**params) -> str:
    # Lone surrogates cannot be UTF-8; send their bytes as a browser bug or an attacker would.
    return "&".join(
        f"{name}={quote(value, safe='', errors='surrogatepass')}" for name, value in params.items()
    )


def storable(text: str, length: int) -> str:
    # What could reach the database through a profile form: no NUL, no lone surrogates.
    text = text.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")
    return text[:length] or "x"


@pytest.mark.parametrize(("label", "payload"), PAYLOADS, ids=[label for label, _ in PAYLOADS])
def test_directory_filters_take_hostile_input_as_inert_text(client, label, payload):
    UserFactory(display_name="Maya Okafor", location="Berlin")

    for field in ("q", "location"):
        response = client.get(f"/people/?{query(**{field: payload})}")

        assert response.status_code == 200
        content = response.content.decode()
        if "<" in payload:
            assert payload not in content
        assert "<script>alert" not in content


@pytest.mark.parametrize(("label", "payload"), PAYLOADS, ids=[label for label, _ in PAYLOADS])
def test_person_cards_show_hostile_profiles_as_text(client, label, payload):
    person = UserFactory(
        display_name=storable(payload, 50),
        bio=storable(payload, 160),
        location=storable(payload, 50),
        open_to_collaborate=True,
    )

    content = client.get("/people/").content.decode()

    for text in {person.display_name, person.bio, person.location}:
        if "<" in text:
            assert text not in content
    assert "<script>alert" not in content and "<img src=x" not in content


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:x"])
def test_follow_next_only_returns_to_this_site(client_logged_in, target):
    UserFactory(username="jonas")

    response = client_logged_in.post("/@jonas/follow/", {"next": target})

    assert response["Location"] == "/"

"""Every text field of the account side against the shared hostile-input corpus.

Each payload is either refused with a message next to its field, or stored and shown as inert
text: the page never gains a script tag, an event handler attribute or a javascript: link.
"""

from html.parser import HTMLParser

import pytest
from django.template.defaultfilters import linebreaksbr
from django.utils.html import escape

from accounts.models import User
from tests.data.hostile import PAYLOADS
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# A browser cannot send a lone surrogate (it is not encodable as UTF-8, and Django decodes the
# body with replacement characters), and the test client cannot either.
SENDABLE = [
    (label, payload)
    for label, payload in PAYLOADS
    if not any(0xD800 <= ord(char) <= 0xDFFF for char in payload)
]


class DangerCounter(HTMLParser):
    """Counts what would run in a browser: script-like tags, on* attributes, javascript: URLs."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "iframe", "object", "embed", "base", "meta", "link", "style"):
            # Nonces change with every response; a title is text (a feed's link is titled
            # with the person's name), shown by no browser as markup.
            kept = [(n, v) for n, v in attrs if n not in ("nonce", "title")]
            self.found.append(f"<{tag} {kept}>")
        for name, value in attrs:
            if name.startswith(("on", "hx-")):
                self.found.append(f"{tag}[{name}]")
            if name in ("href", "src", "action") and "script:" in (value or "").lower():
                self.found.append(f"{tag}[{name}={value}]")


def danger_counts(content: str) -> list[str]:
    parser = DangerCounter()
    parser.feed(content)
    # The page's own scripts, stylesheet links, meta tags and hx- attributes are the baseline.
    return sorted(parser.found)


@pytest.mark.parametrize(("label", "payload"), SENDABLE, ids=[label for label, _ in SENDABLE])
def test_profile_fields_refuse_or_neutralise_hostile_input(client, label, payload):
    person = UserFactory(username="target")
    client.force_login(person)
    baseline = danger_counts(client.get("/@target/").content.decode())
    form_baseline = danger_counts(client.get("/settings/profile/").content.decode())

    # Each field on its own first (a refusal must be that field's), then the accepted ones together.
    accepted = {}
    for field in ("display_name", "bio", "location", "website"):
        response = client.post("/settings/profile/", {field: payload})
        if response.status_code == 422:
            assert response.context["form"].errors[field], (field, response.context["form"].errors)
            assert danger_counts(response.content.decode()) == form_baseline
        else:
            assert response.status_code == 302, (field, response.status_code)
            accepted[field] = payload
    if not accepted:
        return
    assert client.post("/settings/profile/", accepted).status_code == 302
    stored = User.objects.get(pk=person.pk)
    page = client.get("/@target/").content.decode()
    assert danger_counts(page) == baseline
    for field in accepted:
        value = getattr(stored, field)
        if value and field == "bio":
            assert linebreaksbr(value, autoescape=True) in page
        elif value:
            assert escape(value) in page, field


@pytest.mark.parametrize(("label", "payload"), SENDABLE, ids=[label for label, _ in SENDABLE])
def test_sign_up_and_login_fields_refuse_hostile_input(client, label, payload):
    good = {
        "username": "fine_name",
        "email": "fine@example.com",
        "password1": "a long pass 42",
        "password2": "a long pass 42",
    }
    signup_baseline = danger_counts(client.get("/accounts/signup/").content.decode())
    for field in ("username", "email"):
        response = client.post("/accounts/signup/", {**good, field: payload})
        assert response.status_code == 422, (field, payload[:40])
        assert response.context["form"].errors[field]
        assert danger_counts(response.content.decode()) == signup_baseline
    assert not User.objects.exists()

    response = client.post("/accounts/login/", {"username": payload, "password": payload})
    assert response.status_code == 422
    assert danger_counts(response.content.decode()) == danger_counts(
        client.get("/accounts/login/").content.decode()
    )

import pytest

from accounts.models import SiteSettings, User
from tests.factories import InviteFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/accounts/signup/"
GOOD = {
    "username": "new_person",
    "email": "new@example.com",
    "password1": "a long pass 42",
    "password2": "a long pass 42",
}


def set_mode(mode: str) -> None:
    SiteSettings.objects.update_or_create(pk=1, defaults={"registration_mode": mode})


def test_sign_up_page_has_the_four_labelled_fields_and_button(client):
    content = client.get(URL).content.decode()

    for label in ("Username", "Email", "Password", "Password confirmation"):
        assert f">{label}</label>" in content
    assert ">Sign up</button>" in content


def test_signing_up_logs_the_person_in_and_asks_for_their_profile(client):
    response = client.post(URL, GOOD)

    assert response.status_code == 302
    assert response["Location"] == "/settings/profile/"
    user = User.objects.get(username="new_person")
    assert client.get("/").context["user"] == user
    assert user.password.startswith("md5$")  # hashed (tests use a fast hasher; the site Argon2)


def test_the_site_hashes_passwords_with_argon2(settings):
    from microblog import settings as site_settings

    # The test suite swaps in a fast hasher; put the site's own list back for this test.
    settings.PASSWORD_HASHERS = site_settings.PASSWORD_HASHERS
    user = UserFactory.build()
    user.set_password("whatever it is 1")

    assert user.password.startswith("argon2")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("username", "<script>alert(1)</script>", "Use 1-30 letters, digits or underscores."),
        ("username", "a" * 31, "Ensure this value has at most 30 characters (it has 31)."),
        ("username", "with space", "Use 1-30 letters, digits or underscores."),
        ("username", "Admin", "That username is reserved. Choose another."),
        ("username", "settings", "That username is reserved. Choose another."),
        ("username", "", "This field is required."),
        ("email", "not-an-email", "Enter a valid email address."),
        ("email", "", "This field is required."),
        ("email", "x" * 300 + "@example.com", "Ensure this value has at most 254 characters"),
    ],
)
def test_bad_input_is_refused_next_to_its_field_and_keeps_what_was_typed(
    client, field, value, message
):
    response = client.post(URL, {**GOOD, field: value})

    assert response.status_code == 422
    assert message in " ".join(response.context["form"].errors[field])
    content = response.content.decode()
    assert 'value="new@example.com"' in content or field == "email"
    assert "<script>alert" not in content
    assert not User.objects.exists()


def test_usernames_are_unique_whatever_the_letter_case(client):
    UserFactory(username="Maya")

    response = client.post(URL, {**GOOD, "username": "mAYA"})

    assert response.status_code == 422
    assert response.context["form"].errors["username"] == ["That username is taken."]


def test_email_already_used_is_refused(client):
    UserFactory(email="New@Example.com")

    response = client.post(URL, GOOD)

    assert response.context["form"].errors["email"] == [
        "An account with that email exists. Log in or reset your password."
    ]


def test_passwords_must_match_and_be_strong(client):
    response = client.post(URL, {**GOOD, "password2": "something else 1"})
    assert response.context["form"].errors["password2"] == ["The two password fields didn’t match."]

    response = client.post(URL, {**GOOD, "password1": "12345678", "password2": "12345678"})
    errors = " ".join(response.context["form"].errors["password2"])
    assert "too common" in errors


def test_closed_mode_shows_why_and_no_form(client):
    set_mode("closed")

    response = client.get(URL)

    content = response.content.decode()
    assert "Sign-ups are closed on this server for now." in content
    assert '<form method="post" action="/accounts/signup/"' not in content
    assert client.post(URL, GOOD).status_code == 422
    assert not User.objects.exists()


def test_closed_mode_shows_the_owners_message(client):
    SiteSettings.objects.update_or_create(
        pk=1, defaults={"registration_mode": "closed", "closed_message": "Back in <b>May</b>."}
    )

    content = client.get(URL).content.decode()

    assert "Back in &lt;b&gt;May&lt;/b&gt;." in content


def test_invite_only_mode_accepts_an_invite_link(client):
    set_mode("invite")
    invite = InviteFactory()

    page = client.get(f"{URL}?invite={invite.code}").content.decode()
    assert "You were invited" in page
    assert f'name="invite" value="{invite.code}"' in page

    response = client.post(URL, {**GOOD, "invite": invite.code})

    assert response.status_code == 302
    assert User.objects.get().invite == invite


def test_invite_only_mode_refuses_an_unknown_or_used_invite(client):
    set_mode("invite")
    used = InviteFactory(uses=1, max_uses=1)

    for code in ("nonsense", used.code):
        content = client.get(f"{URL}?invite={code}").content.decode()
        assert "That invite link has expired or has been used up." in content


def test_approval_mode_logs_the_person_in_to_the_pending_page(client):
    set_mode("approval")

    response = client.post(URL, GOOD, follow=True)

    assert response.redirect_chain[-1][0] == "/accounts/pending/"
    assert "Your account is waiting for approval" in response.content.decode()
    assert User.objects.get().awaiting_approval


def test_signed_in_people_are_sent_home(client_logged_in):
    assert client_logged_in.get(URL)["Location"] == "/"


def test_sign_ups_are_rate_limited_per_address(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup": "2/1h"}
    for n in range(2):
        client.post(URL, {**GOOD, "username": f"p{n}", "email": f"p{n}@example.com"})
        client.logout()

    response = client.post(URL, {**GOOD, "username": "p3", "email": "p3@example.com"})

    assert response.status_code == 429
    assert User.objects.count() == 2


def test_asking_whether_a_name_or_address_is_taken_counts_against_the_limit(client, settings):
    """A refused sign-up (the name is taken) is counted like any other: nobody can test names
    or addresses faster than sign-ups are allowed."""
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup": "2/1h"}
    UserFactory(username="maya", email="maya@example.com")
    for _ in range(2):
        response = client.post(URL, {**GOOD, "username": "maya"})
        assert response.context["form"].errors["username"] == ["That username is taken."]

    response = client.post(URL, {**GOOD, "email": "maya@example.com"})

    assert response.status_code == 429
    assert "maya@example.com" not in response.content.decode()

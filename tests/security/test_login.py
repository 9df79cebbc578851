import re

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.utils import timezone

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

URL = "/accounts/login/"


def logged_in_user(client):
    return client.get("/").context["user"]


def test_login_page_has_labelled_fields_and_button(client, settings):
    settings.SITE_NAME = "Soundpost"
    content = client.get(URL).content.decode()

    assert ">Username</label>" in content
    assert ">Password</label>" in content
    assert ">Log in</button>" in content
    assert '<a class="brand" href="/">Soundpost</a>' in content
    assert "<title>Log in · Soundpost</title>" in content


@pytest.mark.parametrize("typed", ["maya_o", "MAYA_O", "maya@example.com", "Maya@Example.COM"])
def test_log_in_with_username_in_any_case_or_with_email(client, typed):
    maya = UserFactory(username="maya_o", email="maya@example.com")

    response = client.post(URL, {"username": typed, "password": PASSWORD})

    assert response.status_code == 302
    assert logged_in_user(client) == maya


def test_log_in_with_a_long_email_address(client):
    long_email = "maya.okafor.sound.design@post-production-studio.example"
    maya = UserFactory(email=long_email)

    page = client.get(URL).content.decode()
    assert 'maxlength="254"' in page
    response = client.post(URL, {"username": long_email, "password": PASSWORD})

    assert response.status_code == 302
    assert logged_in_user(client) == maya


def test_hostile_login_input_is_refused_and_shown_inert(client, db):
    response = client.post(URL, {"username": "<script>alert(1)</script>" * 400, "password": "x"})

    assert response.status_code == 422
    assert "<script>alert(1)" not in response.content.decode()


def test_lockout_address_is_none_without_a_real_client_address(rf):
    from security.backends import lockout_ip

    assert lockout_ip(rf.get("/", REMOTE_ADDR="203.0.113.9")) == "203.0.113.9"
    request = rf.get("/")
    del request.META["REMOTE_ADDR"]
    assert lockout_ip(request) is None


def test_wrong_password_says_so_and_keeps_the_username(client):
    UserFactory(username="maya_o")

    response = client.post(URL, {"username": "maya_o", "password": "wrong"})

    assert response.status_code == 422
    content = response.content.decode()
    assert "That username or email and password do not match." in content
    assert 'value="maya_o"' in content
    assert not logged_in_user(client).is_authenticated


def test_suspended_people_cannot_log_in(client):
    UserFactory(username="troll", suspended_at=timezone.now())

    response = client.post(URL, {"username": "troll", "password": PASSWORD})

    assert "This account is suspended." in response.content.decode()
    assert not logged_in_user(client).is_authenticated


def test_logout_is_a_post(client_logged_in):
    assert client_logged_in.get("/accounts/logout/").status_code == 405

    client_logged_in.post("/accounts/logout/")

    assert not logged_in_user(client_logged_in).is_authenticated


def test_repeated_failures_lock_that_account_from_that_address_only(client, settings):
    """A stranger's guesses pause logins for the account from the stranger's address, never
    for the account itself: its owner, elsewhere, still gets in."""
    settings.AXES_FAILURE_LIMIT = 3
    UserFactory(username="maya_o", email="maya@example.com")
    # Typing the email or the username counts against the same account.
    for typed in ("maya_o", "maya@example.com", "MAYA_O"):
        client.post(URL, {"username": typed, "password": "guess"}, REMOTE_ADDR="10.0.0.1")

    # Even the right password is refused from that address while it is paused...
    response = client.post(
        URL, {"username": "maya_o", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1"
    )
    assert response.status_code == 429
    content = response.content.decode()
    assert "Too many failed attempts to log in from here." in content
    assert "reset your password" in content
    assert not logged_in_user(client).is_authenticated
    # ...and from any other address it works.
    response = client.post(
        URL, {"username": "maya_o", "password": PASSWORD}, REMOTE_ADDR="10.0.0.2"
    )
    assert response.status_code == 302
    assert logged_in_user(client).username == "maya_o"


def test_repeated_failures_from_one_address_lock_that_address_out(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    UserFactory(username="victim")
    for n in range(3):
        client.post(URL, {"username": f"someone{n}", "password": "guess"})

    response = client.post(URL, {"username": "victim", "password": PASSWORD})

    assert response.status_code == 429
    assert AccessAttempt.objects.exists()


def test_a_successful_login_resets_the_failure_count(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    UserFactory(username="maya_o")
    for _ in range(2):
        client.post(URL, {"username": "maya_o", "password": "guess"})
    assert client.post(URL, {"username": "maya_o", "password": PASSWORD}).status_code == 302
    client.logout()

    for _ in range(2):
        client.post(URL, {"username": "maya_o", "password": "guess"})

    assert client.post(URL, {"username": "maya_o", "password": PASSWORD}).status_code == 302


def test_login_posts_are_rate_limited_per_address(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login": "2/5m"}
    for _ in range(2):
        client.post(URL, {"username": "nobody", "password": "x"})

    assert client.post(URL, {"username": "nobody", "password": "x"}).status_code == 429


def test_pending_people_only_see_the_pending_page(client):
    pending = UserFactory(awaiting_approval=True)
    client.force_login(pending)

    assert client.get("/")["Location"] == "/accounts/pending/"
    assert client.get("/settings/profile/")["Location"] == "/accounts/pending/"
    htmx = client.get("/settings/profile/", headers={"HX-Request": "true"})
    assert htmx["HX-Redirect"] == "/accounts/pending/"
    page = client.get("/accounts/pending/")
    assert "Your account is waiting for approval" in page.content.decode()
    assert client.get("/settings/data/").status_code == 200
    assert client.get(f"/@{pending.username}/").status_code == 302


def test_approved_people_are_sent_home_from_the_pending_page(client_logged_in):
    assert client_logged_in.get("/accounts/pending/")["Location"] == "/"


def test_password_change(client_logged_in):
    response = client_logged_in.post(
        "/settings/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "a brand new pass 7",
            "new_password2": "a brand new pass 7",
        },
    )

    assert response["Location"] == "/settings/password/changed/"
    client_logged_in.user.refresh_from_db()
    assert client_logged_in.user.check_password("a brand new pass 7")
    assert logged_in_user(client_logged_in).is_authenticated  # still logged in here


def test_password_change_needs_the_old_password(client_logged_in):
    response = client_logged_in.post(
        "/settings/password/",
        {"old_password": "nope", "new_password1": "x new pass 7", "new_password2": "x new pass 7"},
    )

    assert "Your old password was entered incorrectly" in response.content.decode()


def test_password_reset_by_email_end_to_end(client):
    maya = UserFactory(email="maya@example.com")

    response = client.post("/accounts/password/reset/", {"email": "MAYA@example.com"})

    assert response["Location"] == "/accounts/password/reset/sent/"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["maya@example.com"]
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body)[1]
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "reset pass 12345", "new_password2": "reset pass 12345"},
    )
    assert done["Location"] == "/accounts/password/reset/complete/"
    maya.refresh_from_db()
    assert maya.check_password("reset pass 12345")


def test_password_reset_for_an_unknown_email_sends_nothing_and_says_the_same(client):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})

    assert response["Location"] == "/accounts/password/reset/sent/"
    assert mail.outbox == []


def test_password_reset_is_rate_limited(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "password_reset": "2/1h"}
    for _ in range(2):
        client.post("/accounts/password/reset/", {"email": "a@example.com"})

    assert client.post("/accounts/password/reset/", {"email": "a@example.com"}).status_code == 429


def test_pending_people_can_log_in_and_are_told_they_wait_for_approval(client):
    UserFactory(username="newcomer", awaiting_approval=True)

    response = client.post(URL, {"username": "newcomer", "password": PASSWORD}, follow=True)

    assert response.redirect_chain[-1][0] == "/accounts/pending/"
    assert "Your account is waiting for approval" in response.content.decode()

"""Failed logins lock (account, address) pairs and addresses, never an account for everyone;
the owner's own browser always gets in; password spraying tells the owner, once a day."""

import pytest
from django.contrib.auth import get_user
from django.core import mail
from django.test import Client

from security.services import KNOWN_BROWSER_COOKIE
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

URL = "/accounts/login/"


@pytest.fixture
def leo(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.LOGIN_ALERT_FAILURES = 10
    return UserFactory(username="leo", email="leo@example.com", password=PASSWORD)


def log_in(client, address, password=PASSWORD, username="leo"):
    return client.post(URL, {"username": username, "password": password}, REMOTE_ADDR=address)


def known_browser_of(username: str, address: str = "198.51.100.1") -> Client:
    """A browser that signed in once, then signed out: it keeps the known-browser cookie."""
    browser = Client()
    assert log_in(browser, address, username=username).status_code == 302
    assert KNOWN_BROWSER_COOKIE in browser.cookies
    browser.post("/accounts/logout/")
    assert not get_user(browser).is_authenticated
    return browser


def test_spraying_from_twenty_addresses_neither_locks_the_owner_out_nor_floods_them(leo):
    leos_laptop = known_browser_of("leo")
    mail.outbox.clear()

    for n in range(20):
        stranger = Client()
        response = log_in(stranger, f"203.0.113.{n + 1}", password=f"guess {n}")
        assert response.status_code == 422  # a wrong password, said plainly; never a 500
    # Each stranger address retried up to the limit: paused there, and only there.
    for _ in range(3):
        log_in(Client(), "203.0.113.1", password="guess again")
    assert log_in(Client(), "203.0.113.1").status_code == 429

    response = log_in(leos_laptop, "198.51.100.1")

    assert response.status_code == 302
    assert get_user(leos_laptop).username == "leo"
    # One email, however many failures: at most one a day.
    assert [message.to for message in mail.outbox] == [["leo@example.com"]]
    assert "trying to sign in" in mail.outbox[0].subject
    assert "203.0.113" not in mail.outbox[0].body  # no addresses are told or kept


def test_the_owners_browser_gets_in_even_from_the_paused_address(leo):
    """An office shares one address with whoever guessed there: the known browser still works,
    and its own typos are neither counted nor reported."""
    leos_laptop = known_browser_of("leo", address="10.1.1.1")
    for _ in range(3):
        log_in(Client(), "10.1.1.1", password="guess")
    assert log_in(Client(), "10.1.1.1").status_code == 429

    assert log_in(leos_laptop, "10.1.1.1", password="typo").status_code == 422
    assert log_in(leos_laptop, "10.1.1.1").status_code == 302


def test_a_known_browser_of_someone_else_or_a_forged_cookie_opens_nothing(leo):
    UserFactory(username="maya", password=PASSWORD)
    mayas_browser = known_browser_of("maya", address="10.2.2.2")
    forged = Client()
    forged.cookies[KNOWN_BROWSER_COOKIE] = f"{leo.pk}:0000"
    for _ in range(3):
        log_in(Client(), "10.2.2.2", password="guess")

    assert log_in(mayas_browser, "10.2.2.2").status_code == 429
    assert log_in(forged, "10.2.2.2").status_code == 429


def test_a_new_password_forgets_the_known_browsers(leo):
    leos_laptop = known_browser_of("leo", address="10.3.3.3")
    leo.set_password("a different long password 7")
    leo.save()
    for _ in range(3):
        log_in(Client(), "10.3.3.3", password="guess")

    assert (
        log_in(leos_laptop, "10.3.3.3", password="a different long password 7").status_code == 429
    )


def test_failures_under_the_alert_threshold_send_nothing(leo):
    for n in range(9):
        log_in(Client(), f"203.0.113.{n + 1}", password="guess")

    assert mail.outbox == []


def test_failed_logins_for_an_unknown_account_email_nobody(leo):
    for n in range(12):
        log_in(Client(), f"203.0.113.{n + 1}", username="nobody_here", password="guess")

    assert mail.outbox == []

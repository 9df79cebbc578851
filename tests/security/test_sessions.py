"""Signed-in sessions: listed with their browser and when last used (no address kept), logged
out one by one or all but this one, and ended by a new password."""

import pytest
from django.contrib.auth import get_user
from django.test import Client

from security.models import SignedInSession
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)


def browser(user_agent: str, username="leo") -> Client:
    client = Client(HTTP_USER_AGENT=user_agent)
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_the_list_names_each_browser_and_marks_this_one(leo):
    laptop = browser(FIREFOX_LINUX)
    browser(SAFARI_IPHONE)

    page = laptop.get("/settings/security/").content.decode()

    assert "Firefox on Linux" in page and "Mobile Safari on iOS" in page
    assert page.count("This browser") == 1
    # Nothing but these is kept: no address, no full user agent.
    fields = {field.name for field in SignedInSession._meta.get_fields()}
    assert fields == {"id", "user", "session_key", "browser", "created_at", "last_seen"}


def test_log_out_one_session_or_all_the_others(leo):
    laptop, phone, tablet = browser(FIREFOX_LINUX), browser(SAFARI_IPHONE), browser("curl/8")
    phones = SignedInSession.objects.get(browser="Mobile Safari on iOS")

    laptop.post(f"/settings/security/sessions/{phones.pk}/logout/")
    assert not get_user(phone).is_authenticated
    assert get_user(tablet).is_authenticated

    laptop.post("/settings/security/sessions/logout-others/")
    assert not get_user(tablet).is_authenticated
    assert get_user(laptop).is_authenticated
    assert SignedInSession.objects.count() == 1


def test_logging_out_this_browser_from_the_list_signs_it_out(leo):
    laptop = browser(FIREFOX_LINUX)
    mine = SignedInSession.objects.get()

    response = laptop.post(f"/settings/security/sessions/{mine.pk}/logout/")

    assert response["Location"] == "/"
    assert not get_user(laptop).is_authenticated


def test_nobody_logs_out_someone_elses_session(leo):
    leos = browser(FIREFOX_LINUX)
    UserFactory(username="maya", password=PASSWORD)
    mayas = browser(SAFARI_IPHONE, username="maya")
    leos_session = SignedInSession.objects.get(user=leo)

    response = mayas.post(f"/settings/security/sessions/{leos_session.pk}/logout/")

    assert response.status_code == 404
    assert get_user(leos).is_authenticated


def test_a_new_password_logs_out_every_other_session(leo):
    laptop, phone = browser(FIREFOX_LINUX), browser(SAFARI_IPHONE)

    response = laptop.post(
        "/settings/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "an even longer new password 9",
            "new_password2": "an even longer new password 9",
        },
    )

    assert response.status_code == 302
    assert get_user(laptop).is_authenticated
    assert not get_user(phone).is_authenticated
    assert SignedInSession.objects.count() == 1


def test_logging_out_removes_the_session_from_the_list(leo):
    laptop = browser(FIREFOX_LINUX)
    browser(SAFARI_IPHONE)

    laptop.post("/accounts/logout/")

    assert list(SignedInSession.objects.values_list("browser", flat=True)) == [
        "Mobile Safari on iOS"
    ]


@pytest.mark.parametrize(
    ("url", "fields"),
    [
        ("/accounts/signup/", {"password1", "password2"}),
        ("/accounts/login/", {"password"}),
        ("/accounts/login/verify/", {"code"}),
        ("/settings/password/", {"old_password", "new_password1"}),
        ("/settings/data/delete/", {"password"}),
        ("/settings/security/totp/", {"code"}),
        ("/settings/security/recovery-codes/", {"password"}),
        ("/settings/security/off/", {"password", "code"}),
    ],
)
def test_no_error_report_would_hold_a_password_or_a_code(leo, url, fields):
    """Every view that takes a password or a code marks them for Django's error reports."""
    from django.urls import resolve
    from django.views.debug import SafeExceptionReporterFilter

    client = browser(FIREFOX_LINUX)
    response = client.post(url, dict.fromkeys(fields, "hunter2secret"))
    request = response.wsgi_request
    view = resolve(url).func
    assert view is not None
    cleaned = SafeExceptionReporterFilter().get_post_parameters(request)
    for field in fields:
        assert cleaned.get(field) in (None, "********************"), (url, field)

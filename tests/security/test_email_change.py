"""Changing the email address: the password first, a link to the new address that must be opened,
the old address told, and links that stop working."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from security.models import EmailChange
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

URL = "/settings/email/"


def ask(client, email="leo@studio.example", password=PASSWORD, **extra):
    return client.post(URL, {"email": email, "password": password}, **extra)


def link_in(message) -> str:
    return re.search(r"http://testserver(/settings/email/confirm/[^/\s]+/)", message.body)[1]


def test_the_page_shows_the_address_and_a_labelled_form(leo_client):
    page = leo_client.get(URL).content.decode()

    assert "Your address is <strong>leo@example.com</strong>" in page
    assert ">New email address</label>" in page
    assert ">Password</label>" in page
    assert 'aria-current="page">Email</a>' in page


def test_a_new_address_is_used_only_after_its_link_is_opened(leo, leo_client):
    response = ask(leo_client, follow=True)

    assert "We sent a link to leo@studio.example" in response.content.decode()
    assert "Waiting for you to open the link we sent to" in response.content.decode()
    leo.refresh_from_db()
    assert leo.email == "leo@example.com"
    [sent] = mail.outbox
    assert sent.to == ["leo@studio.example"]
    assert "Confirm your new email address" in sent.subject

    link = link_in(sent)
    page = Client().get(link)  # a mail scanner, or the person on their phone
    assert page.status_code == 200
    assert "Make <strong>leo@studio.example</strong> the email address of @leo?" in (
        page.content.decode()
    )
    leo.refresh_from_db()
    assert leo.email == "leo@example.com"  # opening the link alone changes nothing

    done = leo_client.post(link, follow=True)
    assert "Your email address is now leo@studio.example." in done.content.decode()
    leo.refresh_from_db()
    assert leo.email == "leo@studio.example"
    assert not EmailChange.objects.exists()
    told = mail.outbox[1]
    assert told.to == ["leo@example.com"]
    assert "leo@example.com to leo@studio.example" in told.body


def test_a_link_works_once(leo_client):
    ask(leo_client)
    link = link_in(mail.outbox[0])
    leo_client.post(link)

    again = leo_client.post(link)
    assert again.status_code == 404
    assert "This link does not work" in again.content.decode()


def test_only_the_latest_link_works(leo, leo_client):
    ask(leo_client, email="first@studio.example")
    ask(leo_client, email="second@studio.example")
    first, second = (link_in(message) for message in mail.outbox)

    assert leo_client.post(first).status_code == 404
    leo_client.post(second)
    leo.refresh_from_db()
    assert leo.email == "second@studio.example"


def test_a_link_expires(leo, leo_client, settings):
    ask(leo_client)
    link = link_in(mail.outbox[0])
    settings.EMAIL_CHANGE_HOURS = 0

    assert leo_client.get(link).status_code == 404
    assert leo_client.post(link).status_code == 404
    leo.refresh_from_db()
    assert leo.email == "leo@example.com"


@pytest.mark.parametrize("token", ["x", "a" * 300, "%C2%B2", "W1swLCJhIiwxXQ:1ab:cd", "..", "null"])
def test_a_forged_link_does_nothing(leo_client, token):
    ask(leo_client)

    assert leo_client.get(f"/settings/email/confirm/{token}/").status_code == 404
    assert leo_client.post(f"/settings/email/confirm/{token}/").status_code == 404


def test_the_link_works_when_signed_out(leo):
    client = Client()
    client.force_login(leo)
    ask(client)
    link = link_in(mail.outbox[0])

    response = Client().post(link)

    assert response.status_code == 200
    page = response.content.decode()
    assert "The email address of @leo is now <strong>leo@studio.example</strong>." in page
    assert 'href="/accounts/login/"' in page
    leo.refresh_from_db()
    assert leo.email == "leo@studio.example"


def test_a_cancelled_change_voids_its_link(leo, leo_client):
    ask(leo_client)
    response = leo_client.post("/settings/email/cancel/", follow=True)

    assert "The change of address is cancelled." in response.content.decode()
    assert leo_client.post(link_in(mail.outbox[0])).status_code == 404
    leo.refresh_from_db()
    assert leo.email == "leo@example.com"


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("leo@studio.example", "wrong", "That password is not right."),
        ("leo@studio.example", "", "Enter your password."),
        ("", PASSWORD, "Enter the new address."),
        ("not an address", PASSWORD, "Enter an email address such as name@example.com."),
        ("LEO@example.com", PASSWORD, "That is already your address."),
        ("ana@example.com", PASSWORD, "Another account uses that address."),
        ("ANA@EXAMPLE.com", PASSWORD, "Another account uses that address."),
    ],
)
def test_refusals_are_told_beside_the_field_and_keep_what_was_typed(
    leo, leo_client, email, password, message
):
    UserFactory(username="ana", email="ana@example.com")

    response = ask(leo_client, email=email, password=password)

    assert response.status_code == 422
    page = response.content.decode()
    assert message in page
    if email:
        assert f'value="{email}"' in page
    assert not mail.outbox
    assert not EmailChange.objects.exists()


def test_an_address_taken_before_the_link_is_opened_is_refused(leo, leo_client):
    ask(leo_client)
    UserFactory(username="ana", email="leo@studio.example")

    response = leo_client.post(link_in(mail.outbox[0]))

    assert response.status_code == 409
    assert "Another account uses that address. Your address did not change." in (
        response.content.decode()
    )
    leo.refresh_from_db()
    assert leo.email == "leo@example.com"


def test_requests_are_limited_per_person(leo_client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "email_change": "2/1h"}
    assert ask(leo_client, email="a@studio.example").status_code == 302
    assert ask(leo_client, email="b@studio.example").status_code == 302

    assert ask(leo_client, email="c@studio.example").status_code == 429
    assert len(mail.outbox) == 2


def test_a_person_without_an_address_can_add_one(leo, leo_client):
    leo.email = ""
    leo.save()
    assert "Your account has no email address." in leo_client.get(URL).content.decode()

    ask(leo_client)
    leo_client.post(link_in(mail.outbox[0]))

    leo.refresh_from_db()
    assert leo.email == "leo@studio.example"
    assert len(mail.outbox) == 1  # no old address to tell


def test_a_suspended_persons_link_does_nothing(leo, leo_client):
    ask(leo_client)
    link = link_in(mail.outbox[0])
    leo.suspended_at = timezone.now() - timedelta(minutes=1)
    leo.save()

    assert Client().post(link).status_code == 404


def test_the_page_is_for_signed_in_people(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_a_new_password_voids_a_waiting_change_of_address(leo, leo_client):
    ask(leo_client)  # by someone who knew the old password, say
    link = link_in(mail.outbox[0])

    leo_client.post(
        "/settings/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "a brand new passphrase 42",
            "new_password2": "a brand new passphrase 42",
        },
    )

    assert leo_client.post(link).status_code == 404
    leo.refresh_from_db()
    assert leo.email == "leo@example.com"


def test_a_password_reset_voids_a_waiting_change_of_address(leo, leo_client, client):
    ask(leo_client)
    link = link_in(mail.outbox[0])
    client.post("/accounts/password/reset/", {"email": "leo@example.com"})
    reset = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[1].body)[1]
    form = client.get(reset, follow=True)
    client.post(
        form.redirect_chain[-1][0],
        {
            "new_password1": "a brand new passphrase 42",
            "new_password2": "a brand new passphrase 42",
        },
    )

    assert Client().post(link).status_code == 404
    leo.refresh_from_db()
    assert leo.email == "leo@example.com"

"""Approving followers: a person who approves them gets requests, accepts or rejects them on a
page; meanwhile the follow button reads Requested and followers-only posts stay closed."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Visibility
from accounts.services import block_create, privacy_update
from follows import services
from follows.models import Follow, FollowRequest
from posts import services as post_services
from posts.models import Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def lena():
    return UserFactory(username="lena", display_name="Lena Park", approve_followers=True)


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def test_following_someone_who_approves_asks_first_and_the_button_reads_requested(lena):
    omar = UserFactory(username="omar")
    secret = post_services.post_create(
        author=lena, text="Followers only: the stems", visibility=Visibility.FOLLOWERS
    )
    client = signed_in(omar)

    response = client.post(reverse("follows:follow", args=["lena"]), **HTMX)

    html = response.content.decode()
    assert ">Requested</button>" in html
    assert 'action="/@lena/unfollow/"' in html
    assert FollowRequest.objects.filter(follower=omar, followee=lena).exists()
    assert not Follow.objects.exists()
    assert json_event(response)["following"] is False
    profile = client.get(reverse("accounts:profile", args=["lena"])).content.decode()
    assert ">Requested</button>" in profile
    assert client.get(reverse("posts:detail", args=["lena", secret.pk])).status_code == 404
    note = Notification.objects.get(recipient=lena)
    assert note.get_kind_display() == "asked to follow you"
    notifications = signed_in(lena).get(reverse("posts:notifications")).content.decode()
    assert "asked to follow you" in notifications
    assert 'href="/follow-requests/">Accept or reject</a>' in notifications


def json_event(response) -> dict:
    return json.loads(response.headers["HX-Trigger"])["followChanged"]


def test_accepting_makes_the_follow_and_opens_followers_only_posts(lena):
    omar = UserFactory(username="omar", display_name="Omar Haddad")
    secret = post_services.post_create(
        author=lena, text="Followers only: the stems", visibility=Visibility.FOLLOWERS
    )
    services.follow_create(follower=omar, followee=lena)
    client = signed_in(lena)

    page = client.get(reverse("follows:requests")).content.decode()
    assert "Omar Haddad" in page
    assert 'aria-label="Accept Omar Haddad"' in page
    response = client.post(reverse("follows:request_accept", args=["omar"]), **HTMX)

    assert "Omar Haddad follows you now." in response.content.decode()
    assert Follow.objects.filter(follower=omar, followee=lena).exists()
    assert not FollowRequest.objects.exists()
    assert not Notification.objects.filter(recipient=lena).exists()  # no "followed you" too
    omar_client = signed_in(omar)
    assert omar_client.get(reverse("posts:detail", args=["lena", secret.pk])).status_code == 200
    assert "Followers only: the stems" in omar_client.get("/").content.decode()  # backfilled
    # Answered once: a second answer finds nothing.
    again = client.post(reverse("follows:request_accept", args=["omar"]))
    assert again.status_code == 404


def test_rejecting_without_javascript_leaves_no_follow(lena):
    omar = UserFactory(username="omar", display_name="Omar Haddad")
    services.follow_create(follower=omar, followee=lena)

    response = signed_in(lena).post(reverse("follows:request_reject", args=["omar"]), follow=True)

    assert "You rejected Omar Haddad." in response.content.decode()
    assert "No one is waiting." in response.content.decode()
    assert not Follow.objects.exists()
    assert not FollowRequest.objects.exists()


def test_withdrawing_a_request_takes_back_its_notification(lena):
    omar = UserFactory(username="omar")
    client = signed_in(omar)
    client.post(reverse("follows:follow", args=["lena"]))
    response = client.post(reverse("follows:unfollow", args=["lena"]), **HTMX)

    assert ">Follow</button>" in response.content.decode()
    assert not FollowRequest.objects.exists()
    assert not Notification.objects.exists()


def test_only_the_person_asked_can_answer(lena):
    omar, eve = UserFactory(username="omar"), UserFactory(username="eve")
    services.follow_create(follower=omar, followee=lena)

    assert signed_in(eve).post(reverse("follows:request_accept", args=["omar"])).status_code == 404
    assert "omar" not in signed_in(eve).get(reverse("follows:requests")).content.decode()
    assert FollowRequest.objects.count() == 1


def test_turning_approval_off_accepts_everyone_waiting(lena):
    waiting = UserFactory.create_batch(3)
    for person in waiting:
        services.follow_create(follower=person, followee=lena)

    privacy_update(user=lena, fields={"approve_followers": False})

    assert Follow.objects.filter(followee=lena).count() == 3
    assert not FollowRequest.objects.exists()


def test_a_block_drops_the_request(lena):
    omar = UserFactory(username="omar")
    services.follow_create(follower=omar, followee=lena)
    block_create(blocker=lena, blocked=omar)
    assert not FollowRequest.objects.exists()


def test_the_requests_page_pages(lena):
    for person in UserFactory.create_batch(25):
        services.follow_create(follower=person, followee=lena)
    client = signed_in(lena)

    first = client.get(reverse("follows:requests")).content.decode()
    assert first.count("Accept</button>") == 20
    more = first.split('class="button" href="')[1].split('"')[0].replace("&amp;", "&")
    rest = client.get(more, **HTMX).content.decode()
    assert rest.count("Accept</button>") == 5
    assert "<h1>" not in rest


def test_privacy_settings_save_and_name_bad_input_beside_the_field(lena):
    client = signed_in(lena)
    page = client.get(reverse("accounts:privacy")).content.decode()
    assert "Default visibility" in page and "Who can message you" in page

    response = client.post(
        reverse("accounts:privacy"),
        {"default_visibility": "everyone", "messages_from": "nobody", "approve_followers": "on"},
    )
    assert response.status_code == 422
    assert "Choose one of the visibilities listed." in response.content.decode()
    lena.refresh_from_db()
    assert lena.messages_from == "everyone"

    response = client.post(
        reverse("accounts:privacy"),
        {"default_visibility": "unlisted", "messages_from": "following"},
        **HTMX,
    )
    assert "Your privacy settings are saved." in response.content.decode()
    lena.refresh_from_db()
    assert (lena.default_visibility, lena.messages_from, lena.approve_followers) == (
        "unlisted",
        "following",
        False,
    )


def test_turning_approval_off_on_the_settings_page_accepts_everyone_waiting(lena):
    omar = UserFactory(username="omar")
    services.follow_create(follower=omar, followee=lena)

    signed_in(lena).post(
        reverse("accounts:privacy"),
        {"default_visibility": "public", "messages_from": "everyone"},  # the box unticked
    )

    assert Follow.objects.filter(follower=omar, followee=lena).exists()
    assert not FollowRequest.objects.exists()


def test_a_suspended_persons_request_cannot_be_accepted(lena):
    from django.utils import timezone

    omar = UserFactory(username="omar")
    services.follow_create(follower=omar, followee=lena)
    omar.suspended_at = timezone.now()
    omar.save()

    response = signed_in(lena).post(reverse("follows:request_accept", args=["omar"]))

    assert not Follow.objects.exists()
    assert response.status_code in (302, 422)
    assert "omar" not in signed_in(lena).get(reverse("follows:requests")).content.decode()


def test_suggestions_say_requested_for_people_asked(lena):
    from follows.selectors.suggestions import suggested_people

    omar = UserFactory(username="omar", industry=lena.industry)
    services.follow_create(follower=omar, followee=lena)
    shown = {s.person.username: s.person.viewer_requested for s in suggested_people(user=omar)}
    assert shown.get("lena") is True

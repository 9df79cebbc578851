"""Being discoverable: a person may stay out of the directory, industry pages and who to
follow, set on the privacy page; their profile, follow lists and mentions stay as they were."""

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import User
from posts.models import Notification
from posts.services import post_create
from tests.factories import FollowFactory, IndustryFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/settings/privacy/"
HTMX = {"HX-Request": "true"}
# The privacy form with every other setting as it starts; the box is ticked by adding it.
SETTINGS = {"default_visibility": "public", "messages_from": "everyone"}


@pytest.fixture
def sound():
    return IndustryFactory(name="Sound design", slug="sound-design")


@pytest.fixture
def quiet(sound):
    """Someone who chose to stay out of discovery."""
    return UserFactory(
        username="quiet", display_name="Quinn Ash", industry=sound, discoverable=False
    )


@pytest.fixture
def open_person(sound):
    return UserFactory(username="open", display_name="Quinn Open", industry=sound)


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def test_people_are_discoverable_until_they_say_otherwise():
    assert UserFactory().discoverable is True


def test_discoverable_people_are_visible_and_not_opted_out(quiet, open_person):
    UserFactory(username="gone", suspended_at=timezone.now())

    assert list(User.objects.discoverable()) == [open_person]
    # Chainable both ways, as the search app uses it.
    assert list(User.objects.discoverable().named("OPEN", "quiet")) == [open_person]
    assert not User.objects.filter(pk=quiet.pk).discoverable().exists()


def test_the_privacy_page_offers_the_setting_with_its_explanation(quiet):
    content = signed_in(quiet).get(URL).content.decode()

    assert '<label for="id_discoverable">Show me in search and suggestions</label>' in content
    assert (
        '<input type="checkbox" name="discoverable" '
        'aria-describedby="id_discoverable_helptext" id="id_discoverable">'
    ) in content
    assert (
        "People can still reach your profile by its address, and your public posts still "
        "appear in search and timelines."
    ) in content


def test_saving_the_setting_without_javascript_redirects_back(open_person):
    response = signed_in(open_person).post(URL, SETTINGS)  # the box unticked

    assert response.status_code == 302 and response["Location"] == URL
    open_person.refresh_from_db()
    assert open_person.discoverable is False


def test_saving_the_setting_with_htmx_returns_the_section(quiet):
    response = signed_in(quiet).post(URL, {**SETTINGS, "discoverable": "on"}, headers=HTMX)

    content = response.content.decode()
    assert response.status_code == 200 and "<html" not in content
    assert "Your privacy settings are saved." in content
    assert 'id="id_discoverable" checked>' in content
    quiet.refresh_from_db()
    assert quiet.discoverable is True


def test_the_directory_leaves_out_people_who_are_not_discoverable(client, quiet, open_person):
    everyone = client.get("/people/").content.decode()
    by_name = client.get("/people/?q=quinn").content.decode()
    by_username = client.get("/people/?q=@quiet").content.decode()

    assert 'href="/@open/"' in everyone and 'href="/@quiet/"' not in everyone
    assert 'href="/@open/"' in by_name and 'href="/@quiet/"' not in by_name
    assert 'href="/@quiet/"' not in by_username


def test_industry_pages_list_and_count_only_discoverable_people(client, quiet, open_person):
    page = client.get("/industries/sound-design/").content.decode()
    industries = client.get("/industries/").content.decode()

    assert 'href="/@open/"' in page and 'href="/@quiet/"' not in page
    assert "1 person ·" in page
    assert "Everyone in Sound design" not in page  # the count is the people listed
    assert "1 person</span>" in industries


def test_who_to_follow_leaves_out_people_who_are_not_discoverable(sound, quiet, open_person):
    maya = UserFactory(username="maya", industry=sound)
    friend = UserFactory(username="friend")
    FollowFactory(follower=maya, followee=friend)
    FollowFactory(follower=friend, followee=quiet)  # followed by someone maya follows

    client = signed_in(maya)
    page = client.get("/people/suggested/").content.decode()
    panel = client.get("/people/suggested/", headers=HTMX).content.decode()

    for content in (page, panel):
        assert 'href="/@open/"' in content and 'href="/@quiet/"' not in content


def test_profile_follow_lists_and_mentions_still_reach_them(client, quiet):
    fan, star = UserFactory(username="fan"), UserFactory(username="star")
    FollowFactory(follower=fan, followee=quiet)
    FollowFactory(follower=quiet, followee=star)

    profile = client.get("/@quiet/")
    assert profile.status_code == 200 and "Quinn Ash" in profile.content.decode()
    assert 'href="/@quiet/"' in client.get("/@fan/following/").content.decode()
    assert 'href="/@quiet/"' in client.get("/@star/followers/").content.decode()
    assert 'href="/@fan/"' in client.get("/@quiet/followers/").content.decode()

    post_create(author=fan, text="@quiet the stems are up")
    assert Notification.objects.filter(recipient=quiet, kind=Notification.Kind.MENTION).exists()

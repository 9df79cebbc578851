"""The block and mute buttons on profiles, the confirmation page and /settings/blocks/."""

import pytest
from django.test import Client

from accounts.models import Block, Mute
from accounts.services import block_create, mute_create
from follows.models import Follow
from follows.services import follow_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def me(client_logged_in):
    return client_logged_in.user


@pytest.fixture
def troll():
    return UserFactory(username="troll", display_name="Troll Toll")


def test_a_profile_shows_mute_and_block_buttons_to_signed_in_others(client_logged_in, troll):
    content = client_logged_in.get("/@troll/").content.decode()

    assert 'aria-label="Mute Troll Toll"' in content
    assert 'aria-label="Block Troll Toll"' in content
    assert 'hx-confirm="Block @troll?' in content
    assert 'action="/@troll/block/"' in content  # the no-JS path: the confirmation page


def test_my_own_profile_and_visitors_get_no_block_buttons(client_logged_in, me, troll):
    assert "/block/" not in client_logged_in.get(f"/@{me.username}/").content.decode()
    assert "/block/" not in Client().get("/@troll/").content.decode()


def test_the_confirmation_page_asks_before_blocking(client_logged_in, troll):
    response = client_logged_in.get("/@troll/block/?next=/public/")

    content = response.content.decode()
    assert response.status_code == 200
    assert "Block Troll Toll (@troll)?" in content
    assert 'name="csrfmiddlewaretoken"' in content
    assert 'value="/public/"' in content
    assert not Block.objects.exists()


def test_a_plain_block_redirects_back_with_a_message(client_logged_in, me, troll):
    follow_create(follower=troll, followee=me)

    response = client_logged_in.post("/@troll/block/", {"next": "/@troll/"}, follow=True)

    assert response.redirect_chain == [("/@troll/", 302)]
    content = response.content.decode()
    assert "You blocked Troll Toll." in content
    assert "You block @troll." in content
    assert 'aria-label="Unblock Troll Toll"' in content
    assert 'aria-label="Follow Troll Toll"' not in content  # no follow while blocking
    assert Block.objects.filter(blocker=me, blocked=troll).exists()
    assert not Follow.objects.exists()


def test_an_htmx_block_swaps_the_profile_actions(client_logged_in, me, troll):
    follow_create(follower=me, followee=troll)

    response = client_logged_in.post("/@troll/block/", {"next": "/@troll/"}, headers=HTMX)

    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content
    assert 'id="profile-actions"' in content
    assert 'aria-label="Unblock Troll Toll"' in content
    assert "Unfollow" not in content
    assert not Follow.objects.exists()


def test_an_htmx_unblock_brings_back_the_follow_button(client_logged_in, me, troll):
    block_create(blocker=me, blocked=troll)

    response = client_logged_in.post("/@troll/unblock/", {"next": "/@troll/"}, headers=HTMX)

    content = response.content.decode()
    assert 'aria-label="Follow Troll Toll"' in content
    assert 'aria-label="Block Troll Toll"' in content
    assert not Block.objects.exists()


def test_mute_and_unmute_with_htmx(client_logged_in, me, troll):
    response = client_logged_in.post("/@troll/mute/", headers=HTMX)

    assert 'aria-label="Unmute Troll Toll"' in response.content.decode()
    assert Mute.objects.filter(muter=me, muted=troll).exists()

    response = client_logged_in.post("/@troll/unmute/", headers=HTMX)

    assert 'aria-label="Mute Troll Toll"' in response.content.decode()
    assert not Mute.objects.exists()


def test_a_plain_mute_redirects_back_with_a_message(client_logged_in, me, troll):
    response = client_logged_in.post("/@troll/mute/", {"next": "/public/"})

    assert response.status_code == 302
    assert response["Location"] == "/public/"
    assert Mute.objects.filter(muter=me, muted=troll).exists()


def test_a_foreign_next_is_ignored(client_logged_in, troll):
    response = client_logged_in.post("/@troll/mute/", {"next": "https://evil.example/"})

    assert response["Location"] == "/@troll/"


def test_blocking_yourself_shows_the_reason(client_logged_in, me):
    response = client_logged_in.post(f"/@{me.username}/block/", headers=HTMX)

    assert response.status_code == 422
    assert response["HX-Retarget"] == "#flash"
    assert "You can&#x27;t block yourself." in response.content.decode()


def test_unknown_people_are_404(client_logged_in):
    assert client_logged_in.post("/@nobody/block/").status_code == 404
    assert client_logged_in.post("/@nobody/mute/").status_code == 404


@pytest.mark.parametrize("action", ["block", "unblock", "mute", "unmute"])
def test_anonymous_people_are_sent_to_log_in(client, troll, action):
    response = client.post(f"/@troll/{action}/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    htmx = client.post(
        f"/@troll/{action}/", headers={**HTMX, "HX-Current-URL": "http://testserver/@troll/"}
    )
    assert htmx["HX-Redirect"] == "/accounts/login/?next=/%40troll/"
    assert not Block.objects.exists() and not Mute.objects.exists()


@pytest.mark.parametrize("action", ["unblock", "mute", "unmute"])
def test_changes_are_post_only(client_logged_in, troll, action):
    assert client_logged_in.get(f"/@troll/{action}/").status_code == 405


def test_posts_need_the_csrf_token(me, troll):
    client = Client(enforce_csrf_checks=True)
    client.force_login(me)

    assert client.post("/@troll/block/").status_code == 403
    assert client.post("/@troll/mute/").status_code == 403
    assert not Block.objects.exists() and not Mute.objects.exists()


def test_blocking_is_rate_limited(client_logged_in, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "block": "1/1d"}
    UserFactory(username="one")
    UserFactory(username="two")
    client_logged_in.post("/@one/block/")

    response = client_logged_in.post("/@two/block/")

    assert response.status_code == 429
    assert Block.objects.count() == 1


# --- /settings/blocks/ -------------------------------------------------------------------------


def test_the_settings_page_shows_empty_states(client_logged_in):
    content = client_logged_in.get("/settings/blocks/").content.decode()

    assert "You aren't blocking anyone." in content
    assert "You aren't muting anyone." in content
    assert 'href="/settings/blocks/" aria-current="page"' in content


def test_the_settings_navigation_links_to_the_page(client_logged_in):
    content = client_logged_in.get("/settings/profile/").content.decode()

    assert '<a href="/settings/blocks/">Blocked and muted</a>' in content


def test_the_settings_page_lists_blocks_and_mutes(client_logged_in, me, troll):
    loud = UserFactory(username="loud", display_name="Loud Lou")
    block_create(blocker=me, blocked=troll)
    mute_create(muter=me, muted=loud)
    block_create(blocker=loud, blocked=me)  # who blocks me is not shown

    content = client_logged_in.get("/settings/blocks/").content.decode()

    assert 'aria-label="Unblock Troll Toll"' in content
    assert 'aria-label="Unmute Loud Lou"' in content
    assert 'aria-label="Unblock Loud Lou"' not in content


def test_unblocking_from_settings_with_htmx_returns_the_lists(client_logged_in, me, troll):
    block_create(blocker=me, blocked=troll)

    response = client_logged_in.post(
        "/@troll/unblock/", {"from": "settings", "next": "/settings/blocks/"}, headers=HTMX
    )

    content = response.content.decode()
    assert "<html" not in content
    assert "You aren't blocking anyone." in content
    assert not Block.objects.exists()


def test_unmuting_from_settings_without_javascript_redirects_back(client_logged_in, me, troll):
    mute_create(muter=me, muted=troll)

    response = client_logged_in.post(
        "/@troll/unmute/", {"from": "settings", "next": "/settings/blocks/"}, follow=True
    )

    assert response.redirect_chain == [("/settings/blocks/", 302)]
    assert "You unmuted Troll Toll." in response.content.decode()
    assert "You aren't muting anyone." in response.content.decode()


def test_the_settings_page_needs_login(client):
    response = client.get("/settings/blocks/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/settings/blocks/"


@pytest.mark.parametrize("count", [1, 25])
def test_the_settings_page_query_count_is_fixed(
    client_logged_in, me, count, django_assert_num_queries
):
    for _ in range(count):
        block_create(blocker=me, blocked=UserFactory())
        mute_create(muter=me, muted=UserFactory())

    # session, user, unread badge, blocks, mutes
    with django_assert_num_queries(5):
        response = client_logged_in.get("/settings/blocks/")
    assert response.content.decode().count("Unblock ") == count

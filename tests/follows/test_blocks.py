"""What blocks and mutes do to following and to the timelines the follows app reads."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from accounts.services import block_create, mute_create
from follows import selectors
from follows.models import Follow
from follows.services import follow_create
from tests.factories import IndustryFactory, UserFactory, post_published

pytestmark = pytest.mark.django_db


@pytest.fixture
def me(client_logged_in):
    return client_logged_in.user


@pytest.fixture
def troll():
    return UserFactory(username="troll", display_name="Troll")


def cards(response) -> str:
    return response.content.decode()


def test_a_blocked_person_cannot_follow_me(me, troll):
    block_create(blocker=me, blocked=troll)

    with pytest.raises(ValidationError) as error:
        follow_create(follower=troll, followee=me)

    assert error.value.messages == [f"You can't follow @{me.username}: they have blocked you."]
    assert not Follow.objects.exists()


def test_i_cannot_follow_someone_i_block(me, troll):
    block_create(blocker=me, blocked=troll)

    with pytest.raises(ValidationError) as error:
        follow_create(follower=me, followee=troll)

    assert error.value.messages == ["You block @troll: unblock them to follow them."]
    assert not Follow.objects.exists()


def test_a_muted_person_can_still_follow_me(me, troll):
    mute_create(muter=me, muted=troll)

    follow_create(follower=troll, followee=me)

    assert Follow.objects.filter(follower=troll, followee=me).exists()


def test_the_follow_button_of_a_blocked_person_shows_the_reason(client, me, troll):
    block_create(blocker=me, blocked=troll)
    client.force_login(troll)

    response = client.post(f"/@{me.username}/follow/", headers={"HX-Request": "true"})

    assert response.status_code == 422
    assert "they have blocked you" in response.content.decode()
    assert not Follow.objects.exists()


def test_muted_posts_leave_my_home_timeline_silently(client_logged_in, me, troll):
    follow_create(follower=me, followee=troll)
    post_published(troll, text="Troll noise")
    friend = UserFactory()
    follow_create(follower=me, followee=friend)
    post_published(friend, text="Friend news")
    assert "Troll noise" in cards(client_logged_in.get("/"))

    mute_create(muter=me, muted=troll)

    content = cards(client_logged_in.get("/"))
    assert "Troll noise" not in content
    assert "Friend news" in content
    assert Follow.objects.filter(follower=me, followee=troll).exists()  # still following


def test_reposts_of_muted_peoples_posts_leave_my_home_timeline(client_logged_in, me, troll):
    friend = UserFactory()
    follow_create(follower=me, followee=friend)
    post = post_published(troll, text="Troll noise")
    post_published(friend, text="", repost_of=post)
    mute_create(muter=me, muted=troll)

    assert "Troll noise" not in cards(client_logged_in.get("/"))


def test_the_muted_person_still_sees_my_posts(client, me, troll):
    follow_create(follower=troll, followee=me)
    post_published(me, text="My news")
    mute_create(muter=me, muted=troll)
    client.force_login(troll)

    assert "My news" in cards(client.get("/"))


def test_blocked_peoples_posts_leave_public_and_industry_timelines(client_logged_in, me, troll):
    sound = IndustryFactory(name="Sound", slug="sound")
    troll.industry = sound
    troll.save()
    post_published(troll, text="Troll noise")
    post_published(UserFactory(industry=sound), text="Useful tip")
    block_create(blocker=me, blocked=troll)

    for url in ("/public/", "/industries/sound/"):
        content = cards(client_logged_in.get(url))
        assert "Troll noise" not in content, url
        assert "Useful tip" in content, url


def test_muted_peoples_posts_leave_public_and_industry_timelines(client_logged_in, me, troll):
    sound = IndustryFactory(name="Sound", slug="sound")
    troll.industry = sound
    troll.save()
    post_published(troll, text="Troll noise")
    mute_create(muter=me, muted=troll)

    for url in ("/public/", "/industries/sound/"):
        assert "Troll noise" not in cards(client_logged_in.get(url)), url


def test_people_who_block_me_disappear_from_my_timelines(client_logged_in, me, troll):
    post_published(troll, text="Not for you")
    block_create(blocker=troll, blocked=me)

    assert "Not for you" not in cards(client_logged_in.get("/public/"))


def test_visitors_still_see_everyones_posts(me, troll):
    post_published(troll, text="Troll noise")
    block_create(blocker=me, blocked=troll)

    assert "Troll noise" in cards(Client().get("/public/"))


def test_the_new_posts_bar_does_not_count_muted_posts(me, troll):
    follow_create(follower=me, followee=troll)
    first = post_published(me, text="mine")
    post_published(troll, text="noise")
    mute_create(muter=me, muted=troll)

    assert selectors.timelines.home_newer_count(user=me, after=first.id) == 0
    assert selectors.timelines.home_newer(user=me, after=first.id).items == []


def test_suggestions_leave_out_blocked_people(me, troll):
    block_create(blocker=me, blocked=troll)
    other = UserFactory()
    blocker = UserFactory()
    block_create(blocker=blocker, blocked=me)

    people = [s.person for s in selectors.suggestions.suggested_people(user=me, limit=10)]

    assert other in people
    assert troll not in people and blocker not in people


@pytest.mark.parametrize("count", [1, 25])
def test_home_timeline_query_count_is_unchanged_by_blocks_and_mutes(
    client_logged_in, me, count, django_assert_num_queries
):
    people = UserFactory.create_batch(3)
    for person in people:
        follow_create(follower=me, followee=person)
    for n in range(1, count + 1):  # the first by someone not muted: the timeline is not empty
        post_published(people[n % 3], text=f"Post {n}")
    for _ in range(3):
        block_create(blocker=me, blocked=UserFactory())
        block_create(blocker=UserFactory(), blocked=me)
        mute_create(muter=me, muted=UserFactory())
    mute_create(muter=me, muted=people[0])

    # session, user, unread badge, timeline ids, cards as rows (as without blocks), and the
    # posts of the cards not kept yet; once kept, not that
    with django_assert_num_queries(6):
        response = client_logged_in.get("/")
    with django_assert_num_queries(5):
        again = client_logged_in.get("/")
    assert cards(again).count('class="post-card') == cards(response).count('class="post-card')
    shown = len([n for n in range(1, count + 1) if n % 3 != 0])
    assert cards(response).count('class="post-card') == min(shown, 20)


@pytest.mark.parametrize("count", [1, 25])
def test_public_timeline_query_count_is_unchanged_by_blocks(
    client_logged_in, me, count, django_assert_num_queries
):
    for n in range(count):
        post_published(UserFactory(), text=f"Public {n}")
    block_create(blocker=me, blocked=UserFactory())
    mute_create(muter=me, muted=UserFactory())

    # session, user, unread badge, the page's ids, their cards as rows, the posts of the cards
    # not kept yet; once kept, not that
    with django_assert_num_queries(6):
        response = client_logged_in.get("/public/")
    with django_assert_num_queries(5):
        client_logged_in.get("/public/")
    assert cards(response).count('class="post-card') == min(count, 20)

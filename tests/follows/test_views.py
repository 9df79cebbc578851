import json
import re

import pytest
from django.test import Client
from django.utils import timezone

from accounts.services import mute_create
from follows.models import Follow
from follows.services import follow_create
from tests.factories import FollowFactory, IndustryFactory, PostFactory, UserFactory, post_published

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def me(client_logged_in):
    return client_logged_in.user


# --- home --------------------------------------------------------------------------------------


def test_visitors_get_the_landing_page(client):
    response = client.get("/")

    assert "What are you working on?" in response.content.decode()
    assert 'id="timeline"' not in response.content.decode()


def test_home_shows_the_timeline_newest_first_with_poller_and_load_more(client_logged_in, me):
    jonas = UserFactory(display_name="Jonas Weber")
    follow_create(follower=me, followee=jonas)
    posts = [post_published(jonas, text=f"Mixing song {n}") for n in range(25)]

    response = client_logged_in.get("/")

    content = response.content.decode()
    assert response.status_code == 200
    assert 'id="timeline"' in content and 'role="feed"' in content
    assert content.index("Mixing song 24") < content.index("Mixing song 5")
    assert "Mixing song 4<" not in content  # on the next page
    assert f'href="/?before={posts[5].id}"' in content
    assert 'hx-trigger="click, revealed"' in content
    assert 'hx-trigger="every 30s"' in content  # FEED_POLL_SECONDS
    assert f'"after": "{posts[24].id}"' in content


def test_poll_interval_comes_from_settings(client_logged_in, me, settings):
    settings.FEED_POLL_SECONDS = 5

    content = client_logged_in.get("/").content.decode()

    assert 'hx-trigger="every 5s"' in content


def test_load_more_with_htmx_returns_just_the_next_page(client_logged_in, me):
    posts = [post_published(me, text=f"Note {n}") for n in range(25)]

    response = client_logged_in.get(f"/?before={posts[5].id}", headers=HTMX)

    content = response.content.decode()
    assert "<html" not in content
    assert "Note 4" in content and "Note 0" in content and "Note 5" not in content
    assert "Load more" not in content  # that was the last page
    assert '<div id="feed-more" hx-swap-oob="delete"></div>' in content  # so the control goes


def test_load_more_with_htmx_brings_the_next_control_out_of_band(client_logged_in, me):
    posts = [post_published(me, text=f"Note {n}") for n in range(45)]

    content = client_logged_in.get(f"/?before={posts[25].id}", headers=HTMX).content.decode()

    assert content.count('class="post-card') == 20
    assert content.index("Note 24") < content.index("Note 5<") < content.index('id="feed-more"')
    assert '<div id="feed-more" class="load-more" hx-swap-oob="true">' in content
    assert f'href="/?before={posts[5].id}" hx-get="/?before={posts[5].id}"' in content
    assert 'hx-target="previous [data-feed]" hx-swap="beforeend"' in content


def test_load_more_without_javascript_is_a_full_page(client_logged_in, me):
    posts = [post_published(me, text=f"Note {n}") for n in range(25)]

    content = client_logged_in.get(f"/?before={posts[5].id}").content.decode()

    assert "<html" in content and "Note 4" in content
    assert "Back to the newest posts" in content


def test_an_empty_timeline_suggests_people_to_follow(client_logged_in, me):
    UserFactory(display_name="Aiko Tanaka")

    content = client_logged_in.get("/").content.decode()

    assert "Your timeline is empty" in content
    assert "Aiko Tanaka" in content
    assert "Follow Aiko Tanaka" in content


def test_new_posts_check_answers_204_without_body_when_nothing_is_new(client_logged_in, me):
    post = post_published(me)

    response = client_logged_in.get(f"/home/new/?after={post.id}", headers=HTMX)

    assert response.status_code == 204
    assert response.content == b""


def test_new_posts_check_is_one_query(client_logged_in, me, django_assert_num_queries):
    post = post_published(me)
    client_logged_in.get("/")  # session and user are loaded per request: 2 queries

    with django_assert_num_queries(3):
        client_logged_in.get(f"/home/new/?after={post.id}", headers=HTMX)


def test_new_posts_check_shows_a_bar_with_the_count(client_logged_in, me):
    jonas = UserFactory()
    follow_create(follower=me, followee=jonas)
    seen = post_published(jonas)
    post_published(jonas)

    response = client_logged_in.get(f"/home/new/?after={seen.id}", headers=HTMX)

    assert response.status_code == 200
    assert "1 new post<" in response.content.decode()

    post_published(jonas)
    response = client_logged_in.get(f"/home/new/?after={seen.id}", headers=HTMX)
    assert "2 new posts<" in response.content.decode()


def _page_poll_token(client) -> str:
    """The signed token the home page puts in its poller, as a browser would send it back."""
    return re.search(r'"poll": "([^"]+)"', client.get("/").content.decode()).group(1)


def test_the_poll_with_the_pages_token_answers_nothing_new_without_the_session(
    client_logged_in, me, django_assert_num_queries
):
    post = post_published(me)
    token = _page_poll_token(client_logged_in)

    with django_assert_num_queries(1):  # the timeline probe: no session, no person
        response = client_logged_in.get(f"/home/new/?after={post.id}&poll={token}", headers=HTMX)

    assert response.status_code == 204 and response.content == b""


def test_the_poll_with_the_pages_token_still_shows_the_bar(client_logged_in, me):
    jonas = UserFactory()
    follow_create(follower=me, followee=jonas)
    seen = post_published(jonas)
    token = _page_poll_token(client_logged_in)
    post_published(jonas)

    response = client_logged_in.get(f"/home/new/?after={seen.id}&poll={token}", headers=HTMX)

    assert response.status_code == 200 and "1 new post<" in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_a_forged_or_expired_poll_token_is_not_trusted(
    client_logged_in, me, settings, django_assert_num_queries
):
    post = post_published(me)
    token = _page_poll_token(client_logged_in)
    person_id, rest = token.split(":", 1)
    others = f"{UserFactory().pk}:{rest}"  # someone else's id under my signature
    poll = f"/home/new/?after={post.id}&poll="

    # the long way: session, person, the filtered count (nothing new either way)
    for forged in (others, f"{person_id}:{rest}x", ""):
        with django_assert_num_queries(3):
            assert client_logged_in.get(poll + forged, headers=HTMX).status_code == 204
    settings.FEED_POLL_TOKEN_SECONDS = -1  # every token is now too old
    with django_assert_num_queries(3):
        assert client_logged_in.get(poll + token, headers=HTMX).status_code == 204


def test_a_poll_token_works_only_with_the_session_it_was_made_for(client_logged_in, me):
    post = post_published(me)
    token = _page_poll_token(client_logged_in)
    poll = f"/home/new/?after={post.id}&poll={token}"

    stranger = Client().get(poll)  # the token without my session: asked to log in

    assert stranger.status_code == 302 and stranger["Location"].startswith("/accounts/login/")
    assert token not in stranger["Location"] and "no-store" in stranger["Cache-Control"]
    client_logged_in.post("/accounts/logout/")
    after_logout = client_logged_in.get(poll)
    assert after_logout.status_code == 302
    assert after_logout["Location"].startswith("/accounts/login/")
    assert client_logged_in.get(poll, headers=HTMX).status_code == 204  # quietly, for htmx


def test_the_poll_is_never_cached(client_logged_in, me):
    post = post_published(me)
    token = _page_poll_token(client_logged_in)

    response = client_logged_in.get(f"/home/new/?after={post.id}&poll={token}", headers=HTMX)

    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("state", ["suspended", "pending"])
def test_a_suspended_or_pending_persons_poll_shows_nothing_new(client_logged_in, me, state):
    jonas = UserFactory()
    follow_create(follower=me, followee=jonas)
    seen = post_published(jonas)
    token = _page_poll_token(client_logged_in)
    post_published(jonas)
    if state == "suspended":
        me.suspended_at = timezone.now()
    else:
        me.awaiting_approval = True
    me.save(update_fields=["suspended_at", "awaiting_approval"])

    response = client_logged_in.get(f"/home/new/?after={seen.id}&poll={token}", headers=HTMX)

    assert response.status_code == 204 and response.content == b""
    # the next page they open ends the session or shows the pending page, as before
    assert 'id="timeline"' not in client_logged_in.get("/", follow=True).content.decode()


def test_a_hidden_newest_post_does_not_send_every_poll_the_long_way(
    client_logged_in, me, django_assert_num_queries
):
    jonas = UserFactory()
    follow_create(follower=me, followee=jonas)
    post_published(me, text="Mine, shown")
    mute_create(muter=me, muted=jonas)
    post_published(jonas, text="Muted, stored in my timeline but not shown")
    page = client_logged_in.get("/").content.decode()
    assert "Muted, stored" not in page
    after = re.search(r'"after": "(\d+)"', page).group(1)
    token = re.search(r'"poll": "([^"]+)"', page).group(1)

    with django_assert_num_queries(1):
        response = client_logged_in.get(f"/home/new/?after={after}&poll={token}", headers=HTMX)

    assert response.status_code == 204


def test_newer_posts_come_as_cards_and_a_fresh_poller(client_logged_in, me):
    seen = post_published(me, text="Seen already")
    newer = post_published(me, text="Fresh from the studio")

    response = client_logged_in.get(f"/home/newer/?after={seen.id}", headers=HTMX)

    content = response.content.decode()
    assert "Fresh from the studio" in content and "Seen already" not in content
    assert 'hx-swap-oob="true"' in content and f'"after": "{newer.id}"' in content


def test_new_posts_endpoints_send_visitors_to_log_in(client):
    for path in ("/home/new/?after=0", "/home/newer/?after=0"):
        response = client.get(path)

        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_poll_after_the_session_ended_is_quietly_empty(client):
    response = client.get("/home/new/?after=0", headers=HTMX)

    assert response.status_code == 204 and response.content == b""


# --- follow / unfollow -------------------------------------------------------------------------


def test_follow_with_htmx_swaps_the_button_and_announces_the_counts(client_logged_in, me):
    jonas = UserFactory(username="jonas", display_name="Jonas")

    response = client_logged_in.post("/@jonas/follow/", {"next": "/people/"}, headers=HTMX)

    content = response.content.decode()
    assert response.status_code == 200 and "<html" not in content
    assert 'action="/@jonas/unfollow/"' in content and ">Unfollow<" in content
    event = json.loads(response["HX-Trigger"])["followChanged"]
    assert event == {
        "username": "jonas",
        "following": True,
        "followers": 1,
        "viewer": me.username,
        "viewerFollowing": 1,
    }
    assert Follow.objects.filter(follower=me, followee=jonas).exists()


def test_unfollow_with_htmx_swaps_back_to_follow(client_logged_in, me):
    jonas = UserFactory(username="jonas")
    follow_create(follower=me, followee=jonas)

    response = client_logged_in.post("/@jonas/unfollow/", headers=HTMX)

    assert 'action="/@jonas/follow/"' in response.content.decode()
    assert json.loads(response["HX-Trigger"])["followChanged"]["followers"] == 0
    assert not Follow.objects.exists()


def test_follow_without_javascript_redirects_back_with_a_message(client_logged_in, me):
    UserFactory(username="jonas", display_name="Jonas Weber")

    response = client_logged_in.post("/@jonas/follow/", {"next": "/people/?location=Berlin"})

    assert response.status_code == 302 and response["Location"] == "/people/?location=Berlin"
    page = client_logged_in.get(response["Location"]).content.decode()
    assert "You follow Jonas Weber now." in page


def test_follow_never_redirects_to_another_site(client_logged_in, me):
    UserFactory(username="jonas")

    response = client_logged_in.post("/@jonas/follow/", {"next": "https://evil.example/"})

    assert response["Location"] == "/"


def test_following_yourself_is_refused_with_a_message(client_logged_in, me):
    response = client_logged_in.post(f"/@{me.username}/follow/", headers=HTMX)

    assert response.status_code == 422
    assert response["HX-Retarget"] == "#flash"
    assert "You can&#x27;t follow yourself." in response.content.decode()
    assert not Follow.objects.exists()


def test_anonymous_follow_goes_to_log_in_and_comes_back(client):
    UserFactory(username="jonas")

    response = client.post("/@jonas/follow/", {"next": "/people/"})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/people/"
    assert not Follow.objects.exists()


def test_anonymous_visitors_see_a_follow_link_to_log_in(client):
    UserFactory(username="jonas", display_name="Jonas")

    content = client.get("/people/?location=").content.decode()

    assert 'href="/accounts/login/?next=/people/%3Flocation%3D"' in content


def test_follow_only_accepts_post(client_logged_in, me):
    UserFactory(username="jonas")

    assert client_logged_in.get("/@jonas/follow/").status_code == 405


def test_following_an_unknown_person_is_404(client_logged_in, me):
    assert client_logged_in.post("/@nobody/follow/").status_code == 404


def test_follow_is_rate_limited(client_logged_in, me, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "follow": "1/1d"}
    UserFactory(username="jonas")
    UserFactory(username="leo")
    client_logged_in.post("/@jonas/follow/", headers=HTMX)

    response = client_logged_in.post("/@leo/follow/", headers=HTMX)

    assert response.status_code == 429
    assert Follow.objects.filter(follower=me).count() == 1


# --- directory ---------------------------------------------------------------------------------


def test_directory_filters_from_the_url(client):
    sound = IndustryFactory(name="Sound", slug="sound")
    UserFactory(display_name="Maya Okafor", industry=sound, location="Berlin")
    UserFactory(display_name="Leo Martins", industry=sound, location="New York")

    content = client.get("/people/?industry=sound&location=berlin").content.decode()

    assert "Maya Okafor" in content and "Leo Martins" not in content
    assert '<option value="sound" selected>' in content  # the form keeps the filters
    assert 'value="berlin"' in content


def test_directory_with_htmx_returns_only_the_results(client):
    UserFactory(display_name="Maya Okafor", open_to_collaborate=True)
    UserFactory(display_name="Sam Fischer", open_to_collaborate=False)

    response = client.get("/people/?open_to_collaborate=on", headers=HTMX)

    content = response.content.decode()
    assert "<html" not in content and 'id="people-results"' in content
    assert "Maya Okafor" in content and "Sam Fischer" not in content
    assert "Open to collaborate" in content
    assert response["Vary"] and "HX-Request" in response["Vary"]


def test_directory_reports_an_unknown_industry_beside_the_field(client):
    UserFactory(display_name="Maya Okafor")

    content = client.get("/people/?industry=no-such").content.decode()

    assert "Choose an industry from the list." in content
    assert "Maya Okafor" in content  # the other filters still apply


def test_directory_load_more_keeps_the_filters(client):
    for n in range(25):
        UserFactory(display_name=f"Berliner {n}", location="Berlin")

    content = client.get("/people/?location=Berlin").content.decode()

    assert "/people/?location=Berlin&amp;before=" in content


# --- pages and their query counts ----------------------------------------------------------------


def make_followed_posts(me, count):
    sound = IndustryFactory(name="Sound", slug="sound")
    people = [UserFactory(industry=sound, location="Berlin") for _ in range(3)]
    for person in people:
        follow_create(follower=me, followee=person)
    for n in range(count):
        post_published(people[n % 3], text=f"Post {n}")
    for _ in range(4):
        UserFactory(industry=sound)  # suggestions


@pytest.mark.parametrize("count", [1, 25])
def test_home_timeline_query_count_is_fixed(client_logged_in, me, count, django_assert_num_queries):
    make_followed_posts(me, count)

    # session, user, unread badge, timeline ids, cards as rows, and the posts of the cards not
    # kept yet (the side panel's suggestions come after); once kept, not that
    with django_assert_num_queries(6):
        response = client_logged_in.get("/")
    assert response.content.decode().count('class="post-card') == min(count, 20)
    with django_assert_num_queries(5):
        client_logged_in.get("/")
    # session, user, suggestions
    with django_assert_num_queries(3):
        panel = client_logged_in.get("/people/suggested/", headers={"HX-Request": "true"})
    assert panel.content.decode().count('class="person-card') == 4
    assert "<html" not in panel.content.decode()


def test_the_home_side_panel_fetches_suggestions_after_the_page(client_logged_in, me):
    make_followed_posts(me, 1)
    page = client_logged_in.get("/").content.decode()
    assert 'hx-get="/people/suggested/" hx-trigger="load"' in page
    # without JavaScript, the panel still leads to the suggestions page
    assert '<a href="/people/suggested/">More suggestions</a>' in page


@pytest.mark.parametrize("count", [1, 25])
def test_public_timeline_query_count_is_fixed(client, count, django_assert_num_queries):
    for n in range(count):
        PostFactory(text=f"Public {n}")

    # the page's ids, their cards as rows, the posts of the cards not kept yet; once kept, not that
    with django_assert_num_queries(3):
        response = client.get("/public/")
    assert response.content.decode().count('class="post-card') == min(count, 20)
    with django_assert_num_queries(2):
        client.get("/public/")


@pytest.mark.parametrize("count", [1, 25])
def test_directory_query_count_is_fixed(client_logged_in, me, count, django_assert_num_queries):
    sound = IndustryFactory(name="Sound", slug="sound")
    for _ in range(count):
        person = UserFactory(industry=sound, location="Berlin", open_to_collaborate=True)
        PostFactory(author=person)

    # session, user, the chosen industry (validation), industries and roles for the selects,
    # people (and the unread badge)
    with django_assert_num_queries(7):
        response = client_logged_in.get(
            "/people/?industry=sound&location=ber&open_to_collaborate=on"
        )
    assert response.content.decode().count('class="person-card') == min(count, 20)


@pytest.mark.parametrize("count", [1, 25])
def test_followers_lists_query_count_is_fixed(
    client_logged_in, me, count, django_assert_num_queries
):
    star = UserFactory(username="star")
    for _ in range(count):
        FollowFactory(followee=star, follower=UserFactory(industry=IndustryFactory()))

    # session, user, the person with counts, the page
    for path in ("/@star/followers/", "/@star/following/"):
        with django_assert_num_queries(5):
            response = client_logged_in.get(path)
    followers = client_logged_in.get("/@star/followers/").content.decode()
    assert followers.count('class="person-card') == min(count, 20)
    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 25])
def test_industry_pages_query_count_is_fixed(
    client_logged_in, me, count, django_assert_num_queries
):
    sound = IndustryFactory(name="Sound", slug="sound")
    for n in range(count):
        PostFactory(author=UserFactory(industry=sound), text=f"Sound post {n}")

    # session, user, industry with count, post ids, their cards as rows, people, and the posts
    # of the cards not kept yet; once kept, not that
    with django_assert_num_queries(8):
        response = client_logged_in.get("/industries/sound/")
    with django_assert_num_queries(7):
        client_logged_in.get("/industries/sound/")
    content = response.content.decode()
    assert content.count('class="post-card') == min(count, 20)
    assert content.count('class="person-card') == min(count, 12)

    with django_assert_num_queries(4):  # session, user, unread badge, industries with counts
        response = client_logged_in.get("/industries/")
    assert "Sound" in response.content.decode()


@pytest.mark.parametrize("count", [1, 25])
def test_suggestions_page_query_count_is_fixed(
    client_logged_in, me, count, django_assert_num_queries
):
    for _ in range(count):
        UserFactory()

    with django_assert_num_queries(4):  # session, user, unread badge, suggestions
        response = client_logged_in.get("/people/suggested/")
    assert response.content.decode().count('class="person-card') == min(count, 30)


def test_industries_list_counts_people(client):
    sound = IndustryFactory(name="Sound", slug="sound")
    UserFactory(industry=sound)
    UserFactory(industry=sound)

    content = client.get("/industries/").content.decode()

    assert "2 people" in content and 'href="/industries/sound/"' in content


def test_unknown_industry_is_404(client):
    assert client.get("/industries/no-such/").status_code == 404


def test_followers_page_shows_counts_and_hides_suspended_people(client):
    star = UserFactory(username="star", display_name="Star")
    FollowFactory(followee=star, follower=UserFactory(display_name="Fan One"))
    FollowFactory(
        followee=star, follower=UserFactory(display_name="Gone", suspended_at=timezone.now())
    )

    content = client.get("/@star/followers/").content.decode()

    assert "People following Star" in content
    assert "Fan One" in content and "Gone" not in content
    assert 'data-followers-count="star">1<' in content


def test_suspended_peoples_lists_are_404(client):
    UserFactory(username="gone", suspended_at=timezone.now())

    assert client.get("/@gone/followers/").status_code == 404


def test_directory_history_restore_gets_the_whole_page(client):
    UserFactory(display_name="Maya Okafor", location="Berlin")

    response = client.get(
        "/people/?location=berlin", headers={**HTMX, "HX-History-Restore-Request": "true"}
    )

    content = response.content.decode()
    assert "<html" in content and "Maya Okafor" in content


@pytest.mark.parametrize("cursor", ["abc", "-5", "9" * 40, "1.5", ""])
def test_nonsense_cursors_mean_the_first_page(client_logged_in, me, cursor):
    post_published(me, text="Still here")

    for path in ("/", "/public/", f"/@{me.username}/followers/", "/industries/music/"):
        assert client_logged_in.get(f"{path}?before={cursor}").status_code == 200
    assert client_logged_in.get(f"/home/new/?after={cursor}", headers=HTMX).status_code == 200
    for people_cursor in (cursor, f"{cursor}.{cursor}", "1.2.3"):
        assert client_logged_in.get(f"/people/?before={people_cursor}").status_code == 200
    assert "Still here" in client_logged_in.get(f"/?before={cursor}").content.decode()


def test_load_more_skips_the_side_panel_queries(client_logged_in, me, django_assert_num_queries):
    posts = [post_published(me) for _ in range(60)]

    # session, user, timeline ids, cards as rows, the posts of the cards not kept yet
    with django_assert_num_queries(5):
        client_logged_in.get(f"/?before={posts[40].id}", headers=HTMX)
    # The last stored page also looks below the stored timeline (design A): one more query.
    with django_assert_num_queries(6):
        client_logged_in.get(f"/?before={posts[20].id}", headers=HTMX)
    with django_assert_num_queries(4):  # every card kept
        client_logged_in.get(f"/?before={posts[40].id}", headers=HTMX)

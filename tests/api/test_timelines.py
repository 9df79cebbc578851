"""GET /api/v1/timelines/home, /public, /tag/:hashtag (and /list/:id, /direct): the posts the
home, public and tag pages show, as Status entities, paged by max_id, since_id and min_id and
followed through the Link header as apps follow it."""

import re

import pytest

from accounts.services import block_create, mute_create
from follows.services import follow_create
from moderation import services as moderation
from posts import services
from posts.models import Visibility
from tests.accounts.images import image_upload
from tests.api.conftest import ApiClient, assert_entities, token_for
from tests.factories import UserFactory, post_published

pytestmark = pytest.mark.django_db

HOME = "/api/v1/timelines/home"
PUBLIC = "/api/v1/timelines/public"
TAG = "/api/v1/timelines/tag/foley"

LINK = re.compile(r'<([^>]+)>; rel="(\w+)"')

# Token (with its person), the stored timeline's ids, the posts, their authors' accounts (with
# their roles), the mentions.
HOME_QUERIES = 5
# A visitor's public or tag timeline: the posts, their authors' accounts (with roles),
# the mentions (with a token, one more: the token).
PUBLIC_QUERIES = 3


def links(response) -> dict[str, str]:
    return {rel: url for url, rel in LINK.findall(response.get("Link", ""))}


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [int(status["id"]) for status in response.json()]


def walk(client, url, params, rel) -> list[list[int]]:
    """The pages met following the Link header's `rel` from `url`, up to the empty one."""
    pages, response = [], client.get(url, params)
    while True:
        pages.append(ids(response))
        if not pages[-1]:
            return pages
        assert len(pages) < 20, pages
        response = client.get(links(response)[rel])


@pytest.fixture
def jonas(api):
    """Someone the person with the token follows."""
    person = UserFactory(username="jonas")
    follow_create(follower=api.user, followee=person)
    return person


def picture_post(author, text="take"):
    draft = services.attachment_create(owner=author, upload=image_upload())
    return services.post_create(author=author, text=text, media=[(draft.pk, "the desk")])


# --- home --------------------------------------------------------------------------------------


def test_home_has_own_followed_and_reposted_posts_newest_first(api, jonas):
    leo, stranger = UserFactory(username="leo"), UserFactory()
    by_leo = services.post_create(author=leo, text="Printmaster sync for @jonas #Foley")
    by_jonas = services.post_create(author=jonas, text="Dialogue edit done")
    mine = services.post_create(author=api.user, text="Conforming tonight")
    services.post_create(author=stranger, text="Not followed")
    repost = services.repost_create(user=jonas, post=by_leo)
    services.like_create(user=api.user, post=by_leo)

    response = api.get(HOME)

    data = response.json()
    assert_entities(data, "Status")
    assert [int(status["id"]) for status in data] == [repost.pk, mine.pk, by_jonas.pk]
    shared = data[0]
    assert shared["account"]["username"] == "jonas"
    assert shared["reblog"]["id"] == str(by_leo.pk)
    assert shared["reblog"]["account"]["username"] == "leo"
    assert shared["reblog"]["mentions"][0]["username"] == "jonas"
    assert shared["reblog"]["tags"] == [{"name": "foley", "url": "http://testserver/tags/foley/"}]
    assert shared["favourited"] is shared["reblog"]["favourited"] is True
    assert shared["favourites_count"] == 1
    assert data[1]["content"] == "<p>Conforming tonight</p>"
    assert data[1]["reblog"] is None and data[1]["favourited"] is False
    assert response["Cache-Control"] == "private, no-store"


def test_home_needs_a_person(anonymous_api):
    response = anonymous_api.get(HOME)
    assert response.status_code == 401
    assert response.json() == {"error": "The access token is invalid"}

    apps_own = anonymous_api.get(HOME, token=token_for(None, "read"))
    assert apps_own.status_code == 422
    assert apps_own.json() == {"error": "This method requires an authenticated user"}


@pytest.mark.parametrize(
    ("scope", "status"),
    [("read", 200), ("read:statuses", 200), ("read:accounts", 403), ("write follow", 403)],
)
def test_timelines_need_the_read_statuses_scope(user, scope, status):
    client = ApiClient(token_for(user, scope))
    for url in (HOME, PUBLIC, TAG):
        response = client.get(url)
        assert response.status_code == status, url
        if status == 403:
            assert response.json() == {"error": "This action is outside the authorized scopes"}


def test_a_suspended_persons_token_reads_no_timeline(api):
    moderation.user_suspend(user=api.user, moderator=UserFactory(is_staff=True), reason="spam")
    for url in (HOME, PUBLIC, TAG):
        response = api.get(url)
        assert response.status_code == 403
        assert response.json() == {"error": "Your login is currently disabled"}


def test_home_skips_what_the_home_page_hides(api, jonas):
    muted, blocked, moderator = UserFactory(), UserFactory(), UserFactory(is_staff=True)
    for person in (muted, blocked):
        follow_create(follower=api.user, followee=person)
    kept = services.post_create(author=jonas, text="Kept")
    removed = services.post_create(author=jonas, text="Removed")
    by_muted = services.post_create(author=muted, text="Muted")
    by_blocked = services.post_create(author=blocked, text="Blocked")
    repost_of_blocked = services.repost_create(user=jonas, post=by_blocked)
    mute_create(muter=api.user, muted=muted)
    block_create(blocker=api.user, blocked=blocked)
    moderation.post_remove(moderator=moderator, post=removed, reason="spam")

    shown = ids(api.get(HOME))

    assert shown == [kept.pk]
    assert not {removed.pk, by_muted.pk, by_blocked.pk, repost_of_blocked.pk} & set(shown)


def test_the_link_header_leads_older_from_the_last_and_newer_from_the_first(api, jonas):
    posts = [post_published(jonas).pk for _ in range(5)]

    response = api.get(HOME, {"limit": "2", "max_id": str(posts[4])})

    assert ids(response) == [posts[3], posts[2]]
    assert response["Link"] == (
        f'<http://testserver{HOME}?limit=2&max_id={posts[2]}>; rel="next", '
        f'<http://testserver{HOME}?limit=2&min_id={posts[3]}>; rel="prev"'
    )


def test_an_empty_page_has_no_link_header(api):
    response = api.get(HOME)
    assert response.json() == []
    assert "Link" not in response


def test_since_id_gives_the_newest_above_it_and_max_id_bounds_it(api, jonas):
    posts = [post_published(jonas).pk for _ in range(10)]

    newest = api.get(HOME, {"since_id": str(posts[2]), "limit": "3"})
    between = api.get(HOME, {"since_id": str(posts[2]), "max_id": str(posts[7])})
    forward = api.get(HOME, {"min_id": str(posts[2]), "max_id": str(posts[7]), "limit": "2"})
    both = api.get(HOME, {"min_id": str(posts[2]), "since_id": str(posts[5]), "limit": "2"})

    assert ids(newest) == posts[7:][::-1]
    assert ids(between) == posts[3:7][::-1]
    assert ids(forward) == [posts[4], posts[3]]
    assert ids(both) == [posts[4], posts[3]]  # min_id wins, as in Mastodon


def test_following_next_links_reads_45_posts_once_each_in_order(api, jonas):
    posts = [post_published(jonas).pk for _ in range(45)]
    first = api.get(HOME)
    post_published(jonas)  # a post arriving meanwhile shifts no later page

    pages = [ids(first)] + walk(api, links(first)["next"], None, "next")

    assert [len(page) for page in pages] == [20, 20, 5, 0]
    assert sum(pages, []) == posts[::-1]


def test_reading_forward_by_min_id_follows_prev_links_without_gaps(api, jonas):
    posts = [post_published(jonas).pk for _ in range(45)]

    pages = walk(api, HOME, {"min_id": str(posts[2]), "limit": "15"}, "prev")
    later = post_published(jonas).pk
    caught_up = api.get(HOME, {"min_id": str(pages[-2][0])})

    assert [len(page) for page in pages] == [15, 15, 12, 0]
    assert all(page == sorted(page, reverse=True) for page in pages)  # each newest first
    assert sorted(sum(pages, [])) == posts[3:]
    assert ids(caught_up) == [later]


def test_reading_past_the_stored_timeline_continues_from_the_posts(api, jonas, settings):
    settings.TIMELINE_MAX_ENTRIES = 25
    settings.TIMELINE_TRIM_EVERY = 1
    posts = [post_published(jonas).pk for _ in range(45)]

    pages = walk(api, HOME, None, "next")

    assert sum(pages, []) == posts[::-1]


def test_a_page_of_hidden_posts_still_leads_on_to_the_rest(api, jonas):
    older = [post_published(jonas).pk for _ in range(3)]
    muted = UserFactory()
    follow_create(follower=api.user, followee=muted)
    hidden = [post_published(muted).pk for _ in range(30)]
    mute_create(muter=api.user, muted=muted)

    first = api.get(HOME)
    rest = api.get(links(first)["next"])

    assert ids(first) == []
    assert ids(rest) == older[::-1]
    assert f"min_id={hidden[-1]}" in links(first)["prev"]

    forward = api.get(HOME, {"min_id": str(older[-1])})
    assert ids(forward) == []
    assert f"min_id={hidden[29]}" in links(forward)["prev"]  # past the 30 looked at


@pytest.mark.parametrize("count", [1, 20])
def test_home_queries_are_fixed_whatever_the_page_holds(
    api, jonas, count, django_assert_num_queries
):
    for index in range(count):
        original = services.post_create(
            author=UserFactory(), text=f"take {index} for @{api.user.username} #foley"
        )
        services.repost_create(user=jonas, post=original)
        services.like_create(user=api.user, post=original)
        services.post_create(author=jonas, text=f"reply {index} #mix", in_reply_to=original)

    with django_assert_num_queries(HOME_QUERIES):
        response = api.get(HOME)

    assert len(response.json()) == min(2 * count, 20)


@pytest.mark.parametrize("count", [1, 12])
def test_pictures_cost_one_more_query_for_the_whole_page(
    api, jonas, count, django_assert_num_queries
):
    ben = UserFactory()
    for index in range(count):
        services.repost_create(user=jonas, post=picture_post(ben, f"take {index}"))
        picture_post(jonas)

    with django_assert_num_queries(HOME_QUERIES + 1):
        response = api.get(HOME)

    data = response.json()
    assert_entities(data, "Status")
    assert data[0]["media_attachments"][0]["description"] == "the desk"
    assert data[1]["reblog"]["media_attachments"][0]["type"] == "image"


# --- public and tag ----------------------------------------------------------------------------


def test_public_is_everyones_public_posts_for_visitors_too(anonymous_api):
    maya, leo = UserFactory(), UserFactory()
    public = services.post_create(author=maya, text="Out in the open")
    services.post_create(author=leo, text="Friends", visibility=Visibility.FOLLOWERS)
    services.post_create(author=leo, text="Quiet", visibility=Visibility.UNLISTED)
    picture = picture_post(leo)

    response = anonymous_api.get(PUBLIC)

    assert_entities(response.json(), "Status")
    assert ids(response) == [picture.pk, public.pk]
    assert ids(anonymous_api.get(PUBLIC, {"local": "true"})) == [picture.pk, public.pk]
    assert anonymous_api.get(PUBLIC, {"remote": "true"}).json() == []
    assert ids(anonymous_api.get(PUBLIC, {"only_media": "true"})) == [picture.pk]
    assert ids(anonymous_api.get(PUBLIC, {"only_media": "false"})) == [picture.pk, public.pk]


def test_public_and_tag_skip_people_the_reader_mutes_or_blocks(api):
    muted, blocked, other = UserFactory(), UserFactory(), UserFactory()
    for person in (muted, blocked, other):
        services.post_create(author=person, text=f"{person.username} on #foley")
    mute_create(muter=api.user, muted=muted)
    block_create(blocker=blocked, blocked=api.user)

    for url in (PUBLIC, TAG):
        assert [status["account"]["id"] for status in api.get(url).json()] == [str(other.pk)]


def test_tag_has_public_posts_with_the_hashtag_in_any_case(anonymous_api):
    maya = UserFactory()
    lower = services.post_create(author=maya, text="Footsteps #foley")
    upper = services.post_create(author=maya, text="Cloth pass #FOLEY")
    services.post_create(author=maya, text="Friends #foley", visibility=Visibility.FOLLOWERS)
    services.post_create(author=maya, text="Mix #mixing")
    picture = picture_post(maya, "Props #Foley")

    response = anonymous_api.get("/api/v1/timelines/tag/Foley")

    assert_entities(response.json(), "Status")
    assert ids(response) == [picture.pk, upper.pk, lower.pk]
    assert ids(anonymous_api.get(TAG, {"only_media": "1"})) == [picture.pk]
    assert anonymous_api.get(TAG, {"remote": "true"}).json() == []
    assert anonymous_api.get("/api/v1/timelines/tag/nothing").json() == []


@pytest.mark.parametrize("url", [PUBLIC, TAG])
def test_public_pages_follow_links_both_ways_without_repeats_or_gaps(anonymous_api, url):
    maya = UserFactory()
    posts = [services.post_create(author=maya, text=f"take {n} #foley").pk for n in range(45)]

    older = walk(anonymous_api, url, None, "next")
    newer = walk(anonymous_api, url, {"min_id": str(posts[0]), "limit": "20"}, "prev")

    assert [len(page) for page in older] == [20, 20, 5, 0]
    assert sum(older, []) == posts[::-1]
    assert [len(page) for page in newer] == [20, 20, 4, 0]
    assert sorted(sum(newer, [])) == posts[1:]


@pytest.mark.parametrize("count", [1, 20])
@pytest.mark.parametrize("url", [PUBLIC, TAG])
def test_public_and_tag_queries_are_fixed(
    api, anonymous_api, url, count, django_assert_num_queries
):
    for index in range(count):
        post = services.post_create(
            author=UserFactory(), text=f"take {index} #foley @{api.user.username}"
        )
        services.repost_create(user=UserFactory(), post=post)
        services.like_create(user=api.user, post=post)

    shown = min(2 * count, 20) if url == PUBLIC else count  # reposts have no hashtags

    # a tag's page is read as its ids, then the posts (posts.models.PostQuerySet.card_page)
    queries = PUBLIC_QUERIES + (url != PUBLIC)
    with django_assert_num_queries(queries):
        assert len(anonymous_api.get(url).json()) == shown
    with django_assert_num_queries(queries + 1):
        assert len(api.get(url).json()) == shown


# --- what every timeline must survive -----------------------------------------------------------

HOSTILE = ["²", "٣", "-1", "99999999999999999999", "1e3", "\x00", "x" * 5000, "[]", "true", ""]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_parameters_never_break_a_timeline(api, jonas, value):
    post = services.post_create(author=jonas, text="Still here #foley")
    names = ("max_id", "since_id", "min_id", "limit", "local", "remote", "only_media")
    for url in (HOME, PUBLIC, TAG):
        for name in names:
            response = api.get(url, {name: value})
            assert response.status_code == 200, (url, name)
            assert ids(response) in ([post.pk], [])
        assert ids(api.get(url, dict.fromkeys(names[:4], value))) == [post.pk]


@pytest.mark.parametrize(
    "path", ["tag/%00", "tag/foo%00bar", "tag/%23foley", "tag/foo%20bar", "tag/" + "x" * 5000]
)
def test_a_tag_that_is_no_hashtag_is_found_nowhere(anonymous_api, path):
    response = anonymous_api.get(f"/api/v1/timelines/{path}")
    assert response.status_code in (200, 404)
    assert response.json() in ([], {"error": "Record not found"})


def test_a_limit_out_of_range_is_clamped(api, jonas):
    for _ in range(45):
        post_published(jonas)
    assert len(api.get(HOME, {"limit": "100"}).json()) == 40
    assert len(api.get(HOME, {"limit": "0"}).json()) == 1
    assert len(api.get(HOME, {"limit": "junk"}).json()) == 20


def test_timelines_are_read_only(api):
    for url in (HOME, PUBLIC, TAG):
        response = api.post(url, {})
        assert response.status_code == 405
        assert response.json() == {"error": "Method not allowed"}


# --- lists and direct messages -------------------------------------------------------------------


def test_there_are_no_lists_to_read(api, anonymous_api):
    response = api.get("/api/v1/timelines/list/1")
    assert response.status_code == 404
    assert response.json() == {"error": "Record not found"}
    assert api.get("/api/v1/timelines/list/%C2%B2").status_code == 404
    assert anonymous_api.get("/api/v1/timelines/list/1").status_code == 401
    no_lists = ApiClient(token_for(api.user, "read:statuses"))
    assert no_lists.get("/api/v1/timelines/list/1").status_code == 403


def test_the_retired_direct_timeline_is_empty(api, jonas, anonymous_api):
    services.post_create(author=jonas, text=f"@{api.user.username} just us", visibility="direct")

    assert api.get("/api/v1/timelines/direct").json() == []
    assert anonymous_api.get("/api/v1/timelines/direct").status_code == 401

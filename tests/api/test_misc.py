"""Search, hashtags, conversations, reports, who to follow, and the lists the site does not
have, through the client API."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import services as account_services
from accounts.models import Industry
from conversations import services as conversation_services
from conversations.models import Member
from follows import services as follow_services
from moderation.models import Report
from posts import services as post_services
from tests.api.conftest import ApiClient, assert_entities, assert_entity, token_for
from tests.factories import UserFactory, post_published

pytestmark = pytest.mark.django_db

HOSTILE = ["²", "-1", "99999999999999999999", "\x00", "x" * 5000, "1e3", ""]


def _link(response, rel: str) -> str | None:
    found = re.search(rf'<([^>]+)>; rel="{rel}"', response.get("Link", ""))
    return found.group(1).replace("http://testserver", "") if found else None


def _queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert call().status_code == 200
    return len(captured.captured_queries)


# --- search ------------------------------------------------------------------------------


@pytest.fixture
def findable(user):
    author = UserFactory(username="foleyartist", display_name="Foley Artist")
    for n in range(3):
        post_services.post_create(author=author, text=f"Recording #footsteps take {n}")
    post_services.post_create(
        author=author, text="Only for friends footsteps", visibility="private"
    )
    post_services.post_create(author=user, text="My own footsteps on gravel")
    return author


def test_search_finds_all_three_kinds(api, findable):
    response = api.get("/api/v2/search", {"q": "footsteps"})
    assert response.status_code == 200
    data = response.json()
    assert_entity(data, "Search")
    assert [status["content"] for status in data["statuses"]][0].startswith("<p>My own")
    assert len(data["statuses"]) == 4  # not the followers-only post
    assert data["accounts"] == []
    assert [tag["name"] for tag in data["hashtags"]] == ["footsteps"]
    tags = api.get("/api/v2/search", {"q": "#foot", "type": "hashtags"}).json()["hashtags"]
    assert [tag["name"] for tag in tags] == ["footsteps"]
    assert tags[0]["url"] == "http://testserver/tags/footsteps/"
    people = api.get("/api/v2/search", {"q": "foley", "type": "accounts"}).json()["accounts"]
    assert [person["username"] for person in people] == ["foleyartist"]


def test_search_by_type_limit_offset_and_max_id(api, findable):
    first = api.get("/api/v2/search", {"q": "footsteps", "type": "statuses", "limit": 2}).json()
    assert first["accounts"] == [] and first["hashtags"] == []
    ids = [status["id"] for status in first["statuses"]]
    assert len(ids) == 2
    rest = api.get(
        "/api/v2/search", {"q": "footsteps", "type": "statuses", "limit": 2, "offset": 2}
    ).json()["statuses"]
    assert [status["id"] for status in rest] != ids and len(rest) == 2
    below = api.get(
        "/api/v2/search", {"q": "footsteps", "type": "statuses", "max_id": ids[-1]}
    ).json()["statuses"]
    assert [status["id"] for status in below] == [status["id"] for status in rest]
    assert api.get(
        "/api/v2/search", {"q": "footsteps", "type": "statuses", "offset": 300}
    ).json() == {"accounts": [], "statuses": [], "hashtags": []}


def test_search_account_id_narrows_statuses(api, user, findable):
    data = api.get("/api/v2/search", {"q": "footsteps", "account_id": user.pk}).json()
    assert [status["account"]["id"] for status in data["statuses"]] == [str(user.pk)]
    for value in HOSTILE:
        data = api.get("/api/v2/search", {"q": "footsteps", "account_id": value}).json()
        assert data["statuses"] == []


def test_search_as_a_visitor_finds_public_posts_but_no_offset(anonymous_api, findable):
    data = anonymous_api.get("/api/v2/search", {"q": "footsteps"}).json()
    assert len(data["statuses"]) == 4
    response = anonymous_api.get(
        "/api/v2/search", {"q": "footsteps", "type": "statuses", "offset": 1}
    )
    assert response.status_code == 401


def test_search_refuses_what_the_page_refuses(api):
    response = api.get("/api/v2/search", {"q": "x" * 201})
    assert response.status_code == 422
    assert response.json()["error"] == "Search for at most 200 characters (this is 201)."
    assert api.get("/api/v2/search", {"q": "  "}).json() == {
        "accounts": [],
        "statuses": [],
        "hashtags": [],
    }


def test_a_nul_in_a_search_is_refused_as_on_the_page(api):
    response = api.get("/api/v2/search", {"q": "foot\x00steps"})
    assert response.status_code == 422
    assert response.json()["error"] == "Null characters are not allowed."


@pytest.mark.parametrize("value", ["\x01", "NEAR(", '"', "-", "*", "from:", "#", "²", "AND OR"])
def test_hostile_searches(api, findable, value):
    for kind in ("", "accounts", "statuses", "hashtags", "nonsense"):
        response = api.get("/api/v2/search", {"q": value, "type": kind, "limit": value})
        assert response.status_code == 200


def test_search_is_rate_limited_as_the_page(api, findable, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "search": "2/1m"}
    assert api.get("/api/v2/search", {"q": "footsteps"}).status_code == 200
    assert api.get("/api/v2/search", {"q": "footsteps"}).status_code == 200
    response = api.get("/api/v2/search", {"q": "footsteps"})
    assert response.status_code == 429
    assert response["X-RateLimit-Limit"] == "2"
    # An empty search is not counted, as on the page.
    assert api.get("/api/v2/search", {"q": ""}).status_code == 200


def test_search_needs_the_search_scope(user, findable):
    response = ApiClient(token_for(user, "read:statuses")).get("/api/v2/search", {"q": "x"})
    assert response.status_code == 403
    assert (
        ApiClient(token_for(user, "read:search")).get("/api/v2/search", {"q": "x"}).status_code
        == 200
    )


def test_search_leaves_out_blocked_people(api, user, findable):
    account_services.block_create(blocker=findable, blocked=user)
    data = api.get("/api/v2/search", {"q": "footsteps"}).json()
    assert [status["account"]["id"] for status in data["statuses"]] == [str(user.pk)]
    assert api.get("/api/v2/search", {"q": "foley", "type": "accounts"}).json()["accounts"] == []


def test_search_costs_the_same_for_1_and_25(api, user, settings):
    settings.RATE_LIMITS = {name: "100000/1m" for name in settings.RATE_LIMITS}
    author = UserFactory(username="boomop", display_name="Boom operator")
    post_services.post_create(author=author, text="Boom #boomop at dawn")

    def search():
        return api.get("/api/v2/search", {"q": "boomop", "limit": 40})

    few = _queries(search)
    for n in range(24):
        post_services.post_create(author=author, text=f"Boomop #boomop{n} take {n}")
        UserFactory(username=f"boomop{n}")
    data = search().json()
    assert (len(data["statuses"]), len(data["accounts"]), len(data["hashtags"])) == (25, 25, 25)
    assert _queries(search) == few


def test_search_resolves_the_sites_own_links_and_handles(api, user, findable):
    post = findable.posts.filter(visibility="public").order_by("-id").first()
    hidden = post_published(findable, "Friends only", visibility="private")
    link = f"http://testserver/@{findable.username}/{post.pk}/"
    data = api.get("/api/v2/search", {"q": link, "resolve": "true"}).json()
    assert [status["id"] for status in data["statuses"]] == [str(post.pk)]
    assert data["accounts"] == [] and data["hashtags"] == []
    # Not without resolve (it is then a search for its words), nor a post one may not read, nor
    # under another person's name, nor from elsewhere.
    assert api.get("/api/v2/search", {"q": link}).json()["statuses"] == []
    for other in [
        f"http://testserver/@{findable.username}/{hidden.pk}/",
        f"http://testserver/@{user.username}/{post.pk}/",
        f"https://elsewhere.example/@{findable.username}/{post.pk}/",
        "http://testserver/nothing/here/",
        "http://testserver/@²/1/",
    ]:
        data = api.get("/api/v2/search", {"q": other, "resolve": "true"}).json()
        assert data["statuses"] == [] and data["accounts"] == [], other
    profile = f"http://testserver/@{findable.username.upper()}"
    data = api.get("/api/v2/search", {"q": profile, "resolve": "true"}).json()
    assert [person["id"] for person in data["accounts"]] == [str(findable.pk)]
    for handle in [f"@{findable.username}@testserver", f"{findable.username}@TestServer"]:
        data = api.get("/api/v2/search", {"q": handle, "type": "accounts"}).json()
        assert [person["id"] for person in data["accounts"]] == [str(findable.pk)]
    assert (
        api.get("/api/v2/search", {"q": f"{findable.username}@elsewhere.example"}).json()[
            "accounts"
        ]
        == []
    )
    account_services.block_create(blocker=user, blocked=findable)
    data = api.get("/api/v2/search", {"q": profile, "resolve": "true"}).json()
    assert data["accounts"] == []


# --- hashtags ----------------------------------------------------------------------------


def test_tag_show(anonymous_api, findable):
    response = anonymous_api.get("/api/v1/tags/Footsteps")
    assert response.status_code == 200
    assert_entity(response.json(), "Tag")
    assert response.json()["name"] == "footsteps"
    assert response.json()["following"] is False


@pytest.mark.parametrize("name", ["nothing", "123", "%00", "x" * 500, "foot%20steps", "²"])
def test_unknown_tags_are_not_found(anonymous_api, name):
    response = anonymous_api.get(f"/api/v1/tags/{name}")
    assert response.status_code == 404
    assert response.json() == {"error": "Record not found"}


def test_following_tags_is_refused(api, findable):
    for action in ("follow", "unfollow"):
        response = api.post(f"/api/v1/tags/footsteps/{action}")
        assert response.status_code == 422
        assert response.json() == {"error": "Following hashtags is not something this site does"}
    assert api.post("/api/v1/tags/nothing/follow").status_code == 404
    assert ApiClient().post("/api/v1/tags/footsteps/follow").status_code == 401


# --- conversations -----------------------------------------------------------------------


def _conversation_with(user, other, text="Hello"):
    return conversation_services.message_start(sender=other, recipient=user, text=text)


def test_conversations_list(api, user):
    other = UserFactory(username="editor")
    message = _conversation_with(user, other, "About the cut")
    response = api.get("/api/v1/conversations")
    assert response.status_code == 200
    data = response.json()
    assert_entities(data, "Conversation")
    assert len(data) == 1
    assert data[0]["id"] == str(message.message.conversation_id)
    assert data[0]["unread"] is True
    assert [person["username"] for person in data[0]["accounts"]] == ["editor"]
    assert data[0]["last_status"]["id"] == str(message.pk)
    assert data[0]["last_status"]["visibility"] == "direct"


def test_conversations_are_each_persons_own(api, user):
    _conversation_with(UserFactory(), UserFactory())
    assert api.get("/api/v1/conversations").json() == []


def test_conversations_page_45_by_newest_message(api, user):
    messages = [_conversation_with(user, UserFactory(), f"Take {n}") for n in range(45)]
    expected = [str(post.message.conversation_id) for post in reversed(messages)]
    seen, path = [], "/api/v1/conversations?limit=20"
    while path:
        response = api.get(path)
        data = response.json()
        if not data:
            break
        seen += [item["id"] for item in data]
        path = _link(response, "next")
    assert seen == expected
    middle = api.get("/api/v1/conversations", {"limit": 20, "max_id": messages[-21].pk})
    newer = api.get(_link(middle, "prev")).json()
    assert [item["id"] for item in newer] == expected[1:21]


def test_conversations_cost_the_same_for_1_and_25(api, user):
    _conversation_with(user, UserFactory())
    few = _queries(lambda: api.get("/api/v1/conversations"))
    for n in range(24):
        _conversation_with(user, UserFactory(), f"Take {n}")
    assert _queries(lambda: api.get("/api/v1/conversations")) == few
    # The token; the members; their people; the last messages; the statuses' authors with
    # their roles; mentions; the other people with theirs.
    assert few == 7


def test_conversations_newest_selector(user):
    from conversations.selectors import conversations_newest

    posts = [_conversation_with(user, UserFactory(), f"Take {n}") for n in range(4)]
    ids = [post.message.conversation_id for post in posts]
    rows = conversations_newest(user=user, limit=2)
    assert [row.conversation_id for row in rows] == [ids[3], ids[2]]
    rows = conversations_newest(user=user, min_id=posts[0].pk, limit=2)
    assert [row.conversation_id for row in rows] == [ids[2], ids[1]]
    rows = conversations_newest(user=user, since_id=posts[0].pk, max_id=posts[3].pk)
    assert [row.conversation_id for row in rows] == [ids[2], ids[1]]
    (row,) = conversations_newest(user=user, conversation_id=ids[1])
    assert row.last == posts[1]
    # A message from someone the reader blocked since is not shown as the newest.
    account_services.block_create(blocker=user, blocked=posts[1].author)
    (row,) = conversations_newest(user=user, conversation_id=ids[1])
    assert row.last is None
    assert [person.pk for person in row.others] == [posts[1].author_id]


def test_conversation_read(api, user):
    other = UserFactory()
    conversation_id = _conversation_with(user, other).message.conversation_id
    user.refresh_from_db()
    assert user.unread_conversations == 1
    response = api.post(f"/api/v1/conversations/{conversation_id}/read")
    assert response.status_code == 200
    assert_entity(response.json(), "Conversation")
    assert response.json()["unread"] is False
    user.refresh_from_db()
    assert user.unread_conversations == 0
    assert not Member.objects.get(user=user).unread


def test_someone_elses_conversation_is_not_found(api, user):
    conversation_id = _conversation_with(UserFactory(), UserFactory()).message.conversation_id
    for response in (
        api.post(f"/api/v1/conversations/{conversation_id}/read"),
        api.delete(f"/api/v1/conversations/{conversation_id}"),
    ):
        assert response.status_code == 404
        assert response.json() == {"error": "Record not found"}
    for value in ["²", "-1", "99999999999999999999", "abc"]:
        assert api.post(f"/api/v1/conversations/{value}/read").status_code == 404


def test_removing_a_conversation_is_refused(api, user):
    conversation_id = _conversation_with(user, UserFactory()).message.conversation_id
    response = api.delete(f"/api/v1/conversations/{conversation_id}")
    assert response.status_code == 422
    assert response.json() == {
        "error": "Conversations cannot be removed from the list on this site"
    }
    assert Member.objects.filter(user=user).exists()


# --- reports -----------------------------------------------------------------------------


def test_report_an_account(api, user):
    spammer = UserFactory(username="spammer")
    response = api.post(
        "/api/v1/reports", {"account_id": str(spammer.pk), "category": "spam", "comment": "Ads"}
    )
    assert response.status_code == 200
    data = response.json()
    assert_entity(data, "Report")
    assert data["category"] == "spam"
    assert data["comment"] == "Ads"
    assert data["status_ids"] is None
    assert data["target_account"]["id"] == str(spammer.pk)
    report = Report.objects.get()
    assert (report.reporter, report.user, report.post, report.category) == (
        user,
        spammer,
        None,
        "spam",
    )
    again = api.post("/api/v1/reports", {"account_id": str(spammer.pk)})
    assert again.status_code == 422
    assert again.json()["error"] == (
        "You have already reported this person; a moderator will look at it."
    )


def test_report_posts_one_report_each(api, user):
    author = UserFactory()
    first, second = post_published(author, "One"), post_published(author, "Two")
    response = api.post(
        "/api/v1/reports",
        {"account_id": author.pk, "status_ids": [first.pk, str(second.pk)], "category": "legal"},
    )
    assert response.status_code == 200
    assert response.json()["status_ids"] == [str(first.pk), str(second.pk)]
    assert response.json()["category"] == "legal"
    assert set(Report.objects.values_list("post_id", "category")) == {
        (first.pk, "illegal"),
        (second.pk, "illegal"),
    }
    third = post_published(author, "Three")
    response = api.post(
        "/api/v1/reports", {"account_id": author.pk, "status_ids": [first.pk, third.pk]}
    )
    assert response.json()["status_ids"] == [str(third.pk)]
    assert response.json()["category"] == "other"


def test_report_rules_mean_violation(api):
    author = UserFactory()
    response = api.post("/api/v1/reports", {"account_id": author.pk, "rule_ids": ["1"]})
    assert response.json()["category"] == "violation"
    assert Report.objects.get().category == "abuse"


def test_reported_posts_must_be_the_accounts_and_readable(api, user):
    author, other = UserFactory(), UserFactory()
    hidden = post_published(author, "Friends only", visibility="private")
    theirs = post_published(other, "Other")
    for ids in ([hidden.pk], [theirs.pk], [999999]):
        response = api.post("/api/v1/reports", {"account_id": author.pk, "status_ids": ids})
        assert response.status_code == 404
    assert not Report.objects.exists()


def test_report_refusals(api, user):
    author = UserFactory()
    cases = [
        ({"account_id": user.pk}, 422, "You cannot report yourself."),
        ({"account_id": author.pk, "category": "rude"}, 422, None),
        (
            {"account_id": author.pk, "comment": "x" * 1001},
            422,
            "Keep the comment to 1000 characters (it has 1001).",
        ),
        ({"account_id": author.pk, "comment": "a\x00b"}, 422, "Null characters are not allowed."),
        ({"account_id": author.pk, "status_ids": ["²"]}, 422, "status_ids must be a list of ids"),
        ({"account_id": "²"}, 404, "Record not found"),
        ({}, 404, "Record not found"),
        ({"account_id": author.pk, "status_ids": list(range(1, 30))}, 422, None),
    ]
    for body, status, message in cases:
        response = api.post("/api/v1/reports", body)
        assert response.status_code == status, body
        if message:
            assert response.json()["error"] == message
    assert not Report.objects.exists()


@pytest.mark.parametrize("value", [[], {}, True, None, 1.5, -1, 2**70, "\x00", "x" * 5000])
def test_report_hostile_json(api, value):
    author = UserFactory()
    for name in ("account_id", "status_ids", "comment", "category", "rule_ids", "forward"):
        body = {"account_id": author.pk, name: value}
        response = api.post("/api/v1/reports", body)
        assert response.status_code < 500, (name, value)


def test_reports_are_rate_limited(api, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "report": "1/1m"}
    assert api.post("/api/v1/reports", {"account_id": UserFactory().pk}).status_code == 200
    assert api.post("/api/v1/reports", {"account_id": UserFactory().pk}).status_code == 429


def test_reporting_needs_a_person_and_the_scope(user):
    author = UserFactory()
    assert ApiClient().post("/api/v1/reports", {"account_id": author.pk}).status_code == 401
    read_only = ApiClient(token_for(user, "read"))
    assert read_only.post("/api/v1/reports", {"account_id": author.pk}).status_code == 403
    granular = ApiClient(token_for(user, "write:reports"))
    assert granular.post("/api/v1/reports", {"account_id": author.pk}).status_code == 200


# --- who to follow -----------------------------------------------------------------------


def test_suggestions(api, user):
    industry = Industry.objects.create(name="Sound", slug="sound")
    user.industry = industry
    user.save()
    colleague = UserFactory(username="colleague", industry=industry)
    followed = UserFactory(username="followed")
    follow_services.follow_create(follower=user, followee=followed)
    response = api.get("/api/v2/suggestions")
    assert response.status_code == 200
    data = response.json()
    assert_entities(data, "Suggestion")
    assert data[0]["account"]["id"] == str(colleague.pk)
    assert data[0]["sources"] == ["similar_to_recently_followed"]
    assert str(followed.pk) not in [item["account"]["id"] for item in data]
    accounts = api.get("/api/v1/suggestions", {"limit": 1}).json()
    assert_entities(accounts, "Account")
    assert [person["id"] for person in accounts] == [str(colleague.pk)]


def test_suggestions_cost_the_same_for_1_and_25(api, user):
    UserFactory()
    few = _queries(lambda: api.get("/api/v2/suggestions"))
    for _ in range(24):
        UserFactory()
    assert _queries(lambda: api.get("/api/v2/suggestions")) == few
    assert len(api.get("/api/v2/suggestions").json()) == 25


# --- what the site does not have ---------------------------------------------------------

EMPTY_FOR_PEOPLE = [
    "/api/v1/lists",
    "/api/v1/filters",
    "/api/v2/filters",
    "/api/v1/followed_tags",
    "/api/v1/endorsements",
    "/api/v1/domain_blocks",
    "/api/v1/scheduled_statuses",
    "/api/v1/announcements",
]
EMPTY_FOR_ALL = [
    "/api/v1/trends",
    "/api/v1/trends/tags",
    "/api/v1/trends/statuses",
    "/api/v1/trends/links",
]


@pytest.mark.parametrize("path", EMPTY_FOR_PEOPLE + EMPTY_FOR_ALL)
def test_empty_but_valid(api, path):
    response = api.get(path)
    assert response.status_code == 200
    assert response.json() == []


@pytest.mark.parametrize("path", EMPTY_FOR_PEOPLE)
def test_empty_lists_still_need_a_person(path):
    assert ApiClient().get(path).status_code == 401
    assert ApiClient(token_for(None, "read")).get(path).status_code == 422


@pytest.mark.parametrize("path", EMPTY_FOR_ALL)
def test_trends_are_public(path):
    assert ApiClient().get(path).json() == []


def test_a_list_is_not_found(api):
    assert api.get("/api/v1/lists/1").status_code == 404
    assert api.get("/api/v1/lists/1").json() == {"error": "Record not found"}


def test_web_push_is_not_offered(api):
    for method in ("get", "post", "delete"):
        response = getattr(api, method)("/api/v1/push/subscription")
        assert response.status_code == 404
        assert response.json() == {"error": "Record not found"}


def test_a_suspended_persons_token_reads_none_of_these(user):
    token = token_for(user)
    user.suspended_at = timezone.now()
    user.save()
    client = ApiClient(token)
    for path in [
        "/api/v1/conversations",
        "/api/v2/suggestions",
        "/api/v2/search",
        *EMPTY_FOR_PEOPLE,
    ]:
        response = client.get(path, {"q": "x"})
        assert response.status_code == 403, path
        assert response.json() == {"error": "Your login is currently disabled"}

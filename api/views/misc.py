"""The smaller groups of Mastodon's methods: search, hashtags, conversations (the site's
messages), reports, who to follow, and the lists, filters, trends and the like that the site
does not have, answered empty (apps fail on a 404 where they expect a list)."""

import dataclasses
import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.urls import Resolver404, path
from django.urls import resolve as resolve_path

from accounts.models import USERNAME_PATTERN, User, hidden_from
from api.entities.accounts import Origin, account, people_by_id
from api.entities.conversations import conversations
from api.entities.reports import CATEGORIES, report
from api.entities.statuses import StatusWriter
from api.entities.tags import tag
from api.http import ApiError, endpoint, json_response
from api.paging import paged, window
from conversations import selectors as conversation_selectors
from conversations import services as conversation_services
from core.ratelimit import client_ip, rate_limit_hit
from follows.selectors.suggestions import suggested_people
from moderation.forms import ReportForm
from moderation.services import report_create
from posts import text as post_text
from posts.models import Hashtag, Post
from search import selectors as search_selectors
from search.forms import SearchForm
from search.query import parse, tag_prefix

SEARCH_TYPES = ("accounts", "statuses", "hashtags")
# Search pages by offset (the search selectors page by cursors): a page at an offset reads the
# results before it too, so offsets stop somewhere.
MAX_OFFSET = 200
MAX_REPORTED_POSTS = 20
_HANDLE = re.compile(rf"@?({USERNAME_PATTERN})@([A-Za-z0-9.:\[\]-]+)\Z", re.ASCII)
_LINK = re.compile(r"https?://", re.IGNORECASE)
NOT_FOLLOWING_TAGS = "Following hashtags is not something this site does"
NOT_LEAVING = "Conversations cannot be removed from the list on this site"


# --- search --------------------------------------------------------------------------------


@endpoint("GET", scope="read:search")
def search(request):
    """Accounts, statuses and hashtags matching `q`, as the search page finds them (the same
    reading of the query, the same rules of what may be found, the same rate limit)."""
    params, viewer = request.params, request.user
    results = {"accounts": [], "statuses": [], "hashtags": []}
    kind = params.text("type")
    kinds = [kind] if kind in SEARCH_TYPES else list(SEARCH_TYPES)
    offset = (params.id("offset") or 0) if kind in SEARCH_TYPES else 0
    if offset and not viewer.is_authenticated:
        raise ApiError(401, "Search queries with offset require a user token")
    form = SearchForm({"q": params.text("q", "")})
    if not form.is_valid():
        raise ValidationError(form.errors.as_data()["q"])
    text = form.cleaned_data["q"].strip()
    if not text or offset > MAX_OFFSET:
        return json_response(results)
    key = f"user:{viewer.pk}" if viewer.is_authenticated else f"ip:{client_ip(request)}"
    rate_limit_hit(scope="search", key=key)
    origin = Origin(request)
    found = _ours(request, text, resolve=params.flag("resolve"))
    if found is not None:
        people, posts = found
        if "accounts" in kinds and not offset:
            results["accounts"] = [account(person, origin) for person in people]
        if "statuses" in kinds and not offset:
            results["statuses"] = StatusWriter(posts, viewer, origin).statuses(posts)
        return json_response(results)
    query = parse(text)
    limit = window(params).limit
    if "accounts" in kinds:
        found = search_selectors.matching_people(viewer=viewer, query=query, limit=offset + limit)
        people = people_by_id(person.pk for person in found.items[offset:])
        results["accounts"] = [
            account(people[person.pk], origin) for person in found.items[offset:]
        ]
    if "statuses" in kinds:
        posts = _matching_posts(params, viewer, query, offset + limit)[offset:]
        results["statuses"] = StatusWriter(posts, viewer, origin).statuses(posts)
    if "hashtags" in kinds:
        found = search_selectors.hashtags_starting(prefix=tag_prefix(text), limit=offset + limit)
        results["hashtags"] = [tag(hashtag, origin) for hashtag in found.items[offset:]]
    return json_response(results)


def _ours(request, text: str, *, resolve: bool) -> tuple[list, list] | None:
    """What an app looks up by address rather than by words: one of the site's own people as
    `name@host` (the host this request came to), or with `resolve`, the link of a post or a
    profile here. None when `text` is neither; the site fetches nothing from elsewhere."""
    viewer, host = request.user, request.get_host().lower()
    handle = _HANDLE.match(text)
    if handle and handle.group(2).lower() == host:
        return _person(viewer, handle.group(1)), []
    address = urlsplit(text) if resolve and _LINK.match(text) else None
    if address is None or address.netloc.lower() != host:
        return None
    try:
        match = resolve_path(address.path if address.path.endswith("/") else address.path + "/")
    except Resolver404:
        return [], []
    if match.view_name == "accounts:profile":
        return _person(viewer, match.kwargs["username"]), []
    if match.view_name == "posts:detail":
        posts = (
            Post.objects.readable_by(viewer)
            .without_hidden_people(viewer, mutes=False)
            .with_card_data(viewer)
            .filter(pk=match.kwargs["pk"], author__in=User.objects.named(match.kwargs["username"]))
        )
        return [], list(posts)
    return [], []


def _person(viewer, username: str) -> list:
    """The person named `username`, as a mention reaches them (visible, not hidden by a
    block), with their counts."""
    found = (
        User.objects.visible()
        .named(username)
        .exclude(hidden_from(viewer, "pk", mutes=False))
        .values_list("pk", flat=True)
        .first()
    )
    return list(people_by_id([found]).values())


def _matching_posts(params, viewer, query, limit: int) -> list[Post]:
    """Newest first below max_id; with account_id, only that person's (as from: does)."""
    if "account_id" in params:
        author = User.objects.visible().filter(pk=params.id("account_id") or 0).first()
        if author is None:
            return []
        query = dataclasses.replace(query, authors=(author.username.lower(),))
    found = search_selectors.matching_posts(
        viewer=viewer, query=query, before=params.id("max_id"), limit=limit
    )
    return found.items


# --- hashtags ------------------------------------------------------------------------------


def _hashtag(name: str) -> Hashtag:
    if not post_text.is_hashtag(name):
        raise Hashtag.DoesNotExist
    return Hashtag.objects.get(name=post_text.hashtag_key(name))


@endpoint("GET")
def tag_detail(request, name):
    return json_response(tag(_hashtag(name), Origin(request)))


@endpoint("POST", scope="write:follows", user=True)
def tag_follow(request, name):
    _hashtag(name)
    raise ApiError(422, NOT_FOLLOWING_TAGS)


# --- conversations -------------------------------------------------------------------------


@endpoint("GET", scope="read:statuses", user=True)
def conversation_list(request):
    page = window(request.params)
    rows = conversation_selectors.conversations_newest(
        user=request.user,
        max_id=page.max_id,
        since_id=page.since_id,
        min_id=page.min_id,
        limit=page.limit,
    )
    data = conversations(rows, request.user, Origin(request))
    first, last = (rows[0].last_post_id, rows[-1].last_post_id) if rows else (None, None)
    return paged(json_response(data), request, first, last)


def _membership(request, pk: int):
    member = conversation_selectors.membership(user=request.user, conversation_id=pk)
    if member is None:
        raise ApiError(404, "Record not found")
    return member


@endpoint("DELETE", scope="write:conversations", user=True)
def conversation_remove(request, pk):
    _membership(request, pk)
    raise ApiError(422, NOT_LEAVING)


@endpoint("POST", scope="write:conversations", user=True)
def conversation_read(request, pk):
    conversation_services.conversation_read(member=_membership(request, pk))
    rows = conversation_selectors.conversations_newest(user=request.user, conversation_id=pk)
    return json_response(conversations(rows, request.user, Origin(request))[0])


# --- reports -------------------------------------------------------------------------------


@endpoint("POST", scope="write:reports", user=True)
def report_file(request):
    """A report of an account, or of some of its posts (one report each here), through the
    same service and rate limit as the site's report form."""
    params = request.params
    person = User.objects.visible().filter(pk=params.id("account_id") or 0).first()
    if person is None:
        raise ApiError(404, "Record not found")
    # The page's form checks what the person wrote (its length, no NUL characters), with the
    # page's messages.
    form = ReportForm({"category": _category(params), "comment": params.text("comment", "")})
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    category, comment = form.cleaned_data["category"], form.cleaned_data["comment"]
    post_ids = list(dict.fromkeys(params.ids("status_ids")))
    if len(post_ids) > MAX_REPORTED_POSTS:
        raise ValidationError(f"Report at most {MAX_REPORTED_POSTS} posts at once.")
    posts = list(Post.objects.readable_by(request.user).filter(author=person, pk__in=post_ids))
    if len(posts) != len(post_ids):
        raise ApiError(404, "Record not found")
    posts.sort(key=lambda post: post_ids.index(post.pk))
    made = []
    for post in posts or [None]:
        target = {"post": post} if post is not None else {"user": person}
        try:
            made.append(
                report_create(reporter=request.user, category=category, comment=comment, **target)
            )
        except ValidationError as error:
            # A post reported before is skipped when others are reported now.
            if len(posts) < 2 or getattr(error, "code", None) != "duplicate":
                raise
            duplicate = error
    if not made:
        raise duplicate
    reported = [item.post_id for item in made if item.post_id]
    return json_response(report(made[0], reported, person.pk, Origin(request)))


def _category(params) -> str:
    if params.values("rule_ids"):
        return CATEGORIES["violation"]
    name = params.text("category", "other")
    if name not in CATEGORIES:
        raise ValidationError(
            {"category": "Choose what is wrong: spam, legal, violation or other."},
            code="invalid_choice",
        )
    return CATEGORIES[name]


# --- who to follow -------------------------------------------------------------------------


def _sources(person) -> list[str]:
    if person.mutuals:
        return ["friends_of_friends"]
    if person.same_industry or person.same_location:
        return ["similar_to_recently_followed"]
    return ["most_interactions"]


@endpoint("GET", scope="read:accounts", user=True)
def suggestions(request):
    """Who to follow, as the site suggests it: Suggestion entities (v2) or accounts (v1)."""
    limit = request.params.integer("limit", default=40, low=1, high=80)
    found = suggested_people(user=request.user, limit=limit)
    people = people_by_id(item.person.pk for item in found)
    origin = Origin(request)
    if request.path.startswith("/api/v1/"):
        return json_response([account(people[item.person.pk], origin) for item in found])
    return json_response(
        [
            {
                "source": "global",
                "sources": _sources(item.person),
                "account": account(people[item.person.pk], origin),
            }
            for item in found
        ]
    )


# --- what the site does not have -----------------------------------------------------------


def _empty(scope: str | None, *, person: bool = True):
    @endpoint("GET", scope=scope, user=person)
    def view(request):
        return json_response([])

    return view


@endpoint("GET", scope="read:lists", user=True)
def list_detail(request, pk):
    raise ApiError(404, "Record not found")


urlpatterns = [
    path("v2/search", search, name="search"),
    path("v1/tags/<str:name>", tag_detail, name="tag"),
    path("v1/tags/<str:name>/follow", tag_follow, name="tag_follow"),
    path("v1/tags/<str:name>/unfollow", tag_follow, name="tag_unfollow"),
    path("v1/conversations", conversation_list, name="conversations"),
    path("v1/conversations/<id:pk>", conversation_remove, name="conversation"),
    path("v1/conversations/<id:pk>/read", conversation_read, name="conversation_read"),
    path("v1/reports", report_file, name="reports"),
    path("v2/suggestions", suggestions, name="suggestions"),
    path("v1/suggestions", suggestions, name="suggestions_v1"),
    path("v1/lists", _empty("read:lists"), name="lists"),
    path("v1/lists/<id:pk>", list_detail, name="list"),
    path("v1/filters", _empty("read:filters"), name="filters_v1"),
    path("v2/filters", _empty("read:filters"), name="filters"),
    path("v1/followed_tags", _empty("read:follows"), name="followed_tags"),
    path("v1/endorsements", _empty("read:accounts"), name="endorsements"),
    path("v1/domain_blocks", _empty("read:blocks"), name="domain_blocks"),
    path("v1/scheduled_statuses", _empty("read:statuses"), name="scheduled_statuses"),
    path("v1/announcements", _empty("read:accounts"), name="announcements"),
    path("v1/trends", _empty(None, person=False), name="trends"),
    path("v1/trends/tags", _empty(None, person=False), name="trends_tags"),
    path("v1/trends/statuses", _empty(None, person=False), name="trends_statuses"),
    path("v1/trends/links", _empty(None, person=False), name="trends_links"),
]

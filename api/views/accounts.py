"""Mastodon's accounts methods (accounts, blocks, mutes, follow requests, preferences).

Everything goes through the pages' selectors and services: an account's statuses are what its
profile page shows that viewer (`profile_post_rows`), the follow lists are the pages' (hidden
people left out), following, blocking and muting are the services the buttons call, with
their rate limits and messages. A person who blocks the viewer is shown, with their posts, as
their profile page shows them; a suspended person is an account saying so, with no posts or
follow lists.
"""

import re

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.urls import path

from accounts import selectors as account_selectors
from accounts import services as account_services
from accounts.models import USERNAME_PATTERN, User
from api.entities.accounts import Origin, account, people_by_id
from api.entities.relationships import relationship
from api.entities.statuses import StatusWriter
from api.http import ApiError, endpoint, json_response
from api.paging import paged, window, window_rows
from api.views import credentials
from core.query import parse_id
from follows import services as follow_services
from follows.selectors import people as follow_people
from posts import text as post_text
from search import query as search_query
from search import selectors as search_selectors

# Ids one request may ask about (relationships, familiar followers, several accounts).
MAX_IDS = 80
# Lists of people: Mastodon's 40 a page, up to 80.
PEOPLE_PAGE = {"default": 40, "maximum": 80}
# How far an account search may be paged by offset (each page reads the ones before it).
MAX_SEARCH_OFFSET = 400
_USERNAME = re.compile(USERNAME_PATTERN)


def _viewer(request):
    return request.user if request.user.is_authenticated else None


def _person(account_id: int) -> User:
    """The person whose profile exists (suspended ones too), or 404."""
    person = User.objects.with_profile().filter(pk=account_id).first()
    if person is None:
        raise Http404
    return person


def _ids(params, name: str) -> list[int]:
    """The ids among `name[]`, once each, the first MAX_IDS; values that are no id are left
    out (they name no account)."""
    ids = (parse_id(value) for value in params.values(name))
    return list(dict.fromkeys(pk for pk in ids if pk is not None))[:MAX_IDS]


def _local_username(text: str, request) -> str | None:
    """The username in "name", "@name" or "name@this-site", or None (another site's
    address, or nothing a username can be)."""
    name, _, domain = text.strip().removeprefix("@").partition("@")
    if domain:
        host = request.get_host().lower()
        if domain.lower() not in (host, host.partition(":")[0]):
            return None
    return name if _USERNAME.fullmatch(name) else None


def _accounts(request, ids: list[int]) -> list[dict]:
    """Account entities of these people, in this order (those without a profile left out)."""
    people, origin = people_by_id(ids), Origin(request)
    return [account(people[pk], origin) for pk in ids if pk in people]


def _people_page(request, rows: list[tuple[int, int]], **extra):
    """A page of people from rows of (cursor, person id): their accounts (each with `extra`
    fields), and the Link header by the cursors (a follow's, block's, mute's or request's
    id)."""
    entities = _accounts(request, [person_id for _, person_id in rows])
    response = json_response([{**entity, **extra} for entity in entities])
    if not rows:
        return response
    return paged(response, request, rows[0][0], rows[-1][0])


def _relationship_of(request, person_id: int):
    found = follow_people.relationships(viewer=request.user, ids=[person_id], with_suspended=True)
    if not found:
        raise Http404
    return json_response(relationship(found[0]))


# --- reading accounts ---------------------------------------------------------------------------


@endpoint("GET", scope="read:accounts")
def account_show(request, account_id):
    person = people_by_id([account_id]).get(account_id)
    if person is None:
        raise Http404
    return json_response(account(person, Origin(request)))


@endpoint("GET", scope="read:accounts")
def accounts_many(request):
    return json_response(_accounts(request, _ids(request.params, "id")))


@endpoint("GET", scope="read:accounts")
def lookup(request):
    """An account by its address: "name", "@name" or "name@this-site"."""
    username = _local_username(request.params.text("acct") or "", request)
    if username is None:
        raise Http404
    person = account_selectors.people_counted().named(username).first()
    if person is None:
        raise Http404
    return json_response(account(person, Origin(request)))


@endpoint("GET", scope="read:statuses")
def account_statuses(request, account_id):
    """The posts the person's profile shows this viewer, newest first, by Mastodon's pages
    and filters. `pinned=true`: the pinned posts, as the top of the profile shows them (one
    page)."""
    person, viewer, params = _person(account_id), _viewer(request), request.params
    if person.is_suspended:
        return json_response([])
    page = window(params)
    if params.flag("pinned"):
        cursor = page.max_id or page.min_id or page.since_id
        posts = [] if cursor else account_selectors.profile_pinned(person=person, viewer=viewer)
        return json_response(StatusWriter(posts, viewer, Origin(request)).statuses(posts))
    posts = account_selectors.profile_post_rows(person=person, viewer=viewer)
    if params.flag("only_media"):
        posts = posts.filter(has_media=True)
    if params.flag("exclude_replies"):
        # Mastodon keeps a person's replies to themselves (threads).
        posts = posts.filter(Q(in_reply_to__isnull=True) | Q(in_reply_to__author_id=person.pk))
    if params.flag("exclude_reblogs"):
        posts = posts.filter(repost_of__isnull=True)
    tagged = (params.text("tagged") or "").removeprefix("#")
    if tagged:
        if not post_text.is_hashtag(tagged):
            return json_response([])
        posts = posts.filter(hashtags__name=post_text.hashtag_key(tagged))
    rows = window_rows(posts, page)
    response = json_response(StatusWriter(rows, viewer, Origin(request)).statuses(rows))
    if not rows:
        return response
    return paged(response, request, rows[0].pk, rows[-1].pk)


def _follow_list(request, account_id: int, side: str):
    """Followers (`side` "follower") or followees ("followee"), as the profile's lists show
    them, by the follow's id; none for a suspended person."""
    person = _person(account_id)
    if person.is_suspended:
        return json_response([])
    if side == "follower":
        follows = follow_people.follows_of_followers(person=person)
    else:
        follows = follow_people.follows_of_followees(person=person)
    page = window(request.params, **PEOPLE_PAGE)
    return _people_page(request, window_rows(follows.values_list("id", f"{side}_id"), page))


@endpoint("GET", scope="read:accounts")
def followers(request, account_id):
    return _follow_list(request, account_id, "follower")


@endpoint("GET", scope="read:accounts")
def following(request, account_id):
    return _follow_list(request, account_id, "followee")


@endpoint("GET", scope="read:accounts")
def featured_tags(request, account_id):
    _person(account_id)
    return json_response([])


@endpoint("GET", scope="read:lists", user=True)
def account_lists(request, account_id):
    _person(account_id)
    return json_response([])


@endpoint("GET", scope="read:follows", user=True)
def relationships(request):
    params = request.params
    found = follow_people.relationships(
        viewer=request.user,
        ids=_ids(params, "id"),
        with_suspended=params.flag("with_suspended"),
    )
    return json_response([relationship(person) for person in found])


@endpoint("GET", scope="read:follows", user=True)
def familiar_followers(request):
    """For each account asked about, the people the viewer follows who follow it."""
    ids = _ids(request.params, "id")
    found = follow_people.familiar_followers(viewer=request.user, ids=ids)
    people = people_by_id({pk for followers in found.values() for pk in followers})
    origin = Origin(request)
    return json_response(
        [
            {
                "id": str(pk),
                "accounts": [account(people[f], origin) for f in found[pk] if f in people],
            }
            for pk in ids
        ]
    )


@endpoint("GET", scope="read:accounts", user=True)
def search(request):
    """People search, as the search page finds people (discoverable people, less those who
    block the viewer or whom they block), most recently active first. `resolve` changes
    nothing: there are no other sites to ask."""
    params = request.params
    limit = params.integer("limit", default=40, low=1, high=80)
    offset = params.integer("offset", default=0, low=0, high=MAX_SEARCH_OFFSET + 1)
    if offset > MAX_SEARCH_OFFSET:
        return json_response([])
    text = params.text("q") or ""
    username = _local_username(text, request) if "@" in text.strip()[1:] else None
    page = search_selectors.matching_people(
        viewer=request.user,
        query=search_query.parse(username or text[:500]),
        limit=offset + limit,
        followed_only=params.flag("following"),
    )
    ids = [person.pk for person in page.items[offset : offset + limit]]
    return json_response(_accounts(request, ids))


# --- following, blocking, muting ----------------------------------------------------------------


@endpoint("POST", scope="write:follows", user=True)
def follow(request, account_id):
    """Follow (or, for a locked account, ask to: `requested`). Refused with 403 and the
    reason when either blocks the other, as Mastodon; 422 with the reason otherwise.
    `reblogs`, `notify` and `languages` are not settings here."""
    person = _person(account_id)
    try:
        follow_services.follow_create(follower=request.user, followee=person)
    except ValidationError as error:
        if error.code in ("blocking", "blocked"):
            raise ApiError(403, error.messages[0]) from None
        raise
    return _relationship_of(request, person.pk)


@endpoint("POST", scope="write:follows", user=True)
def unfollow(request, account_id):
    """Stop following, or withdraw a request to."""
    person = _person(account_id)
    follow_services.follow_delete(follower=request.user, followee=person)
    return _relationship_of(request, person.pk)


@endpoint("POST", scope="write:blocks", user=True)
def block(request, account_id):
    person = _person(account_id)
    account_services.block_create(blocker=request.user, blocked=person)
    return _relationship_of(request, person.pk)


@endpoint("POST", scope="write:blocks", user=True)
def unblock(request, account_id):
    person = _person(account_id)
    account_services.block_delete(blocker=request.user, blocked=person)
    return _relationship_of(request, person.pk)


@endpoint("POST", scope="write:mutes", user=True)
def mute(request, account_id):
    """Mute: their posts leave the viewer's timelines. `notifications` and `duration` are not
    settings here (a mute lasts until undone and leaves notifications alone)."""
    person = _person(account_id)
    account_services.mute_create(muter=request.user, muted=person)
    return _relationship_of(request, person.pk)


@endpoint("POST", scope="write:mutes", user=True)
def unmute(request, account_id):
    person = _person(account_id)
    account_services.mute_delete(muter=request.user, muted=person)
    return _relationship_of(request, person.pk)


# --- the viewer's own lists ---------------------------------------------------------------------


@endpoint("GET", scope="read:blocks", user=True)
def blocks(request):
    rows = account_selectors.blocks_by(user=request.user).values_list("id", "blocked_id")
    return _people_page(request, window_rows(rows, window(request.params, **PEOPLE_PAGE)))


@endpoint("GET", scope="read:mutes", user=True)
def mutes(request):
    """MutedAccount entities: accounts with when the mute ends (never, here)."""
    rows = account_selectors.mutes_by(user=request.user).values_list("id", "muted_id")
    rows = window_rows(rows, window(request.params, **PEOPLE_PAGE))
    return _people_page(request, rows, mute_expires_at=None)


@endpoint("GET", scope="read:follows", user=True)
def follow_requests(request):
    rows = follow_people.follow_requests_waiting(user=request.user)
    rows = rows.values_list("id", "follower_id")
    return _people_page(request, window_rows(rows, window(request.params, **PEOPLE_PAGE)))


def _follow_request_answer(request, account_id: int, *, accept: bool):
    """Accept or reject the request of the person `account_id`: 404 when there is none."""
    follower = User.objects.filter(pk=account_id).first()
    if follower is None:
        raise Http404
    answered = follow_services.follow_request_answer(
        user=request.user, follower=follower, accept=accept
    )
    if not answered:
        raise Http404
    return _relationship_of(request, follower.pk)


@endpoint("POST", scope="write:follows", user=True)
def follow_request_authorize(request, account_id):
    return _follow_request_answer(request, account_id, accept=True)


@endpoint("POST", scope="write:follows", user=True)
def follow_request_reject(request, account_id):
    return _follow_request_answer(request, account_id, accept=False)


@endpoint("GET", scope="read:accounts", user=True)
def preferences(request):
    """The posting and reading preferences apps start from: the default visibility is the
    person's; the rest are Mastodon's defaults (no sensitive media, languages or spoilers
    here)."""
    return json_response(
        {
            "posting:default:visibility": request.user.default_visibility,
            "posting:default:sensitive": False,
            "posting:default:language": None,
            "reading:expand:media": "default",
            "reading:expand:spoilers": False,
        }
    )


urlpatterns = [
    path(
        "v1/accounts/verify_credentials",
        credentials.verify_credentials,
        name="verify_credentials",
    ),
    path(
        "v1/accounts/update_credentials",
        credentials.update_credentials,
        name="update_credentials",
    ),
    path("v1/accounts", accounts_many, name="accounts"),
    path("v1/accounts/lookup", lookup, name="account_lookup"),
    path("v1/accounts/relationships", relationships, name="relationships"),
    path("v1/accounts/familiar_followers", familiar_followers, name="familiar_followers"),
    path("v1/accounts/search", search, name="account_search"),
    path("v1/accounts/<id:account_id>", account_show, name="account"),
    path("v1/accounts/<id:account_id>/statuses", account_statuses, name="account_statuses"),
    path("v1/accounts/<id:account_id>/followers", followers, name="account_followers"),
    path("v1/accounts/<id:account_id>/following", following, name="account_following"),
    path("v1/accounts/<id:account_id>/featured_tags", featured_tags, name="account_featured_tags"),
    path("v1/accounts/<id:account_id>/lists", account_lists, name="account_lists"),
    path("v1/accounts/<id:account_id>/follow", follow, name="account_follow"),
    path("v1/accounts/<id:account_id>/unfollow", unfollow, name="account_unfollow"),
    path("v1/accounts/<id:account_id>/block", block, name="account_block"),
    path("v1/accounts/<id:account_id>/unblock", unblock, name="account_unblock"),
    path("v1/accounts/<id:account_id>/mute", mute, name="account_mute"),
    path("v1/accounts/<id:account_id>/unmute", unmute, name="account_unmute"),
    path("v1/blocks", blocks, name="blocks"),
    path("v1/mutes", mutes, name="mutes"),
    path("v1/follow_requests", follow_requests, name="follow_requests"),
    path(
        "v1/follow_requests/<id:account_id>/authorize",
        follow_request_authorize,
        name="follow_request_authorize",
    ),
    path(
        "v1/follow_requests/<id:account_id>/reject",
        follow_request_reject,
        name="follow_request_reject",
    ),
    path("v1/preferences", preferences, name="preferences"),
]

"""Timelines as Mastodon's apps read them: home (the stored timeline the home page shows),
public and hashtag (what /public/ and /tags/<tag>/ show, to visitors too), and answers for
the two we have no such thing for: lists (none exist: 404) and the retired direct timeline
(always empty; messages are in conversations).

Pages are Mastodon's (`api.paging.window`): max_id reads older, since_id the newest above it,
min_id forward from it (the oldest above it first, given newest first), and the Link header
leads on from the posts shown. The selectors page by post id as the pages do, and skip what
the pages skip (muted and blocked people, removed posts)."""

from django.http import Http404
from django.urls import path

from api.entities.accounts import Origin
from api.entities.statuses import StatusWriter
from api.http import endpoint, json_response
from api.paging import Window, link_header, window
from follows.selectors.timelines import home_timeline, public_timeline
from posts.selectors import tag_posts


def _reading(page: Window) -> dict:
    """A selector's paging arguments for Mastodon's window: min_id wins over since_id, as in
    Mastodon."""
    if page.min_id is not None:
        return {
            "before": page.max_id,
            "after": page.min_id,
            "oldest_first": True,
            "limit": page.limit,
        }
    return {"before": page.max_id, "after": page.since_id, "limit": page.limit}


def _statuses(request, page, asked: Window):
    """The page's posts as Status entities, with the Link header to the pages around it."""
    posts = page.items
    writer = StatusWriter(posts, request.user, Origin(request))
    response = json_response(writer.statuses(posts))
    if posts:
        first, last = posts[0].pk, posts[-1].pk
    elif page.next_before is not None:
        # Every post looked at was hidden (muted, blocked, removed), yet more lie below: lead
        # on past them, as the home page's "Load more" does, rather than end the walk here.
        first, last = page.head, page.next_before
    elif page.head is not None and asked.min_id is not None:
        first, last = page.head, asked.min_id
    else:
        return response
    link = link_header(request, first, last)
    if link:
        response["Link"] = link
    return response


@endpoint("GET", scope="read:statuses", user=True)
def home(request):
    """GET /api/v1/timelines/home: the signed-in person's home timeline."""
    asked = window(request.params)
    page = home_timeline(user=request.user, cards=False, **_reading(asked))
    return _statuses(request, page, asked)


@endpoint("GET", scope="read:statuses")
def public(request):
    """GET /api/v1/timelines/public: everyone's public posts, for visitors too. All of them
    are local (`local` changes nothing); `remote` asks for posts from other servers, and we
    have none."""
    asked = window(request.params)
    if request.params.flag("remote"):
        return json_response([])
    page = public_timeline(
        viewer=request.user,
        only_media=request.params.flag("only_media"),
        cards=False,
        **_reading(asked),
    )
    return _statuses(request, page, asked)


@endpoint("GET", scope="read:statuses")
def tag(request, hashtag):
    """GET /api/v1/timelines/tag/:hashtag: public posts with the hashtag (any case), as
    /tags/<tag>/ shows them. any[], all[] and none[] (more tags) are not supported: only the
    one in the path is read."""
    asked = window(request.params)
    if request.params.flag("remote"):
        return json_response([])
    page = tag_posts(
        tag=hashtag,
        viewer=request.user,
        only_media=request.params.flag("only_media"),
        **_reading(asked),
    )
    return _statuses(request, page, asked)


@endpoint("GET", scope="read:lists", user=True)
def list_timeline(request, list_id):
    """GET /api/v1/timelines/list/:list_id: no list exists, so none is found."""
    raise Http404


@endpoint("GET", scope="read:statuses", user=True)
def direct(request):
    """GET /api/v1/timelines/direct, removed from Mastodon in 3.x: an empty list, as apps that
    still ask get from servers without it. Messages are read as conversations."""
    return json_response([])


urlpatterns = [
    path("v1/timelines/home", home, name="timelines_home"),
    path("v1/timelines/public", public, name="timelines_public"),
    path("v1/timelines/tag/<tag:hashtag>", tag, name="timelines_tag"),
    path("v1/timelines/list/<str:list_id>", list_timeline, name="timelines_list"),
    path("v1/timelines/direct", direct, name="timelines_direct"),
]

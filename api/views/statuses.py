"""Statuses and media: Mastodon's methods/statuses, methods/media, methods/favourites and
methods/bookmarks, over posts.services (every write) and posts.selectors and the Post querysets
(every read), as the post pages use them.

What the site does not have is refused with a clear 422 rather than dropped without a word:
polls, scheduled posts, quotes, edits, bookmarks, muted conversations, and content warnings
and sensitive media (an author who asked for a warning must not find their post published
without one). A language is ignored: it hides nothing.
"""

import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from api.entities.accounts import Origin, account, people_by_id
from api.entities.statuses import StatusWriter, attachment
from api.http import ApiError, endpoint, error_response, json_response
from api.paging import paged, window, window_rows
from posts import selectors, services
from posts.models import Attachment, Post

# Idempotency-Key headers become posts' client tokens (UUIDs) under this namespace; the token is
# unique per author, so two people's equal keys never meet.
IDEMPOTENCY_NAMESPACE = uuid.UUID("5b0f2a52-8a0e-4c8e-9a55-0c6d1f8f3e21")
IDEMPOTENCY_KEY_MAX = 512

NO_POLLS = "Polls are not available on this site."
NO_SCHEDULING = "Scheduled posts are not available on this site."
NO_QUOTES = "Quote posts are not available on this site."
NO_SPOILERS = "Content warnings are not available on this site: post without one."
NO_SENSITIVE = "Marking media as sensitive is not available on this site."
NO_EDITS = "Posts can't be edited: delete it and post again."
NO_BOOKMARKS = "Bookmarks are not available on this site."
NO_CONVERSATION_MUTES = "Muting a conversation is not available on this site: mute its people."
NO_FILE = "Choose a file to upload."


def by_method(**views):
    """One path answered by a view per HTTP method (each an `endpoint` with its own scope)."""

    @csrf_exempt
    def dispatch(request, *args, **kwargs):
        view = views.get(request.method.lower())
        if view is None:
            response = error_response(405, "Method not allowed")
            response["Allow"] = ", ".join(sorted(name.upper() for name in views))
            return response
        return view(request, *args, **kwargs)

    dispatch.checks_person_itself = True  # each endpoint does (api.http)
    # What the API walker reads of an endpoint: the methods; a scope and a need of a person
    # when every method shares them.
    dispatch.api_methods = frozenset().union(*(view.api_methods for view in views.values()))
    scopes = {view.api_scope for view in views.values()}
    dispatch.api_scope = scopes.pop() if len(scopes) == 1 else None
    dispatch.api_user = all(view.api_user for view in views.values())
    return dispatch


# --- reading ----------------------------------------------------------------------------------


def _cards(viewer):
    """Posts as the post's page shows them to `viewer` (`visible_to`), ready for entities."""
    return Post.objects.visible_to(viewer).with_card_data(viewer)


def _statuses(request, posts: list[Post]) -> list[dict]:
    return StatusWriter(posts, request.user, Origin(request)).statuses(posts)


def _status(request, pk: int) -> dict:
    """The Status of post `pk` if the viewer may see it, else 404."""
    return _statuses(request, [_cards(request.user).get(pk=pk)])[0]


def _readable(request, pk: int) -> Post:
    """The post `pk` for acting on or listing who acted (`readable_by`, as the actions on the
    pages), the original for a repost; else 404."""
    post = Post.objects.readable_by(request.user).get(pk=pk)
    if post.repost_of_id:
        post = Post.objects.readable_by(request.user).get(pk=post.repost_of_id)
    return post


@endpoint("GET", scope="read:statuses")
def status_show(request, pk):
    return json_response(_status(request, pk))


@endpoint("GET", scope="read:statuses")
def statuses_show(request):
    """Several statuses by id[] (at most 40), those the viewer may see, in the order asked."""
    ids = list(dict.fromkeys(request.params.ids("id")))[:40]
    found = {post.pk: post for post in _cards(request.user).filter(pk__in=ids)} if ids else {}
    return json_response(_statuses(request, [found[pk] for pk in ids if pk in found]))


@endpoint("GET", scope="read:statuses")
def status_context(request, pk):
    """The posts above it (oldest first) and the replies below it at every depth (depth
    first), as Mastodon's thread."""
    post = _cards(request.user).get(pk=pk)
    if post.repost_of_id:
        post = _cards(request.user).get(pk=post.repost_of_id)
    ancestors = selectors.post_ancestors(post=post, viewer=request.user)
    replies = selectors.post_descendants(post=post, viewer=request.user)
    writer = StatusWriter([*ancestors, *replies], request.user, Origin(request))
    return json_response(
        {"ancestors": writer.statuses(ancestors), "descendants": writer.statuses(replies)}
    )


@endpoint("GET", scope="read:statuses", user=True)
def status_source(request, pk):
    """The text as written, for an app's edit box: one's own posts only, as Mastodon."""
    post = Post.objects.visible_to(request.user).get(
        pk=pk, author=request.user, repost_of__isnull=True
    )
    return json_response({"id": str(post.pk), "text": post.text, "spoiler_text": ""})


@endpoint("GET", scope="read:statuses")
def status_history(request, pk):
    """Posts are never edited: their one version."""
    entity = _status(request, pk)
    shown = entity["reblog"] or entity
    version = {
        name: shown[name]
        for name in (
            "content",
            "spoiler_text",
            "sensitive",
            "created_at",
            "account",
            "media_attachments",
            "emojis",
        )
    }
    return json_response([version])


def _accounts_page(request, rows, user_field: str):
    """A page of accounts of the people in `rows` (likes or reposts, by their id), with the
    Link header; 40 by default, 80 at most, as Mastodon."""
    page = window(request.params, default=40, maximum=80)
    found = window_rows(rows, page)
    people = people_by_id(getattr(row, user_field) for row in found)
    origin = Origin(request)
    entities = [account(people[getattr(row, user_field)], origin) for row in found]
    response = json_response(entities)
    return paged(response, request, found[0].pk if found else None, found[-1].pk if found else None)


@endpoint("GET", scope="read:statuses")
def favourited_by(request, pk):
    post = _readable(request, pk)
    return _accounts_page(request, selectors.post_likes(post=post, viewer=request.user), "user_id")


@endpoint("GET", scope="read:statuses")
def reblogged_by(request, pk):
    post = _readable(request, pk)
    reposts = selectors.post_reposts(post=post, viewer=request.user)
    return _accounts_page(request, reposts, "author_id")


@endpoint("GET", scope="read:favourites", user=True)
def favourites(request):
    """The viewer's likes, newest like first, paged by the like's id."""
    page = window(request.params)
    likes = window_rows(selectors.likes_of(user=request.user).only("id", "post_id"), page)
    liked = _cards(request.user).filter(pk__in=[like.post_id for like in likes])
    found = {post.pk: post for post in liked}
    posts = [found[like.post_id] for like in likes if like.post_id in found]
    response = json_response(_statuses(request, posts))
    return paged(response, request, likes[0].pk if likes else None, likes[-1].pk if likes else None)


@endpoint("GET", scope="read:bookmarks", user=True)
def bookmarks(request):
    """The site has no bookmarks: always none."""
    return json_response([])


# --- writing ----------------------------------------------------------------------------------


def _given(params, name: str) -> bool:
    """Whether a parameter was sent with a value (apps send `poll: null` and empty fields)."""
    return any(value not in (None, "", [], {}) for value in params.data.get(name, []))


def _refuse_what_we_lack(params) -> None:
    polls = [name for name in params.data if name == "poll" or name.startswith("poll[")]
    if any(_given(params, name) for name in polls):
        raise ApiError(422, NO_POLLS)
    if _given(params, "scheduled_at"):
        raise ApiError(422, NO_SCHEDULING)
    if _given(params, "quoted_status_id") or _given(params, "quote_id"):
        raise ApiError(422, NO_QUOTES)
    if (params.text("spoiler_text") or "").strip():
        raise ApiError(422, NO_SPOILERS)
    if params.flag("sensitive"):
        raise ApiError(422, NO_SENSITIVE)


def _client_token(request) -> uuid.UUID | None:
    """The post's client token from the Idempotency-Key header: the same key from the same
    person gives back the first post (`post_create`)."""
    key = request.headers.get("Idempotency-Key", "")
    if not key:
        return None
    if len(key) > IDEMPOTENCY_KEY_MAX:
        raise ApiError(422, "The Idempotency-Key header is too long.")
    return uuid.uuid5(IDEMPOTENCY_NAMESPACE, key)


@endpoint("POST", scope="write:statuses", user=True)
def status_create(request):
    params = request.params
    _refuse_what_we_lack(params)
    in_reply_to = None
    if _given(params, "in_reply_to_id"):
        reply_id = params.id("in_reply_to_id")
        if reply_id is None:
            raise Http404
        readable = Post.objects.readable_by(request.user).select_related("author")
        in_reply_to = readable.get(pk=reply_id)
    media_ids = params.ids("media_ids")
    descriptions = {}
    if media_ids:
        # The descriptions given at upload or by PUT /api/v1/media/:id travel with the files.
        drafts = Attachment.objects.filter(owner=request.user, post__isnull=True, pk__in=media_ids)
        descriptions = dict(drafts.values_list("pk", "description"))
    post = services.post_create(
        author=request.user,
        text=params.text("status") or "",
        in_reply_to=in_reply_to,
        client_token=_client_token(request),
        media=[(pk, descriptions.get(pk, "")) for pk in media_ids],
        visibility=params.text("visibility") or None,
    )
    return json_response(_status(request, post.pk))


@endpoint("PUT", scope="write:statuses", user=True)
def status_edit(request, pk):
    Post.objects.visible_to(request.user).get(pk=pk, author=request.user)
    raise ApiError(422, NO_EDITS)


@endpoint("DELETE", scope="write:statuses", user=True)
def status_delete(request, pk):
    """Delete one's own post; the answer is its Status with its source `text`, so an app can
    offer to write it again ("delete and redraft"). Its media stay a day as drafts, to be
    posted again by their ids, unless `delete_media` is true, as Mastodon."""
    post = _cards(request.user).get(pk=pk, author=request.user, repost_of__isnull=True)
    entity = _statuses(request, [post])[0]
    entity["text"] = post.text
    kept = not request.params.flag("delete_media")
    if kept:
        # Drafts are loaded by their grant: the post's open addresses end with it.
        origin = Origin(request)
        entity["media_attachments"] = [
            attachment(item, origin, granted=True) for item in post.attachments.all()
        ]
    services.post_delete(post=post, user=request.user, media_kept=kept)
    return json_response(entity)


@endpoint("POST", scope="write:favourites", user=True)
def favourite(request, pk):
    post = _readable(request, pk)
    services.like_create(user=request.user, post=post)
    return json_response(_status(request, post.pk))


@endpoint("POST", scope="write:favourites", user=True)
def unfavourite(request, pk):
    post = _readable(request, pk)
    services.like_delete(user=request.user, post=post)
    return json_response(_status(request, post.pk))


@endpoint("POST", scope="write:statuses", user=True)
def reblog(request, pk):
    """Repost: the answer is the repost, wrapping the original."""
    post = _readable(request, pk)
    repost = services.repost_create(user=request.user, post=post)
    return json_response(_status(request, repost.pk))


@endpoint("POST", scope="write:statuses", user=True)
def unreblog(request, pk):
    post = _readable(request, pk)
    services.repost_delete(user=request.user, post=post)
    return json_response(_status(request, post.pk))


def _pin(request, pk, pinned: bool):
    post = Post.objects.visible_to(request.user).get(pk=pk)
    try:
        services.post_pin(user=request.user, post=post, pinned=pinned)
    except PermissionDenied as refused:
        # Mastodon answers someone else's post with a validation error, not a refusal.
        raise ValidationError(str(refused)) from None
    return json_response(_status(request, pk))


@endpoint("POST", scope="write:accounts", user=True)
def pin(request, pk):
    return _pin(request, pk, True)


@endpoint("POST", scope="write:accounts", user=True)
def unpin(request, pk):
    return _pin(request, pk, False)


@endpoint("POST", scope="write:bookmarks", user=True)
def bookmark(request, pk):
    _cards(request.user).get(pk=pk)
    raise ApiError(422, NO_BOOKMARKS)


@endpoint("POST", scope="write:bookmarks", user=True)
def unbookmark(request, pk):
    """Nothing is ever bookmarked: taking a bookmark away succeeds."""
    return json_response(_status(request, pk))


@endpoint("POST", scope="write:mutes", user=True)
def mute(request, pk):
    _cards(request.user).get(pk=pk)
    raise ApiError(422, NO_CONVERSATION_MUTES)


@endpoint("POST", scope="write:mutes", user=True)
def unmute(request, pk):
    """No conversation is ever muted: unmuting succeeds."""
    return json_response(_status(request, pk))


# --- media ------------------------------------------------------------------------------------


def _draft(request, pk: int) -> Attachment:
    """The viewer's own draft `pk` (not yet taken by a post), else 404, as Mastodon."""
    return Attachment.objects.get(owner=request.user, post__isnull=True, pk=pk)


@endpoint("POST", scope="write:media", user=True)
def media_create(request):
    """Upload a picture or a sound clip as a draft (`attachment_create`: the compose form's
    checks and messages). Processed before answering, so v2 answers 200 with its URL too."""
    upload = request.params.file("file")
    if upload is None:
        raise ApiError(422, NO_FILE)
    item = services.attachment_create(
        owner=request.user,
        upload=upload,
        description=request.params.text("description") or "",
    )
    return json_response(attachment(item, Origin(request), granted=True))


@endpoint("GET", scope="write:media", user=True)
def media_show(request, pk):
    return json_response(attachment(_draft(request, pk), Origin(request), granted=True))


@endpoint("PUT", scope="write:media", user=True)
def media_update(request, pk):
    """Describe one's draft (`focus` and `thumbnail` are not kept: pictures are shown whole)."""
    if "description" not in request.params:
        return json_response(attachment(_draft(request, pk), Origin(request), granted=True))
    item = services.attachment_describe(
        owner=request.user,
        attachment_id=pk,
        description=request.params.text("description") or "",
    )
    return json_response(attachment(item, Origin(request), granted=True))


@endpoint("DELETE", scope="write:media", user=True)
def media_delete(request, pk):
    services.attachments_delete([_draft(request, pk)])
    return json_response({})


urlpatterns = [
    path(
        "v1/statuses",
        by_method(get=statuses_show, post=status_create),
        name="statuses",
    ),
    path(
        "v1/statuses/<id:pk>",
        by_method(get=status_show, put=status_edit, delete=status_delete),
        name="status",
    ),
    path("v1/statuses/<id:pk>/context", status_context, name="status_context"),
    path("v1/statuses/<id:pk>/source", status_source, name="status_source"),
    path("v1/statuses/<id:pk>/history", status_history, name="status_history"),
    path("v1/statuses/<id:pk>/favourited_by", favourited_by, name="status_favourited_by"),
    path("v1/statuses/<id:pk>/reblogged_by", reblogged_by, name="status_reblogged_by"),
    path("v1/statuses/<id:pk>/favourite", favourite, name="status_favourite"),
    path("v1/statuses/<id:pk>/unfavourite", unfavourite, name="status_unfavourite"),
    path("v1/statuses/<id:pk>/reblog", reblog, name="status_reblog"),
    path("v1/statuses/<id:pk>/unreblog", unreblog, name="status_unreblog"),
    path("v1/statuses/<id:pk>/pin", pin, name="status_pin"),
    path("v1/statuses/<id:pk>/unpin", unpin, name="status_unpin"),
    path("v1/statuses/<id:pk>/bookmark", bookmark, name="status_bookmark"),
    path("v1/statuses/<id:pk>/unbookmark", unbookmark, name="status_unbookmark"),
    path("v1/statuses/<id:pk>/mute", mute, name="status_mute"),
    path("v1/statuses/<id:pk>/unmute", unmute, name="status_unmute"),
    path("v1/favourites", favourites, name="favourites"),
    path("v1/bookmarks", bookmarks, name="bookmarks"),
    path("v1/media", media_create, name="media_v1"),
    path("v2/media", media_create, name="media"),
    path(
        "v1/media/<id:pk>",
        by_method(get=media_show, put=media_update, delete=media_delete),
        name="media_item",
    ),
]

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)
from django_htmx.http import reswap, retarget, trigger_client_event

from accounts.models import hidden_from
from core.decorators import checks_person_itself, login_required
from core.files import stored_file_response
from core.paging import next_page_url
from core.query import form_id, parse_id, query_id
from core.ratelimit import RateLimited
from core.responses import flash, is_fragment, redirect_back, safe_next
from posts import media, selectors, services
from posts.forms import PostForm, reply_initial
from posts.models import Attachment, Post
from posts.templatetags.posts import compose_context


def _card(post_id: int, viewer) -> Post:
    return Post.objects.readable_by(viewer).with_card_data(viewer).get(pk=post_id)


@require_http_methods(["GET", "POST"])
@login_required
def compose(request):
    """GET: the compose page (for people without JavaScript). POST: write a post or a reply.

    htmx gets the new card (prepended to the timeline or appended to the replies by the form's
    hx-target) and a fresh form out of band; errors come back as the form with status 422.
    """
    reply_to = None
    reply_asked = bool(request.POST.get("in_reply_to") or request.GET.get("in_reply_to"))
    reply_id = form_id(request, "in_reply_to")
    if reply_id is not None:
        reply_to = (
            Post.objects.readable_by(request.user)
            .select_related("author")
            .filter(pk=reply_id)
            .first()
        )
    if request.method == "GET":
        form = PostForm(initial=reply_initial(reply_to=reply_to, author=request.user))
        return _compose_page(request, form, reply_to)

    form = PostForm(request.POST)
    drafts, descriptions, media_errors, uploading = _compose_media(request)
    post = None
    if form.is_valid() and not uploading and not media_errors:
        if reply_asked and reply_to is None:
            form.add_error("text", "The post you are replying to is no longer available.")
        else:
            try:
                post = services.post_create(
                    author=request.user,
                    text=form.cleaned_data["text"],
                    in_reply_to=reply_to,
                    client_token=form.cleaned_data["client_token"],
                    visibility=form.cleaned_data["visibility"],
                    media=[(draft.pk, descriptions.get(draft.pk, "")) for draft in drafts],
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    media_errors += error.error_dict.pop("media", [])
                    error = ValidationError(error.error_dict) if error.error_dict else None
                if error is not None:
                    form.add_error("text" if not hasattr(error, "error_dict") else None, error)
    inline = bool(request.POST.get("inline")) and reply_to is not None
    if post is None:
        media_errors = [m for e in media_errors for m in getattr(e, "messages", [e])]
        kept = {"drafts": drafts, "descriptions": descriptions, "media_errors": media_errors}
        if request.htmx:
            context = compose_context(
                form=form, user=request.user, reply_to=reply_to, htmx=True, inline=inline, **kept
            )
            status = 200 if uploading and not media_errors and not form.errors else 422
            response = render(request, "posts/partials/compose_form.html", context, status=status)
            return reswap(retarget(response, f"#{context['form_id']}"), "outerHTML")
        return _compose_page(request, form, reply_to, **kept)

    if request.htmx and inline:
        # The reply box opened inside a card turns into the reply it sent.
        response = render(
            request, "posts/partials/card.html", {"post": _card(post.pk, request.user)}
        )
        return trigger_client_event(response, "post-created", {"id": post.pk})
    if request.htmx:
        fresh = PostForm(initial=reply_initial(reply_to=reply_to, author=request.user))
        context = compose_context(form=fresh, user=request.user, reply_to=reply_to, oob=True)
        context["post"] = _card(post.pk, request.user)
        response = render(request, "posts/partials/created.html", context)
        return trigger_client_event(response, "post-created", {"id": post.pk})
    messages.success(request, "Posted.")
    if reply_to is not None:
        return redirect("posts:detail", reply_to.author.username, reply_to.pk)
    return redirect("home")


@require_GET
@login_required
def reply_form(request, pk):
    """The reply box a card's Reply button opens in place (htmx); without htmx, /compose/."""
    readable = Post.objects.readable_by(request.user).select_related("author")
    reply_to = get_object_or_404(readable, pk=pk)
    if reply_to.repost_of_id:
        reply_to = get_object_or_404(readable, pk=reply_to.repost_of_id)
    if not request.htmx:
        return redirect(f"{reverse('posts:create')}?in_reply_to={reply_to.pk}")
    form = PostForm(initial=reply_initial(reply_to=reply_to, author=request.user))
    context = compose_context(form=form, user=request.user, reply_to=reply_to, inline=True)
    return render(request, "posts/partials/compose_form.html", context)


def _compose_page(request, form, reply_to, **kept):
    context = compose_context(form=form, user=request.user, reply_to=reply_to, htmx=False, **kept)
    return render(
        request, "posts/compose.html", context, status=422 if kept.get("media_errors") else 200
    )


def _compose_media(request):
    """The compose form's pictures: the drafts it carries (less one its Remove button names),
    with their descriptions as typed, and the files sent with it stored as new drafts.
    Returns (drafts, descriptions by id, refusals, whether this was only an upload: the form
    comes back with the pictures to describe, rather than posting). Without JavaScript, files
    sent with the post come back to be described first; a second Post sends the post."""
    ids = []
    for value in request.POST.getlist("attachment")[: media.MAX_IMAGES]:
        attachment_id = parse_id(value)
        if attachment_id is not None and attachment_id not in ids:
            ids.append(attachment_id)
    # Not "remove": a form control of that name would hide the form's own remove() from scripts.
    removed = form_id(request, "drop")
    found = {}
    if ids:  # most posts carry none: no query built
        carried = Attachment.objects.filter(owner=request.user, post__isnull=True, pk__in=ids)
        found = {draft.pk: draft for draft in carried}
    drafts = [found[i] for i in ids if i in found and i != removed]
    # As typed: one too long is refused by post_create, beside the pictures, and stays.
    descriptions = {
        draft.pk: request.POST.get(f"description-{draft.pk}", draft.description) for draft in drafts
    }
    errors = []
    uploads = request.FILES.getlist("media")
    for upload in uploads:
        if len(drafts) >= media.MAX_IMAGES:
            errors.append(f"{upload.name}: a post holds up to {media.MAX_IMAGES} pictures.")
            continue
        try:
            drafts.append(services.attachment_create(owner=request.user, upload=upload))
        except ValidationError as error:
            errors.append(f"{upload.name}: {error.messages[0]}")
        except RateLimited as limited:
            # Said beside the field like any refusal, so the text and the pictures stay.
            minutes = max(1, -(-limited.retry_after // 60))
            errors.append(
                f"{upload.name}: you have uploaded a lot just now; try again in "
                f"{minutes} minute{'s' if minutes != 1 else ''}."
            )
    uploading = bool(request.POST.get("upload")) or removed is not None
    if uploads and not request.htmx:
        uploading = True
    return drafts, descriptions, errors, uploading


@require_GET
def detail(request, username, pk):
    """The permalink: the post, the conversation above it and the replies below it."""
    post = get_object_or_404(
        Post.objects.visible_to(request.user).with_card_data(request.user), pk=pk
    )
    if post.repost_of_id:
        original = post.repost_of
        return redirect("posts:detail", original.author.username, original.pk)
    if post.author.username.lower() != username.lower():
        raise Http404("No such post.")
    if post.author.username != username:
        return redirect("posts:detail", post.author.username, post.pk, permanent=True)
    ancestors, replies = selectors.post_conversation(post=post, viewer=request.user)
    return render(
        request,
        "posts/detail.html",
        {"post": post, "ancestors": ancestors, "replies": replies},
    )


@require_http_methods(["GET", "POST"])
@login_required
def delete(request, pk):
    """GET: "Delete this post?" (for people without JavaScript). POST: delete it.

    Only the author may; anyone else gets 404 for a post they may not read (as for one that does
    not exist) and 403 otherwise.
    """
    post = get_object_or_404(
        Post.objects.visible_to(request.user).select_related("author"), pk=pk, repost_of=None
    )
    if post.author_id != request.user.pk:
        raise PermissionDenied("Only the author can delete a post.")
    if request.method == "GET":
        return render(request, "posts/delete_confirm.html", {"post": post})
    services.post_delete(post=post, user=request.user)
    if request.htmx:
        # An empty 200: the card swaps itself out (hx-swap="outerHTML" with nothing).
        return trigger_client_event(HttpResponse(""), "post-deleted", {"id": pk})
    messages.success(request, "Your post was deleted.")
    return redirect_back(request, reverse("home"))


def _toggle(request, pk, *, on, off, part):
    post = get_object_or_404(Post.objects.readable_by(request.user), pk=pk)
    want = request.POST.get("state") == "on"
    # The form says which state it wants rather than "flip": a double click cannot undo itself.
    try:
        (on if want else off)(user=request.user, post=post)
    except ValidationError as error:
        raise Http404(error.messages[0]) from None
    shown_id = post.repost_of_id or post.pk
    if request.htmx:
        card = _card(shown_id, request.user)
        context = {"post": card, "part": part, "next": safe_next(request, "")}
        return render(request, "posts/partials/card.html", context)
    return redirect_back(request, reverse("home"))


@require_POST
@login_required
def like(request, pk):
    """Like (state=on) or unlike (state=off) a post; htmx gets the button back."""
    return _toggle(
        request,
        pk,
        on=services.like_create,
        off=services.like_delete,
        part="like-button",
    )


@require_POST
@login_required
def repost(request, pk):
    """Repost (state=on) or undo the repost (state=off); htmx gets the button back."""
    return _toggle(
        request,
        pk,
        on=services.repost_create,
        off=services.repost_delete,
        part="repost-button",
    )


@require_http_methods(["GET", "POST"])
@login_required
def pin(request, pk):
    """GET: "Pin this post?" (for people without JavaScript). POST: pin (state=on) or unpin
    (state=off) one of your posts to the top of your profile. htmx gets the card back, its menu
    saying the new state; a refusal (a fourth pin) is a message. Others' posts: 404."""
    post = get_object_or_404(
        Post.objects.visible_to(request.user).select_related("author"),
        pk=pk,
        author=request.user,
        repost_of=None,
    )
    if request.method == "GET":
        return render(request, "posts/pin_confirm.html", {"post": post})
    profile = reverse("accounts:profile", args=[request.user.username])
    try:
        services.post_pin(user=request.user, post=post, pinned=request.POST.get("state") == "on")
    except PermissionDenied:
        raise Http404("No such post of yours") from None
    except ValidationError as error:
        return flash(request, error.messages[0], status=422, fallback=profile)
    if request.htmx:
        card = Post.objects.visible_to(request.user).with_card_data(request.user).get(pk=pk)
        context = {"post": card, "next": safe_next(request, "")}
        return render(request, "posts/partials/card.html", context)
    done = "Pinned to your profile." if request.POST.get("state") == "on" else "Unpinned."
    messages.success(request, done)
    return redirect_back(request, profile)


@require_GET
def tag(request, tag):
    """/tags/<tag>/: posts with the hashtag, newest first; "More" loads the next page."""
    before = query_id(request, "before")
    page = selectors.tag_posts(tag=tag, viewer=request.user, before=before, rows=True)
    path = reverse("posts:tag", args=[tag])
    context = {"tag": tag, "posts": page.items, "next_url": next_page_url(request, path, page)}
    if is_fragment(request) and before is not None:
        return render(request, "posts/tag.html#tag-page", context)
    return render(request, "posts/tag.html", context)


@require_GET
@login_required
def notifications(request):
    """/notifications/: newest first; opening the first page marks everything shown as read."""
    before = query_id(request, "before")
    page = selectors.notifications_for(user=request.user, before=before)
    if page.items:
        services.notifications_mark_read(user=request.user, up_to_id=page.items[0].pk)
    path = reverse("posts:notifications")
    context = {"notifications": page.items, "next_url": next_page_url(request, path, page)}
    if is_fragment(request) and before is not None:
        return render(request, "posts/notifications.html#notification-page", context)
    return render(request, "posts/notifications.html", context)


@require_GET
def unread_count(request):
    """The nav badge, polled every 30 s by htmx; 204 (nothing to swap) for a signed-out browser."""
    if not request.user.is_authenticated:
        return HttpResponse(status=204)
    count = selectors.notifications_unread_count(user=request.user)
    return render(request, "posts/partials/unread_badge.html", {"unread_count": count})


@require_safe
@checks_person_itself
def attachment(request, pk, variant):
    """An attachment's file (`variant`: "full" or "preview"), to whoever may see its post, else
    404 as if it did not exist: a post removed, its author suspended or blocking the viewer (or
    blocked by them); a draft, to anyone but its owner. Range requests get their part (206), so
    that a player can seek."""
    found = _attachment_for(request.user, pk, grant=request.GET.get("grant"))
    name = found.preview if variant == "preview" and found.preview else found.file
    response = stored_file_response(request, name, found.content_type)
    if response.status_code != 302:
        # Names are random and never reused: a browser may keep the file, for this viewer only.
        response["Cache-Control"] = "private, max-age=86400"
    return response


@require_GET
def attachment_view(request, pk):
    """A picture at full size in a dialog over the page (htmx, from a card's picture); without
    htmx, the picture itself. 404 to whoever may not see it."""
    found = _attachment_for(request.user, pk)
    if not request.htmx:
        return redirect("posts:attachment", found.pk)
    return render(request, "posts/partials/lightbox.html", {"picture": found})


def _attachment_for(viewer, pk: int, *, grant: str | None = None) -> Attachment:
    """The attachment `pk` if `viewer` may see it, or a valid `grant` to it
    (`media.grant_for`) is given while its post may be read (its owner's draft: while they may
    act), else 404 (the same for one that does not exist)."""
    found = Attachment.objects.filter(pk=pk).first()
    if found is not None and attachment_visible(found, viewer):
        return found
    if found is not None and grant and media.grant_valid(pk, grant):
        owner = found.owner
        if found.post_id is None and owner.is_visible:
            return found
        # Its author reads the post unless it was removed or they were suspended.
        if Post.objects.readable_by(owner).filter(pk=found.post_id).exists():
            return found
    raise Http404("No such file")


def attachment_visible(found: Attachment, viewer) -> bool:
    if found.post_id is None:
        return viewer.is_authenticated and found.owner_id == viewer.pk
    posts = Post.objects.visible_to(viewer).filter(pk=found.post_id)
    if viewer.is_authenticated and not viewer.is_staff:
        posts = posts.exclude(hidden_from(viewer, "author_id", mutes=False))
    return posts.exists()

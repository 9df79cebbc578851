"""Thin HTTP adapters for messages: the list of conversations, a conversation (its messages,
its box, its poll for new ones), starting one from a profile, and the navigation's count.

htmx: sending swaps the box for a fresh one and appends what is new (the sender's message and
anything that arrived meanwhile); the page polls for new messages every few seconds. Without
JavaScript every form posts and redirects, and the page can be reloaded."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import USERNAME_PATTERN, User
from conversations import selectors, services
from core.decorators import login_required
from core.paging import page_url
from core.query import form_id, parse_id_pair, query_id
from posts.forms import PostForm
from posts.templatetags.posts import compose_context


@require_GET
@login_required
def conversations(request):
    """/messages/: the conversations, unread first, then newest."""
    before = parse_id_pair(request.GET.get("before"))
    page = selectors.conversations_for(user=request.user, before=before)
    path = reverse("conversations:list")
    next_url = page_url(request, path, before=page.next_before) if page.next_before else ""
    context = {"members": page.items, "next_url": next_url}
    if request.htmx and before is not None:
        return render(request, "conversations/list.html#conversation-page", context)
    return render(request, "conversations/list.html", context)


def _member_or_404(request, pk: int):
    member = selectors.membership(user=request.user, conversation_id=pk)
    if member is None:
        raise Http404("No such conversation")
    return member


def _box(request, form, member=None, *, recipient=None):
    context = compose_context(form=form, user=request.user, htmx=True)
    context.update(form_id="message-form", member=member, recipient=recipient)
    return context


@require_http_methods(["GET", "POST"])
@login_required
def conversation(request, pk):
    """GET: the newest messages, oldest first, the box below them, and the poll; opening it
    marks it read. POST: send a message (htmx: a fresh box and the new messages)."""
    member = _member_or_404(request, pk)
    if request.method == "POST":
        return _send(request, member)
    before = query_id(request, "before")
    page = selectors.messages_page(conversation_id=pk, viewer=request.user, before=before)
    _read(request, member)
    context = _page_context(request, member, PostForm(), page)
    if request.htmx and before is not None:
        return render(request, "conversations/detail.html#earlier", context)
    return render(request, "conversations/detail.html", context)


def _newest(member, shown) -> int:
    """Where the poll starts: after the newest message filed when the page was read, or shown
    on it (one filed in between)."""
    return max([member.conversation.last_seq, *(post.seq for post in shown)])


def _read(request, member) -> None:
    """Mark the conversation read, and the navigation's count on this page with it."""
    if services.conversation_read(member=member):
        user = request.user
        user.unread_conversations = max(0, user.unread_conversations - 1)


def _send(request, member):
    form = PostForm(request.POST)
    after = form_id(request, "after") or 0
    if form.is_valid():
        try:
            services.message_send(
                sender=request.user,
                member=member,
                text=form.cleaned_data["text"],
                client_token=form.cleaned_data["client_token"],
            )
            form = PostForm()
        except ValidationError as error:
            _refused(form, error)
    if not request.htmx:
        if form.errors:
            return _page_with_errors(request, member, form)
        return redirect("conversations:detail", member.conversation_id)
    messages = []
    if not form.errors:
        messages = selectors.messages_after(
            conversation_id=member.conversation_id, viewer=request.user, after=after
        )
        _read(request, member)
    context = {
        **_box(request, form, member),
        "posts": messages,
        "newest_seq": messages[-1].seq if messages else after,
        "poll_seconds": settings.MESSAGES_POLL_SECONDS,
    }
    status = 422 if form.errors else 200
    return render(request, "conversations/partials/sent.html", context, status=status)


def _refused(form, error: ValidationError) -> None:
    """A refusal from the services, said beside the box: a message is all text."""
    form.add_error("text", error.messages)


def _page_with_errors(request, member, form):
    page = selectors.messages_page(conversation_id=member.conversation_id, viewer=request.user)
    context = _page_context(request, member, form, page)
    return render(request, "conversations/detail.html", context, status=422)


def _page_context(request, member, form, page) -> dict:
    """A conversation's page: `page` of its messages, the link to earlier ones, the box
    (`form`) and the poll."""
    earlier = page_url(request, request.path, before=page.next_before) if page.next_before else ""
    return {
        **_box(request, form, member),
        "posts": page.items,
        "earlier_url": earlier,
        "newest_seq": _newest(member, page.items),
        "poll_seconds": settings.MESSAGES_POLL_SECONDS,
    }


@require_GET
@login_required
def newer(request, pk):
    """The poll: messages numbered after ?after=, appended to the page (and the conversation
    marked read, since it is open); 204 when there are none, so the page keeps its poll."""
    member = _member_or_404(request, pk)
    after = query_id(request, "after") or 0
    messages = selectors.messages_after(conversation_id=pk, viewer=request.user, after=after)
    if not messages:
        return HttpResponse(status=204)
    _read(request, member)
    context = {
        "member": member,
        "posts": messages,
        "newest_seq": messages[-1].seq,
        "poll_seconds": settings.MESSAGES_POLL_SECONDS,
    }
    return render(request, "conversations/partials/newer.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def start(request):
    """/messages/new/?to=<username>: write to someone (a profile's Message button). With a
    conversation between the two already, its page instead. POST sends the first message and
    goes to the conversation."""
    name = request.POST.get("to") or request.GET.get("to") or ""
    recipient = None
    if re.fullmatch(USERNAME_PATTERN, name):  # anything else names nobody (and reaches no query)
        recipient = User.objects.visible().named(name).exclude(pk=request.user.pk).first()
    if recipient is None:
        raise Http404("No one to write to")
    if request.method == "GET":
        # The conversation of exactly these two: its key names both, so the person is in it.
        existing = selectors.conversation_between(people=[request.user, recipient])
        if existing is not None:
            return redirect("conversations:detail", existing.pk)
        return render(
            request, "conversations/start.html", _box(request, PostForm(), recipient=recipient)
        )
    form = PostForm(request.POST)
    if form.is_valid():
        try:
            post = services.message_start(
                sender=request.user,
                recipient=recipient,
                text=form.cleaned_data["text"],
                client_token=form.cleaned_data["client_token"],
            )
        except ValidationError as error:
            _refused(form, error)
        else:
            return redirect("conversations:detail", post.message.conversation_id)
    context = _box(request, form, recipient=recipient)
    return render(request, "conversations/start.html", context, status=422)


@require_GET
def unread_count(request):
    """The navigation's Messages count, polled; 204 for a signed-out browser."""
    if not request.user.is_authenticated:
        return HttpResponse(status=204)
    return render(request, "conversations/partials/unread_badge.html")

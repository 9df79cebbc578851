from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.models import User
from core.ratelimit import rate_limit
from moderation.forms import ReportForm
from moderation.services import report_create
from posts.models import Post

THANKS = "Thanks — a moderator will look at this."


def _next_url(request) -> str:
    """Where a plain (non-htmx) report goes back to: the page the person came from, if ours."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("home")


def _report(request, *, post=None, person=None):
    form = ReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                report_create(
                    reporter=request.user,
                    post=post,
                    user=person,
                    category=form.cleaned_data["category"],
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if request.htmx:
                    return render(request, "moderation/partials/report_thanks.html")
                messages.success(request, THANKS)
                return redirect(_next_url(request))
        status = 422
    if post is not None:
        action = reverse("moderation:report_post", args=[post.pk])
    else:
        action = reverse("moderation:report_user", args=[person.username])
    context = {
        "form": form,
        "post": post,
        "person": person,
        "action": action,
        "next": _next_url(request),
    }
    template = "moderation/partials/report_form.html" if request.htmx else "moderation/report.html"
    return render(request, template, context, status=status)


@login_required
@rate_limit("report")
def report_post(request, post_id):
    post = get_object_or_404(Post.objects.visible().select_related("author"), pk=post_id)
    return _report(request, post=post)


@login_required
@rate_limit("report")
def report_user(request, username):
    person = get_object_or_404(User.objects.active().named(username))
    return _report(request, person=person)

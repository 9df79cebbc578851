from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from accounts.models import User
from core.decorators import login_required
from core.responses import redirect_back, safe_next
from moderation.forms import ReportForm
from moderation.services import report_create
from posts.models import Post

THANKS = "Thanks — a moderator will look at this."


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
                return redirect_back(request, reverse("home"))
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
        "next": safe_next(request, reverse("home")),
    }
    template = "moderation/partials/report_form.html" if request.htmx else "moderation/report.html"
    return render(request, template, context, status=status)


@login_required
def report_post(request, post_id):
    post = get_object_or_404(
        Post.objects.readable_by(request.user).select_related("author"), pk=post_id
    )
    return _report(request, post=post)


@login_required
def report_user(request, username):
    person = get_object_or_404(User.objects.visible().named(username))
    return _report(request, person=person)

import csv
import json

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from accounts import selectors, services
from accounts.forms import DeleteAccountForm, LoginForm, ProfileForm, SignupForm
from accounts.models import Invite
from microblog.ratelimit import rate_limit

# Axes adds a backend; after sign-up we log the person in through ours explicitly.
LOGIN_BACKEND = "accounts.backends.UsernameOrEmailBackend"


def _invite_from(request) -> Invite | None:
    code = (request.POST.get("invite") or request.GET.get("invite") or "").strip()
    if not code:
        return None
    return Invite.objects.filter(code=code).first() or Invite(code=code, max_uses=0)


@require_http_methods(["GET", "POST"])
@rate_limit("signup")
def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    invite = _invite_from(request)
    allowed, reason = services.signup_allowed(invite=invite)
    form = SignupForm(request.POST or None)
    if allowed and request.method == "POST" and form.is_valid():
        try:
            user = services.user_signup(
                username=form.cleaned_data["username"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                invite=invite,
            )
        except services.SignupClosed as closed:
            allowed, reason = False, str(closed)
        else:
            login(request, user, backend=LOGIN_BACKEND)
            if user.awaiting_approval:
                return redirect("accounts:pending")
            messages.success(request, "Welcome! Tell people who you are: fill in your profile.")
            return redirect("accounts:settings_profile")
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "allowed": allowed, "reason": reason, "invite": invite}
    return render(request, "accounts/signup.html", context, status=status)


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 422
        return response


login_view = rate_limit("login")(LoginView.as_view())


def login_locked_out(request, response=None, credentials=None):
    """django-axes calls this when an address or account has failed to log in too often."""
    form = LoginForm(request, initial={"username": (credentials or {}).get("username", "")})
    context = {"form": form, "locked_out": True, "next": request.POST.get("next", "")}
    return render(request, "accounts/login.html", context, status=429)


@login_required
def pending(request):
    if not request.user.awaiting_approval:
        return redirect("home")
    return render(request, "accounts/pending.html")


@vary_on_headers("HX-Request")
def profile(request, username):
    viewer = request.user if request.user.is_authenticated else None
    try:
        person = selectors.profile_people(viewer=viewer).get(username__iexact=username)
    except selectors.User.DoesNotExist:
        raise Http404("No such person") from None
    if person.username != username and not request.htmx:
        return redirect("accounts:profile", username=person.username, permanent=True)
    before = request.GET.get("before")
    before = int(before) if before and before.isdigit() else None
    posts, next_before = ([], None)
    if not person.is_suspended:
        posts, next_before = selectors.profile_posts(person=person, viewer=viewer, before=before)
    context = {
        "person": person,
        "posts": posts,
        "next_before": next_before,
        "is_own_profile": viewer is not None and viewer.pk == person.pk,
    }
    if request.htmx and before is not None:
        return render(request, "accounts/profile.html#posts-page", context)
    return render(request, "accounts/profile.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def settings_profile(request):
    template = "accounts/settings_profile.html"
    if request.htmx:
        template += "#profile-form"
    form = ProfileForm(request.POST or None, request.FILES or None, instance=request.user)
    if request.method == "POST":
        if form.is_valid():
            fields = {name: form.cleaned_data[name] for name in ProfileForm.Meta.fields}
            services.profile_update(
                user=request.user,
                fields=fields,
                avatar_images=form.avatar_images,
                remove_avatar=form.cleaned_data.get("avatar_remove", False),
            )
            if request.htmx:
                form = ProfileForm(instance=request.user)
                return render(request, template, {"form": form, "saved": True})
            messages.success(request, "Your profile is saved.")
            return redirect("accounts:settings_profile")
        # The form was bound to request.user and changed it in memory; show the saved values
        # everywhere but in the form, which keeps what was typed.
        request.user.refresh_from_db()
        return render(request, template, {"form": form}, status=422)
    return render(request, template, {"form": form})


@login_required
def data(request):
    return render(
        request, "accounts/settings_data.html", {"form": DeleteAccountForm(user=request.user)}
    )


@login_required
def export_json(request):
    payload = selectors.user_export(user=request.user)
    response = HttpResponse(
        json.dumps(payload, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = _attachment(request, "json")
    return response


@login_required
def export_csv(request):
    payload = selectors.user_export(user=request.user)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = _attachment(request, "csv")
    writer = csv.writer(response)
    writer.writerow(
        ["id", "created_at", "text", "in_reply_to", "repost_of", "removed_by_moderator"]
    )
    for post in payload["posts"]:
        writer.writerow(
            [
                post["id"],
                post["created_at"],
                # Spreadsheets run cells that start with = + - @ as formulas; a quote stops that.
                _csv_safe(post["text"]),
                post["in_reply_to"] or "",
                post["repost_of"] or "",
                "yes" if post["removed_by_moderator"] else "no",
            ]
        )
    return response


def _csv_safe(text: str) -> str:
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _attachment(request, extension: str) -> str:
    stamp = timezone.now().strftime("%Y-%m-%d")
    return f'attachment; filename="{request.user.username}-{stamp}.{extension}"'


@login_required
@require_http_methods(["POST"])
def delete_account(request):
    form = DeleteAccountForm(request.POST, user=request.user)
    if not form.is_valid():
        return render(request, "accounts/settings_data.html", {"form": form}, status=422)
    user = request.user
    logout(request)
    services.user_delete(user=user)
    messages.success(request, "Your account and everything in it are deleted. Goodbye!")
    return redirect("home")


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


password_reset = rate_limit("password_reset")(PasswordResetView.as_view())


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


def me(request):
    """A stable link to "my profile" for the navigation."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('accounts:login')}?next=/me/")
    return redirect("accounts:profile", username=request.user.username)


@login_required
def settings_index(request):
    return redirect("accounts:settings_profile")

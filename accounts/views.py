import csv
import json
import shutil
import tempfile
import zipfile

from django.contrib import messages
from django.contrib.auth import login, logout
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from accounts import selectors, services
from accounts.forms import CreditForm, DeleteAccountForm, PrivacyForm, ProfileForm, SignupForm
from accounts.models import Invite
from core.decorators import login_required
from core.paging import next_page_url
from core.query import form_id, query_id
from core.ratelimit import client_ip, rate_limit_hit
from core.responses import flash, is_fragment, redirect_back, safe_next

# Axes adds a backend; after sign-up we log the person in through ours explicitly.
LOGIN_BACKEND = "accounts.backends.UsernameOrEmailBackend"


def _invite_from(request) -> Invite | None:
    """The invite the link or form names; an unknown code is an invite with no uses left, so
    the page says the link is spent rather than nothing at all."""
    code = (request.POST.get("invite") or request.GET.get("invite") or "").strip()
    if not code:
        return None
    return Invite.objects.with_code(code) or Invite(code=code, max_uses=0)


@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
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
                address=client_ip(request),
                invite=invite,
            )
        except services.SignupClosed as closed:
            allowed, reason = False, str(closed)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            login(request, user, backend=LOGIN_BACKEND)
            if user.awaiting_approval:
                return redirect("accounts:pending")
            messages.success(request, "Welcome! Tell people who you are: fill in your profile.")
            return redirect("accounts:settings_profile")
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "allowed": allowed, "reason": reason, "invite": invite}
    return render(request, "accounts/signup.html", context, status=status)


@login_required
def pending(request):
    if not request.user.awaiting_approval:
        return redirect("home")
    return render(request, "accounts/pending.html")


@vary_on_headers("HX-Request")
def profile(request, username):
    viewer = request.user if request.user.is_authenticated else None
    person = selectors.profile_person(username=username, viewer=viewer)
    if person is None:
        raise Http404("No such person")
    if person.username != username and not request.htmx:
        return redirect("accounts:profile", username=person.username, permanent=True)
    before = query_id(request, "before")
    posts, next_url, pinned = [], "", []
    roles = list(person.roles.all()) if person.has_roles else []
    credits = list(person.credits.all()) if person.has_credits else []
    if not person.is_suspended:
        if before is None and person.has_pins:
            pinned = selectors.profile_pinned(person=person, viewer=viewer)
        page = selectors.profile_posts(person=person, viewer=viewer, before=before)
        path = reverse("accounts:profile", args=[person.username])
        posts, next_url = page.items, next_page_url(request, path, page)
    context = {
        "person": person,
        "posts": posts,
        "pinned": pinned,
        "roles": roles,
        "credits": credits,
        "next_url": next_url,
        "is_own_profile": viewer is not None and viewer.pk == person.pk,
    }
    if is_fragment(request) and before is not None:
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
                profile_url=request.build_absolute_uri(
                    reverse("accounts:profile", args=[request.user.username])
                ),
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
@require_http_methods(["GET", "POST"])
def settings_privacy(request):
    """Default visibility, approving followers, who may message you, being discoverable. htmx
    swaps the section; without JavaScript a redirect, or the page with the errors beside the
    fields (422)."""
    form = PrivacyForm(request.POST or None, instance=request.user)
    context = {"form": form}
    template = "accounts/settings_privacy.html" + ("#privacy" if request.htmx else "")
    if request.method == "POST":
        if not form.is_valid():
            request.user.refresh_from_db()  # the bound form changed it in memory
            return render(request, template, context, status=422)
        fields = {name: form.cleaned_data[name] for name in PrivacyForm.Meta.fields}
        services.privacy_update(user=request.user, fields=fields)
        if not request.htmx:
            messages.success(request, "Your privacy settings are saved.")
            return redirect("accounts:privacy")
        context = {"form": PrivacyForm(instance=request.user), "saved": True}
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def settings_credits(request):
    """Your credits: the list, each with Remove, and a form adding one. htmx swaps the section;
    without JavaScript the page comes back (422 with the errors beside the fields)."""
    form = CreditForm()
    status = 200
    if request.method == "POST":
        removed = form_id(request, "remove")
        if removed is not None:
            services.credit_delete(user=request.user, credit_id=removed)
        else:
            form = CreditForm(request.POST)
            if form.is_valid():
                try:
                    services.credit_create(user=request.user, **form.cleaned_data)
                    form = CreditForm()
                except ValidationError as error:
                    form.add_error(None, error)  # by field, or for the form (too many)
            if form.errors:
                status = 422
        if not request.htmx and status == 200:
            return redirect("accounts:credits")
    context = {"form": form, "credits": request.user.credits.all()}
    template = "accounts/settings_credits.html"
    return render(request, template + ("#credits" if request.htmx else ""), context, status=status)


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


@require_GET
@login_required
def export_zip(request):
    """Everything in one zip: export.json and the media files of the person's posts, read from
    storage (the filesystem or the bucket) one by one into a temporary file (on disk past
    10 MB), never all in memory. Limited by RATE_LIMIT_EXPORT: each one reads every file."""
    rate_limit_hit(scope="export", key=f"user:{request.user.pk}")
    payload = selectors.user_export(user=request.user)
    # Closed by FileResponse once sent.
    archive = tempfile.SpooledTemporaryFile(max_size=10 * 1024 * 1024)  # noqa: SIM115
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        text = json.dumps(payload, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
        bundle.writestr("export.json", text)
        rows = request.user.attachments.filter(post__isnull=False).values_list(
            "post_id", "position", "file"
        )
        for post_id, position, name in rows:
            inside = selectors.export_media_name(post_id, position, name)
            try:
                with default_storage.open(name, "rb") as source, bundle.open(inside, "w") as out:
                    shutil.copyfileobj(source, out, 1024 * 1024)
            except FileNotFoundError:
                continue  # a file lost from storage: the rest of the export still comes
    archive.seek(0)
    response = FileResponse(archive, content_type="application/zip")
    response["Content-Disposition"] = _attachment(request, "zip")
    return response


@login_required
def export_csv(request):
    payload = selectors.user_export(user=request.user)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = _attachment(request, "csv")
    writer = csv.writer(response)
    writer.writerow(
        [
            "id",
            "created_at",
            "text",
            "visibility",
            "in_reply_to",
            "repost_of",
            "removed_by_moderator",
        ]
    )
    for post in payload["posts"]:
        writer.writerow(
            [
                post["id"],
                post["created_at"],
                # Spreadsheets run cells that start with = + - @ as formulas; a quote stops that.
                _csv_safe(post["text"]),
                post["visibility"],
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


@sensitive_post_parameters("password")
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


@login_required
def me(request):
    """A stable link to "my profile" for the navigation."""
    return redirect("accounts:profile", username=request.user.username)


@login_required
def settings_index(request):
    return redirect("accounts:settings_profile")


# --- blocks and mutes ---------------------------------------------------------------------------


_RELATIONSHIP_CHANGES = {
    # action: (service, keyword names (me, them), message after a plain POST)
    "block": (services.block_create, ("blocker", "blocked"), "You blocked {name}."),
    "unblock": (services.block_delete, ("blocker", "blocked"), "You unblocked {name}."),
    "mute": (services.mute_create, ("muter", "muted"), "You muted {name}."),
    "unmute": (services.mute_delete, ("muter", "muted"), "You unmuted {name}."),
}


def _relationship_change(request, username: str, action: str):
    """Block, unblock, mute or unmute `username`, from a profile or the settings page.

    htmx gets back the fragment the button was in: the profile's action buttons, or the
    settings page's lists (when the form says from=settings). A plain POST redirects back.
    """
    person = get_object_or_404(selectors.profile_people(viewer=request.user).named(username))
    service, (me, them), done = _RELATIONSHIP_CHANGES[action]
    profile_url = reverse("accounts:profile", args=[person.username])
    try:
        service(**{me: request.user, them: person})
    except ValidationError as error:
        return flash(request, error.messages[0], status=422, fallback=profile_url)
    if not request.htmx:
        messages.success(request, done.format(name=person.name))
        return redirect_back(request, profile_url)
    if request.POST.get("from") == "settings":
        return _blocks_page(request, fragment=True)
    person = selectors.profile_people(viewer=request.user).get(pk=person.pk)
    context = {"person": person, "is_own_profile": False, "next": request.POST.get("next", "")}
    return render(request, "accounts/partials/profile_actions.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def block(request, username):
    """GET: "Block this person?" (the confirmation for people without JavaScript; htmx asks
    with hx-confirm). POST: block."""
    if request.method == "GET":
        person = get_object_or_404(selectors.profile_people(viewer=request.user).named(username))
        next_url = safe_next(request, reverse("accounts:profile", args=[person.username]))
        return render(request, "accounts/block_confirm.html", {"person": person, "next": next_url})
    return _relationship_change(request, username, "block")


@require_http_methods(["POST"])
@login_required
def unblock(request, username):
    return _relationship_change(request, username, "unblock")


@require_http_methods(["POST"])
@login_required
def mute(request, username):
    return _relationship_change(request, username, "mute")


@require_http_methods(["POST"])
@login_required
def unmute(request, username):
    return _relationship_change(request, username, "unmute")


def _blocks_page(request, *, fragment: bool):
    blocks, mutes = selectors.blocks_and_mutes(user=request.user)
    template = "accounts/settings_blocks.html"
    if fragment:
        template += "#lists"
    return render(request, template, {"blocks": blocks, "mutes": mutes})


@login_required
@vary_on_headers("HX-Request")
def settings_blocks(request):
    """/settings/blocks/: the people you block and mute, each with a button to undo it."""
    return _blocks_page(request, fragment=False)

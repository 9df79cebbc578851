"""The permission walker: every URL pattern of the project, as every kind of person.

The patterns come from Django's URL resolver, walked recursively, so a view added anywhere shows up
here; a pattern without an entry in ROUTES fails `test_every_url_pattern_has_an_expectation` with
the line to add. For each pattern and each role the walker checks that
- a GET answers as the table says (page, login redirect, 403/404, 405) and changes nothing in the
  database (every row of every model is compared before and after; the few GETs that change state
  by design say which model and why in `changes_on_get`);
- a POST, plain and htmx, is refused where it must be (anonymous: login; someone else's resource:
  403/404; a suspended person: their session has ended, so login) and, when refused, changes
  nothing; POSTs to pages that take none change nothing either;
- with CSRF checks enforced, a POST without the token is refused with 403, htmx ones included.
Django's admin is one entry here, walked separately (index, and each model's changelist, add and
change pages) by `test_admin_pages_by_role`.

Run with `-s` to see the figures (patterns walked, checks per role).
"""

import html
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp_webauthn.models import WebAuthnCredential

from accounts import avatars
from api import oauth as api_oauth
from conversations import services as conversation_services
from core.tasks import queued_in_redis
from posts import services as post_services
from posts.models import Notification
from security import services as security_services
from security.models import EmailChange, SignedInSession
from tests.accounts.images import image_upload
from tests.api.conftest import token_for
from tests.factories import IndustryFactory, UserFactory, post_published

ANONYMOUS, OTHER, SUSPENDED, MODERATOR, ADMIN = (
    "anonymous",
    "another user",
    "suspended user",
    "moderator",
    "admin",
)
ROLES = (ANONYMOUS, OTHER, SUSPENDED, MODERATOR, ADMIN)
SIGNED_IN = (OTHER, MODERATOR, ADMIN)

# What a response means to the person who sent the request.
OK = frozenset({"ok"})  # a page, a fragment, 204, a redirect elsewhere than the login page
LOGIN = frozenset({"login"})  # sent to log in (302, or HX-Redirect for htmx)
DENIED = frozenset({"denied"})  # 403 or 404
NOT_ALLOWED = frozenset({"not allowed"})  # 405
REFUSED = LOGIN | DENIED | NOT_ALLOWED
ANY_BUT_ERROR = frozenset({"ok", "login", "denied", "not allowed", "rate limited"})

# How each role is answered by the usual kinds of URL. A suspended person's session ends with the
# suspension, so they are answered as a visitor.
PUBLIC = dict.fromkeys(ROLES, OK)
MEMBERS = {ANONYMOUS: LOGIN, SUSPENDED: LOGIN, **dict.fromkeys(SIGNED_IN, OK)}
POST_ONLY = dict.fromkeys(ROLES, NOT_ALLOWED)
# The POST answer of a URL that takes GET alone, where the view says so (405).
GET_ONLY = dict.fromkeys(ROLES, NOT_ALLOWED)
# A POST that acts as the person sending it (post, follow, like, edit my profile).
OWN_WRITE = {ANONYMOUS: LOGIN, SUSPENDED: LOGIN, **dict.fromkeys(SIGNED_IN, OK)}
# A POST on someone else's resource (the target's post): only its owner may, so everyone here
# (staff included; moderators remove posts in the admin) is refused.
OWNER_ONLY = {ANONYMOUS: LOGIN, SUSPENDED: LOGIN, **dict.fromkeys(SIGNED_IN, DENIED)}
# Forms for visitors (sign up, log in, reset a password): anyone may send them.
OPEN_FORM = dict.fromkeys(ROLES, OK)

NOTIFICATIONS_READ = (
    "opening /notifications/ marks the notifications it shows as read, as in Mastodon and Twitter"
)
SITE_SETTINGS_ROW = (
    "the sign-up page reads the site settings, whose single row is made with its defaults the "
    "first time anything reads it"
)
RESET_TOKEN_IN_SESSION = (
    "Django's reset-confirm view moves the token from the URL into the session and redirects, so "
    "the token cannot leak through the Referer header"
)


# Changes a role's requests make by design, whatever the URL.
ROLE_CHANGES = {
    SUSPENDED: {
        "sessions.Session": "a suspended person's session ends on their next request for a page "
        "(moderation.middleware.EndSuspendedSessionsMiddleware)",
        "security.SignedInSession": "and leaves the list of signed-in sessions with it",
    }
}


@dataclass
class Fixtures:
    target: object  # the person whose resources the others act on
    post: object  # the target's post
    industry: object
    tag: str
    avatar: str
    uid: str
    token: str
    session: object  # a signed-in session of the target's
    key: object  # a security key of the target's
    email_token: str  # the link that confirms the target's new email address
    picture: object  # a picture on a post of the target's
    conversation: object  # the target's conversation with someone else
    app: object  # an app the target authorized (holding a token of theirs)


@dataclass
class Route:
    url: Callable[[Fixtures], str]
    get: dict
    post: dict | None = None  # None: the URL takes no POST, which must then change nothing
    changes_on_get: dict[str, str] = field(default_factory=dict)  # model label: reason


ROUTES: dict[str, Route] = {
    "home": Route(lambda f: "/", PUBLIC),
    "healthz": Route(lambda f: "/healthz", PUBLIC),
    # Nobody may read the metrics unless METRICS_ALLOWED says so (tests/core/test_metrics.py).
    "metrics": Route(lambda f: "/metrics", dict.fromkeys(ROLES, DENIED)),
    "favicon.ico": Route(lambda f: "/favicon.ico", PUBLIC),
    "media": Route(lambda f: f"/media/{f.avatar}", PUBLIC),
    "accounts:signup": Route(
        lambda f: reverse("accounts:signup"),
        PUBLIC,
        OPEN_FORM,
        changes_on_get={"accounts.SiteSettings": SITE_SETTINGS_ROW},
    ),
    "security:login": Route(lambda f: reverse("security:login"), PUBLIC, OPEN_FORM),
    # The second step of signing in: without a password checked first, back to the first.
    "security:login_verify": Route(
        lambda f: reverse("security:login_verify"),
        {ANONYMOUS: LOGIN, SUSPENDED: LOGIN, **dict.fromkeys(SIGNED_IN, OK)},
        {ANONYMOUS: LOGIN, SUSPENDED: LOGIN, **dict.fromkeys(SIGNED_IN, OK)},
    ),
    "security:settings": Route(lambda f: reverse("security:settings"), MEMBERS),
    "security:password_confirm": Route(
        lambda f: reverse("security:password_confirm"), POST_ONLY, OWN_WRITE
    ),
    "security:totp_begin": Route(lambda f: reverse("security:totp_begin"), POST_ONLY, OWN_WRITE),
    # Without a setup begun, the page sends you back to the security settings.
    "security:totp_setup": Route(lambda f: reverse("security:totp_setup"), MEMBERS, OWN_WRITE),
    "security:recovery_codes": Route(
        lambda f: reverse("security:recovery_codes"), POST_ONLY, OWN_WRITE
    ),
    "security:two_factor_off": Route(
        lambda f: reverse("security:two_factor_off"), POST_ONLY, OWN_WRITE
    ),
    # The target's own session: nobody else may log it out (404, as if it did not exist).
    "security:session_logout": Route(
        lambda f: reverse("security:session_logout", args=[f.session.pk]),
        POST_ONLY,
        OWNER_ONLY,
    ),
    # Removing a key (after the password) is its owner's alone.
    "security:key_remove": Route(
        lambda f: reverse("security:key_remove", args=[f.key.pk]), OWNER_ONLY, OWNER_ONLY
    ),
    # Security keys (django-otp-webauthn's JSON endpoints, POST only): registering needs a
    # signed-in person who typed their password lately (else a JSON refusal, 403, for all the
    # walker's roles); signing in may be begun by anyone, and not completed without a ceremony
    # begun (a JSON 400, "ok" to the walker: no page, no login).
    "otp_webauthn:credential-registration-begin": Route(
        lambda f: reverse("otp_webauthn:credential-registration-begin"),
        dict.fromkeys(ROLES, DENIED),
        dict.fromkeys(ROLES, DENIED),
    ),
    "otp_webauthn:credential-registration-complete": Route(
        lambda f: reverse("otp_webauthn:credential-registration-complete"),
        dict.fromkeys(ROLES, DENIED),
        dict.fromkeys(ROLES, DENIED),
    ),
    "otp_webauthn:credential-authentication-begin": Route(
        lambda f: reverse("otp_webauthn:credential-authentication-begin"), POST_ONLY, OPEN_FORM
    ),
    "otp_webauthn:credential-authentication-complete": Route(
        lambda f: reverse("otp_webauthn:credential-authentication-complete"),
        POST_ONLY,
        OPEN_FORM,
    ),
    "otp_webauthn:js-i18n-catalog": Route(
        lambda f: reverse("otp_webauthn:js-i18n-catalog"), PUBLIC
    ),
    "security:email": Route(lambda f: reverse("security:email"), MEMBERS, OWN_WRITE),
    "security:email_cancel": Route(
        lambda f: reverse("security:email_cancel"), POST_ONLY, OWN_WRITE
    ),
    # The link sent to the target's new address works for whoever has it (only its owner was
    # sent it), once: a second POST finds it used.
    "security:email_confirm": Route(
        lambda f: reverse("security:email_confirm", args=[f.email_token]),
        PUBLIC,
        dict.fromkeys(ROLES, OK | DENIED),
    ),
    "security:sessions_logout_others": Route(
        lambda f: reverse("security:sessions_logout_others"), POST_ONLY, OWN_WRITE
    ),
    # Logging out is POST only (Django 5+); anyone may, a visitor too.
    "security:logout": Route(lambda f: reverse("security:logout"), POST_ONLY, OPEN_FORM),
    "accounts:pending": Route(lambda f: reverse("accounts:pending"), MEMBERS),
    "security:password_reset": Route(
        lambda f: reverse("security:password_reset"), PUBLIC, OPEN_FORM
    ),
    "security:password_reset_done": Route(
        lambda f: reverse("security:password_reset_done"), PUBLIC
    ),
    # The link from the email is the credential: whoever holds it may set a new password.
    "security:password_reset_confirm": Route(
        lambda f: reverse("security:password_reset_confirm", args=[f.uid, f.token]),
        PUBLIC,
        OPEN_FORM,
        changes_on_get={"sessions.Session": RESET_TOKEN_IN_SESSION},
    ),
    "security:password_reset_complete": Route(
        lambda f: reverse("security:password_reset_complete"), PUBLIC
    ),
    "accounts:settings": Route(lambda f: reverse("accounts:settings"), MEMBERS),
    "accounts:settings_profile": Route(
        lambda f: reverse("accounts:settings_profile"), MEMBERS, OWN_WRITE
    ),
    "security:password_change": Route(
        lambda f: reverse("security:password_change"), MEMBERS, OWN_WRITE
    ),
    "security:password_change_done": Route(
        lambda f: reverse("security:password_change_done"), MEMBERS
    ),
    "accounts:credits": Route(lambda f: reverse("accounts:credits"), MEMBERS, OWN_WRITE),
    "accounts:privacy": Route(lambda f: reverse("accounts:privacy"), MEMBERS, OWN_WRITE),
    "accounts:data": Route(lambda f: reverse("accounts:data"), MEMBERS),
    "accounts:export_json": Route(lambda f: reverse("accounts:export_json"), MEMBERS),
    "accounts:export_csv": Route(lambda f: reverse("accounts:export_csv"), MEMBERS),
    "accounts:export_zip": Route(
        lambda f: reverse("accounts:export_zip"),
        MEMBERS,
        changes_on_get={"core.RateLimitWindow": "each zip export counts against RATE_LIMIT_EXPORT"},
    ),
    # Deleting your account is POST only; the walker sends no password, so it is refused (422).
    "accounts:delete": Route(
        lambda f: reverse("accounts:delete"),
        {ANONYMOUS: LOGIN, SUSPENDED: LOGIN, **dict.fromkeys(SIGNED_IN, NOT_ALLOWED)},
        OWN_WRITE,
    ),
    "accounts:me": Route(lambda f: reverse("accounts:me"), MEMBERS),
    "accounts:blocks": Route(lambda f: reverse("accounts:blocks"), MEMBERS),
    # OAuth's consent page; without an app's request it says the request is not valid.
    "api:authorize": Route(lambda f: reverse("api:authorize"), MEMBERS, OWN_WRITE),
    "api:settings_apps": Route(lambda f: reverse("api:settings_apps"), MEMBERS),
    "api:settings_app_revoke": Route(
        lambda f: reverse("api:settings_app_revoke", args=[f.app.pk]), POST_ONLY, OWNER_ONLY
    ),
    # GET is the block confirmation page for people without JavaScript.
    "accounts:block": Route(
        lambda f: reverse("accounts:block", args=[f.target.username]), MEMBERS, OWN_WRITE
    ),
    "accounts:unblock": Route(
        lambda f: reverse("accounts:unblock", args=[f.target.username]), POST_ONLY, OWN_WRITE
    ),
    "accounts:mute": Route(
        lambda f: reverse("accounts:mute", args=[f.target.username]), POST_ONLY, OWN_WRITE
    ),
    "accounts:unmute": Route(
        lambda f: reverse("accounts:unmute", args=[f.target.username]), POST_ONLY, OWN_WRITE
    ),
    "accounts:profile": Route(
        lambda f: reverse("accounts:profile", args=[f.target.username]), PUBLIC
    ),
    "posts:create": Route(lambda f: reverse("posts:create"), MEMBERS, OWN_WRITE),
    "posts:detail": Route(
        lambda f: reverse("posts:detail", args=[f.target.username, f.post.pk]), PUBLIC
    ),
    "posts:reply": Route(lambda f: reverse("posts:reply", args=[f.post.pk]), MEMBERS),
    # "Delete this post?" is the author's alone, as a page and as an action.
    "posts:delete": Route(
        lambda f: reverse("posts:delete", args=[f.post.pk]),
        {ANONYMOUS: LOGIN, SUSPENDED: LOGIN, **dict.fromkeys(SIGNED_IN, DENIED)},
        OWNER_ONLY,
    ),
    "posts:like": Route(lambda f: reverse("posts:like", args=[f.post.pk]), POST_ONLY, OWN_WRITE),
    "posts:repost": Route(
        lambda f: reverse("posts:repost", args=[f.post.pk]), POST_ONLY, OWN_WRITE
    ),
    "posts:pin": Route(
        lambda f: reverse("posts:pin", args=[f.post.pk]),
        {ANONYMOUS: LOGIN, SUSPENDED: LOGIN, **dict.fromkeys(SIGNED_IN, DENIED)},
        OWNER_ONLY,
    ),
    "posts:tag": Route(lambda f: reverse("posts:tag", args=[f.tag]), PUBLIC),
    # Feeds of public posts, the same for everyone (which posts: tests/posts/test_feeds.py).
    "posts:profile_rss": Route(
        lambda f: reverse("posts:profile_rss", args=[f.target.username]), PUBLIC, GET_ONLY
    ),
    "posts:profile_atom": Route(
        lambda f: reverse("posts:profile_atom", args=[f.target.username]), PUBLIC, GET_ONLY
    ),
    "posts:tag_rss": Route(lambda f: reverse("posts:tag_rss", args=[f.tag]), PUBLIC, GET_ONLY),
    "posts:tag_atom": Route(lambda f: reverse("posts:tag_atom", args=[f.tag]), PUBLIC, GET_ONLY),
    "posts:industry_rss": Route(
        lambda f: reverse("posts:industry_rss", args=[f.industry.slug]), PUBLIC, GET_ONLY
    ),
    "posts:industry_atom": Route(
        lambda f: reverse("posts:industry_atom", args=[f.industry.slug]), PUBLIC, GET_ONLY
    ),
    "posts:notifications": Route(
        lambda f: reverse("posts:notifications"),
        MEMBERS,
        changes_on_get={"posts.Notification": NOTIFICATIONS_READ},
    ),
    "posts:unread_count": Route(lambda f: reverse("posts:unread_count"), PUBLIC),
    # A picture on a post anyone may see (who may not: tests/posts/test_attachments.py).
    "posts:attachment": Route(lambda f: reverse("posts:attachment", args=[f.picture.pk]), PUBLIC),
    "posts:attachment_preview": Route(
        lambda f: reverse("posts:attachment_preview", args=[f.picture.pk]), PUBLIC
    ),
    "posts:attachment_view": Route(
        lambda f: reverse("posts:attachment_view", args=[f.picture.pk]), PUBLIC
    ),
    "conversations:list": Route(lambda f: reverse("conversations:list"), MEMBERS),
    # The walker's people are in no conversation of the target's: 404, page and poll alike.
    "conversations:detail": Route(
        lambda f: reverse("conversations:detail", args=[f.conversation.pk]),
        {ANONYMOUS: LOGIN, SUSPENDED: LOGIN, **dict.fromkeys(SIGNED_IN, DENIED)},
        OWNER_ONLY,
    ),
    "conversations:newer": Route(
        lambda f: reverse("conversations:newer", args=[f.conversation.pk]) + "?after=0",
        {ANONYMOUS: LOGIN, SUSPENDED: LOGIN, **dict.fromkeys(SIGNED_IN, DENIED)},
    ),
    # Writing to the target: the page, and a POST without text refused beside the box (422).
    "conversations:start": Route(
        lambda f: reverse("conversations:start") + f"?to={f.target.username}", MEMBERS, OWN_WRITE
    ),
    "conversations:unread_count": Route(lambda f: reverse("conversations:unread_count"), PUBLIC),
    # Searching by the post's hashtag and a word of it (not by the visibility walker's secret
    # word, which the page would echo): only those who may find a post see its secret there
    # (which posts each finds: tests/search/test_hidden.py).
    "search:search": Route(
        lambda f: reverse("search:search") + f"?q=%23{f.tag}+for",
        PUBLIC,
        GET_ONLY,
        changes_on_get={"core.RateLimitWindow": "each search counts against RATE_LIMIT_SEARCH"},
    ),
    "follows:home_new": Route(lambda f: reverse("follows:home_new") + "?after=1", MEMBERS),
    "follows:home_newer": Route(lambda f: reverse("follows:home_newer") + "?after=1", MEMBERS),
    "follows:public": Route(lambda f: reverse("follows:public"), PUBLIC),
    "follows:people": Route(lambda f: reverse("follows:people") + "?q=mix", PUBLIC),
    "follows:suggested": Route(lambda f: reverse("follows:suggested"), MEMBERS),
    "follows:industries": Route(lambda f: reverse("follows:industries"), PUBLIC),
    "follows:industry": Route(
        lambda f: reverse("follows:industry", args=[f.industry.slug]), PUBLIC
    ),
    "follows:requests": Route(lambda f: reverse("follows:requests"), MEMBERS),
    # Answering is for the person asked: nobody here was asked by the target (404).
    "follows:request_accept": Route(
        lambda f: reverse("follows:request_accept", args=[f.target.username]),
        POST_ONLY,
        OWNER_ONLY,
    ),
    "follows:request_reject": Route(
        lambda f: reverse("follows:request_reject", args=[f.target.username]),
        POST_ONLY,
        OWNER_ONLY,
    ),
    "follows:follow": Route(
        lambda f: reverse("follows:follow", args=[f.target.username]), POST_ONLY, OWN_WRITE
    ),
    "follows:unfollow": Route(
        lambda f: reverse("follows:unfollow", args=[f.target.username]), POST_ONLY, OWN_WRITE
    ),
    "follows:followers": Route(
        lambda f: reverse("follows:followers", args=[f.target.username]), PUBLIC
    ),
    "follows:following": Route(
        lambda f: reverse("follows:following", args=[f.target.username]), PUBLIC
    ),
    # Reporting is something a signed-in person does as themselves (rate limited).
    "moderation:report_post": Route(
        lambda f: reverse("moderation:report_post", args=[f.post.pk]), MEMBERS, OWN_WRITE
    ),
    "moderation:report_user": Route(
        lambda f: reverse("moderation:report_user", args=[f.target.username]), MEMBERS, OWN_WRITE
    ),
    # The admin's login is the site's (two steps), whoever asks.
    # The admin's password change is the site's own page, for everyone (which then asks a
    # visitor to log in).
    "admin/password_change/": Route(lambda f: "/admin/password_change/", PUBLIC, OPEN_FORM),
    "admin/login/": Route(
        lambda f: "/admin/login/?next=/admin/",
        dict.fromkeys(ROLES, LOGIN),
        dict.fromkeys(ROLES, LOGIN),
    ),
    # Django's admin: walked page by page in test_admin_pages_by_role.
    "admin/": Route(lambda f: "/admin/", {}),
    # The client API: a bearer token, never the session cookie, so no CSRF check; walked as
    # every role, method and hostile parameter by tests/api/test_every_endpoint.py.
    "api/": Route(lambda f: "/api/v1/instance", {}),
}
# Entries walked by tests of their own rather than page by page here.
WALKED_ELSEWHERE = frozenset({"admin/", "api/"})


def url_patterns(resolver=None, prefix: str = "", namespace: str = ""):
    """(key, route) for every pattern under `resolver`: "namespace:name", or the route when the
    pattern has no name; the admin site is one entry, "admin/", and the client API's
    token-authenticated views another, "api/" (walked by tests/api/test_every_endpoint.py)."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":
                yield "admin/", route
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_patterns(pattern, route, inner)
        elif isinstance(pattern, URLPattern):
            if namespace == "api:" and getattr(pattern.callback, "csrf_exempt", False):
                # The API's token-authenticated views (JSON; no cookie, so no CSRF check). Its
                # pages for people (the consent page, the settings list) are walked here.
                yield "api/", route
                continue
            yield (f"{namespace}{pattern.name}" if pattern.name else route), route


# Figures for the closing note, filled as the tests run and printed by the last test.
SUMMARY: dict = {"patterns": 0, "checks": Counter(), "csrf": Counter(), "admin pages": Counter()}


def test_every_url_pattern_has_an_expectation():
    found = dict(url_patterns())
    missing = [f"{key!r} ({route})" for key, route in found.items() if key not in ROUTES]
    assert not missing, (
        "These URL patterns have no entry in ROUTES of tests/security/test_permissions.py; add "
        "one for each, saying who may GET and POST it: " + ", ".join(missing)
    )
    stale = sorted(set(ROUTES) - set(found))
    assert not stale, f"ROUTES lists patterns that no longer exist: {stale}"
    SUMMARY["patterns"] = len(found)


# --- fixtures -------------------------------------------------------------------------------


@pytest.fixture
def fixtures(db) -> Fixtures:
    industry = IndustryFactory(name="Sound design", slug="sound-design")
    target = UserFactory(username="target", industry=industry, location="Berlin")
    large, small = avatars.avatar_images(image_upload("PNG"))
    target.avatar, target.avatar_thumbnail = avatars.avatar_files_save(
        avatar=large, thumbnail=small
    )
    target.save()
    post = post_published(target, "Mixing the #foley for a short film")
    post_services.post_create(author=UserFactory(), text="@target nice work", in_reply_to=post)
    picture = post_services.attachment_create(owner=target, upload=image_upload("PNG"))
    post_services.post_create(author=target, text="The desk", media=[(picture.pk, "A desk")])
    conversation = conversation_services.message_start(
        sender=target, recipient=UserFactory(), text="Between the two of us"
    ).message.conversation
    app, _secret = api_oauth.client_app_create(
        name="Sound Desk", redirect_uris=["urn:ietf:wg:oauth:2.0:oob"], scopes=["read"], website=""
    )
    token_for(target, "read", application=app)
    return Fixtures(
        app=app,
        conversation=conversation,
        picture=picture,
        target=target,
        post=post,
        industry=industry,
        tag="foley",
        avatar=target.avatar.name,
        uid=urlsafe_base64_encode(force_bytes(target.pk)),
        token=default_token_generator.make_token(target),
        session=SignedInSession.objects.create(
            user=target, session_key="k" * 32, browser="Firefox on Linux"
        ),
        key=WebAuthnCredential.objects.create(
            user=target,
            name="YubiKey",
            credential_id=b"key of the target",
            public_key=b"not a real key",
            sign_count=0,
        ),
        email_token=security_services.email_change_token(
            EmailChange.objects.create(user=target, email="target@studio.example")
        ),
    )


def person_for(role: str, fixtures: Fixtures):
    """The account a role signs in with (None for anonymous), with an unread notification each,
    so a GET that marks notifications read is seen."""
    if role == ANONYMOUS:
        return None
    person = UserFactory(username=role.replace(" ", "_"))
    if role == SUSPENDED:
        person.suspended_at = timezone.now()
    elif role == MODERATOR:
        person.is_staff = True
        moderators = Group.objects.filter(name="Moderators").first()
        if moderators is not None:
            person.save()
            person.groups.add(moderators)
    elif role == ADMIN:
        person.is_staff = person.is_superuser = True
    person.save()
    Notification.objects.create(recipient=person, actor=fixtures.target, kind="follow")
    return person


def client_for(person, **kwargs) -> Client:
    client = Client(**kwargs)
    if person is not None:
        # force_login: a suspended person cannot log in through the form, but may still hold a
        # session from before the suspension.
        client.force_login(person)
    return client


def snapshot() -> dict:
    """Every row of every model (last_login aside: signing the walker in sets it)."""
    state = {}
    for model in apps.get_models():
        if not model._meta.managed:
            continue  # no table (the Redis queue's tasks)
        rows = list(model._default_manager.order_by("pk").values())
        for row in rows:
            row.pop("last_login", None)
        state[model._meta.label] = rows
    return state


def changed_models(before: dict, after: dict) -> set[str]:
    return {label for label in before if before[label] != after[label]}


def outcome(response) -> str:
    status = response.status_code
    if status >= 500:
        return f"error {status}"
    login_urls = (reverse("security:login"), reverse("admin:login"))
    location = response.headers.get("HX-Redirect") or (
        response.headers.get("Location", "") if 300 <= status < 400 else ""
    )
    if location and location.startswith(login_urls):
        return "login"
    if status in (403, 404):
        return "denied"
    if status == 405:
        return "not allowed"
    if status == 429:
        return "rate limited"
    return "ok"


HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/"}


# --- the walk -------------------------------------------------------------------------------


def walk_role(role: str, fixtures: Fixtures) -> tuple[list[str], int]:
    person = person_for(role, fixtures)
    failures, checks = [], 0
    for key, _route in url_patterns():
        if key in WALKED_ELSEWHERE or key not in ROUTES:
            continue
        entry = ROUTES[key]
        url = entry.url(fixtures)
        client = client_for(person)

        before = snapshot()
        response = client.get(url)
        got = outcome(response)
        checks += 1
        if got not in entry.get[role]:
            failures.append(
                f"GET {url} as {role}: {got} ({response.status_code}), "
                f"expected {sorted(entry.get[role])}"
            )
        allowed_changes = set(entry.changes_on_get) | set(ROLE_CHANGES.get(role, {}))
        changed = changed_models(before, snapshot()) - allowed_changes
        checks += 1
        if changed:
            failures.append(f"GET {url} as {role} changed {sorted(changed)}")

        for headers in ({}, HTMX):
            kind = "htmx POST" if headers else "POST"
            client = client_for(person)
            before = snapshot()
            response = client.post(url, {}, **headers)
            got = outcome(response)
            checks += 1
            allowed = entry.post[role] if entry.post is not None else ANY_BUT_ERROR
            if got not in allowed:
                failures.append(
                    f"{kind} {url} as {role}: {got} ({response.status_code}), "
                    f"expected {sorted(allowed)}"
                )
            if entry.post is None or got in REFUSED:
                checks += 1
                changed = changed_models(before, snapshot()) - set(ROLE_CHANGES.get(role, {}))
                if changed:
                    failures.append(f"{kind} {url} as {role} ({got}) changed {sorted(changed)}")
    return failures, checks


@pytest.mark.parametrize("role", ROLES)
def test_every_url_as_every_role(fixtures, role):
    failures, checks = walk_role(role, fixtures)
    SUMMARY["checks"][role] = checks
    assert not failures, f"{len(failures)} of {checks} checks failed:\n" + "\n".join(failures)


@pytest.mark.parametrize("role", ROLES)
def test_every_post_without_the_csrf_token_is_refused(fixtures, role):
    """Every URL, whether or not it takes POST: Django's CSRF check runs before the view."""
    person = person_for(role, fixtures)
    failures, checks = [], 0
    before = snapshot()
    for key, _route in url_patterns():
        if key == "api/":
            continue
        urls = [ROUTES[key].url(fixtures)] if key != "admin/" else admin_urls(fixtures)
        for url in urls:
            for headers in ({}, HTMX):
                client = client_for(person, enforce_csrf_checks=True)
                response = client.post(url, {"text": "no token"}, **headers)
                checks += 1
                if response.status_code != 403 or b"CSRF" not in response.content:
                    kind = "htmx POST" if headers else "POST"
                    failures.append(f"{kind} {url} as {role}: {response.status_code}")
    # Signing in makes sessions; nothing else may change.
    if changed := changed_models(before, snapshot()) - {
        "sessions.Session",
        "security.SignedInSession",
    }:
        failures.append(f"POSTs without a token changed {sorted(changed)}")
    SUMMARY["csrf"][role] = checks
    assert not failures, "\n".join(failures)


def test_the_token_htmx_sends_from_the_body_passes_the_csrf_check(fixtures):
    """The other side of the CSRF test: the token in <body hx-headers> is accepted."""
    client = client_for(person_for(OTHER, fixtures), enforce_csrf_checks=True)
    page = client.get("/").content.decode()
    token = page.split('"X-CSRFToken": "', 1)[1].split('"', 1)[0]

    response = client.post(
        reverse("posts:like", args=[fixtures.post.pk]),
        {"state": "on"},
        headers={"X-CSRFToken": html.unescape(token), "HX-Request": "true"},
    )

    assert response.status_code == 200
    assert fixtures.post.likes.count() == 1


# --- the admin ------------------------------------------------------------------------------


def admin_urls(fixtures: Fixtures) -> list[str]:
    """The admin index, and for each registered model its changelist, add and change pages."""
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        urls.append(reverse("admin:{}_{}_add".format(*info)))
        if not model._meta.managed:
            continue  # no table: the Redis queue's tasks, read from Redis
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
    return urls


ADMIN_EXPECTED = {
    ANONYMOUS: LOGIN,
    OTHER: LOGIN,
    SUSPENDED: LOGIN,
    # Staff: the index, and each model page as their permissions allow (403 otherwise).
    MODERATOR: OK | DENIED,
    ADMIN: OK | DENIED,  # 403 only where a model allows no adding (the one site-settings row)
}


@pytest.mark.parametrize("role", ROLES)
def test_admin_pages_by_role(fixtures, role):
    person = person_for(role, fixtures)
    client = client_for(person)
    moderators_group = Group.objects.filter(name="Moderators").exists()
    failures, pages = [], 0
    for url in admin_urls(fixtures):
        before = snapshot()
        response = client.get(url)
        got = outcome(response)
        pages += 1
        if got not in ADMIN_EXPECTED[role]:
            failures.append(f"GET {url} as {role}: {got} ({response.status_code})")
        changed = changed_models(before, snapshot()) - {"accounts.SiteSettings"}  # its one row
        changed -= set(ROLE_CHANGES.get(role, {}))
        if changed:
            failures.append(f"GET {url} as {role} changed {sorted(changed)}")
        # The Redis queue's admin answers only when the tasks are queued in Redis.
        hidden = url.startswith("/admin/django_tasks_redis/") and not queued_in_redis()
        if (
            role == ADMIN
            and response.status_code not in (200, 302)
            and not url.endswith("/add/")
            and not hidden
        ):
            failures.append(f"the admin cannot open {url}: {response.status_code}")
        # Staff without permissions see the index, and no model page's contents.
        without_permissions = role == MODERATOR and not moderators_group
        if without_permissions and url != reverse("admin:index") and response.status_code == 200:
            failures.append(f"staff without permissions can open {url}")
        # POSTs to admin pages by people who are not staff: the login page, nothing saved.
        if role in (ANONYMOUS, OTHER, SUSPENDED):
            before = snapshot()
            response = client.post(url, {})
            pages += 1
            changed = changed_models(before, snapshot()) - set(ROLE_CHANGES.get(role, {}))
            if outcome(response) != "login" or changed:
                failures.append(f"POST {url} as {role}: {response.status_code}")
    SUMMARY["admin pages"][role] = pages
    assert not failures, "\n".join(failures)


def test_summary_of_the_walk():
    """Runs last in this module: the figures for the closing note (shown with -s)."""
    patterns = dict(url_patterns())
    SUMMARY["patterns"] = len(patterns)
    print("\nPermission walk")
    print(f"  URL patterns walked: {len(patterns)} (the admin site counted as one)")
    for role in ROLES:
        print(
            f"  {role:15} {SUMMARY['checks'].get(role, 0):4} walk checks, "
            f"{SUMMARY['csrf'].get(role, 0):4} CSRF checks, "
            f"{SUMMARY['admin pages'].get(role, 0):3} admin pages"
        )
    assert len(patterns) >= len(ROUTES) - 1
    ran = [role for role in ROLES if role in SUMMARY["checks"]]
    for role in ran:
        # GET + "nothing changed" for every pattern, and two POSTs each with their checks.
        assert SUMMARY["checks"][role] >= 4 * (len(patterns) - 1)


def test_a_suspension_ends_the_persons_open_sessions(client, fixtures):
    """Setting suspended_at anywhere (admin, shell, moderation) ends the session at once."""
    person = UserFactory(username="troll")
    client.force_login(person)
    assert client.get(reverse("accounts:settings_profile")).status_code == 200

    person.suspended_at = timezone.now()
    person.save()

    response = client.post(reverse("follows:follow", args=[fixtures.target.username]))
    assert outcome(response) == "login"
    assert not fixtures.target.followers.exists()
    assert outcome(client.get(reverse("accounts:settings_profile"))) == "login"

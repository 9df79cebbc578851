"""The visibility walker: every URL pattern of the project, for a post of each visibility, as
each role that may or may not read it (its author, a follower, a mentioned person, a stranger, a
visitor, a moderator, an admin).

The URLs come from the permission walker's table (tests/security/test_permissions.py: every
pattern has an entry there), filled with this test's people and posts. Each post carries a
secret word; for every page and htmx fragment a role receives (GET, plain and htmx), the walker
checks that no secret of a post the role may not read is in it, exports and the admin included.
URLs about one post (its permalink, reply box, pictures, report and delete pages, and liking and
reposting it) must answer a role that may not read it exactly as for a post that does not exist:
404 (or the login page, for a visitor where signing in comes first)."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp_webauthn.models import WebAuthnCredential

from accounts.models import Visibility
from api import oauth as api_oauth
from follows.services import follow_create
from posts import services as post_services
from posts.models import Post
from security import services as security_services
from security.models import EmailChange, SignedInSession
from tests.accounts.images import image_upload
from tests.factories import IndustryFactory, UserFactory
from tests.security.test_permissions import ROUTES, WALKED_ELSEWHERE, Fixtures, url_patterns

ROLES = ("author", "follower", "mentioned", "stranger", "visitor", "moderator", "admin")
EVERYONE = frozenset(ROLES)
READERS = {
    Visibility.PUBLIC: EVERYONE,
    Visibility.UNLISTED: EVERYONE,
    # Staff read followers-only posts to moderate them; messages only when reported.
    Visibility.FOLLOWERS: frozenset({"author", "follower", "mentioned", "moderator", "admin"}),
    Visibility.DIRECT: frozenset({"author", "mentioned"}),
}
SECRET = {visibility: f"Secret{visibility.capitalize()}Word" for visibility in Visibility.values}
# The URLs about one post: a post the role may not read is a 404 there, as if it did not exist.
ABOUT_ONE_POST = {
    "posts:detail",
    "posts:reply",
    "posts:delete",
    "posts:pin",
    "posts:attachment",
    "posts:attachment_preview",
    "posts:attachment_view",
    "moderation:report_post",
}
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/"}


@pytest.fixture
def world(db):
    industry = IndustryFactory(name="Sound design", slug="sound-design")
    author = UserFactory(username="ana", industry=industry)
    people = {
        "author": author,
        "follower": UserFactory(username="fred"),
        "mentioned": UserFactory(username="mia"),
        "stranger": UserFactory(username="sam"),
        "moderator": UserFactory(username="mod", is_staff=True),
        "admin": UserFactory(username="root", is_staff=True, is_superuser=True),
    }
    people["moderator"].groups.add(Group.objects.get(name="Moderators"))
    follow_create(follower=people["follower"], followee=author)
    posts, pictures = {}, {}
    for visibility in Visibility.values:
        picture = post_services.attachment_create(owner=author, upload=image_upload("PNG"))
        posts[visibility] = post_services.post_create(
            author=author,
            text=f"{SECRET[visibility]} for @mia #walktag",
            visibility=visibility,
            media=[(picture.pk, f"{SECRET[visibility]} described")],
        )
        pictures[visibility] = picture
        # Each readable post gets a like and a reply from the mentioned person, so the author's
        # notifications and the threads have something to show (or to leak).
        post_services.like_create(user=people["mentioned"], post=posts[visibility])
        post_services.post_create(
            author=people["mentioned"],
            text=f"Answer to {SECRET[visibility]}",
            in_reply_to=posts[visibility],
        )
    shared = {
        "target": author,
        "industry": industry,
        "tag": "walktag",
        "avatar": "",
        "uid": urlsafe_base64_encode(force_bytes(author.pk)),
        "token": default_token_generator.make_token(author),
        "session": SignedInSession.objects.create(
            user=author, session_key="k" * 32, browser="Firefox on Linux"
        ),
        "key": WebAuthnCredential.objects.create(
            user=author,
            name="YubiKey",
            credential_id=b"key of the author",
            public_key=b"not a real key",
            sign_count=0,
        ),
        "email_token": security_services.email_change_token(
            EmailChange.objects.create(user=author, email="ana@studio.example")
        ),
        "conversation": posts[Visibility.DIRECT].message.conversation,
        # The settings page of authorized apps is about its person, not about posts.
        "app": api_oauth.client_app_create(
            name="Sound Desk",
            redirect_uris=["urn:ietf:wg:oauth:2.0:oob"],
            scopes=["read"],
            website="",
        )[0],
    }
    fixtures = {
        visibility: Fixtures(post=posts[visibility], picture=pictures[visibility], **shared)
        for visibility in Visibility.values
    }
    return people, fixtures


def client_for(person) -> Client:
    client = Client()
    if person is not None:
        client.force_login(person)
    return client


def leaks(body: str, role: str) -> list[str]:
    return [
        visibility
        for visibility, secret in SECRET.items()
        if role not in READERS[visibility] and secret in body
    ]


@pytest.mark.parametrize("role", ROLES)
def test_no_url_shows_a_post_to_someone_it_is_not_for(world, role):
    people, fixtures = world
    person = people.get(role)
    failures, walked = [], set()
    for key, _route in url_patterns():
        if key not in ROUTES or key in WALKED_ELSEWHERE:
            continue
        for visibility in Visibility.values:
            url = ROUTES[key].url(fixtures[visibility])
            if url in walked:
                continue
            walked.add(url)
            for headers in ({}, HTMX):
                response = client_for(person).get(url, **headers)
                if response.status_code >= 500:
                    failures.append(f"GET {url} as {role}: {response.status_code}")
                body = b"".join(response) if response.streaming else response.content
                found = leaks(body.decode(errors="replace"), role)
                if found:
                    failures.append(f"GET {url} as {role} shows the {found} post's secret")
                hidden = key in ABOUT_ONE_POST and role not in READERS[visibility]
                if hidden and not _as_if_missing(response):
                    failures.append(
                        f"GET {url} as {role}: {response.status_code}, "
                        "not as for a post that does not exist"
                    )
    for visibility, post in ((v, fixtures[v].post) for v in Visibility.values):
        if role in READERS[visibility]:
            continue
        for name in ("posts:like", "posts:repost"):
            response = client_for(person).post(reverse(name, args=[post.pk]), {"state": "on"})
            if not _as_if_missing(response):
                failures.append(f"POST {name} of the {visibility} post as {role}: {response}")
        response = client_for(person).post(
            reverse("posts:create"), {"text": "Me too", "in_reply_to": post.pk}
        )
        if Post.objects.filter(text="Me too").exists():
            failures.append(f"{role} replied to the {visibility} post")
    if role in ("moderator", "admin"):
        # Every list of the admin, and the message's own page there (none: never reported).
        admin_pages = [
            reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
            for model in admin.site._registry
        ]
        admin_pages.append(f"/admin/posts/post/{fixtures[Visibility.DIRECT].post.pk}/change/")
        for url in admin_pages:
            body = client_for(person).get(url).content.decode()
            if leaks(body, role):
                failures.append(f"GET {url} as {role} shows {leaks(body, role)}")
    assert len(walked) > 100
    assert not failures, "\n".join(failures)


def _as_if_missing(response) -> bool:
    login = reverse("security:login")
    to_login = response.headers.get("HX-Redirect") or response.headers.get("Location") or ""
    return response.status_code == 404 or to_login.startswith(login)


def test_each_role_reads_what_it_may(world):
    """The other side: the walker's expectations are met by pages that do show posts."""
    people, fixtures = world
    for role in ROLES:
        for visibility in Visibility.values:
            post = fixtures[visibility].post
            response = client_for(people.get(role)).get(
                reverse("posts:detail", args=["ana", post.pk])
            )
            expected = 200 if role in READERS[visibility] else 404
            assert response.status_code == expected, (role, visibility)

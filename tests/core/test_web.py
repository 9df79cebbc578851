"""The web toolkit every app's views share: login_required, safe_next, flash, keyset pages."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpResponse
from django.test import RequestFactory
from django_htmx.middleware import HtmxDetails

from core.decorators import login_required
from core.paging import keyset_page, next_page_url, page_url
from core.responses import flash, safe_next
from posts.models import Post
from tests.factories import PostFactory, UserFactory

pytestmark = pytest.mark.django_db


def request_for(method: str, path: str, data=None, *, htmx_url: str | None = None, user=None):
    factory = RequestFactory()
    headers = {}
    if htmx_url is not None:
        headers = {"HX-Request": "true", "HX-Current-URL": f"http://testserver{htmx_url}"}
    request = getattr(factory, method.lower())(path, data or {}, headers=headers)
    request.htmx = HtmxDetails(request)
    request.user = user or AnonymousUser()
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


@login_required
def members_only(request):
    return HttpResponse("hello")


LOGIN = "/accounts/login/?next="


@pytest.mark.parametrize(
    ("method", "path", "data", "htmx_url", "back"),
    [
        # A page comes back itself, query string included.
        ("GET", "/notifications/?before=5", None, None, "/notifications/%3Fbefore%3D5"),
        # A fragment asked for by htmx: the page the person is on, as a whole page.
        ("GET", "/posts/5/reply/", None, "/tags/mix/?before=9", "/tags/mix/%3Fbefore%3D9"),
        # A form: the page it was on (its next), never another site, else the home page.
        ("POST", "/posts/5/like/", {"next": "/@maya/"}, None, "/%40maya/"),
        ("POST", "/posts/5/like/", {"next": "https://evil.example/"}, None, "/"),
        ("POST", "/posts/5/like/", {"next": "//evil.example/"}, None, "/"),
        ("POST", "/posts/5/like/", {}, None, "/"),
        ("POST", "/posts/5/like/", {}, "/public/", "/public/"),
        ("POST", "/posts/5/like/", {"next": "/@leo/"}, "/public/", "/%40leo/"),
    ],
)
def test_visitors_are_sent_to_log_in_and_back(method, path, data, htmx_url, back):
    response = members_only(request_for(method, path, data, htmx_url=htmx_url))

    if htmx_url is None:
        assert response.status_code == 302
        assert response["Location"] == LOGIN + back
    else:
        # A whole-page redirect, not the login form swapped into a button.
        assert response.status_code == 204
        assert response["HX-Redirect"] == LOGIN + back


def test_signed_in_people_get_the_view():
    request = request_for("GET", "/notifications/", user=UserFactory())

    assert members_only(request).content == b"hello"


@pytest.mark.parametrize(
    ("next_value", "expected"),
    [
        ("/@maya/?before=5", "/@maya/?before=5"),
        ("https://testserver/public/", "https://testserver/public/"),
        ("https://evil.example/", "/fallback/"),
        ("//evil.example/", "/fallback/"),
        ("///evil.example/", "/fallback/"),
        ("\\\\evil.example/", "/fallback/"),
        ("javascript:alert(1)", "/fallback/"),
        ("", "/fallback/"),
        ("settings", "/fallback/"),
        ("²", "/fallback/"),
        ("0", "/fallback/"),
    ],
)
def test_safe_next_stays_on_this_site(next_value, expected):
    for method in ("GET", "POST"):
        request = request_for(method, "/x/", {"next": next_value})
        assert safe_next(request, "/fallback/") == expected


def test_safe_next_never_follows_the_referer_alone():
    request = RequestFactory().post("/x/", {}, headers={"Referer": "http://testserver/@maya/"})

    assert safe_next(request, "/fallback/") == "/fallback/"


def test_flash_for_htmx_fills_the_flash_area_and_swaps_nothing_else():
    request = request_for("POST", "/x/", {"next": "/@maya/"}, htmx_url="/@maya/")

    response = flash(
        request, "You can't follow @maya: <they> blocked you.", status=422, fallback="/"
    )

    assert response.status_code == 422
    assert response["HX-Retarget"] == "#flash"
    assert response["HX-Reswap"] == "innerHTML"
    content = response.content.decode()
    assert 'role="alert"' in content and "&lt;they&gt;" in content and "<html" not in content


def test_flash_for_a_plain_form_goes_back_with_the_message():
    request = request_for("POST", "/x/", {"next": "/@maya/"})

    response = flash(request, "You can't follow @maya.", status=422, fallback="/")

    assert response.status_code == 302
    assert response["Location"] == "/@maya/"
    assert [str(message) for message in get_messages(request)] == ["You can't follow @maya."]


def test_keyset_pages_cover_every_row_once_whatever_arrives_between_pages():
    author = UserFactory()
    PostFactory.create_batch(45, author=author)
    queryset = Post.objects.filter(author=author)

    first = keyset_page(queryset, before=None, limit=20)
    PostFactory(author=author)  # a new post must not shift the next pages
    second = keyset_page(queryset, before=first.next_before, limit=20)
    third = keyset_page(queryset, before=second.next_before, limit=20)

    seen = [post.pk for page in (first, second, third) for post in page.items]
    assert len(seen) == 45 and len(set(seen)) == 45
    assert seen == sorted(seen, reverse=True)
    assert (len(first.items), len(second.items), len(third.items)) == (20, 20, 5)
    assert third.next_before is None


def test_keyset_pages_read_between_cursors_and_forward_from_one():
    author = UserFactory()
    ids = sorted(post.pk for post in PostFactory.create_batch(10, author=author))
    queryset = Post.objects.filter(author=author)

    between = keyset_page(queryset, before=ids[8], after=ids[2], limit=20)
    newest_above = keyset_page(queryset, before=None, after=ids[2], limit=3)
    forward = keyset_page(queryset, before=None, after=ids[2], limit=3, oldest_first=True)

    assert [post.pk for post in between.items] == ids[3:8][::-1]
    assert [post.pk for post in newest_above.items] == ids[7:][::-1]
    assert [post.pk for post in forward.items] == ids[3:6][::-1]
    assert forward.next_before is None


def test_an_exactly_full_last_page_has_no_next():
    author = UserFactory()
    PostFactory.create_batch(20, author=author)

    page = keyset_page(Post.objects.filter(author=author), before=None, limit=20)

    assert len(page.items) == 20 and page.next_before is None


def test_the_next_page_link_keeps_the_filters_and_replaces_the_cursor():
    request = RequestFactory().get("/people/", {"industry": "music", "before": "5.2", "q": "a&b"})
    page = keyset_page(Post.objects.none(), before=None, limit=20)
    page.next_before = "3.1"

    assert next_page_url(request, "/people/", page) == "/people/?industry=music&q=a%26b&before=3.1"
    page.next_before = None
    assert next_page_url(request, "/people/", page) == ""
    assert page_url(RequestFactory().get("/x/"), "/public/", before=None) == "/public/"

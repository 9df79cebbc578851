"""The poll skips Django's connection health check; every other view keeps it.

Django's test client turns the check off (it leaves out the signal that starts it), so these
requests go through the WSGI handler as gunicorn sends them. On PostgreSQL a server can drop a
connection as a restart would, and the tests do.
"""

import io
import re
import sys

import psycopg
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import OperationalError, connection
from django.http import HttpResponse
from django.test import Client, RequestFactory

from core.decorators import skips_connection_health_check
from tests.factories import UserFactory, post_published

pytestmark = pytest.mark.django_db(transaction=True)

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs a database server that can drop a connection; CI runs it on PostgreSQL",
)


class Browser:
    """Requests through Django's WSGI handler with a signed-in person's cookies."""

    def __init__(self, person):
        client = Client()
        client.force_login(person)
        self.cookie = "; ".join(f"{name}={morsel.value}" for name, morsel in client.cookies.items())
        self.handler = WSGIHandler()

    def get(self, url: str) -> tuple[int, str]:
        path, _, query = url.partition("?")
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "testserver",
            "HTTP_COOKIE": self.cookie,
            "HTTP_HX_REQUEST": "true",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(),
            "wsgi.errors": sys.stderr,
        }
        statuses = []
        response = self.handler(
            environ, lambda status, headers, exc_info=None: statuses.append(status)
        )
        body = b"".join(response).decode()
        response.close()  # ends the request, as the server does
        return int(statuses[0].split()[0]), body


@pytest.fixture
def browser_and_poll(settings):
    """A signed-in person's browser, and the poll their home page sends (nothing new)."""
    settings.DEBUG = False
    me = UserFactory()
    post = post_published(me)
    browser = Browser(me)
    status, page = browser.get("/")
    assert status == 200
    token = re.search(r'"poll": "([^"]+)"', page).group(1)
    return browser, f"/home/new/?after={post.id}&poll={token}"


def test_the_poll_runs_no_health_check_and_a_page_does(browser_and_poll, monkeypatch):
    browser, poll = browser_and_poll
    checks = []
    check = connection.is_usable
    monkeypatch.setattr(connection, "is_usable", lambda: checks.append(1) or check())

    assert browser.get(poll)[0] == 204
    assert checks == []
    assert browser.get("/")[0] == 200
    assert checks == [1]


def drop_the_connection() -> None:
    """What a database restart does to the worker's open connection."""
    backend = connection.connection.info.backend_pid
    params = connection.settings_dict
    with psycopg.connect(
        host=params["HOST"],
        port=params["PORT"] or 5432,
        user=params["USER"],
        password=params["PASSWORD"] or None,
        dbname=params["NAME"],
        autocommit=True,
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [backend])


@postgresql_only
def test_a_page_after_the_database_dropped_the_connection_reconnects(browser_and_poll):
    browser, poll = browser_and_poll
    assert browser.get(poll)[0] == 204  # the poll, which skips the check, came last

    drop_the_connection()

    assert browser.get("/")[0] == 200  # the page's check found it dead and connected again


@postgresql_only
def test_a_poll_after_the_database_dropped_the_connection_connects_again(browser_and_poll):
    browser, poll = browser_and_poll

    drop_the_connection()

    assert browser.get(poll)[0] == 204  # its query met the dead connection; it ran again
    assert browser.get("/")[0] == 200


def poll_like(counted: list):
    """A view marked like the poll that records each run and reads the database."""

    @skips_connection_health_check
    def view(request):
        counted.append(request.method)
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return HttpResponse(status=204)

    return view


def test_a_query_that_fails_on_a_live_connection_is_not_asked_again():
    runs = []

    @skips_connection_health_check
    def failing(request):
        runs.append(1)
        raise OperationalError("the query failed, the connection is fine")

    connection.ensure_connection()
    with pytest.raises(OperationalError):
        failing(RequestFactory().get("/"))
    assert runs == [1]


@postgresql_only
def test_only_a_read_is_asked_again_after_the_connection_dropped():
    runs = []
    view = poll_like(runs)
    connection.ensure_connection()
    drop_the_connection()

    with pytest.raises(OperationalError):
        view(RequestFactory().post("/"))
    assert runs == ["POST"]
    connection.close()

    connection.ensure_connection()
    drop_the_connection()
    assert view(RequestFactory().get("/")).status_code == 204
    assert runs == ["POST", "GET", "GET"]


@postgresql_only
def test_a_database_that_refuses_connections_is_asked_once(monkeypatch):
    runs = []
    view = poll_like(runs)
    connection.close()
    monkeypatch.setitem(connection.settings_dict, "PORT", "1")  # nothing listens there

    with pytest.raises(OperationalError):
        view(RequestFactory().get("/"))
    assert runs == ["GET"]

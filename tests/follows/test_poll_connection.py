"""The poll skips Django's connection health check; every other view keeps it.

Django's test client turns the check off (it leaves out the signal that starts it), so these
requests go through the WSGI handler as gunicorn sends them, on PostgreSQL, whose server can drop
a connection as a restart would.
"""

import io
import re
import sys

import psycopg
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import Client

from tests.factories import UserFactory, post_published

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs a database server that can drop a connection; CI runs it on PostgreSQL",
    ),
    pytest.mark.django_db(transaction=True),
]


class Browser:
    """Requests through Django's WSGI handler with a signed-in person's cookies."""

    def __init__(self, person):
        client = Client()
        client.force_login(person)
        self.cookie = "; ".join(f"{name}={morsel.value}" for name, morsel in client.cookies.items())
        self.handler = WSGIHandler()

    def get(self, url: str) -> tuple[int, bytes]:
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
        body = b"".join(response)
        response.close()  # ends the request: Django drops a connection whose query failed
        return int(statuses[0].split()[0]), body


def drop_the_connection() -> None:
    """What a database restart does to the worker's open connection."""
    backend = connection.connection.info.backend_pid
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        dbname=settings["NAME"],
        autocommit=True,
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [backend])


def test_a_page_after_the_database_dropped_the_connection_reconnects(settings):
    settings.DEBUG = False
    me = UserFactory()
    post_published(me)
    browser = Browser(me)
    assert browser.get("/")[0] == 200

    drop_the_connection()

    assert browser.get("/")[0] == 200  # the health check found it dead and connected again


def test_the_poll_skips_the_health_check_and_fails_once_at_most(settings):
    settings.DEBUG = False
    me = UserFactory()
    post = post_published(me)
    browser = Browser(me)
    page = browser.get("/")[1].decode()
    token = re.search(r'"poll": "([^"]+)"', page).group(1)
    poll = f"/home/new/?after={post.id}&poll={token}"
    assert browser.get(poll)[0] == 204

    drop_the_connection()

    assert browser.get(poll)[0] == 503  # no check first: its query met the dead connection
    assert browser.get(poll)[0] == 204  # which Django closed; this one connected again

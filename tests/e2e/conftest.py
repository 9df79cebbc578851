"""Browser tests: Debian's Chromium driven by Playwright against Django's live server.

Playwright's sync API runs an event loop in this thread; Django would refuse database calls from
it, although they are ordinary blocking calls here, hence DJANGO_ALLOW_ASYNC_UNSAFE.
"""

import importlib
import os
import shutil

import pytest
from django.apps import apps

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def chromium_path() -> str | None:
    path = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
    return path if os.path.exists(path) else shutil.which("chromium")


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.path):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(autouse=True)
def _seeded_industries(transactional_db):
    """Browser tests run against a live server, so their database is emptied (not rolled back)
    after each test, taking the industries and roles the migrations seed with it: seed them
    again."""
    migration = importlib.import_module("accounts.migrations.0002_seed_industries_and_cache_table")
    migration.seed_industries(apps, None)
    importlib.import_module("accounts.migrations.0008_seed_roles").seed_roles(apps, None)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    path = chromium_path()
    if path is None:
        pytest.fail(
            "Chromium not found: install it (apt-get install -y chromium) or set CHROMIUM_PATH"
        )
    return {**browser_type_launch_args, "executable_path": path, "args": CHROMIUM_FLAGS}


@pytest.fixture
def page(page, live_server):
    """A page whose relative URLs go to the live server, and which fails on any browser error.
    A test that expects an error status by design (422: a form sent back with its errors) adds it
    to `page.expected_statuses`."""
    errors: list[str] = []
    page.expected_statuses = set()

    def on_console(msg):
        expected = any(f"status of {status}" in msg.text for status in page.expected_statuses)
        if msg.type == "error" and not expected:
            errors.append(msg.text)

    def on_response(response):
        if response.status >= 400 and response.status not in page.expected_statuses:
            errors.append(f"{response.status} {response.url}")

    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", on_console)
    page.on("response", on_response)
    page.set_default_timeout(10_000)
    page.base_url = live_server.url
    yield page
    assert not errors, f"the browser reported errors: {errors}"

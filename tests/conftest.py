from pathlib import Path

import pytest
from pytest_django.plugin import pytest_collection_modifyitems as django_test_order

from tests.factories import UserFactory


def pytest_configure(config):
    # WhiteNoise warns at every request when STATIC_ROOT does not exist, as in a fresh clone that
    # has not run collectstatic (a thousand warnings a run): an empty folder is what it serves.
    from django.conf import settings

    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    # A transactional test (the browser tests, a live server) empties the database when it ends,
    # taking what the migrations wrote (the Moderators group, industries, roles): it must run
    # after every test that reads those, in each xdist worker as in one process. pytest-django
    # orders them so, but pytest then groups the tests that share a session-scoped parameter
    # (Playwright's browser_name, brought in by any fixture named `browser`) and can put browser
    # tests in the middle; sort again, stably, once everything else has reordered.
    django_test_order(items)


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    # Tests run with DEBUG off, which means hashed static names; use the plain names so tests need
    # no collectstatic run (CI runs collectstatic on its own, as the Dockerfile does).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # A fast hasher: Argon2 is deliberately slow, and tests log in hundreds of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    # Tasks run where they are enqueued, inside the request, so a test sees their effects at once;
    # tests/core/test_tasks.py and the drills run the database queue and a real worker.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def client_logged_in(client, user):
    client.force_login(user)
    client.user = user
    return client

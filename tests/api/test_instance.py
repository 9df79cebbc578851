"""The server's description for apps (instance v1 and v2) and crawlers (NodeInfo)."""

import pytest
from django.core.cache import cache

from accounts.models import RegistrationMode, SiteSettings
from api.entities.instance import COUNTS_KEY
from tests.api.conftest import ApiClient, assert_entities, assert_entity, token_for
from tests.factories import UserFactory, post_published

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_counts():
    cache.delete(COUNTS_KEY)


def test_v2_instance_is_public_and_complete(anonymous_api, settings):
    settings.SITE_NAME = "Foley Club"
    response = anonymous_api.get("/api/v2/instance")
    assert response.status_code == 200
    data = response.json()
    assert_entity(data, "Instance")
    assert data["domain"] == "testserver"
    assert data["title"] == "Foley Club"
    assert data["version"].startswith("4.3.0 (compatible; microblog ")
    assert data["configuration"]["statuses"] == {
        "max_characters": 140,
        "max_media_attachments": 4,
        "characters_reserved_per_url": 23,
    }
    media = data["configuration"]["media_attachments"]
    assert {"image/jpeg", "image/png", "image/webp", "image/gif", "audio/mpeg"} <= set(
        media["supported_mime_types"]
    )
    assert not [kind for kind in media["supported_mime_types"] if kind.startswith("video/")]
    assert media["image_size_limit"] == 16 * 1024 * 1024
    assert media["image_matrix_limit"] == 40_000_000
    assert media["description_limit"] == 1500
    assert data["configuration"]["accounts"]["max_pinned_statuses"] == 3
    assert data["configuration"]["polls"]["max_options"] == 0
    assert data["configuration"]["translation"] == {"enabled": False}
    assert "streaming" not in data["configuration"]["urls"]
    assert data["api_versions"] == {"mastodon": 2}
    assert data["languages"] == ["en"]
    assert data["rules"] == []


def test_v1_instance_is_public_and_complete(anonymous_api):
    author = UserFactory()
    post_published(author, "One")
    post_published(author, "Two")
    response = anonymous_api.get("/api/v1/instance")
    assert response.status_code == 200
    data = response.json()
    assert_entity(data, "V1_Instance")
    assert data["uri"] == "testserver"
    assert data["stats"] == {"user_count": 1, "status_count": 2, "domain_count": 1}
    assert data["configuration"]["statuses"]["max_characters"] == 140
    assert data["contact_account"] is None
    assert data["registrations"] is True
    assert data["approval_required"] is False
    assert data["invites_enabled"] is False


def test_counts_are_cached_a_minute(anonymous_api):
    UserFactory()
    first = anonymous_api.get("/api/v1/instance").json()["stats"]["user_count"]
    UserFactory()
    # Cached: the second person is not counted yet.
    assert anonymous_api.get("/api/v1/instance").json()["stats"]["user_count"] == first
    cache.delete(COUNTS_KEY)
    assert anonymous_api.get("/api/v1/instance").json()["stats"]["user_count"] == first + 1


def test_counts_leave_out_suspended_people_and_private_posts(anonymous_api):
    author = UserFactory()
    post_published(author, "Open")
    post_published(author, "Only followers", visibility="private")
    UserFactory(is_active=False)
    data = anonymous_api.get("/api/v1/instance").json()
    assert data["stats"]["user_count"] == 1
    assert data["stats"]["status_count"] == 1


def test_the_contact_is_the_first_administrator(anonymous_api):
    UserFactory(username="someone")
    admin = UserFactory(username="boss", is_staff=True, is_superuser=True)
    UserFactory(username="later_boss", is_staff=True, is_superuser=True)
    v2 = anonymous_api.get("/api/v2/instance").json()
    assert v2["contact"]["account"]["id"] == str(admin.pk)
    assert v2["contact"]["account"]["username"] == "boss"
    assert anonymous_api.get("/api/v1/instance").json()["contact_account"]["id"] == str(admin.pk)


@pytest.mark.parametrize(
    ("mode", "enabled", "approval", "invites"),
    [
        (RegistrationMode.OPEN, True, False, False),
        (RegistrationMode.APPROVAL, True, True, True),
        (RegistrationMode.INVITE, False, False, True),
        (RegistrationMode.CLOSED, False, False, True),
    ],
)
def test_registrations_follow_the_site_settings(anonymous_api, mode, enabled, approval, invites):
    row = SiteSettings.load()
    row.registration_mode = mode
    row.closed_message = "Come back <soon>"
    row.save()
    v2 = anonymous_api.get("/api/v2/instance").json()["registrations"]
    assert v2["enabled"] is enabled
    assert v2["approval_required"] is approval
    assert v2["message"] == (None if enabled else "Come back &lt;soon&gt;")
    assert v2["url"] == "http://testserver/accounts/signup/"
    v1 = anonymous_api.get("/api/v1/instance").json()
    assert (v1["registrations"], v1["approval_required"]) == (enabled, approval)
    assert v1["invites_enabled"] is invites
    nodeinfo = anonymous_api.get("/nodeinfo/2.1").json()
    assert nodeinfo["openRegistrations"] is (mode == RegistrationMode.OPEN)


def test_instance_reads_take_few_queries(anonymous_api, django_assert_num_queries):
    UserFactory(is_staff=True, is_superuser=True)
    SiteSettings.load()
    anonymous_api.get("/api/v2/instance")  # counts cached
    # The cached counts (the cache is the database in tests), the site settings, the contact
    # with their roles.
    with django_assert_num_queries(3):
        assert anonymous_api.get("/api/v2/instance").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/instance/peers",
        "/api/v1/instance/activity",
        "/api/v1/instance/rules",
        "/api/v1/instance/domain_blocks",
        "/api/v1/custom_emojis",
    ],
)
def test_lists_the_site_does_not_have_are_empty(anonymous_api, path):
    response = anonymous_api.get(path)
    assert response.status_code == 200
    assert response.json() == []
    assert_entities(response.json(), "Rule")


def test_extended_description_and_translation_languages(anonymous_api):
    data = anonymous_api.get("/api/v1/instance/extended_description").json()
    assert_entity(data, "ExtendedDescription")
    assert data["content"].startswith("<p>")
    assert anonymous_api.get("/api/v1/instance/translation_languages").json() == {}


def test_instance_with_a_token_works_and_is_not_cached_by_proxies(user):
    response = ApiClient(token_for(user, "profile")).get("/api/v2/instance")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_instance_refuses_writes(anonymous_api):
    response = anonymous_api.post("/api/v2/instance", {})
    assert response.status_code == 405
    assert response.json() == {"error": "Method not allowed"}


def test_nodeinfo_discovery(anonymous_api):
    response = anonymous_api.get("/.well-known/nodeinfo")
    assert response.status_code == 200
    assert response.json() == {
        "links": [
            {
                "rel": "http://nodeinfo.diaspora.software/ns/schema/2.0",
                "href": "http://testserver/nodeinfo/2.0",
            },
            {
                "rel": "http://nodeinfo.diaspora.software/ns/schema/2.1",
                "href": "http://testserver/nodeinfo/2.1",
            },
        ]
    }


@pytest.mark.parametrize("version", ["2.0", "2.1"])
def test_nodeinfo_documents(anonymous_api, version):
    author = UserFactory()
    post_published(author, "Hello")
    response = anonymous_api.get(f"/nodeinfo/{version}")
    assert response.status_code == 200
    assert response["Content-Type"] == (
        f'application/json; profile="http://nodeinfo.diaspora.software/ns/schema/{version}#"'
    )
    data = response.json()
    assert_entity(data, "NodeInfo")
    assert data["version"] == version
    assert data["software"]["name"] == "microblog"
    assert data["protocols"] == []
    assert data["usage"]["users"]["total"] == 1
    assert data["usage"]["localPosts"] == 1


@pytest.mark.parametrize("path", ["/nodeinfo/1.0", "/nodeinfo/2.2", "/nodeinfo/2.1x"])
def test_other_nodeinfo_versions_are_not_found(anonymous_api, path):
    assert anonymous_api.get(path).status_code == 404


def test_reading_writes_nothing(anonymous_api):
    SiteSettings.objects.all().delete()
    for path in ("/api/v1/instance", "/api/v2/instance", "/nodeinfo/2.0"):
        assert anonymous_api.get(path).status_code == 200
    assert not SiteSettings.objects.exists()
    assert anonymous_api.get("/api/v2/instance").json()["registrations"]["enabled"] is True

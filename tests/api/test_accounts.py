"""The accounts group of the client API: the signed-in person's own account (verify and update
credentials, preferences), other accounts (show, lookup, statuses, followers and following,
search) and the viewer's lists (blocks, mutes, follow requests)."""

from urllib.parse import urlencode

import pytest
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.utils import timezone

from accounts import services as account_services
from accounts.models import Industry, Role, User
from follows import services as follow_services
from moderation import services as moderation
from posts import services as post_services
from tests.accounts.images import image_upload, upload
from tests.api.conftest import ApiClient, assert_entities, assert_entity, token_for
from tests.factories import FollowFactory, PostFactory, UserFactory, post_published

pytestmark = pytest.mark.django_db

HOSTILE_IDS = ["²", "-1", "99999999999999999999", "1e3", "%00", "abc"]


@pytest.fixture
def maya(user):
    user.username, user.display_name, user.bio = "maya", "Maya Roth", "Dialogue editor.\nBerlin"
    user.save()
    return user


@pytest.fixture
def jonas(db):
    return UserFactory(username="jonas", display_name="Jonas")


def suspend(person):
    moderator = UserFactory(is_staff=True, is_superuser=True)
    moderation.user_suspend(user=person, moderator=moderator, reason="spam")


def walk(api, path, params=None):
    """Every page of a list by following its Link headers: the ids in order, and the pages."""
    seen, pages, url = [], 0, path
    while url:
        response = api.get(url, params if url == path else None)
        assert response.status_code == 200
        items = response.json()
        if not items:
            break
        seen += [item["id"] for item in items]
        pages += 1
        link = response.get("Link", "")
        nexts = [part for part in link.split(", ") if part.endswith('rel="next"')]
        url = nexts[0][1 : nexts[0].index(">")].removeprefix("http://testserver") if nexts else ""
        assert pages < 50
    return seen, pages


# --- verify_credentials -------------------------------------------------------------------------


def test_verify_credentials_is_the_tokens_person_with_source_and_role(api, maya):
    industry = Industry.objects.create(name="Film & TV", slug="film")
    role = Role.objects.get(name="Dialogue editor")
    maya.industry, maya.website, maya.open_to_collaborate = industry, "https://maya.example", True
    maya.save()
    maya.roles.add(role)
    asker = UserFactory()
    maya.approve_followers = True
    maya.save()
    follow_services.follow_create(follower=asker, followee=maya)
    waiting_suspended = UserFactory()
    follow_services.follow_create(follower=waiting_suspended, followee=maya)
    suspend(waiting_suspended)

    response = api.get("/api/v1/accounts/verify_credentials")

    assert response.status_code == 200
    data = response.json()
    assert_entity(data, "CredentialAccount")
    assert data["id"] == str(maya.pk) and data["username"] == "maya"
    assert data["locked"] is True
    assert data["note"] == "<p>Dialogue editor.<br>Berlin</p>"
    assert data["source"]["note"] == "Dialogue editor.\nBerlin"
    # The fields as HTML to show, and as the text update_credentials takes back.
    assert [field["name"] for field in data["fields"]] == [
        "Industry",
        "Roles",
        "Website",
        "Open to collaborate",
    ]
    assert data["fields"][0]["value"] == "Film &amp; TV"
    assert data["source"]["fields"] == [
        {"name": "Industry", "value": "Film & TV", "verified_at": None},
        {"name": "Roles", "value": "Dialogue editor", "verified_at": None},
        {"name": "Website", "value": "https://maya.example", "verified_at": None},
        {"name": "Open to collaborate", "value": "Yes", "verified_at": None},
    ]
    # As the follow requests page counts them: the suspended person's request is not shown.
    assert data["source"]["follow_requests_count"] == 1
    assert data["source"]["privacy"] == "public"


def test_verify_credentials_needs_a_person(anonymous_api, user):
    assert anonymous_api.get("/api/v1/accounts/verify_credentials").status_code == 401
    app_token = token_for(None, "read")
    response = ApiClient(app_token).get("/api/v1/accounts/verify_credentials")
    assert response.status_code == 422
    assert response.json() == {"error": "This method requires an authenticated user"}


@pytest.mark.parametrize(
    ("scope", "status"),
    [
        ("profile", 200),
        ("read:accounts", 200),
        ("read", 200),
        ("write", 403),
        ("read:statuses", 403),
    ],
)
def test_verify_credentials_takes_the_profile_scope_too(user, scope, status):
    response = ApiClient(token_for(user, scope)).get("/api/v1/accounts/verify_credentials")
    assert response.status_code == status


def test_a_suspended_persons_token_cannot_read_their_account(api, user):
    suspend(user)
    response = api.get("/api/v1/accounts/verify_credentials")
    assert response.status_code == 403


# --- update_credentials -------------------------------------------------------------------------


def patch_form(api, data, token=None):
    """A multipart PATCH, as apps send a new avatar."""
    return api.client.generic(
        "PATCH",
        "/api/v1/accounts/update_credentials",
        encode_multipart(BOUNDARY, data),
        content_type=MULTIPART_CONTENT,
        headers={"Authorization": f"Bearer {token or api.token}"},
    )


def test_update_credentials_changes_name_bio_and_privacy(api, maya):
    response = api.patch(
        "/api/v1/accounts/update_credentials",
        {
            "display_name": "Maya R.",
            "note": "Foley & dialogue",
            "locked": True,
            "discoverable": False,
            "source": {"privacy": "private", "sensitive": True, "language": "de"},
            "bot": True,
            "header": "ignored",
        },
    )

    assert response.status_code == 200, response.content
    data = response.json()
    assert_entity(data, "CredentialAccount")
    maya.refresh_from_db()
    assert (maya.display_name, maya.bio) == ("Maya R.", "Foley & dialogue")
    assert (maya.approve_followers, maya.discoverable) == (True, False)
    assert maya.default_visibility == "private"
    assert data["display_name"] == "Maya R." and data["note"] == "<p>Foley &amp; dialogue</p>"
    assert data["locked"] is True and data["source"]["privacy"] == "private"


def test_update_credentials_from_a_form_with_fields(api, maya):
    Industry.objects.create(name="Film & TV", slug="film")

    response = patch_form(
        api,
        {
            "fields_attributes[0][name]": "Industry",
            "fields_attributes[0][value]": "film & tv",
            "fields_attributes[1][name]": "Roles",
            "fields_attributes[1][value]": "Foley artist, composer",
            "fields_attributes[2][name]": "location",
            "fields_attributes[2][value]": "Berlin",
            "fields_attributes[3][name]": "Website",
            "fields_attributes[3][value]": "https://maya.example",
            "fields_attributes[4][name]": "Open to collaborate",
            "fields_attributes[4][value]": "yes",
            "fields_attributes[5][name]": "",
            "fields_attributes[5][value]": "",
            "source[privacy]": "unlisted",
        },
    )

    assert response.status_code == 200, response.content
    maya.refresh_from_db()
    assert maya.industry.slug == "film"
    assert sorted(maya.roles.values_list("name", flat=True)) == ["Composer", "Foley artist"]
    assert (maya.location, maya.website, maya.open_to_collaborate) == (
        "Berlin",
        "https://maya.example",
        True,
    )
    assert maya.default_visibility == "unlisted"
    assert [field["name"] for field in response.json()["source"]["fields"]] == [
        "Industry",
        "Roles",
        "Location",
        "Website",
        "Open to collaborate",
    ]


def test_unlocking_accepts_the_requests_waiting_as_the_privacy_page_does(api, maya):
    maya.approve_followers = True
    maya.save()
    asker = UserFactory()
    follow_services.follow_create(follower=asker, followee=maya)

    response = api.patch(
        "/api/v1/accounts/update_credentials", {"display_name": "Open now", "locked": False}
    )

    assert response.json()["locked"] is False
    assert maya.followers.filter(follower=asker).exists()
    assert response.json()["source"]["follow_requests_count"] == 0


def test_update_credentials_from_a_urlencoded_form_as_mastodon_py_sends_it(api, maya):
    body = urlencode(
        {
            "display_name": "Maya",
            "locked": "1",
            "discoverable": "0",
            "fields_attributes[0][name]": "Location",
            "fields_attributes[0][value]": "Wien",
        }
    )
    response = api.client.generic(
        "PATCH",
        "/api/v1/accounts/update_credentials",
        body,
        content_type="application/x-www-form-urlencoded",
        headers={"Authorization": f"Bearer {api.token}"},
    )

    assert response.status_code == 200, response.content
    maya.refresh_from_db()
    assert (maya.display_name, maya.location) == ("Maya", "Wien")
    assert (maya.approve_followers, maya.discoverable) == (True, False)


def test_a_given_set_of_fields_replaces_the_whole_set(api, maya):
    maya.location, maya.website = "Berlin", "https://maya.example"
    maya.save()

    response = api.patch(
        "/api/v1/accounts/update_credentials",
        {"fields_attributes": {"7": {"name": "Location", "value": "Hamburg"}}},
    )

    assert response.status_code == 200
    maya.refresh_from_db()
    assert (maya.location, maya.website) == ("Hamburg", "")
    # Without fields_attributes the portfolio is left as it is.
    api.patch("/api/v1/accounts/update_credentials", {"display_name": "M"})
    maya.refresh_from_db()
    assert maya.location == "Hamburg"


def test_fields_as_a_json_list(api, maya):
    response = api.patch(
        "/api/v1/accounts/update_credentials",
        {"fields_attributes": [{"name": "Location", "value": "Köln"}]},
    )
    assert response.status_code == 200
    maya.refresh_from_db()
    assert maya.location == "Köln"


def test_an_unknown_field_name_is_refused_and_nothing_changes(api, maya):
    response = api.patch(
        "/api/v1/accounts/update_credentials",
        {"display_name": "New", "fields_attributes": [{"name": "Pronouns", "value": "she/her"}]},
    )

    assert response.status_code == 422
    assert response.json() == {
        "error": 'There is no profile field "Pronouns". The fields are: Industry, Roles, '
        "Location, Website, Open to collaborate."
    }
    maya.refresh_from_db()
    assert maya.display_name == "Maya Roth"


def test_update_credentials_refuses_with_the_settings_pages_messages(api, maya):
    response = api.patch(
        "/api/v1/accounts/update_credentials",
        {
            "display_name": "x" * 51,
            "note": "bell\x07",
            "source": {"privacy": "everyone"},
            "fields_attributes": [
                {"name": "Website", "value": "javascript:alert(1)"},
                {"name": "Roles", "value": "Astronaut"},
            ],
        },
    )

    assert response.status_code == 422
    data = response.json()
    assert set(data["details"]) == {"display_name", "note", "source[privacy]", "fields_attributes"}
    assert data["details"]["display_name"][0]["description"] == (
        "Ensure this value has at most 50 characters (it has 51)."
    )
    assert data["details"]["note"][0]["description"] == (
        "Remove line breaks and invisible characters."
    )
    assert data["details"]["source[privacy]"][0]["description"] == (
        "Choose one of the visibilities listed."
    )
    descriptions = {entry["description"] for entry in data["details"]["fields_attributes"]}
    assert descriptions == {"Enter a valid URL.", "Choose roles from the list."}
    assert "Choose one of the visibilities listed." in data["error"]
    maya.refresh_from_db()
    assert (maya.display_name, maya.default_visibility) == ("Maya Roth", "public")


def test_more_than_five_roles_is_the_pages_message(api, maya):
    names = [f"Role {n}" for n in range(6)]
    for n, name in enumerate(names):
        Role.objects.create(name=name, slug=f"role-{n}")
    response = api.patch(
        "/api/v1/accounts/update_credentials",
        {"fields_attributes": [{"name": "Roles", "value": ", ".join(names)}]},
    )
    assert response.status_code == 422
    assert response.json()["error"] == "Choose up to 5 roles; you chose 6."


def test_an_avatar_goes_through_the_profile_pages_checks(api, maya):
    response = patch_form(api, {"avatar": image_upload(size=(500, 300)), "header": image_upload()})

    assert response.status_code == 200, response.content
    maya.refresh_from_db()
    assert maya.avatar.name.startswith("avatars/") and maya.avatar.name.endswith(".webp")
    assert response.json()["avatar"].endswith(maya.avatar.url)

    refused = patch_form(api, {"avatar": upload(b"not an image at all", "x.png")})
    assert refused.status_code == 422
    assert list(refused.json()["details"]) == ["avatar"]


@pytest.mark.parametrize(
    "body",
    [
        {"display_name": ["a", {"b": 1}]},
        {"display_name": {"x": 1}},
        {"display_name": 12},
        {"note": True},
        {"fields_attributes": "Location"},
        {"fields_attributes": [["Location", "x"]]},
        {"fields_attributes": [{"name": {"a": 1}, "value": "x"}]},
        {"fields_attributes": [{"name": "Location", "value": "a\x00b"}]},
        {"fields_attributes": [{"name": "Industry", "value": "\x00" * 5000}]},
        {"fields_attributes": [{"name": "Roles", "value": "\x00, ²"}]},
        {"fields_attributes": [{"name": "x", "value": "y"}] * 40},
        {"source": "private"},
        {"source": {"privacy": ["public"]}},
        {"locked": {"a": 1}},
        {"display_name": "\x00" * 10000},
    ],
)
def test_hostile_updates_are_refused_or_harmless(api, maya, body):
    response = api.patch("/api/v1/accounts/update_credentials", body)
    assert response.status_code in (200, 422), response.content
    assert "error" in response.json() or "id" in response.json()


def test_update_credentials_needs_write_accounts(user):
    token = token_for(user, "read write:statuses")
    response = ApiClient(token).patch("/api/v1/accounts/update_credentials", {"note": "x"})
    assert response.status_code == 403
    assert ApiClient().patch("/api/v1/accounts/update_credentials", {}).status_code == 401
    assert ApiClient(token_for(user)).get("/api/v1/accounts/update_credentials").status_code == 405


# --- preferences --------------------------------------------------------------------------------


def test_preferences_start_from_the_persons_default_visibility(api, maya):
    maya.default_visibility = "private"
    maya.save()
    response = api.get("/api/v1/preferences")
    assert response.status_code == 200
    assert_entity(response.json(), "Preferences")
    assert response.json() == {
        "posting:default:visibility": "private",
        "posting:default:sensitive": False,
        "posting:default:language": None,
        "reading:expand:media": "default",
        "reading:expand:spoilers": False,
    }
    assert ApiClient().get("/api/v1/preferences").status_code == 401
    assert ApiClient(token_for(maya, "write")).get("/api/v1/preferences").status_code == 403


# --- showing and looking up accounts ------------------------------------------------------------


def test_an_account_is_public(anonymous_api, jonas):
    FollowFactory(follower=UserFactory(), followee=jonas)
    PostFactory(author=jonas)
    response = anonymous_api.get(f"/api/v1/accounts/{jonas.pk}")
    assert response.status_code == 200
    data = response.json()
    assert_entity(data, "Account")
    assert (data["username"], data["followers_count"], data["statuses_count"]) == ("jonas", 1, 1)
    assert "suspended" not in data


def test_a_suspended_account_says_so_and_nothing_else(anonymous_api, jonas):
    jonas.bio = "spam spam"
    jonas.save()
    PostFactory(author=jonas)
    suspend(jonas)
    data = anonymous_api.get(f"/api/v1/accounts/{jonas.pk}").json()
    assert_entity(data, "Account")
    assert data["suspended"] is True
    assert (data["display_name"], data["note"], data["fields"]) == ("", "", [])
    assert data["statuses_count"] == 0


@pytest.mark.parametrize("account_id", HOSTILE_IDS)
def test_an_account_that_is_not_there_is_404(anonymous_api, account_id):
    response = anonymous_api.get(f"/api/v1/accounts/{account_id}")
    assert response.status_code == 404
    assert response.json() == {"error": "Record not found"}


def test_deactivated_and_waiting_accounts_are_404(anonymous_api):
    gone = UserFactory(is_active=False)
    waiting = UserFactory(awaiting_approval=True)
    for person in (gone, waiting):
        assert anonymous_api.get(f"/api/v1/accounts/{person.pk}").status_code == 404
        assert anonymous_api.get(f"/api/v1/accounts/{person.pk}/statuses").status_code == 404


def test_several_accounts_at_once(anonymous_api, jonas, django_assert_num_queries):
    others = [UserFactory() for _ in range(3)]
    ids = [others[2].pk, jonas.pk, 10**12, others[0].pk]
    with django_assert_num_queries(1):
        response = anonymous_api.get("/api/v1/accounts", {"id[]": [*ids, "²"]})
    assert [item["id"] for item in response.json()] == [str(pk) for pk in ids if pk != 10**12]


def test_each_account_lists_its_own_roles_by_name(anonymous_api, jonas):
    """Roles are read beside each person in the accounts' one query: a page of several people
    gives each their own, sorted by name, and nobody else's."""
    others = [UserFactory() for _ in range(2)]
    jonas.roles.add(*Role.objects.filter(name__in=["Foley artist", "Composer"]))
    others[1].roles.add(Role.objects.get(name="Dialogue editor"))

    response = anonymous_api.get("/api/v1/accounts", {"id[]": [jonas.pk, *(o.pk for o in others)]})

    roles = {
        item["username"]: [field["value"] for field in item["fields"] if field["name"] == "Roles"]
        for item in response.json()
    }
    assert roles == {
        jonas.username: ["Composer, Foley artist"],
        others[0].username: [],
        others[1].username: ["Dialogue editor"],
    }


@pytest.mark.parametrize(
    "acct", ["jonas", "@jonas", "JONAS", "jonas@testserver", "@jonas@testserver"]
)
def test_lookup_finds_a_local_address(anonymous_api, jonas, acct):
    response = anonymous_api.get("/api/v1/accounts/lookup", {"acct": acct})
    assert response.status_code == 200
    assert response.json()["id"] == str(jonas.pk)


@pytest.mark.parametrize(
    "acct", ["", "jonas@elsewhere.example", "nobody", "jo nas", "\x00", "x" * 5000, "@@jonas"]
)
def test_lookup_of_anything_else_is_404(anonymous_api, jonas, acct):
    response = anonymous_api.get("/api/v1/accounts/lookup", {"acct": acct})
    assert response.status_code == 404
    assert response.json() == {"error": "Record not found"}


def test_featured_tags_and_lists_are_empty(api, jonas):
    assert api.get(f"/api/v1/accounts/{jonas.pk}/featured_tags").json() == []
    assert api.get(f"/api/v1/accounts/{jonas.pk}/lists").json() == []
    assert api.get("/api/v1/accounts/999999/lists").status_code == 404
    assert ApiClient().get(f"/api/v1/accounts/{jonas.pk}/lists").status_code == 401


# --- an account's statuses ----------------------------------------------------------------------


def test_statuses_are_what_the_profile_shows_each_viewer(api, maya, jonas):
    public = post_published(jonas, "public one")
    private = post_published(jonas, "for followers", visibility="private")
    post_published(jonas, "a message", visibility="direct")
    removed = post_published(jonas, "removed")
    removed.removed_at = timezone.now()
    removed.save()
    path = f"/api/v1/accounts/{jonas.pk}/statuses"

    visitor = ApiClient().get(path).json()
    assert [item["id"] for item in visitor] == [str(public.pk)]
    assert_entities(visitor, "Status")

    FollowFactory(follower=maya, followee=jonas)
    follower = api.get(path).json()
    assert [item["id"] for item in follower] == [str(private.pk), str(public.pk)]

    own = ApiClient(token_for(jonas)).get(path).json()
    assert [item["id"] for item in own] == [str(removed.pk), str(private.pk), str(public.pk)]


def test_a_person_who_blocks_the_viewer_still_shows_their_posts_as_the_profile_does(
    api, client, maya, jonas
):
    post = post_published(jonas, "still here")
    account_services.block_create(blocker=jonas, blocked=maya)

    response = api.get(f"/api/v1/accounts/{jonas.pk}/statuses")

    assert [item["id"] for item in response.json()] == [str(post.pk)]
    client.force_login(maya)
    assert "still here" in client.get("/@jonas/").content.decode()
    assert api.get(f"/api/v1/accounts/{jonas.pk}").status_code == 200


def test_a_suspended_persons_statuses_are_empty(anonymous_api, jonas):
    post_published(jonas)
    suspend(jonas)
    response = anonymous_api.get(f"/api/v1/accounts/{jonas.pk}/statuses")
    assert response.status_code == 200
    assert response.json() == []


def test_statuses_filters(api, maya, jonas):
    plain = post_published(jonas, "plain #mixing")
    reply_to_other = post_published(jonas, "reply", in_reply_to=PostFactory(author=maya))
    own_thread = post_published(jonas, "thread", in_reply_to=plain)
    with_media = post_published(jonas, "picture", has_media=True)
    repost = post_services.repost_create(user=jonas, post=PostFactory(author=maya))
    post_services.post_create(author=jonas, text="Tagged #Mixing today")
    tagged = jonas.posts.order_by("-id").first()
    path = f"/api/v1/accounts/{jonas.pk}/statuses"

    def ids(**params):
        return [int(item["id"]) for item in api.get(path, params).json()]

    everything = ids()
    assert reply_to_other.pk in everything and repost.pk in everything
    assert ids(only_media="true") == [with_media.pk]
    assert reply_to_other.pk not in ids(exclude_replies="true")
    assert own_thread.pk in ids(exclude_replies="true")
    assert repost.pk not in ids(exclude_reblogs=True)
    assert ids(tagged="mixing") == [tagged.pk]
    assert ids(tagged="#MIXING") == [tagged.pk]
    assert ids(tagged="not a tag!") == []


def test_pinned_statuses(api, maya):
    first, second = post_published(maya, "first"), post_published(maya, "second")
    post_published(maya, "not pinned")
    post_services.post_pin(user=maya, post=first)
    post_services.post_pin(user=maya, post=second)

    response = api.get(f"/api/v1/accounts/{maya.pk}/statuses", {"pinned": "true"})

    data = response.json()
    assert [item["id"] for item in data] == [str(second.pk), str(first.pk)]
    assert all(item["pinned"] for item in data)
    assert "Link" not in response
    more = api.get(f"/api/v1/accounts/{maya.pk}/statuses", {"pinned": "1", "max_id": first.pk})
    assert more.json() == []


def test_statuses_page_by_link_headers_to_the_end(api, jonas):
    posts = [post_published(jonas, f"post {n}").pk for n in range(45)]

    seen, pages = walk(api, f"/api/v1/accounts/{jonas.pk}/statuses", {"limit": "20"})

    assert seen == [str(pk) for pk in reversed(posts)]
    assert pages == 3
    newer = api.get(f"/api/v1/accounts/{jonas.pk}/statuses", {"min_id": posts[9], "limit": 5})
    assert [item["id"] for item in newer.json()] == [str(pk) for pk in posts[14:9:-1]]
    since = api.get(f"/api/v1/accounts/{jonas.pk}/statuses", {"since_id": posts[40]})
    assert [item["id"] for item in since.json()] == [str(pk) for pk in posts[:40:-1]]


def test_statuses_queries_do_not_grow_with_the_page(api, jonas, django_assert_num_queries):
    # The token, the person, the posts, their media, their authors with their roles, mentions.
    path = f"/api/v1/accounts/{jonas.pk}/statuses"
    post_published(jonas, "one", has_media=True)
    with django_assert_num_queries(6):
        assert len(api.get(path).json()) == 1
    for n in range(24):
        post_published(jonas, f"more {n}", has_media=n % 2 == 0)
    with django_assert_num_queries(6):
        assert len(api.get(path, {"limit": 25}).json()) == 25


@pytest.mark.parametrize("value", HOSTILE_IDS + ["\x00", "x" * 3000])
def test_statuses_with_hostile_parameters(api, jonas, value):
    post_published(jonas)
    params = {name: value for name in ("max_id", "since_id", "min_id", "limit", "tagged", "pinned")}
    response = api.get(f"/api/v1/accounts/{jonas.pk}/statuses", params)
    assert response.status_code == 200


def test_statuses_need_read_statuses_when_a_token_is_sent(user, jonas):
    response = ApiClient(token_for(user, "read:accounts")).get(
        f"/api/v1/accounts/{jonas.pk}/statuses"
    )
    assert response.status_code == 403


# --- followers and following --------------------------------------------------------------------


def test_followers_leave_out_hidden_people_and_page_by_the_follows_id(api, jonas):
    # Followed in an order unlike their account ids: pages go by when they followed.
    people = [UserFactory() for _ in range(45)]
    for person in reversed(people):
        FollowFactory(follower=person, followee=jonas)
    suspend(people[3])
    people[4].is_active = False
    people[4].save()

    seen, pages = walk(api, f"/api/v1/accounts/{jonas.pk}/followers", {"limit": 20})

    expected = [str(person.pk) for person in people if person not in (people[3], people[4])]
    assert seen == expected
    assert pages == 3


def test_following_lists_who_they_follow(anonymous_api, jonas):
    followed = [UserFactory() for _ in range(3)]
    for person in followed:
        FollowFactory(follower=jonas, followee=person)
    response = anonymous_api.get(f"/api/v1/accounts/{jonas.pk}/following")
    assert_entities(response.json(), "Account")
    assert [item["id"] for item in response.json()] == [str(p.pk) for p in reversed(followed)]
    link = response["Link"]
    follows = list(jonas.following.order_by("id").values_list("id", flat=True))
    assert f"max_id={follows[0]}>" in link and f"min_id={follows[-1]}>" in link


def test_a_suspended_persons_follow_lists_are_empty(anonymous_api, jonas):
    FollowFactory(follower=UserFactory(), followee=jonas)
    suspend(jonas)
    assert anonymous_api.get(f"/api/v1/accounts/{jonas.pk}/followers").json() == []


@pytest.mark.parametrize("which", ["followers", "following"])
def test_follow_list_queries_are_fixed(anonymous_api, jonas, which, django_assert_num_queries):
    def add(n):
        for _ in range(n):
            other = UserFactory()
            if which == "followers":
                FollowFactory(follower=other, followee=jonas)
            else:
                FollowFactory(follower=jonas, followee=other)

    path = f"/api/v1/accounts/{jonas.pk}/{which}"
    add(1)
    with django_assert_num_queries(3):
        assert len(anonymous_api.get(path).json()) == 1
    add(24)
    with django_assert_num_queries(3):
        assert len(anonymous_api.get(path).json()) == 25


@pytest.mark.parametrize("value", HOSTILE_IDS)
def test_follow_lists_with_hostile_cursors(anonymous_api, jonas, value):
    FollowFactory(follower=UserFactory(), followee=jonas)
    for which in ("followers", "following"):
        response = anonymous_api.get(
            f"/api/v1/accounts/{jonas.pk}/{which}",
            {"max_id": value, "min_id": value, "since_id": value, "limit": value},
        )
        assert response.status_code == 200


# --- search -------------------------------------------------------------------------------------


def test_search_finds_discoverable_people_as_the_search_page(api, maya, jonas):
    hidden = UserFactory(username="jonas_hidden", discoverable=False)
    blocker = UserFactory(username="jonas_blocks")
    account_services.block_create(blocker=blocker, blocked=maya)

    response = api.get("/api/v1/accounts/search", {"q": "jonas"})

    assert response.status_code == 200
    assert_entities(response.json(), "Account")
    found = [item["username"] for item in response.json()]
    assert found == ["jonas"]
    assert hidden.username not in found


def test_search_following_offset_and_addresses(api, maya):
    people = [UserFactory(username=f"mixer{n}") for n in range(5)]
    FollowFactory(follower=maya, followee=people[1])

    followed = api.get("/api/v1/accounts/search", {"q": "mixer", "following": "true"}).json()
    assert [item["username"] for item in followed] == ["mixer1"]
    first = api.get("/api/v1/accounts/search", {"q": "mixer", "limit": 2}).json()
    rest = api.get("/api/v1/accounts/search", {"q": "mixer", "limit": 2, "offset": 2}).json()
    assert len(first) == 2 and len(rest) == 2
    assert not {item["id"] for item in first} & {item["id"] for item in rest}
    address = api.get("/api/v1/accounts/search", {"q": "@mixer3@testserver", "resolve": "true"})
    assert [item["username"] for item in address.json()] == ["mixer3"]


@pytest.mark.parametrize(
    "params",
    [
        {"q": ""},
        {"q": "\x00"},
        {"q": "a" * 10000},
        {"q": "x", "limit": "²", "offset": "-1"},
        {"q": "x", "offset": "99999999999999999999"},
        {"q": "@@@"},
    ],
)
def test_search_with_hostile_parameters(api, params):
    response = api.get("/api/v1/accounts/search", params)
    assert response.status_code == 200
    assert isinstance(response.json(), list)


def test_search_needs_a_person(anonymous_api):
    assert anonymous_api.get("/api/v1/accounts/search", {"q": "x"}).status_code == 401


# --- blocks, mutes and follow requests ----------------------------------------------------------


def test_blocks_page_by_the_blocks_id(api, maya, django_assert_num_queries):
    people = [UserFactory() for _ in range(45)]
    for person in reversed(people):
        account_services.block_create(blocker=maya, blocked=person)

    seen, pages = walk(api, "/api/v1/blocks", {"limit": 20})

    assert seen == [str(person.pk) for person in people]
    assert pages == 3
    with django_assert_num_queries(3):
        assert len(api.get("/api/v1/blocks", {"limit": 1}).json()) == 1
    with django_assert_num_queries(3):
        assert len(api.get("/api/v1/blocks", {"limit": 25}).json()) == 25


def test_mutes_are_muted_accounts(api, maya, jonas):
    account_services.mute_create(muter=maya, muted=jonas)
    response = api.get("/api/v1/mutes")
    assert_entities(response.json(), "MutedAccount")
    assert [item["id"] for item in response.json()] == [str(jonas.pk)]
    assert response.json()[0]["mute_expires_at"] is None


def test_follow_requests_list_the_people_waiting(api, maya, django_assert_num_queries):
    maya.approve_followers = True
    maya.save()
    askers = [UserFactory() for _ in range(45)]
    for person in reversed(askers):
        follow_services.follow_create(follower=person, followee=maya)
    suspend(askers[0])

    seen, pages = walk(api, "/api/v1/follow_requests", {"limit": 20})

    assert seen == [str(person.pk) for person in askers[1:]]
    with django_assert_num_queries(3):
        assert len(api.get("/api/v1/follow_requests", {"limit": 25}).json()) == 25


@pytest.mark.parametrize(
    ("path", "scope"),
    [
        ("/api/v1/blocks", "read:mutes"),
        ("/api/v1/mutes", "read:blocks"),
        ("/api/v1/follow_requests", "read:blocks"),
    ],
)
def test_own_lists_need_their_scope_and_a_person(user, path, scope):
    assert ApiClient(token_for(user, scope)).get(path).status_code == 403
    assert ApiClient(token_for(user, "follow")).get(path).status_code == 200
    assert ApiClient().get(path).status_code == 401


def test_own_lists_are_ones_own(api, maya, jonas):
    account_services.block_create(blocker=jonas, blocked=UserFactory())
    account_services.mute_create(muter=jonas, muted=UserFactory())
    assert api.get("/api/v1/blocks").json() == []
    assert api.get("/api/v1/mutes").json() == []


def test_a_person_with_a_suspended_token_gets_403_everywhere(api, user, jonas):
    suspend(user)
    for path in (
        f"/api/v1/accounts/{jonas.pk}",
        "/api/v1/blocks",
        "/api/v1/preferences",
        f"/api/v1/accounts/{jonas.pk}/followers",
    ):
        assert api.get(path).status_code == 403
    assert User.objects.get(pk=user.pk).is_suspended


# --- every endpoint of the group: scopes, people, suspended tokens ------------------------------

# (method, path with {id} for another person, the scope it needs, whether it needs a person)
ENDPOINTS = [
    ("GET", "/api/v1/accounts/verify_credentials", "read:accounts", True),
    ("PATCH", "/api/v1/accounts/update_credentials", "write:accounts", True),
    ("GET", "/api/v1/accounts?id[]={id}", "read:accounts", False),
    ("GET", "/api/v1/accounts/{id}", "read:accounts", False),
    ("GET", "/api/v1/accounts/lookup?acct=jonas", "read:accounts", False),
    ("GET", "/api/v1/accounts/{id}/statuses", "read:statuses", False),
    ("GET", "/api/v1/accounts/{id}/followers", "read:accounts", False),
    ("GET", "/api/v1/accounts/{id}/following", "read:accounts", False),
    ("GET", "/api/v1/accounts/{id}/featured_tags", "read:accounts", False),
    ("GET", "/api/v1/accounts/{id}/lists", "read:lists", True),
    ("GET", "/api/v1/accounts/relationships?id[]={id}", "read:follows", True),
    ("GET", "/api/v1/accounts/familiar_followers?id[]={id}", "read:follows", True),
    ("GET", "/api/v1/accounts/search?q=jonas", "read:accounts", True),
    ("POST", "/api/v1/accounts/{id}/follow", "write:follows", True),
    ("POST", "/api/v1/accounts/{id}/unfollow", "write:follows", True),
    ("POST", "/api/v1/accounts/{id}/block", "write:blocks", True),
    ("POST", "/api/v1/accounts/{id}/unblock", "write:blocks", True),
    ("POST", "/api/v1/accounts/{id}/mute", "write:mutes", True),
    ("POST", "/api/v1/accounts/{id}/unmute", "write:mutes", True),
    ("GET", "/api/v1/blocks", "read:blocks", True),
    ("GET", "/api/v1/mutes", "read:mutes", True),
    ("GET", "/api/v1/follow_requests", "read:follows", True),
    ("POST", "/api/v1/follow_requests/{id}/authorize", "write:follows", True),
    ("POST", "/api/v1/follow_requests/{id}/reject", "write:follows", True),
    ("GET", "/api/v1/preferences", "read:accounts", True),
]


def call(client, method, path):
    if method == "GET":
        return client.get(path)
    if method == "PATCH":
        return client.patch(path, {})
    return client.post(path, {})


@pytest.mark.parametrize(("method", "path", "scope", "person"), ENDPOINTS)
def test_every_endpoint_checks_its_scope_and_who_asks(user, jonas, method, path, scope, person):
    path = path.format(id=jonas.pk)
    other_scope = "write:statuses" if scope.startswith("read") else "read:statuses"

    refused = call(ApiClient(token_for(user, other_scope)), method, path)
    allowed = call(ApiClient(token_for(user, scope)), method, path)
    visitor = call(ApiClient(), method, path)

    assert refused.status_code == 403
    assert refused.json() == {"error": "This action is outside the authorized scopes"}
    # An answered follow request is 404: there was none to answer.
    assert allowed.status_code == (404 if "follow_requests/" in path else 200), allowed.content
    assert visitor.status_code == (401 if person else 200)
    suspend(user)
    assert call(ApiClient(token_for(user, scope)), method, path).status_code == 403


def test_verify_credentials_queries_are_fixed(api, maya, django_assert_num_queries):
    # The token, the person with counts and roles, the follow requests waiting.
    with django_assert_num_queries(3):
        api.get("/api/v1/accounts/verify_credentials")


def test_search_queries_do_not_grow_with_the_page(api, django_assert_num_queries):
    UserFactory(username="sounder0")
    with django_assert_num_queries(3):
        assert len(api.get("/api/v1/accounts/search", {"q": "sounder"}).json()) == 1
    for n in range(1, 25):
        UserFactory(username=f"sounder{n}")
    with django_assert_num_queries(3):
        assert len(api.get("/api/v1/accounts/search", {"q": "sounder"}).json()) == 25

"""The API's toolkit: tokens, errors, parameters from anywhere, pages, CORS."""

import json
from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone
from oauth2_provider.models import AccessToken

from api.http import ApiError, Params, iso
from api.paging import link_header, window
from moderation import services as moderation
from tests.api.conftest import ApiClient, token_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_an_unknown_api_path_is_json_404(anonymous_api):
    response = anonymous_api.get("/api/v1/nothing/here")
    assert response.status_code == 404
    assert response.json() == {"error": "Record not found"}


@pytest.mark.parametrize(
    "header", ["Bearer nope", "Bearer ", "Basic abc", "bearer " + "x" * 600, "Bearer \x00"]
)
def test_a_bad_token_is_401(header):
    response = ApiClient().get("/api/v1/nothing", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json() == {"error": "The access token is invalid"}


def test_an_expired_token_is_401(user):
    token = token_for(user)
    AccessToken.objects.update(expires=timezone.now() - timedelta(seconds=1))
    assert ApiClient(token).get("/api/v1/nothing").status_code == 401


def test_a_suspended_persons_token_stops_working(user):
    token = token_for(user)
    moderator = UserFactory(is_staff=True, is_superuser=True)
    moderation.user_suspend(user=user, moderator=moderator, reason="spam")
    response = ApiClient(token).get("/api/v1/nothing")
    assert response.status_code == 403
    assert response.json() == {"error": "Your login is currently disabled"}


def test_params_come_from_query_form_and_json():
    factory = RequestFactory()
    request = factory.post(
        "/api/x?limit=5&types[]=mention",
        json.dumps({"status": "hi", "media_ids": ["1", 2], "sensitive": True}),
        content_type="application/json",
    )
    params = Params(request)
    assert params.text("status") == "hi"
    assert params.ids("media_ids") == [1, 2]
    assert params.flag("sensitive") is True
    assert params.values("types") == ["mention"]
    assert params.integer("limit", default=20, low=1, high=40) == 5
    form = Params(factory.post("/api/x", {"status": "form", "poll[]": ["a", "b"]}))
    assert form.text("status") == "form"
    assert form.values("poll") == ["a", "b"]
    patch = factory.patch(
        "/api/x", "display_name=Maya&note=hello", content_type="application/x-www-form-urlencoded"
    )
    assert Params(patch).text("display_name") == "Maya"


@pytest.mark.parametrize("value", ["²", "-1", "1e3", "99999999999999999999", "", "٣"])
def test_hostile_ids_and_limits_are_absent(value):
    params = Params(RequestFactory().get("/", {"max_id": value, "limit": value}))
    assert params.id("max_id") is None
    assert window(params).max_id is None
    assert window(params).limit == 20


def test_a_limit_is_clamped():
    assert window(Params(RequestFactory().get("/", {"limit": "500"}))).limit == 40
    assert window(Params(RequestFactory().get("/", {"limit": "0"}))).limit == 1


def test_ids_that_are_not_ids_are_refused():
    request = RequestFactory().post(
        "/", json.dumps({"media_ids": ["1", "x"]}), content_type="application/json"
    )
    with pytest.raises(ApiError) as raised:
        Params(request).ids("media_ids")
    assert raised.value.status == 422


@pytest.mark.parametrize("body", [b"{", b"[1]", b'"text"', b"[" * 100000])
def test_a_body_that_is_not_a_json_object_is_400(body):
    request = RequestFactory().post("/", body, content_type="application/json")
    with pytest.raises(ApiError) as raised:
        Params(request)
    assert raised.value.status == 400


def test_the_link_header_keeps_the_other_parameters_and_never_repeats_the_first_item():
    request = RequestFactory().get("/api/v1/timelines/home", {"limit": "5", "max_id": "90"})
    link = link_header(request, 80, 76)
    assert link == (
        '<http://testserver/api/v1/timelines/home?limit=5&max_id=76>; rel="next", '
        '<http://testserver/api/v1/timelines/home?limit=5&min_id=80>; rel="prev"'
    )
    assert link_header(request, None, None) == ""


def test_times_have_milliseconds_and_z():
    moment = timezone.datetime(2026, 12, 1, 10, 0, 5, 123456, tzinfo=timezone.UTC)
    assert iso(moment) == "2026-12-01T10:00:05.123Z"


def test_cors_lets_browser_apps_call_with_a_token(anonymous_api):
    response = anonymous_api.client.options(
        "/api/v1/instance",
        headers={
            "Origin": "https://elk.zone",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, idempotency-key",
        },
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    allowed = response["Access-Control-Allow-Headers"].lower()
    assert "authorization" in allowed and "idempotency-key" in allowed
    plain = anonymous_api.get("/api/v1/nothing", headers={"Origin": "https://elk.zone"})
    assert "Link" in plain["Access-Control-Expose-Headers"]


def test_pages_get_no_cors_headers(anonymous_api):
    response = anonymous_api.get("/public/", headers={"Origin": "https://elk.zone"})
    assert "Access-Control-Allow-Origin" not in response

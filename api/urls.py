"""The client API's URLs: Mastodon's paths under /api/, OAuth under /oauth/, and the discovery
documents under /.well-known/ and /nodeinfo/."""

from django.urls import Resolver404, include, path, re_path, resolve
from django.views.decorators.csrf import csrf_exempt

from api import oauth
from api.http import NOT_FOUND, endpoint, error_response
from api.views import accounts, instance, misc, notifications, statuses, timelines
from api.views import settings as settings_views

app_name = "api"


@endpoint("GET", "POST", "PUT", "PATCH", "DELETE")
def _not_found(request, rest):
    return error_response(404, NOT_FOUND)


@csrf_exempt
def unknown(request, rest):
    """Any other path under /api/: JSON, as apps expect, not the site's 404 page. A known path
    with a slash at its end is that path (Mastodon's routes take both; Mastodon.py asks for
    /api/v1/instance/)."""
    if rest.endswith("/") and rest.strip("/"):
        try:
            match = resolve(f"/api/{rest.rstrip('/')}")
        except Resolver404:
            match = None
        if match is not None and match.func is not unknown:
            return match.func(request, *match.args, **match.kwargs)
    return _not_found(request, rest)


urlpatterns = [
    path("", include(oauth.urlpatterns)),
    path("", include(instance.urlpatterns)),
    path("", include(settings_views.urlpatterns)),
    path("api/", include(accounts.urlpatterns)),
    path("api/", include(statuses.urlpatterns)),
    path("api/", include(timelines.urlpatterns)),
    path("api/", include(notifications.urlpatterns)),
    path("api/", include(misc.urlpatterns)),
    re_path(r"^api/(?P<rest>.*)$", unknown, name="unknown"),
]

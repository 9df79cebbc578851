"""The client API's URLs: Mastodon's paths under /api/, OAuth under /oauth/, and the discovery
documents under /.well-known/ and /nodeinfo/."""

from django.urls import include, path, re_path

from api import oauth
from api.http import NOT_FOUND, endpoint, error_response
from api.views import accounts, instance, misc, notifications, statuses, timelines

app_name = "api"


@endpoint("GET", "POST", "PUT", "PATCH", "DELETE")
def unknown(request, rest):
    """Any other path under /api/: JSON, as apps expect, not the site's 404 page."""
    return error_response(404, NOT_FOUND)


urlpatterns = [
    path("", include(oauth.urlpatterns)),
    path("", include(instance.urlpatterns)),
    path("api/", include(accounts.urlpatterns)),
    path("api/", include(statuses.urlpatterns)),
    path("api/", include(timelines.urlpatterns)),
    path("api/", include(notifications.urlpatterns)),
    path("api/", include(misc.urlpatterns)),
    re_path(r"^api/(?P<rest>.*)$", unknown, name="unknown"),
]

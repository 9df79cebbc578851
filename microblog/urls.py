from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from core import metrics, views
from follows.views import home

urlpatterns = [
    path("", home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("metrics", metrics.metrics, name="metrics"),
    # Browsers ask for /favicon.ico whatever the page links.
    path("favicon.ico", views.favicon),
    # The admin signs in through the site's own login, with its second step.
    path("admin/login/", RedirectView.as_view(pattern_name="security:login", query_string=True)),
    # and changes passwords on the site's page, which keeps the list of sessions true.
    path("admin/password_change/", RedirectView.as_view(pattern_name="security:password_change")),
    path("admin/", admin.site.urls),
    # Uploads (avatars), served by the application so a single-process deployment needs no
    # separate media server; a reverse proxy may serve MEDIA_ROOT at this URL instead.
    re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.+)$", views.media, name="media"),
    # follows first: its home-page poll is the most frequent request, and resolving walks the
    # patterns in order (no two of these apps share a path).
    path("", include("follows.urls")),
    path("", include("accounts.urls")),
    path("", include("security.urls")),
    path("webauthn/", include("security.webauthn")),
    path("", include("posts.urls")),
    path("", include("conversations.urls")),
    path("", include("search.urls")),
    path("", include("moderation.urls")),
    path("", include("api.urls")),
]

handler500 = views.server_error

from django.contrib import admin
from django.urls import include, path

from follows.views import home
from microblog import views

urlpatterns = [
    path("", home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    # Browsers ask for /favicon.ico whatever the page links.
    path("favicon.ico", views.favicon),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("", include("posts.urls")),
    path("", include("follows.urls")),
]

handler500 = views.server_error

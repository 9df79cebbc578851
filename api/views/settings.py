"""The settings page listing the apps a person authorized, each with Revoke."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from oauth2_provider.models import Application

from api.oauth import authorized_app_revoke, authorized_apps
from core.decorators import login_required
from core.responses import is_fragment


def _page(request, *, fragment: bool):
    template = "api/settings_apps.html" + ("#apps" if fragment else "")
    return render(request, template, {"apps": authorized_apps(user=request.user)})


@require_GET
@login_required
@vary_on_headers("HX-Request")
def settings_apps(request):
    """/settings/apps/: the apps holding a token of yours."""
    return _page(request, fragment=False)


@require_POST
@login_required
def settings_app_revoke(request, app_id: int):
    """Revoke an app's access: htmx gets the list back, a plain form the page."""
    try:
        authorized_app_revoke(user=request.user, application_id=app_id)
    except Application.DoesNotExist:
        raise Http404("You have not authorized this app.") from None
    if is_fragment(request):
        return _page(request, fragment=True)
    messages.success(request, "The app can no longer use your account.")
    return redirect("api:settings_apps")


urlpatterns = [
    path("settings/apps/", settings_apps, name="settings_apps"),
    path("settings/apps/<id:app_id>/revoke/", settings_app_revoke, name="settings_app_revoke"),
]

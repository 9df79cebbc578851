import sys

from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template import loader
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@require_GET
@never_cache
def healthz(request):
    """For load balancers and container health checks: 200 when the database answers, else 503."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def favicon(request):
    # Browsers ask for /favicon.ico whatever the page links; send them to the hashed static file.
    return redirect(static("favicon.svg"), permanent=True)


def server_error(request):
    """handler500: a database that does not answer is an outage (503, retry later), not a bug.

    Both pages are rendered without a request context: with the database down, even looking up
    the signed-in person would fail again.
    """
    outage = isinstance(sys.exc_info()[1], DatabaseError)
    template, status = ("503.html", 503) if outage else ("500.html", 500)
    try:
        body = loader.get_template(template).render()
    except Exception:  # noqa: BLE001 (an error page must never fail in turn)
        body = "<!doctype html><title>Error</title><h1>Something went wrong</h1>"
    response = HttpResponse(body, status=status)
    if outage:
        response["Retry-After"] = "30"
    return response

import sys
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, OperationalError, connection
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template import loader
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe

from core import tasks
from core.decorators import checks_person_itself


@require_GET
@never_cache
@checks_person_itself
def healthz(request):
    """For load balancers and container health checks: 200 when the database answers, else 503.
    The task queue is reported beside, without changing the status: a web node serves pages
    whether or not a worker is keeping up (`tasks.worker` is "ok" when one was seen within a
    minute)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        queue = tasks.queue_status()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    seen = queue["worker_seen_seconds"]
    queue["worker"] = "ok" if seen is not None and seen < 60 else "not seen"
    return JsonResponse({"status": "ok", "database": "ok", "tasks": queue})


@checks_person_itself
def favicon(request):
    # Browsers ask for /favicon.ico whatever the page links; send them to the hashed static file.
    return redirect(static("favicon.svg"), permanent=True)


def database_busy(error: BaseException | None) -> bool:
    """SQLite's "database is locked": another writer held the lock past the busy timeout. The
    database is there and nothing was saved; sending the same thing again a moment later works."""
    return isinstance(error, OperationalError) and any(
        word in str(error).lower() for word in ("database is locked", "database is busy")
    )


def server_error(request):
    """handler500: a database that does not answer is an outage (503, retry later), not a bug;
    a busy one (SQLite under many writers) is a 503 too, whose page says to send it again.

    The pages are rendered without a request context: with the database down, even looking up
    the signed-in person would fail again.
    """
    error = sys.exc_info()[1]
    outage = isinstance(error, DatabaseError)
    busy = database_busy(error)
    template, status = ("503.html", 503) if outage else ("500.html", 500)
    try:
        body = loader.get_template(template).render({"busy": busy})
    except Exception:  # noqa: BLE001 (an error page must never fail in turn)
        body = "<!doctype html><title>Error</title><h1>Something went wrong</h1>"
    response = HttpResponse(body, status=status)
    if outage:
        response["Retry-After"] = "5" if busy else "30"
    return response


# Only raster images are ever served from MEDIA_ROOT, with a type fixed by the extension we chose
# when writing the file (never sniffed, never SVG or HTML, which could carry scripts).
MEDIA_TYPES = {
    ".webp": "image/webp",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
}


@require_safe
@checks_person_itself
def media(request, path):
    """Serve an avatar from MEDIA_ROOT, and nothing else: posts' attachments are served only to
    who may see their post (posts.views.attachment)."""
    if not path.startswith("avatars/"):
        raise Http404("No such file")
    root = (Path(settings.MEDIA_ROOT) / "avatars").resolve()
    path = path.removeprefix("avatars/")
    try:
        file_path = (root / path).resolve()
    except (OSError, ValueError):
        raise Http404("No such file") from None
    content_type = MEDIA_TYPES.get(file_path.suffix.lower())
    if content_type is None or not file_path.is_relative_to(root) or not file_path.is_file():
        raise Http404("No such file")
    response = FileResponse(file_path.open("rb"), content_type=content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    # File names are random and never reused, so a browser may keep a file forever.
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response

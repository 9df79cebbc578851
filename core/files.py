"""Stored files, served once the caller has checked who may read them: from the filesystem by the
application, whole or by byte range (HTTP Range, RFC 9110 14.2: a player seeks by asking for a
range, and the answer is 206 with that part); from object storage by a redirect to a link the
storage signs for a few minutes (S3_URL_SECONDS), which the object store answers, ranges
included, without the file passing through a web node."""

import re

from django.core.files.storage import default_storage
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)

CHUNK = 64 * 1024
# One range only; a list of ranges is answered with the whole file, as RFC 9110 allows.
_RANGE = re.compile(r"^bytes=(?:(\d{1,19})-(\d{0,19})|-(\d{1,19}))$")


def stored_file_response(request, name: str, content_type: str):
    """The stored file `name`, to a reader already allowed to have it."""
    try:
        default_storage.path(name)
    except NotImplementedError:  # not on this machine's disk: object storage
        response = HttpResponseRedirect(default_storage.url(name))
        # The link works for minutes, for whoever holds it: keep it out of shared caches.
        response["Cache-Control"] = "private, no-store"
        return response
    return ranged_file_response(request, name, content_type)


def ranged_file_response(request, name: str, content_type: str):
    """The stored file `name`, or its requested byte range; 404 when it is missing."""
    try:
        handle = default_storage.open(name, "rb")
        size = handle.size
    except (FileNotFoundError, OSError):
        raise Http404("No such file") from None
    part = _range(request.headers.get("Range", ""), size)
    if part is None:
        response = FileResponse(handle, content_type=content_type)
    elif part == "unsatisfiable":
        handle.close()
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
    else:
        start, end = part
        handle.seek(start)
        response = StreamingHttpResponse(
            _read(handle, end - start + 1), status=206, content_type=content_type
        )
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
    response["Accept-Ranges"] = "bytes"
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _range(header: str, size: int):
    """(first, last) byte of the one range asked for, None for the whole file (no header, or
    one this answers whole), or "unsatisfiable"."""
    match = _RANGE.match(header.strip()) if header else None
    if match is None:
        return None
    first, last, suffix = match.groups()
    if suffix is not None:
        length = int(suffix)
        if length == 0 or size == 0:
            return "unsatisfiable"
        return max(0, size - length), size - 1
    start = int(first)
    if start >= size:
        return "unsatisfiable"
    end = min(int(last), size - 1) if last else size - 1
    if end < start:
        return None  # invalid: ignored, the whole file
    return start, end


def _read(handle, remaining: int):
    try:
        while remaining > 0:
            chunk = handle.read(min(CHUNK, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk
    finally:
        handle.close()

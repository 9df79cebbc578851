"""Where a form sends people back, and how a refusal is told, for htmx and plain requests alike."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import reswap, retarget


def safe_next(request, fallback: str) -> str:
    """The `next` the form or link carries (POST first, then the query string) when it is a page
    of this site (a path, or a URL on this host), else `fallback`. Never another site (an open
    redirect), nor a bare word (a redirect would take it for a view's name), and never the
    Referer header alone: it is missing behind privacy settings and says nothing the form
    could not."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if not candidate.startswith(("/", "http://", "https://")):
        return fallback
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


def redirect_back(request, fallback: str) -> HttpResponseRedirect:
    """After a plain (no-JavaScript) form: back to the page it was on, or `fallback`."""
    return HttpResponseRedirect(safe_next(request, fallback))


def is_fragment(request) -> bool:
    """An htmx request that swaps part of the page: not a plain request, nor htmx restoring a
    page from history, which needs the whole page."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def flash(request, message: str, *, status: int, fallback: str, level: int = messages.ERROR):
    """Tell the person why their action was refused (or what happened) and keep their page.

    htmx: the message goes into the page's #flash area (role="alert") and nothing else on the
    page is swapped. Plain request: the message is stored for the next page and the browser goes
    back to the page the form was on (`safe_next`, else `fallback`)."""
    if request.htmx:
        return flash_fragment(request, message, status=status)
    messages.add_message(request, level, message)
    return redirect_back(request, fallback)


def flash_fragment(request, message: str, *, status: int):
    """For htmx: `message` in the page's #flash area (role="alert"), and nothing else swapped."""
    response = render(request, "partials/flash.html", {"message": message}, status=status)
    return reswap(retarget(response, "#flash"), "innerHTML")

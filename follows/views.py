"""Thin HTTP adapters for following, timelines and finding people.

A plain request gets the whole page (or, after a POST, a redirect back); an htmx request gets the
fragment it swaps: "load more" gets the next page, the directory's filters get the results.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.crypto import constant_time_compare, salted_hmac
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from accounts.models import User
from core.decorators import checks_person_itself, login_required, skips_connection_health_check
from core.paging import next_page_url
from core.query import parse_id_pair, query_id
from core.responses import flash, is_fragment, redirect_back, safe_next
from follows import selectors, services
from follows.forms import PeopleFilterForm
from follows.models import FollowRequest


def _posts_page(request, template: str, context: dict, page, path: str):
    context = {**context, "posts": page.items, "next_url": next_page_url(request, path, page)}
    if is_fragment(request) and "before" in request.GET:
        return render(request, "posts/partials/feed_page.html", context)
    return render(request, template, context)


@vary_on_headers("HX-Request")
def home(request):
    """The home timeline for a signed-in person, the landing page for a visitor."""
    if not request.user.is_authenticated:
        return render(request, "landing.html")
    before = query_id(request, "before")
    page = selectors.timelines.home_timeline(user=request.user, before=before)
    context = {
        "poll_seconds": settings.FEED_POLL_SECONDS,
        "poll_token": poll_token(request),
        "newest_id": (page.head or 0) if before is None else 0,
        "older": before is not None,
    }
    if not page.items and before is None:  # the empty timeline suggests people in the page
        context["suggestions"] = selectors.suggestions.suggested_people(user=request.user, limit=5)
    return _posts_page(request, "follows/home.html", context, page, reverse("home"))


POLL_SALT = "follows.home_new"


def poll_token(request) -> str:
    """The home page's poll carries this: whose timeline to look at, signed, for a day, and
    for this session only (a tag of its key, compared with the cookie: no database read)."""
    tag = _session_tag(request.session.session_key)
    return signing.TimestampSigner(salt=POLL_SALT).sign(f"{request.user.pk}:{tag}")


def _session_tag(session_key: str | None) -> str:
    return salted_hmac(POLL_SALT, session_key or "", algorithm="sha256").hexdigest()[:16]


def _poll_person_id(request) -> int | None:
    """The person the poll's token names, if it is genuine, recent, and sent with the session
    it was made for (so it dies at logout); else None, and the session decides."""
    try:
        value = signing.TimestampSigner(salt=POLL_SALT).unsign(
            request.GET.get("poll", ""), max_age=settings.FEED_POLL_TOKEN_SECONDS
        )
    except signing.BadSignature:  # missing, forged or expired
        return None
    person_id, _, tag = value.partition(":")
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not session_key or not constant_time_compare(tag, _session_tag(session_key)):
        return None
    return int(person_id)


@require_GET
@checks_person_itself
@skips_connection_health_check
def home_new(request):
    """Polled by the home page: 204 (no body) when nothing is newer than ?after=, else the bar.

    Most polls find nothing: with the page's signed token that is answered from one probe of the
    timeline, without reading the session or the person (much of a signed-in request's work).
    Anything newer, or no valid token, goes the long way: the person from the session, with the
    checks the middleware skips here (see `checks_person_itself`): a suspended or pending person's
    poll finds nothing. A poll whose session has ended gets 204 too, rather than a login page
    inside the bar."""
    after = query_id(request, "after") or 0
    person_id = _poll_person_id(request)
    newer = person_id is None or selectors.timelines.home_has_newer(owner_id=person_id, after=after)
    if not newer:
        # A 204 may be cached by default, so it says not to be: one header, cheaper than
        # never_cache's date and five directives on the most frequent request.
        response = HttpResponse(status=204)
        response["Cache-Control"] = "no-store"
        return response
    response = _home_new_for_the_session(request, after)
    add_never_cache_headers(response)
    return response


def _home_new_for_the_session(request, after: int):
    """The poll's long way: the person from the session, their filters, the count."""
    person = request.user
    if not person.is_authenticated or not person.is_visible:
        if request.htmx:
            return HttpResponse(status=204)
        return redirect_to_login(reverse("home"))  # not this URL: it holds the token
    count = selectors.timelines.home_newer_count(user=person, after=after)
    if not count:
        return HttpResponse(status=204)
    return render(request, "follows/partials/new_posts_bar.html", {"count": count, "after": after})


@require_GET
@login_required
def home_newer(request):
    """The posts newer than ?after=, to insert at the top of the timeline (and a fresh poller)."""
    if not is_fragment(request):
        return redirect("home")
    after = query_id(request, "after") or 0
    page = selectors.timelines.home_newer(user=request.user, after=after)
    context = {
        "posts": page.items,
        "newest_id": page.head or after,
        "poll_seconds": settings.FEED_POLL_SECONDS,
        "poll_token": poll_token(request),
    }
    return render(request, "follows/partials/newer_posts.html", context)


@vary_on_headers("HX-Request")
def public(request):
    """Everyone's visible posts, newest first; for visitors too."""
    before = query_id(request, "before")
    page = selectors.timelines.public_timeline(viewer=request.user, before=before)
    return _posts_page(request, "follows/public.html", {}, page, reverse("follows:public"))


@vary_on_headers("HX-Request")
def people(request):
    """The directory: filter by industry, location, openness and a search; most active first."""
    form = PeopleFilterForm(request.GET or None)
    page = selectors.people.people_directory(
        viewer=request.user,
        before=parse_id_pair(request.GET.get("before")),
        **form.filters(),
    )
    context = {
        "form": form,
        "people": page.items,
        "next_url": next_page_url(request, reverse("follows:people"), page),
    }
    if is_fragment(request):
        if "before" in request.GET:
            return render(request, "follows/partials/people_page.html", context)
        return render(request, "follows/people.html#results", context)
    return render(request, "follows/people.html", context)


@vary_on_headers("HX-Request")
@login_required
def suggested(request):
    """Who to follow, each with the reason. htmx gets the home page's side panel list (five)."""
    if is_fragment(request):
        suggestions = selectors.suggestions.suggested_people(user=request.user, limit=5)
        return render(request, "follows/partials/suggestions.html", {"suggestions": suggestions})
    suggestions = selectors.suggestions.suggested_people(user=request.user, limit=30)
    return render(request, "follows/suggested.html", {"suggestions": suggestions})


def industries(request):
    """Every industry with how many people are in it."""
    industries = selectors.people.industries_with_counts()
    return render(request, "follows/industries.html", {"industries": industries})


@vary_on_headers("HX-Request")
def industry(request, slug):
    """The people in one industry and a timeline of their recent posts."""
    found = selectors.people.industry_with_count(slug)
    if found is None:
        raise Http404("No such industry")
    page = selectors.timelines.industry_timeline(
        industry=found, viewer=request.user, before=query_id(request, "before")
    )
    context = {"industry": found}
    if not ("before" in request.GET and is_fragment(request)):
        context["people"] = selectors.people.industry_people(industry=found, viewer=request.user)
    path = reverse("follows:industry", args=[found.slug])
    return _posts_page(request, "follows/industry.html", context, page, path)


@vary_on_headers("HX-Request")
def followers(request, username):
    return _follow_list(request, username, "followers")


@vary_on_headers("HX-Request")
def following(request, username):
    return _follow_list(request, username, "following")


def _follow_list(request, username: str, which: str):
    person = selectors.people.person_by_username(username)
    if person is None:
        raise Http404("No such person")
    select = selectors.people.followers_page
    if which == "following":
        select = selectors.people.following_page
    page = select(person=person, viewer=request.user, before=query_id(request, "before"))
    path = reverse(f"follows:{which}", args=[person.username])
    context = {
        "person": person,
        "which": which,
        "people": page.items,
        "next_url": next_page_url(request, path, page),
    }
    if is_fragment(request) and "before" in request.GET:
        return render(request, "follows/partials/people_page.html", context)
    return render(request, "follows/follow_list.html", context)


# --- follow / unfollow -------------------------------------------------------------------------


@require_POST
@login_required
def follow(request, username):
    return _follow_change(request, username, follow=True)


@require_POST
@login_required
def unfollow(request, username):
    return _follow_change(request, username, follow=False)


def _follow_change(request, username: str, *, follow: bool):
    person = get_object_or_404(User.objects.named(username))
    home = reverse("home")
    requested = False
    try:
        if follow:
            made = services.follow_create(follower=request.user, followee=person)
            requested = isinstance(made, FollowRequest)
        else:
            services.follow_delete(follower=request.user, followee=person)
    except ValidationError as error:
        return flash(request, error.messages[0], status=422, fallback=home)
    following = follow and not requested
    if not request.htmx:
        if requested:
            messages.success(request, f"You asked to follow {person.name}.")
        elif follow:
            messages.success(request, f"You follow {person.name} now.")
        else:
            messages.success(request, f"You no longer follow {person.name}.")
        return redirect_back(request, home)
    counts = selectors.people.follow_counts(people=[person, request.user])
    context = {
        "person": person,
        "following": following,
        "requested": requested,
        "next": safe_next(request, ""),
    }
    response = render(request, "follows/partials/follow_button.html", context)
    # Counts shown anywhere on the page (profile header, lists) update from this event.
    return trigger_client_event(
        response,
        "followChanged",
        {
            "username": person.username,
            "following": following,
            "followers": counts[person.pk][0],
            "viewer": request.user.username,
            "viewerFollowing": counts[request.user.pk][1],
        },
    )


# --- follow requests ---------------------------------------------------------------------------


@require_GET
@login_required
def follow_requests(request):
    """/follow-requests/: who asks to follow you, newest first, each with Accept and Reject."""
    before = query_id(request, "before")
    page = selectors.people.follow_requests_page(user=request.user, before=before)
    path = reverse("follows:requests")
    context = {"requests": page.items, "next_url": next_page_url(request, path, page)}
    if is_fragment(request) and before is not None:
        return render(request, "follows/follow_requests.html#request-page", context)
    return render(request, "follows/follow_requests.html", context)


@require_POST
@login_required
def follow_request_answer(request, username, answer):
    """Accept or reject one request. htmx gets the row back saying what was done; without
    JavaScript, back to the list with a message."""
    person = get_object_or_404(User.objects.named(username))
    accept = answer == "accept"
    try:
        answered = services.follow_request_answer(user=request.user, follower=person, accept=accept)
    except ValidationError as error:
        return flash(request, error.messages[0], status=422, fallback=reverse("follows:requests"))
    if not answered:
        raise Http404("No such request")
    done = f"{person.name} follows you now." if accept else f"You rejected {person.name}."
    if request.htmx:
        return render(request, "follows/follow_requests.html#request-answered", {"done": done})
    messages.success(request, done)
    return redirect("follows:requests")

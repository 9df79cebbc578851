"""Hostile parameters: every URL pattern, every parameter its view reads, no server error.

The URLs come from the permission walker (`url_patterns()` and its ROUTES table in
test_permissions.py), so a new view is walked here as soon as it has its entry there. The
parameters are discovered rather than listed: `RecordReadsMiddleware`, added to the settings by the
tests here, hands the view a `request.GET` and a `request.POST` that note each key the view asks
for (`get`, `[]`, `in`, `getlist`, iteration, copies), and `request.headers` that note whether it
asked for `HX-Request`. For each URL, role and method (GET, then POST) the walker
1. sends a plain and an htmx request with a probe parameter (so that forms built from
   `request.GET or None` are bound and read their fields) and notes what the view read; a method
   the view refuses (405 to both) is not walked further;
2. sends each HOSTILE value in each parameter read, one parameter at a time, plain and (when the
   view looked at `HX-Request`) htmx; a parameter first read on the way is fuzzed as well. For a
   POST these are its form fields and the query parameters read while answering it;
3. sends each of a shorter list (SHORT) in all the parameter names the project uses
   (PROJECT_QUERY, PROJECT_FORM) at once, so that a name read only on a branch the probe did not
   take is covered too; a server error there is traced to its parameter one name at a time.
It fails on any 5xx, and on a hostile HTML value reflected unescaped in an HTML page. The
report groups the failures by the line of our code the exception went through, then lists every
failing request (method, URL, role, parameter, value, status, exception). Run with `-s` to see
the figures and the parameters each view was found to read.
"""

import logging
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings as django_settings
from django.contrib import admin
from django.http import QueryDict
from django.http.request import HttpHeaders
from django.urls import resolve, reverse

from core.links import SAFE as SAFE_IN_PATH
from tests.security import test_permissions
from tests.security.test_permissions import (
    ADMIN,
    ANONYMOUS,
    HTMX,
    OTHER,
    ROUTES,
    WALKED_ELSEWHERE,
    Fixtures,
    client_for,
    person_for,
    url_patterns,
)

# The permission walker's fixture (a target person, their post, an industry, a tag...), which
# its ROUTES build URLs from.
walk_fixtures = test_permissions.fixtures

PROJECT_ROOT = Path(django_settings.BASE_DIR).resolve()

# --- recording what a view reads -----------------------------------------------------------------


@dataclass
class Reads:
    """What one request's view asked for; noted only while the view runs (`active`), not when
    outer middleware (the request log reads HX-Request) looks afterwards."""

    query: set[str] = field(default_factory=set)
    body: set[str] = field(default_factory=set)
    headers: set[str] = field(default_factory=set)
    active: bool = False


class RecordingQueryDict(QueryDict):
    """A QueryDict that notes the keys asked for. Iterating or copying it reads every key."""

    def __init__(self, query_string=None, mutable=False, encoding=None):
        super().__init__(query_string, mutable=mutable, encoding=encoding)
        self.reads = Reads()
        self.noted: set[str] = set()

    @classmethod
    def wrapping(cls, original: QueryDict, reads: Reads, noted: set[str]):
        recording = cls(mutable=True, encoding=original.encoding)
        for key, values in original.lists():
            recording.setlist(key, values)
        recording._mutable = False
        recording.reads, recording.noted = reads, noted
        return recording

    def _note(self, key):
        if self.reads.active:
            self.noted.add(key)

    def _note_all(self):
        if self.reads.active:
            self.noted.update(dict.keys(self))

    def __getitem__(self, key):
        self._note(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        self._note(key)
        return super().__contains__(key)

    def _getlist(self, key, *args, **kwargs):
        self._note(key)
        return super()._getlist(key, *args, **kwargs)

    def pop(self, key, *args):
        self._note(key)
        return super().pop(key, *args)

    def __iter__(self):
        self._note_all()
        return super().__iter__()

    def keys(self):
        self._note_all()
        return super().keys()

    def lists(self):
        self._note_all()
        return super().lists()

    def __copy__(self):
        result = super().__copy__()
        result.reads, result.noted = self.reads, self.noted
        return result

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result.reads, result.noted = self.reads, self.noted
        return result


class RecordingHeaders(HttpHeaders):
    def __init__(self, environ, reads: Reads):
        super().__init__(environ)
        self.reads = reads

    def __getitem__(self, key):
        if self.reads.active:
            self.reads.headers.add(key.lower())
        return super().__getitem__(key)


class RecordReadsMiddleware:
    """Test only, innermost: the view gets recording GET, POST and headers (see the module's
    docstring); `request.hostile_reads` holds what it read."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reads = Reads()
        request.GET = RecordingQueryDict.wrapping(request.GET, reads, reads.query)
        request.POST = RecordingQueryDict.wrapping(request.POST, reads, reads.body)
        request.headers = RecordingHeaders(request.META, reads)
        request.hostile_reads = reads
        reads.active = True
        try:
            return self.get_response(request)
        finally:
            reads.active = False


# --- what is sent ----------------------------------------------------------------------------

# A parameter is a place and a name: ("query", "before") or ("form", "text").
QUERY, FORM = "query", "form"
PROBE = "hostile_probe"

# Every parameter name the project reads somewhere, sent even where the probe saw none read.
PROJECT_QUERY = (
    "before",
    "after",
    "poll",
    "next",
    "q",
    "industry",
    "location",
    "open_to_collaborate",
    "in_reply_to",
    "invite",
    "page",
    "from",
    "to",
    "type",
    "order",
)
PROJECT_FORM = (
    "next",
    "state",
    "in_reply_to",
    "text",
    "client_token",
    "from",
    "inline",
    "category",
    "comment",
    "confirm",
    "invite",
    "username",
    "email",
    "password",
    "password1",
    "password2",
    "old_password",
    "new_password1",
    "new_password2",
    "display_name",
    "bio",
    "website",
    "location",
    "industry",
    "open_to_collaborate",
    "visibility",
    "to",
    "after",
    "default_visibility",
    "approve_followers",
    "messages_from",
    "discoverable",
)

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
LONG = "a" * 5000
# Lone surrogates are left out: they cannot be encoded in UTF-8, so no client can send one.
HOSTILE = (
    "²",  # str.isdigit() says yes, int() says no
    "٣",  # Arabic-Indic three: int() reads 3
    "１２",  # full-width digits: int() reads 12
    "-1",
    "0",
    "1" * 30,
    str(2**63 - 1),  # the largest id
    str(2**63),  # one past it
    "",
    " 1",
    "1.5",
    "1e3",
    "0x10",
    "\x00",
    LONG,
    "1 OR 1=1",
    "'; DROP TABLE posts_post;--",
    SCRIPT,
    IMG,
    "1.1",  # a directory cursor is "<activity>.<id>"
    "².1",
    "//evil.example/",  # for redirect targets
    "javascript:alert(1)",
    "\r\nX-Injected: 1",
    "\u202e🐱",
    "on",  # the values that choose a branch: state=on, from=settings
    "settings",
    ("1", "²"),  # the key twice: get() takes the last, getlist() both
)
# For the project's parameter names a view did not read (all sent at once, see the docstring).
SHORT = ("²", "٣", "1" * 30, str(2**63), "", "\x00", LONG, SCRIPT, "².1", "//evil.example/")
HTML_VALUES = (SCRIPT, IMG)


def shown(value) -> str:
    if isinstance(value, tuple):
        return " and ".join(shown(item) for item in value)
    if len(value) > 40:
        return f"{value[:1]!r} * {len(value)}"
    return repr(value)


def shown_url(path: str, query: dict) -> str:
    if not query:
        return path
    short = {
        key: [item if len(item) <= 40 else f"{item[:1]}...({len(item)} chars)" for item in items]
        for key, items in query.items()
    }
    return f"{path}?{urlencode(short, doseq=True)}"


def as_list(value) -> list[str]:
    return list(value) if isinstance(value, tuple) else [value]


# --- the walk -------------------------------------------------------------------------------


@dataclass
class Sent:
    method: str
    path: str
    query: dict
    form: dict | None
    htmx: bool
    parameters: str  # what was hostile, for the report
    value: object


@dataclass
class Walker:
    role: str
    person: object
    client: object = None
    requests: int = 0
    statuses: Counter = field(default_factory=Counter)
    sign_ins: int = 0
    failures: dict = field(default_factory=dict)  # report line: the bug it shows, in order found
    discovered: dict = field(default_factory=dict)  # "GET /url": (parameters read, htmx too)

    def __post_init__(self):
        self.client = self.new_client()

    def new_client(self):
        self.sign_ins += self.person is not None
        return client_for(self.person, raise_request_exception=False)

    def send(self, sent: Sent):
        headers = HTMX if sent.htmx else {}
        session_before = self.client.cookies.get(django_settings.SESSION_COOKIE_NAME)
        if sent.method == "GET":
            response = self.client.get(sent.path, sent.query, **headers)
        else:
            path = f"{sent.path}?{urlencode(sent.query, doseq=True)}" if sent.query else sent.path
            response = self.client.post(path, sent.form, **headers)
        self.requests += 1
        self.statuses[response.status_code] += 1
        self.check(sent, response)
        reads = getattr(response.wsgi_request, "hostile_reads", Reads())
        # A value that logged the walker out (or into a new session) ends its signed-in walk:
        # sign in again.
        cookie = response.cookies.get(django_settings.SESSION_COOKIE_NAME)
        new_session = cookie is not None and (
            session_before is None or cookie.value != session_before.value
        )
        if self.person is not None and new_session:
            self.client = self.new_client()
        if response.streaming:
            # Read to the end, a streamed answer (a file) closes itself as the test client
            # arranges; close() called here would also close the test's database connection.
            b"".join(response.streaming_content)
        return response, reads

    def check(self, sent: Sent, response):
        status = response.status_code
        where = f"{sent.method} {shown_url(sent.path, sent.query)} as {self.role}"
        where += " (htmx)" if sent.htmx else ""
        what = f"{sent.parameters} = {shown(sent.value)}"
        if status >= 500:
            bug, message = describe_exception(getattr(response, "exc_info", None))
            self.failures.setdefault(f"{where}: {status}, {what}: {message}", bug)
            return
        # Any page (a form sent back with its errors too), not only a 200.
        html_sent = [value for value in as_list(sent.value) if value in HTML_VALUES]
        if (
            html_sent
            and not response.streaming
            and response.get("Content-Type", "").startswith("text/html")
        ):
            body = response.content.decode(errors="replace")
            for value in html_sent:
                if value in body:
                    bug = f"{value!r} reflected unescaped in {sent.method} {sent.path}"
                    line = f"{where}: {status}, {what}: reflected unescaped"
                    self.failures.setdefault(line, bug)

    def walk(self, url: str):
        path, _, query_string = url.partition("?")
        base_query = dict(QueryDict(query_string).lists())
        fuzzed_with_get = self.walk_method("GET", path, base_query)
        self.walk_method("POST", path, base_query, fuzzed_with_get)

    def walk_method(self, method: str, path: str, base_query: dict, fuzzed=frozenset()) -> set:
        """Walk `path` with `method`; the parameters fuzzed (see the module's docstring)."""
        done, pending, htmx_matters = set(), set(), False
        skip = {(QUERY, PROBE), (FORM, PROBE)}

        def send(parameters: tuple, value, htmx: bool, label: str | None = None):
            """Send `value` in each of `parameters`; note what the view read."""
            nonlocal htmx_matters
            query, form = {**base_query}, {} if method == "POST" else None
            for place, name in parameters:
                (query if place == QUERY else form)[name] = as_list(value)
            label = label or ", ".join(f"{place} {name}" for place, name in parameters)
            response, reads = self.send(Sent(method, path, query, form, htmx, label, value))
            htmx_matters |= "hx-request" in reads.headers
            read = {(QUERY, name) for name in reads.query}
            if method == "POST":  # a GET's form is empty: nothing to fuzz there
                read |= {(FORM, name) for name in reads.body}
            pending.update(read - done - skip)
            return response

        def variants():
            return (False, True) if htmx_matters else (False,)

        # 1. What the view reads, plain and htmx, with a probe so that forms are bound.
        probe = (QUERY, PROBE) if method == "GET" else (FORM, PROBE)
        answers = {send((probe,), "1", htmx, "the probe").status_code for htmx in (False, True)}
        if answers == {405} and not pending:
            return done  # the view does not take this method: it never ran, and will not
        if not any(place == FORM for place, _name in pending):
            # A page that answers a POST as its GET (reading no form) reads the same query
            # parameters: they were fuzzed with the GET.
            skip |= fuzzed
            pending -= skip

        place = QUERY if method == "GET" else FORM
        extras = {(place, name) for name in (PROJECT_QUERY if method == "GET" else PROJECT_FORM)}
        extras_sent = False
        while True:
            # 2. Each parameter read, alone, with every value (and any it leads to).
            while pending:
                parameter = min(pending)
                pending.discard(parameter)
                done.add(parameter)
                for value in HOSTILE:
                    for htmx in variants():
                        send((parameter,), value, htmx)
            if extras_sent:
                break
            # 3. The project's names the view has not read, all at once (then back to 2 for any
            # the view read).
            unread, extras_sent = tuple(sorted(extras - done)), True
            for value in SHORT if unread else ():
                for htmx in variants():
                    before = set(self.failures)
                    if send(unread, value, htmx).status_code < 500:
                        continue
                    # Which one? One at a time; the combined line stays only if none fails alone.
                    combined = set(self.failures) - before
                    alone = [send((one,), value, htmx).status_code >= 500 for one in unread]
                    if any(alone):
                        for line in combined:
                            del self.failures[line]
        parameters = sorted(f"{place} {name}" for place, name in done)
        self.discovered[f"{method} {shown_url(path, base_query)}"] = (parameters, htmx_matters)
        return done

    def report(self) -> str:
        bugs: dict[str, list[str]] = {}
        for line, bug in self.failures.items():
            bugs.setdefault(bug, []).append(line)
        lines = [
            f"{len(self.failures)} hostile requests as {self.role} failed, "
            f"from {len(bugs)} places in the code:"
        ]
        for bug, examples in bugs.items():
            lines += [f"  {len(examples):4} x {bug}", f"         e.g. {examples[0]}"]
        lines += ["Every failing request:"] + [f"  {line}" for line in self.failures]
        return "\n".join(lines)


def describe_exception(exc_info) -> tuple[str, str]:
    """The bug (the exception's type, and the last line of our code it went through) and the
    exception's message."""
    if not exc_info:
        return "a 5xx answered by the view itself", "no exception"
    kind, error, tb = exc_info
    message = str(error).splitlines()[0] if str(error) else ""
    message = f"{kind.__name__}: {message[:120]}{'...' if len(message) > 120 else ''}"
    ours = [frame for frame in traceback.extract_tb(tb) if is_ours(frame.filename)]
    if not ours:
        return f"{kind.__name__} outside our code", message
    frame = ours[-1]
    path = Path(frame.filename).resolve().relative_to(PROJECT_ROOT)
    return f"{kind.__name__} at {path}:{frame.lineno} in {frame.name}: {frame.line}", message


def is_ours(filename: str) -> bool:
    path = Path(filename).resolve()
    return path.is_relative_to(PROJECT_ROOT) and not path.is_relative_to(PROJECT_ROOT / ".venv")


# --- the tests ------------------------------------------------------------------------------


@pytest.fixture
def hostile_settings(settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, f"{__name__}.RecordReadsMiddleware"]
    # Thousands of requests from one person and one address: no rate limit or lockout may
    # answer in the view's place.
    settings.RATE_LIMITS = dict.fromkeys(settings.RATE_LIMITS, "1000000/1h")
    settings.AXES_FAILURE_LIMIT = 1_000_000
    # One log line per request (and a traceback per 500) would bury the assertion's report;
    # the report carries each exception.
    logging.disable(logging.CRITICAL)
    yield settings
    logging.disable(logging.NOTSET)


def routes_to_walk() -> list[tuple[str, str]]:
    walked = [(key, route) for key, route in url_patterns() if key not in WALKED_ELSEWHERE]
    missing = [key for key, _route in walked if key not in ROUTES]
    assert not missing, (
        f"No ROUTES entry in tests/security/test_permissions.py for {missing}: the walker cannot "
        "build their URLs (test_every_url_pattern_has_an_expectation says which entry to add)"
    )
    return walked


@pytest.mark.parametrize("role", [ANONYMOUS, OTHER])
def test_no_hostile_parameter_makes_a_server_error(hostile_settings, walk_fixtures: Fixtures, role):
    walker = Walker(role, person_for(role, walk_fixtures))
    started = time.perf_counter()
    walked = routes_to_walk()
    for key, _route in walked:
        walker.walk(ROUTES[key].url(walk_fixtures))
    seconds = time.perf_counter() - started

    print(
        f"\nHostile parameters as {role}: {len(walked)} URL patterns, {walker.requests} requests "
        f"in {seconds:.1f} s (signed in {walker.sign_ins} times); answers "
        + ", ".join(f"{status}: {count}" for status, count in sorted(walker.statuses.items()))
    )
    for label, (parameters, htmx) in walker.discovered.items():
        if parameters:
            print(f"  {label}{' (htmx too)' if htmx else ''} reads {', '.join(parameters)}")
    # The recorder itself: every public timeline reads ?before=, whoever asks.
    assert walker.discovered["GET /public/"][0] == ["query before"], "the recorder saw no reads"
    if walker.failures:
        pytest.fail(walker.report(), pytrace=False)


ADMIN_KEYS = ("q", "o", "p")  # search, ordering, page
ADMIN_VALUES = ("²", "-1", "1" * 30, "", "\x00", LONG, SCRIPT, "1.²")


def test_admin_changelists_take_hostile_search_order_and_page(hostile_settings, walk_fixtures):
    walker = Walker(ADMIN, person_for(ADMIN, walk_fixtures))
    started = time.perf_counter()
    changelists = [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in admin.site._registry
    ]
    for path in changelists:
        for name in ADMIN_KEYS:
            for value in ADMIN_VALUES:
                walker.send(Sent("GET", path, {name: [value]}, None, False, f"query {name}", value))
    seconds = time.perf_counter() - started

    print(
        f"\nAdmin changelists: {len(changelists)}, {walker.requests} requests in {seconds:.1f} s; "
        "answers " + ", ".join(f"{status}: {n}" for status, n in sorted(walker.statuses.items()))
    )
    assert walker.statuses[200], "the admin opened no changelist"
    if walker.failures:
        pytest.fail(walker.report(), pytrace=False)


# Path arguments a stranger can type: each replaces one argument of each URL in turn. Digits of
# other scripts and numbers past 64 bits must not reach the database; NUL must not either
# (PostgreSQL refuses it in text); the rest must be matched, refused or shown inert.
PATH_VALUES = (
    "²",
    "٣",
    "１２",
    "-1",
    "0",
    "1" * 30,
    str(2**63),
    "\x00",
    "a\x00b",
    "a" * 300,
    SCRIPT,
    "' OR 1=1--",
    "..",
    "%",
    "a b",
    "\u202egnp",
    "😀",
)


@pytest.mark.parametrize("role", [ANONYMOUS, OTHER])
def test_no_hostile_path_argument_makes_a_server_error(hostile_settings, walk_fixtures, role):
    """Every argument in every URL pattern's path (a username, a post id, a tag, a slug, a
    reset token, a media path), replaced with each hostile value, by GET and by POST."""
    walker = Walker(role, person_for(role, walk_fixtures))
    arguments = 0
    for key, _route in routes_to_walk():
        path = ROUTES[key].url(walk_fixtures).partition("?")[0]
        for name, value in resolve(path).kwargs.items():
            piece = quote(str(value), safe=SAFE_IN_PATH)
            if piece not in path:
                continue
            arguments += 1
            for hostile in PATH_VALUES:
                bad = path.replace(piece, quote(hostile, safe=""), 1)
                for method, form in (("GET", None), ("POST", {})):
                    walker.send(Sent(method, bad, {}, form, False, f"path {name}", hostile))

    print(f"\nHostile path arguments as {role}: {arguments} arguments, {walker.requests} requests")
    assert arguments >= 8, "the walker found too few path arguments to replace"
    if walker.failures:
        pytest.fail(walker.report(), pytrace=False)

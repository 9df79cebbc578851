"""The floor for benchmarks: the site's own settings and middleware, signed in, and a view that
does nothing else. What every signed-in page pays before its own work (session and user queries,
CSRF, CSP, htmx, suspension check...), to set beside the ceiling and the real pages."""

from microblog.settings import *  # noqa: F403

ROOT_URLCONF = "bench.floor_urls"

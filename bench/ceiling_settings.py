"""The ceiling for benchmarks: the same project and gunicorn, no middleware, one trivial view."""

from microblog.settings import *  # noqa: F403

MIDDLEWARE = []
ROOT_URLCONF = "bench.ceiling_urls"

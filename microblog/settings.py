"""Settings for microblog. Everything that differs between machines comes from the environment.

The defaults are for development on one machine (SQLite, console email, DEBUG on). A production
deployment sets DEBUG=0 and a real SECRET_KEY; the site refuses to start otherwise.
"""

import contextlib
import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

DEVELOPMENT_SECRET_KEY = "django-insecure-development-key-never-use-this-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
# A leaked or default key lets anyone forge sessions and password-reset links, so a production
# process (DEBUG off) must never run with it.
if not DEBUG and (SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random string of at least 50 characters when DEBUG is off."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

DATA_DIR = Path(os.environ.get("DATA_DIR", BASE_DIR / "data"))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp_webauthn",
    "django_tasks_db",
    "django_tasks_redis",  # its admin, shown only when the queue is Redis (core.admin)
    "oauth2_provider",
    "corsheaders",
    "core",
    "accounts",
    "security",
    "posts",
    "follows",
    "conversations",
    "search",
    "moderation",
    "api",
]

MIDDLEWARE = [
    "core.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Before CommonMiddleware, as django-cors-headers asks: it answers preflight requests.
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session passed a second factor.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.middleware.RateLimitMiddleware",
    "moderation.middleware.EndSuspendedSessionsMiddleware",
    "accounts.middleware.PendingApprovalMiddleware",
    "security.middleware.SignInMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into our "too many attempts" page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "microblog.urls"
WSGI_APPLICATION = "microblog.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.site",
            ],
        },
    },
]

# Database: SQLite in DATA_DIR unless DATABASE_URL says otherwise.
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'db.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite creates the file but not its folder: a fresh checkout has no data/ yet. If the folder
    # cannot be made, the database is unreachable and /healthz says so.
    with contextlib.suppress(OSError):
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets readers work while one writer writes; IMMEDIATE transactions take the write lock
    # up front, so two writers queue on the busy timeout instead of failing with "database is
    # locked" half way through a transaction.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("SQLITE_BUSY_TIMEOUT", 20),
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    options = DATABASES["default"].setdefault("OPTIONS", {})
    if env_bool("JIT_OFF", True):
        # PostgreSQL's JIT compiles plans it estimates expensive, and compiling took longer than
        # running the who-to-follow query (bench/README.md). A web app's queries are short.
        # Added to any options the URL gives. Behind a pooler that refuses startup options, set
        # JIT_OFF=0 and run ALTER DATABASE ... SET jit = off instead.
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
    if env_bool("PG_PREPARED", True):
        # Server-side parameters, so psycopg prepares a statement run 5 times on a connection
        # and PostgreSQL stops planning it each time (the post cards' query has ten joins).
        # Prepared statements live in a connection: behind PgBouncer in
        # transaction mode, set PG_PREPARED=0.
        options.setdefault("server_side_binding", True)
        options.setdefault("prepare_threshold", 5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Indexes carrying extra columns (INCLUDE) are a PostgreSQL speed-up; SQLite builds them without.
SILENCED_SYSTEM_CHECKS = [
    "models.W040",
    # RFC 9700's advice that Mastodon's apps cannot follow: PKCE is optional (most apps and
    # Mastodon.py send none) and http:// return addresses are allowed (apps on a loopback
    # address; Mastodon allows them).
    "oauth2_provider.W008",
    "oauth2_provider.W010",
    # Not adopted yet, untested with the apps: the `iss` parameter in the authorization
    # response, and tokens stored hashed (the toolkit stores each token with its SHA-256,
    # which is how the API looks them up).
    "oauth2_provider.W005",
    "oauth2_provider.W006",
]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses logins from a locked-out address or for a locked-out account.
    "security.backends.LoginAttemptBackend",
    "accounts.backends.UsernameOrEmailBackend",
    # Signing in with a passkey alone (security.webauthn).
    "django_otp_webauthn.backends.WebAuthnBackend",
]
LOGIN_URL = "security:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Shared state (cache, rate limits, sessions) lives in the database, or in Redis when REDIS_URL is
# set: several gunicorn workers serve one site, so nothing of this may live in process memory.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "django_cache",
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Rendered post cards (posts.cards): each process keeps the last CARD_CACHE_ENTRIES it used (about
# 9 KB each in memory, so 2,000 is about 18 MB a worker); with Redis, processes and nodes also
# share them. A card's key names one immutable rendering, so a process's own copy is never stale.
CARD_CACHE_ENTRIES = env_int("CARD_CACHE_ENTRIES", 2000)
CARD_CACHE_SHARED = "default" if REDIS_URL else None

# Background tasks (django.tasks), run by `manage.py worker`, which `make run` starts beside the
# web server. Queued in the database (django-tasks-db: nothing more to run) or, by default when
# REDIS_URL is set, in Redis (django-tasks-redis: queueing and waiting cost the database nothing).
# TASKS_BACKEND=immediate runs each task inside the request that enqueues it (no worker; what the
# tests do). Each task is tried TASK_MAX_ATTEMPTS times, TASK_RETRY_SECONDS apart at first and
# doubling; one running longer than TASK_TIMEOUT_SECONDS is taken to have lost its worker and is
# taken up again.
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "redis" if REDIS_URL else "database")
TASK_MAX_ATTEMPTS = env_int("TASK_MAX_ATTEMPTS", 10)
TASK_RETRY_SECONDS = env_int("TASK_RETRY_SECONDS", 10)
TASK_TIMEOUT_SECONDS = env_int("TASK_TIMEOUT_SECONDS", 300)
if TASKS_BACKEND == "redis":
    if not REDIS_URL:
        raise ImproperlyConfigured("TASKS_BACKEND=redis needs REDIS_URL")
    TASKS = {
        "default": {
            "BACKEND": "django_tasks_redis.RedisTaskBackend",
            "OPTIONS": {
                "REDIS_URL": REDIS_URL,
                "REDIS_KEY_PREFIX": os.environ.get("TASKS_REDIS_PREFIX", "microblog:tasks"),
                # A message held this long by a consumer that has not finished it is taken
                # from it and run again; after this many starts the task fails for good.
                "REDIS_CLAIM_TIMEOUT": TASK_TIMEOUT_SECONDS,
                "REDIS_MAX_DELIVERIES": TASK_MAX_ATTEMPTS,
                # Finished tasks (failed ones too, for the admin) are kept a week.
                "REDIS_COMPLETED_TASK_TTL": 7 * 24 * 3600,
            },
        }
    }
else:
    TASKS = {
        "default": {
            "BACKEND": {
                "database": "django_tasks_db.DatabaseBackend",
                "immediate": "django.tasks.backends.immediate.ImmediateBackend",
            }[TASKS_BACKEND],
        }
    }

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Uploads (avatars, pictures, sound clips) in S3-compatible object storage when S3_BUCKET is set
# (django-storages): private objects, each read through a link signed for S3_URL_SECONDS, made
# only after the site has checked that the reader may see the file.
S3_BUCKET = os.environ.get("S3_BUCKET", "")
S3_ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL", "")
S3_URL_SECONDS = env_int("S3_URL_SECONDS", 300)
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": S3_ENDPOINT_URL or None,
            "region_name": os.environ.get("S3_REGION", "") or None,
            "access_key": os.environ.get("S3_ACCESS_KEY_ID", ""),
            "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY", ""),
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": S3_URL_SECONDS,
            "file_overwrite": False,
        },
    }

# Email (Django 6.1 mailers): printed to the console in development (DEBUG on, no EMAIL_HOST);
# otherwise SMTP, to EMAIL_HOST or to a mail server on this machine.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "" if DEBUG else "localhost")
if EMAIL_HOST:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": EMAIL_HOST,
                "port": env_int("EMAIL_PORT", 587 if EMAIL_HOST != "localhost" else 25),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", EMAIL_HOST != "localhost"),
                "timeout": 10,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
del EMAIL_HOST  # deprecated by MAILERS; read above only to choose the backend
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "microblog <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security headers. The CSP allows only our own scripts and styles (plus per-response nonces for
# the script tags we write), which is why htmx is configured without eval or inline styles.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "media-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
if S3_BUCKET:
    # Pictures and sound come from the object store, through signed links.
    _s3_origin = S3_ENDPOINT_URL.rstrip("/") or "https://*.amazonaws.com"
    SECURE_CSP["img-src"].append(_s3_origin)
    SECURE_CSP["media-src"].append(_s3_origin)
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
if not DEBUG:
    # Behind a reverse proxy that terminates TLS, set SECURE_PROXY_SSL_HEADER=1 so Django trusts
    # its X-Forwarded-Proto header, or SECURE_SSL_REDIRECT=0 if the proxy already redirects.
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # container health checks speak plain HTTP
    if env_bool("SECURE_PROXY_SSL_HEADER", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# JSON lines on standard output; LOG_FORMAT=plain for reading by eye in development.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "core.logs.JsonFormatter"},
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": sys.stdout,
            "formatter": os.environ.get("LOG_FORMAT", "json"),
        }
    },
    "root": {"handlers": ["stdout"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Our request lines replace these; django.server would repeat every request in runserver.
        "django.server": {"level": "WARNING"},
    },
}

SITE_NAME = os.environ.get("SITE_NAME", "microblog")
# What the instance documents (/api/v2/instance, NodeInfo) tell apps about the site.
SITE_DESCRIPTION = os.environ.get("SITE_DESCRIPTION", "")
SITE_CONTACT_EMAIL = os.environ.get("SITE_CONTACT_EMAIL", "")
SOURCE_URL = os.environ.get("SOURCE_URL", "")

# Rate limits, "<count>/<period>" with s, m, h or d; each overridable as RATE_LIMIT_<NAME>.
# Defaults as Mastodon's: 300 posts per 3 hours, 25 logins per 5 minutes, 400 follows a day.
RATE_LIMITS = {
    name: os.environ.get(f"RATE_LIMIT_{name.upper()}", default)
    for name, default in {
        "signup": "10/1h",
        "login": "25/5m",
        "password_reset": "5/1h",
        "post": "300/3h",
        "media": "30/30m",
        "export": "5/1h",
        "follow": "400/1d",
        "like": "600/1h",
        "report": "30/1h",
        "block": "200/1d",
        "two_factor": "10/15m",
        "email_change": "5/1h",
        "password_confirm": "10/15m",
        "search": "120/1m",
        # Registering client apps (POST /api/v1/apps), per address: anyone may, without an account.
        "api_app": "30/1h",
    }.items()
}
# Failed logins (django-axes, counted in the database so every worker sees them), per
# (account, address) pair and per address, never per account alone: after AXES_FAILURE_LIMIT
# failures, logins for that account from that address, or from that address at all, are refused
# for AXES_COOLOFF_MINUTES. A stranger cannot lock an account for its owner, and a browser that
# signed in to the account before (a signed cookie, KNOWN_BROWSER_DAYS) is never refused. A
# successful login resets the count. LOGIN_ALERT_FAILURES failures for one account within a
# day, from anywhere, email its owner once that day.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # no log of every successful login and its address
AXES_CLIENT_IP_CALLABLE = "security.backends.lockout_ip"
AXES_USERNAME_CALLABLE = "security.backends.lockout_username"
AXES_LOCKOUT_CALLABLE = "security.views.login_locked_out"
AXES_WHITELIST_CALLABLE = "security.backends.from_known_browser"
KNOWN_BROWSER_DAYS = env_int("KNOWN_BROWSER_DAYS", 365)
LOGIN_ALERT_FAILURES = env_int("LOGIN_ALERT_FAILURES", 10)
AXES_VERBOSE = False

# Two-factor sign-in (django-otp): the name authenticator apps show beside the account. Code
# attempts at login count against RATE_LIMITS["two_factor"], and django-otp pauses a person's
# codes for a moment after each wrong one, doubling each time.
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "") or os.environ.get("SITE_NAME", "microblog")
# The admin never shows anyone's authenticator secret.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Security keys and passkeys (django-otp-webauthn): bound to the host name the site is served
# under; WEBAUTHN_ORIGINS adds origins beside the one a request comes to (comma-separated).
OTP_WEBAUTHN_RP_ID_CALLABLE = "security.webauthn.rp_id"
OTP_WEBAUTHN_RP_NAME_CALLABLE = "security.webauthn.rp_name"
OTP_WEBAUTHN_HELPER_CLASS = "security.webauthn.Helper"
OTP_WEBAUTHN_ALLOWED_ORIGINS = env_list("WEBAUTHN_ORIGINS", "") or [
    f"https://{host}" for host in ALLOWED_HOSTS if not host.startswith((".", "*"))
]
OTP_WEBAUTHN_EXCEPTION_LOGGER_NAME = "security.webauthn"
# How long the link that confirms a new email address works.
EMAIL_CHANGE_HOURS = env_int("EMAIL_CHANGE_HOURS", 24)

# Who may read the Prometheus metrics at /metrics (addresses or networks, comma-separated, as
# client_ip sees them); everyone else gets a 404. Nobody by default: behind a proxy on the same
# machine every visitor would look like 127.0.0.1.
METRICS_ALLOWED = env_list("METRICS_ALLOWED", "")

# Trust X-Forwarded-For for client addresses (rate limits) only behind a proxy that sets it.
USE_X_FORWARDED_FOR = env_bool("USE_X_FORWARDED_FOR", False)

# Home timelines (follows app). The home page asks for newer posts every FEED_POLL_SECONDS. Each
# timeline keeps about TIMELINE_MAX_ENTRIES newest posts (older pages are read from the posts
# table), trimmed in batches (each timeline is checked about every TIMELINE_TRIM_EVERY new posts);
# following someone copies their newest TIMELINE_BACKFILL posts in.
FEED_POLL_SECONDS = env_int("FEED_POLL_SECONDS", 30)
# An open conversation asks for new messages every MESSAGES_POLL_SECONDS (a 204 when none).
MESSAGES_POLL_SECONDS = env_int("MESSAGES_POLL_SECONDS", 5)
# The poll's signed token (whose timeline) lasts a day; an older page's poll reads the session.
FEED_POLL_TOKEN_SECONDS = 24 * 60 * 60
TIMELINE_MAX_ENTRIES = env_int("TIMELINE_MAX_ENTRIES", 800)
TIMELINE_TRIM_EVERY = env_int("TIMELINE_TRIM_EVERY", 200)
TIMELINE_BACKFILL = env_int("TIMELINE_BACKFILL", 200)
# A post reaches its author's followers' timelines in background tasks of this many followers.
FAN_OUT_BATCH = env_int("FAN_OUT_BATCH", 1000)

# The client API (api/): OAuth 2 by django-oauth-toolkit, shaped as Mastodon's. Scopes are
# Mastodon's; a broad one ("read") covers its granular ones ("read:statuses"): api.scopes.
OAUTH2_PROVIDER = {
    "SCOPES_BACKEND_CLASS": "api.scopes.MastodonScopes",
    "OAUTH2_VALIDATOR_CLASS": "api.oauth.Validator",
    # PKCE when the app sends it (Phanpy does), not required: most apps and Mastodon.py send none.
    "PKCE_REQUIRED": False,
    # Mastodon's tokens last until revoked; apps do not refresh them.
    "ACCESS_TOKEN_EXPIRE_SECONDS": env_int("API_TOKEN_EXPIRE_SECONDS", 10 * 365 * 86400),
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 600,
    "ROTATE_REFRESH_TOKEN": True,
    # Native apps come back through their own URI schemes (ivory://, tusky://): an app may use
    # any scheme it registered (api.oauth.AuthorizeView), except those a browser would run.
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https", "http"],
    "ALLOWED_SCHEMES": ["https", "http"],
    "REQUEST_APPROVAL_PROMPT": "force",
    # RFC 9700 (OAuth 2.0 Security BCP), where Mastodon's apps allow it: no implicit or password
    # grant, PKCE's S256 only, tokens only in the Authorization header, a replayed refresh token
    # ends its whole family.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
}
# The toolkit's own models, named so that migrations referring to the swappable application
# model resolve (makemigrations needs the setting to exist).
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
# Browser clients (Elk, Phanpy) call the API from their own origins with a token, never a
# cookie: any origin may, for the API and OAuth token paths only.
CORS_ALLOW_ALL_ORIGINS = True
CORS_URLS_REGEX = r"^/(api/|oauth/token|oauth/revoke|\.well-known/|nodeinfo/)"
CORS_EXPOSE_HEADERS = ["Link", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"]
CORS_ALLOW_HEADERS = ["authorization", "content-type", "idempotency-key", "accept"]
CORS_ALLOW_CREDENTIALS = False
# The version clients read from /api/v1/instance: Mastodon's API level first (masto.js and
# Mastodon.py parse it as semver), then ours.
API_COMPATIBLE_VERSION = "4.3.0"

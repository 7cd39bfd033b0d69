"""Twoway settings: one module, read from the environment.

With nothing set, Twoway runs for development: SQLite in ``var/``, email to the
console and to ``var/mail/``, Celery on kombu's filesystem transport in
``var/celery/``. ``DATABASE_URL`` and ``REDIS_URL`` switch to PostgreSQL and
Redis. ``DJANGO_ENV=production`` (or ``DEBUG=false``) turns on production mode,
which refuses to start without ``SECRET_KEY`` and ``ALLOWED_HOSTS``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("TWOWAY_VAR_DIR", BASE_DIR / "var"))

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")


def _secret(name: str, default: str | None = None) -> str | None:
    """A secret from ``NAME`` or from the file named by ``NAME_FILE`` (Docker secrets)."""
    path = env.str(f"{name}_FILE", default="")
    if path:
        try:
            return Path(path).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={path} cannot be read: {exc}") from exc
    return env.str(name, default=default)


def _redis_url_for_test_process(url: str) -> str:
    """Under pytest-xdist, test process ``gwN`` uses Redis database (REDIS_URL's + N).

    The tests flush their database (``cache.clear()``) and run real Celery workers on it, so
    parallel processes must not share one. Redis has databases 0 to 15 unless configured
    otherwise: a base too high for the number of processes fails here, at start.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker:
        return url
    parsed = urlsplit(url)
    base = int(parsed.path.strip("/") or 0)
    last = base + int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")) - 1
    if last > 15:
        raise ImproperlyConfigured(
            f"REDIS_URL names database {base}, and the test processes would need databases "
            f"{base} to {last}: Redis has 0 to 15. Use a lower database or fewer processes (-n)."
        )
    return urlunsplit(parsed._replace(path=f"/{base + int(worker.removeprefix('gw'))}"))


# ---------------------------------------------------------------------------
# Mode
# ---------------------------------------------------------------------------
DJANGO_ENV = env.str("DJANGO_ENV", default="development")
if DJANGO_ENV not in {"development", "production", "test"}:
    raise ImproperlyConfigured(
        f"DJANGO_ENV must be development, production or test, not {DJANGO_ENV!r}"
    )
# pytest (8.2+) sets PYTEST_VERSION while it runs; the test overrides below key off it.
TESTING = DJANGO_ENV == "test" or "PYTEST_VERSION" in os.environ
DEBUG = env.bool("DEBUG", default=DJANGO_ENV == "development" and not TESTING)
PRODUCTION = DJANGO_ENV == "production" or (not DEBUG and not TESTING)

SECRET_KEY = _secret("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
if PRODUCTION:
    missing = [
        name
        for name, value in (("SECRET_KEY", SECRET_KEY), ("ALLOWED_HOSTS", ALLOWED_HOSTS))
        if not value
    ]
    if missing:
        raise ImproperlyConfigured(
            "Production mode needs " + " and ".join(missing) + " set in the environment."
        )
else:
    SECRET_KEY = SECRET_KEY or "django-insecure-twoway-development-key-not-for-production-use"  # noqa: S105
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]", "testserver"]

# Encrypts the secrets organizations paste in (their identity provider's client secret): a
# Fernet key (`python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key())"`).
# Unset, a key derived from SECRET_KEY is used; either way, lose it and those secrets are lost.
IDENTITY_SECRET_KEY = _secret("IDENTITY_SECRET_KEY")

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_NAME = "Twoway"
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Where a meeting happens: the Jitsi Meet server Twoway makes rooms on, and the hosts of video
# links people may paste besides Zoom, Teams, Meet, Whereby and that server (comma-separated).
JITSI_URL = env.str("JITSI_URL", default="https://meet.jit.si").rstrip("/")
MEETING_VIDEO_HOSTS = env.list("MEETING_VIDEO_HOSTS", default=[])

# ---------------------------------------------------------------------------
# Applications
# ---------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # third party
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_celery_beat",
    "django_htmx",
    "rest_framework",
    "oauth2_provider",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Twoway, bottom of the dependency order first
    "accounts",
    "notifications",
    "programs",
    "goals",
    "matching",
    "meetings",
    "conversations",
    "identity",
    "reports",
    "api",
    "privacy",
    # the project itself: management commands that span every app (seed_demo)
    "mentorship",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "mentorship.middleware.host_header_middleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "mentorship.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "accounts.middleware.UserTimezoneMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "programs.middleware.MfaRequiredMiddleware",
]

ROOT_URLCONF = "mentorship.urls"
WSGI_APPLICATION = "mentorship.wsgi.application"
ASGI_APPLICATION = "mentorship.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mentorship.context_processors.navigation",
            ],
        },
    },
]

# ---------------------------------------------------------------------------
# Database
# ---------------------------------------------------------------------------
# An empty DATABASE_URL (as compose files often pass) means "not set".
DATABASE_URL = env.str("DATABASE_URL", default="") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
DATABASES = {"default": env.db_url_config(DATABASE_URL)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A fresh clone has no var/ yet, and SQLite will not create the folder.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # Web, worker and beat share one SQLite file in development: wait for locks
    # instead of failing, and take the write lock at BEGIN so that a reader
    # upgrading to a writer cannot deadlock.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ---------------------------------------------------------------------------
# Cache and Celery
# ---------------------------------------------------------------------------
# Parallel test processes (pytest-xdist) each get their own Redis database.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL and TESTING:
    REDIS_URL = _redis_url_for_test_process(REDIS_URL)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "twoway-test" if TESTING else "twoway",
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {"visibility_timeout": 3600}
else:
    # The file cache is shared by web, worker and beat, so allauth's rate limits
    # hold across processes in development too.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
    CELERY_BROKER_DIR = VAR_DIR / "celery"
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }

# Sessions are read from the cache and written through to the database (mentorship/sessions.py):
# a signed-in page reads no session row. A session is kept at most this long, then read again.
SESSION_ENGINE = "mentorship.sessions"
SESSION_CACHE_SECONDS = env.int("SESSION_CACHE_SECONDS", default=300)

CELERY_TIMEZONE = "UTC"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 4 * 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)

# ---------------------------------------------------------------------------
# Accounts (django-allauth)
# ---------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "signup": "accounts.forms.SignupForm",
    "login": "identity.forms.LoginForm",
    "reset_password": "identity.forms.ResetPasswordForm",
}
# Single sign-on: the organizations' providers come from identity.SsoProvider (identity.adapter);
# a first sign-in makes the account at once, with the address the provider vouches for.
SOCIALACCOUNT_ADAPTER = "identity.adapter.SocialAccountAdapter"
SOCIALACCOUNT_FORMS = {"disconnect": "identity.forms.DisconnectForm"}
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_REQUIRED = True
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_STORE_TOKENS = False
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Twoway] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
# allauth's defaults, written out so that nobody turns them off by accident.
ACCOUNT_RATE_LIMITS = {
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reset_password": "20/m/ip,5/m/key",
    "reauthenticate": "10/m/user",
    "reset_password_from_key": "20/m/ip",
    "signup": "20/m/ip",
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "confirm_email": "1/3m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = SITE_NAME
# Staff and program admins must set up TOTP before they can use the site (programs/mfa.py).
MFA_REQUIRED_FOR_ADMINS = env.bool("MFA_REQUIRED_FOR_ADMINS", default=PRODUCTION)
# The client's address, for allauth's per-IP rate limits: with no trusted proxy it is the
# connection's own (REMOTE_ADDR), so behind a proxy every client would share one bucket. With N
# proxies of ours in front, each appending to X-Forwarded-For, it is the N-th entry from the
# right (what the nearest proxy saw); entries further left are the client's word, never trusted.
# TRUSTED_CLIENT_IP_HEADER instead names a header that the proxy alone sets (X-Real-IP,
# CF-Connecting-IP); it then wins over X-Forwarded-For.
_proxies = env.str("TRUSTED_PROXY_COUNT", default="").strip() or "0"
if not _proxies.isdigit():
    raise ImproperlyConfigured(f"TRUSTED_PROXY_COUNT must be 0 or more, not {_proxies!r}")
ALLAUTH_TRUSTED_PROXY_COUNT = int(_proxies)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env.str("TRUSTED_CLIENT_IP_HEADER", default="") or None

# ---------------------------------------------------------------------------
# Email
# ---------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Twoway <twoway@localhost>")
# Replies by email: mail to <handler>+<token>@INBOUND_EMAIL_DOMAIN reaches Twoway through
# `manage.py receive_email` (an MTA's pipe) or POST /inbound/email/ with this secret as a Bearer
# token (a provider's inbound webhook). An empty domain: emails carry no reply address.
INBOUND_EMAIL_DOMAIN = env.str("INBOUND_EMAIL_DOMAIN", default="")
INBOUND_EMAIL_SECRET = env.str("INBOUND_EMAIL_SECRET", default="")
INBOUND_EMAIL_MAX_BYTES = env.int("INBOUND_EMAIL_MAX_BYTES", default=1_000_000)
# Webhooks to private, loopback or link-local addresses: refused in production (another system's
# address is on the internet; one inside would let a webhook probe the servers near Twoway).
WEBHOOKS_ALLOW_PRIVATE = env.bool("WEBHOOKS_ALLOW_PRIVATE", default=not PRODUCTION)
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
elif PRODUCTION:
    # A local MTA (or a relay sidecar) on port 25; EMAIL_URL names any other.
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    EMAIL_BACKEND = "notifications.mail_backends.ConsoleAndFileBackend"

# ---------------------------------------------------------------------------
# Internationalisation and time
# ---------------------------------------------------------------------------
# English is the source language; each person picks theirs in their settings (before they do, the
# browser's choice). Adding a language: README, "Languages".
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("de", "Deutsch"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "twoway_language"
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# ---------------------------------------------------------------------------
# Static files
# ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
# Uploaded files (profile photos): a folder here, or any S3-compatible bucket when
# STORAGE_S3_BUCKET is set (AWS, MinIO, Ceph, Garage…; see the README). Never served as static
# files: a view checks who may see each one.
MEDIA_ROOT = Path(
    env.str("MEDIA_ROOT", default=str(VAR_DIR / ("test-media" if TESTING else "media")))
)
STORAGE_S3_BUCKET = env.str("STORAGE_S3_BUCKET", default="")
DEFAULT_STORAGE: dict[str, Any] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
if STORAGE_S3_BUCKET:
    DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": STORAGE_S3_BUCKET,
            "endpoint_url": env.str("STORAGE_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("STORAGE_S3_REGION", default="") or None,
            "access_key": env.str("STORAGE_S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("STORAGE_S3_SECRET_ACCESS_KEY", default="") or None,
            "location": env.str("STORAGE_S3_PREFIX", default=""),
            "default_acl": None,  # private objects: the bucket is never public
            "file_overwrite": False,
        },
    }
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# ---------------------------------------------------------------------------
# The API (api/)
# ---------------------------------------------------------------------------
# Requests per personal access token; beyond it, 429 with Retry-After. "<n>/<second|minute|
# hour|day>"; counted in the cache (Redis in production, shared by every app server).
API_RATE_LIMIT = env.str("API_RATE_LIMIT", default="1200/minute")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.TokenAuthentication",
        "api.authentication.IntegrationAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.problems.problem_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# An organization's integrations get access tokens by OAuth 2.0 client credentials
# (/api/v1/oauth/token/), valid an hour; the client secret is kept hashed.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER = {
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    "SCOPES": {
        "programs:read": "Read programs",
        "participants:read": "Read participants",
        "mentorships:read": "Read mentorships",
        "requests:read": "Read requests",
        "checkins:read": "Read check-in figures",
        "audit:read": "Read audit logs",
    },
    "DEFAULT_SCOPES": [],
    "OAUTH2_VALIDATOR_CLASS": "api.integrations.IntegrationValidator",
    # RFC 9700 (the OAuth 2.0 security best current practice), as django-oauth-toolkit 4 will
    # require: tokens kept hashed, only in the Authorization header, no implicit or password
    # grant, https redirects only (Twoway itself uses client credentials alone).
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Twoway API",
    "DESCRIPTION": (
        "Read what happens in your mentoring programs, with exactly the access you have on "
        "the site. Authenticate with a personal access token (Settings › API tokens) as "
        "`Authorization: Bearer <key>`. Lists are cursor-paginated in a stable order; "
        "`updated_since` reads only what changed; errors are RFC 9457 problem details."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# ---------------------------------------------------------------------------
# Forms and messages
# ---------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# ---------------------------------------------------------------------------
# Security
# ---------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# ---------------------------------------------------------------------------
# Privacy of check-in answers
# ---------------------------------------------------------------------------
# Program admins see check-in figures and comments only of groups in which at least this many
# people answered; smaller groups are withheld everywhere, exports included
# (meetings/checkin_privacy.py).
PRIVACY_THRESHOLD = env.int("PRIVACY_THRESHOLD", default=5)
if PRIVACY_THRESHOLD < 1:
    raise ImproperlyConfigured(f"PRIVACY_THRESHOLD must be 1 or more, not {PRIVACY_THRESHOLD}.")

# ---------------------------------------------------------------------------
# Twoway
# ---------------------------------------------------------------------------
INVITATION_EXPIRY_DAYS = env.int("INVITATION_EXPIRY_DAYS", default=14)
CSV_IMPORT_MAX_ROWS = env.int("CSV_IMPORT_MAX_ROWS", default=2000)
CSV_IMPORT_MAX_BYTES = env.int("CSV_IMPORT_MAX_BYTES", default=1024 * 1024)
# A worker holds a reminder it is sending this long; if it dies, another sends it after that.
REMINDER_LEASE_SECONDS = env.int("REMINDER_LEASE_SECONDS", default=600)
# How long a mentee's directory ranking is kept at most (writes that can move a mentor forget
# it at once), and how long the admins' dashboard keeps its program-wide figures.
DIRECTORY_RANKING_SECONDS = env.int("DIRECTORY_RANKING_SECONDS", default=300)
DASHBOARD_FIGURES_SECONDS = env.int("DASHBOARD_FIGURES_SECONDS", default=60)
# The navigation's unread-message count, kept per person until a message to them is sent or
# they read (and at most this long; 0 works it out on every page).
UNREAD_MESSAGES_SECONDS = env.int("UNREAD_MESSAGES_SECONDS", default=300)
# A person's standing (the programs they run or are a mentee of, the organizations they are an
# admin of), which the navigation draws and the two-factor rule asks on every page: kept per
# person until one of those is written (and at most this long; 0 works it out on every page).
STANDING_SECONDS = env.int("STANDING_SECONDS", default=300)
# SCIM calls a minute per token (identity providers sync in bursts; they honour 429 and retry).
SCIM_RATE_PER_MINUTE = env.int("SCIM_RATE_PER_MINUTE", default=600)
# When each reminder fires, in hours. Each can be set with an environment variable
# REMINDER_<NAME>_HOURS, e.g. REMINDER_MEETING_BEFORE_HOURS=48. What is per program (check-in
# period, request expiry) or per pair (the agreed meeting frequency) is set there instead.
REMINDER_TIMING_DEFAULTS = {
    "meeting_before": 24,  # meeting reminder, this long before it starts
    "follow_up_mentee_after": 3,  # follow-up to the mentee, this long after the meeting ends
    "follow_up_mentor_after": 4,  # … and to the mentor
    "follow_up_window": 7 * 24,  # meetings older than this get no follow-up any more
    "request_pending_after": 3 * 24,  # the mentor, when a request has waited this long
    "action_due_before": 24,  # an action item's owner, this long before it is due
    "report_back_after": 14 * 24,  # the mentee, when advice has had no outcome this long
    "report_back_window": 30 * 24,  # … and not after this much longer
    "ending_before": 14 * 24,  # both people, this long before the end date
    "checkin_again_after": 5 * 24,  # a second check-in nudge if still unanswered
    "checkin_nudge_window": 14 * 24,  # check-ins older than this are not nudged any more
    "digest_request_unanswered_after": 7 * 24,
    "digest_checkin_overdue_after": 7 * 24,
}
REMINDER_TIMINGS = {
    name: env.float(f"REMINDER_{name.upper()}_HOURS", default=float(hours))
    for name, hours in REMINDER_TIMING_DEFAULTS.items()
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# ---------------------------------------------------------------------------
# Test overrides (one place)
# ---------------------------------------------------------------------------
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Each test client loads the middleware again, and WhiteNoise would list every static file
    # each time (45 ms, a third of an authorization-matrix case): look a file up when asked.
    WHITENOISE_AUTOREFRESH = True
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True
    # Tests see every write at once (the tests of keeping the figures turn it on).
    DASHBOARD_FIGURES_SECONDS = env.int("DASHBOARD_FIGURES_SECONDS", default=0)
    UNREAD_MESSAGES_SECONDS = env.int("UNREAD_MESSAGES_SECONDS", default=0)
    STANDING_SECONDS = env.int("STANDING_SECONDS", default=0)
    if not REDIS_URL:
        CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

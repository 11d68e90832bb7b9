"""Crosswalk settings: one file, every knob an environment variable.

Development defaults are safe for a laptop in a workshop room (SQLite in the
project folder, DEBUG on). In production (DEBUG off) a missing or bad value is
a loud failure at start, never a silent fallback.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

# Lets admin and QuerySet classes take type arguments at run time (mypy strict).
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    """Read a yes/no variable; anything other than true/false words is an error."""
    value = os.getenv(name, default).strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, got {value!r}")


def envint(name: str, default: str) -> int:
    """Read a whole-number variable; a non-number is an error."""
    value = os.getenv(name, default)
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {value!r}") from None


def envlist(name: str, default: str) -> list[str]:
    """Read a comma-separated list, dropping blanks."""
    return [item.strip() for item in os.getenv(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", "true")

SECRET_KEY = os.getenv("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-0123456789abcdefghij"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is required when DEBUG is off")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "simple_history",
    "axes",
    "csp",
    "departments",
    "journeys",
    "valuestreams",
    "workshop",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Near the top: it compresses what every middleware below has finished.
    "departments.middleware.CompressMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The person's choice, then the browser's Accept-Language (departments/language.py).
    "departments.language.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "departments.middleware.PrivatePagesMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "django.template.context_processors.i18n",
            ],
        },
    }
]

# Form widgets drawn by Jinja2 from Django's own copies of its widget templates
# (departments/form_renderer.py): the editor draws dozens on every edit.
FORM_RENDERER = "departments.form_renderer.FormRenderer"

DATABASES = {
    "default": dj_database_url.parse(
        os.getenv("DATABASE_URL", f"sqlite:///{BASE_DIR / 'crosswalk.sqlite3'}"),
        conn_max_age=envint("DB_CONN_MAX_AGE", "60"),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    _pg_options = DATABASES["default"].setdefault("OPTIONS", {})
    if envbool("DB_POOL", "true"):
        # psycopg's connection pool (Django's own support): under ASGI every request
        # would otherwise open a new connection (a new server process) and close it.
        DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps them instead
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
        _pg_options["pool"] = {"min_size": 1, "max_size": envint("DB_POOL_SIZE", "10")}
    if envbool("DB_PREPARED", "true"):
        # Parameters bound by the server instead of inlined by psycopg, and a statement
        # a connection runs for the fifth time prepared (psycopg's prepare_threshold,
        # which Django turns off unless asked): PostgreSQL parses and plans an editor's
        # dozen queries once per connection, not on every edit; the pool (or
        # DB_CONN_MAX_AGE) keeps the connection.
        _pg_options["server_side_binding"] = True
        _pg_options["prepare_threshold"] = 5
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# SQLite cannot defer a unique constraint, so it goes without "one step per place
# in a cell" (PostgreSQL has it); it lets one writer in at a time (docs/concurrency.md).
SILENCED_SYSTEM_CHECKS = ["models.W038"]

# Analysis results are cached by map version; a per-process memory cache is
# enough because the key changes whenever the map does.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "crosswalk",
        "OPTIONS": {"MAX_ENTRIES": envint("CACHE_MAX_ENTRIES", "2000")},
    },
    # Rate limits (sign-up, voting) must count across all web processes: kept in
    # the database, in a table a migration creates.
    "ratelimit": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "crosswalk_ratelimit",
    },
    # What each editor's browser shows of a diagram (checksums per element), so that
    # an edit answered by any web process sends only what changed (editor_live.py).
    # Written on every edit, so with one statement (an upsert) instead of Django's five.
    "drawings": {
        "BACKEND": "valuestreams.cache_backend.UpsertDatabaseCache",
        "LOCATION": "crosswalk_drawings",
        "TIMEOUT": 3600,
        "OPTIONS": {"MAX_ENTRIES": envint("DRAWING_CACHE_MAX_ENTRIES", "2000")},
    },
}
RATELIMIT_USE_CACHE = "ratelimit"
# Python's cyclic garbage collector looks at the youngest objects after this many new
# ones (Python's default: 700). An editor answer allocates tens of thousands of
# objects, many of which stay (the layout's and drawing's memos, the analysis): at
# 700 the collector ran a dozen times in every edit, and now and then walked all
# that stays (pauses of 100 ms). 0 keeps Python's default (valuestreams/apps.py).
GC_YOUNG_THRESHOLD = envint("GC_YOUNG_THRESHOLD", "50000")
# Analyses are kept unserialised in each process, up to this many MB (oldest out
# first); the cache above holds only markers and small metrics.
ANALYSIS_CACHE_MB = envint("ANALYSIS_CACHE_MB", "64")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one
# username, or from one client address, further attempts are refused for
# LOGIN_LOCKOUT_MINUTES; a successful login clears the account's count. The
# lockout is short so that an attacker cannot keep the real owner out for long.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = envbool("LOGIN_THROTTLING", "true")
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", "10")
AXES_COOLOFF_TIME = timedelta(minutes=envint("LOGIN_LOCKOUT_MINUTES", "15"))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Each refused login is kept for the operator (admin → Axes → access failures).
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# Behind a reverse proxy REMOTE_ADDR is the proxy's address: name the header the
# proxy sets to the client's address (e.g. HTTP_X_REAL_IP) so each client counts alone.
LOGIN_CLIENT_ADDRESS_HEADER = os.getenv("LOGIN_CLIENT_ADDRESS_HEADER", "REMOTE_ADDR")
AXES_CLIENT_IP_CALLABLE = "departments.middleware.client_address"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Live push (Server-Sent Events fed by PostgreSQL LISTEN/NOTIFY) when served under
# ASGI on PostgreSQL; off, or on SQLite or under WSGI, pages poll every 2 seconds.
LIVE_PUSH = envbool("LIVE_PUSH", "true")

# Password-reset mail: printed to the console unless an SMTP server is configured.
EMAIL_BACKEND = os.getenv("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.getenv("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", "587")
EMAIL_HOST_USER = os.getenv("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.getenv("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "true")
DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL") or "Crosswalk <crosswalk@localhost>"

LANGUAGE_CODE = os.getenv("LANGUAGE_CODE", "en")
LANGUAGES = [("en", _("English")), ("nl", _("Dutch")), ("de", _("German"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.getenv("TIME_ZONE", "Europe/Amsterdam")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.getenv("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    # plotly.js from the installed plotly package (vendor/plotly.min.js), no CDN.
    "valuestreams.staticfiles.PlotlyFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Event-log imports: caps on one file, and how long imports run outside the request
# ("inline" runs at once in this process, "thread" in a background thread after the
# request commits, "worker" leaves them for `manage.py eventlog_worker`).
EVENTLOG_MAX_UPLOAD_MB = envint("EVENTLOG_MAX_UPLOAD_MB", "100")
EVENTLOG_MAX_MB = envint("EVENTLOG_MAX_MB", "500")
EVENTLOG_MAX_EVENTS = envint("EVENTLOG_MAX_EVENTS", "2000000")
EVENTLOG_RUNNER = os.getenv(
    "EVENTLOG_RUNNER", "inline" if DATABASES["default"]["ENGINE"].endswith("sqlite3") else "thread"
)
if EVENTLOG_RUNNER not in {"inline", "thread", "worker"}:
    raise ImproperlyConfigured(
        f"EVENTLOG_RUNNER must be inline, thread or worker, got {EVENTLOG_RUNNER!r}"
    )

# Production hardening: on whenever DEBUG is off, each switch overridable for a
# deployment behind a proxy that terminates TLS differently.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "false" if DEBUG else "true")
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", "false" if DEBUG else "true")
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", "false" if DEBUG else "true")
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000")
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", "true")
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "true")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): every script, style, font and image comes
# from our own static files; no inline script runs. Inline style *attributes*
# stay allowed (`style-src-attr`) because department colours are set per element.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

if envbool("SECURE_PROXY_SSL_HEADER", "false"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # django-axes logs every login at INFO; lockouts come as warnings.
        "axes": {"level": os.getenv("LOGIN_LOG_LEVEL", "WARNING")},
    },
}

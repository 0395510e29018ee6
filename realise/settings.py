"""Realise settings: one file, configured by environment variables (see README)."""

from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from realise.core.environment import Env
from realise.core.oidc import oidc_settings, parse_role_map
from realise.core.storage_url import StorageURLError, storage_from_url

BASE_DIR = Path(__file__).resolve().parent.parent

env = Env()
Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

DEBUG = env.bool("DEBUG", default=False)
TESTING = env.bool("REALISE_TESTING", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-development-key-not-for-production"  # noqa: S105
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off. "
            "Set DEBUG=1 for development or export a long random SECRET_KEY."
        )

# Earlier keys, still accepted for signatures (sessions, calendar links) while a new
# SECRET_KEY is rolled out; comma-separated. See docs/operations.md.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "realise.core.apps.RealiseAdminConfig",  # django.contrib.admin, for administrators
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "crispy_forms",
    "crispy_forms_gds",
    "django_tables2",
    "django_htmx",
    "django_filters",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "realise.core",
    "realise.organisations",
    "realise.collaborations",
    "realise.benefits",
    "realise.appraisal",
    "realise.governance",
    "realise.knowledge",
    "realise.pipeline",
    "realise.reports",
    "realise.documents",
]

MIDDLEWARE = [
    "realise.core.health.HealthMiddleware",
    "realise.core.requestlog.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "realise.core.middleware.RefuseNulMiddleware",
    # A repeated token-authenticated API read, answered from the shared cache (core/api/cache.py).
    "realise.core.api.cache.APIReadCache",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # English or Cymraeg: the session's choice, else the browser's (no URL prefixes).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "realise.core.language.PreferredLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "realise.core.inspection.InspectionAuditMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "realise.urls"
WSGI_APPLICATION = "realise.wsgi.application"

# Form widgets are drawn with the same templates as pages (GOV.UK month input, £ prefix).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Realise's templates have one place, realise/templates/<app>/; APP_DIRS finds the
        # admin's and the libraries' own.
        "DIRS": [BASE_DIR / "realise" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "realise.core.context_processors.realise",
                "realise.reports.context_processors.work",
            ],
        },
    }
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'realise.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", "timeout": 20}
    )
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Keep each web thread's database connection open between requests (seconds; 0 opens and
# closes one per request, None keeps it for good), checked before reuse so a connection the
# database dropped is replaced rather than failing the request. Tests open their own, and
# the development server (a thread per request) would only leave connections behind.
DATABASES["default"]["CONN_MAX_AGE"] = (
    0 if TESTING else env.int("DATABASE_CONN_MAX_AGE", default=0 if DEBUG else 60)
)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# PostgreSQL: a statement run this many times on one connection is prepared on the server,
# so it is planned once rather than on every request (planning often costs more than
# running the short queries of a request). The values then go as parameters
# (server-side binding). 0 turns both off, as a pooler in transaction mode needs unless it
# keeps prepared statements (PgBouncer 1.22+ with max_prepared_statements; see
# docs/operations.md).
DATABASE_PREPARE_THRESHOLD = env.int("DATABASE_PREPARE_THRESHOLD", default=2)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and (
    DATABASE_PREPARE_THRESHOLD > 0
):
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"server_side_binding": True, "prepare_threshold": DATABASE_PREPARE_THRESHOLD}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL and urlsplit(REDIS_URL).scheme not in ("redis", "rediss", "unix"):
    raise ImproperlyConfigured(
        "REDIS_URL must start with redis://, rediss:// or unix://, e.g. redis://127.0.0.1:6379/0."
    )
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
elif DEBUG or TESTING:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    # Several web processes must share one cache, or a dashboard could show figures that a
    # write on another process has made stale: without Redis, the database holds it.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "realise_cache",
        }
    }
SESSION_ENGINE = "django.contrib.sessions.backends.db"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "realise.core.backends.PasswordBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

AXES_FAILURE_LIMIT = env.count("REALISE_LOGIN_FAILURE_LIMIT", default=5)  # axes: 0 locks all
AXES_COOLOFF_TIME = 1  # hours
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]

LANGUAGE_CODE = "en-gb"
# The service in English and Welsh (docs/welsh.md); the words are in locale/cy/.
LANGUAGES = [("en-gb", "English"), ("cy", "Cymraeg")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "static")
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
STATICFILES_DIRS = [BASE_DIR / "realise" / "static", BASE_DIR / "var" / "assets"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
MEDIA_URL = "media/"
STORAGE_URL = env.str("STORAGE_URL", default="")
if STORAGE_URL:
    try:
        STORAGES["default"] = storage_from_url(STORAGE_URL)
    except StorageURLError as error:
        raise ImproperlyConfigured(str(error)) from None

EMAIL_CONFIG = env.email_url(
    "EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25"
)
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("REALISE_FROM_EMAIL", default="realise@localhost")

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"
DJANGO_TABLES2_TEMPLATE = "core/table.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "govuk-table"}

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Token first: an anonymous caller is told how to sign in (401 with
    # `WWW-Authenticate: Token`) on every path, not refused with 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "realise.core.authentication.TokenOnce",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "realise.core.filtersets.FilterBackend",
        "realise.core.filtersets.Ordering",
    ],
    "COERCE_DECIMAL_TO_STRING": True,
    "DEFAULT_PARSER_CLASSES": [
        "realise.core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}
# An API update or delete of a versioned record must say which version it was based on
# (`If-Match` or `version`), else 428; false accepts blind writes (see docs/api.md).
REALISE_API_REQUIRE_VERSION = env.bool("REALISE_API_REQUIRE_VERSION", default=True)
SPECTACULAR_SETTINGS = {
    "TITLE": "Realise API",
    "DESCRIPTION": "Benefits of police collaborations: register, realisation and repository.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {"StageEnum": "realise.collaborations.models.Stage"},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "realise.core.api.add_error_responses",
    ],
}

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = env.bool("REALISE_SECURE_COOKIES", default=not TESTING)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_SSL_REDIRECT = env.bool("REALISE_SSL_REDIRECT", default=not TESTING)
    SECURE_HSTS_SECONDS = env.int("REALISE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content Security Policy (django-csp): scripts, styles and everything else from this
# site only; no inline scripts or styles, no framing, forms post only here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Single sign-on with OpenID Connect (mozilla-django-oidc), e.g. Microsoft Entra ID: on
# only when REALISE_OIDC_CLIENT_ID is set. See docs/security.md.
OIDC_ENABLED = bool(env.str("REALISE_OIDC_CLIENT_ID", default=""))
if OIDC_ENABLED:
    vars().update(oidc_settings(env))
    INSTALLED_APPS.append("mozilla_django_oidc")
    AUTHENTICATION_BACKENDS.append("realise.organisations.oidc_backend.ForceSignOnBackend")
# Memberships given by the identity provider's groups (docs/security.md): checked here, so
# a mistake in the map stops Realise starting, naming the entry.
REALISE_OIDC_ROLE_MAP = parse_role_map(env.str("REALISE_OIDC_ROLE_MAP", default=""))
REALISE_OIDC_GROUPS_CLAIM = env.str("REALISE_OIDC_GROUPS_CLAIM", default="groups")

# Logs go to standard error: one line per request with its id (realise.core.requestlog),
# as JSON objects when REALISE_LOG_FORMAT=json. See docs/operations.md.
REALISE_LOG_FORMAT = env.str("REALISE_LOG_FORMAT", default="text")
if REALISE_LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured("REALISE_LOG_FORMAT must be 'text' or 'json'.")
REALISE_LOG_LEVEL = env.str("REALISE_LOG_LEVEL", default="WARNING").upper()
if REALISE_LOG_LEVEL not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
    raise ImproperlyConfigured("REALISE_LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "realise.core.requestlog.RequestIdFilter"},
        "no_refusals": {"()": "realise.core.requestlog.RefusalsAreNotWarnings"},
    },
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "realise.core.requestlog.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": REALISE_LOG_FORMAT,
        }
    },
    "loggers": {
        "django.request": {"filters": ["no_refusals"]},
        "realise.request": {"level": "INFO"},
    },
    "root": {"handlers": ["console"], "level": REALISE_LOG_LEVEL},
}

# The app's own settings.
REALISE_RAG_GREEN = env.get_value("REALISE_RAG_GREEN", cast=Decimal, default=Decimal("0.95"))
REALISE_RAG_AMBER = env.get_value("REALISE_RAG_AMBER", cast=Decimal, default=Decimal("0.80"))
REALISE_MEASUREMENT_GRACE_DAYS = env.int("REALISE_MEASUREMENT_GRACE_DAYS", default=30)
REALISE_MAINTAIN_TOLERANCE = env.get_value(
    "REALISE_MAINTAIN_TOLERANCE", cast=Decimal, default=Decimal("0.05")
)
REALISE_TREND_MONTHS = env.int("REALISE_TREND_MONTHS", default=3)
# A Section 22A agreement is next due for review this many months after signing or review.
REALISE_AGREEMENT_REVIEW_MONTHS = env.int("REALISE_AGREEMENT_REVIEW_MONTHS", default=12)
if not 1 <= REALISE_AGREEMENT_REVIEW_MONTHS <= 120:
    raise ImproperlyConfigured(
        "REALISE_AGREEMENT_REVIEW_MONTHS must be a whole number of months from 1 to 120."
    )
# Dashboards keep computed figures this long in the cache (0: no caching); see docs/dashboards.md.
REALISE_DASHBOARD_CACHE_SECONDS = env.int("REALISE_DASHBOARD_CACHE_SECONDS", default=21600)
# A token-authenticated API read is kept this long, keyed on the data version (0: off). The
# test suite turns it off unless a test asks for it, as tests may write behind the trail.
REALISE_API_CACHE_SECONDS = env.int("REALISE_API_CACHE_SECONDS", default=0 if TESTING else 300)
# Register imports with more data rows than this run as a background task (django-tasks).
REALISE_IMPORT_BACKGROUND_ROWS = env.int("REALISE_IMPORT_BACKGROUND_ROWS", default=2000)
# ...and so do workbooks that expand to more than this many bytes, without being read here.
REALISE_IMPORT_BACKGROUND_BYTES = env.int(
    "REALISE_IMPORT_BACKGROUND_BYTES", default=16 * 1024 * 1024
)
# Days the workbook uploaded for a register import is kept after the import finished (imported,
# refused or failed; one mapped but never imported, after it was uploaded, a day at least);
# the daily `realise remind` then deletes the file and keeps the import's record and outcome.
# 0: the file goes as soon as the import finished. See docs/import.md.
REALISE_IMPORT_FILES_KEEP_DAYS = env.int("REALISE_IMPORT_FILES_KEEP_DAYS", default=30)
if REALISE_IMPORT_FILES_KEEP_DAYS < 0:
    raise ImproperlyConfigured(
        "REALISE_IMPORT_FILES_KEEP_DAYS must be a whole number of days, 0 or more."
    )
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# The task worker and each import it runs beat this often; work silent for longer than
# REALISE_WORKER_STALE_SECONDS has stopped (its import is marked failed). See docs/operations.md.
REALISE_WORKER_HEARTBEAT_SECONDS = env.count(
    "REALISE_WORKER_HEARTBEAT_SECONDS", default=20, what="a whole number of seconds"
)
REALISE_WORKER_STALE_SECONDS = env.int("REALISE_WORKER_STALE_SECONDS", default=120)
if REALISE_WORKER_STALE_SECONDS <= 2 * REALISE_WORKER_HEARTBEAT_SECONDS:
    # A worker alive but a beat late must not be taken for stopped (its import failed).
    raise ImproperlyConfigured(
        f"REALISE_WORKER_STALE_SECONDS ({REALISE_WORKER_STALE_SECONDS}) must be more than twice "
        f"REALISE_WORKER_HEARTBEAT_SECONDS ({REALISE_WORKER_HEARTBEAT_SECONDS})."
    )
# It also bounds every form's body (below).
REALISE_UPLOAD_MAX_BYTES = env.count(
    "REALISE_UPLOAD_MAX_BYTES", default=20 * 1024 * 1024, what="a whole number of bytes"
)
# Zip-based uploads (Word, Excel, PowerPoint, OpenDocument) are refused before parsing when
# they would expand beyond this many bytes, or more than this many times their size.
REALISE_UPLOAD_MAX_EXPANDED_BYTES = env.int(
    "REALISE_UPLOAD_MAX_EXPANDED_BYTES", default=200 * 1024 * 1024
)
REALISE_UPLOAD_MAX_RATIO = env.int("REALISE_UPLOAD_MAX_RATIO", default=100)
# Reading an uploaded file in a web request stops after this many seconds.
REALISE_UPLOAD_PARSE_SECONDS = env.float("REALISE_UPLOAD_PARSE_SECONDS", default=20.0)
REALISE_DEMO_PASSWORD = env.str("REALISE_DEMO_PASSWORD", default="realise-demo-2026")
# Where the daily `realise remind` (or `realise audit anchor`) POSTs the audit trail's head,
# to be kept outside Realise (docs/operations.md); empty: not sent.
REALISE_AUDIT_ANCHOR_URL = env.str("REALISE_AUDIT_ANCHOR_URL", default="")
if REALISE_AUDIT_ANCHOR_URL and not (
    urlsplit(REALISE_AUDIT_ANCHOR_URL).scheme in ("https", "http")
    and urlsplit(REALISE_AUDIT_ANCHOR_URL).hostname
):
    raise ImproperlyConfigured(
        "REALISE_AUDIT_ANCHOR_URL must be an https:// (or http://) address, "
        "e.g. https://logs.police.example/realise-audit."
    )
REALISE_BASE_URL = env.str("REALISE_BASE_URL", default="http://127.0.0.1:8000")
# Days a document built in the background (board pack, highlight report, register export,
# inspection pack) is kept for its requester after the day it finished; the daily `realise
# remind` removes older ones, record and file. 0 keeps them for good.
REALISE_DOCUMENT_DAYS = env.int("REALISE_DOCUMENT_DAYS", default=30)
if REALISE_DOCUMENT_DAYS < 0:
    raise ImproperlyConfigured("REALISE_DOCUMENT_DAYS must be a whole number of days, 0 or more.")
# An invitation's one-time link works for this many days from when it was last sent.
REALISE_INVITATION_DAYS = env.int("REALISE_INVITATION_DAYS", default=7)
if REALISE_INVITATION_DAYS < 1:
    raise ImproperlyConfigured("REALISE_INVITATION_DAYS must be a whole number of days, 1 or more.")
DATA_UPLOAD_MAX_MEMORY_SIZE = REALISE_UPLOAD_MAX_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

if TESTING:
    # Fast hashing keeps the suite quick; production uses Django's default (PBKDF2).
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

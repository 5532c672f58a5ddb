"""Settings for the whole product, read from the environment in this one module.

With no environment set, the product uses the local PostgreSQL's database `mediation` (which
`make services` starts or installs; the product needs PostgreSQL) and the in-memory channel layer
of a single process. `make run` sets REDIS_URL to the local Redis; tests and production set
DATABASE_URL and REDIS_URL (Redis channel layer).
"""

import base64
import datetime
import hashlib
import json
import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = _env_bool("DEBUG", False)
# A deployment reached from outside (docker-compose.yml sets it): secure cookies, HSTS, and a
# SECRET_KEY that the deployment itself must give.
SECURE_DEPLOYMENT = _env_bool("SECURE_DEPLOYMENT", False)

# Keys that are public (they are in this repository) and so sign nothing anyone can trust.
PUBLIC_KEYS = frozenset({"embedded-default-key-for-local-demo-only-set-SECRET_KEY", "compose-check"})


def _secret_key() -> str:
    """The deployment's SECRET_KEY; on a machine of its own (make run, make test) without one, a
    key made for this machine on first start and kept in VAR_DIR, so that nothing is signed with a
    key anyone can read. A secure deployment must give its own, and a public key is refused."""
    key = os.environ.get("SECRET_KEY", "")
    if key in PUBLIC_KEYS and not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is a public example key; set a secret one (or DEBUG=1 for a demo).")
    if key:
        if SECURE_DEPLOYMENT and len(key) < 50:
            raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters in a secure deployment.")
        return key
    if SECURE_DEPLOYMENT:
        raise ImproperlyConfigured("A secure deployment must set SECRET_KEY.")
    return _machine_key(VAR_DIR / "secret-key")


def _machine_key(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # Created only if absent, readable by its owner only; a process starting at the same
        # moment reads the one that won.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(descriptor, "w") as file:
        file.write(secrets.token_urlsafe(64))
    return path.read_text().strip()


SECRET_KEY = _secret_key()

# Keys for sensitive personal information at rest (mediation/sensitive.py): IDENTITY_KEYS, Fernet
# keys separated by commas, the first one current; IDENTITY_HASH_KEY for the lookup digests. A
# secure deployment gives both; elsewhere they are derived from SECRET_KEY.
IDENTITY_KEYS = _env_list("IDENTITY_KEYS", "")
IDENTITY_HASH_KEY = os.environ.get("IDENTITY_HASH_KEY", "")
if SECURE_DEPLOYMENT and not (IDENTITY_KEYS and IDENTITY_HASH_KEY):
    raise ImproperlyConfigured("A secure deployment must set IDENTITY_KEYS and IDENTITY_HASH_KEY.")


def _derived_key(purpose: str) -> str:
    """A Fernet key derived from SECRET_KEY for one purpose."""
    return base64.urlsafe_b64encode(hashlib.sha256(f"{purpose}:{SECRET_KEY}".encode()).digest()).decode("ascii")


IDENTITY_KEYS = IDENTITY_KEYS or [_derived_key("identity-encryption")]
IDENTITY_HASH_KEY = IDENTITY_HASH_KEY or _derived_key("identity-digest")
ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS", "http://127.0.0.1:8000,http://localhost:8000")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "csp",
    "axes",
    "django_q",
    "mediation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "channels_app.middleware.RejectNulCharactersMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it answers a request whose log-in was refused as locked out.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "channels_app.urls"
ASGI_APPLICATION = "asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mediation.web.context.duty_desk",
                "mediation.web.context.display_mode",
                "mediation.web.context.notifications_unread",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        # PostgreSQL only: the room's prepared statements, the analysis's arrays and rollups.
        os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mediation"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
# PostgreSQL's JIT compiles a query that looks expensive before running it: 30 ms and more for the
# analysis's aggregates that then run in 70 ms, and nothing this product asks runs long enough to gain.
DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# E-mail for notifications (Django's e-mail framework). `make run` prints them on the console; in
# production set EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and the SMTP settings.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "") == "1"
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "12315 <no-reply@localhost>")
# The site's address as people reach it, for the links in e-mails.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# Text messages (mediation.sms, in the manner of the e-mail backends): the notices to people who
# agreed to them. `make run` prints them on the console; SMS_BACKEND=mediation.sms.backends.filebased.SmsBackend
# writes one file per message under SMS_FILE_PATH; a provider's adapter is a backend of its own
# (mediation/sms/backends/base.py says how to write one).
SMS_BACKEND = os.environ.get("SMS_BACKEND", "mediation.sms.backends.console.SmsBackend")
SMS_FILE_PATH = os.environ.get("SMS_FILE_PATH", str(VAR_DIR / "sms"))
# The shared secret the provider sends in the X-SMS-Token header with each text received
# (POST /api/sms/incoming/); empty: the webhook refuses every request.
SMS_INCOMING_TOKEN = os.environ.get("SMS_INCOMING_TOKEN", "")

# Scheduled and queued work (django-q2; `manage.py qcluster` runs it: `make run`, docker-compose's
# tasks service). Its queue is a table of the database, so a task queued with a case is committed
# with it and nothing is lost while no worker runs. The schedules: mediation.tasks.
Q_CLUSTER = {
    "name": "mediation",
    "orm": "default",
    "workers": int(os.environ.get("TASK_WORKERS", "1")),
    # A task running longer than this is stopped; one not acknowledged after `retry` is run again.
    "timeout": 600,
    "retry": 900,
    "max_attempts": 3,
    "catch_up": False,
    "save_limit": 1000,
    "label": "Tasks",
}

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # A host given as a dict: redis-py 8's defaults (5 s read timeout, pool of 100)
                # close idle sockets and starve a burst of connects (see shared/channels-redis.md).
                "hosts": [{"address": REDIS_URL, "socket_timeout": None, "max_connections": 2000}],
                "prefix": os.environ.get("CHANNEL_LAYER_PREFIX", "mediation"),
                # Each daphne process reads all its room traffic through one channel (the room
                # hub's); the default capacity of 100 queued messages would drop under a burst.
                "capacity": int(os.environ.get("CHANNEL_LAYER_CAPACITY", "5000")),
                # Seconds a group member stays unless re-added. Every process re-adds its own every
                # 3 s (channels_app/layer_keeper.py); one that died cannot leave, and every
                # group_send goes to every member: with the default of a day, the channels of
                # processes long gone piled up and made each presence announcement cost 36 ms.
                "group_expiry": 30,
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

SILENCED_SYSTEM_CHECKS: list[str] = []

# Content Security Policy (django-csp), everywhere: every script and style comes from the site
# itself (no CDN, no inline code), the pages cannot be framed, and forms post only to the site.
# The printable mediation document keeps its styles inline with the request's nonce, since it is
# also saved as a file of its own. The API's documentation pages are exempt (csp_exempt in urls).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'", NONCE],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        # The service worker (/sw.js) and the web app manifest, both the site's own.
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Django's database sessions, read by a prepared statement.
SESSION_ENGINE = "channels_app.session_store"
SESSION_COOKIE_HTTPONLY = True

if SECURE_DEPLOYMENT:
    # Served over HTTPS behind a TLS terminator that sets X-Forwarded-Proto (and redirects plain
    # HTTP itself: the bot's action server reaches the service inside the network over HTTP, so
    # the application does not redirect unless SECURE_SSL_REDIRECT says so).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", False)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = _env_bool("SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Joining the browsers' preload list binds every subdomain for good: a decision for the
        # domain's owner, taken with SECURE_HSTS_PRELOAD=1.
        SILENCED_SYSTEM_CHECKS.append("security.W021")
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["upgrade-insecure-requests"] = True
    if not SECURE_SSL_REDIRECT:
        SILENCED_SYSTEM_CHECKS.append("security.W008")  # the TLS terminator redirects

# Log-in protection (django-axes) on every way in that takes a password: the API, the pages and the
# admin. Five wrong passwords for one account lock it for 15 minutes, whatever address they come
# from; a correct log-in resets the count. An administrator unlocks an account at once with
# `manage.py axes_reset_username <name>` or by deleting its access attempts in the admin.
# Counting by account (not by address) stops guessing spread over many addresses, and no
# office behind one address is locked out for a colleague's typos. See docs/security.md.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, reading a session's user by a prepared statement.
    "channels_app.auth_backends.PreparedModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "mediation.web.lockout.locked_out_response"
AXES_VERBOSE = False
# axes.W006 asks for the address among the lockout parameters because rotating a user agent or a
# cookie escapes a lockout keyed on those; one keyed on the account is not escaped that way.
SILENCED_SYSTEM_CHECKS.append("axes.W006")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Simplified Chinese first; English for cross-border users. Chosen per request from the user's
# language cookie or Accept-Language.
LOGIN_URL = "web:log-in"
LOGIN_REDIRECT_URL = "web:cases"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
# The language a person chooses in the header lasts a year, across closing the browser.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LOCALE_PATHS = [BASE_DIR / "locales"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "mediation.api.errors.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "12315 cross-region mediation API",
    "DESCRIPTION": "Market-entity registry, complaints and reports with their legal life cycle, "
    "and the queues of market-regulation authorities.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Assets come from the installed sidecar package: nothing is loaded from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "CaseKindEnum": "mediation.models.CaseKind",
        "AuthorityKindEnum": "mediation.models.AuthorityKind",
        "EntityKindEnum": "mediation.models.EntityKind",
        "CaseStatusEnum": "mediation.models.CaseStatus",
        "IntakeChannelEnum": "mediation.models.IntakeChannel",
        "OfficialIntakeChannelEnum": ["hotline", "letter", "visit"],
    },
}

# Evidence files attached to a case: each at most EVIDENCE_MAX_BYTES, and per case at most
# EVIDENCE_MAX_FILES_PER_CASE files and EVIDENCE_MAX_CASE_BYTES in all.
EVIDENCE_MAX_BYTES = int(os.environ.get("EVIDENCE_MAX_BYTES", str(10 * 1024 * 1024)))
EVIDENCE_MAX_FILES_PER_CASE = int(os.environ.get("EVIDENCE_MAX_FILES_PER_CASE", "20"))
EVIDENCE_MAX_CASE_BYTES = int(os.environ.get("EVIDENCE_MAX_CASE_BYTES", str(100 * 1024 * 1024)))
# Any other request body (channels_app/body_limit.py refuses a larger one before reading it).
REQUEST_MAX_BYTES = int(os.environ.get("REQUEST_MAX_BYTES", str(2 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_MAX_BYTES

# The follow-up ratings (回访, Order 121 Art. 26): a business's average rating is published on its
# disclosure page only from this many ratings on; below it the page says there are not enough. A
# product rule, not a number of the law: few ratings say little, and one would show how one
# complainant rated.
FOLLOW_UP_MIN_RATINGS_PUBLISHED = int(os.environ.get("FOLLOW_UP_MIN_RATINGS_PUBLISHED", "5"))

# The handling figures (mediation/selectors/handling_figures.py, docs/analysis.md): a business's or
# an authority's figure is published only when at least this many decided cases are behind it; below
# it the page says so and shows no count. A product rule: a few cases say little, and one would show
# how one case went.
HANDLING_FIGURES_MIN_CASES = int(os.environ.get("HANDLING_FIGURES_MIN_CASES", "5"))

# Publication of penalties (市场监督管理行政处罚信息公示规定, SAMR Order 45, 2021; docs/legal-rules.md,
# mediation/services/penalties.py). "A low fine" (较低数额罚款) keeps a decision public for 3 months
# instead of 3 years (Art. 13); each province's bureau sets the amount. Keyed by the two-digit
# province code of the deciding bureau ("*" for every other province): a fine below (不含本数) the
# amount in yuan is low, for a natural person (an individual business, an operator without a licence)
# and for a legal person or other organisation. The default is the standard a provincial bureau
# published (湖北, quoted in 赤壁市市场监督管理局's notice of 2025-07-01); JSON in the environment.
PENALTY_LOW_FINE_LIMITS = json.loads(
    os.environ.get("PENALTY_LOW_FINE_LIMITS", '{"*": {"natural_person": 10000, "organisation": 100000}}')
)
# Early removal on application (Art. 14) once the decision was public for the time SAMR set
# separately: 市场监督管理信用修复管理办法 (国市监信规〔2021〕3号) Art. 6, 6 months, and 12 in the food,
# drug and special-equipment fields (the violation types below).
PENALTY_EARLY_STOP_MONTHS = int(os.environ.get("PENALTY_EARLY_STOP_MONTHS", "6"))
PENALTY_EARLY_STOP_MONTHS_LONGER = int(os.environ.get("PENALTY_EARLY_STOP_MONTHS_LONGER", "12"))
PENALTY_EARLY_STOP_LONGER_VIOLATIONS = ("food_safety",)


# The triage bot (Rasa, bot/): where its REST channel and HTTP API answer, and the API's token
# (the web chat reads a conversation back from Rasa's tracker on reconnect). Rasa listens on a
# private address only; the browser reaches it through channels_app/bot_chat.py.
BOT_URL = os.environ.get("BOT_URL", "http://127.0.0.1:5005").rstrip("/")
BOT_API_TOKEN = os.environ.get("BOT_API_TOKEN", "")
BOT_TIMEOUT_SECONDS = float(os.environ.get("BOT_TIMEOUT_SECONDS", "30"))
# How long the grant that lets the bot act for the person chatting stays valid: the web chat issues
# a new one with every message (mediation/services/chat_grants.py).
CHAT_GRANT_SECONDS = int(os.environ.get("CHAT_GRANT_SECONDS", "900"))
# While the bot is starting (loading or training its model), how often an open chat asks again.
BOT_READY_POLL_SECONDS = float(os.environ.get("BOT_READY_POLL_SECONDS", "3"))
# How long a consumer who asked for a person waits before the chat offers other ways on (the bot,
# the 12315 hotline) if no official on duty has answered.
HELP_REQUEST_WAIT_SECONDS = int(os.environ.get("HELP_REQUEST_WAIT_SECONDS", "180"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # django-axes logs every log-in at INFO; its lockouts are warnings.
    "loggers": {"axes": {"level": os.environ.get("AXES_LOG_LEVEL", "WARNING")}},
}

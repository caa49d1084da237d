"""Infohus settings: one file, every deployment difference comes from the environment.

Each variable is listed in `.env.example`. The typed helpers below fail loudly on a
malformed value so a typo in a deployment never silently falls back to a default.
"""

import base64
import hashlib
import ipaddress
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def _load_dotenv(path: Path) -> None:
    """Read KEY=VALUE lines from `.env` without overriding the real environment."""
    if not path.is_file():
        return
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        os.environ.setdefault(key.strip(), value.strip().strip("'\""))


# ENV_FILE names another file, or nothing at all when empty.
_env_file = os.environ.get("ENV_FILE", str(BASE_DIR / ".env"))
if _env_file:
    _load_dotenv(Path(_env_file))


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"Environment variable {name} is required.")
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}.") from exc


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# The development default is refused outside DEBUG so production never runs on it.
_DEV_SECRET = "insecure-development-key-do-not-use-in-production"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET if DEBUG else None)
# Encrypts CPR numbers at rest (a Fernet key: `make .env` writes one). Under DEBUG
# a key derived from SECRET_KEY will do; production must set its own and keep it.
_cpr_key = os.environ.get("CPR_KEY") or (
    base64.urlsafe_b64encode(hashlib.sha256(f"cpr:{SECRET_KEY}".encode()).digest()).decode()
    if DEBUG
    else ""
)
if not _cpr_key:
    raise ImproperlyConfigured("Environment variable CPR_KEY is required (see .env.example).")
CPR_KEY: str = _cpr_key
# A TLS-terminating proxy in front sets X-Forwarded-Proto and X-Forwarded-For.
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", False)
# The admin answers only requests from these networks (the address the web server
# sees: behind a proxy, restrict /admin/ there too). Default: loopback and private.
ADMIN_ALLOWED_NETWORKS = [
    ipaddress.ip_network(network)
    for network in env_list(
        "ADMIN_ALLOWED_NETWORKS",
        "127.0.0.0/8,::1/128,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fc00::/7",
    )
]
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "accounts",
    "audit",
    "concerns",
    "reporting",
    "accounts.admin_config.InfohusAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "guardian",
    "pgtrigger",
    "pghistory",
    "django_htmx",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.middleware.language_from_choice",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Tags every change a request makes with the user and path (django-pghistory).
    "pghistory.middleware.HistoryMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "accounts.middleware.end_sessions_past_their_lifetime",
    "accounts.middleware.admin_only_from_allowed_networks",
    "accounts.middleware.require_second_factor",
    "accounts.middleware.no_store_when_signed_in",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes requires: it turns a lockout signal into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "infohus.urls"
WSGI_APPLICATION = "infohus.wsgi.application"

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
                "accounts.context_processors.role",
            ],
        },
    },
]

# The application connects as DATABASE_URL's role, which `manage.py grant_app_role`
# allows only SELECT and INSERT on the audit trail and the change history. The schema
# belongs to DATABASE_OWNER_URL's role: migrations run as it (DATABASE_AS_OWNER=true),
# and so do the tests, which create and drop their own database.
DATABASE_URL = env_str("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/infohus")
DATABASE_OWNER_URL = env_str("DATABASE_OWNER_URL", DATABASE_URL)
DATABASE_AS_OWNER = env_bool("DATABASE_AS_OWNER", "PYTEST_VERSION" in os.environ)
APP_DATABASE = dj_database_url.parse(DATABASE_URL)
DATABASE_POOL = env_bool("DATABASE_POOL", False)
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_OWNER_URL if DATABASE_AS_OWNER else DATABASE_URL,
        # A process keeps its connection between requests (checked before reuse)
        # rather than opening one per request; with the pool, the pool keeps them.
        conn_max_age=0 if DATABASE_POOL else env_int("DATABASE_CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
# psycopg 3's connection pool; CONN_MAX_AGE must stay 0 when the pool is on.
if DATABASE_POOL:
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {"min_size": 2, "max_size": 10}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"

# Change history: only writes open a history context (GET requests change nothing).
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
# Also after each migrate: the trigger on User.groups' auto-created through table,
# which migrations cannot carry.
PGTRIGGER_INSTALL_ON_MIGRATE = True
AUTHENTICATION_BACKENDS = [
    # First, so a locked-out username and address never reach the password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# Guardian's anonymous user is not used: every page but login requires a real account.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False
# Brute-force protection (django-axes). A lockout applies to one username from one
# address together: an attacker elsewhere cannot lock a real user out, and an
# unknown username is locked exactly like a known one, so the answer reveals
# nothing. It lifts by itself after the cool-off, or earlier with
# `manage.py axes_reset_username USERNAME`.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = 1 if BEHIND_TLS_PROXY else None
# Authenticator apps show the issuer next to the account name.
OTP_TOTP_ISSUER = "Infohus"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    # Older hashes are upgraded to argon2 at the next login.
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Danish, or English when the user picks it with the switch in the header
# (accounts.middleware.language_from_choice; Accept-Language is not consulted).
LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Dansk")), ("en", _("English"))]
LANGUAGE_COOKIE_NAME = "sprog"
LANGUAGE_COOKIE_SAMESITE = "Strict"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
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

REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = REDIS_URL
# The shared cache (sessions, see SESSION_ENGINE): Redis, so that every web process
# sees a session end the moment one of them ends it.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env_str("CACHE_URL", "redis://127.0.0.1:6379/1"),
        "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "infohus"),
    }
}
CELERY_RESULT_BACKEND = None
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "infohus")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "mark-stale-report-jobs": {
        "task": "reporting.tasks.fail_stale_jobs",
        "schedule": 600.0,
    },
    "yearly-national-report": {
        "task": "reporting.tasks.yearly_national_report",
        "schedule": crontab(month_of_year=1, day_of_month=15, hour=5, minute=0),
    },
    "purge-read-log": {
        "task": "audit.tasks.purge_read_log",
        "schedule": crontab(hour=2, minute=15),
    },
    "remind-of-overdue-actions": {
        "task": "concerns.tasks.send_action_reminders",
        "schedule": crontab(hour=6, minute=30),
    },
    "apply-retention": {
        "task": "concerns.tasks.apply_retention",
        "schedule": crontab(hour=2, minute=45),
    },
}

# --- Transport, cookies and browser security headers ---------------------------
# HTTPS is on unless DEBUG: TLS redirect, HSTS and Secure cookies with the
# __Host- prefix. Only a local plain-http run turns it off (see .env.example).
HTTPS = env_bool("HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_TLS_PROXY else None
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_NAME = "__Host-sessionid" if HTTPS else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if HTTPS else "csrftoken"
SESSION_COOKIE_HTTPONLY = True
# A session ends after SESSION_IDLE_MINUTES without a request and at the latest
# SESSION_MAX_HOURS after sign-in. The expiry moves on with a request at most once
# a minute (accounts.middleware), so reading a page does not write the session.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30) * 60
SESSION_TOUCH_INTERVAL = timedelta(minutes=1)
SESSION_MAX_AGE = timedelta(hours=env_int("SESSION_MAX_HOURS", 12))
SESSION_COOKIE_SAMESITE = "Strict"
# Sessions are read from the cache and written through to the database: a page
# costs no session query, and logout, key rotation and expiry act on both.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
CSRF_COOKIE_SAMESITE = "Strict"
SECURE_CONTENT_TYPE_NOSNIFF = True
# "same-origin" rather than "no-referrer": with no referrer at all Chromium sends
# `Origin: null` on same-site form posts, which Django's CSRF check must refuse.
# Nothing leaves the site either way.
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No inline script or style anywhere: every script and stylesheet is a static file.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
    }
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "infohus@localhost")

# The report job gives up on a run that has not reported progress for this long.
REPORT_JOB_STALE_SECONDS = env_int("REPORT_JOB_STALE_SECONDS", 1800)
# Counts from 1 to this value minus one are never shown in statistics.
REPORT_SUPPRESSION_THRESHOLD = env_int("REPORT_SUPPRESSION_THRESHOLD", 5)

# --- Retention ------------------------------------------------------------------
# Read-log entries (who looked at which person) are purged after this many months.
AUDIT_READ_LOG_MONTHS = env_int("AUDIT_READ_LOG_MONTHS", 6)
# Defaults for municipalities without their own retention policy: a closed case is
# anonymised this many years after closure, or this many months after closure when
# the concern was unfounded. A legal hold stops the clock.
RETENTION_YEARS = env_int("RETENTION_YEARS", 5)
RETENTION_UNFOUNDED_MONTHS = env_int("RETENTION_UNFOUNDED_MONTHS", 12)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # One JSON object per line (ASVS 16.4.1): a newline or a forged field in a
    # message is escaped inside its string and cannot start a record of its own.
    # ASCII-only output escapes the Unicode line separators too.
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": ["levelname", "name", "message"],
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": True,  # UTC, ISO 8601
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint reports layout steps and django-axes its start-up at INFO.
    # pgtrigger reports each trigger it (re)installs after migrate.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "axes.apps": {"level": "WARNING"},
        "pgtrigger": {"level": "WARNING"},
    },
}

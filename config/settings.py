"""OpenKAM settings, driven entirely by environment variables (see docs/configuration.md).

The embedded default is SQLite under ``var/``; setting ``DATABASE_URL`` switches to PostgreSQL.
``OPENKAM_DEBUG=1`` is the development mode that ``make run`` uses; without it the production
hardening below is active and ``manage.py check --deploy`` passes.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("OPENKAM_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").strip().lower() in {
        "1",
        "true",
        "yes",
        "on",
    }


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("OPENKAM_DEBUG")
SECRET_KEY = os.environ.get("OPENKAM_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("Set OPENKAM_SECRET_KEY (or OPENKAM_DEBUG=1 for development).")
    # Development only: a stable key per checkout so sessions survive restarts.
    SECRET_KEY = "openkam-development-key-not-for-production-" + "x" * 20

ALLOWED_HOSTS = env_list("OPENKAM_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("OPENKAM_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks_db",
    "axes",
    "ninja",
    "openkam.core",
    "openkam.users",
    "openkam.sales",
    "openkam.accounts",
    "openkam.stakeholders",
    "openkam.imports",
    "openkam.portfolio",
    "openkam.designations",
    "openkam.profiles",
    "openkam.competition",
    "openkam.business",
    "openkam.plans",
    "openkam.growth",
    "openkam.personality",
    "openkam.relationships",
    "openkam.coverage",
    "openkam.privacy",
    "openkam.teams",
    "openkam.raci",
    "openkam.opportunities",
    "openkam.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "openkam.users.middleware.IdleTimeoutMiddleware",
    "openkam.users.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "openkam.core.context_processors.navigation",
            ],
        },
    }
]

# Database: SQLite under var/ unless DATABASE_URL names another (PostgreSQL in production).
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASE_URL = os.environ.get("DATABASE_URL", "")


def sqlite_database(path: str) -> dict:
    """The embedded SQLite configuration, tuned for several concurrent writers."""
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        "OPTIONS": {
            # IMMEDIATE makes concurrent writers wait for the lock instead of failing with
            # "database is locked" when a read turns into a write (see TOOLCHAIN-NOTES).
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000;"
            ),
        },
    }


if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
else:
    DATABASES = {
        "default": sqlite_database(os.environ.get("OPENKAM_SQLITE_PATH", str(VAR_DIR / "openkam.sqlite3")))
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "users.User"
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses locked-out credentials before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
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
LOGIN_REDIRECT_URL = "accounts:list"
LOGOUT_REDIRECT_URL = "login"

# Brute-force protection: after five failures for one user name from one address, 15 minutes off.
AXES_FAILURE_LIMIT = int(os.environ.get("OPENKAM_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("OPENKAM_LOGIN_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "users/locked_out.html"
AXES_ENABLED = env_bool("OPENKAM_AXES_ENABLED", True)

# Sessions: an absolute lifetime plus an idle timeout enforced by IdleTimeoutMiddleware.
SESSION_COOKIE_AGE = int(os.environ.get("OPENKAM_SESSION_HOURS", "10")) * 3600
OPENKAM_IDLE_TIMEOUT = int(os.environ.get("OPENKAM_IDLE_MINUTES", "60")) * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Internationalisation: German and English everywhere; each user picks a language.
LANGUAGE_CODE = os.environ.get("OPENKAM_LANGUAGE", "de")
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("OPENKAM_TIME_ZONE", "Europe/Berlin")
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
OPENKAM_CURRENCY = os.environ.get("OPENKAM_CURRENCY", "EUR")

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
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
MEDIA_ROOT = VAR_DIR / "files"
OPENKAM_EXPORT_DIR = VAR_DIR / "exports"
OPENKAM_DATA_DIR = VAR_DIR / "data"
# Imports: the largest file accepted (bytes; refused while uploading), and where uploads wait.
OPENKAM_IMPORT_MAX_BYTES = int(os.environ.get("OPENKAM_IMPORT_MAX_BYTES", str(2 * 1024**3)))
OPENKAM_UPLOAD_DIR = VAR_DIR / "uploads"
# Serve static files straight from the apps when they have not been collected (development, tests).
WHITENOISE_USE_FINDERS = True

# Background jobs: Django's tasks framework with the database worker (manage.py db_worker).
TASKS = {
    "default": {
        "BACKEND": os.environ.get("OPENKAM_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# Content Security Policy: no inline scripts, nothing from other origins.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Production hardening (off in development mode; see docs/deployment.md for the reverse proxy).
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("OPENKAM_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = env_bool("OPENKAM_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_HSTS_SECONDS = int(os.environ.get("OPENKAM_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("OPENKAM_HSTS_PRELOAD", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("OPENKAM_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Paging in lists and the API.
OPENKAM_PAGE_SIZE = 50
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500

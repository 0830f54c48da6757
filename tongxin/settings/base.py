"""Settings shared by every environment. Configuration comes from environment variables with safe defaults."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("TONGXIN_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


# Whether missing keys may be generated into var/ on first run (development, tests, `make run`). Production
# settings turn this off: a missing key there is a configuration error, never a reason to invent a new one (a
# new field key cannot read the identity data already stored; see docs/operations.md and core/checks.py).
GENERATE_SECRETS = os.environ.get("TONGXIN_GENERATE_SECRETS", "1") == "1"


def _secret(env: str, name: str, make) -> tuple[str, str]:
    """The secret from the environment, else from var/<name>; created there on first run when allowed.

    Returns (value, source) with source "env", "file" or "generated" (the field-key check names it)."""
    if os.environ.get(env):
        return os.environ[env], "env"
    path = VAR_DIR / name
    if path.exists():
        return path.read_text().strip(), "file"
    if not GENERATE_SECRETS:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            f"缺少密钥 {env}：生产环境不会自动生成密钥。请设置环境变量 {env}，或把原来的密钥放到 {path}。\n"
            f"Missing key {env}: production settings never generate one. Set the environment variable {env} "
            f"or put the original key in {path}."
        )
    path.write_text(make())
    path.chmod(0o600)
    return path.read_text().strip(), "generated"


SECRET_KEY, SECRET_KEY_SOURCE = _secret("SECRET_KEY", "secret.key", lambda: secrets.token_urlsafe(50))


def _fernet_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


# Comma-separated Fernet keys; the first encrypts, all decrypt (see `manage.py rotate_field_key`).
TONGXIN_FIELD_KEY, TONGXIN_FIELD_KEY_SOURCE = _secret("TONGXIN_FIELD_KEY", "field.key", _fernet_key)
TONGXIN_FIELD_KEY_FILE = VAR_DIR / "field.key"

DEBUG = False
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

# Domain apps in dependency order: each may use the ones before it. `load_demo` follows this order too.
DOMAIN_APPS = [
    "core",
    "organisations",
    "accounts",
    "notifications",
    "members",
    "activities",
    "proposals",
    "ideas",
    "opinions",
    "visits",
    "consultations",
    "archives",
    "dashboard",  # reads every app above through its selectors: keep it after them
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "django_filters",
    "django_otp",  # two-factor sign-in: authenticator (TOTP) devices and one-time recovery codes
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    *DOMAIN_APPS,
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before anything reads a form or query value: drops control characters and NUL (core.text.clean_text).
    "core.middleware.CleanInputMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Holds every page of a session that still owes its second factor (a session flag: no query per request).
    "accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "core.middleware.DomainErrorMiddleware",
    # Last, so it sees the final HTML: converts pages to Traditional Chinese for users who chose 繁體.
    "core.middleware.ScriptConversionMiddleware",
]

ROOT_URLCONF = "tongxin.urls"
WSGI_APPLICATION = "tongxin.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

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
                "core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'tongxin.sqlite3'}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers work while one writer writes; IMMEDIATE avoids deadlocks on upgrade to write lock.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: the visibility filters (a path prefix OR a shared-with subquery) make the planner's
    # cost estimates large, and PostgreSQL then JIT-compiles queries that run in 15 ms — 100 ms of compiling on
    # each proposal list at province scale (docs/benchmarks.md). A web application's short queries never gain
    # from it; a DBA may still enable it per session for a report.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"]["options"] = (
        DATABASES["default"]["OPTIONS"].get("options", "") + " -c jit=off"
    ).strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.UserBackend",  # ModelBackend + the user's organisation and person in one query
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Two-factor sign-in (accounts/services.py): the name authenticator apps show.
OTP_TOTP_ISSUER = "同心平台"

# Login throttling: after 5 failures for one user name from one address, 15 minutes' pause.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Password spraying: after this many failed logins from one address, whatever the user names, 15 minutes' pause
# for that address (accounts/throttle.py).
TONGXIN_LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("TONGXIN_LOGIN_FAILURES_PER_ADDRESS", 30))

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "core.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts only from our own static files — no inline code, no `on…=`
# attributes, no eval (htmx's eval features are off in base.html) — so an injected <script> cannot run.
# Styles allow inline `style=""` attributes (layout details in templates; they cannot run code).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Front-end packages come from npm (package.json + lock) and are served by the app itself: no CDN.
STATICFILES_DIRS = [
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/echarts", BASE_DIR / "node_modules" / "echarts" / "dist"),
    ("vendor/tom-select", BASE_DIR / "node_modules" / "tom-select" / "dist"),  # searchable pickers
]
STATICFILES_FINDERS = [
    "core.staticfiles.MinifiedVendorFinder",  # the npm packages without their source and map builds
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20000
TONGXIN_MAX_UPLOAD_BYTES = int(os.environ.get("TONGXIN_MAX_UPLOAD_BYTES", 20 * 1024 * 1024))
# A whole request: one upload at its limit plus the form around it; anything larger is a 413 before parsing.
TONGXIN_MAX_REQUEST_BYTES = TONGXIN_MAX_UPLOAD_BYTES + 1024 * 1024

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "") == "1"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "同心平台 <noreply@tongxin.local>")

# Nothing is kept per process (issue 13): the cache (the ideas flood limit, the cached current term …) is shared
# by every app server process. One machine: a file cache under var/ (the gunicorn workers of `make run` share it);
# several machines: REDIS_URL, which also moves sessions' reads and the job queue to Redis.
# Login throttling (django-axes) keeps its counters in the database, so it is shared either way.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": VAR_DIR / "cache",
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    }
}
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TONGXIN_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("REDIS_KEY_PREFIX", "tongxin"),
        }
    }
    # Sessions read from Redis, written through to the database (one query less on every request).
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    # The job queue on Redis: django-tasks' RQ backend (package django-tasks-rq; workers: `manage.py rqworker
    # --job-class django_tasks_rq.Job default`).
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    TASKS = {
        "default": {"BACKEND": os.environ.get("TONGXIN_TASK_BACKEND", "django_tasks_rq.RQBackend")},
    }

# Exports with more rows than this run as background jobs with a progress bar (core/jobs.py).
TONGXIN_EXPORT_JOB_ROWS = int(os.environ.get("TONGXIN_EXPORT_JOB_ROWS", 20_000))
# The leaders' overview and a leader's home figures are counted at most once a minute per user (0: every time).
TONGXIN_OVERVIEW_CACHE_SECONDS = int(os.environ.get("TONGXIN_OVERVIEW_CACHE_SECONDS", 60))

# How long personal data is kept (days; 0 = forever): core/retention.py and each app's retention.py.
TONGXIN_RETENTION_DAYS = {
    "access_log": int(os.environ.get("TONGXIN_RETAIN_ACCESS_LOG_DAYS", 3 * 365)),
    "notifications": int(os.environ.get("TONGXIN_RETAIN_NOTIFICATIONS_DAYS", 365)),
    "sent_reminders": int(os.environ.get("TONGXIN_RETAIN_SENT_REMINDERS_DAYS", 400)),
    "import_files": int(os.environ.get("TONGXIN_RETAIN_IMPORT_FILES_DAYS", 7)),
    "citizen_contacts": int(os.environ.get("TONGXIN_RETAIN_CITIZEN_CONTACTS_DAYS", 365)),
    "export_files": int(os.environ.get("TONGXIN_RETAIN_EXPORT_FILES_DAYS", 7)),
}

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"jieba": {"level": "WARNING"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

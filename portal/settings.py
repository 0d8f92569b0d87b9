"""Settings, read from the environment with defaults that work on a developer's machine.

Production sets at least SECRET_KEY, DEBUG=0, ALLOWED_HOSTS, DATABASE_URL and REDIS_URL
(see README, "Operations").
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy

from portal.logging_config import logging_dict

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(int(default))).lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-change-me" if DEBUG else "")
if not SECRET_KEY:
    raise RuntimeError("SECRET_KEY must be set when DEBUG is off")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "django_ratelimit",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "guardian",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "portal",
    "portal.accounts",
    "applications",
    "reviews",
    "awards",
    "awards.projects",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Django's, answering a database blip while saving the session as 503, not 400 "session deleted".
    "portal.sessions.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "portal.accounts.security.TwoFactorMiddleware",
    "portal.accounts.security.StaffSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Before any view (and the CSRF check, which reads a POST's form): junk addresses and oversized uploads
    # are refused unread.
    "portal.request_guards.NulInAddressMiddleware",
    "portal.request_guards.RequestSizeLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a lockout raised during authentication into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.accounts.context_processors.menu",
                "portal.template_enums.enums",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
CACHES = {
    # Shared by every web process, so throttling and lockouts count across workers.
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "portal"),
    }
}

AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    # First, so a locked-out username/address is refused before its password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "portal.accounts.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling (django-axes): five wrong passwords for one username from one address lock that pair
# for 15 minutes. Not the username alone: anyone could then lock a company out on its deadline day.
# Behind a reverse proxy, REMOTE_ADDR is the proxy's; see README, "Operations".
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# Sessions: a working day for applicants; staff who decide on public money are logged out after
# STAFF_SESSION_IDLE_SECONDS without a request (portal.accounts.security.StaffSessionMiddleware).
SESSION_ENGINE = "portal.sessions"  # Django's database sessions; see portal/sessions.py
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(12 * 3600)))
STAFF_SESSION_IDLE_SECONDS = int(os.environ.get("STAFF_SESSION_IDLE_SECONDS", str(30 * 60)))
SESSION_COOKIE_HTTPONLY = True
# htmx sends the token from the page, so no script needs to read the CSRF cookie.
CSRF_COOKIE_HTTPONLY = True
OTP_TOTP_ISSUER = "Shanghai Biomedical Support Portal"

# A password-reset link works for two hours and once (Django's token changes with the password); the
# link that verifies a new account's e-mail for three days. Both mails go out through the outbox
# (portal/accounts/verification.py, portal/accounts/outbox.py). Asking for either is rate-limited
# (django-ratelimit, on the Redis cache).
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_TIMEOUT", str(2 * 3600)))
EMAIL_VERIFICATION_MAX_AGE = int(os.environ.get("EMAIL_VERIFICATION_MAX_AGE", str(3 * 24 * 3600)))
PASSWORD_RESET_RATE_PER_ADDRESS = os.environ.get("PASSWORD_RESET_RATE_PER_ADDRESS", "10/h")
PASSWORD_RESET_RATE_PER_EMAIL = os.environ.get("PASSWORD_RESET_RATE_PER_EMAIL", "3/h")
EMAIL_VERIFICATION_RESEND_RATE = os.environ.get("EMAIL_VERIFICATION_RESEND_RATE", "3/h")
# django-ratelimit counts in the shared Redis cache, like django-axes. Its check knows only third-party
# Redis backends by name; Django's own increments with Redis INCR, atomic as the check asks.
RATELIMIT_USE_CACHE = "default"
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
# guardian: no anonymous user row; the public pages need no object permissions.
ANONYMOUS_USER_NAME = None

# Production (DEBUG off): HTTPS only, cookies only over HTTPS, HSTS; `manage.py check --deploy` is clean
# (tests/portal/test_security.py runs it). Development over plain http keeps working with DEBUG on.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# The load balancer's health probe talks plain http.
SECURE_REDIRECT_EXEMPT = [r"^healthz(/live)?$"]
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    # Only behind a proxy that sets (and strips any client-sent) X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): scripts, styles, fonts and images only from the portal itself;
# no inline script anywhere (chart data travels in a json_script block, which is not executed).
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
    },
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "staticfiles"))
# Front-end libraries come from npm (package.json, `make`), served by the portal itself.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/chartjs", BASE_DIR / "node_modules" / "chart.js" / "dist"),
]
# Uploads and letters live outside the web root and are only served through permission-checked views.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
# The commissions' digital seals on letters (issue 17, awards/seal.py): SEAL_DIR holds one PKCS#12 file per
# commission, <CODE>.p12 (key and certificate, the code also in the certificate subject's organizationIdentifier),
# all under SEAL_PASSPHRASE (empty: unencrypted, as the demo's). SEAL_TRUST_ROOTS, comma-separated PEM files, are
# the roots a seal must chain to; by default the demo CA that `manage.py seal_demo_ca` makes in SEAL_DIR.
SEAL_DIR = Path(os.environ.get("SEAL_DIR", BASE_DIR / "var" / "seal"))
SEAL_PASSPHRASE = os.environ.get("SEAL_PASSPHRASE", "")
SEAL_TRUST_ROOTS = env_list("SEAL_TRUST_ROOTS", str(SEAL_DIR / "demo-ca.pem"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Source maps and type declarations ship with the npm and sidecar packages but no browser asks for them
# compressed; brotli on their ~25 MB took most of collectstatic's 80 s.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [
    *("jpg", "jpeg", "png", "gif", "webp", "zip", "gz", "tgz", "bz2", "tbz", "xz", "br", "swf", "flv", "woff", "woff2"),
    *("map", "ts", "cjs", "mjs", "md", "txt"),
]

# Development writes each mail to a file under var/mail/ (a letter's PDF in base64 filled the worker's
# log when it went to the console); production names its SMTP backend (EMAIL_BACKEND, EMAIL_HOST).
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.filebased.EmailBackend" if DEBUG else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The remedies every decision letter and certificate states (awards/legal_basis.py). Under the Administrative
# Reconsideration Law as revised in 2023 (art. 24), an act of a department of the municipal government is
# reconsidered by the Shanghai Municipal People's Government; a suit goes to the people's court with jurisdiction.
# A commission whose acts go elsewhere (a vertically led unit: to the next level up) gets its own entry by code.
LETTER_REMEDIES = {
    "*": {
        "reconsideration_zh": "上海市人民政府",
        "reconsideration_en": "the Shanghai Municipal People's Government",
        "court_zh": "有管辖权的人民法院",
        "court_en": "the people's court with jurisdiction",
    },
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "no-reply@biomed-support.sh.gov.cn.invalid")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        # Tokens hashed at rest, several per person, each with an expiry (portal/accounts/api_tokens.py).
        "knox.auth.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_VERSIONING_CLASS": "rest_framework.versioning.NamespaceVersioning",
    # The schema (/api/schema/, `manage.py spectacular`) describes this version; without a default, the
    # generator asks for version None and finds no operation under the v1 namespace.
    "DEFAULT_VERSION": "v1",
    "ALLOWED_VERSIONS": ["v1"],
    "EXCEPTION_HANDLER": "portal.errors.api_exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "estimate": os.environ.get("ESTIMATE_THROTTLE", "60/minute"),
        # Objections on the public notice (awards/throttles.py): each open one holds an award back.
        "objection_address": os.environ.get("OBJECTION_THROTTLE_ADDRESS", "10/hour"),
        "objection_identity": os.environ.get("OBJECTION_THROTTLE_IDENTITY", "5/day"),
        # The verification page of letters and its API (awards/throttles.py): against guessing tokens.
        "verify": os.environ.get("VERIFY_THROTTLE", "30/minute"),
    },
    # Throttles count per REMOTE_ADDR, as django-axes does: X-Forwarded-For is the client's to forge unless a
    # proxy in front sets it (then NUM_PROXIES is how many proxies to count back from its end).
    "NUM_PROXIES": int(os.environ.get("NUM_PROXIES", "0")),
}
# Every filter's empty choice (django-filter's choice filters) reads "All" in the page's language, not "---------".
FILTERS_EMPTY_CHOICE_LABEL = gettext_lazy("All")
# API tokens expire: a working day for staff (who also need their second factor to get one), a month for
# applicants' integrations. Each owner lists and revokes theirs (/accounts/api-tokens/).
API_TOKEN_TTL_STAFF = timedelta(hours=int(os.environ.get("API_TOKEN_TTL_STAFF_HOURS", "8")))
API_TOKEN_TTL_APPLICANT = timedelta(days=int(os.environ.get("API_TOKEN_TTL_APPLICANT_DAYS", "30")))
REST_KNOX = {
    # Only a fallback: portal/accounts/api_tokens.py passes the expiry for the person's role.
    "TOKEN_TTL": API_TOKEN_TTL_STAFF,
    "AUTO_REFRESH": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Shanghai Biomedical Support Portal API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the installed sidecar package, not a CDN: the portal runs on a closed network.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # An application's state is read by two components (applications and desk cases): one enum, named; the
    # projects' states and kinds, each its own named enum in the schema (they share field names).
    "ENUM_NAME_OVERRIDES": {
        "ApplicationStateEnum": "applications.models.State",
        "ProjectStateEnum": "awards.projects.models.ProjectState",
        "ReportStateEnum": "awards.projects.models.ReportState",
        "VariationStateEnum": "awards.projects.models.VariationState",
        "InstalmentStateEnum": "awards.projects.models.InstalmentState",
        "DocumentKindEnum": "awards.projects.models.DocumentKind",
        "VariationKindEnum": "awards.projects.models.VariationKind",
        "DeliveryEnum": "portal.accounts.models.Delivery",
        "NotificationKindEnum": "portal.accounts.models.NotificationKind",
    },
}

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", REDIS_URL)
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "portal")
# A task is acknowledged only after it ran, so a worker that dies mid-task leaves it to be re-delivered;
# every task is written to be safe to run twice.
CELERY_TASK_ACKS_LATE = True
# With acks late, a task whose worker died is handed to another worker once this many seconds have
# passed since it was taken; every task here finishes in seconds, so a few minutes is plenty.
_VISIBILITY = int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "300"))
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": _VISIBILITY,
    # Look for abandoned tasks every few seconds (a cheap sorted-set read), not every 100 s.
    "unacked_restore_interval": max(1, min(10, _VISIBILITY // 3)),
    "unacked_restore_throttle": 1,
}
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fix-up closes the database connection around every task unless told to reuse it: a new
# PostgreSQL backend per task doubled the cost of computing an award (`make bench`). Connections are
# recycled by age and health instead, as the web does (portal/celery.py).
CELERY_DB_REUSE_MAX = 1_000_000
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 3600
CELERY_TIMEZONE = TIME_ZONE
# Readiness (/healthz) fails once the worker's last heartbeat (beat's task, every 60 s) is older than this.
HEARTBEAT_STALE_SECONDS = int(os.environ.get("HEARTBEAT_STALE_SECONDS", "180"))
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "portal.tasks.heartbeat", "schedule": 60.0},
    # Confirms awards whose public notice has ended without an open objection; hourly is plenty for
    # periods counted in days.
    "close-notices": {"task": "awards.tasks.close_notices", "schedule": 3600.0},
    # Lists the register entries whose notice ended without an open objection (and queues their certificates);
    # expires entries past their validity; reminds holders once, 90 days before, to renew.
    "close-register-notices": {"task": "awards.tasks.close_register_notices", "schedule": 3600.0},
    "expire-register-entries": {"task": "awards.tasks.expire_register_entries", "schedule": 3600.0},
    "remind-renewals": {"task": "awards.tasks.remind_renewals", "schedule": 3600.0},
    # Queues again awards, letters and certificates whose messages were lost (a Redis restart) or whose task
    # gave up.
    "sweep-unfinished": {"task": "awards.tasks.sweep_unfinished", "schedule": 300.0},
    # Queues again e-mails of the outbox still unsent after its grace period (portal/accounts/outbox.py).
    "sweep-outbox": {"task": "portal.tasks.sweep_outbox", "schedule": 300.0},
    # Reminders of what projects owe (10 and 3 working days before, overdue); each is sent once per deadline
    # and stage however often this runs (awards/projects/reminders.py), so hourly is safe and timely.
    "project-reminders": {"task": "projects.tasks.send_reminders", "schedule": 3600.0},
    # Clarification requests on an application's thread due tomorrow or overdue, each reminded once per stage
    # however often this runs (reviews/threads.clarification_reminders_send); none once answered.
    "clarification-reminders": {"task": "reviews.tasks.send_clarification_reminders", "schedule": 3600.0},
    # Review tasks and expert scores due in 2 working days and overdue; drafts whose call closes in 3 days. Each
    # is sent once per deadline and stage (the inbox item's key), so hourly is safe (reviews/reminders.py,
    # applications/reminders.py).
    "review-reminders": {"task": "reviews.tasks.send_review_reminders", "schedule": 3600.0},
    "draft-reminders": {"task": "applications.tasks.send_draft_reminders", "schedule": 3600.0},
    # Tells the organisations alerted of a call that it opened (applications/alerts.py): once per call and person
    # however often this runs, so every 15 minutes keeps the news fresh at the cost of one indexed query.
    "call-alerts": {"task": "applications.tasks.send_call_alerts", "schedule": 900.0},
    # The daily digest of inbox items for those who chose it (portal/accounts/inbox.py), at 08:00 Shanghai time;
    # a second run finds nothing new to send.
    "inbox-digests": {"task": "portal.accounts.tasks.send_digests", "schedule": crontab(hour=8, minute=0)},
}

# Plain lines in development, JSON lines in production (portal/logging_config.py).
# LOG_FILE: the file of a daemonised web server (`make run`, portal/gunicorn_conf.py); stderr otherwise.
LOGGING = logging_dict(
    fmt=os.environ.get("LOG_FORMAT", "plain" if DEBUG else "json"),
    level=os.environ.get("LOG_LEVEL", "INFO"),
    log_file=os.environ.get("LOG_FILE") or None,
)

# The catalogue file `make run` and the tests load.
CATALOGUE_PATH = BASE_DIR / "applications" / "catalogue.toml"

# The portal's help desk, named on every call's page beside the lead commission: the catalogue records no
# contact of the commissions themselves, and questions about a call reach them through the desk.
HELP_DESK_EMAIL = os.environ.get("HELP_DESK_EMAIL", "help@biomed-support.sh.gov.cn.invalid")
HELP_DESK_PHONE = os.environ.get("HELP_DESK_PHONE", "")

"""Settings for the serious case review action tracker.

Everything that differs between a laptop and production comes from the
environment (see README "Configuration"). Defaults are safe for a laptop:
SQLite under var/, DEBUG only when asked for.
"""

import datetime
import warnings
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from lscb.env import cache_settings, email_settings, env_bool, env_int, env_list, env_str, sso_providers

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

DEBUG = env_bool("DJANGO_DEBUG", False)
# The fallback key is only good for a laptop: `check --deploy` flags it (security.W009).
SECRET_KEY = env_str("DJANGO_SECRET_KEY") or "django-insecure-local-only-do-not-use-in-production"
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # The admin site requires two-factor sign-in too (lscb/platform/admin_site.py).
    "lscb.platform.admin_config.LscbAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",  # the form renderer finds its own templates beside ours (FORM_RENDERER)
    "simple_history",
    "django_filters",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_tasks",
    "django_tasks_db",  # the task queue's table (DBTaskResult) and its worker, `manage.py db_worker`
    "rest_framework",  # the read-only reporting API (lscb/board/api), DESIGN.md §14
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served by us rather than a CDN the CSP refuses
    "lscb.platform",
    "reviews",
    "actions",
    "assurance",
    "lscb.board",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Cache-Control: no-store and Permissions-Policy on everything the app itself answers.
    "lscb.platform.security.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs a signed-in user unless its view says otherwise (@login_not_required).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # request.user.is_verified(): has this session passed a second factor?
    "django_otp.middleware.OTPMiddleware",
    # Idle and absolute session timeouts (lscb/platform/sessions.py).
    "lscb.platform.sessions.SessionTimeoutMiddleware",
    # No page but set-up, verify and sign-out without a second factor, when LSCB_REQUIRE_2FA is on.
    "lscb.platform.two_factor.TwoFactorRequiredMiddleware",
    # Permission refusals (403, and 404 from a view) go to the security log.
    "lscb.platform.security.middleware.RefusalAuditMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lscb.urls"
WSGI_APPLICATION = "lscb.wsgi.application"

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
                "lscb.board.context_processors.board",
                "lscb.board.navigation.navigation",
                "lscb.platform.security.security_context",
            ],
        },
    },
]

# Fields drawn as GOV.UK form groups: `{{ form.name.as_field_group }}` (templates/govuk/field.html).
FORM_RENDERER = "lscb.platform.forms.GovukFormRenderer"

# --- Database -----------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if not DATABASE_URL:
    VAR_DIR.mkdir(exist_ok=True)
    DATABASE_URL = f"sqlite:///{VAR_DIR / 'lscb.sqlite3'}"
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL I understand: {exc}") from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -----------------------------------------------------------
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "board:root"  # a lead lands on their own work queue, others on the dashboard
LOGOUT_REDIRECT_URL = "login"
# Axes first: it refuses a locked-out sign-in before any password is checked.
# The single sign-on backend answers only a provider's callback (lscb/platform/sso/backend.py).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "lscb.platform.sso.backend.ProviderBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Internationalisation -----------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static and media files ---------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT") or VAR_DIR / "static")
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("govuk", BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Until `collectstatic` has run (a laptop, the tests) serve straight from the source folders; the `make run`
# demo always does (LSCB_STATIC_FROM_SOURCE=1), so a stale var/static from an earlier collectstatic is never served.
WHITENOISE_USE_FINDERS = DEBUG or env_bool("LSCB_STATIC_FROM_SOURCE", False) or not STATIC_ROOT.exists()
if WHITENOISE_USE_FINDERS:  # then an absent STATIC_ROOT is expected, and whitenoise's warning about it is noise
    warnings.filterwarnings("ignore", message="No directory at: ", category=UserWarning)
# Files browsers ask for at the site's root (/favicon.ico), served by whitenoise like the static files.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
# Evidence lives here, outside the static files, and is served only through a
# permission-checked view. Never put MEDIA_ROOT under a web server's document root.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or VAR_DIR / "media")
# No URL pattern serves this prefix: files go out only through evidence download views.
MEDIA_URL = "/media/"
# Plans the worker printed before anyone asked (actions/plan/ready.py): OFFICIAL-SENSITIVE like the
# evidence, served only by the permission-checked plan view.
READY_PLANS_ROOT = MEDIA_ROOT / "plans"
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750

# --- Uploads ------------------------------------------------------------------
# Evidence upload rules, in one place (README "Evidence files"). assurance/uploads.py
# enforces them; every limit has a safe default and may be tightened from the environment.
_MB = 1024 * 1024
LSCB_UPLOADS = {
    # Each file, and the whole upload (every file plus the form), in bytes.
    "MAX_FILE_BYTES": env_int("LSCB_UPLOAD_MAX_FILE_MB", 25, minimum=1) * _MB,
    "MAX_UPLOAD_BYTES": env_int("LSCB_UPLOAD_MAX_TOTAL_MB", 100, minimum=1) * _MB,
    "MAX_FILES": env_int("LSCB_UPLOAD_MAX_FILES", 10, minimum=1),
    # Office and OpenDocument files are zip archives: a small file can unpack
    # to gigabytes (a "zip bomb"). Each is unpacked as a stream, counting bytes.
    "ZIP_MAX_UNCOMPRESSED_BYTES": env_int("LSCB_UPLOAD_ZIP_MAX_MB", 250, minimum=1) * _MB,
    "ZIP_MAX_RATIO": env_int("LSCB_UPLOAD_ZIP_MAX_RATIO", 100, minimum=2),
    "ZIP_MAX_ENTRIES": 5000,
    # The allow-list (keys of assurance.uploads.FILE_TYPES). Narrow it, never widen it beyond those.
    "ALLOWED_TYPES": env_list(
        "LSCB_UPLOAD_TYPES", ["pdf", "docx", "xlsx", "pptx", "odt", "ods", "csv", "txt", "png", "jpeg", "eml", "msg"]
    ),
    # Optional virus scan through clamd's INSTREAM command, e.g. "unix:///run/clamav/clamd.ctl"
    # or "tcp://127.0.0.1:3310". Off when empty. When on, a file that is infected or
    # cannot be scanned (clamd down, timeout) is refused and never stored.
    "CLAMAV_URL": env_str("LSCB_CLAMAV_URL") or None,
    "CLAMAV_TIMEOUT": env_int("LSCB_CLAMAV_TIMEOUT", 30, minimum=1),
}
# Django streams a file to a temporary file once it passes this size, so a big
# upload is never held in memory; form fields other than files are capped here.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2621440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2621440
DATA_UPLOAD_MAX_NUMBER_FILES = 20

# --- Email --------------------------------------------------------------------
_email_url = env_str("EMAIL_URL")
if _email_url:
    globals().update(email_settings(_email_url))
else:
    EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
    EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
    EMAIL_PORT = env_int("EMAIL_PORT", 25)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# With EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend (the `make run` demo), each message is a
# file in this folder, readable as it was sent, instead of base64 in the log.
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH") or str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "action-tracker@localhost")
# A mail server that accepts the connection and then hangs must not hold a worker for ever.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)

# --- Background work (DESIGN.md §13, README "Background work") ----------------
# Tasks are rows in the database (django-tasks-db), run by `manage.py db_worker` beside the web server: no
# second server, on SQLite and PostgreSQL alike. lscb.platform.tasks queues them after commit and retries.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
LSCB_TASK_ATTEMPTS = env_int("LSCB_TASK_ATTEMPTS", 5)  # tries before a task is listed as failed
LSCB_TASK_BACKOFF_SECONDS = env_int("LSCB_TASK_BACKOFF_SECONDS", 30)  # first pause; four times longer each time

# --- Security headers ---------------------------------------------------------
# HTTPS is an explicit part of a production configuration (LSCB_HTTPS=1);
# `check --deploy` refuses a configuration without it.
HTTPS = env_bool("LSCB_HTTPS", False)
SECURE_SSL_REDIRECT = HTTPS
# Load balancers probe /healthz over plain HTTP (and with HEAD): it answers there rather than redirecting.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("LSCB_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
# Behind our own reverse proxy: trust its X-Forwarded-Proto, and the last X-Forwarded-For entry
# as the client's address in the security log and lockouts (lscb.platform.security.client_ip).
LSCB_BEHIND_PROXY = env_bool("LSCB_BEHIND_PROXY", False)
if LSCB_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
    },
}

# --- Sign-in protection, two-factor sign-in and sessions ------------------------
# Two-factor sign-in is the production default; only the `make run` demo turns it off (and says so on every page).
LSCB_REQUIRE_2FA = env_bool("LSCB_REQUIRE_2FA", True)
# Outside the DEBUG demo, a server without it refuses to start unless this loudly named override is set
# (benchmarks that sign in with force_login set it; no real deployment should).
if not (LSCB_REQUIRE_2FA or DEBUG or env_bool("LSCB_ALLOW_SIGN_IN_WITHOUT_SECOND_FACTOR", False)):
    raise ImproperlyConfigured(
        "LSCB_REQUIRE_2FA is off but DEBUG is not: production requires two-factor sign-in. Turn it on, or set "
        "LSCB_ALLOW_SIGN_IN_WITHOUT_SECOND_FACTOR=1 if you really mean to run a server without it."
    )
# Lockout (django-axes): N failed sign-ins for one username, or from one address, pause it for the cool-off.
# The username guards an account against guessing from many addresses, the address against trying many
# usernames. Where many staff share one gateway address, LSCB_LOCKOUT_PARAMETERS=username drops the latter.
AXES_FAILURE_LIMIT = env_int("LSCB_LOCKOUT_FAILURES", 5, minimum=1)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("LSCB_LOCKOUT_COOLOFF_MINUTES", 30, minimum=1))
AXES_LOCKOUT_PARAMETERS = env_list("LSCB_LOCKOUT_PARAMETERS", ["username", "ip_address"])
if not AXES_LOCKOUT_PARAMETERS or set(AXES_LOCKOUT_PARAMETERS) - {"username", "ip_address"}:
    raise ImproperlyConfigured("LSCB_LOCKOUT_PARAMETERS must list username, ip_address or both")
AXES_RESET_ON_SUCCESS = True
# Our own page: it names neither the user nor how many attempts are left.
AXES_LOCKOUT_CALLABLE = "lscb.platform.errors.locked_out"
AXES_CLIENT_IP_CALLABLE = "lscb.platform.security.client_ip"
# The typed username, cut to 150 characters: axes' own column holds 255 and overflowed on PostgreSQL.
AXES_USERNAME_CALLABLE = "lscb.platform.security.attempted_username"
# Our own security log records every sign-in; axes keeps only its attempt counters.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# Sessions live in the database (shared by every app server) and end on the server at sign-out.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
LSCB_SESSION_IDLE_MINUTES = env_int("LSCB_SESSION_IDLE_MINUTES", 30, minimum=1)
LSCB_SESSION_MAX_HOURS = env_int("LSCB_SESSION_MAX_HOURS", 10, minimum=1)
# The security log holds people's names and addresses: `prune_security_log` removes older events.
LSCB_SECURITY_LOG_DAYS = env_int("LSCB_SECURITY_LOG_DAYS", 400, minimum=30)
SESSION_COOKIE_AGE = LSCB_SESSION_MAX_HOURS * 3600

# --- Single sign-on (OpenID Connect; README "Single sign-on", lscb/platform/sso/) -----
# Providers from LSCB_SSO_PROVIDERS and LSCB_SSO_<ID>_* (lscb.env.sso_providers); none by default.
LSCB_SSO_PROVIDERS = sso_providers()
# Seconds to wait for a provider's discovery, token, keys and userinfo endpoints.
LSCB_SSO_TIMEOUT = env_int("LSCB_SSO_TIMEOUT", 10, minimum=1)
# Whom a person without an account (or with another address) should ask: shown on the refusal page.
LSCB_ACCESS_CONTACT = env_str("LSCB_ACCESS_CONTACT", "the partnership's business manager")
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- The board ----------------------------------------------------------------
BOARD_NAME = env_str("LSCB_BOARD_NAME", "Northbridge Safeguarding Children Partnership")
# Whose bank holidays the statutory clocks' working days skip (reviews/clocks.py): ENG (England, the default),
# WLS (Wales, the same days), SCT (Scotland) or NIR (Northern Ireland).
LSCB_BANK_HOLIDAYS = env_str("LSCB_BANK_HOLIDAYS", "ENG").strip().upper()
if LSCB_BANK_HOLIDAYS not in {"ENG", "WLS", "SCT", "NIR"}:
    raise ImproperlyConfigured(f"LSCB_BANK_HOLIDAYS must be ENG, WLS, SCT or NIR, not {LSCB_BANK_HOLIDAYS!r}")
PROTECTIVE_MARKING = env_str("LSCB_PROTECTIVE_MARKING", "OFFICIAL-SENSITIVE")
# Where the deployment publishes docs/user-guide.md with its pictures (the footer's "User guide" goes there);
# empty: /guide/ shows the guide rendered from its Markdown, with its pictures.
LSCB_USER_GUIDE_URL = env_str("LSCB_USER_GUIDE_URL").strip()
# Both reach email headers (Subject, From), where a line break would start a header of its own.
for _name, _value in {"LSCB_PROTECTIVE_MARKING": PROTECTIVE_MARKING, "DEFAULT_FROM_EMAIL": DEFAULT_FROM_EMAIL}.items():
    if len(_value.splitlines()) > 1 or "\r" in _value or "\n" in _value:
        raise ImproperlyConfigured(f"{_name} must be one line: it goes into every email's headers")
# The name an authenticator app shows beside the code.
OTP_TOTP_ISSUER = BOARD_NAME
# The admin may delete a user's authenticator (to reset a lost phone) but never shows its secret.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# --- Cache ----------------------------------------------------------------------
# Holds rendered plans keyed on their data's latest history (actions/plan/). LocMem is per
# process; with several gunicorn workers point LSCB_CACHE_URL at a shared folder (file:///…).
CACHES = cache_settings(env_str("LSCB_CACHE_URL"))

# --- The reporting API (lscb/board/api, DESIGN.md §14) ---------------------------
# Read-only; a personal API token (lscb/platform/api_tokens) or the signed-in session. Every
# endpoint scopes by for_user() and names its permission (lscb.platform.api_tokens.rest.NamedPermission).
LSCB_API_PAGE_SIZE = env_int("LSCB_API_PAGE_SIZE", 100, minimum=1)
LSCB_API_MAX_PAGE_SIZE = env_int("LSCB_API_MAX_PAGE_SIZE", 500, minimum=1)
# Requests a token (or a signed-in person browsing the API) may make; DRF's rate syntax, e.g. 600/hour.
LSCB_API_RATE = env_str("LSCB_API_RATE", "120/min")
# The longest a new token may live, in days.
LSCB_API_TOKEN_MAX_DAYS = env_int("LSCB_API_TOKEN_MAX_DAYS", 366, minimum=1)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "lscb.platform.api_tokens.rest.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["lscb.platform.api_tokens.rest.NamedPermission"],
    "DEFAULT_THROTTLE_CLASSES": ["lscb.platform.api_tokens.rest.TokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_PAGINATION_CLASS": "lscb.platform.api_tokens.rest.BoundedPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DATE_FORMAT": "iso-8601",
    "DATETIME_FORMAT": "iso-8601",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Case review action tracker: reporting API",
    "DESCRIPTION": "Read-only. Every endpoint shows exactly what the person whose token it is sees on the pages.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {"AssuranceLevelEnum": "actions.choices.AssuranceLevel"},
}

# The security log (lscb.platform.security) writes one JSON object a line, for a SIEM to collect
# from the service's journal; every event is also kept in the database (/audit/security/).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json_line": {"format": "%(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "security": {"class": "logging.StreamHandler", "formatter": "json_line"},
    },
    "loggers": {
        "lscb.security": {"handlers": ["security"], "level": "INFO", "propagate": False},
        # WeasyPrint logs every rendering step at INFO; its warnings (a refused URL, a bad font) still show.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

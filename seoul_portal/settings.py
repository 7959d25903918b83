"""Settings for the Seoul civic portal: one module, driven by environment variables only.

With nothing set the site runs embedded (SQLite, tasks run eagerly, SMS and email to the console).
With DATABASE_URL and REDIS_URL it runs on PostgreSQL, a Redis cache and a Celery broker.
Production differs only by environment (see README.md for the table of variables).
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name, default):
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)
# With nothing set the site runs embedded, on a development key that is public (it is in this
# file), and the keys of personal data at rest are derived from it. A site that serves any
# host name beyond this machine must bring its own keys: see SERVES_PUBLIC_HOSTS below.
SECRET_KEY = env("SECRET_KEY") or "django-insecure-embedded-development-key-change-me"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# The address Twilio signs its callbacks against; behind a proxy request.build_absolute_uri()
# would not match what Twilio saw.
PUBLIC_BASE_URL = env("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# How many reverse proxies stand in front of the site: the client IP is the address that many
# hops from the right of X-Forwarded-For; 0 trusts no header (a client could forge it).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

INSTALLED_APPS = [
    # citizens first: its createsuperuser (email and password) replaces the auth app's.
    "citizens",
    "notifications",
    "audit",
    "governance",
    "proposals",
    "voting",
    "budgeting",
    "complaints",
    "opendata",
    "seoul_portal",
    "seoul_portal.apps.PortalAdminConfig",  # django.contrib.admin with the password-only site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "csp",
    "rules.apps.AutodiscoverRulesConfig",
    "anymail",
]

MIDDLEWARE = [
    # Outermost: a database, Redis or broker outage anywhere below answers 503 "try again", not 500.
    "seoul_portal.outage.OutageMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "seoul_portal.middleware.ClientIPMiddleware",
    # On MEDIA_HOST only the uploaded files' views answer.
    "seoul_portal.uploads.MediaHostMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "seoul_portal.middleware.ContentSecurityPolicyMiddleware",
    # With a read replica: a browser that has just written reads the primary for a moment.
    "seoul_portal.replica.ReplicaPinMiddleware",
]

ROOT_URLCONF = "seoul_portal.urls"
WSGI_APPLICATION = "seoul_portal.wsgi.application"
ASGI_APPLICATION = "seoul_portal.asgi.application"

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
                "csp.context_processors.nonce",
                "seoul_portal.context_processors.site",
            ],
        },
    },
]

# --- Database ------------------------------------------------------------------------------
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"]["OPTIONS"] = {
            # psycopg 3's pool: connections are reused across requests without CONN_MAX_AGE
            # (which must stay 0 with a pool).
            "pool": {
                "min_size": env_int("DATABASE_POOL_MIN", 2),
                "max_size": env_int("DATABASE_POOL_MAX", 10),
                "timeout": env_int("DATABASE_POOL_TIMEOUT", 10),
                # While PostgreSQL is down the pool retries each lost connection with a doubling
                # delay (1, 2, 4, ... s) until this many seconds have passed, then starts again from
                # 1 s when a request needs a connection: with psycopg's 300 s the pool could go on
                # sleeping for minutes after PostgreSQL is back (tests/chaos/test_postgres_restart.py).
                "reconnect_timeout": env_int("DATABASE_POOL_RECONNECT_TIMEOUT", 15),
            },
            # Prepared at their first execution: only the statements that seoul_portal.statements
            # sends through its server-binding cursor (Django's own cursors never prepare).
            "prepare_threshold": 0,
        }
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        # Without health checks the pool hands out dead connections after a PostgreSQL restart:
        # with them Django gives the pool `check=ConnectionPool.check_connection`, which tests each
        # connection as it leaves the pool and replaces a dead one.
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # A streaming replica of the primary: the public pages' and dashboards' reads go there
    # (seoul_portal/replica.py); writes, reads inside a transaction and the rest stay on the primary.
    DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL")
    if DATABASE_REPLICA_URL:
        DATABASES["replica"] = {
            **dj_database_url.parse(DATABASE_REPLICA_URL),
            "OPTIONS": DATABASES["default"].get("OPTIONS", {}),
            "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
            "CONN_HEALTH_CHECKS": DATABASES["default"].get("CONN_HEALTH_CHECKS", False),
            "TEST": {"MIRROR": "default"},
        }
else:
    (BASE_DIR / "var").mkdir(exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "var" / "db.sqlite3",
            "OPTIONS": {"timeout": 20},
        }
    }
    # SQLite cannot treat NULLs as equal in a unique constraint (the rollups' "one row per day and
    # dimensions" where a dimension is none): PostgreSQL enforces those; the embedded developer
    # site, whose rollups only the services write, goes without.
    SILENCED_SYSTEM_CHECKS = ["models.W047"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
DATABASE_ROUTERS = ["seoul_portal.replica.PrimaryReplicaRouter"]
# How long a browser that has just written reads the primary (read your own writes).
REPLICA_PIN_SECONDS = env_int("REPLICA_PIN_SECONDS", 10)

# --- Cache and sessions ---------------------------------------------------------------------
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "portal"),
            "OPTIONS": {
                # An unreachable Redis is a cache miss, not an error page.
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
# Sessions live in the database (nothing is lost when Redis restarts), read through the cache:
# Django's cached_db, which also keeps a view's answer when the database is down as the session
# is saved after it (seoul_portal/sessions.py).
SESSION_ENGINE = "seoul_portal.sessions"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 12)

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL)
# Embedded mode has no broker: tasks run in the request, as soon as the transaction commits.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = False
# A task is acknowledged only after it ran, so a killed worker's task is delivered again.
CELERY_TASK_ACKS_LATE = True
# ... and when the worker process dies mid-task the message goes back to the queue.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# One message at a time per process: a killed worker strands at most one task.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fixup would close every connection (and psycopg's pool) around each task; the
# portal hands connections back to the pool instead, as a request does (seoul_portal/
# worker_connections.py). The fixup still starts afresh after this many tasks.
CELERY_DB_REUSE_MAX = 10_000
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Asia/Seoul"
# A worker started while Redis is still coming up (a deploy, a host reboot) waits for it
# instead of exiting.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker that loses Redis mid-run reconnects (and goes on consuming) instead of stopping...
CELERY_BROKER_CONNECTION_RETRY = True
# ... for as long as the outage lasts: with Celery's default (100 attempts, ~50 min) a long
# outage would leave no worker running once Redis is back. None is "forever" (0 would be "never").
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# On a lost broker connection the tasks running keep running: a task run again after its message
# is redelivered finds its rows claimed or sent (notifications/delivery.py), whereas cancelling
# it could kill a send the provider has already taken. Explicit: Celery 6 turns this on.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # An unreachable Redis otherwise blocks a publishing request forever.
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    # A connection left half-open (Redis host gone without a reset) is found by TCP keepalives,
    # and a connection idle this many seconds is pinged before use; a worker's waiting BRPOP
    # whose answer is that late is dropped and reconnected (kombu 5.7).
    "socket_keepalive": True,
    "health_check_interval": 25,
    # Unacknowledged messages of a killed worker are restored after this many seconds
    # instead of the default hour; tasks here are short and never scheduled with an ETA.
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 120),
    # Workers look for such messages every interval × throttle seconds (kombu's defaults make
    # it 100 s): 30 s, so a killed worker's tasks are back within about 2.5 minutes.
    "unacked_restore_interval": 10,
    "unacked_restore_throttle": 3,
    # ... at most this many per look, so that one look after a mass kill stays short.
    "unacked_restore_limit": 100,
}
# The Redis result backend's timeouts, should one be configured (CELERY_RESULT_BACKEND is off):
# the same bounds as the broker's, so a result lookup never hangs on a dead Redis.
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
CELERY_REDIS_SOCKET_TIMEOUT = 5
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_BEAT_SCHEDULE = {
    "sweep-outbox": {"task": "notifications.tasks.sweep_outbox", "schedule": 60.0},
    # Sign-in codes and their contacts after a day, other sent/failed rows after NOTIFICATION_RETENTION_DAYS.
    "seal-ledger": {"task": "audit.tasks.seal_ledger", "schedule": 60.0},
    # Every kind of PERSONAL_DATA_RETENTION, the outbox's, the audit IPs' and the sign-in records'
    # included (seoul_portal/retention.py); their own tasks stay for an operator to run one alone.
    "purge-personal-data": {"task": "seoul_portal.tasks.purge_personal_data", "schedule": 24 * 60 * 60.0},
    "governance-review-reminders": {"task": "governance.tasks.send_review_reminders", "schedule": 60 * 60.0},
    # Closes support windows, opens and closes debates; safe to run twice.
    "proposals-advance": {"task": "proposals.tasks.advance_proposals", "schedule": 15 * 60.0},
    # Opens and closes polls on time (a poll closes within a minute of its closing time); safe to run twice.
    "voting-advance": {"task": "voting.tasks.advance_polls", "schedule": 60.0},
    # Rewrites the ballots cast in the last minute in random order (voting/services/mixing.py).
    "voting-mix-ballots": {"task": "voting.tasks.mix_ballots", "schedule": 60.0},
    # The same for participatory budgeting's ballots (budgeting/services/mixing.py).
    "budgeting-mix-ballots": {"task": "budgeting.tasks.mix_ballots", "schedule": 60.0},
    # Flags overdue complaints (alerting unit heads) and sends 30-day progress notices; safe to run twice.
    "complaints-escalate": {"task": "complaints.tasks.escalate_complaints", "schedule": 15 * 60.0},
    # Counts complaints changed since the last run into the dashboards' rollups (issue 8).
    "complaints-refresh-rollups": {"task": "complaints.tasks.refresh_rollups", "schedule": 5 * 60.0},
    # This week's rising terms against the previous four weeks.
    "complaints-compute-trends": {"task": "complaints.tasks.compute_trends", "schedule": 60 * 60.0},
}
# Three queues, each with workers of its own, so that no long job delays a notification:
# - celery (the default): notifications and the short periodic moves (opening polls, escalation);
# - text: text analysis, which holds a Korean morphological analyser (~0.5 GB) in memory
#   (`celery -A seoul_portal worker -Q text`);
# - bulk: jobs that run for minutes over many rows: the complaints' rollups, a budget cycle's
#   count, telling every voter of its results, the daily purges (`... worker -Q bulk`).
CELERY_TASK_ROUTES = {
    "complaints.tasks.count_terms": {"queue": "text"},
    "complaints.tasks.compute_trends": {"queue": "text"},
    "complaints.tasks.suggest_unit": {"queue": "text"},
    "complaints.tasks.refresh_rollups": {"queue": "bulk"},
    "budgeting.tasks.count_cycle": {"queue": "bulk"},
    "budgeting.tasks.tell_voters_the_results": {"queue": "bulk"},
    "notifications.tasks.purge_outbox": {"queue": "bulk"},
    "audit.tasks.purge_audit_ips": {"queue": "bulk"},
    "citizens.tasks.purge_sign_in_records": {"queue": "bulk"},
    "seoul_portal.tasks.purge_personal_data": {"queue": "bulk"},
}

# --- Authentication -------------------------------------------------------------------------
AUTH_USER_MODEL = "citizens.Citizen"
AUTHENTICATION_BACKENDS = [
    "citizens.backends.StaffEmailBackend",
    "rules.permissions.ObjectPermissionBackend",
    # Records that a session was opened by an SMS code; it authenticates nothing by itself.
    "citizens.backends.PhoneCodeBackend",
]
# Argon2 first: new and re-hashed passwords use it; older hashes still verify.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "citizens:signin"
LOGIN_REDIRECT_URL = "citizens:me"
# Password sign-in (officials, committee members): this many wrong passwords for one email from
# one client address within the window lock that pair, never the account (so nobody can lock an
# official out from elsewhere), for the cool-off; then it starts counting afresh.
LOGIN_LOCKOUT_FAILURES = 5
LOGIN_LOCKOUT_WINDOW_SECONDS = 15 * 60
LOGIN_LOCKOUT_COOL_OFF_SECONDS = 15 * 60

# Personal data at rest: Fernet keys (comma-separated, newest first, so keys can rotate) and the
# key of the blind index used to find a phone or email without decrypting every row.
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS")
BLIND_INDEX_KEY = env("BLIND_INDEX_KEY")
# While the blind-index key rotates (manage.py rotate_personal_data_keys), the keys it replaces:
# lookups also match rows still indexed under them. Empty once the command has run.
BLIND_INDEX_PREVIOUS_KEYS = env_list("BLIND_INDEX_PREVIOUS_KEYS")
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1", "testserver"}
SERVES_PUBLIC_HOSTS = any(host not in LOCAL_HOSTS for host in ALLOWED_HOSTS)
if SERVES_PUBLIC_HOSTS and not DEBUG:
    # Refuse to start rather than encrypt citizens' phones under a key anyone can read.
    missing = [name for name in ("SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "BLIND_INDEX_KEY") if not env(name)]
    if missing:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            f"ALLOWED_HOSTS names a public host, so these must be set: {', '.join(missing)} (see README.md)."
        )
# Phone verification: which verifier proves a phone belongs to the person (SMS code today,
# carrier identity verification later), and the limits on sending codes.
PHONE_VERIFIER = env("PHONE_VERIFIER", "citizens.verification.SmsCodeVerifier")
PHONE_CODE_TTL_SECONDS = 5 * 60
PHONE_CODE_MAX_ATTEMPTS = 5
PHONE_CODE_PHONE_COOLDOWN_SECONDS = 60
PHONE_CODE_PHONE_HOURLY_LIMIT = 5
PHONE_CODE_IP_HOURLY_LIMIT = 20
# Codes sent per hour to one number range (the number without its last 4 digits: 10,000 numbers,
# about a thousand of them Seoul residents'). A busy day (the daily cap) is a handful per range;
# SMS pumping, which runs through a range of numbers from many addresses, stops here.
PHONE_CODE_PREFIX_HOURLY_LIMIT = 30
# Wrong codes entered for one phone in a day before it is sent no more codes that day.
PHONE_CODE_PHONE_DAILY_FAILED_LIMIT = 15
PHONE_CODE_DAILY_GLOBAL_CAP = env_int("PHONE_CODE_DAILY_GLOBAL_CAP", 50_000)

# --- Notifications --------------------------------------------------------------------------
SMS_BACKEND = env("SMS_BACKEND", "notifications.backends.sms.ConsoleSmsBackend")
SMS_FILE_PATH = env("SMS_FILE_PATH", str(BASE_DIR / "var" / "sms"))
TWILIO_ACCOUNT_SID = env("TWILIO_ACCOUNT_SID")
TWILIO_AUTH_TOKEN = env("TWILIO_AUTH_TOKEN")
TWILIO_MESSAGING_SERVICE_SID = env("TWILIO_MESSAGING_SERVICE_SID")
TWILIO_FROM_NUMBER = env("TWILIO_FROM_NUMBER")
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "email"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "서울시민참여포털 <no-reply@seoul.go.kr>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ANYMAIL = {
    key: value
    for key, value in {
        "MAILGUN_API_KEY": env("MAILGUN_API_KEY"),
        "MAILGUN_SENDER_DOMAIN": env("MAILGUN_SENDER_DOMAIN"),
        "SENDGRID_API_KEY": env("SENDGRID_API_KEY"),
        "AMAZON_SES_CLIENT_PARAMS": {"region_name": env("AWS_REGION")} if env("AWS_REGION") else None,
        "WEBHOOK_SECRET": env("ANYMAIL_WEBHOOK_SECRET"),
    }.items()
    if value
}
NOTIFICATION_MAX_ATTEMPTS = env_int("NOTIFICATION_MAX_ATTEMPTS", 6)
# A row left in `sending` longer than this is taken to belong to a dead worker.
NOTIFICATION_SENDING_LEASE_SECONDS = env_int("NOTIFICATION_SENDING_LEASE_SECONDS", 120)
# Rows handed to one worker task in a mass send or by the sweep (a lone row has a task of its own).
NOTIFICATION_DELIVERY_BATCH = env_int("NOTIFICATION_DELIVERY_BATCH", 50)
# A failed send is tried again after 30 s, 1 min, 2 min, ... (doubling), never more than an hour apart.
NOTIFICATION_RETRY_BASE_SECONDS = env_int("NOTIFICATION_RETRY_BASE_SECONDS", 30)
NOTIFICATION_RETRY_MAX_SECONDS = env_int("NOTIFICATION_RETRY_MAX_SECONDS", 3600)
# The sweep leaves never-tried rows younger than this alone: their on-commit task is on its way.
NOTIFICATION_SWEEP_GRACE_SECONDS = env_int("NOTIFICATION_SWEEP_GRACE_SECONDS", 30)
# After a failed publish, a process skips the broker this long (rows wait for the sweep): an outage must not stall requests.
NOTIFICATION_PUBLISH_BACKOFF_SECONDS = env_int("NOTIFICATION_PUBLISH_BACKOFF_SECONDS", 15)
# Sent and failed notifications are deleted after this many days (PIPA: destroy data once its purpose is served).
NOTIFICATION_RETENTION_DAYS = env_int("NOTIFICATION_RETENTION_DAYS", 365)

# --- Ledger ---------------------------------------------------------------------------------
# Without a scheduler (embedded mode) entries are sealed right after the transaction commits.
LEDGER_SEAL_ON_COMMIT = env_bool("LEDGER_SEAL_ON_COMMIT", default=CELERY_TASK_ALWAYS_EAGER)

# Staff access and audit IP addresses are kept at least 2 years (PIPA), then purged.
AUDIT_IP_RETENTION_DAYS = env_int("AUDIT_IP_RETENTION_DAYS", 730)
# How long each kind of personal data is kept, in days: applied by `manage.py purge_personal_data`
# (daily, Celery beat) and listed on the privacy policy page from this same dict.
PERSONAL_DATA_RETENTION = {
    # Verification codes and send counters (at least 1: the sending limits look a day back).
    "sign_in_records": env_int("SIGN_IN_RECORD_RETENTION_DAYS", 1),
    # Sent and failed notifications (sign-in code messages and unused contacts: 1 day, fixed).
    "notifications": NOTIFICATION_RETENTION_DAYS,
    # A complaint's filer contact (phone or email of someone without an account, the name they
    # gave), counted from when the complaint was finished; the complaint itself is kept.
    "complaint_contacts": env_int("COMPLAINT_CONTACT_RETENTION_DAYS", 1095),
    # What is left of a deleted account (last sign-in time, its name in the admin's history).
    "erased_accounts": env_int("ERASED_ACCOUNT_RETENTION_DAYS", 30),
    "audit_ips": AUDIT_IP_RETENTION_DAYS,
    # Staff openings of personal data: never less than 730 (PIPA), whatever is set here.
    "staff_access_log": max(env_int("STAFF_ACCESS_LOG_RETENTION_DAYS", 730), 730),
}
# One sealed block holds at most this many entries, so a verification reads bounded chunks.
LEDGER_BLOCK_MAX_ENTRIES = env_int("LEDGER_BLOCK_MAX_ENTRIES", 10_000)

# Democratic Seoul (rules of March 2020): support window, the thresholds that decide who must
# answer, and how long the department and the debate have.
PROPOSALS_SUPPORT_WINDOW_DAYS = env_int("PROPOSALS_SUPPORT_WINDOW_DAYS", 30)
PROPOSALS_REVIEW_THRESHOLD = env_int("PROPOSALS_REVIEW_THRESHOLD", 50)
PROPOSALS_ANSWER_DUE_MONTHS = env_int("PROPOSALS_ANSWER_DUE_MONTHS", 1)
PROPOSALS_DEBATE_THRESHOLD = env_int("PROPOSALS_DEBATE_THRESHOLD", 100)
PROPOSALS_DEBATE_DAYS = env_int("PROPOSALS_DEBATE_DAYS", 30)
PROPOSALS_MAYOR_THRESHOLD = env_int("PROPOSALS_MAYOR_THRESHOLD", 1000)
# A debate with this many participants can become a participatory-budget project.
PROPOSALS_BUDGET_THRESHOLD = env_int("PROPOSALS_BUDGET_THRESHOLD", 1000)

# The complaints map's tile server, e.g. https://tiles.example.org/{z}/{x}/{y}.png (Web Mercator
# XYZ tiles); its origin is added to the map pages' img-src. Empty: the district boundaries alone.
MAP_TILE_URL = env("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = env("MAP_TILE_ATTRIBUTION", "")
# The complaints dashboards' figures of a filter are computed once per refresh of the rollups and
# kept this long at most (complaints/selectors/figures_cache.py); 0 computes them on every view.
COMPLAINT_FIGURES_CACHE_SECONDS = 15 * 60
COMPLAINT_TREND_STOP_WORDS = []  # kept out of the trending terms besides the built-in list and the admin's

# Open311 GeoReport v2 (/open311/v2/): the jurisdiction this endpoint serves, the posts one API key
# may make a minute, and the discovery changeset (bump it when categories or their questions change,
# so that apps refresh what they cached).
OPEN311_JURISDICTION_ID = "seoul.go.kr"
OPEN311_POSTS_PER_MINUTE = 60
OPEN311_CHANGESET = "2026-11-27T00:00:00+09:00"

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", _("Korean")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Seoul"
USE_TZ = True
LANGUAGE_COOKIE_NAME = "portal_language"

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# Uploaded files (complaint photos, proposal, project and poll option images), taken in by
# seoul_portal/images.py: at most IMAGE_MAX_BYTES (the proxy's client_max_body_size follows it)
# and IMAGE_MAX_PIXELS (checked from the header, before decoding), re-encoded, random names.
# They are served by the views that check who may see them (e.g. proposals:image), never
# straight from this folder. With MEDIA_HOST (production: a domain of its own, e.g.
# https://media.seoul.example, pointed at the same web service) every file link is built on that
# host, signed for MEDIA_LINK_MAX_AGE seconds, and that host answers nothing but those views
# (seoul_portal/uploads.py); the site's cookies are never sent there.
MEDIA_ROOT = env("MEDIA_ROOT", str(BASE_DIR / "var" / "media"))
MEDIA_HOST = env("MEDIA_HOST").rstrip("/")
MEDIA_URL = f"{MEDIA_HOST}/media/" if MEDIA_HOST else "media/"
MEDIA_LINK_MAX_AGE = env_int("MEDIA_LINK_MAX_AGE", 2 * 60 * 60)
if MEDIA_HOST:
    _media_netloc = MEDIA_HOST.split("://", 1)[-1].split("/", 1)[0]
    ALLOWED_HOSTS = [*ALLOWED_HOSTS, _media_netloc.rsplit(":", 1)[0] if _media_netloc[-1:].isdigit() else _media_netloc]
IMAGE_MAX_BYTES = 5 * 1024 * 1024
IMAGE_MAX_PIXELS = 40_000_000
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env(
            "STATICFILES_STORAGE",
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or not env("SECRET_KEY")
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

# --- Security -------------------------------------------------------------------------------
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG and bool(env("SECRET_KEY")))
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=SECURE_SSL_REDIRECT)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=SECURE_SSL_REDIRECT)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if SECURE_SSL_REDIRECT else 0)
# The load balancer's and compose's health probes speak plain HTTP to the container.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
if TRUSTED_PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
# A stale form (session expired, page left open overnight) gets the site's own 403 page.
CSRF_FAILURE_VIEW = "seoul_portal.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# A strict policy from the start: only our own files, inline code only with the page's nonce.
# NONCE is django-csp's sentinel (the string "'nonce'" would be sent as is and match nothing); it
# becomes 'nonce-<value>' in responses whose templates used request.csp_nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'", NONCE],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
if MEDIA_HOST:
    # The pages show the uploaded images from the media host.
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(MEDIA_HOST)

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Phone numbers and emails that reach a line anyway are replaced before it is written.
    "filters": {"redact_contact_data": {"()": "citizens.log_redaction.RedactContactData"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact_contact_data"]}
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Eleven INFO lines per API call (headers included): in a mass send, more work than the send.
        "twilio.http_client": {"level": "WARNING"},
    },
}

"""Settings for the job board: one file, every deployment-specific value from the environment.

`make run` and a bare `manage.py` fill DATABASE_URL, REDIS_URL and SECRET_KEY from the embedded
servers under .local/ before this module is read (see jobboard/localservices.py), so there is
no separate development settings file: what runs locally is what runs in production.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from jobboard.env import env_bool, env_int, env_list, env_rate, env_str, env_url

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (`make run` generates one under "
            ".local/ for you)."
        )
    SECRET_KEY = "insecure-debug-only-key"  # noqa: S105 - DEBUG only, never served

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Behind TLS in production: secure cookies, HSTS and the redirect. Off by default because
# `make run` serves plain http on 127.0.0.1.
HTTPS = env_bool("HTTPS", False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365 if HTTPS else 0
# Every subdomain must be HTTPS too (HSTS_INCLUDE_SUBDOMAINS=0 where one is not). Preloading
# is a commitment to browsers' built-in lists that is slow to undo, so it is opt-in: the one
# warning `check --deploy` keeps (README, Production).
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS and env_bool("HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = HTTPS and env_bool("HSTS_PRELOAD", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

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
    "django.contrib.sitemaps",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served by us: /api/docs/ needs no CDN
    "postings",
    "skills",
    "salaries",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages gzipped (a search page shrinks to a sixth). BREACH needs a secret in a page an
    # attacker can make the victim load with chosen text: the only one, the CSRF token, is
    # masked afresh in every response, so compressing it leaks nothing.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "jobboard.urls"
WSGI_APPLICATION = "jobboard.wsgi.application"

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
                "jobboard.context_processors.canonical",
                "jobboard.context_processors.nav",
            ],
        },
    },
    {
        # The parts that cost most in Django's engine (a list's rows, a posting page's
        # content): see jobboard/jinja2.py. Pages themselves are Django templates, found first.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "jobboard.jinja2.environment"},
    },
]

_DB_HINT = (
    "Use `make run` or `.venv/bin/python manage.py ...`, which start an embedded PostgreSQL, or "
    "set DATABASE_URL=postgres://user:password@host:5432/dbname."
)
try:
    DATABASES = {
        "default": dj_database_url.parse(
            env_url("DATABASE_URL", {"postgres", "postgresql", "pgsql"}, hint=_DB_HINT),
            conn_max_age=env_int("DB_CONN_MAX_AGE", 60, maximum=3600),
            conn_health_checks=True,
        )
    }
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is malformed: {exc}") from None
# A database that takes connections but never answers (a host gone, a full backlog) fails a
# connection in this many seconds rather than the system's minutes: a web worker warming up
# (jobboard.warm) then starts all the same, under gunicorn's 30-second limit, and a request
# gets its error page. An explicit ?connect_timeout= in DATABASE_URL wins.
DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
    "connect_timeout", env_int("DB_CONNECT_TIMEOUT", 10, minimum=1, maximum=300)
)

REDIS_URL = env_url(
    "REDIS_URL",
    {"redis", "rediss", "unix"},
    hint="Use `make run` or `.venv/bin/python manage.py ...`, or set REDIS_URL=redis://host:6379/0.",
)

# The cache is shared by every process (Redis) and only ever an accelerator: with Redis down
# or hanging, reads miss and writes are dropped at once (postings.cache), and pages compute.
CACHES = {
    "default": {
        "BACKEND": "postings.cache.ResilientRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "jobboard",
        "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
    }
}

# The JSON API (postings.api). Public reads need no login; the employer API takes a company's
# token (postings.employers.tokens). Anonymous reads are throttled in the cache (not counted,
# so let through, while Redis is down); tokens in PostgreSQL (postings.api.throttling).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_METADATA_CLASS": None,  # OPTIONS answers 405: the schema describes the API
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_rate("API_ANON_RATE", "120/min"),
        "token": env_rate("API_TOKEN_RATE", "600/min"),
    },
    # Throttles count the client by REMOTE_ADDR; behind N proxies that append to
    # X-Forwarded-For, set API_NUM_PROXIES=N. Never the whole header: a client writes it.
    "NUM_PROXIES": env_int("API_NUM_PROXIES", 0, maximum=10),
    "COERCE_DECIMAL_TO_STRING": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ML Jobs API",
    "DESCRIPTION": (
        "Open machine-learning roles with their skills and pay, the skills taxonomy and the "
        "salary bands; and, with a company's token, the employer API an applicant tracking "
        "system syncs roles through."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "Workplace": "salaries.vocabulary.Workplace",
        "BandWorkplace": "salaries.models.BandWorkplace",
        "PayPeriod": "postings.models.PayPeriod",
    },
}

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "employers:dashboard"
LOGOUT_REDIRECT_URL = "postings:list"
# The client address rate limits count by; set to HTTP_X_FORWARDED_FOR only behind a proxy
# that overwrites that header.
RATELIMIT_IP_META_KEY = env_str("RATELIMIT_IP_META_KEY", "REMOTE_ADDR")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
# The board is in English only: without the translation machinery every template filter
# and form message skips a per-call language lookup.
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / ".local" / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Static files are collected (`make run`, the Docker image and the test run do it) with a
# hash of their content in their names and gzipped beside them; WhiteNoise then serves them
# compressed and cached for good (a changed file is a new name). With DEBUG on, pages name
# the plain files and WhiteNoise serves them from the source folders.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / ".local" / "media")))
MEDIA_URL = "media/"
# The search index (postings.engine): built by `manage.py search_index --rebuild` (make run
# does it), followed by the worker. Each host keeps its own copy of it.
SEARCH_INDEX_DIR = Path(env_str("SEARCH_INDEX_DIR", str(BASE_DIR / ".local" / "search-index")))
# The skill-match board (postings.matching.board): built with the search index, rebuilt by
# the worker when postings changed, read by the web processes. One host's copy, as above.
MATCH_BOARD_DIR = Path(env_str("MATCH_BOARD_DIR", str(BASE_DIR / ".local" / "match-board")))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Mail: SMTP when a host is configured; otherwise (as under `make run`) printed to the
# terminal and kept as .eml files in EMAIL_FILE_PATH.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "jobboard.mailbox.ConsoleAndFilesBackend"
)
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(BASE_DIR / ".local" / "mail"))
EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "ML Jobs <jobs@mljobs.example>")
# The board's address in mails sent without a request behind them (alerts, reminders), e.g.
# https://jobs.example; by default the first ALLOWED_HOSTS entry (`make run` sets its port).
SITE_URL = env_url("SITE_URL", {"http", "https"}, required=False) or ""

# Celery: work that must not be lost is acknowledged after it ran (acks_late) and fetched one
# message at a time, so a killed worker's task goes back to the queue.
CELERY_BROKER_URL = REDIS_URL
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 600
CELERY_TASK_SOFT_TIME_LIMIT = 540
CELERY_TASK_DEFAULT_QUEUE = "default"
# Bulk re-tagging has its own queue so new postings are never stuck behind it.
CELERY_TASK_ROUTES = {
    "postings.tagging.tasks.tag_postings_batch": {"queue": "retag"},
    "postings.tagging.tasks.tag_postings_range": {"queue": "retag"},
}
# A message a worker took but never acknowledged (the worker was killed mid-task) goes back to
# the queue after this many seconds, found by a sweep every worker runs every 10 seconds.
# Longer than the hard time limit, or a slow task still running would be handed to a second
# worker. Work that must be done also has a sweep (tagging, invitations) that finds it sooner.
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 900, minimum=1, maximum=86400)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    "unacked_restore_interval": 10,
    "unacked_restore_throttle": 1,
    "socket_connect_timeout": 2,
    # Bounds a send to a server that accepts connections and never answers; requests send
    # only after a quick PING (postings.queueing), so this is the rare worst case.
    "socket_timeout": 5,
}
# Sending a task from a request must not hang when Redis is down: try briefly, then give up
# (the task stays in the outbox, postings.queueing, and the relay sends it later).
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2}
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TIMEZONE = TIME_ZONE
# Apps' tasks.py are autodiscovered (postings/tasks.py imports its sub-packages' task modules);
# the project package is not an app, so name it here.
CELERY_IMPORTS = ["jobboard.tasks"]
# The one place periodic work is scheduled.
CELERY_BEAT_SCHEDULE = {
    # Postings follow what lower apps changed: a new taxonomy version (re-tag, merged
    # skills folded) and new exchange rates (annual USD pay).
    "follow-taxonomy": {"task": "postings.tagging.tasks.follow_taxonomy", "schedule": 10.0},
    "follow-exchange-rates": {"task": "postings.tasks.follow_exchange_rates", "schedule": 30.0},
    # Tasks written while the broker was away (the outbox, postings.queueing).
    "relay-queued-tasks": {"task": "postings.tasks.relay_queued_tasks", "schedule": 5.0},
    # The search index follows the postings that changed (postings.engine.index).
    "sync-search-index": {"task": "postings.tasks.sync_search_index", "schedule": 3.0},
    # The skill-match board is rebuilt when postings changed (postings.matching.board).
    "sync-match-board": {"task": "postings.tasks.sync_match_board", "schedule": 20.0},
    "purge-search-changes": {
        "task": "postings.tasks.purge_search_changes",
        "schedule": crontab(hour=4, minute=41),
    },
    "purge-rate-limits": {"task": "postings.tasks.purge_rate_limit_counters", "schedule": 3600.0},
    # Saved-search alerts: instant ones within a minute of publication, digests as they fall
    # due (each one a day or a week after the last), mails whose task was lost.
    "instant-alerts": {"task": "postings.seekers.tasks.run_instant_alerts", "schedule": 20.0},
    "digest-alerts": {"task": "postings.seekers.tasks.dispatch_digests", "schedule": 300.0},
    "unsent-alert-mails": {
        "task": "postings.seekers.tasks.sweep_unsent_alert_mails",
        "schedule": 600.0,
    },
    "tag-sweep": {
        "task": "postings.tagging.tasks.sweep_untagged",
        "schedule": 60.0,
    },
    "skill-candidates": {
        "task": "postings.tagging.tasks.refresh_skill_candidates",
        "schedule": crontab(minute=5),  # hourly
    },
    # Every skill's pay premium, for /match/ (kept an hour; seconds to compute at scale).
    "skill-premiums": {"task": "postings.market.tasks.refresh_skill_premiums", "schedule": 1800.0},
    "expire-postings": {"task": "postings.employers.tasks.expire_postings", "schedule": 300.0},
    "expiry-reminders": {
        "task": "postings.employers.tasks.queue_expiry_reminders",
        "schedule": crontab(minute=20),
    },
    "flush-posting-counters": {
        "task": "postings.employers.tasks.flush_posting_counters",
        "schedule": 60.0,
    },
    "unsent-invitations": {
        "task": "postings.employers.tasks.sweep_unsent_invitations",
        "schedule": 300.0,
    },
    "nightly-session-cleanup": {
        "task": "jobboard.tasks.clear_expired_sessions",
        "schedule": crontab(hour=3, minute=17),
    },
}

LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(f"LOG_LEVEL={LOG_LEVEL!r} is not a logging level.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

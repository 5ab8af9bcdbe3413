"""Site-wide views: the health check, robots.txt and the not-found page."""

from __future__ import annotations

import time

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.views import defaults
from django.views.decorators.cache import never_cache

from jobboard.celery import HEARTBEAT_KEY
from postings.engine.index import index_lag
from postings.redis_client import client

# A worker counts as up when it beat within this many seconds (it beats every 15).
WORKER_FRESH_SECONDS = 60


def _check_database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any failure means "down", with its reason
        return False, f"unreachable: {exc.__class__.__name__}"
    return True, "ok"


def _check_redis() -> tuple[bool, str, dict[str, str]]:
    try:
        redis = client()
        redis.ping()
        beats = redis.hgetall(HEARTBEAT_KEY)
    except Exception as exc:  # noqa: BLE001
        return False, f"unreachable: {exc.__class__.__name__}", {}
    return True, "ok", beats


def _check_worker(beats: dict[str, str], redis_up: bool) -> tuple[bool, str]:
    if not redis_up:
        return False, "unknown: Redis is down"
    now = time.time()
    fresh = [name for name, at in beats.items() if now - float(at) <= WORKER_FRESH_SECONDS]
    if not fresh:
        return False, f"no worker heartbeat in the last {WORKER_FRESH_SECONDS} seconds"
    return True, f"ok ({len(fresh)} worker{'s' if len(fresh) != 1 else ''})"


def _search_index_state(db_up: bool) -> str:
    """Informative only: without an index (or behind) searches are still answered."""
    if not db_up:
        return "unknown: the database is down"
    lag = index_lag()
    if lag is None:
        return "not built: searches are answered by PostgreSQL"
    return "ok" if lag == 0 else f"ok ({lag} changed postings not yet indexed)"


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    db_up, db_state = _check_database()
    redis_up, redis_state, beats = _check_redis()
    worker_up, worker_state = _check_worker(beats, redis_up)
    checks = {"database": db_state, "redis": redis_state, "worker": worker_state}
    down = [name for name, up in zip(checks, (db_up, redis_up, worker_up), strict=True) if not up]
    checks["search_index"] = _search_index_state(db_up)
    body = {"status": "ok" if not down else "down", "down": down, "checks": checks}
    return JsonResponse(body, status=503 if down else 200)


# Employer, account and moderation pages are private; apply links only count clicks.
ROBOTS_DISALLOW = ["/admin/", "/accounts/", "/employers/", "/moderation/", "/jobs/*/apply/"]


def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW)]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)

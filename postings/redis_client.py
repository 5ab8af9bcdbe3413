"""Redis as an accelerator the board can do without.

Redis holds caches, view counters and the Celery broker. None of them may stand between a
reader and a page: with Redis stopped or hanging (accepting connections, never answering),
every page must still answer at once. So every call from a web process goes through a
per-process circuit breaker: the first failure (a refused connection, or no answer within
SOCKET_TIMEOUT) opens it, and for BREAKER_SECONDS nothing here touches Redis at all; callers
get their fallback instantly (compute instead of cache, count in PostgreSQL instead). Then one
call probes again. A failure is logged once per LOG_EVERY seconds, not once per request.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable
from typing import TypeVar

import redis
from django.conf import settings
from redis.backoff import NoBackoff
from redis.retry import Retry

logger = logging.getLogger(__name__)

# Loopback or a LAN: an answer takes well under a millisecond; a quarter second is "hanging".
SOCKET_TIMEOUT = 0.25
BREAKER_SECONDS = 5.0
LOG_EVERY = 60.0

T = TypeVar("T")


class Breaker:
    """Open for BREAKER_SECONDS after a failure; thread-safe; one per process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open_until = 0.0
        self._logged_at = -LOG_EVERY

    def allows(self) -> bool:
        return time.monotonic() >= self._open_until

    def trip(self, exc: BaseException) -> None:
        now = time.monotonic()
        with self._lock:
            self._open_until = now + BREAKER_SECONDS
            log = now - self._logged_at >= LOG_EVERY
            if log:
                self._logged_at = now
        if log:
            logger.warning(
                "Redis unavailable (%s: %s); caching, counters and task sending fall back "
                "for %ss at a time (logged once a minute)",
                exc.__class__.__name__, exc, BREAKER_SECONDS,
            )  # fmt: skip

    def reset(self) -> None:
        with self._lock:
            self._open_until = 0.0


breaker = Breaker()


@functools.cache
def client() -> redis.Redis:
    # No retries: a retry would multiply the wait on a hanging server, and the breaker is
    # what decides when to try again.
    return redis.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=SOCKET_TIMEOUT,
        socket_timeout=SOCKET_TIMEOUT,
        retry=Retry(NoBackoff(), 0),
        decode_responses=True,
    )


def guarded(call: Callable[[redis.Redis], T], fallback: T, *, probe: bool = False) -> T:
    """`call(client())`, or `fallback` at once when Redis is failing or known to be down.

    A command that timed out may still have run (a frozen server runs what it buffered once
    it wakes), so a caller whose fallback must not double a write (a counter) asks for a
    `probe`: a PING first, which is harmless to repeat; the write is sent only after it.
    """
    if not breaker.allows():
        return fallback
    try:
        if probe:
            client().ping()
        return call(client())
    except redis.RedisError as exc:
        breaker.trip(exc)
        return fallback


def available() -> bool:
    """Whether Redis answers a PING now (through the breaker: cheap when it is down)."""
    return guarded(lambda r: bool(r.ping()), False)

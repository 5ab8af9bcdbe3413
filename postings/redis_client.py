"""One shared Redis client for the few places that talk to Redis directly."""

from __future__ import annotations

import functools

import redis
from django.conf import settings


@functools.cache
def client() -> redis.Redis:
    # Short timeouts: callers (the health check, heartbeats) must answer even when Redis is down.
    return redis.Redis.from_url(
        settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=2, decode_responses=True
    )

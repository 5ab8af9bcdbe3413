"""The cache backend: Django's Redis cache, failing soft.

With Redis down or hanging, a read is a miss and a write is dropped, at once (through the
circuit breaker in postings.redis_client), so every cached page falls back to computing what
it would have read. Nothing the board must not lose lives in the cache: rate limits are kept
in PostgreSQL (postings.ratelimits) and counters fall back to it (postings.employers.counters).
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

from postings.redis_client import guarded


class ResilientRedisCache(RedisCache):
    def _soft(self, method: str, fallback: Any, *args: Any, **kwargs: Any) -> Any:
        # Bound here: a zero-argument super() does not work inside the lambda.
        parent = getattr(super(), method)
        return guarded(lambda _client: parent(*args, **kwargs), fallback)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft("add", False, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._soft("get", default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft("set", None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._soft("delete", False, key, version)

    def get_many(self, keys, version=None):
        return self._soft("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._soft("has_key", False, key, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        # Every key failed to be set: what set_many reports for keys it could not store.
        return self._soft("set_many", list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._soft("delete_many", None, keys, version)

    def clear(self):
        return self._soft("clear", False)

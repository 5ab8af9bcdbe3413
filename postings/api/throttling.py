"""Request throttles for the API, counted in the shared cache (Redis).

If the cache cannot be reached, a throttle cannot count: reads (GET, HEAD) are then let
through, so the public API keeps answering while Redis is down, and writes are refused with
429 and a Retry-After, since letting an unthrottled token write is the worse failure.
"""

from __future__ import annotations

import logging

from redis.exceptions import RedisError
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle
from rest_framework.views import APIView

from postings.models import ApiToken

log = logging.getLogger(__name__)
RETRY_WHEN_UNCOUNTED = 30  # seconds


class _FailOpenForReads:
    cache_failed = False

    def get_rate(self) -> str:
        # Read when used, not when the class was imported, so settings changes apply.
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def allow_request(self, request: Request, view: APIView) -> bool:
        try:
            return super().allow_request(request, view)
        except (RedisError, OSError) as error:
            log.warning("API throttle could not reach the cache: %r", error)
            if request.method in SAFE_METHODS:
                return True
            self.cache_failed = True
            return False

    def wait(self) -> float | None:
        return RETRY_WHEN_UNCOUNTED if self.cache_failed else super().wait()


class AnonThrottle(_FailOpenForReads, AnonRateThrottle):
    """Public reads, per client address."""


class TokenThrottle(_FailOpenForReads, SimpleRateThrottle):
    """The employer API, per token."""

    scope = "token"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        if not isinstance(request.auth, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}

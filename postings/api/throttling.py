"""Request throttles for the API.

Anonymous reads are counted per client address in the cache (Redis): a count per page view is
what a cache is for. The cache fails soft (postings.cache), so with Redis down a read is
simply not counted and goes through: the public API never needs Redis to answer. Should a
cache backend raise instead, reads are let through all the same.

The employer API is counted per token in PostgreSQL (postings.ratelimits, one upsert per
request), like the site's other write limits: its limit holds whether or not Redis is up, and
an ATS's writes need the database anyway.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.utils import timezone
from redis.exceptions import RedisError
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, BaseThrottle
from rest_framework.views import APIView

from postings.models import ApiToken
from postings.ratelimits import Rule, attempt_count

log = logging.getLogger(__name__)


class AnonThrottle(AnonRateThrottle):
    """Public reads, per client address."""

    def get_rate(self) -> str:
        # Read when used, not when the class was imported, so settings changes apply.
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def allow_request(self, request: Request, view: APIView) -> bool:
        try:
            return super().allow_request(request, view)
        except (RedisError, OSError) as error:
            log.warning("API throttle could not reach the cache: %r", error)
            return True


class TokenThrottle(BaseThrottle):
    """The employer API, per token, in fixed windows counted in PostgreSQL."""

    def _rule(self) -> Rule:
        count, period = AnonRateThrottle.parse_rate(
            None, api_settings.DEFAULT_THROTTLE_RATES["token"]
        )
        return Rule("api-token", "token", count, timedelta(seconds=period))

    def allow_request(self, request: Request, view: APIView) -> bool:
        if not isinstance(request.auth, ApiToken):
            return True
        self.rule = self._rule()
        return attempt_count(rule=self.rule, who=str(request.auth.pk)) <= self.rule.limit

    def wait(self) -> float:
        """Seconds until the current window ends."""
        seconds = int(self.rule.period.total_seconds())
        return seconds - int(timezone.now().timestamp()) % seconds

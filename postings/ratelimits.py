"""Rate limits on the doors people hammer: sign-up, log-in, password reset, creating and
submitting postings.

Counted in PostgreSQL (postings.models.RateLimitCounter), one upsert per attempt: these doors
are rare next to page views, and their limits must hold when Redis is down, hanging or
restarted, which a cache cannot promise. Only POSTs are counted, in fixed windows.

Who is counted is normalized the way the forms normalize what they accept, so
"A@x.example", " a@x.example" and "a@x.example" are one account (Unicode NFKC, stripped,
case-folded), an IPv6 client is counted by its /64 (one host holds the whole prefix), and
behind a proxy RATELIMIT_IP_META_KEY names the header with the client's address.
"""

from __future__ import annotations

import hashlib
import ipaddress
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.http import HttpRequest
from django.utils import timezone

from postings.models import RateLimitCounter


@dataclass(frozen=True)
class Rule:
    name: str
    # "ip", "user", "company" or "post:<field>".
    key: str
    limit: int
    period: timedelta


_HOUR, _TEN_MINUTES = timedelta(hours=1), timedelta(minutes=10)
SIGN_UP = [Rule("signup", "ip", 5, _HOUR)]
LOG_IN = [
    Rule("login-ip", "ip", 20, _TEN_MINUTES),
    Rule("login-account", "post:username", 5, _TEN_MINUTES),
]
PASSWORD_RESET = [Rule("reset-ip", "ip", 5, _HOUR), Rule("reset-account", "post:email", 3, _HOUR)]
POSTING_SUBMIT = [Rule("posting-submit", "user", 10, _HOUR)]
# Mails a person can have sent to their own address on demand, or to any address.
VERIFY_RESEND = [Rule("verify-resend", "user", 3, _HOUR)]
SUBSCRIBE = [Rule("subscribe-ip", "ip", 10, _HOUR), Rule("subscribe-email", "post:email", 3, _HOUR)]
# New drafts (and duplicates) per company: each one is tagged and may be sent to review.
POSTING_CREATE = [Rule("posting-create", "company", 20, _HOUR)]

MESSAGE = (
    "Too many attempts in a short time. Wait a few minutes and try again; nothing you typed "
    "has been lost."
)
STATUS = 429


def normalize(value: str) -> str:
    """An account identifier as the forms see it: NFKC, no surrounding space, case-folded."""
    return unicodedata.normalize("NFKC", value).strip().casefold()


def client_address(request: HttpRequest) -> str:
    raw = request.META.get(settings.RATELIMIT_IP_META_KEY, "") or ""
    # A forwarded-for list starts with the client; the proxy that set it is trusted.
    raw = raw.split(",")[0].strip()
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return raw or "unknown"
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _who(request: HttpRequest, key: str, company_id: int | None) -> str | None:
    if key == "ip":
        return client_address(request)
    if key == "user":
        return str(request.user.pk) if request.user.is_authenticated else None
    if key == "company":
        return None if company_id is None else str(company_id)
    if key.startswith("post:"):
        value = request.POST.get(key[5:], "")
        return normalize(value) if value.strip() else None
    raise ValueError(f"unknown rate-limit key {key!r}")


def _window(now: datetime, period: timedelta) -> datetime:
    seconds = int(period.total_seconds())
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, tz=now.tzinfo)


def attempt_count(*, rule: Rule, who: str, now: datetime | None = None) -> int:
    """Count one attempt by `who` under `rule`; return the attempts in this window so far."""
    now = now or timezone.now()
    digest = hashlib.sha256(f"{rule.name}\0{who}".encode()).hexdigest()
    table = RateLimitCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (key, window_start, count) VALUES (%s, %s, 1) "
            f"ON CONFLICT (key, window_start) DO UPDATE SET count = {table}.count + 1 "
            "RETURNING count",
            [digest, _window(now, rule.period)],
        )
        return cursor.fetchone()[0]


def rate_limited(request: HttpRequest, rules: list[Rule], *, company_id: int | None = None) -> bool:
    """Count this POST against each rule; True if any limit is exceeded."""
    if request.method != "POST":
        return False
    limited = False
    for rule in rules:
        who = _who(request, rule.key, company_id)
        if who is None:
            continue
        # Every rule is counted, so an attacker cannot dodge one by tripping another first.
        limited |= attempt_count(rule=rule, who=who) > rule.limit
    return limited


def counters_purge(*, now: datetime | None = None) -> int:
    """Delete counters of windows that ended; return how many."""
    rules = (
        SIGN_UP
        + LOG_IN
        + PASSWORD_RESET
        + POSTING_SUBMIT
        + POSTING_CREATE
        + VERIFY_RESEND
        + SUBSCRIBE
    )
    cutoff = (now or timezone.now()) - max(rule.period for rule in rules)
    deleted, _ = RateLimitCounter.objects.filter(window_start__lt=cutoff).delete()
    return deleted

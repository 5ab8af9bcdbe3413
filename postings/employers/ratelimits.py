"""Rate limits on the doors people hammer: sign-up, log-in, password reset, submitting postings.

Counted in the shared Redis cache (settings.CACHES), so every web process sees the same
counts. Only POSTs count. Behind a proxy, set RATELIMIT_IP_META_KEY so "ip" is the client's.
"""

from __future__ import annotations

from django.http import HttpRequest
from django_ratelimit.core import is_ratelimited

# (group, key, rate). A key is django-ratelimit's: "ip", "user", "post:<field>".
SIGN_UP = [("signup", "ip", "5/h")]
LOG_IN = [("login-ip", "ip", "20/10m"), ("login-account", "post:username", "5/10m")]
PASSWORD_RESET = [("reset-ip", "ip", "5/h"), ("reset-account", "post:email", "3/h")]
POSTING_SUBMIT = [("posting-submit", "user", "10/h")]

MESSAGE = (
    "Too many attempts in a short time. Wait a few minutes and try again; nothing you typed "
    "has been lost."
)
STATUS = 429


def rate_limited(request: HttpRequest, rules: list[tuple[str, str, str]]) -> bool:
    """Count this request against each rule; True if any limit is exceeded."""
    limited = False
    for group, key, rate in rules:
        # Every rule is counted, so an attacker cannot dodge one by tripping another first.
        limited |= is_ratelimited(
            request, group=group, key=key, rate=rate, method="POST", increment=True
        )
    return limited

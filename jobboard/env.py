"""Strict parsers for settings read from the environment.

Each one raises ImproperlyConfigured naming the variable, so a typo stops start-up with a
message instead of surfacing later as odd behaviour.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    return None if value is None else value.strip()


def env_str(name: str, default: str | None = None) -> str | None:
    value = _raw(name)
    return default if value in (None, "") else value


def env_bool(name: str, default: bool = False) -> bool:
    value = _raw(name)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean; use 1/0, true/false or yes/no.")


def env_int(name: str, default: int, *, minimum: int = 0, maximum: int = 2**31) -> int:
    value = _raw(name)
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None
    if not minimum <= number <= maximum:
        raise ImproperlyConfigured(f"{name}={number} is outside {minimum}..{maximum}.")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return default
    items = [item.strip() for item in value.split(",")]
    if any(not item for item in items):
        raise ImproperlyConfigured(f"{name}={value!r} has an empty item; separate with commas.")
    return items


def env_url(name: str, schemes: set[str], *, required: bool = True, hint: str = "") -> str | None:
    value = _raw(name)
    if not value:
        if required:
            raise ImproperlyConfigured(f"{name} is not set. {hint}".strip())
        return None
    parts = urlsplit(value)
    if parts.scheme not in schemes:
        allowed = ", ".join(sorted(schemes))
        raise ImproperlyConfigured(f"{name} must be a URL starting with one of: {allowed}.")
    try:
        parts.port  # noqa: B018 - raises ValueError on a non-numeric port
    except ValueError:
        raise ImproperlyConfigured(f"{name} has an invalid port.") from None
    if not parts.hostname and parts.scheme not in {"unix", "redis+socket"}:
        raise ImproperlyConfigured(f"{name} has no host name.")
    return value


_RATE_PERIODS = {"s", "sec", "second", "m", "min", "minute", "h", "hour", "d", "day"}


def env_rate(name: str, default: str) -> str:
    """A request rate as Django REST framework's throttles read it: "<n>/<period>"."""
    value = _raw(name) or default
    count, _, period = value.partition("/")
    if not (count.isdigit() and int(count) > 0 and period in _RATE_PERIODS):
        raise ImproperlyConfigured(
            f"{name}={value!r} is not a rate; write e.g. 60/min, 1000/hour or 10/s."
        )
    return value

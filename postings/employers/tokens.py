"""Employer API tokens: made and revoked on the dashboard, checked on every API request.

A token reads `mlj_<prefix>_<secret>`. The prefix is public and finds the row; the whole
token's SHA-256 is compared in constant time. The plain token exists only in the response
that shows it once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.utils import timezone

from postings.models import ApiToken, Company

TOKEN_START = "mlj_"  # noqa: S105 - how every token starts, not a secret
# last_used_at is written at most this often per token: not one UPDATE per API request.
LAST_USED_EVERY = timedelta(minutes=1)
MAX_ACTIVE_TOKENS = 20


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def api_token_create(
    *, company: Company, user: AbstractBaseUser, name: str
) -> tuple[ApiToken, str]:
    """A new token for `company`; returns the row and the plain token, which is not kept."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": "Name the token after what uses it, e.g. “Greenhouse”."})
    if ApiToken.objects.active().filter(company=company).count() >= MAX_ACTIVE_TOKENS:
        raise ValidationError(
            f"A company can have {MAX_ACTIVE_TOKENS} active tokens. Revoke one you no longer use."
        )
    prefix = secrets.token_hex(6)
    plain = f"{TOKEN_START}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        company=company, name=name[:100], prefix=prefix, key_hash=_digest(plain), created_by=user
    )
    return token, plain


def api_token_revoke(*, company: Company, token_id: int) -> ApiToken:
    """Revoke one of the company's tokens; revoking twice keeps the first time."""
    token = ApiToken.objects.filter(company=company, pk=token_id).first()
    if token is None:
        raise ValidationError("No such token.")
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token.refresh_from_db()
    return token


def api_token_authenticate(plain: str) -> ApiToken | None:
    """The active token this string is (company joined), or None; notes when it was used."""
    if not plain.startswith(TOKEN_START) or plain.count("_") < 2:
        return None
    prefix = plain[len(TOKEN_START) :].split("_", 1)[0]
    token = (
        ApiToken.objects.active()
        .select_related("company", "created_by")
        .filter(prefix=prefix)
        .first()
    )
    if token is None or not hmac.compare_digest(token.key_hash, _digest(plain)):
        return None
    now = timezone.now()
    if token.last_used_at is None or token.last_used_at < now - LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token

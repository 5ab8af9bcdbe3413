"""Account mails. Thin shells around postings.accounts.services."""

from __future__ import annotations

import smtplib

from celery import shared_task
from django.db import DatabaseError

from postings.accounts import services

_MAIL_RETRY = {
    "acks_late": True,
    "autoretry_for": (smtplib.SMTPException, OSError, DatabaseError),
    "retry_backoff": 30,
    "retry_backoff_max": 3600,
    "max_retries": 12,
}


@shared_task(**_MAIL_RETRY)
def send_password_reset(user_id: int, domain: str, use_https: bool) -> bool:
    # Nothing to record: a second reset e-mail is harmless, and either link works.
    return services.password_reset_send(user_id=user_id, domain=domain, use_https=use_https)


@shared_task(**_MAIL_RETRY)
def send_verification(user_id: int) -> bool:
    return services.verification_send(user_id=user_id)

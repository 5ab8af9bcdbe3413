"""Seekers' mails and alert runs. Thin shells around postings.seekers services."""

from __future__ import annotations

import smtplib

from celery import shared_task
from django.db import DatabaseError

from postings.seekers import services

_MAIL_RETRY = {
    "acks_late": True,
    "autoretry_for": (smtplib.SMTPException, OSError, DatabaseError),
    "retry_backoff": 30,
    "retry_backoff_max": 3600,
    "max_retries": 12,
}


@shared_task(**_MAIL_RETRY)
def send_subscription_confirmation(search_id: int) -> bool:
    return services.subscription_send_confirmation(search_id=search_id)

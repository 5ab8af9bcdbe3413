"""Account mails. Thin shells around postings.accounts.services."""

from __future__ import annotations

from celery import shared_task

from postings.accounts import services
from postings.queueing import mail_retry

_MAIL_RETRY = mail_retry()


@shared_task(**_MAIL_RETRY)
def send_password_reset(user_id: int, domain: str, use_https: bool) -> bool:
    # Nothing to record: a second reset e-mail is harmless, and either link works.
    return services.password_reset_send(user_id=user_id, domain=domain, use_https=use_https)


@shared_task(**_MAIL_RETRY)
def send_verification(user_id: int) -> bool:
    return services.verification_send(user_id=user_id)

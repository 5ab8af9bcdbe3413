"""Seekers' mails and alert runs. Thin shells around postings.seekers services."""

from __future__ import annotations

from celery import shared_task

from postings.queueing import mail_retry
from postings.seekers import alerts, services

_MAIL_RETRY = mail_retry(alerts.AlertMailFailed)


@shared_task(**_MAIL_RETRY)
def send_subscription_confirmation(search_id: int) -> bool:
    return services.subscription_send_confirmation(search_id=search_id)


@shared_task(**_MAIL_RETRY)
def send_alert_mail(mail_id: int) -> bool:
    """Safe to run twice: the mail's row records the send in the transaction that sends."""
    return alerts.alert_mail_send(mail_id=mail_id)


@shared_task(acks_late=True, ignore_result=True)
def send_alert_mails(mail_ids: list[int]) -> int:
    """A run's mails, in one task over one SMTP connection; a mail that fails for now goes
    on alone, with retries, so one busy mailbox holds up nobody else's."""
    return alerts.alert_mails_send(
        mail_ids=mail_ids,
        transient=(alerts.AlertMailFailed, *_MAIL_RETRY["autoretry_for"]),
        retry_alone=lambda mail_id: send_alert_mail.apply_async(
            (mail_id,), countdown=_MAIL_RETRY["retry_backoff"]
        ),
    )


@shared_task(acks_late=True, ignore_result=True)
def run_instant_alerts() -> int:
    return alerts.instant_alerts_run().mails


@shared_task(ignore_result=True)
def dispatch_digests() -> int:
    """Split the due daily and weekly alerts into chunks for the workers; return how many."""
    chunks = alerts.chunks_due(frequencies=list(alerts.DIGEST_EVERY))
    for ids in chunks:
        run_digests.delay(ids)
    return len(chunks)


@shared_task(acks_late=True, ignore_result=True)
def run_digests(ids: list[int]) -> int:
    """Safe to run twice: alerts already done are no longer due, and claims keep two workers
    off the same alert."""
    return alerts.alerts_run(ids=ids).mails


@shared_task(ignore_result=True)
def sweep_unsent_alert_mails() -> int:
    """Re-send alert mails whose task was lost with a worker (the send is recorded, so a
    mail queued twice goes out once)."""
    ids = alerts.oldest_unsent_mail_ids(older_than=alerts.RESEND_AFTER)
    for mail_id in ids:
        send_alert_mail.delay(mail_id)
    return len(ids)

"""Employer-side background work: e-mails, expiry and counters. Thin shells around services.

E-mail tasks retry on SMTP and network errors; each records what it sent in the same
transaction that sends (or sends nothing that needs recording), so a re-run sends nothing
twice. Beat's schedule for the periodic ones is in settings.CELERY_BEAT_SCHEDULE.
"""

from __future__ import annotations

from celery import shared_task

from postings.employers import counters, services
from postings.queueing import enqueue_on_commit, mail_retry

_MAIL_RETRY = mail_retry()


@shared_task(**_MAIL_RETRY)
def send_invitation(invitation_id: int, domain: str, use_https: bool | None) -> bool:
    return services.invitation_send(invitation_id=invitation_id, domain=domain, use_https=use_https)


@shared_task(ignore_result=True)
def sweep_unsent_invitations() -> int:
    """Re-queue invitations whose e-mail never went out (broker down, worker lost)."""
    ids = services.invitations_unsent()
    for invitation_id in ids:
        enqueue_on_commit(send_invitation.name, invitation_id, "", None)
    return len(ids)


@shared_task(**_MAIL_RETRY)
def send_expiry_reminder(posting_id: int) -> bool:
    return services.posting_send_expiry_reminder(posting_id=posting_id)


@shared_task(ignore_result=True)
def expire_postings() -> int:
    return services.postings_expire()


@shared_task(ignore_result=True)
def queue_expiry_reminders() -> int:
    """Queue a reminder for each posting expiring within 3 days that has not had one.

    Runs hourly; a reminder queued twice (a slow worker) is sent once, because the sending
    task re-checks expiry_reminder_sent_at under a row lock.
    """
    ids = services.postings_due_reminder()
    for posting_id in ids:
        enqueue_on_commit(send_expiry_reminder.name, posting_id)
    return len(ids)


@shared_task(ignore_result=True)
def flush_posting_counters() -> int:
    return counters.posting_counters_flush()

"""Background work on postings. Thin shells around services.

Tagging has its own module (postings.tagging.tasks) and so have the employer side's e-mails,
expiry and counters (postings.employers.tasks).
"""

from __future__ import annotations

from celery import shared_task

from postings.services import pay_follow_rates


@shared_task(acks_late=True, ignore_result=True)
def follow_exchange_rates() -> int:
    """Recompute every posting's annual USD pay once the exchange rates changed."""
    return pay_follow_rates() or 0

"""Background work on postings."""

from __future__ import annotations

from celery import shared_task

from postings.services import postings_refresh_pay_usd


@shared_task(acks_late=True, ignore_result=True)
def refresh_pay_usd() -> int:
    """Recompute every posting's annual USD pay after exchange rates changed."""
    return postings_refresh_pay_usd()

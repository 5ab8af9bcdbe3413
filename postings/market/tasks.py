"""Background work for the pay pages: thin shells around postings.market.pay."""

from celery import shared_task

from postings.market import pay


@shared_task(ignore_result=True, time_limit=600)
def refresh_skill_premiums() -> int:
    """Recompute every skill's pay premium (kept an hour); safe to run twice."""
    return len(pay.skill_premiums_refresh())

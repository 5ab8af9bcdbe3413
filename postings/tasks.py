"""Background work on postings and the board's plumbing. Thin shells around services.

Tagging has its own module (postings.tagging.tasks) and so have the employer side's e-mails,
expiry and counters (postings.employers.tasks).
"""

from __future__ import annotations

from celery import shared_task

from postings import ratelimits

# Celery discovers each app's tasks.py; the sub-packages' task modules register through here.
from postings.accounts import tasks as accounts_tasks  # noqa: F401
from postings.employers import tasks as employers_tasks  # noqa: F401
from postings.engine.index import changes_purge, index_sync
from postings.market import tasks as market_tasks  # noqa: F401
from postings.matching.board import board_sync
from postings.queueing import relay_queued
from postings.seekers import tasks as seekers_tasks  # noqa: F401
from postings.services import pay_follow_rates
from postings.tagging import tasks as tagging_tasks  # noqa: F401


@shared_task(acks_late=True, ignore_result=True)
def follow_exchange_rates() -> int:
    """Recompute every posting's annual USD pay once the exchange rates changed."""
    return pay_follow_rates() or 0


@shared_task(ignore_result=True)
def relay_queued_tasks() -> int:
    """Send the tasks whose requests could not reach the broker (the outbox's relay)."""
    return relay_queued()


@shared_task(ignore_result=True)
def purge_rate_limit_counters() -> int:
    return ratelimits.counters_purge()


@shared_task(ignore_result=True, soft_time_limit=600)
def sync_search_index() -> int:
    """Bring the search index up to date with the postings changed since (a no-op without
    changes; run every few seconds by beat)."""
    return index_sync()


@shared_task(ignore_result=True)
def sync_match_board() -> int:
    """Rebuild the skill-match board when postings changed since it was built (asked every
    20 s by beat; a no-op without changes, and for a large board more than once in
    postings.matching.board.REBUILD_EVERY seconds)."""
    return board_sync()


@shared_task(ignore_result=True)
def purge_search_changes() -> int:
    """Drop the search index's change feed older than every copy needs (a day's beat)."""
    return changes_purge()

"""Tagging postings with skills, in the background. Thin shells around tagging services.

New postings are tagged by `tag_posting`, enqueued on commit. `follow_taxonomy`, which beat
runs every few seconds, notices a new taxonomy version, folds merged skills and splits every
posting id into ranges on the `retag` queue, so a large re-tag never holds up new postings on
the default queue. Whatever slips through, postings saved while Redis was down, a batch lost
with its worker, reaches `sweep_untagged`, which beat runs every minute: it queues postings
whose tags are missing or older than their text or the taxonomy.
"""

from __future__ import annotations

from celery import shared_task
from django.db import DatabaseError, transaction

from postings.redis_client import client
from postings.tagging import services

RETAG_QUEUE = "retag"
# Queue at most this many sweep batches ahead; the next sweep queues more as they drain.
SWEEP_MAX_QUEUED_BATCHES = 20
_RETRY = {
    "acks_late": True,
    "autoretry_for": (DatabaseError, ConnectionError),
    "retry_backoff": 2,
    "retry_backoff_max": 120,
}


@shared_task(**_RETRY, max_retries=None)  # the posting must end up tagged; the sweep is the net
def tag_posting(posting_id: int) -> None:
    services.postings_tag(posting_ids=[posting_id])


@shared_task(**_RETRY, max_retries=10)
def tag_postings_batch(posting_ids: list[int]) -> None:
    services.postings_tag(posting_ids=posting_ids, only_stale=True)


@shared_task(**_RETRY, max_retries=10)
def tag_postings_range(lo: int, hi: int) -> None:
    services.postings_tag(id_range=(lo, hi), only_stale=True)


def _queue_ranges() -> int:
    ranges = services.retag_ranges()
    for lo, hi in ranges:
        tag_postings_range.apply_async((lo, hi), queue=RETAG_QUEUE)
    return len(ranges)


@shared_task(ignore_result=True)
def tag_stale_ranges() -> int:
    """Queue every posting id range for tagging (only stale postings are read); return how
    many batches were queued."""
    return _queue_ranges()


@shared_task(ignore_result=True)
def follow_taxonomy() -> int:
    """Fold merged skills, then, once per taxonomy version, queue a re-tag of every posting;
    return how many batches were queued."""
    services.merged_skills_fold()
    # The claim commits only with the queued batches: if queueing fails, the next run
    # claims again (a batch queued twice costs little: only stale postings are read).
    with transaction.atomic():
        if services.retag_claim() is None:
            return 0
        return _queue_ranges()


@shared_task(ignore_result=True)
def sweep_untagged() -> int:
    """Queue batches of postings needing tags; return how many postings were queued."""
    room = SWEEP_MAX_QUEUED_BATCHES - client().llen(RETAG_QUEUE)
    if room <= 0:
        return 0
    ids = services.postings_needing_tags(limit=room * services.RETAG_BATCH)
    for start in range(0, len(ids), services.RETAG_BATCH):
        batch = ids[start : start + services.RETAG_BATCH]
        tag_postings_batch.apply_async((batch,), queue=RETAG_QUEUE)
    return len(ids)


@shared_task(ignore_result=True)
def refresh_skill_candidates() -> int:
    return services.candidates_refresh_from_postings()

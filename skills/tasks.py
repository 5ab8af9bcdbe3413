"""Tagging postings with skills, in the background.

New postings are tagged by `tag_posting`, enqueued on commit. A taxonomy change enqueues
`retag_all`, which splits the posting ids into ranges on the `retag` queue, so a large re-tag
never holds up new postings on the default queue. Whatever slips through, postings saved
while Redis was down, a batch lost with its worker, reaches `sweep_untagged`, which beat
runs every minute: it queues postings whose tags are missing or older than their text or
the taxonomy.
"""

from __future__ import annotations

from celery import shared_task
from django.db import DatabaseError
from django.db.models import Max, Min

from jobboard.redis_client import client
from postings.models import Posting
from skills.services import candidates_refresh, postings_tag, taxonomy_version

RETAG_QUEUE = "retag"
RETAG_BATCH = 2_000
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
    postings_tag(posting_ids=[posting_id])


@shared_task(**_RETRY, max_retries=10)
def tag_postings_batch(posting_ids: list[int]) -> None:
    postings_tag(posting_ids=posting_ids, only_stale=True)


@shared_task(**_RETRY, max_retries=10)
def tag_postings_range(lo: int, hi: int) -> None:
    postings_tag(id_range=(lo, hi), only_stale=True)


@shared_task(ignore_result=True)
def retag_all(version: int) -> int:
    """Queue every posting id range for re-tagging; return how many batches were queued."""
    if version < taxonomy_version():
        return 0  # a newer change has queued its own re-tag
    bounds = Posting.objects.aggregate(lo=Min("id"), hi=Max("id"))
    if bounds["lo"] is None:
        return 0
    batches = 0
    for lo in range(bounds["lo"], bounds["hi"] + 1, RETAG_BATCH):
        tag_postings_range.apply_async((lo, lo + RETAG_BATCH), queue=RETAG_QUEUE)
        batches += 1
    return batches


@shared_task(ignore_result=True)
def sweep_untagged() -> int:
    """Queue batches of postings needing tags; return how many postings were queued."""
    room = SWEEP_MAX_QUEUED_BATCHES - client().llen(RETAG_QUEUE)
    if room <= 0:
        return 0
    ids = list(
        Posting.objects.needing_tags(taxonomy_version())
        .order_by("id")
        .values_list("id", flat=True)[: room * RETAG_BATCH]
    )
    for start in range(0, len(ids), RETAG_BATCH):
        tag_postings_batch.apply_async((ids[start : start + RETAG_BATCH],), queue=RETAG_QUEUE)
    return len(ids)


@shared_task(ignore_result=True)
def refresh_skill_candidates() -> int:
    return candidates_refresh()

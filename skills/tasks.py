"""Tagging postings with skills, in the background.

New postings are tagged by `tag_posting`, enqueued on commit. Everything else, bulk loads,
re-tags after a taxonomy change, postings saved while Redis was down, reaches
`sweep_untagged`, which beat runs every minute: it finds postings whose tags are missing or
older than their text or the taxonomy and queues them in batches on the `retag` queue, so a
large re-tag never holds up new postings on the default queue.
"""

from __future__ import annotations

from celery import shared_task
from django.db import DatabaseError

from jobboard.redis_client import client
from postings.models import Posting
from skills.services import postings_tag, taxonomy_version

RETAG_QUEUE = "retag"
RETAG_BATCH = 2_000
# Queue at most this many batches ahead; the next sweep queues more as they drain.
SWEEP_MAX_QUEUED_BATCHES = 20


@shared_task(
    acks_late=True,
    autoretry_for=(DatabaseError, ConnectionError),
    retry_backoff=2,
    retry_backoff_max=120,
    max_retries=None,  # the posting must end up tagged; the sweep is the second net
)
def tag_posting(posting_id: int) -> None:
    postings_tag(posting_ids=[posting_id])


@shared_task(
    acks_late=True,
    autoretry_for=(DatabaseError, ConnectionError),
    retry_backoff=5,
    max_retries=10,
)
def tag_postings_batch(posting_ids: list[int]) -> None:
    postings_tag(posting_ids=posting_ids)


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

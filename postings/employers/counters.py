"""View and apply-click counts without a database write per request.

A request does one Redis HINCRBY; when Redis is down or hanging it adds to the posting row
itself instead (through the circuit breaker in postings.redis_client, so at once), and the
count is not lost. Beat runs `posting_counters_flush` every minute: it renames
the live hash to a batch key (atomic, so increments that arrive meanwhile start a new hash),
adds the batch to the postings in one UPDATE, recording the batch id in the same transaction,
and only then deletes the batch key. A flush that dies half-way leaves its batch key behind;
the next flush finds it, sees whether its batch id was recorded, and either adds it or just
deletes it. No count is lost or added twice.
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

import redis
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.http.response import HttpResponseBase
from django.utils import timezone

from postings.models import CounterFlush, Posting
from postings.redis_client import client, guarded

logger = logging.getLogger(__name__)

VIEW, APPLY = "v", "a"
# Batch ids are kept this long: far longer than any batch key can linger in Redis.
FLUSH_RECORD_DAYS = 7


def _key() -> str:
    # The cache prefix keeps test runs (which vary it per test) apart from each other.
    return f"{settings.CACHES['default'].get('KEY_PREFIX', '')}:posting-counters"


_COLUMN = {VIEW: "view_count", APPLY: "apply_click_count"}


def _record(kind: str, posting_id: int) -> None:
    field = f"{kind}{posting_id}"
    if not guarded(lambda redis_: redis_.hincrby(_key(), field, 1) is not None, False, probe=True):
        # Redis is away: one row update instead, the write this design normally saves.
        column = _COLUMN[kind]
        Posting.objects.filter(pk=posting_id).update(**{column: F(column) + 1})


def posting_record_view(*, posting_id: int) -> None:
    _record(VIEW, posting_id)


def posting_record_view_when_sent(response: HttpResponseBase, *, posting_id: int) -> None:
    """Count a view of the posting once `response` has been sent.

    The server closes a response after writing its last byte, and Django runs the
    response's closers then: so the count's round trips to Redis (a PING, then the
    increment: 0.5-0.7 ms) are no longer part of the wait for the page. A worker still
    does the work before its next request. Django swallows what a closer raises; this one
    logs it.
    """

    def record() -> None:
        try:
            posting_record_view(posting_id=posting_id)
        except Exception:
            logger.exception("The view of posting %s was not counted", posting_id)

    # Django's own file responses close their files this way (HttpResponseBase.close).
    response._resource_closers.append(record)


def posting_record_apply_click(*, posting_id: int) -> None:
    _record(APPLY, posting_id)


def _flush_batch(batch_key: str) -> int:
    batch = batch_key.rsplit(":", 1)[1]
    counts = client().hgetall(batch_key)
    totals: dict[int, list[int]] = {}
    for field, value in counts.items():
        kind, raw_id = field[:1], field[1:]
        if kind in (VIEW, APPLY) and raw_id.isdigit():
            pair = totals.setdefault(int(raw_id), [0, 0])
            pair[0 if kind == VIEW else 1] += int(value)
    with transaction.atomic():
        _, new = CounterFlush.objects.get_or_create(batch=batch)
        if new and totals:
            ids = list(totals)
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE postings_posting p SET view_count = p.view_count + x.v, "
                    "apply_click_count = p.apply_click_count + x.a "
                    "FROM unnest(%s::bigint[], %s::int[], %s::int[]) AS x(id, v, a) "
                    "WHERE p.id = x.id",
                    [ids, [totals[i][0] for i in ids], [totals[i][1] for i in ids]],
                )
    # After commit: if this delete never happens, the next flush finds the batch recorded.
    client().delete(batch_key)
    return len(totals) if new else 0


def posting_counters_flush() -> int:
    """Add the counts gathered since the last flush to the postings; return how many
    postings got counts. Safe to run twice, and concurrently."""
    key = _key()
    flushed = 0
    for leftover in client().scan_iter(f"{key}:batch:*"):
        flushed += _flush_batch(leftover)
    batch_key = f"{key}:batch:{uuid.uuid4().hex}"
    try:
        client().rename(key, batch_key)
    except redis.ResponseError:  # no such key: nothing counted since the last flush
        pass
    else:
        flushed += _flush_batch(batch_key)
    CounterFlush.objects.filter(
        flushed_at__lt=timezone.now() - timedelta(days=FLUSH_RECORD_DAYS)
    ).delete()
    return flushed

"""Enqueueing background work from a request or a command: durable, after commit, never
failing the request, and never waiting on a broker that does not answer.

The one door through which services send tasks. Tasks are named, not imported: tasks import
the services they wrap, so a service importing its task would make a cycle.

A transactional outbox: `enqueue_on_commit` writes a QueuedTask row in the caller's
transaction, so the work commits (or rolls back) with the change that needs it. After commit
the task is sent at once and its row deleted, unless Redis is known to be down or does not
answer a PING within a quarter second (postings.redis_client); then the row waits, and
`relay_queued` (beat runs it every few seconds through postings.tasks.relay_queued_tasks)
sends it once the broker is back. Sending is at least once: a process that dies between
sending and deleting the row leaves it to the relay, which sends it again, so every task sent
this way is safe to run twice (see each task's docstring).
"""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta
from typing import Any

from celery import Task, current_app
from django.db import DatabaseError, transaction
from django.utils import timezone

from postings.models import QueuedTask
from postings.redis_client import available

logger = logging.getLogger(__name__)

# The relay leaves younger rows to the request that wrote them, which is sending them now.
RELAY_AFTER = timedelta(seconds=10)
RELAY_BATCH = 200


def enqueue_on_commit(task_name: str, *args: Any, **options: Any) -> None:
    """Send the task named `task_name` with `args` once the current transaction commits.

    `options` are apply_async's (queue, countdown). An unknown name raises at once
    (KeyError): that is a bug, not an outage.
    """
    task = _task(task_name)
    row = QueuedTask.objects.create(task=task.name, args=list(args), options=options)
    transaction.on_commit(lambda: _send_now([row]))


def enqueue_many_on_commit(task_name: str, args_list: list[tuple], **options: Any) -> None:
    """enqueue_on_commit for many tasks of one kind at once (an alert run's mails): the rows
    in one INSERT, and after commit one broker check and one connection for all of them."""
    if not args_list:
        return
    task = _task(task_name)
    rows = QueuedTask.objects.bulk_create(
        [QueuedTask(task=task.name, args=list(args), options=options) for args in args_list],
        batch_size=1_000,
    )
    transaction.on_commit(lambda: _send_now(rows))


def _task(name: str) -> Task:
    if name not in current_app.tasks:
        # A web process has not imported the task modules: a worker imports them at start
        # (autodiscovery); this is the same call, made once.
        current_app.loader.import_default_modules()
    return current_app.tasks[name]


# One quick retry: it replaces a pooled broker connection that went stale when Redis
# restarted, without waiting long on a server that is really gone.
_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0}


def _send(row: QueuedTask, producer: Any = None) -> None:
    _task(row.task).apply_async(
        tuple(row.args), producer=producer, retry=True, retry_policy=_RETRY_POLICY,
        **row.options,
    )  # fmt: skip


def _send_now(rows: list[QueuedTask]) -> None:
    """Right after commit: send the rows just written over one connection and delete them,
    or leave them to the relay. (The relay leaves rows younger than RELAY_AFTER alone, and
    were it to send one of these too, sending is at least once anyway.)"""
    if not available():  # the broker is Redis: a PING bounds the wait on a hanging server
        return
    sent = []
    try:
        with current_app.producer_or_acquire() as producer:
            for row in rows:
                _send(row, producer)
                sent.append(row.pk)
    except Exception as exc:  # noqa: BLE001 - any broker failure: the relay sends the rest
        failed = rows[len(sent)]
        logger.warning("could not send %s now (%s); the relay will, with %d more after it",
                       failed, exc.__class__.__name__, len(rows) - len(sent) - 1)  # fmt: skip
    if sent:
        QueuedTask.objects.filter(pk__in=sent).delete()


def relay_queued(*, older_than: timedelta = RELAY_AFTER, batch: int = RELAY_BATCH) -> int:
    """Send queued tasks whose request could not; return how many were sent.

    Rows are claimed with FOR UPDATE SKIP LOCKED, so relays running side by side never send
    one twice; each is deleted in the transaction that claimed it, after it was sent. The
    first failure stops the round (the broker is away): the failed row's attempt is counted
    and the rest wait for the next round.
    """
    sent = 0
    while True:
        with transaction.atomic():
            rows = list(
                QueuedTask.objects.select_for_update(skip_locked=True)
                .filter(created_at__lte=timezone.now() - older_than)
                .order_by("created_at", "id")[:batch]
            )
            done = []
            for row in rows:
                try:
                    _send(row)
                except Exception as exc:  # noqa: BLE001 - the broker is away; try next round
                    QueuedTask.objects.filter(pk=row.pk).update(
                        attempts=row.attempts + 1, last_error=repr(exc)[:300]
                    )
                    break
                done.append(row.pk)
            QueuedTask.objects.filter(pk__in=done).delete()
        sent += len(done)
        if len(done) < batch:
            return sent


MAIL_RETRY_BACKOFF = 30  # seconds before the first retry; it doubles each time


def mail_retry(*also: type[BaseException]) -> dict[str, Any]:
    """shared_task options for a task that sends mail: retried on SMTP, network and database
    errors (and `also`) with backoff from 30 s to an hour, for about half a day. acks_late,
    so a worker killed mid-send leaves the message to another; each such task records what it
    sent in the transaction that sends, so running it twice sends nothing twice."""
    return {
        "acks_late": True,
        "autoretry_for": (smtplib.SMTPException, OSError, DatabaseError, *also),
        "retry_backoff": MAIL_RETRY_BACKOFF,
        "retry_backoff_max": 3600,
        "max_retries": 12,
    }

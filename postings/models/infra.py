"""Rows the board's infrastructure keeps in PostgreSQL rather than in Redis, because Redis is
only an accelerator: marks of what postings followed, rate-limit counters, and the outbox of
tasks waiting to be sent to the broker."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from postings.models.postings import _in_choices


class SyncMarkName(models.TextChoices):
    TAXONOMY = "taxonomy", "Taxonomy version the postings were re-tagged for"
    EXCHANGE_RATES = "exchange_rates", "Exchange rates annual USD pay was computed at"
    INSTANT_ALERTS = "instant_alerts", "Publication time up to which instant alerts ran"


class SyncMark(models.Model):
    """How far postings have followed a change made in a lower app, which cannot tell them.

    The taxonomy (skills) and exchange rates (salaries) change without knowing that postings
    derive skill tags and annual USD pay from them. Periodic tasks compare the lower app's
    current state with the mark here and, when it moved, claim the follow-up with a
    conditional UPDATE of the mark (so two beats never both start it) and do it. Being rows,
    marks survive a broker outage: nothing that must follow a change is a message that can
    be lost.
    """

    Name = SyncMarkName

    name = models.CharField(max_length=32, primary_key=True, choices=SyncMarkName.choices)
    mark = models.CharField(max_length=128)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=_in_choices("name", SyncMarkName), name="sync_mark_name_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.mark}"


class RateLimitCounter(models.Model):
    """Attempts at a guarded door (log-in, sign-up, password reset, posting) in one window.

    Kept in PostgreSQL so the sensitive limits hold when Redis is down and across its restarts.
    `key` is a digest of the rule and who is counted (an address, an account, a company), so
    no e-mail address is stored here. postings.ratelimits counts with one upsert.
    """

    key = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            # The upsert's conflict target: one row per key and window.
            models.UniqueConstraint(fields=["key", "window_start"], name="rate_limit_key_window"),
        ]
        indexes = [
            # The purge of finished windows (postings.ratelimits.counters_purge).
            models.Index(fields=["window_start"], name="rate_limit_window_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.key[:8]}… {self.window_start:%Y-%m-%d %H:%M}: {self.count}"


class QueuedTask(models.Model):
    """A task to send to the broker, written in the same transaction as the change needing it.

    The transactional outbox (postings.queueing): the row commits or rolls back with the
    change, so no committed change can lack its task and no task can run for a change that
    never committed. Once committed the task is sent at once if the broker answers, and the
    row deleted; if not (Redis down or hanging), the relay (postings.tasks.relay_queued_tasks,
    run by beat) sends it when the broker is back.
    """

    task = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    options = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [
            # The relay takes the oldest first.
            models.Index(fields=["created_at", "id"], name="queued_task_age_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(task=""), name="queued_task_named"),
        ]

    def __str__(self) -> str:
        return f"{self.task}{tuple(self.args)!r}"


class PostingChange(models.Model):
    """A posting whose searchable fields changed, and the transaction that changed it.

    Written by triggers on postings_posting (migration 0020), so no write path can miss one:
    services, bulk loaders, `.update()`, raw SQL. Each copy of the search index (one per
    host, postings.engine.index) keeps its own position in this feed: the oldest
    transaction still running when it last read it. Transactions commit out of order, so a
    position by row id could pass over a change committed late; by transaction it cannot.
    Rows are kept CHANGES_KEPT_DAYS (a copy offline longer is rebuilt).
    """

    id = models.BigAutoField(primary_key=True)
    posting_id = models.BigIntegerField()
    # pg_current_xact_id() of the writing transaction, set by the column's default.
    xact = models.BigIntegerField(editable=False)
    created_at = models.DateTimeField(editable=False)

    class Meta:
        indexes = [
            # A copy of the index reads the changes from its position on (index_sync).
            models.Index(fields=["xact"], name="posting_change_xact_idx"),
            # The daily purge of old changes (changes_purge).
            models.Index(fields=["created_at"], name="posting_change_created_idx"),
        ]

    def __str__(self) -> str:
        return f"posting {self.posting_id} (transaction {self.xact})"

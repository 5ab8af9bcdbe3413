"""Decisions on postings waiting for review: new submissions and edits of live postings.

Each decision is a conditional UPDATE on the pending state, so two moderators (or a double
click, or a bulk action overlapping a single one) cannot decide the same thing twice; the
second gets a ValidationError naming what happened.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from postings.employers.services import (
    EDITABLE_FIELDS,
    PUBLISH_DAYS,
    assign_fields,
    revision_values,
)
from postings.models import Posting, PostingRevision, RevisionStatus, Status
from postings.services import posting_refresh_derived


def _decide_pending(posting: Posting, **changes) -> Posting:
    """Apply a decision to a posting still waiting for review, or refuse.

    A conditional UPDATE, so two moderators deciding at once cannot both succeed.
    """
    decided = Posting.objects.filter(pk=posting.pk, status=Status.PENDING_REVIEW).update(**changes)
    if not decided:
        raise ValidationError(f"“{posting.title}” is no longer waiting for review.")
    posting.refresh_from_db()
    return posting


def posting_approve(
    *, posting: Posting, reviewer: AbstractBaseUser, now: datetime | None = None
) -> Posting:
    """Publish a posting waiting for review, for 30 days from now."""
    now = now or timezone.now()
    return _decide_pending(
        posting,
        status=Status.PUBLISHED,
        published_at=now,
        expires_at=now + timedelta(days=PUBLISH_DAYS),
        reviewed_at=now,
        reviewed_by=reviewer,
        rejection_reason="",
        closed_reason="",
        expiry_reminder_sent_at=None,
        updated_at=now,
    )


def posting_reject(
    *, posting: Posting, reviewer: AbstractBaseUser, reason: str, now: datetime | None = None
) -> Posting:
    """Send a posting back to its employer with a reason they see on their dashboard."""
    reason = reason.strip()
    if not reason:
        raise ValidationError("Give the employer a reason for the rejection.")
    now = now or timezone.now()
    return _decide_pending(
        posting,
        status=Status.REJECTED,
        rejection_reason=reason,
        reviewed_at=now,
        reviewed_by=reviewer,
        updated_at=now,
    )


def revision_approve(
    *, revision: PostingRevision, reviewer: AbstractBaseUser, now: datetime | None = None
) -> Posting:
    """Apply an edit of a live posting. A renewal edit also restarts the 30 days."""
    now = now or timezone.now()
    with transaction.atomic():
        claimed = PostingRevision.objects.filter(
            pk=revision.pk, status=RevisionStatus.PENDING
        ).update(status=RevisionStatus.APPROVED, reviewed_at=now, reviewed_by=reviewer)
        if not claimed:
            raise ValidationError("This edit is no longer waiting for review.")
        posting = Posting.objects.select_for_update().get(pk=revision.posting_id)
        changed = assign_fields(posting, revision_values(revision), now)
        posting.reviewed_at = now
        posting.reviewed_by = reviewer
        if revision.renew and posting.status in (Status.PUBLISHED, Status.EXPIRED):
            posting.status = Status.PUBLISHED
            posting.expires_at = max(now, posting.expires_at or now) + timedelta(days=PUBLISH_DAYS)
            posting.expiry_reminder_sent_at = None
        posting.save()
        posting_refresh_derived(posting_id=posting.pk, changed=changed, tag_now=False)
    return posting


def revision_reject(
    *,
    revision: PostingRevision,
    reviewer: AbstractBaseUser,
    reason: str,
    now: datetime | None = None,
) -> PostingRevision:
    """Refuse an edit; the live version stays as it is."""
    reason = reason.strip()
    if not reason:
        raise ValidationError("Give the employer a reason for the rejection.")
    now = now or timezone.now()
    rejected = PostingRevision.objects.filter(pk=revision.pk, status=RevisionStatus.PENDING).update(
        status=RevisionStatus.REJECTED,
        rejection_reason=reason,
        reviewed_at=now,
        reviewed_by=reviewer,
    )
    if not rejected:
        raise ValidationError("This edit is no longer waiting for review.")
    revision.refresh_from_db()
    return revision


# ---------------------------------------------------------------------------------------------
# The queue
# ---------------------------------------------------------------------------------------------


@dataclass
class FieldChange:
    label: str
    before: str
    after: str
    # For the description: (tag, line) pairs with tag " ", "-" or "+".
    lines: list[tuple[str, str]] | None = None


@dataclass
class QueueItem:
    key: str  # "p<id>" for a new posting, "r<id>" for an edit
    posting: Posting
    revision: PostingRevision | None
    submitted_at: datetime
    changes: list[FieldChange]

    @property
    def is_edit(self) -> bool:
        return self.revision is not None


def _display(posting: Posting, name: str, value: Any) -> str:
    if value in (None, "", []):
        return "—"
    if isinstance(value, list):
        return ", ".join(value)
    field = Posting._meta.get_field(name)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def revision_changes(revision: PostingRevision) -> list[FieldChange]:
    """What the edit changes, field by field; the description as a line diff."""
    posting = revision.posting
    after = revision_values(revision)
    changes = []
    for name in EDITABLE_FIELDS:
        old, new = getattr(posting, name), after.get(name)
        if old == new:
            continue
        label = str(Posting._meta.get_field(name).verbose_name).capitalize()
        change = FieldChange(label, _display(posting, name, old), _display(posting, name, new))
        if name == "description":
            change.lines = [
                (line[0], line[2:])
                for line in difflib.ndiff(old.splitlines(), new.splitlines())
                if line[0] in " -+"
            ]
        changes.append(change)
    return changes


def review_queue(*, limit: int = 200) -> list[QueueItem]:
    """New postings and edits waiting for review, oldest first (each from its partial index)."""
    postings = (
        Posting.objects.filter(status=Status.PENDING_REVIEW)
        .select_related("company")
        .order_by(F("submitted_at").asc(nulls_first=True), "id")[:limit]
    )
    revisions = (
        PostingRevision.objects.filter(status=RevisionStatus.PENDING)
        .select_related("posting__company")
        .order_by("submitted_at", "id")[:limit]
    )
    items = [QueueItem(f"p{p.pk}", p, None, p.submitted_at or p.created_at, []) for p in postings]
    items += [
        QueueItem(f"r{r.pk}", r.posting, r, r.submitted_at, revision_changes(r)) for r in revisions
    ]
    items.sort(key=lambda item: item.submitted_at)
    return items[:limit]


def queue_decide(
    *, keys: list[str], approve: bool, reviewer: AbstractBaseUser, reason: str = ""
) -> tuple[int, list[str]]:
    """Approve or reject the queue items named by key; return (done, problems).

    Each item is decided on its own, so one that another moderator already took is reported
    and the rest still go through.
    """
    if not approve and not reason.strip():
        raise ValidationError("Give the employer a reason for the rejection.")
    done, problems = 0, []
    for key in keys:
        kind, raw_id = key[:1], key[1:]
        if not raw_id.isdigit() or kind not in ("p", "r"):
            problems.append(f"Unknown item {key!r}.")
            continue
        try:
            if kind == "p":
                posting = Posting.objects.get(pk=int(raw_id))
                if approve:
                    posting_approve(posting=posting, reviewer=reviewer)
                else:
                    posting_reject(posting=posting, reviewer=reviewer, reason=reason)
            else:
                revision = PostingRevision.objects.select_related("posting").get(pk=int(raw_id))
                if approve:
                    revision_approve(revision=revision, reviewer=reviewer)
                else:
                    revision_reject(revision=revision, reviewer=reviewer, reason=reason)
        except (Posting.DoesNotExist, PostingRevision.DoesNotExist):
            problems.append(f"Item {key} no longer exists.")
            continue
        except ValidationError as error:
            problems.extend(error.messages)
            continue
        done += 1
    return done, problems

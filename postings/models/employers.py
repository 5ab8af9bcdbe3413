"""The employer workflow: company members, invitations, edits under review, view counters."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from postings.models.postings import Company, Posting, _in_choices


class Membership(models.Model):
    """An employer belongs to one company; a company has any number of members, all equal."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="memberships")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            # One company per employer: every permission check is "the user's company".
            models.UniqueConstraint(fields=["user"], name="membership_one_company_per_user"),
        ]
        indexes = [
            # The team page and reminder e-mails: members of a company.
            models.Index(fields=["company"], name="membership_company_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.company}"


class Invitation(models.Model):
    """A member asked a colleague (by e-mail) to join the company.

    The link carries a signed, time-limited token of the id (postings.employers.services), so
    no secret is stored; accepting sets accepted_at, after which the link does nothing.
    """

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Set by the e-mail task in the transaction that sends, so a re-run sends nothing twice.
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # Inviting the same address again re-sends the open invitation instead of piling up.
            models.UniqueConstraint(
                Lower("email"),
                "company",
                condition=Q(accepted_at__isnull=True),
                name="invitation_one_open_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} to {self.company}"


class RevisionStatus(models.TextChoices):
    PENDING = "pending", "Waiting for review"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"


class PostingRevision(models.Model):
    """An edit of a published posting's reviewed fields (title, description, pay), waiting for
    review while the approved version stays public.

    `data` holds every employer-editable field as the form cleaned it (decimals as strings),
    so approving applies the whole edit at once and the queue can show a diff against the live
    posting. A `renew` revision also restarts the 30 days when it is approved.
    """

    posting = models.ForeignKey(Posting, on_delete=models.CASCADE, related_name="revisions")
    data = models.JSONField()
    renew = models.BooleanField(default=False)
    status = models.CharField(
        max_length=16, choices=RevisionStatus.choices, default=RevisionStatus.PENDING
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rejection_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            models.CheckConstraint(
                condition=_in_choices("status", RevisionStatus), name="revision_status_valid"
            ),
            # At most one edit waits per posting: editing again updates it.
            models.UniqueConstraint(
                fields=["posting"],
                condition=Q(status=RevisionStatus.PENDING),
                name="revision_one_pending_per_posting",
            ),
        ]
        indexes = [
            # The moderation queue: pending edits, oldest first.
            models.Index(
                fields=["submitted_at", "id"],
                name="revision_review_queue_idx",
                condition=Q(status=RevisionStatus.PENDING),
            ),
        ]

    def __str__(self) -> str:
        return f"edit of {self.posting_id} ({self.status})"


class CounterFlush(models.Model):
    """A batch of Redis view/apply counters already added to postings.

    Written in the same transaction as the additions: a flush re-run after a crash finds its
    batch here and only deletes the Redis key, so no count is added twice.
    """

    batch = models.CharField(max_length=64)
    flushed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["batch"], name="counter_flush_batch_unique")]

    def __str__(self) -> str:
        return self.batch


class ApiTokenQuerySet(models.QuerySet):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A company's key to the employer API (an applicant tracking system syncing roles).

    The secret is shown once when the token is made; only its SHA-256 is kept. A token is a
    long random string, not a password, so a fast hash is enough: nobody can guess through
    2^256 secrets, and a leaked table gives no token back. `prefix` (public, unique) finds
    the row without comparing hashes in SQL, and lets the dashboard tell tokens apart.
    """

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # Authentication looks a token up by its prefix (postings.employers.tokens).
            models.UniqueConstraint(fields=["prefix"], name="api_token_prefix_unique"),
        ]
        indexes = [
            # The dashboard's list of a company's tokens.
            models.Index(fields=["company", "-created_at"], name="api_token_company_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

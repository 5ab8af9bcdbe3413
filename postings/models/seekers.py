"""What the board keeps for the people who use it: whether an account's e-mail address is
proven, the jobs and searches seekers save, and the alerts sent for saved searches.

Employers and seekers are the same kind of user: anyone can save jobs and searches, and a
member of a company (postings.models.Membership) can also post.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone

from postings.models.postings import Posting, _in_choices


class Account(models.Model):
    """The board's side of a Django user: for now, when the e-mail address was proven theirs
    (by the link mailed at sign-up). Alerts are only mailed to proven addresses."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="account"
    )
    email_verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # "My skills": the seeker's skills (taxonomy ids, in the order they were chosen), used by
    # /match/ and the posting pages when the address names none. Never looked up by skill,
    # so no index.
    skill_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)

    def __str__(self) -> str:
        return f"account of {self.user_id}"

    @property
    def verified(self) -> bool:
        return self.email_verified_at is not None


class SavedJob(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_jobs"
    )
    posting = models.ForeignKey(Posting, on_delete=models.CASCADE, related_name="saved_by")
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            # Saving twice (two tabs, a double click) keeps one row.
            models.UniqueConstraint(fields=["user", "posting"], name="saved_job_once"),
        ]
        indexes = [
            # The "Saved jobs" page: a user's, newest first.
            models.Index(fields=["user", "-saved_at"], name="saved_job_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} saved {self.posting_id}"


class Frequency(models.TextChoices):
    INSTANT = "instant", "As soon as a role is published"
    DAILY = "daily", "Daily digest"
    WEEKLY = "weekly", "Weekly digest"
    NEVER = "never", "No e-mails"


# How often a digest is due; instant alerts run as roles are published.
DIGEST_EVERY = {Frequency.DAILY: timedelta(days=1), Frequency.WEEKLY: timedelta(days=7)}


class SavedSearchQuerySet(models.QuerySet):
    def mailing(self) -> SavedSearchQuerySet:
        """Alerts that may be mailed: confirmed, not paused, with a frequency."""
        return self.filter(confirmed_at__isnull=False, paused_at__isnull=True).exclude(
            frequency=Frequency.NEVER
        )


class SavedSearch(models.Model):
    """A /jobs/ search saved under a name, and the e-mail alert for it.

    `query` is the search's query string as the page validated it (postings.filters), so
    the page, the feed and the alert all read it through the same parse. A seeker without
    an account subscribes with an e-mail address alone: `confirmed_at` stays empty until
    they click the link mailed to it (double opt-in); an account's own searches are
    confirmed when its address is.

    The alert: `mark` is the high-water mark, the publication time up to which roles were
    considered; it moves forward in the transaction that records a digest
    (postings.seekers.alerts). `claimed_until` is the claim a worker takes, by a conditional
    UPDATE, before computing a digest, so two workers never send the same one.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="saved_searches",
    )
    email = models.EmailField(blank=True, help_text="For subscribers without an account")
    name = models.CharField(max_length=120)
    query = models.TextField(blank=True)
    frequency = models.CharField(max_length=8, choices=Frequency.choices, default=Frequency.DAILY)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    mark = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    pause_reason = models.CharField(max_length=300, blank=True)
    failures = models.PositiveSmallIntegerField(default=0)

    objects = SavedSearchQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=_in_choices("frequency", Frequency), name="saved_search_frequency_valid"
            ),
            # Someone to mail: an account, or an address given without one.
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(email=""), name="saved_search_has_owner"
            ),
            # One copy of a search per owner: two would mail every role twice.
            models.UniqueConstraint(
                fields=["user", "query"],
                condition=Q(user__isnull=False),
                name="saved_search_once_per_user",
            ),
            models.UniqueConstraint(
                fields=["email", "query"],
                condition=Q(user__isnull=True),
                name="saved_search_once_per_address",
            ),
        ]
        indexes = [
            # A user's list of saved searches.
            models.Index(fields=["user", "-created_at"], name="saved_search_user_idx"),
            # The alert runs: alerts that may be mailed, by when they are due.
            models.Index(
                fields=["due_at"],
                name="saved_search_due_idx",
                condition=Q(confirmed_at__isnull=False, paused_at__isnull=True)
                & ~Q(frequency=Frequency.NEVER),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def recipient(self) -> str:
        return self.user.email if self.user_id else self.email


class AlertMail(models.Model):
    """One alert e-mail: the roles a digest found, recorded in the transaction that moved the
    alert's mark. Sent by a task (postings.seekers.tasks.send_alert_mail) that sets `sent_at`
    in the transaction that sends, so a re-run sends nothing twice."""

    saved_search = models.ForeignKey(SavedSearch, on_delete=models.CASCADE, related_name="mails")
    # The newest matching roles, listed in the mail (at most postings.seekers.alerts.MAIL_ROLES)
    posting_ids = models.JSONField(default=list)
    # How many more matched: the mail links to the search for them.
    more = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The roles actually in the mail: those still open when it went out.
    sent_posting_ids = models.JSONField(default=list, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [
            # The sweep for mails whose task was lost: unsent, oldest first.
            models.Index(
                fields=["created_at"], name="alert_mail_unsent_idx", condition=Q(sent_at=None)
            ),
        ]

    def __str__(self) -> str:
        return f"alert {self.saved_search_id}: {len(self.posting_ids)} roles"


class AlertSentPosting(models.Model):
    """A role an alert has mailed (or is mailing): never mailed by that alert again, even if
    it closes and reopens with a new publication time."""

    saved_search = models.ForeignKey(
        SavedSearch, on_delete=models.CASCADE, related_name="sent_postings"
    )
    posting = models.ForeignKey(Posting, on_delete=models.CASCADE, related_name="+")
    mail = models.ForeignKey(AlertMail, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["saved_search", "posting"], name="alert_sent_posting_once"
            ),
        ]

    def __str__(self) -> str:
        return f"alert {self.saved_search_id} sent {self.posting_id}"

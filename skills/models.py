"""The skills taxonomy: categories, skills with their aliases, and candidate skills.

The bottom layer: nothing here knows of postings. Which skills a posting has is kept by the
postings app (postings.models.tagging), which runs this app's extractor over posting texts.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class Category(models.Model):
    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=120)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class SkillQuerySet(models.QuerySet):
    def active(self) -> SkillQuerySet:
        return self.filter(is_active=True)

    def unmerged(self) -> SkillQuerySet:
        return self.filter(merged_into__isnull=True)


class Skill(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="skills")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    description = models.TextField(blank=True)
    is_active = models.BooleanField(
        default=True, help_text="Inactive skills are not extracted and not offered as filters."
    )
    # Set by skills.services.skill_merge: the skill lives on as a redirect to the one it was
    # merged into, so the postings app can move its tags over (postings.tagging) and old
    # links to its slug keep a meaning. A merged skill is inactive and has no aliases.
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
        editable=False,
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = SkillQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=F("id")), name="skill_not_own_parent"),
            models.CheckConstraint(
                condition=~Q(merged_into=F("id")), name="skill_not_merged_into_itself"
            ),
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | Q(is_active=False),
                name="skill_merged_is_inactive",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Alias(models.Model):
    """A way a skill is written. The canonical name is stored as an alias too, so that one
    unique constraint stops any text from meaning two skills."""

    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="aliases")
    text = models.CharField(max_length=200)
    # The matcher's normalized form of `text` (skills.extraction.normalize): what must be unique.
    key = models.CharField(max_length=200, editable=False)
    case_sensitive = models.BooleanField(default=False)
    needs_context = models.BooleanField(
        default=False,
        help_text="Counts only near technical context (for R, C, Go, Spark, Excel, ...).",
    )
    is_canonical = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["text"]
        verbose_name_plural = "aliases"
        constraints = [
            models.UniqueConstraint(fields=["key"], name="alias_key_unique"),
            # One canonical alias per skill.
            models.UniqueConstraint(
                fields=["skill"], condition=Q(is_canonical=True), name="alias_one_canonical"
            ),
        ]

    def __str__(self) -> str:
        return self.text


class TaxonomyVersion(models.Model):
    """A single row whose number goes up on every taxonomy change.

    Postings record the version they were tagged with; the sweep re-tags older ones.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    version = models.PositiveIntegerField(default=1)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="taxonomy_version_singleton")]

    def __str__(self) -> str:
        return f"taxonomy v{self.version}"


class CandidateStatus(models.TextChoices):
    PENDING = "pending", "Waiting for review"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


class SkillCandidate(models.Model):
    """A term seen in recent postings that the taxonomy does not know yet.

    Rejected candidates are kept, so the same term is not proposed again.
    """

    term = models.CharField(max_length=120)
    key = models.CharField(max_length=120, unique=True, editable=False)
    posting_count = models.PositiveIntegerField(default=0)
    examples = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=16, choices=CandidateStatus.choices, default=CandidateStatus.PENDING
    )
    first_seen = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-posting_count", "term"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=CandidateStatus.values), name="skill_candidate_status_valid"
            ),
        ]
        indexes = [
            # The review queue: pending candidates, most frequent first.
            models.Index(
                fields=["-posting_count"],
                name="skill_candidate_pending_idx",
                condition=Q(status="pending"),
            ),
        ]

    def __str__(self) -> str:
        return self.term

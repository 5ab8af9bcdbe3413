"""The skills tagged on postings, with where each came from, and what each posting's tags were
last derived from.

The taxonomy (skills.Skill) knows nothing of postings; these rows are the bridge between them.
They moved here from the skills app with every row kept (postings migration 0011).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone


class Source(models.TextChoices):
    EXTRACTED = "extracted", "Extracted from the text"
    EMPLOYER = "employer", "Added by the employer"
    CONFIRMED = "confirmed", "Confirmed by an admin"
    REMOVED = "removed", "Removed by an admin"


class GroupSource(models.TextChoices):
    """Who put a posting's skill in its group (required or nice to have)."""

    EXTRACTED = "extracted", "As the text says"
    EMPLOYER = "employer", "Moved by the employer"


class PostingSkill(models.Model):
    """A skill on a posting, with where it came from.

    A `removed` row is kept as a tombstone, so re-extraction never adds that skill back.
    `preferred` puts the skill in the nice-to-have group; re-extraction sets it from the
    text unless the employer moved the skill (`preferred_source` = employer), so a move
    survives every re-tag, like an addition or a removal.
    """

    posting = models.ForeignKey(
        "postings.Posting", on_delete=models.CASCADE, related_name="posting_skills"
    )
    skill = models.ForeignKey(
        "skills.Skill", on_delete=models.CASCADE, related_name="posting_skills"
    )
    source = models.CharField(max_length=16, choices=Source.choices)
    preferred = models.BooleanField(default=False)
    preferred_source = models.CharField(
        max_length=16, choices=GroupSource.choices, default=GroupSource.EXTRACTED
    )
    taxonomy_version = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["posting", "skill"], name="posting_skill_unique"),
            models.CheckConstraint(
                condition=Q(source__in=Source.values), name="posting_skill_source_valid"
            ),
            models.CheckConstraint(
                condition=Q(preferred_source__in=GroupSource.values),
                name="posting_skill_preferred_source_valid",
            ),
        ]
        indexes = [
            # Merges and "postings with this skill" in the admin.
            models.Index(fields=["skill"], name="posting_skill_skill_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.posting_id}:{self.skill_id} ({self.source})"


class PostingTagState(models.Model):
    """What a posting's tags were last derived from: a narrow row per posting.

    Kept apart from the posting on purpose: a re-tag after a taxonomy change touches every
    posting, and updating this small row is far cheaper than rewriting the wide posting row
    (with its description and search document) when the skills did not change.
    """

    posting = models.OneToOneField(
        "postings.Posting", primary_key=True, on_delete=models.CASCADE, related_name="tag_state"
    )
    taxonomy_version = models.PositiveIntegerField()
    # The posting's text_updated_at when its text was read for these tags.
    text_at = models.DateTimeField()
    tagged_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"posting {self.posting_id}: taxonomy v{self.taxonomy_version}"

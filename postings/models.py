"""Companies and their job postings."""

from __future__ import annotations

from datetime import datetime

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone


class Company(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    website = models.URLField(blank=True)
    description = models.TextField(blank=True)
    city = models.CharField(max_length=120, blank=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2 code")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "companies"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(country="") | Q(country__regex=r"^[A-Z]{2}$"),
                name="company_country_iso2",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Seniority(models.TextChoices):
    INTERN = "intern", "Intern"
    JUNIOR = "junior", "Junior"
    MID = "mid", "Mid-level"
    SENIOR = "senior", "Senior"
    LEAD = "lead", "Lead"
    PRINCIPAL = "principal", "Principal"


class RoleFamily(models.TextChoices):
    ML_ENGINEER = "ml_engineer", "ML engineer"
    DATA_SCIENTIST = "data_scientist", "Data scientist"
    DATA_ENGINEER = "data_engineer", "Data engineer"
    RESEARCH_SCIENTIST = "research_scientist", "Research scientist"
    MLOPS = "mlops", "MLOps / platform"
    APPLIED_SCIENTIST = "applied_scientist", "Applied scientist"
    DATA_ANALYST = "data_analyst", "Data analyst"
    OTHER = "other", "Other"


class EmploymentType(models.TextChoices):
    FULL_TIME = "full_time", "Full-time"
    PART_TIME = "part_time", "Part-time"
    CONTRACT = "contract", "Contract"
    INTERNSHIP = "internship", "Internship"
    TEMPORARY = "temporary", "Temporary"


class Workplace(models.TextChoices):
    ONSITE = "onsite", "On-site"
    HYBRID = "hybrid", "Hybrid"
    REMOTE = "remote", "Remote"


class PayPeriod(models.TextChoices):
    YEAR = "year", "per year"
    MONTH = "month", "per month"
    DAY = "day", "per day"
    HOUR = "hour", "per hour"


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    PENDING_REVIEW = "pending_review", "Pending review"
    PUBLISHED = "published", "Published"
    REJECTED = "rejected", "Rejected"
    CLOSED = "closed", "Closed"
    EXPIRED = "expired", "Expired"


# Region codes allowed in Posting.remote_regions besides ISO country codes.
REMOTE_REGIONS = {
    "WW": "Worldwide",
    "EU": "European Union",
    "EEA": "European Economic Area",
    "EMEA": "Europe, Middle East and Africa",
    "AMER": "Americas",
    "LATAM": "Latin America",
    "APAC": "Asia-Pacific",
}


def _in_choices(field: str, choices: type[models.TextChoices]) -> Q:
    return Q(**{f"{field}__in": choices.values})


class PostingQuerySet(models.QuerySet):
    def visible(self, now: datetime | None = None) -> PostingQuerySet:
        """What the public may see: published, and not past its expiry time.

        The one definition used by every public page, feed and API. Expiry is checked against
        the clock as well as the status, so a posting is hidden the moment its time is up,
        before the periodic job has flipped its status to expired.
        """
        now = now or timezone.now()
        return self.filter(status=Status.PUBLISHED, published_at__lte=now).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )

    def gone(self, now: datetime | None = None) -> PostingQuerySet:
        """Postings that were public once and have ended: closed, or expired (by status or clock).

        Their pages answer 410 Gone rather than 404, so links from elsewhere explain themselves.
        """
        now = now or timezone.now()
        return self.filter(
            Q(status__in=[Status.CLOSED, Status.EXPIRED])
            | Q(status=Status.PUBLISHED, expires_at__lte=now)
        )

    def needing_tags(self, taxonomy_version: int) -> PostingQuerySet:
        """Postings whose skills are missing, or older than their text or the taxonomy."""
        return self.filter(
            Q(tagged_at__isnull=True)
            | Q(tagged_at__lt=models.F("text_updated_at"))
            | Q(tagged_version__lt=taxonomy_version)
        )

    def newest_first(self) -> PostingQuerySet:
        return self.order_by("-published_at", "-id")


class Posting(models.Model):
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="postings")
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200)
    description = models.TextField(help_text="Markdown")
    seniority = models.CharField(max_length=16, choices=Seniority.choices)
    role_family = models.CharField(max_length=32, choices=RoleFamily.choices)
    employment_type = models.CharField(
        max_length=16, choices=EmploymentType.choices, default=EmploymentType.FULL_TIME
    )
    workplace = models.CharField(max_length=8, choices=Workplace.choices)
    city = models.CharField(max_length=120, blank=True)
    region = models.CharField(max_length=120, blank=True, help_text="State or province")
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2 code")
    remote_regions = ArrayField(
        models.CharField(max_length=8),
        blank=True,
        default=list,
        help_text="For remote roles: ISO country codes or region codes applicants may live in",
    )
    salary_min = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    salary_max = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    salary_currency = models.CharField(max_length=3, blank=True, help_text="ISO 4217 code")
    salary_period = models.CharField(max_length=8, choices=PayPeriod.choices, blank=True)
    visa_sponsorship = models.BooleanField(default=False)
    apply_url = models.URLField(max_length=500, blank=True)
    apply_email = models.EmailField(blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    # A natural key for postings loaded from outside (demo data, imports): re-loading the same
    # source inserts nothing twice. Null for postings employers write.
    source_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    # When the text that skills are extracted from (the description) last changed.
    text_updated_at = models.DateTimeField(default=timezone.now)
    # Skills tagged on this posting (PostingSkill rows other than admin removals), copied into
    # an indexed integer array so skill filters and facets never join the tag table.
    skill_ids = ArrayField(models.BigIntegerField(), default=list, blank=True, editable=False)
    tagged_at = models.DateTimeField(null=True, blank=True, editable=False)
    tagged_version = models.PositiveIntegerField(null=True, blank=True, editable=False)

    objects = PostingQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=_in_choices("status", Status), name="posting_status_valid"
            ),
            models.CheckConstraint(
                condition=_in_choices("seniority", Seniority), name="posting_seniority_valid"
            ),
            models.CheckConstraint(
                condition=_in_choices("role_family", RoleFamily), name="posting_role_family_valid"
            ),
            models.CheckConstraint(
                condition=_in_choices("employment_type", EmploymentType),
                name="posting_employment_type_valid",
            ),
            models.CheckConstraint(
                condition=_in_choices("workplace", Workplace), name="posting_workplace_valid"
            ),
            models.CheckConstraint(
                condition=Q(country="") | Q(country__regex=r"^[A-Z]{2}$"),
                name="posting_country_iso2",
            ),
            # Pay is all or nothing: a range needs both ends, a currency and a period.
            models.CheckConstraint(
                condition=(
                    Q(
                        salary_min__isnull=True,
                        salary_max__isnull=True,
                        salary_currency="",
                        salary_period="",
                    )
                    | (
                        Q(salary_min__isnull=False, salary_max__isnull=False)
                        & Q(salary_currency__regex=r"^[A-Z]{3}$")
                        & _in_choices("salary_period", PayPeriod)
                    )
                ),
                name="posting_pay_complete_or_absent",
            ),
            models.CheckConstraint(
                condition=Q(salary_min__isnull=True) | Q(salary_min__gte=0),
                name="posting_salary_min_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(salary_min__isnull=True) | Q(salary_min__lte=models.F("salary_max")),
                name="posting_salary_min_lte_max",
            ),
            # Statuses that have been public carry the time they went public.
            models.CheckConstraint(
                condition=~Q(status__in=[Status.PUBLISHED, Status.CLOSED, Status.EXPIRED])
                | Q(published_at__isnull=False),
                name="posting_public_has_published_at",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__isnull=True)
                | Q(published_at__isnull=True)
                | Q(expires_at__gt=models.F("published_at")),
                name="posting_expires_after_published",
            ),
        ]
        indexes = [
            # The public list, newest first: PostingQuerySet.visible().newest_first().
            models.Index(
                fields=["-published_at", "-id"],
                name="posting_public_newest_idx",
                condition=Q(status=Status.PUBLISHED),
            ),
            # Skill filters: skill_ids @> / && ARRAY[...].
            GinIndex(fields=["skill_ids"], name="posting_skill_ids_gin"),
            # The tagging sweep: postings never tagged (most bulk-loaded ones).
            models.Index(
                fields=["id"], name="posting_untagged_idx", condition=Q(tagged_at__isnull=True)
            ),
            # The expiry sweep: published postings whose expires_at has passed.
            models.Index(
                fields=["expires_at"],
                name="posting_published_expiry_idx",
                condition=Q(status=Status.PUBLISHED),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("postings:detail", kwargs={"pk": self.pk, "slug": self.slug})

    @property
    def has_pay(self) -> bool:
        return self.salary_min is not None

    @property
    def location_label(self) -> str:
        place = ", ".join(part for part in (self.city, self.region, self.country) if part)
        return place or "Location not given"

    @property
    def remote_regions_label(self) -> str:
        return ", ".join(REMOTE_REGIONS.get(code, code) for code in self.remote_regions)

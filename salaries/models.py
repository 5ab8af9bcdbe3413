"""Salary survey responses, the bands computed from them, and exchange rates."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from salaries.geography import REGIONS
from salaries.vocabulary import RoleFamily, Seniority

# The one rule behind every figure shown: fewer responses than this and a band has a sample
# size but no figures, so nothing can show a percentile computed from a handful of people.
MIN_SAMPLES = 10


class ExchangeRateQuerySet(models.QuerySet):
    def latest_per_currency(self) -> ExchangeRateQuerySet:
        """The newest rate of each currency (served by exchange_rate_currency_date_unique)."""
        return self.order_by("currency", "-rate_date").distinct("currency")


class ExchangeRate(models.Model):
    """USD per unit of a currency on a date. Pay is converted at the newest rate we hold."""

    currency = models.CharField(max_length=3, help_text="ISO 4217 code, not USD")
    usd_per_unit = models.DecimalField(
        "USD per unit", max_digits=20, decimal_places=10, help_text="1 unit = this many USD"
    )
    rate_date = models.DateField(help_text="The day the rate is for")
    source = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ExchangeRateQuerySet.as_manager()

    class Meta:
        ordering = ["currency", "-rate_date"]
        constraints = [
            # One rate per currency and day; also the index latest_per_currency() reads.
            models.UniqueConstraint(
                fields=["currency", "rate_date"], name="exchange_rate_currency_date_unique"
            ),
            models.CheckConstraint(
                condition=Q(currency__regex=r"^[A-Z]{3}$") & ~Q(currency="USD"),
                name="exchange_rate_currency_iso_not_usd",
            ),
            models.CheckConstraint(condition=Q(usd_per_unit__gt=0), name="exchange_rate_positive"),
        ]

    def __str__(self) -> str:
        return f"1 {self.currency} = {self.usd_per_unit.normalize():f} USD on {self.rate_date}"


class SalarySample(models.Model):
    """One full-time response of a salary survey, mapped to our role families and levels."""

    source = models.CharField(max_length=64)
    # Content hash + occurrence (salaries.survey.read_survey): re-importing adds nothing.
    source_key = models.CharField(max_length=40, unique=True)
    work_year = models.PositiveSmallIntegerField()
    seniority = models.CharField(max_length=16, choices=Seniority.choices)
    role_family = models.CharField(max_length=32, choices=RoleFamily.choices)
    job_title = models.CharField(max_length=200)
    salary = models.DecimalField(max_digits=14, decimal_places=2)
    salary_currency = models.CharField(max_length=3)
    salary_usd = models.DecimalField(max_digits=12, decimal_places=2)
    employee_residence = models.CharField(max_length=2, blank=True)
    remote_ratio = models.PositiveSmallIntegerField()
    company_location = models.CharField(max_length=2)
    company_region = models.CharField(max_length=32, choices=list(REGIONS.items()))
    company_size = models.CharField(max_length=1, blank=True)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(seniority__in=Seniority.values), name="salary_sample_seniority_valid"
            ),
            models.CheckConstraint(
                condition=Q(role_family__in=RoleFamily.values),
                name="salary_sample_role_family_valid",
            ),
            models.CheckConstraint(
                condition=Q(remote_ratio__in=[0, 50, 100]), name="salary_sample_remote_ratio_valid"
            ),
            models.CheckConstraint(
                condition=Q(salary_usd__gt=0), name="salary_sample_salary_usd_positive"
            ),
            models.CheckConstraint(
                condition=Q(company_region__in=list(REGIONS)), name="salary_sample_region_valid"
            ),
        ]
        indexes = [
            # bands_compute() reads one source and year at a time.
            models.Index(fields=["source", "work_year"], name="salary_sample_source_year_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.job_title} ({self.work_year}, {self.company_location})"


class PayDataVersion(models.Model):
    """A counter that every write to the salary bands or the exchange rates moves on.

    Pages compare with their process's copy of the current bands and rates (one indexed row a
    page instead of three queries). Database triggers move it (migration 0002), not our code: a
    bulk load, an admin edit, a shell session or a restore all count, and none can forget to.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    version = models.BigIntegerField(default=1)
    changed_at = models.DateTimeField()

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="pay_data_version_singleton")]

    def __str__(self) -> str:
        return f"pay data v{self.version}"


class Scope(models.TextChoices):
    COUNTRY = "country", "Country"
    REGION = "region", "Region"
    WORLD = "world", "Worldwide"


class BandWorkplace(models.TextChoices):
    ANY = "any", "Any workplace"
    REMOTE = "remote", "Fully remote"
    ONSITE = "onsite", "On-site or hybrid"


class SalaryBandQuerySet(models.QuerySet):
    def reference(self) -> dict | None:
        """{"year", "source"} of the newest bands, or None when none are loaded."""
        return self.order_by("-year", "source").values("year", "source").first()

    def current(self, reference: dict | None = None) -> SalaryBandQuerySet:
        """Bands of the newest reference year (and its first source): what every page shows.
        Pass `reference` when it is already known, to save its query."""
        reference = reference or self.reference()
        if reference is None:
            return self.none()
        return self.filter(**reference)

    def with_figures(self) -> SalaryBandQuerySet:
        return self.filter(sample_size__gte=MIN_SAMPLES)


class SalaryBand(models.Model):
    """Percentiles of annual USD pay for one group of survey responses.

    A group is a role family (blank: all), a seniority (blank: all levels), a place (a country,
    a region or the world) and a workplace (remote, on-site/hybrid or any). Groups with fewer
    than MIN_SAMPLES responses are stored with their sample size and no figures, so a page can
    say why it fell back to a broader band.
    """

    source = models.CharField(max_length=64)
    year = models.PositiveSmallIntegerField(help_text="The survey year the figures describe")
    role_family = models.CharField(
        max_length=32, choices=RoleFamily.choices, blank=True, help_text="Blank: all roles"
    )
    seniority = models.CharField(
        max_length=16, choices=Seniority.choices, blank=True, help_text="Blank: all levels"
    )
    scope = models.CharField(max_length=8, choices=Scope.choices)
    area = models.CharField(
        max_length=32, blank=True, help_text="ISO country code, region code, or blank (world)"
    )
    workplace = models.CharField(max_length=8, choices=BandWorkplace.choices)
    sample_size = models.PositiveIntegerField()
    p10 = models.DecimalField(max_digits=10, decimal_places=0, null=True, blank=True)
    p25 = models.DecimalField(max_digits=10, decimal_places=0, null=True, blank=True)
    p50 = models.DecimalField("median", max_digits=10, decimal_places=0, null=True, blank=True)
    p75 = models.DecimalField(max_digits=10, decimal_places=0, null=True, blank=True)
    p90 = models.DecimalField(max_digits=10, decimal_places=0, null=True, blank=True)
    computed_at = models.DateTimeField(help_text="When these figures were computed")
    # Set when an admin corrects the figures: recomputing and loading then leave the band be.
    corrected_at = models.DateTimeField(null=True, blank=True, editable=False)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        editable=False,
        related_name="+",
    )
    correction_note = models.TextField(blank=True)

    objects = SalaryBandQuerySet.as_manager()

    class Meta:
        ordering = ["role_family", "seniority", "scope", "area", "workplace"]
        constraints = [
            # The natural key, and the index band lookups use (every column but source/year
            # is an equality filter; current() adds year and source).
            models.UniqueConstraint(
                fields=["role_family", "seniority", "scope", "area", "workplace", "year", "source"],
                name="salary_band_group_unique",
            ),
            models.CheckConstraint(
                condition=Q(role_family="") | Q(role_family__in=RoleFamily.values),
                name="salary_band_role_family_valid",
            ),
            models.CheckConstraint(
                condition=Q(seniority="") | Q(seniority__in=Seniority.values),
                name="salary_band_seniority_valid",
            ),
            models.CheckConstraint(
                condition=Q(workplace__in=BandWorkplace.values), name="salary_band_workplace_valid"
            ),
            models.CheckConstraint(
                condition=Q(scope=Scope.COUNTRY, area__regex=r"^[A-Z]{2}$")
                | Q(scope=Scope.REGION, area__in=list(REGIONS))
                | Q(scope=Scope.WORLD, area=""),
                name="salary_band_area_matches_scope",
            ),
            models.CheckConstraint(condition=Q(sample_size__gt=0), name="salary_band_has_samples"),
            # Figures exist exactly when there are enough responses behind them.
            models.CheckConstraint(
                condition=Q(
                    sample_size__gte=MIN_SAMPLES,
                    p10__isnull=False,
                    p25__isnull=False,
                    p50__isnull=False,
                    p75__isnull=False,
                    p90__isnull=False,
                )
                | Q(
                    sample_size__lt=MIN_SAMPLES,
                    p10__isnull=True,
                    p25__isnull=True,
                    p50__isnull=True,
                    p75__isnull=True,
                    p90__isnull=True,
                ),
                name="salary_band_figures_need_min_samples",
            ),
            models.CheckConstraint(
                condition=Q(p10__isnull=True)
                | Q(
                    p10__gt=0,
                    p10__lte=F("p25"),
                    p25__lte=F("p50"),
                    p50__lte=F("p75"),
                    p75__lte=F("p90"),
                ),
                name="salary_band_percentiles_ordered",
            ),
        ]

    def __str__(self) -> str:
        from salaries.labels import band_label

        return f"{band_label(self)} ({self.source} {self.year})"

    @property
    def has_figures(self) -> bool:
        return self.p50 is not None

    @property
    def figures(self) -> tuple:
        return (self.p10, self.p25, self.p50, self.p75, self.p90)

    @property
    def source_label(self) -> str:
        return f"{self.source} {self.year}"

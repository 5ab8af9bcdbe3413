"""Companies and their job postings: the board's core rows and the one rule of what the public
may see (PostingQuerySet.visible())."""

from __future__ import annotations

import math
from datetime import datetime

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVectorField
from django.db import connection, models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Mod, Upper
from django.db.models.lookups import Exact
from django.utils import timezone

from postings.models.prepared import Prepared
from postings.paths import path_to
from salaries.geography import region_of
from salaries.services import pay_data_columns

# Shared with salary bands, which are grouped by the same levels, role families and workplaces.
from salaries.vocabulary import RoleFamily, Seniority, Workplace
from skills.services import taxonomy_state_columns


class Company(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    website = models.URLField(blank=True)
    description = models.TextField(blank=True)
    city = models.CharField(max_length=120, blank=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2 code")
    created_at = models.DateTimeField(default=timezone.now)
    # --- employer workflow (issue 5) ---
    # PNG, JPEG or WebP, size- and dimension-checked by postings.employers.forms; served by
    # postings.employers.views.company_logo, so no media server is needed.
    logo = models.ImageField(upload_to="logos/%Y/", blank=True)

    class Meta:
        verbose_name_plural = "companies"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(country="") | Q(country__regex=r"^[A-Z]{2}$"),
                name="company_country_iso2",
            ),
        ]
        indexes = [
            # A text search also finds the companies whose name holds it (companies_named:
            # `UPPER(name) LIKE UPPER('%text%')`): without it, every search read them all.
            GinIndex(OpClass(Upper("name"), name="gin_trgm_ops"), name="company_name_trgm"),
        ]

    def __str__(self) -> str:
        return self.name


class EmploymentType(models.TextChoices):
    FULL_TIME = "full_time", "Full-time"
    PART_TIME = "part_time", "Part-time"
    CONTRACT = "contract", "Contract"
    INTERNSHIP = "internship", "Internship"
    TEMPORARY = "temporary", "Temporary"


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


class CloseReason(models.TextChoices):
    FILLED = "filled", "Filled"
    WITHDRAWN = "withdrawn", "Withdrawn"


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


EU_COUNTRIES = frozenset(
    "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE".split()
)


def remote_codes_for(country: str) -> list[str]:
    """The remote_regions codes under which someone living in `country` may apply."""
    region = region_of(country)
    codes = {"WW", country}
    if country in EU_COUNTRIES:
        codes |= {"EU", "EEA"}
    if country in {"IS", "LI", "NO"}:
        codes.add("EEA")
    if region in {"europe", "middle_east_africa"}:
        codes.add("EMEA")
    if region in {"north_america", "latin_america"}:
        codes.add("AMER")
    if region == "latin_america":
        codes.add("LATAM")
    if region == "asia_pacific":
        codes.add("APAC")
    return sorted(codes)


# A posting's full-text document as SQL over a row alias `{t}`: the title weighs most. The one
# definition, used by the bulk loader and by tagging; queries use the same "english" config.
SEARCH_DOCUMENT_SQL = (
    "setweight(to_tsvector('english', coalesce({t}.title, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce({t}.description, '')), 'C')"
)


# The search page describes a result set too broad to count from a fixed 1% sample of the
# postings: those whose id is a multiple of SAMPLE_EVERY. Ids are handed out in arrival
# order, so the sample is spread evenly over time, companies and everything else, and
# small partial indexes cover it (Posting.Meta), which a random TABLESAMPLE cannot have.
SAMPLE_EVERY = 100
# A figure read from the sample is taken as sure beyond this many standard deviations.
SURE_SIGMAS = 4


def sample_rank(rows: int) -> int:
    """Which match of the sample bounds the first `rows` matches of an order, with room to
    spare: a value of the order's key that they very probably all reach.

    About one in SAMPLE_EVERY of those rows is in the sample, a Poisson count m; the
    sampled match at m + SURE_SIGMAS sqrt(m) + 4 falls short about once in ten thousand
    orders, which are then read the slow way. The one rule for both engines (postings.search
    for PostgreSQL, postings.engine.query for the index).
    """
    m = rows / SAMPLE_EVERY
    return math.ceil(m + SURE_SIGMAS * math.sqrt(m) + 4)


def _in_sample() -> Q:
    # The partial indexes and the queries must spell this the same way (MOD(id, n) = 0)
    # for PostgreSQL to match them.
    return Q(Exact(Mod("id", SAMPLE_EVERY), 0))


def _published() -> Q:
    return Q(status=Status.PUBLISHED)


# The columns of the filter indexes (Posting.Meta): what the search page filters on by
# equality, overlap or text match, and the minimum pay (a range over the pay entries).
FILTER_COLUMNS = [
    "search_vector", "skill_ids", "seniority", "role_family", "workplace", "employment_type",
    "country", "remote_regions", "visa_sponsorship", "pay_max_usd",
]  # fmt: skip


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
        """Postings whose skills are missing, or older than their text or the taxonomy
        (skills.PostingTagState says what each was last tagged from)."""
        return self.filter(
            Q(tag_state__isnull=True)
            | Q(tag_state__text_at__lt=models.F("text_updated_at"))
            | Q(tag_state__taxonomy_version__lt=taxonomy_version)
        )

    def with_ids(self, ids: list[int]) -> PostingQuerySet:
        """These postings, by one array parameter rather than a value per id for the ORM
        to prepare (candidate lists run to 500 ids)."""
        return self.filter(
            RawSQL(
                "postings_posting.id = ANY(%s)", (list(ids),), output_field=models.BooleanField()
            )
        )

    def listing(self, ids: list[int]) -> PostingQuerySet:
        """These postings as lists show them, in no order: company joined, and no
        description (a list never shows it, and it is read out of line)."""
        return self.with_ids(ids).select_related("company").defer("description")

    def listed(self, ids: list[int]) -> list[Posting]:
        """These postings in this order, as lists show them (listing())."""
        return _in_order(self.listing(ids), ids)

    def newest_first(self) -> PostingQuerySet:
        return self.order_by("-published_at", "-id")

    def in_sample(self, every: int = 1) -> PostingQuerySet:
        """The fixed 1% sample of postings (see SAMPLE_EVERY); every > 1 keeps every n-th."""
        if every == 1:
            return self.filter(_in_sample())
        return self.filter(Exact(Mod("id", SAMPLE_EVERY * every), 0))


def _in_order(found, ids: list[int]) -> list[Posting]:
    by_id = {p.pk: p for p in found}
    return [by_id[pk] for pk in ids if pk in by_id]


class PostingManager(models.Manager.from_queryset(PostingQuerySet)):
    def get_queryset(self) -> PostingQuerySet:
        # The search document is only ever read by PostgreSQL (matching and ranking), and
        # loading it would fetch a kilobyte or two out of line for every posting. An instance
        # loaded without it saves only its other fields, which leaves the document alone.
        return super().get_queryset().defer("search_vector")

    # The posting page's reads, compiled once per process (postings.models.prepared): with
    # the company's columns, building their SQL took longer than PostgreSQL's answer.
    def visible_one(self, pk: int) -> Posting | None:
        """The posting with this id, company joined, if the public may see it (visible()).

        Read with it, for the posting page: the taxonomy's and the pay data's versions, which
        would each be a query of their own (skill_index and pay_data take it as `read_with`).
        """
        # An id past the column's range: the ORM answers empty without asking (by the same
        # range); PostgreSQL would fail the query.
        low, high = connection.ops.integer_field_range(Posting._meta.pk.get_internal_type())
        if not low <= pk <= high:
            return None
        found = _VISIBLE_ONE(timezone.now(), pk)
        return found[0] if found else None

    def visible_listed(self, ids: list[int]) -> list[Posting]:
        """visible().listed(ids)."""
        return _in_order(_VISIBLE_LISTING(timezone.now(), list(ids)), ids)


def _display(name: str, choices: type[models.Choices]):
    """get_<name>_display as Django makes it (the label, or the value when it has none)."""
    labels = {value: str(label) for value, label in choices.choices}

    def get_display(self: Posting) -> str:
        value = getattr(self, name)
        return labels.get(value, value)

    get_display.__name__ = f"get_{name}_display"
    return get_display


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
    # --- reach (issue 13) ---
    # The employer's own id for the role (their applicant tracking system's), by which the
    # employer API creates or updates it idempotently. Null (not "") for roles written on
    # the site, so the per-company unique constraint leaves them out.
    external_id = models.CharField(max_length=200, null=True, blank=True)  # noqa: DJ001
    # --- employer workflow (issue 5) ---
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # When it was last sent to review: the moderation queue is oldest first by this.
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Shown to the employer; kept after resubmission until the next decision overwrites it.
    rejection_reason = models.TextField(blank=True)
    closed_reason = models.CharField(max_length=16, choices=CloseReason.choices, blank=True)
    # Set when the "expires in 3 days" e-mail went out; cleared by a renewal. Its being set is
    # what makes the reminder task safe to run twice.
    expiry_reminder_sent_at = models.DateTimeField(null=True, blank=True)
    # Totals flushed from Redis counters by a beat task (postings.employers.counters); the
    # request that views the page only does a Redis HINCRBY.
    view_count = models.PositiveIntegerField(default=0, editable=False)
    apply_click_count = models.PositiveIntegerField(default=0, editable=False)
    # When the text (title or description) last changed: skills and the search document
    # are derived from it in the background and compare against this.
    text_updated_at = models.DateTimeField(default=timezone.now)
    # Skills tagged on this posting (PostingSkill rows other than admin removals), copied into
    # an indexed integer array so skill filters and facets never join the tag table. Written
    # only when it changes: rewriting a wide posting row is what makes bulk re-tags slow.
    skill_ids = ArrayField(models.BigIntegerField(), default=list, blank=True, editable=False)
    # The nice-to-have part of skill_ids (PostingSkill.preferred), written by the same tagging
    # statement. Kept on the row because scoring a seeker's skills against every posting (the
    # /match/ page) reads required and preferred ids per posting and must not join the tag
    # table; no index: no query looks postings up by a preferred skill alone.
    preferred_skill_ids = ArrayField(
        models.BigIntegerField(), default=list, blank=True, editable=False
    )
    # --- search (issue 4) ---
    # Full-text search document (SEARCH_DOCUMENT_SQL) and the text_updated_at it was built
    # from. Not a generated column: PostgreSQL recomputes those on every UPDATE of the row,
    # which made each tag or pay update re-parse the description. The bulk loader writes it;
    # tagging rewrites it when the text changed. Company names are matched separately.
    search_vector = SearchVectorField(null=True, editable=False)
    search_text_at = models.DateTimeField(null=True, editable=False)
    # Pay as annual USD from the dated exchange-rate table (salaries.ExchangeRate), for the
    # salary filter and sort; written set-based by postings.services.postings_refresh_pay_usd.
    pay_min_usd = models.PositiveIntegerField(null=True, blank=True, editable=False)
    pay_max_usd = models.PositiveIntegerField(null=True, blank=True, editable=False)

    objects = PostingManager()

    # The labels shown on every card, from dicts made once: Django's own get_FOO_display
    # builds a dict of the field's choices on each call (three a card, sixty a page).
    get_seniority_display = _display("seniority", Seniority)
    get_workplace_display = _display("workplace", Workplace)
    get_salary_period_display = _display("salary_period", PayPeriod)
    get_role_family_display = _display("role_family", RoleFamily)
    get_employment_type_display = _display("employment_type", EmploymentType)

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
            models.CheckConstraint(
                condition=Q(closed_reason="") | _in_choices("closed_reason", CloseReason),
                name="posting_closed_reason_valid",
            ),
            # Preferred skills are some of the posting's skills, never others.
            models.CheckConstraint(
                condition=Q(preferred_skill_ids__contained_by=models.F("skill_ids")),
                name="posting_preferred_skills_in_skills",
            ),
            # One role per external id within a company; also the index the employer API's
            # PUT / DELETE /api/v1/employer/jobs/{external_id}/ look the role up by.
            models.UniqueConstraint(
                fields=["company", "external_id"],
                condition=Q(external_id__isnull=False),
                name="posting_external_id_per_company",
            ),
        ]
        indexes = [
            # The moderation queue: postings waiting for review, oldest submission first.
            models.Index(
                fields=["submitted_at", "id"],
                name="posting_review_queue_idx",
                condition=Q(status=Status.PENDING_REVIEW),
            ),
            # The public list, newest first: PostingQuerySet.visible().newest_first().
            models.Index(
                fields=["-published_at", "-id"],
                name="posting_public_newest_idx",
                condition=Q(status=Status.PUBLISHED),
            ),
            # Every filter of the search page but dates and city, in one index: words
            # (search_vector @@ ...), skills (skill_ids && ...), the facet columns (= ANY),
            # country, remote regions and minimum pay (btree_gin for the plain columns).
            # PostgreSQL intersects their entries inside the index, so "a common word,
            # junior, temporary" reads only the rows that have all three, where separate
            # indexes left it reading every posting with the word (postings.search). Also
            # the similar-roles query (skill_ids && with seniority).
            GinIndex(
                fields=FILTER_COLUMNS, name="posting_public_filters_gin", condition=_published()
            ),
            # location=<city text>: UPPER(city) LIKE UPPER('%...%') through trigrams.
            GinIndex(OpClass(Upper("city"), name="gin_trgm_ops"), name="posting_city_trgm"),
            # sort=salary and salary_min among public postings.
            models.Index(
                fields=["-pay_max_usd", "-id"],
                name="posting_public_pay_idx",
                condition=Q(status=Status.PUBLISHED, pay_max_usd__isnull=False),
            ),
            # The 1% sample the search page describes broad result sets from: its filters
            # and facet columns without the table, and its text and skill matches.
            models.Index(
                fields=["-published_at", "-id"],
                include=[
                    "seniority",
                    "role_family",
                    "workplace",
                    "employment_type",
                    "visa_sponsorship",
                    "pay_max_usd",
                    "expires_at",
                    "country",
                    "remote_regions",
                    "city",
                    "company",
                    "skill_ids",
                ],
                name="posting_sample_idx",
                condition=Q(status=Status.PUBLISHED) & _in_sample(),
            ),
            GinIndex(
                fields=FILTER_COLUMNS,
                name="posting_sample_filters_gin",
                condition=_published() & _in_sample(),
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
        return path_to("postings:detail", self.pk, self.slug)

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


_VISIBLE_ONE = Prepared(
    lambda now, pk: (
        Posting.objects.visible(now)
        .select_related("company")
        .filter(pk=pk)
        .annotate(**taxonomy_state_columns(), **pay_data_columns())
    ),
    datetime,
    int,
)
_VISIBLE_LISTING = Prepared(
    lambda now, ids: Posting.objects.visible(now).listing(ids), datetime, list
)

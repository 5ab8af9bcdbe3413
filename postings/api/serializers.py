"""How the API shows postings, skills and bands. Output only: what matches is decided by
postings.filters / postings.search and what is written by the employer services."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from postings.models import (
    REMOTE_REGIONS,
    EmploymentType,
    PayPeriod,
    Posting,
    RevisionStatus,
    RoleFamily,
    Seniority,
    Status,
    Workplace,
)
from postings.rendering import markdown_to_html
from salaries.models import BandWorkplace, SalaryBand, Scope
from salaries.services import PayInsight


class CompanySerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.SlugField()
    website = serializers.CharField(help_text="The company's own site; may be empty.")
    url = serializers.SerializerMethodField(help_text="The company's page on ML Jobs.")

    def get_url(self, company: Any) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("companies:detail", args=[company.slug])
        )


class SkillRefSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


class PaySerializer(serializers.Serializer):
    min = serializers.DecimalField(max_digits=14, decimal_places=2, source="salary_min")
    max = serializers.DecimalField(max_digits=14, decimal_places=2, source="salary_max")
    currency = serializers.CharField(source="salary_currency", help_text="ISO 4217 code")
    period = serializers.ChoiceField(choices=PayPeriod.choices, source="salary_period")


class PayUsdSerializer(serializers.Serializer):
    min = serializers.IntegerField(source="pay_min_usd")
    max = serializers.IntegerField(source="pay_max_usd")


class BandFiguresSerializer(serializers.Serializer):
    label = serializers.CharField(help_text="The group the band describes.")
    source = serializers.CharField()
    year = serializers.IntegerField()
    sample_size = serializers.IntegerField()
    p10 = serializers.IntegerField()
    p25 = serializers.IntegerField()
    p50 = serializers.IntegerField()
    p75 = serializers.IntegerField()
    p90 = serializers.IntegerField()


class PositionSerializer(serializers.Serializer):
    relation = serializers.ChoiceField(choices=["below", "within", "above"])
    percentile = serializers.IntegerField(
        allow_null=True, help_text="Within p10-p90 only; null below or above."
    )


class MarketSerializer(serializers.Serializer):
    """Where the pay sits in the market band for the role, level and country."""

    band = BandFiguresSerializer(allow_null=True)
    position = PositionSerializer(
        allow_null=True, help_text="Null when the role states no pay (or no band fits)."
    )
    summary = serializers.CharField()


def _market(insight: PayInsight | None) -> dict | None:
    if insight is None:
        return None
    band = insight.band
    figures = None
    if band is not None:
        figures = {
            "label": insight.match.label,
            "source": band.source,
            "year": band.year,
            "sample_size": band.sample_size,
            **{f"p{p}": int(getattr(band, f"p{p}")) for p in (10, 25, 50, 75, 90)},
        }
    position = None
    if insight.position is not None:
        position = {
            "relation": insight.position.relation,
            "percentile": insight.position.percentile,
        }
    return {"band": figures, "position": position, "summary": insight.summary}


class _RoleSerializer(serializers.Serializer):
    """What a role is, in the public and the employer API alike."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    level = serializers.ChoiceField(choices=Seniority.choices, source="seniority")
    role = serializers.ChoiceField(choices=RoleFamily.choices, source="role_family")
    employment_type = serializers.ChoiceField(choices=EmploymentType.choices)
    workplace = serializers.ChoiceField(choices=Workplace.choices)
    city = serializers.CharField()
    region = serializers.CharField()
    country = serializers.CharField(help_text="ISO 3166-1 alpha-2 code; may be empty.")
    remote_regions = serializers.ListField(
        child=serializers.CharField(),
        help_text="For remote roles: where applicants may live (ISO country codes or "
        + ", ".join(f"{code} = {name}" for code, name in REMOTE_REGIONS.items())
        + ").",
    )
    visa_sponsorship = serializers.BooleanField()
    pay = serializers.SerializerMethodField(help_text="Pay as the employer entered it.")

    # Plain dicts for the nested objects (their serializers document them): building a
    # serializer per job costs more than the rest of the job.
    @extend_schema_field(PaySerializer(allow_null=True))
    def get_pay(self, posting: Posting) -> dict | None:
        if not posting.has_pay:
            return None
        return {
            "min": posting.salary_min,
            "max": posting.salary_max,
            "currency": posting.salary_currency,
            "period": posting.salary_period,
        }


class JobSerializer(_RoleSerializer):
    """A public posting. Context: request, skills (SkillIndex), insights ({id: PayInsight})."""

    url = serializers.SerializerMethodField(help_text="The posting's page.")
    company = CompanySerializer()
    skills = serializers.SerializerMethodField()
    pay_usd_year = serializers.SerializerMethodField(
        help_text="The same range in US dollars a year, at the newest exchange rates."
    )
    market = serializers.SerializerMethodField()
    published_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField(allow_null=True)
    apply_url = serializers.SerializerMethodField(
        help_text="Where to apply (through ML Jobs, which counts the click); null if neither "
        "an application page nor an e-mail address is given."
    )

    def get_url(self, posting: Posting) -> str:
        return self.context["request"].build_absolute_uri(posting.get_absolute_url())

    @extend_schema_field(SkillRefSerializer(many=True))
    def get_skills(self, posting: Posting) -> list[dict]:
        refs = self.context["skills"].active_refs(posting.skill_ids)
        return [
            {"slug": ref.slug, "name": ref.name}
            for ref in sorted(refs, key=lambda r: r.name.lower())
        ]

    @extend_schema_field(PayUsdSerializer(allow_null=True))
    def get_pay_usd_year(self, posting: Posting) -> dict | None:
        if posting.pay_min_usd is None or posting.pay_max_usd is None:
            return None
        return {"min": posting.pay_min_usd, "max": posting.pay_max_usd}

    @extend_schema_field(MarketSerializer(allow_null=True))
    def get_market(self, posting: Posting) -> dict | None:
        return _market(self.context["insights"].get(posting.pk))

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_apply_url(self, posting: Posting) -> str | None:
        if not posting.apply_url and not posting.apply_email:
            return None
        return self.context["request"].build_absolute_uri(
            reverse("posting_apply", args=[posting.pk])
        )


class JobPageSerializer(serializers.Serializer):
    count = serializers.IntegerField(
        help_text="How many postings match, as /jobs/ counts them: exact up to 10,000, then "
        "10,000 with count_capped."
    )
    count_capped = serializers.BooleanField()
    next = serializers.URLField(allow_null=True, help_text="The next page, if any.")
    previous = serializers.URLField(allow_null=True, help_text="The page before, if any.")
    results = JobSerializer(many=True)


class JobDetailSerializer(JobSerializer):
    description_html = serializers.SerializerMethodField(
        help_text="The description as sanitized HTML (what the posting page shows)."
    )

    def get_description_html(self, posting: Posting) -> str:
        return markdown_to_html(posting.description)


class CategorySerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


class SkillNodeSerializer(serializers.Serializer):
    """One skill of the taxonomy tree: its parent and children by slug."""

    slug = serializers.SlugField()
    name = serializers.CharField()
    category = CategorySerializer()
    parent = serializers.SlugField(allow_null=True)
    children = serializers.ListField(child=serializers.SlugField())
    aliases = serializers.ListField(
        child=serializers.CharField(), help_text="Other ways postings write it."
    )


class TaxonomySerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="Goes up on every taxonomy change.")
    skills = SkillNodeSerializer(many=True)


class BandSerializer(serializers.ModelSerializer):
    role = serializers.ChoiceField(
        choices=[("", "All roles"), *RoleFamily.choices], source="role_family"
    )
    level = serializers.ChoiceField(
        choices=[("", "All levels"), *Seniority.choices], source="seniority"
    )
    scope = serializers.ChoiceField(choices=Scope.choices)
    workplace = serializers.ChoiceField(choices=BandWorkplace.choices)
    p10 = serializers.IntegerField(allow_null=True)
    p25 = serializers.IntegerField(allow_null=True)
    p50 = serializers.IntegerField(allow_null=True, help_text="The median.")
    p75 = serializers.IntegerField(allow_null=True)
    p90 = serializers.IntegerField(allow_null=True)

    class Meta:
        model = SalaryBand
        fields = [
            "id", "source", "year", "role", "level", "scope", "area", "workplace",
            "sample_size", "p10", "p25", "p50", "p75", "p90",
        ]  # fmt: skip
        extra_kwargs = {
            "area": {"help_text": "ISO country code, region code, or empty (the world)"},
            "sample_size": {"help_text": "Survey responses; figures need at least 5."},
        }


# ---------------------------------------------------------------------------------------------
# The employer API
# ---------------------------------------------------------------------------------------------


class EmployerJobWriteSerializer(serializers.Serializer):
    """A role as an ATS sends it. Documentation of the body only: it is validated by the
    site's posting form (postings.employers.forms.PostingForm), rule for rule."""

    title = serializers.CharField(max_length=200)
    description = serializers.CharField(help_text="Markdown, at least 100 characters.")
    level = serializers.ChoiceField(choices=Seniority.choices)
    role = serializers.ChoiceField(choices=RoleFamily.choices)
    employment_type = serializers.ChoiceField(choices=EmploymentType.choices)
    workplace = serializers.ChoiceField(choices=Workplace.choices)
    city = serializers.CharField(
        required=False, allow_blank=True, max_length=120, help_text="Required on-site/hybrid."
    )
    region = serializers.CharField(required=False, allow_blank=True, max_length=120)
    country = serializers.CharField(
        required=False, allow_blank=True, max_length=2, help_text="Required on-site/hybrid."
    )
    remote_regions = serializers.ListField(
        child=serializers.CharField(max_length=8),
        required=False,
        help_text="Required for remote roles: ISO country codes or "
        + ", ".join(REMOTE_REGIONS)
        + ".",
    )
    salary_min = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    salary_max = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    salary_currency = serializers.CharField(min_length=3, max_length=3, help_text="ISO 4217")
    salary_period = serializers.ChoiceField(choices=PayPeriod.choices)
    visa_sponsorship = serializers.BooleanField(required=False)
    apply_url = serializers.URLField(
        required=False, allow_blank=True, max_length=500, help_text="Or apply_email."
    )
    apply_email = serializers.EmailField(required=False, allow_blank=True)


class ReviewSerializer(serializers.Serializer):
    pending_edit = serializers.BooleanField(
        help_text="An edit of the live role waits for review; the approved version stays up."
    )
    rejection_reason = serializers.CharField(
        help_text="Why the role (or its last edit) was rejected; empty otherwise."
    )


class EmployerJobSerializer(_RoleSerializer):
    """A company's role with where it is in review. Context: request."""

    external_id = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=Status.choices)
    review = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text="The public page, once published.")
    apply_url = serializers.CharField()
    apply_email = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    published_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(ReviewSerializer)
    def get_review(self, posting: Posting) -> dict:
        pending = [r for r in posting.recent_revisions if r.status == RevisionStatus.PENDING]
        rejected = [r for r in posting.recent_revisions if r.status == RevisionStatus.REJECTED]
        reason = posting.rejection_reason if posting.status == Status.REJECTED else ""
        if not reason and rejected and not pending:
            reason = rejected[0].rejection_reason
        return {"pending_edit": bool(pending), "rejection_reason": reason}

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_url(self, posting: Posting) -> str | None:
        if posting.status != Status.PUBLISHED:
            return None
        return self.context["request"].build_absolute_uri(posting.get_absolute_url())


class EmployerJobResultSerializer(EmployerJobSerializer):
    result = serializers.ChoiceField(
        choices=[
            ("created", "Created and sent to review"),
            ("saved", "Saved (not yet public, or a change that needs no review)"),
            ("review", "A change of the live role, waiting for review"),
            ("submitted", "Saved and sent to review again"),
            ("unchanged", "Nothing had changed"),
        ],
        help_text="What this request did.",
    )

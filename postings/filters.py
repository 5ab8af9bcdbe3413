"""The job-search query string: what each parameter means, and what a bad value does.

Every parameter is validated on its own. A bad value (an unknown skill, `salary_min=abc`, a
5,000-character `q`) is dropped with a notice the page shows, and the rest still applies.
"""

from __future__ import annotations

from collections.abc import Container
from datetime import timedelta

import django_filters
from django import forms
from django.contrib.postgres.search import SearchQuery
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils import timezone

from postings.models import (
    Company,
    EmploymentType,
    Posting,
    RoleFamily,
    Seniority,
    Workplace,
    remote_codes_for,
)
from salaries.geography import COUNTRY_NAMES
from skills.services import SkillIndex

MAX_QUERY_LENGTH = 200
POSTED_WITHIN = [(1, "Last 24 hours"), (3, "Last 3 days"), (7, "Last week"), (30, "Last month")]
MATCH_CHOICES = [("any", "any of them"), ("all", "all of them")]
SORT_CHOICES = [("newest", "Newest"), ("relevance", "Relevance"), ("salary", "Highest pay")]


class _SkillSlugsField(forms.MultipleChoiceField):
    """Skill slugs, checked against the skill index (set per request) rather than a list of
    choices: every filter instance would copy and normalize the 500 of them."""

    known: Container[str] = ()

    def valid_value(self, value: str) -> bool:
        return value in self.known


class _SkillsFilter(django_filters.MultipleChoiceFilter):
    field_class = _SkillSlugsField


class PostingFilter(django_filters.FilterSet):
    # distinct=False throughout: no filter joins, and DISTINCT would merge postings with the
    # same facet values inside the facet-count subqueries.
    q = django_filters.CharFilter(
        method="filter_q",
        label="Search",
        max_length=MAX_QUERY_LENGTH,
        help_text='Words in the title, company or description. "exact phrase", -exclude, or.',
    )
    skills = _SkillsFilter(distinct=False, method="filter_skills", label="Skills")
    match = django_filters.ChoiceFilter(
        method="filter_noop", label="Match", choices=MATCH_CHOICES, empty_label=None
    )
    level = django_filters.MultipleChoiceFilter(
        distinct=False, field_name="seniority", label="Level", choices=Seniority.choices
    )
    role = django_filters.MultipleChoiceFilter(
        distinct=False, field_name="role_family", label="Role", choices=RoleFamily.choices
    )
    workplace = django_filters.MultipleChoiceFilter(
        distinct=False, label="Workplace", choices=Workplace.choices
    )
    type = django_filters.MultipleChoiceFilter(
        distinct=False,
        field_name="employment_type",
        label="Employment",
        choices=EmploymentType.choices,
    )
    country = django_filters.CharFilter(method="filter_country", label="Country", max_length=2)
    location = django_filters.CharFilter(method="filter_location", label="City", max_length=100)
    visa = django_filters.ChoiceFilter(
        method="filter_visa", label="Visa sponsorship", choices=[("1", "Offers visa sponsorship")]
    )
    posted_within = django_filters.TypedChoiceFilter(
        method="filter_posted_within",
        label="Posted",
        choices=POSTED_WITHIN,
        coerce=int,
    )
    company = django_filters.CharFilter(method="filter_company", label="Company", max_length=200)
    salary_min = django_filters.NumberFilter(
        field_name="pay_max_usd",
        lookup_expr="gte",
        label="Minimum pay (USD a year)",
        min_value=0,
        max_value=10_000_000,
    )

    class Meta:
        model = Posting
        fields: list[str] = []

    def __init__(self, *args, skills: SkillIndex, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.skill_index = skills
        self.form.fields["skills"].known = skills.by_slug
        self.form.fields["q"].error_messages["max_length"] = (
            f"The search text is longer than {MAX_QUERY_LENGTH} characters."
        )

    def qs_without(self, *names: str) -> QuerySet:
        """The results of this (validated) filter without the filters `names`: what
        FilterSet.filter_queryset does, minus those, at no cost of a second form."""
        queryset = self.queryset.all()
        for name, value in self.form.cleaned_data.items():
            if name not in names:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def filter_noop(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        query = SearchQuery(value, search_type="websearch", config="english")
        return queryset.filter(Q(search_vector=query) | Q(company_id__in=self._companies(value)))

    def _companies(self, value: str) -> list[int]:
        # Kept per instance: qs and qs_without both filter on q, with one lookup.
        if getattr(self, "_company_ids", None) is None:
            found = Company.objects.filter(name__icontains=value).values_list("id", flat=True)
            self._company_ids = list(found[:50])
        return self._company_ids

    def filter_skills(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        groups = [self.skill_index.with_descendants(slug) for slug in value]
        if self.form.cleaned_data.get("match") == "all":
            for group in groups:
                queryset = queryset.filter(skill_ids__overlap=group)
            return queryset
        return queryset.filter(skill_ids__overlap=sorted({s for g in groups for s in g}))

    def filter_country(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(
            Q(country=value) & ~Q(workplace=Workplace.REMOTE)
            | Q(workplace=Workplace.REMOTE, remote_regions__overlap=remote_codes_for(value))
        )

    def filter_location(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(city__icontains=value.strip()) if value.strip() else queryset

    def filter_visa(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(visa_sponsorship=True)

    def filter_posted_within(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        return queryset.filter(published_at__gte=timezone.now() - timedelta(days=value))

    def filter_company(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(company__slug=value)


# What a bad value of each parameter is called in the notice the page shows.
PARAM_LABELS = {
    "q": "search text",
    "skills": "skill",
    "match": "match",
    "level": "level",
    "role": "role",
    "workplace": "workplace",
    "type": "employment type",
    "country": "country",
    "location": "city",
    "visa": "visa",
    "posted_within": "posted within",
    "company": "company",
    "salary_min": "minimum pay",
    "sort": "sort order",
    "page": "page",
}


def validate_params(
    data: QueryDict, *, skills: SkillIndex, errors: dict[str, list[str]] | None = None
) -> tuple[QueryDict, list[str], PostingFilter]:
    """Drop each bad parameter value from `data`; return what is left, a notice for each
    dropped value in words a seeker understands, and the filter of what is left.

    The page shows the notices and searches with the rest. The API (postings.api) answers
    400 instead: it passes `errors`, which gets the same findings per parameter name.
    """
    clean = data.copy()
    notices: list[str] = []
    found = errors if errors is not None else {}
    wanted = clean.getlist("skills")
    unknown = [s for s in wanted if s not in skills.by_slug]
    if unknown:
        clean.setlist("skills", [s for s in wanted if s in skills.by_slug])
        notices += [f"Ignored the skill “{s[:60]}”: it is not one we know." for s in unknown]
        found["skills"] = [f"“{s[:60]}” is not a skill we know." for s in unknown]
    country = clean.get("country", "").strip().upper()
    if country:
        if country in COUNTRY_NAMES:
            clean["country"] = country
        else:
            clean.pop("country")
            notices.append(f"Ignored the country “{country[:20]}”: use a two-letter ISO code.")
            found["country"] = [f"“{country[:20]}” is not a two-letter ISO country code."]
    checked = PostingFilter(clean, queryset=Posting.objects.visible(), skills=skills)
    if not checked.form.is_valid():
        for name, messages in checked.form.errors.items():
            clean.pop(name, None)
            label = PARAM_LABELS.get(name, name)
            notices.append(f"Ignored the {label}: {messages[0].rstrip('.')}.")
            found.setdefault(name, []).extend(messages)
        checked = PostingFilter(clean, queryset=Posting.objects.visible(), skills=skills)
    return clean, notices, checked


class SortPageForm(forms.Form):
    sort = forms.ChoiceField(choices=SORT_CHOICES, required=False)
    page = forms.IntegerField(min_value=1, required=False)

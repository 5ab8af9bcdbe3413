"""The job-search query string: what each parameter means, and what a bad value does.

The one definition of "which roles match these filters", for every door: the search page,
the API, feeds and alerts call `parse_search` and get the validated parameters, the notices,
the FilterSet and `ParsedSearch.postings()` (the matching visible postings in the chosen
order, plain ORM). The page adds counts and facets on top (postings.search).

Every parameter is validated on its own. A bad value (an unknown skill, `salary_min=abc`, a
5,000-character `q`) is dropped with a notice the page shows, and the rest still applies.
What a seeker types is read kindly: a skill's name or alias in "Another skill", a country's
name, a text word that is also a skill ("k8s" finds roles tagged Kubernetes too).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container
from dataclasses import dataclass, field
from datetime import timedelta

import django_filters
from django import forms
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import Case, F, FloatField, Q, QuerySet, Value, When
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
from salaries.geography import COUNTRY_NAMES, country_from_text, country_suggestion
from skills.extraction import normalize
from skills.services import SkillIndex, SkillRef

MAX_QUERY_LENGTH = 200
# No result set is paged further than this (search.COUNT_CAP / search.PAGE_SIZE): a larger
# page number is read as "the last page", so no value reaches PostgreSQL out of range.
MAX_PAGE = 500
POSTED_WITHIN = [(1, "Last 24 hours"), (3, "Last 3 days"), (7, "Last week"), (30, "Last month")]
MATCH_CHOICES = [("any", "any of them"), ("all", "all of them")]
SORT_CHOICES = [("newest", "Newest"), ("relevance", "Relevance"), ("salary", "Highest pay")]
# A city of fewer letters than a trigram is compared whole: `LIKE '%ny%'` cannot use the
# trigram index and would read every posting.
_SHORTEST_CITY_PART = 3


_COUNTRY_CHOICES = sorted(COUNTRY_NAMES.items())


def _countries() -> list[tuple[str, str]]:
    return _COUNTRY_CHOICES


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
    # Codes only here: parse_search turns names ("Germany", "UK") into codes first.
    # A callable: a form copies its fields' choices for each instance, and these are 250.
    country = django_filters.ChoiceFilter(
        method="filter_country", label="Country", choices=_countries
    )
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
        return queryset.filter(text_condition(value, self.skill_index, self.companies_named(value)))

    def companies_named(self, value: str) -> list[int]:
        """companies_named(value), kept per instance: qs, qs_without and the search index's
        query all filter on q, with one lookup."""
        if getattr(self, "_company_ids", None) is None:
            self._company_ids = companies_named(value)
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
        value = value.strip()
        if not value:
            return queryset
        if len(value) < _SHORTEST_CITY_PART:
            return queryset.filter(city__iexact=value)
        return queryset.filter(city__icontains=value)

    def filter_visa(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(visa_sponsorship=True)

    def filter_posted_within(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        return queryset.filter(published_at__gte=timezone.now() - timedelta(days=value))

    def filter_company(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(company__slug=value)


# ---------------------------------------------------------------------------------------------
# Text that is also a skill
# ---------------------------------------------------------------------------------------------

# websearch syntax a seeker may use: "phrases", -exclusions and `or`. A text using any of it
# is searched as written; plain words are also looked up as skills.
_OPERATORS = re.compile(r'"|(^|\s)-|(^|\s)or(\s|$)', re.IGNORECASE)
_LONGEST_ALIAS_WORDS = 4


@dataclass(frozen=True)
class SkillWord:
    """Words of a text search that name a skill: they also find postings tagged with it."""

    text: str
    skill: SkillRef


def skill_words(text: str, skills: SkillIndex) -> tuple[list[SkillWord], str]:
    """The runs of words in `text` that are a skill's name or alias, longest first, and the
    words left over. Aliases that mean a skill only near technical words ("R", "Go") and
    texts written with search operators are left as text."""
    if uses_operators(text):
        return [], text
    words = text.split()
    found, rest, i = [], [], 0
    while i < len(words):
        for n in range(min(_LONGEST_ALIAS_WORDS, len(words) - i), 0, -1):
            phrase = " ".join(words[i : i + n])
            key = normalize(phrase)
            if key in skills.plain_keys:
                ref = skills.by_id.get(skills.by_key[key])
                if ref is not None and ref.is_active:
                    found.append(SkillWord(phrase, ref))
                    i += n
                    break
        else:
            rest.append(words[i])
            i += 1
    return found, " ".join(rest)


def uses_operators(text: str) -> bool:
    """Whether a text search is written with websearch syntax (and so searched as written)."""
    return bool(_OPERATORS.search(text))


def companies_named(text: str) -> list[int]:
    """Companies whose name contains the whole text: a text search also finds their roles."""
    return list(Company.objects.filter(name__icontains=text).values_list("id", flat=True)[:50])


def _words_query(text: str) -> SearchQuery:
    return SearchQuery(text, search_type="websearch", config="english")


def text_condition(text: str, skills: SkillIndex, company_ids: list[int]) -> Q:
    """Postings matching a text search: every word in the title or description (a word that
    names a skill may instead be a tag of that skill or of one below it), or the whole text
    in the company's name."""
    found, rest = skill_words(text, skills)
    if not found:
        words = Q(search_vector=_words_query(text))
    else:
        words = Q(search_vector=_words_query(rest)) if rest else Q()
        for word in found:
            words &= Q(search_vector=_words_query(word.text)) | Q(
                skill_ids__overlap=skills.with_descendants(word.skill.slug)
            )
    return words | Q(company_id__in=company_ids) if company_ids else words


def relevance(text: str, skills: SkillIndex) -> SearchRank:
    """How well a posting matches a text search: PostgreSQL's rank of the words (the title
    weighs most), plus a little for each skill the text names that the posting is tagged
    with, so a role tagged Kubernetes ranks for "k8s" even if it says "Kubernetes"."""
    rank = SearchRank(F("search_vector"), _words_query(text))
    for word in skill_words(text, skills)[0]:
        tagged = Q(skill_ids__overlap=skills.with_descendants(word.skill.slug))
        rank = rank + Case(
            When(tagged, then=Value(0.1)), default=Value(0.0), output_field=FloatField()
        )
    return rank


# ---------------------------------------------------------------------------------------------
# Validation: the query string as a seeker sends it
# ---------------------------------------------------------------------------------------------

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


class SortPageForm(forms.Form):
    sort = forms.ChoiceField(choices=SORT_CHOICES, required=False)
    page = forms.IntegerField(min_value=1, required=False)


@dataclass
class Suggestion:
    """A change the page offers as a link: "Did you mean PyTorch?"."""

    text: str
    params: QueryDict
    count: int | None = None  # how many roles it finds, when known
    estimated: bool = False

    @property
    def query(self) -> str:
        params = self.params.copy()
        params.pop("page", None)
        return params.urlencode()


@dataclass
class ParsedSearch:
    """A validated search, the same for every door (page, API, feed, alert)."""

    params: QueryDict  # what is kept: skill names as slugs, country names as codes
    notices: list[str]  # one for each value dropped, in words a seeker understands
    filter: PostingFilter
    sort: str
    page: int
    skills: SkillIndex
    suggestions: list[Suggestion] = field(default_factory=list)
    # Words of the text search that also found postings tagged with a skill.
    skill_words: list[SkillWord] = field(default_factory=list)
    # The same findings as the notices, per filter parameter, for a door that refuses a bad
    # value instead of ignoring it (the API answers 400 with them).
    errors: dict[str, list[str]] = field(default_factory=dict)
    # What a door works out from this search once, however often it asks: postings.search
    # keeps the search index's form of it here (the API asks for a count and a page).
    worked_out: dict[str, object] = field(default_factory=dict, repr=False, compare=False)

    @property
    def text(self) -> str:
        return self.params.get("q", "").strip()

    def postings(self) -> QuerySet:
        """Every visible posting matching the search, in its order: for doors that page by
        themselves (an API, a feed). The page ranks relevance among the newest matches only
        (postings.search); here it ranks every match."""
        queryset = self.filter.qs
        if self.sort == "salary":
            return queryset.order_by(F("pay_max_usd").desc(nulls_last=True), "-id")
        if self.sort == "relevance":
            return queryset.annotate(rank=relevance(self.text, self.skills)).order_by(
                "-rank", "-published_at", "-id"
            )
        return queryset.order_by("-published_at", "-id")


def quoted(text: str, limit: int = 60) -> str:
    """What a seeker typed, as a message quotes it back: its first `limit` characters,
    without control characters (a NUL or an escape is not to be echoed into a page)."""
    return "".join(c for c in text.strip() if unicodedata.category(c) != "Cc")[:limit]


def parse_search(data: QueryDict, *, skills: SkillIndex) -> ParsedSearch:
    """Drop each bad parameter value from `data`, with a notice (and a suggestion where one
    is near), and build the filter of what is left."""
    clean = data.copy()
    notices: list[str] = []
    suggestions: list[Suggestion] = []
    errors: dict[str, list[str]] = {}
    _read_skills(clean, skills, notices, suggestions, errors)
    _read_country(clean, notices, suggestions, errors)
    checked = PostingFilter(clean, queryset=Posting.objects.visible(), skills=skills)
    if not checked.form.is_valid():
        for name, messages in checked.form.errors.items():
            clean.pop(name, None)
            notices.append(_ignored(name, messages))
            errors.setdefault(name, []).extend(messages)
        checked = PostingFilter(clean, queryset=Posting.objects.visible(), skills=skills)
        # Validated too: the search index's query reads its cleaned_data directly (unread,
        # any bad value, "salary_min=abc" or a NUL in the text, was a 500 once indexed).
        checked.form.is_valid()
    sort_page = SortPageForm(clean)
    sort_page.is_valid()
    for name, messages in sort_page.errors.items():
        notices.append(_ignored(name, messages))
        clean.pop(name, None)
    text = clean.get("q", "").strip()
    sort = sort_page.cleaned_data.get("sort") or ("relevance" if text else "newest")
    if sort == "relevance" and not text:
        sort = "newest"
    page = min(sort_page.cleaned_data.get("page") or 1, MAX_PAGE)
    return ParsedSearch(
        params=clean,
        notices=notices,
        filter=checked,
        sort=sort,
        page=page,
        skills=skills,
        suggestions=suggestions,
        skill_words=skill_words(text, skills)[0] if text else [],
        errors=errors,
    )


def _ignored(name: str, errors: list[str]) -> str:
    return f"Ignored the {PARAM_LABELS.get(name, name)}: {errors[0].rstrip('.')}."


def _read_skills(
    clean: QueryDict,
    skills: SkillIndex,
    notices: list[str],
    suggestions: list[Suggestion],
    errors: dict[str, list[str]],
) -> None:
    """Slugs stay; names and aliases ("PyTorch", "k8s") become slugs; empty values (the
    "Another skill" box left empty) are dropped silently; others with a notice."""
    kept: list[str] = []
    for value in clean.getlist("skills"):
        if not value.strip():
            continue
        ref = skills.resolve(value.strip())
        if ref is not None:
            if ref.slug not in kept:
                kept.append(ref.slug)
            continue
        shown = quoted(value)
        near = skills.suggest(value)
        guess = f" Did you mean {near[0].name}?" if near else ""
        errors.setdefault("skills", []).append(f"“{shown}” is not a skill we know.{guess}")
        if near:
            notices.append(f"Ignored the skill “{shown}”: it is not one we know.{guess}")
            changed = clean.copy()
            changed.setlist(
                "skills",
                [near[0].slug if v == value else v for v in clean.getlist("skills") if v.strip()],
            )
            suggestions.append(Suggestion(f"Search for {near[0].name}", changed))
        else:
            notices.append(f"Ignored the skill “{shown}”: it is not one we know.")
    if "skills" in clean:
        clean.setlist("skills", kept)
        if not kept:
            del clean["skills"]


def _read_country(
    clean: QueryDict,
    notices: list[str],
    suggestions: list[Suggestion],
    errors: dict[str, list[str]],
) -> None:
    text = clean.get("country", "").strip()
    if not text:
        clean.pop("country", None)
        return
    code = country_from_text(text)
    if code is not None:
        clean["country"] = code
        return
    clean.pop("country")
    near = country_suggestion(text)
    guess = f" Did you mean {COUNTRY_NAMES[near]}?" if near else ""
    shown = quoted(text, 40)
    errors["country"] = [f"“{shown}” is not a country we know.{guess}"]
    if near:
        notices.append(
            f"Ignored the country “{shown}”: it is not one we know. "
            f"Did you mean {COUNTRY_NAMES[near]}?"
        )
        changed = clean.copy()
        changed["country"] = near
        suggestions.append(Suggestion(f"Search in {COUNTRY_NAMES[near]}", changed))
    else:
        notices.append(f"Ignored the country “{shown}”: it is not one we know.")

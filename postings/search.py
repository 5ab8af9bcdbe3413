"""Running a job search: results, an honest count, facet counts and pages.

Costs are bounded whatever the query: the count stops at COUNT_CAP ("10,000+"), pages stop
where the count does, relevance ranks only the RANK_CANDIDATES newest matches, and facet
counts over a result set too broad to count exactly come from a sample of the table and are
marked as estimates. The number of queries does not depend on the size of the result.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.cache import cache
from django.db import connection
from django.db.models import F, QuerySet
from django.http import QueryDict

from postings.filters import (
    PARAM_LABELS,
    PostingFilter,
    SortPageForm,
    validate_params,
)
from postings.models import EmploymentType, Posting, RoleFamily, Seniority, Workplace
from skills.services import SkillIndex, skill_index

PAGE_SIZE = 20
COUNT_CAP = 10_000
RANK_CANDIDATES = 500
TOP_SKILLS = 30
# A facet sample reads about this many rows of the posting table.
SAMPLE_ROWS = 10_000
# The unfiltered page's count and facets are the same for everyone: kept this long.
UNFILTERED_TTL = 60
_UNFILTERED_KEY = "search:unfiltered:v1:{}"

# Facets over plain columns: (query parameter, column, choices).
COLUMN_FACETS = [
    ("level", "seniority", Seniority.choices),
    ("role", "role_family", RoleFamily.choices),
    ("workplace", "workplace", Workplace.choices),
    ("type", "employment_type", EmploymentType.choices),
    ("visa", "visa_sponsorship", [(True, "Offers visa sponsorship")]),
]


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Facet:
    param: str
    label: str
    options: list[FacetOption]
    estimated: bool = False


@dataclass
class SearchResult:
    params: QueryDict
    postings: list[Posting]
    count: int
    count_capped: bool
    page: int
    last_page: int
    sort: str
    facets: list[Facet]
    skill_facet: Facet
    skills: SkillIndex
    notices: list[str] = field(default_factory=list)
    left_out_without_pay: int | None = None
    left_out_estimated: bool = False

    @property
    def has_next(self) -> bool:
        return self.page < self.last_page

    @property
    def selected_skills(self) -> list:
        return [self.skills.by_slug[s] for s in self.params.getlist("skills")]


def search_postings(data: QueryDict) -> SearchResult:
    skills = skill_index()
    params, notices = validate_params(data, skills=skills)
    sort_page = SortPageForm(params)
    sort_page.is_valid()
    for name, errors in sort_page.errors.items():
        notices.append(f"Ignored the {PARAM_LABELS[name]}: {errors[0].rstrip('.')}.")
        params.pop(name, None)
    has_q = bool(params.get("q", "").strip())
    sort = sort_page.cleaned_data.get("sort") or ("relevance" if has_q else "newest")
    if sort == "relevance" and not has_q:
        sort = "newest"
    page = sort_page.cleaned_data.get("page") or 1

    postings = _filtered(params, skills)
    # Empty fields and the match/sort/page settings select nothing.
    filtered = any(
        value.strip()
        for name in params
        if name not in {"sort", "page", "match"}
        for value in params.getlist(name)
    )
    summary = None if filtered else cache.get(_UNFILTERED_KEY.format(skills.version))
    if summary is None:
        summary = _summarize(params, skills, postings)
        if not filtered:
            cache.set(_UNFILTERED_KEY.format(skills.version), summary, UNFILTERED_TTL)
    count, capped = summary.count, summary.capped
    limit = RANK_CANDIDATES if sort == "relevance" else count
    last_page = max(1, math.ceil(min(count, limit) / PAGE_SIZE))
    if page > last_page:
        notices.append(f"There are only {last_page} pages of results; showing the last one.")
        page = last_page

    ordered = _ordered(postings, sort, params.get("q", ""), broad=capped)
    start = (page - 1) * PAGE_SIZE
    results = list(ordered.select_related("company")[start : start + PAGE_SIZE])

    return SearchResult(
        params=params,
        postings=results,
        count=count,
        count_capped=capped,
        page=page,
        last_page=last_page,
        sort=sort,
        facets=summary.facets,
        skill_facet=summary.skill_facet,
        skills=skills,
        notices=notices,
        left_out_without_pay=summary.left_out_without_pay,
        left_out_estimated=summary.capped,
    )


@dataclass
class _Summary:
    """What describes the whole result set rather than one page of it."""

    count: int
    capped: bool
    facets: list[Facet]
    skill_facet: Facet
    left_out_without_pay: int | None


def _summarize(params: QueryDict, skills: SkillIndex, postings: QuerySet) -> _Summary:
    count = postings.order_by()[: COUNT_CAP + 1].count()
    capped = count > COUNT_CAP
    # A result set too broad to count is described from a sample of the table.
    percent = _sample_percent() if capped else 100.0
    left_out = None
    if params.get("salary_min"):
        without_pay = _filtered(_without(params, "salary_min"), skills).filter(
            pay_max_usd__isnull=True
        )
        if capped:
            inner, inner_params = _sampled_sql(without_pay, "id", percent)
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT COUNT(*) FROM ({inner}) AS r", inner_params)
                left_out = _scale(cursor.fetchone()[0], True, percent)
        else:
            left_out = without_pay.order_by().count()
    return _Summary(
        count=min(count, COUNT_CAP),
        capped=capped,
        facets=_column_facets(params, skills, postings, percent=percent),
        skill_facet=_skill_facet(params, postings, skills, percent=percent),
        left_out_without_pay=left_out,
    )


def _filtered(params: QueryDict, skills: SkillIndex) -> QuerySet:
    return PostingFilter(params, queryset=Posting.objects.visible(), skills=skills).qs


def _without(params: QueryDict, name: str) -> QueryDict:
    other = params.copy()
    other.pop(name, None)
    return other


def _ordered(postings: QuerySet, sort: str, q: str, *, broad: bool) -> QuerySet:
    if sort == "salary":
        return postings.order_by(F("pay_max_usd").desc(nulls_last=True), "-id")
    if sort == "relevance":
        # Rank only the RANK_CANDIDATES newest matches: ranking every match of a word in half
        # the postings would read all their documents. Among those the title (weight A)
        # counts most. How to find the newest depends on how many match, which the capped
        # count already told: a broad set has them at the head of the newest-first index; a
        # smaller one is fetched whole through the search indexes (no ordering, so the
        # planner cannot choose a long index walk over sparse matches) and cut here.
        query = SearchQuery(q, search_type="websearch", config="english")
        if broad:
            candidates = list(
                postings.order_by("-published_at", "-id").values_list("id", flat=True)[
                    :RANK_CANDIDATES
                ]
            )
        else:
            found = list(postings.order_by().values_list("published_at", "id")[:COUNT_CAP])
            candidates = [i for _, i in sorted(found, reverse=True)[:RANK_CANDIDATES]]
        return (
            Posting.objects.filter(id__in=candidates)
            .annotate(rank=SearchRank(F("search_vector"), query))
            .order_by("-rank", "-published_at", "-id")
        )
    return postings.order_by("-published_at", "-id")


def _sampled_sql(queryset: QuerySet, columns: str, percent: float) -> tuple[str, list]:
    """SQL for `queryset` restricted to a random sample of the posting table's pages.

    TABLESAMPLE reads whole pages, so a 1% sample costs about 1% of a full scan; the ORM
    cannot say it, hence the rewrite of the one FROM clause the query starts with.
    """
    sql, params = queryset.order_by().values(*columns.split(", ")).query.sql_with_params()
    table = '"postings_posting"'
    sampled = sql.replace(
        f"FROM {table}", f"FROM {table} TABLESAMPLE SYSTEM ({percent}) REPEATABLE (42)", 1
    )
    return sampled, list(params)


def _sample_percent() -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'postings_posting'")
        rows = cursor.fetchone()[0] or 0
    return round(min(100.0, max(0.01, SAMPLE_ROWS * 100 / rows)) if rows > 0 else 100.0, 3)


def _scale(count: int, sampled: bool, percent: float) -> int:
    if not sampled:
        return count
    estimate = count * 100 / percent
    return int(float(f"{estimate:.2g}"))  # two significant figures: an estimate says so


def _column_facets(
    params: QueryDict, skills: SkillIndex, postings: QuerySet, *, percent: float
) -> list[Facet]:
    """Counts for every option of every column facet.

    For a facet with options selected, the counts are those of the results without that
    facet's own filter ("mid: 1,200" stays visible while "senior" is selected), as a seeker
    needs to widen a search; every other facet counts the current results.
    """
    groups: dict[str, QuerySet] = {}
    for param, _column, _choices in COLUMN_FACETS:
        groups[param] = (
            _filtered(_without(params, param), skills) if params.getlist(param) else postings
        )
    counts: dict[str, dict] = {}
    sample = percent < 100.0
    # Facets sharing one result set are counted in one scan with GROUPING SETS.
    by_set: dict[int, list[tuple[str, str]]] = {}
    querysets: dict[int, QuerySet] = {}
    for param, column, _choices in COLUMN_FACETS:
        key = id(groups[param])
        by_set.setdefault(key, []).append((param, column))
        querysets[key] = groups[param]
    for key, members in by_set.items():
        columns = ", ".join(column for _, column in members)
        if sample:
            inner, inner_params = _sampled_sql(querysets[key], columns, percent)
        else:
            inner, inner_params = (
                querysets[key].order_by().values(*columns.split(", ")).query.sql_with_params()
            )
        grouping = ", ".join(f"({column})" for _, column in members)
        flags = ", ".join(f"GROUPING({column})" for _, column in members)
        sql = (
            f"SELECT {columns}, {flags}, COUNT(*) FROM ({inner}) AS r "
            f"GROUP BY GROUPING SETS ({grouping})"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, inner_params)
            for row in cursor.fetchall():
                values, grouped, n = row[: len(members)], row[len(members) : -1], row[-1]
                for (param, _), value, flag in zip(members, values, grouped, strict=True):
                    if flag == 0:  # this row is a group of this column
                        counts.setdefault(param, {})[value] = n
    facets = []
    for param, _column, choices in COLUMN_FACETS:
        selected = set(params.getlist(param))
        options = []
        for value, label in choices:
            raw = counts.get(param, {}).get(value, 0)
            as_param = "1" if value is True else str(value)
            count = _scale(raw, sample, percent)
            options.append(FacetOption(as_param, str(label), count, as_param in selected))
        label = PARAM_LABELS[param].capitalize()
        facets.append(Facet(param, label, options, estimated=sample))
    return facets


def _skill_facet(
    params: QueryDict, postings: QuerySet, skills: SkillIndex, *, percent: float
) -> Facet:
    """The TOP_SKILLS skills most asked for in the current results."""
    sample = percent < 100.0
    if sample:
        inner, inner_params = _sampled_sql(postings, "skill_ids", percent)
    else:
        inner, inner_params = postings.order_by().values("skill_ids").query.sql_with_params()
    sql = (
        f"SELECT s, COUNT(*) FROM ({inner}) AS r, unnest(r.skill_ids) AS s "
        f"GROUP BY s ORDER BY COUNT(*) DESC, s LIMIT {TOP_SKILLS}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, inner_params)
        rows = cursor.fetchall()
    selected = set(params.getlist("skills"))
    options = [
        FacetOption(ref.slug, ref.name, _scale(n, sample, percent), ref.slug in selected)
        for skill_id, n in rows
        if (ref := skills.by_id.get(skill_id)) is not None and ref.is_active
    ]
    # Selected skills stay listed even when outside the top, so they can be unticked.
    listed = {o.value for o in options}
    options += [
        FacetOption(slug, skills.by_slug[slug].name, 0, True)
        for slug in params.getlist("skills")
        if slug not in listed
    ]
    return Facet("skills", "Skills", options, estimated=sample)

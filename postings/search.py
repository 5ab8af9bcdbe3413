"""Running a job search: results, an honest count, facet counts and pages.

Costs are bounded whatever the query: the count stops at COUNT_CAP ("10,000+"), pages stop
where the count does, relevance ranks only the RANK_CANDIDATES newest matches, and facet
counts over a result set too broad to count exactly come from a sample of the table and are
marked as estimates. The number of queries does not depend on the size of the result.
"""

from __future__ import annotations

import math
from collections import Counter
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
FACET_COLUMNS = [column for _, column, _ in COLUMN_FACETS]


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
    if _is_filtered(params):
        summary = _summarize(params, skills, postings)
    else:
        summary = _unfiltered_summary(skills)
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
    """Count, facets and the pay-less count of a result set, in as few passes as it allows.

    A countable set (up to COUNT_CAP) is fetched once, its facet columns only, and counted
    here: one run of the filters instead of one per statistic. A broader set is described
    from a sample of the table, marked as an estimate.
    """
    rows = list(postings.order_by().values_list(*FACET_COLUMNS, "skill_ids")[: COUNT_CAP + 1])
    capped = len(rows) > COUNT_CAP
    percent = _sample_percent() if capped else 100.0
    selected = {param for param, _, _ in COLUMN_FACETS if params.getlist(param)}
    if capped:
        raw = _grouped_counts(
            postings,
            [(p, c) for p, c, _ in COLUMN_FACETS if p not in selected],
            percent,
        )
        skill_counts = _sampled_skill_counts(postings, percent)
    else:
        raw = {
            param: Counter(row[i] for row in rows)
            for i, (param, _, _) in enumerate(COLUMN_FACETS)
            if param not in selected
        }
        skill_counts = Counter(s for row in rows for s in row[-1])
    counts = {param: _final(values, percent) for param, values in raw.items()}
    # A selected facet counts the results without its own filter, so its other options
    # show what they would add.
    for param, column, _ in COLUMN_FACETS:
        if param in selected:
            counts[param] = _wider_counts(params, param, column, skills, percent)
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
        count=min(len(rows), COUNT_CAP),
        capped=capped,
        facets=_column_facets(params, counts),
        skill_facet=_skill_facet(params, skills, skill_counts, percent),
        left_out_without_pay=left_out,
    )


def _final(raw: dict, percent: float) -> tuple[dict, bool]:
    """Counts ready to show, and whether they are estimates (scaled up from a sample)."""
    sampled = percent < 100.0
    return {value: _scale(n, sampled, percent) for value, n in raw.items()}, sampled


def _wider_counts(
    params: QueryDict, param: str, column: str, skills: SkillIndex, results_percent: float
) -> tuple[dict, bool]:
    """Counts of `column` over the results without `param`'s filter (see _final).

    With nothing else selected that is every open posting, whose counts the shared
    unfiltered summary already has.
    """
    wider = _without(params, param)
    if not _is_filtered(wider):
        summary = _unfiltered_summary(skills)
        facet = next(f for f in summary.facets if f.param == param)
        return {_from_param(param, o.value): o.count for o in facet.options}, facet.estimated
    postings = _filtered(wider, skills)
    # Fewer filters select at least as much: if the results were too many to count (and
    # so sampled), so is this, and counting it again would only cost a scan.
    percent = results_percent
    if percent == 100.0 and postings.order_by()[: COUNT_CAP + 1].count() > COUNT_CAP:
        percent = _sample_percent()
    return _final(_grouped_counts(postings, [(param, column)], percent).get(param, {}), percent)


def _from_param(param: str, value: str) -> object:
    return value == "1" if param == "visa" else value


def _is_filtered(params: QueryDict) -> bool:
    # Empty fields and the match/sort/page settings select nothing.
    return any(
        value.strip()
        for name in params
        if name not in {"sort", "page", "match"}
        for value in params.getlist(name)
    )


def _unfiltered_summary(skills: SkillIndex) -> _Summary:
    """Count and facets of every open posting: the same for everyone, so shared a minute."""
    key = _UNFILTERED_KEY.format(skills.version)
    summary = cache.get(key)
    if summary is None:
        summary = _summarize(QueryDict(), skills, _filtered(QueryDict(), skills))
        cache.set(key, summary, UNFILTERED_TTL)
    return summary


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


def _grouped_counts(
    postings: QuerySet, members: list[tuple[str, str]], percent: float
) -> dict[str, dict]:
    """Counts per value of each (param, column) in one scan with GROUPING SETS; on a sample
    of the table when `percent` < 100 (raw counts: the caller scales them)."""
    if not members:
        return {}
    columns = ", ".join(column for _, column in members)
    if percent < 100.0:
        inner, inner_params = _sampled_sql(postings, columns, percent)
    else:
        inner, inner_params = (
            postings.order_by().values(*columns.split(", ")).query.sql_with_params()
        )
    grouping = ", ".join(f"({column})" for _, column in members)
    flags = ", ".join(f"GROUPING({column})" for _, column in members)
    sql = (
        f"SELECT {columns}, {flags}, COUNT(*) FROM ({inner}) AS r "
        f"GROUP BY GROUPING SETS ({grouping})"
    )
    counts: dict[str, dict] = {param: {} for param, _ in members}
    with connection.cursor() as cursor:
        cursor.execute(sql, inner_params)
        for row in cursor.fetchall():
            values, grouped, n = row[: len(members)], row[len(members) : -1], row[-1]
            for (param, _), value, flag in zip(members, values, grouped, strict=True):
                if flag == 0:  # this row is a group of this column
                    counts[param][value] = n
    return counts


def _column_facets(params: QueryDict, counts: dict[str, tuple[dict, bool]]) -> list[Facet]:
    """Every option of every column facet, from (final counts, estimated) per facet."""
    facets = []
    for param, _column, choices in COLUMN_FACETS:
        values, estimated = counts.get(param, ({}, False))
        chosen = set(params.getlist(param))
        options = []
        for value, label in choices:
            as_param = "1" if value is True else str(value)
            options.append(
                FacetOption(as_param, str(label), values.get(value, 0), as_param in chosen)
            )
        facets.append(Facet(param, PARAM_LABELS[param].capitalize(), options, estimated))
    return facets


def _sampled_skill_counts(postings: QuerySet, percent: float) -> Counter:
    inner, inner_params = _sampled_sql(postings, "skill_ids", percent)
    sql = f"SELECT s, COUNT(*) FROM ({inner}) AS r, unnest(r.skill_ids) AS s GROUP BY s"
    with connection.cursor() as cursor:
        cursor.execute(sql, inner_params)
        return Counter(dict(cursor.fetchall()))


def _skill_facet(params: QueryDict, skills: SkillIndex, counts: Counter, percent: float) -> Facet:
    """The TOP_SKILLS skills most asked for in the current results."""
    sample = percent < 100.0
    selected = set(params.getlist("skills"))
    top = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    options = [
        FacetOption(ref.slug, ref.name, _scale(n, sample, percent), ref.slug in selected)
        for skill_id, n in top
        if (ref := skills.by_id.get(skill_id)) is not None and ref.is_active
    ][:TOP_SKILLS]
    # Selected skills stay listed even when outside the top, so they can be unticked.
    listed = {o.value for o in options}
    options += [
        FacetOption(slug, skills.by_slug[slug].name, 0, True)
        for slug in params.getlist("skills")
        if slug not in listed
    ]
    return Facet("skills", "Skills", options, estimated=sample)

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
from datetime import UTC, datetime

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.cache import cache
from django.db import connection
from django.db.models import F, QuerySet
from django.http import QueryDict

from postings import models as posting_models
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
# A result set is broad (too many to count) when the sample shows more than COUNT_CAP
# matches by this many standard deviations: a wrong "10,000+" is then about a 1-in-30,000
# chance. Below that the postings are counted.
SURE_SIGMAS = 4
# Skills are counted on about this many of the sampled rows (see _tally).
SKILL_SAMPLE_ROWS = 4_000
# For sort=relevance on a broad result set: the sampled match whose published_at bounds
# the newest RANK_CANDIDATES (12 sampled in 1% predict 1,200: five below it leaves 1 in 200
# short, which is then fetched the slow way).
CUTOFF_RANK = 12
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
        summary = _summarize(params, skills, postings, newest=sort == "relevance")
    else:
        summary = _unfiltered_summary(skills)
    count, capped = summary.count, summary.capped
    limit = RANK_CANDIDATES if sort == "relevance" else count
    last_page = max(1, math.ceil(min(count, limit) / PAGE_SIZE))
    if page > last_page:
        notices.append(f"There are only {last_page} pages of results; showing the last one.")
        page = last_page

    ordered = _ordered(postings, sort, params.get("q", ""), summary)
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
        left_out_estimated=summary.left_out_estimated,
    )


@dataclass
class _Summary:
    """What describes the whole result set rather than one page of it."""

    count: int
    capped: bool
    facets: list[Facet]
    skill_facet: Facet
    left_out_without_pay: int | None
    left_out_estimated: bool = False
    # For sort=relevance: the ids of the newest matches when they were all counted, or a
    # published_at the newest RANK_CANDIDATES matches very probably all reach.
    newest_ids: list[int] | None = None
    newest_cutoff: datetime | None = None


def _summarize(
    params: QueryDict, skills: SkillIndex, postings: QuerySet, *, newest: bool = False
) -> _Summary:
    """Count, facets and the pay-less count of a result set.

    Each is one statement (see _describe): the result set is counted exactly when it has at
    most COUNT_CAP postings, and described from the 1% sample otherwise.
    """
    selected = {param for param, _, _ in COLUMN_FACETS if params.getlist(param)}
    members = [(p, c) for p, c, _ in COLUMN_FACETS if p not in selected]
    described = _describe(postings, members, skills=True, newest=newest)
    counts = {param: (values, described.sampled) for param, values in described.columns.items()}
    # A selected facet counts the results without its own filter, so its other options
    # show what they would add.
    for param, column, _ in COLUMN_FACETS:
        if param in selected:
            counts[param] = _wider_counts(params, param, column, skills)
    left_out, left_out_estimated = None, False
    if params.get("salary_min"):
        without_pay = _filtered(_without(params, "salary_min"), skills).filter(
            pay_max_usd__isnull=True
        )
        pay_less = _describe(without_pay, [], skills=False)
        left_out, left_out_estimated = pay_less.count, pay_less.sampled
    return _Summary(
        count=described.count,
        capped=described.sampled,
        facets=_column_facets(params, counts),
        skill_facet=_skill_facet(params, skills, described.skills, described.sampled),
        left_out_without_pay=left_out,
        left_out_estimated=left_out_estimated,
        newest_ids=described.newest_ids,
        newest_cutoff=described.newest_cutoff,
    )


@dataclass
class _Description:
    """Counts of a result set: exact, or estimated from the sample when `sampled`."""

    count: int
    sampled: bool
    columns: dict[str, dict]
    skills: Counter
    newest_ids: list[int] | None = None
    newest_cutoff: datetime | None = None


def _describe(
    postings: QuerySet, members: list[tuple[str, str]], *, skills: bool, newest: bool = False
) -> _Description:
    """Count `postings` and the values of each (param, column) in `members` (and of their
    skills), exactly when there are at most COUNT_CAP of them, else estimated.

    The sample is tallied first: through its partial indexes that costs a few milliseconds
    whatever the filters. When it shows, beyond SURE_SIGMAS standard deviations, more
    than COUNT_CAP matches, the exact count is never attempted: finding 10,001 matches of
    a broad filter is what used to cost hundreds of milliseconds. Otherwise the postings
    are counted exactly, up to COUNT_CAP + 1, and only if there are more than that is the
    sample used after all.
    """
    sample = _tally(
        postings.in_sample(), members, skills=skills, newest=CUTOFF_RANK if newest else 0
    )
    hits = sample.total
    if hits - SURE_SIGMAS * math.sqrt(hits) <= COUNT_CAP / posting_models.SAMPLE_EVERY:
        exact = _tally(
            postings, members, skills=skills, limit=COUNT_CAP + 1,
            newest=RANK_CANDIDATES if newest else 0,
        )  # fmt: skip
        if exact.total <= COUNT_CAP:
            return _Description(
                count=exact.total,
                sampled=False,
                columns=exact.columns,
                skills=exact.skills,
                newest_ids=exact.newest_ids if newest else None,
            )
    every = posting_models.SAMPLE_EVERY
    return _Description(
        count=COUNT_CAP,
        sampled=True,
        columns={
            param: {value: _estimate(n * every) for value, n in values.items()}
            for param, values in sample.columns.items()
        },
        skills=Counter(
            {s: _estimate(n * every * sample.skill_every) for s, n in sample.skills.items()}
        ),
        newest_cutoff=sample.newest_cutoff,
    )


@dataclass
class _Tally:
    total: int
    columns: dict[str, dict]
    skills: Counter
    skill_every: int = 1
    newest_ids: list[int] = field(default_factory=list)
    newest_cutoff: datetime | None = None


def _tally(
    postings: QuerySet,
    members: list[tuple[str, str]],
    *,
    skills: bool,
    limit: int | None = None,
    newest: int = 0,
) -> _Tally:
    """One statement over the rows of `postings` (at most `limit` of them): their number,
    the count of each value of each member column and of each skill, and their newest.

    Without a limit (the sample) skills are counted on every k-th row only, k chosen so
    that about SKILL_SAMPLE_ROWS rows are unnested: enough for estimates given to two
    significant figures, and a bound on the cost. With a limit, `newest` asks for the ids
    of the newest rows; without, for the published_at of the `newest`-th newest row.
    """
    fields = ["id", "published_at", *(column for _, column in members)]
    rows = postings.order_by().values(*fields, *(["skill_ids"] if skills else []))
    inner, params = (rows[:limit] if limit else rows).query.sql_with_params()
    parts, args = ["SELECT 'n', NULL, count(*) FROM r"], []
    for param, column in members:
        parts.append(f"SELECT %s, {column}::text, count(*) FROM r GROUP BY 2")
        args.append(param)
    every = "1"
    if skills and not limit:
        every = f"(SELECT greatest(1, ceil(count(*) / {SKILL_SAMPLE_ROWS:.1f}))::int FROM r)"
        parts.append(f"SELECT 'k', NULL, {every}")
        where = f"WHERE MOD(id, %s * {every}) = 0"
        args.append(posting_models.SAMPLE_EVERY)
    if skills:
        # Grouped by the integer, then named as text: hashing text is the slower half.
        parts.append(
            "SELECT 's', s::text, n FROM (SELECT s, count(*) AS n FROM (SELECT "
            f"unnest(skill_ids) AS s FROM r {where if not limit else ''}) AS u GROUP BY s) AS g"
        )
    if newest and limit:
        parts.append(
            "SELECT 'i', NULL, id FROM (SELECT id FROM r "
            "ORDER BY published_at DESC, id DESC LIMIT %s) AS i"
        )
        args.append(newest)
    elif newest:
        parts.append(
            "SELECT 'c', NULL, (extract(epoch FROM published_at) * 1000000)::bigint FROM r "
            "ORDER BY published_at DESC, id DESC OFFSET %s LIMIT 1"
        )
        args.append(newest - 1)
    sql = f"WITH r AS MATERIALIZED ({inner}) " + " UNION ALL ".join(f"({p})" for p in parts)
    tally = _Tally(total=0, columns={param: {} for param, _ in members}, skills=Counter())
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *args])
        for kind, value, n in cursor.fetchall():
            if kind == "n":
                tally.total = n
            elif kind == "k":
                tally.skill_every = n
            elif kind == "s":
                tally.skills[int(value)] = n
            elif kind == "i":
                tally.newest_ids.append(n)
            elif kind == "c":
                tally.newest_cutoff = datetime.fromtimestamp(n / 1e6, tz=UTC)
            else:
                tally.columns[kind][_from_text(kind, value)] = n
    return tally


def _from_text(param: str, value: str) -> object:
    return value == "true" if param == "visa" else value


def _wider_counts(
    params: QueryDict, param: str, column: str, skills: SkillIndex
) -> tuple[dict, bool]:
    """Counts of `column` over the results without `param`'s filter, and whether they are
    estimates.

    With nothing else selected that is every open posting, whose counts the shared
    unfiltered summary already has.
    """
    wider = _without(params, param)
    if not _is_filtered(wider):
        summary = _unfiltered_summary(skills)
        facet = next(f for f in summary.facets if f.param == param)
        return {_from_param(param, o.value): o.count for o in facet.options}, facet.estimated
    described = _describe(_filtered(wider, skills), [(param, column)], skills=False)
    return described.columns[param], described.sampled


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


def _ordered(postings: QuerySet, sort: str, q: str, summary: _Summary) -> QuerySet:
    if sort == "salary":
        return postings.order_by(F("pay_max_usd").desc(nulls_last=True), "-id")
    if sort == "relevance":
        # Rank only the RANK_CANDIDATES newest matches: ranking every match of a word in half
        # the postings would read all their documents. Among those the title (weight A)
        # counts most.
        query = SearchQuery(q, search_type="websearch", config="english")
        return (
            Posting.objects.filter(id__in=_newest_ids(postings, summary))
            .annotate(rank=SearchRank(F("search_vector"), query))
            .order_by("-rank", "-published_at", "-id")
        )
    return postings.order_by("-published_at", "-id")


def _newest_ids(postings: QuerySet, summary: _Summary) -> list[int]:
    """The ids of the RANK_CANDIDATES newest results.

    A counted result set came with them. For a broad one the sample gave a published_at
    that the newest candidates very probably all reach: asking for matches since then lets
    PostgreSQL intersect the search index with the date index instead of walking the date
    index and reading the document of every posting on the way. If fewer than
    RANK_CANDIDATES are that new (improbable), the walk is done after all.
    """
    if summary.newest_ids is not None:
        return summary.newest_ids
    newest = postings.order_by("-published_at", "-id").values_list("id", flat=True)
    if summary.newest_cutoff is not None:
        ids = list(newest.filter(published_at__gte=summary.newest_cutoff)[:RANK_CANDIDATES])
        if len(ids) == RANK_CANDIDATES:
            return ids
    return list(newest[:RANK_CANDIDATES])


def _estimate(count: float) -> int:
    return int(float(f"{count:.2g}"))  # two significant figures: an estimate says so


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


def _skill_facet(params: QueryDict, skills: SkillIndex, counts: Counter, sample: bool) -> Facet:
    """The TOP_SKILLS skills most asked for in the current results."""
    selected = set(params.getlist("skills"))
    top = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    options = [
        FacetOption(ref.slug, ref.name, n, ref.slug in selected)
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

"""Running a job search: results, an honest count, facet counts and pages.

Costs are bounded whatever the query: the count stops at COUNT_CAP ("10,000+"), pages stop
where the count does, relevance ranks only the RANK_CANDIDATES newest matches, and the
counts of any set of more than COUNT_CAP postings are estimates from a fixed 1% sample of
the postings (postings.models.SAMPLE_EVERY), marked as such.

Two engines give the same answers (tests/postings/test_search_engine.py): the search index
(postings.engine), whenever one is built, and PostgreSQL alone, before that. PostgreSQL
cannot keep "filters selective together but not alone, with a sort" fast at a million
postings (each such search walks an index past every posting that fails the filters); the
index intersects its lists instead. PostgreSQL still ranks by relevance (ts_rank) and reads
the page's rows.
"""

from __future__ import annotations

import functools
import math
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.core.cache import cache
from django.db import connection
from django.db.models import F, QuerySet
from django.http import QueryDict
from django.utils import timezone
from rapidfuzz import fuzz, process

from postings.engine import index as engine_index
from postings.engine import passes
from postings.engine import query as engine
from postings.filters import (
    PARAM_LABELS,
    POSTED_WITHIN,
    ParsedSearch,
    PostingFilter,
    SkillWord,
    Suggestion,
    parse_search,
    relevance,
)
from postings.models import EmploymentType, Posting, RoleFamily, Seniority, Status, Workplace
from postings.models import postings as posting_models
from skills.services import SkillIndex, skill_index

PAGE_SIZE = 20
COUNT_CAP = 10_000
RANK_CANDIDATES = 500
TOP_SKILLS = 30
# A result set is broad (too many to count) when the sample shows more than COUNT_CAP
# matches by this many standard deviations: a wrong "10,000+" is then about a 1-in-30,000
# chance. Below that the postings are counted.
SURE_SIGMAS = posting_models.SURE_SIGMAS
# Skills are counted on about this many of the sampled rows (see _tally).
SKILL_SAMPLE_ROWS = 4_000
# For sort=relevance on a broad result set: the sampled match whose published_at bounds
# the newest RANK_CANDIDATES (12 sampled in 1% predict 1,200: five below it leaves 1 in 200
# short, which is then fetched the slow way).
CUTOFF_RANK = 12
# The unfiltered page's count and facets are the same for everyone: kept this long.
UNFILTERED_TTL = 60
_UNFILTERED_KEY = "search:unfiltered:v2:{}"
# A page of a broad result set is found by walking the sort key's index when that passes at
# most this many postings (see _walk_is_short), else from a range the sample gives.
WALK_ROWS = 20_000
WALK_ROWS_WITH_TEXT = 2_000

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
    posted_facet: Facet
    skills: SkillIndex
    notices: list[str] = field(default_factory=list)
    left_out_without_pay: int | None = None
    left_out_estimated: bool = False
    # Links to nearby searches: a spelling fixed, or (with no results) a filter dropped.
    suggestions: list[Suggestion] = field(default_factory=list)
    skill_words: list[SkillWord] = field(default_factory=list)
    default_sort: str = "newest"

    @property
    def has_next(self) -> bool:
        return self.page < self.last_page


def search_postings(data: QueryDict) -> SearchResult:
    skills = skill_index()
    parsed = parse_search(data, skills=skills)
    params, notices, checked = parsed.params, parsed.notices, parsed.filter
    sort, page = parsed.sort, parsed.page

    window = _window(sort, page)
    found = _engine(parsed)
    if found is not None:
        summary = _engine_summary(parsed, *found, window)
    elif is_filtered(params):
        summary = _summarize(params, skills, checked, window=window)
    else:
        summary = _unfiltered_summary(skills)
    count, capped = summary.count, summary.capped
    limit = RANK_CANDIDATES if sort == "relevance" else count
    last_page = _pages(min(count, limit))
    if page > last_page:
        notices.append(f"There are only {last_page} pages of results; showing the last one.")
        page = last_page

    if summary.ranked is not None and summary.ids_page == page:
        results = summary.ranked
    elif summary.ids is not None and sort != "relevance" and summary.ids_page == page:
        # A counted set came with its page. visible() again: the index may not have seen a
        # posting closed a moment ago.
        results = Posting.objects.visible_listed(summary.ids)
    else:
        results = _page(parsed, summary, page)

    suggestions = list(parsed.suggestions)
    if not results and is_filtered(params):
        suggestions += _nearest_changes(parsed, found)
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
        posted_facet=summary.posted_facet,
        skills=skills,
        notices=notices,
        left_out_without_pay=summary.left_out_without_pay,
        left_out_estimated=summary.left_out_estimated,
        suggestions=suggestions,
        skill_words=parsed.skill_words,
        default_sort="relevance" if parsed.text else "newest",
    )


@dataclass
class _Summary:
    """What describes the whole result set rather than one page of it."""

    count: int
    capped: bool
    facets: list[Facet]
    skill_facet: Facet
    posted_facet: Facet
    left_out_without_pay: int | None
    left_out_estimated: bool = False
    # When the results were counted, the ids the window asked for (see _window), in order:
    # a page of them (ids_page), or for sort=relevance the RANK_CANDIDATES newest.
    ids: list[int] | None = None
    ids_page: int | None = None
    # For sort=relevance from the index: the page ids_page, ranked while the counts were
    # tallied (_engine_summary).
    ranked: list[Posting] | None = None
    # When they were not: a value of the window's order (published_at, or pay for
    # sort=salary) that the rows the window asks for very probably all reach (see
    # _Window.sample_rank), so the page is read from a narrow range instead of a walk.
    cutoff: datetime | int | None = None


def _summarize(
    params: QueryDict, skills: SkillIndex, checked: PostingFilter, *, window: _Window | None = None
) -> _Summary:
    """Count, facets and the pay-less count of a result set, in one or two statements.

    The filters on facet columns and on pay are applied by the statement itself (see
    _conditions) to a wider set without them, so one pass counts the results, each selected
    facet without its own filter (its other options show what they would add) and the
    postings the minimum pay left out. The sample is tallied first: through its partial
    indexes that costs a few milliseconds whatever the filters. When it shows, beyond
    SURE_SIGMAS standard deviations, more than COUNT_CAP results, nothing is counted
    exactly: finding 10,001 matches of a broad filter is what used to cost hundreds of
    milliseconds. Otherwise the wider set is counted exactly if it too has at most COUNT_CAP
    postings, else the results alone are and the wider counts are estimated: a set of more
    than COUNT_CAP postings is described by estimates.
    """
    postings = checked.qs  # validates the form too
    conditions = _conditions(params, checked.form.cleaned_data)
    wide = checked.qs_without(*(c.param for c in conditions))
    members = [(p, c) for p, c, _ in COLUMN_FACETS if not params.getlist(p)]
    sample = _tally(wide.in_sample(), conditions, members, cutoff=window)
    main = wider = None  # exact tallies, when there are any
    if not _surely_over(sample.total, COUNT_CAP):
        # The wider set is only worth reading whole when the sample expects it to fit.
        if sample.wide_total * posting_models.SAMPLE_EVERY <= COUNT_CAP:
            tally = _tally(wide, conditions, members, limit=COUNT_CAP + 1, window=window)
            if tally.wide_total <= COUNT_CAP:
                wider = main = tally
        if wider is None and conditions:
            tally = _tally(postings, [], members, limit=COUNT_CAP + 1, window=window)
            main = tally if tally.total <= COUNT_CAP else None
    unselected = {param for param, _ in members}
    if not params.get("posted_within"):
        unselected.add("posted_within")
    counts = {
        param: _final(values, main is None)
        for param, values in (main or sample).columns.items()
        if param in unselected
    }
    counts |= {
        param: _final(values, wider is None)
        for param, values in (wider or sample).columns.items()
        if param not in unselected
    }
    every = posting_models.SAMPLE_EVERY
    if main is not None:
        skill_counts = main.skills
    else:
        skill_counts = Counter(
            {s: _estimate(n * every * sample.skill_every) for s, n in sample.skills.items()}
        )
    left_out, left_out_estimated = None, False
    if any(c.param == "salary_min" for c in conditions):
        # Counted exactly only with the wider set: counting them apart would read every
        # match of the other filters (a common word: hundreds of thousands).
        if wider is not None:
            left_out = wider.left_out
        else:
            left_out, left_out_estimated = _estimate(sample.left_out * every), True
    posted_counts, posted_estimated = counts.pop("posted_within")
    chosen = params.get("posted_within", "")
    posted_facet = Facet(
        "posted_within",
        PARAM_LABELS["posted_within"].capitalize(),
        [
            FacetOption(str(days), label, posted_counts.get(days, 0), str(days) == chosen)
            for days, label in POSTED_WITHIN
        ],
        posted_estimated,
    )
    return _Summary(
        count=main.total if main is not None else COUNT_CAP,
        capped=main is None,
        facets=_column_facets(params, counts),
        posted_facet=posted_facet,
        skill_facet=_skill_facet(params, skills, skill_counts, main is None),
        left_out_without_pay=left_out,
        left_out_estimated=left_out_estimated,
        ids=main.ids if main is not None and window is not None else None,
        # A page past the last is answered with the last (the statement clamps its offset).
        ids_page=(
            min(window.page, _pages(main.total))
            if main is not None and window is not None and window.page is not None
            else None
        ),
        cutoff=(
            sample.cutoff
            if main is None and not _walk_is_short(sample, window, text=bool(params.get("q")))
            else None
        ),
    )


def _walk_is_short(sample: _Tally, window: _Window | None, *, text: bool) -> bool:
    """Whether walking the sort key's index to the window's last row passes few postings.

    When that is at most WALK_ROWS (fewer with a text search: each row passed reads its
    search document out of line), the walk is the cheapest way (a common word: 40 rows for
    page one); when it is not, the sample's cutoff bounds the rows read instead. The walk
    is measured, not guessed from the results' share: interns are 5% of postings but far
    fewer among the best paid, so "interns by highest pay" walks 300,000 rows.
    """
    if window is None or sample.walk is None:
        return False
    # The sample measured the walk to its cutoff row (beyond the window's last row, with
    # room to spare): not scaled down to the window, as results need not be spread evenly
    # along the walk (the best-paid interns are a thin tail).
    walk = sample.walk * posting_models.SAMPLE_EVERY
    return walk <= (WALK_ROWS_WITH_TEXT if text else WALK_ROWS)


def _surely_over(sampled: int, cap: int) -> bool:
    """Whether `sampled` matches in the sample mean more than `cap` in all, beyond doubt."""
    return sampled - SURE_SIGMAS * math.sqrt(sampled) > cap / posting_models.SAMPLE_EVERY


def _final(values: dict, sampled: bool) -> tuple[dict, bool]:
    """Counts ready to show, and whether they are estimates (scaled up from the sample)."""
    if not sampled:
        return values, False
    every = posting_models.SAMPLE_EVERY
    return {value: _estimate(n * every) for value, n in values.items()}, True


@dataclass(frozen=True)
class _Condition:
    """A filter the tally statement applies itself (see _summarize)."""

    param: str
    sql: str
    args: tuple
    column: str | None = None  # a facet column, counted without this filter (see _tally)


def _conditions(params: QueryDict, cleaned: dict) -> list[_Condition]:
    # The same tests as PostingFilter's for these parameters (`column IN values`,
    # `pay_max_usd >= salary_min`, `published_at >= now - days`);
    # tests/postings/test_search.py holds the two to the same answers.
    conditions = []
    for param, column, _ in COLUMN_FACETS:
        values = params.getlist(param)
        if values:
            typed = [True] if param == "visa" else values
            conditions.append(_Condition(param, f"{column} = ANY(%s)", (typed,), column))
    if cleaned.get("salary_min") is not None:
        minimum = cleaned["salary_min"]
        conditions.append(_Condition("salary_min", "pay_max_usd >= %s", (minimum,)))
    if cleaned.get("posted_within"):
        since = timezone.now() - timedelta(days=cleaned["posted_within"])
        conditions.append(_Condition("posted_within", "published_at >= %s", (since,)))
    return conditions


@dataclass
class _Tally:
    wide_total: int = 0
    total: int = 0
    columns: dict[str, dict] = field(default_factory=dict)
    skills: Counter = field(default_factory=Counter)
    skill_every: int = 1
    left_out: int = 0
    ids: list[int] = field(default_factory=list)
    cutoff: datetime | int | None = None
    walk: int | None = None  # sampled postings a walk to the cutoff would pass


@dataclass(frozen=True)
class _Window:
    """Which ids of the results a counted tally should also return, in `order`."""

    order: str  # SQL over the tally's rows
    columns: tuple[str, ...]  # what `order` reads
    offset: int
    limit: int
    page: int | None  # the page these ids are; None: relevance candidates
    key: str = "published_at"  # the column `order` sorts by first (descending)

    def sample_rank(self) -> int:
        """Which sampled match bounds the rows this window asks for (its last is row
        offset + limit of the results; postings.models.sample_rank). Relevance keeps
        CUTOFF_RANK."""
        if self.page is None:
            return CUTOFF_RANK
        return posting_models.sample_rank(self.offset + self.limit)


_ORDERS = {
    "newest": ("published_at DESC, id DESC", (), "published_at"),
    "salary": ("pay_max_usd DESC NULLS LAST, id DESC", ("pay_max_usd",), "pay_max_usd"),
}


def _window(sort: str, page: int) -> _Window:
    """For relevance, the newest RANK_CANDIDATES (ranked afterwards); else the page itself,
    so a counted result set never needs a second, possibly long, walk for its page."""
    if sort == "relevance":
        return _Window(_ORDERS["newest"][0], (), 0, RANK_CANDIDATES, None)
    order, columns, key = _ORDERS[sort]
    return _Window(order, columns, (page - 1) * PAGE_SIZE, PAGE_SIZE, page, key)


def _tally(
    postings: QuerySet,
    conditions: list[_Condition],
    members: list[tuple[str, str]],
    *,
    limit: int | None = None,
    window: _Window | None = None,
    cutoff: _Window | None = None,
) -> _Tally:
    """One statement over the rows of `postings` (at most `limit` of them): how many there
    are; how many of them meet all `conditions` (the results), and among those the count
    of each value of each member column and of each skill, and the newest; for each
    condition on a column, the counts of that column's values among the rows meeting the
    other conditions; and the rows without pay that meet all but the pay condition.

    Without a limit (the sample) skills are counted on every k-th result only, k chosen so
    that about SKILL_SAMPLE_ROWS rows are unnested: enough for estimates given to two
    significant figures, and a bound on the cost. With a limit, `window` asks for some of the
    results' ids in order; without, `cutoff` for the value of its order key at its sample
    rank (_Window.sample_rank).
    """
    columns = [column for _, column in members]
    columns += [c.column for c in conditions if c.column]
    columns += ["pay_max_usd"] if any(c.param == "salary_min" for c in conditions) else []
    for asked in (window, cutoff):
        if asked is not None:
            columns += [c for c in asked.columns if c not in columns]
    rows = postings.order_by().values("id", "published_at", *columns, "skill_ids")
    inner, inner_args = (rows[:limit] if limit else rows).query.sql_with_params()

    def where(skip: _Condition | None = None) -> tuple[str, list]:
        chosen = [c for c in conditions if c is not skip]
        if not chosen:
            return "TRUE", []
        return " AND ".join(f"({c.sql})" for c in chosen), [a for c in chosen for a in c.args]

    results, results_args = where()
    parts: list[tuple[str, list]] = [
        ("SELECT 'w', NULL, count(*) FROM r", []),
        (f"SELECT 'n', NULL, count(*) FROM r WHERE {results}", results_args),
    ]
    if members:
        # Every member column in one pass: GROUPING(column) is 0 in the rows grouped by it.
        which = " ".join(f"WHEN GROUPING({column}) = 0 THEN %s" for _, column in members)
        value = ", ".join(f"{column}::text" for _, column in members)
        groups = ", ".join(f"({column})" for _, column in members)
        parts.append((
            f"SELECT CASE {which} END, COALESCE({value}), count(*) FROM r WHERE {results} "
            f"GROUP BY GROUPING SETS ({groups})",
            [*(param for param, _ in members), *results_args],
        ))  # fmt: skip
    for condition in conditions:
        others, others_args = where(skip=condition)
        if condition.column:
            parts.append((
                f"SELECT %s, {condition.column}::text, count(*) FROM r WHERE {others} "
                "GROUP BY 2",
                [condition.param, *others_args],
            ))  # fmt: skip
        elif condition.param == "salary_min":
            parts.append((
                f"SELECT 'p', NULL, count(*) FROM r WHERE {others} AND pay_max_usd IS NULL",
                others_args,
            ))  # fmt: skip
    # How many were posted within each choice of days: among the results, or when that is
    # a filter, among the rows meeting the others.
    posted = next((c for c in conditions if c.param == "posted_within"), None)
    within, within_args = where(skip=posted) if posted else (results, results_args)
    now = timezone.now()
    windows = ", ".join("(%s, %s::timestamptz)" for _ in POSTED_WITHIN)
    parts.append((
        f"SELECT 'posted_within', w.days::text, count(*) FROM r JOIN (VALUES {windows}) "
        f"AS w(days, since) ON r.published_at >= w.since WHERE {within} GROUP BY w.days",
        [*(a for days, _ in POSTED_WITHIN for a in (days, now - timedelta(days=days))),
         *within_args],
    ))  # fmt: skip
    skill_rows, skill_args = results, list(results_args)
    if not limit:
        every = (
            f"(SELECT greatest(1, ceil(count(*) / {SKILL_SAMPLE_ROWS:.1f}))::int "
            f"FROM r WHERE {results})"
        )
        parts.append((f"SELECT 'k', NULL, {every}", results_args))
        skill_rows = f"{results} AND MOD(id, %s * {every}) = 0"
        skill_args += [posting_models.SAMPLE_EVERY, *results_args]
    # Grouped by the integer, then named as text: hashing text is the slower half.
    parts.append((
        "SELECT 's', s::text, n FROM (SELECT s, count(*) AS n FROM (SELECT "
        f"unnest(skill_ids) AS s FROM r WHERE {skill_rows}) AS u GROUP BY s) AS g",
        skill_args,
    ))  # fmt: skip
    if window is not None and limit:
        # A page past the last gives the last: the offset stops at the last page's start.
        last_start = (
            f"(SELECT greatest(count(*) - 1, 0) / {PAGE_SIZE} * {PAGE_SIZE} FROM r WHERE {results})"
        )
        parts.append((
            f"SELECT 'i', (row_number() OVER (ORDER BY {window.order}))::text, id FROM "
            f"(SELECT * FROM r WHERE {results} ORDER BY {window.order} "
            f"OFFSET least(%s, {last_start}) LIMIT %s) AS i",
            [*results_args, window.offset, *results_args, window.limit],
        ))  # fmt: skip
    elif cutoff is not None:
        key = cutoff.key
        value = f"(extract(epoch FROM {key}) * 1000000)::bigint" if key == "published_at" else key
        parts.append((
            f"SELECT 'c', NULL, {value} FROM r "
            f"WHERE {results} ORDER BY {cutoff.order} OFFSET %s LIMIT 1",
            [*results_args, cutoff.sample_rank() - 1],
        ))  # fmt: skip
        # How far a walk down the key's index would go to reach that row: the sampled
        # postings, whatever the filters, at or beyond it (the sample's own index).
        parts.append((
            "SELECT 'a', NULL, (SELECT count(*) FROM postings_posting AS p WHERE "
            f"p.status = %s AND MOD(p.id, %s) = 0 AND p.{key} >= c.v) FROM (SELECT {key} AS v "
            f"FROM r WHERE {results} ORDER BY {cutoff.order} OFFSET %s LIMIT 1) AS c",
            [Status.PUBLISHED, posting_models.SAMPLE_EVERY, *results_args,
             cutoff.sample_rank() - 1],
        ))  # fmt: skip
    statement = " UNION ALL ".join(f"({part})" for part, _ in parts)
    args = [*inner_args, *(a for _, part_args in parts for a in part_args)]
    tally = _Tally(columns={param: {} for param, _ in members})
    tally.columns |= {c.param: {} for c in conditions if c.column}
    tally.columns["posted_within"] = {}
    ranked: list[tuple[int, int]] = []
    with connection.cursor() as cursor:
        cursor.execute(f"WITH r AS MATERIALIZED ({inner}) {statement}", args)
        for kind, value, n in cursor.fetchall():
            if kind == "w":
                tally.wide_total = n
            elif kind == "n":
                tally.total = n
            elif kind == "k":
                tally.skill_every = n
            elif kind == "s":
                tally.skills[int(value)] = n
            elif kind == "p":
                tally.left_out = n
            elif kind == "i":
                ranked.append((int(value), n))
            elif kind == "a":
                tally.walk = n
            elif kind == "c":  # None: the sampled row has no pay, so no pay cutoff
                published = cutoff is not None and cutoff.key == "published_at"
                tally.cutoff = datetime.fromtimestamp(n / 1e6, tz=UTC) if published else n
            else:
                tally.columns[kind][_from_text(kind, value)] = n
    tally.ids = [pk for _, pk in sorted(ranked)]
    return tally


def _from_text(param: str, value: str) -> object:
    if param == "visa":
        return value == "true"
    return int(value) if param == "posted_within" else value


def is_filtered(params: QueryDict) -> bool:
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
        everything = PostingFilter(QueryDict(), queryset=Posting.objects.visible(), skills=skills)
        summary = _summarize(QueryDict(), skills, everything)
        cache.set(key, summary, UNFILTERED_TTL)
    return summary


def _page(parsed: ParsedSearch, summary: _Summary, page: int) -> list[Posting]:
    """A page of results the tally did not bring: of a set too broad to count, or ranked.

    For newest and highest pay first, the sample gave a value of the sort key that the rows
    up to this page very probably all reach: asking for results beyond it lets PostgreSQL
    intersect the filters' indexes with that key's index over a narrow range, instead of
    walking the key's index past every posting that fails the filters (seconds, for
    filters that are selective together but not alone). When the range falls short, the
    walk is done after all.
    """
    start = (page - 1) * PAGE_SIZE
    if parsed.sort == "salary":
        return _salary_page(parsed, summary, start)
    if parsed.sort == "relevance":
        return _relevance_page(parsed, summary, start)
    # A result shows no description: not fetching it saves reading it out of line.
    rows = _ordered(parsed).select_related("company").defer("description")
    if summary.cutoff is not None and parsed.sort == "newest":
        within = rows.filter(published_at__gte=summary.cutoff).order_by(*_SORTED_NOT_WALKED)
        found = list(within[start : start + PAGE_SIZE])
        if len(found) == PAGE_SIZE:
            return found
    return list(rows[start : start + PAGE_SIZE])


# The order of a page read from a sample-given range (newest first; a NULLS LAST no index
# here has): PostgreSQL then collects the few rows of the range that pass the filters and
# sorts them, rather than walking the date or pay index through every posting in the range
# (a filter that is rare among the best-paid, such as interns, made that walk 300,000 rows).
_SORTED_NOT_WALKED = [F("published_at").desc(nulls_last=True), F("id").desc(nulls_last=True)]
_PAY_SORTED_NOT_WALKED = [F("pay_max_usd").desc(nulls_last=True), F("id").desc(nulls_last=True)]


def _salary_page(parsed: ParsedSearch, summary: _Summary, start: int) -> list[Posting]:
    """Highest pay first, then the postings without pay (newest first among those).

    Read in two parts, so the paid part follows the pay index (which holds no posting
    without pay, and so cannot order NULLS LAST itself) instead of sorting every result.
    """
    rows = parsed.filter.qs.select_related("company").defer("description")
    paid = rows.filter(pay_max_usd__isnull=False).order_by("-pay_max_usd", "-id")
    if summary.cutoff is not None:
        within = paid.filter(pay_max_usd__gte=summary.cutoff).order_by(*_PAY_SORTED_NOT_WALKED)
        found = list(within[start : start + PAGE_SIZE])
        if len(found) == PAGE_SIZE:
            return found
    found = list(paid[start : start + PAGE_SIZE])
    if len(found) == PAGE_SIZE:
        return found
    # The page reaches past the paid results (fewer than start + PAGE_SIZE of them).
    paid_count = paid[: start + PAGE_SIZE].count()
    unpaid = rows.filter(pay_max_usd__isnull=True).order_by("-id")
    begin = max(0, start - paid_count)
    return found + list(unpaid[begin : begin + PAGE_SIZE - len(found)])


def _ordered(parsed: ParsedSearch) -> QuerySet:
    postings = parsed.filter.qs
    if parsed.sort == "salary":
        return postings.order_by(F("pay_max_usd").desc(nulls_last=True), "-id")
    return postings.order_by("-published_at", "-id")


def _relevance_page(parsed: ParsedSearch, summary: _Summary, start: int) -> list[Posting]:
    """A page of the best-ranked among the RANK_CANDIDATES newest matches: ranking every
    match of a word in half the postings would read all their documents. Among those the
    title (weight A) counts most.

    Ranked by id alone, then the page's twenty rows read as lists read them (a prepared
    read), rather than joining, carrying and sorting 500 whole rows with their companies to
    keep twenty: 2-2.4 ms less a page in-process.
    """
    candidates = summary.ids if summary.ids is not None else _newest_ids(parsed.filter.qs, summary)
    return _ranked(parsed, candidates, start)


def _ranked(parsed: ParsedSearch, candidates: list[int], start: int) -> list[Posting]:
    ranked = (
        Posting.objects.visible()
        .with_ids(candidates)
        .annotate(rank=relevance(parsed.text, parsed.skills))
        .order_by("-rank", "-published_at", "-id")
        .values_list("id", flat=True)
    )
    return Posting.objects.visible_listed(list(ranked[start : start + PAGE_SIZE]))


def _newest_ids(postings: QuerySet, summary: _Summary) -> list[int]:
    """The ids of the RANK_CANDIDATES newest results.

    For a broad result set (a counted one came with them) the sample gave a published_at
    that the newest candidates very probably all reach: asking for matches since then lets
    PostgreSQL intersect the search index with the date index instead of walking the date
    index and reading the document of every posting on the way. If fewer than
    RANK_CANDIDATES are that new (improbable), the walk is done after all.
    """
    newest = postings.order_by("-published_at", "-id").values_list("id", flat=True)
    if summary.cutoff is not None:
        ids = list(newest.filter(published_at__gte=summary.cutoff)[:RANK_CANDIDATES])
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
    # Listed by name, not by count: ticking one changes every count, and a list sorted by
    # count would move under the pointer after each tick.
    options.sort(key=lambda option: option.label.lower())
    # Selected skills stay listed even when outside the top, so they can be unticked.
    listed = {o.value for o in options}
    options += [
        FacetOption(slug, skills.by_slug[slug].name, 0, True)
        for slug in params.getlist("skills")
        if slug not in listed
    ]
    return Facet("skills", "Skills", options, estimated=sample)


# ---------------------------------------------------------------------------------------------
# The same answers from the search index (postings.engine), when there is one
# ---------------------------------------------------------------------------------------------

# The index's key of each sort the page pages by (relevance ranks the newest candidates).
_SORT_KEYS = {"newest": "published", "salary": "pay_order"}


def _engine(parsed: ParsedSearch) -> tuple[object, engine.CompiledSearch] | None:
    """The index's searcher and this search as index queries; None when PostgreSQL answers
    (no index built yet, or a text the translation does not cover). Made once per search:
    compiling asks PostgreSQL for the text's lexemes and may read a rare phrase's ids."""
    if "engine" not in parsed.worked_out:
        parsed.worked_out["engine"] = _compiled(parsed)
    return parsed.worked_out["engine"]


def _compiled(parsed: ParsedSearch) -> tuple[object, engine.CompiledSearch] | None:
    served = engine_index.served()
    if served is None:
        return None
    try:
        compiled = engine.compile_search(parsed, tree_key=served.tree_key, searcher=served.searcher)
        return served.searcher, compiled
    except engine.Unsupported:
        return None


@dataclass
class _Described:
    """A result set's counts from the index (see _describe)."""

    total: int | None  # None: surely more than COUNT_CAP, not counted
    terms: dict[str, dict]
    since: dict[str, int]
    estimated: bool
    sample_total: int


def _describe(
    searcher,
    compiled: engine.CompiledSearch,
    names: list[str],
    since: dict | None = None,
    *,
    without: tuple[str, ...] = (),
    unpaid: bool = False,
) -> _Described:
    """Counts of a result set (the search without the filters `without`; unpaid: of its
    postings without pay), as _summarize has them: the fixed sample is tallied first (a
    millisecond, whatever the filters), and when it shows beyond SURE_SIGMAS standard
    deviations more than COUNT_CAP matches, its counts scaled up are the estimates; else
    the whole set is tallied, exactly."""

    def query(sampled: bool):
        found = compiled.query(without=without, sampled=sampled)
        return engine.without_pay(found) if unpaid else found

    every = posting_models.SAMPLE_EVERY
    sampled = engine.tallied(searcher, query(sampled=True), names, since)
    if _surely_over(sampled.total, COUNT_CAP):
        return _Described(
            None,
            {
                n: {v: _estimate(c * every) for v, c in vs.items()}
                for n, vs in sampled.terms.items()
            },
            {n: _estimate(c * every) for n, c in sampled.since.items()},
            True,
            sampled.total,
        )
    exact = engine.tallied(searcher, query(sampled=False), names, since)
    return _Described(exact.total, exact.terms, exact.since, False, sampled.total)


def _engine_summary(
    parsed: ParsedSearch, searcher, compiled: engine.CompiledSearch, window: _Window
) -> _Summary:
    """What _summarize finds, from the index, in a few passes of a few milliseconds.

    The passes that do not need the main one's counts (each chosen facet without its own
    filter, the posted-within counts, the postings without pay) run beside it on the pool
    (postings.engine.passes), while this thread counts the results and finds their ids.
    Ranked by relevance, the main pass runs beside as well, and this thread has the page
    ranked meanwhile."""
    params, skills = parsed.params, parsed.skills
    now = timezone.now()
    since = {
        str(days): engine_index.micros(now - timedelta(days=days)) for days, _ in POSTED_WITHIN
    }
    posted_within = "posted_within" in compiled.parts
    paid = "salary_min" in compiled.parts
    selected = [param for param, _, _ in COLUMN_FACETS if params.getlist(param)]
    members = [param for param, _, _ in COLUMN_FACETS if param not in selected]
    side = functools.partial(passes.submit, _describe, searcher, compiled)
    beside = {param: side([param], without=(param,)) for param in selected}
    if posted_within:
        beside["posted"] = side([], since, without=("posted_within",))
    if paid:
        beside["unpaid"] = side([], without=("salary_min",), unpaid=True)

    main_names, main_since = [*members, "skills"], None if posted_within else since
    results, ranked = compiled.query(), None
    if window.page is None:
        # Relevance: the newest candidates, ranked by PostgreSQL. Their ids do not need the
        # counts (bounded_ids samples for itself), so the main pass runs beside too, while
        # this thread waits on PostgreSQL to rank the page.
        main_pass = passes.submit(_describe, searcher, compiled, main_names, main_since)
        ids = engine.bounded_ids(searcher, results, "published", 0, RANK_CANDIDATES)
        # The pages the candidates fill (as search_postings counts them: every match up to
        # RANK_CANDIDATES, which they are).
        ids_page = min(parsed.page, _pages(len(ids)))
        ranked = _ranked(parsed, ids, (ids_page - 1) * PAGE_SIZE)
        main = main_pass.result()
    else:
        main = _describe(searcher, compiled, main_names, main_since)
        ids_page = min(window.page, _pages(_shown(main.total)[0]))
        start = (ids_page - 1) * PAGE_SIZE
        key = _SORT_KEYS[parsed.sort]
        ids = engine.bounded_ids(
            searcher, results, key, start, PAGE_SIZE, sampled=main.sample_total
        )

    described = {name: found.result() for name, found in beside.items()}
    # Each column facet as the main pass counted it, or a chosen one as its own pass did.
    counts = {}
    for param in [*members, *selected]:
        counted = described.get(param, main)
        counts[param] = (_facet_values(param, counted.terms[param]), counted.estimated)
    posted = described.get("posted", main)
    chosen = params.get("posted_within", "")
    posted_facet = Facet(
        "posted_within",
        PARAM_LABELS["posted_within"].capitalize(),
        [
            FacetOption(str(days), label, posted.since.get(str(days), 0), str(days) == chosen)
            for days, label in POSTED_WITHIN
        ],
        posted.estimated,
    )
    left_out, left_out_estimated = None, False
    if paid:
        unpaid = described["unpaid"]
        left_out_estimated = unpaid.estimated
        left_out = (
            _estimate(unpaid.sample_total * posting_models.SAMPLE_EVERY)
            if unpaid.estimated
            else unpaid.total
        )
    shown, capped = _shown(main.total)
    return _Summary(
        count=shown,
        capped=capped,
        facets=_column_facets(params, counts),
        skill_facet=_skill_facet(params, skills, Counter(main.terms["skills"]), main.estimated),
        posted_facet=posted_facet,
        left_out_without_pay=left_out,
        left_out_estimated=left_out_estimated,
        ids=ids,
        ids_page=ids_page,
        ranked=ranked,
    )


def _shown(total: int | None) -> tuple[int, bool]:
    """The count a page shows for an index count (None: surely more than COUNT_CAP), and
    whether it is capped at COUNT_CAP."""
    capped = total is None or total > COUNT_CAP
    return (COUNT_CAP if capped else total), capped


def _pages(results: int) -> int:
    """How many pages `results` fill; an empty result set still has its one page."""
    return max(1, math.ceil(results / PAGE_SIZE))


def _facet_values(param: str, counted: dict) -> dict:
    """The index's facet keys as the page's choices: visa is 1/0 there, True here."""
    if param == "visa":
        return {True: counted.get(1, 0)} if counted.get(1) else {}
    return counted


# ---------------------------------------------------------------------------------------------
# No results: the nearest searches that have some
# ---------------------------------------------------------------------------------------------

# The words seekers' searches are spelled against: titles of this many newest postings and
# every skill name and alias, kept a day.
_KNOWN_WORDS_FROM = 5_000
_KNOWN_WORDS_KEY = "search:known-words:v1:{}"
_KNOWN_WORDS_TTL = 24 * 3600
_WORD = re.compile(r"[^\W_][\w+#.-]*[^\W_]|[^\W_]", re.UNICODE)
# Filters a seeker may drop, as the groups of parameters they are (skills with their match).
_DROPPABLE = {
    "q": ("q",), "skills": ("skills", "match"), "level": ("level",), "role": ("role",),
    "workplace": ("workplace",), "type": ("type",), "country": ("country",),
    "location": ("location",), "visa": ("visa",), "posted_within": ("posted_within",),
    "company": ("company",), "salary_min": ("salary_min",),
}  # fmt: skip


def _nearest_changes(parsed: ParsedSearch, found=None) -> list[Suggestion]:
    """For a search with no results: its words spelled as known words, and the filter whose
    removal finds the most roles (counted exactly on a small board, on the fixed sample of a
    large one, where that costs a few milliseconds whatever the filters)."""
    changes = []
    if parsed.text:
        fixed = _respelled(parsed.text, parsed.skills)
        if fixed:
            params = parsed.params.copy()
            params["q"] = fixed
            changes.append(Suggestion(f"Search for “{fixed}” instead", params))
    present = [
        name for name, group in _DROPPABLE.items() if any(parsed.params.get(p) for p in group)
    ]
    if len(present) < 2:
        return changes
    if found is not None:
        # As below: on a large board the sample counts each (a millisecond); on a small one
        # every posting is counted.
        searcher, compiled = found
        sampled = searcher.num_docs > COUNT_CAP
        counts = {
            name: engine.count(searcher, compiled.query(without=_DROPPABLE[name], sampled=sampled))
            for name in present
        }
        return changes + _best_drop(parsed, present, counts, sampled=sampled)
    sampled = _unfiltered_summary(parsed.skills).capped
    parts, args = [], []
    for name in present:
        rest = parsed.filter.qs_without(*_DROPPABLE[name])
        rows = rest.in_sample() if sampled else rest
        inner, inner_args = rows.order_by().values("id").query.sql_with_params()
        parts.append(f"SELECT %s, count(*) FROM ({inner}) AS t")
        args += [name, *inner_args]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), args)
        counts = dict(cursor.fetchall())
    return changes + _best_drop(parsed, present, counts, sampled=sampled)


def _best_drop(
    parsed: ParsedSearch, present: list[str], counts: dict[str, int], *, sampled: bool
) -> list[Suggestion]:
    """The filter whose removal finds the most roles, as a suggestion (none if none does)."""
    best = max(present, key=lambda name: (counts[name], name))
    if not counts[best]:
        return []
    params = parsed.params.copy()
    for param in _DROPPABLE[best]:
        params.pop(param, None)
    count = _estimate(counts[best] * posting_models.SAMPLE_EVERY) if sampled else counts[best]
    what = _filter_label(best, parsed.params)
    return [Suggestion(f"Without {what}", params, count, sampled)]


def _filter_label(name: str, params: QueryDict) -> str:
    if name == "q":
        return f"the words “{params['q']}”"
    if name == "salary_min":
        return "the minimum pay"
    if name == "skills":
        return "the skill filter"
    return f"the {PARAM_LABELS[name]} filter"


def _respelled(text: str, skills: SkillIndex) -> str | None:
    """`text` with each unknown word replaced by the known word spelled most like it, if any
    word was; None when every word is known or none has a near spelling."""
    known = _known_words(skills)
    changed = False

    def fix(match: re.Match) -> str:
        nonlocal changed
        word = match.group(0)
        if len(word) < 3 or word.lower() in known.words:
            return word
        # The known word of the highest similarity (2 * matching letters / both lengths, in
        # percent), the first in alphabetical order among equals.
        near = process.extractOne(word.lower(), known.ordered, scorer=fuzz.ratio, score_cutoff=75)
        if near is None:
            return word
        changed = True
        return near[0]

    fixed = _WORD.sub(fix, text)
    return fixed if changed else None


@dataclass(frozen=True)
class _KnownWords:
    key: str  # the cache's own key (a test's prefix keeps tests apart)
    read_at: float
    words: set[str]
    ordered: list[str]  # alphabetical: the first of equally near spellings is offered


_known: _KnownWords | None = None


def _known_words(skills: SkillIndex) -> _KnownWords:
    """The known words (shared through the cache a day; this process keeps its copy a
    minute rather than unpickling thousands of words per search)."""
    global _known
    key = _KNOWN_WORDS_KEY.format(skills.version)
    mine = cache.make_key(key)
    if _known is not None and _known.key == mine and time.monotonic() - _known.read_at < 60:
        return _known
    words = cache.get(key)
    if words is None:
        titles = (
            Posting.objects.visible()
            .order_by("-published_at", "-id")
            .values_list("title", flat=True)[:_KNOWN_WORDS_FROM]
        )
        words = {w.lower() for title in titles for w in _WORD.findall(title)}
        words |= {w for key in skills.by_key for w in key.split()}
        cache.set(key, words, _KNOWN_WORDS_TTL)
    _known = _KnownWords(mine, time.monotonic(), words, sorted(words))
    return _known


def search_count(parsed: ParsedSearch) -> tuple[int, bool]:
    """The count the search page shows for this validated search, and whether it is capped
    at COUNT_CAP: what the API reports beside its own pages of the same postings."""
    found = _engine(parsed)
    if found is not None:  # as _engine_summary counts: the sample first
        searcher, compiled = found
        return _shown(_describe(searcher, compiled, []).total)
    if is_filtered(parsed.params):
        summary = _summarize(parsed.params, parsed.skills, parsed.filter)
    else:
        summary = _unfiltered_summary(parsed.skills)
    return summary.count, summary.capped


def newest_ids(
    parsed: ParsedSearch, *, beyond: datetime | None, older: bool, limit: int
) -> list[int] | None:
    """The ids of the `limit` newest matches published before `beyond` (older=True), or the
    `limit` oldest published after it: what a cursor page of the API reads its rows from,
    instead of walking the date index past every posting that does not match. None when
    there is no index (PostgreSQL answers)."""
    found = _engine(parsed)
    if found is None:
        return None
    searcher, compiled = found
    also = []
    if beyond is not None:
        at = engine_index.micros(beyond)
        also.append(engine.published_before(at) if older else engine.published_after(at))
    query = compiled.query(also=also)
    return engine.ordered_ids(searcher, query, "published", 0, limit, descending=older)


def search_ids(parsed: ParsedSearch, *, at_most: int) -> list[int] | None:
    """The ids of every posting this validated search finds, when there are at most
    `at_most` (in no particular order); None when there are more. Found once per search and
    bound: /match/ ranks and counts skills to learn over the same roles."""
    key = f"ids:{at_most}"
    if key not in parsed.worked_out:
        parsed.worked_out[key] = _search_ids(parsed, at_most)
    return parsed.worked_out[key]


def _search_ids(parsed: ParsedSearch, at_most: int) -> list[int] | None:
    found = _engine(parsed)
    if found is not None:
        searcher, compiled = found
        return engine.ids_at_most(searcher, compiled.query(), at_most)
    ids = list(parsed.filter.qs.values_list("id", flat=True)[: at_most + 1])
    return ids if len(ids) <= at_most else None


def search_sample_ids(parsed: ParsedSearch) -> list[int]:
    """The ids of the postings of the fixed 1% sample (postings.models.SAMPLE_EVERY) that this
    validated search finds: what estimates over its results are taken from."""
    found = _engine(parsed)
    if found is not None:
        searcher, compiled = found
        return engine.ids_of(searcher, compiled.query(sampled=True), max(searcher.num_docs, 1))
    return list(parsed.filter.qs.in_sample().values_list("id", flat=True))


def search_among(parsed: ParsedSearch, ids: list[int]) -> set[int]:
    """Those of these postings that this validated search finds."""
    found = _engine(parsed)
    if found is not None:
        searcher, compiled = found
        return set(engine.ids_of(searcher, engine.with_ids(compiled.query(), ids), len(ids)))
    return set(parsed.filter.qs.filter(id__in=ids).values_list("id", flat=True))

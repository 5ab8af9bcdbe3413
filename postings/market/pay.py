"""Pay on the board: a posting's pay against its market band, and the pay posted across the
board (by city, skill premiums, postings paying at least a band figure). Reads only.

The bands, the survey and pay arithmetic belong to the salaries app; this module applies them
to postings, which salaries knows nothing of.
"""

from __future__ import annotations

import statistics
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache

from postings.models import Posting, Workplace
from postings.queueing import enqueue_on_commit
from salaries import normalization
from salaries.charts import RangeChart, range_chart
from salaries.geography import COUNTRY_NAMES
from salaries.insights import TOP_COUNTRIES
from salaries.models import MIN_SAMPLES, ExchangeRate
from salaries.services import (
    BandGroup,
    BandMatch,
    PayData,
    PayInsight,
    band_lookups,
    pay_data,
    pay_insight,
    rates_current,
)
from skills.models import Skill

# How many skills the premium table lists (those asked for by the most postings).
TOP_SKILLS = 25


def posting_pay_insight(
    posting: Posting,
    *,
    rates: Mapping[str, ExchangeRate] | None = None,
    match: BandMatch | None = None,
    data: PayData | None = None,
) -> PayInsight | None:
    """Where the posting's pay sits in its band, or the band as an estimate when the posting
    states no pay. None when no bands are loaded at all (nothing to say)."""
    return pay_insight(
        dom_id=f"pay-insight-{posting.pk}",
        role_family=posting.role_family,
        seniority=posting.seniority,
        country=posting.country,
        remote=posting.workplace == Workplace.REMOTE,
        salary_min=posting.salary_min,
        salary_max=posting.salary_max,
        currency=posting.salary_currency,
        period=posting.salary_period,
        rates=rates,
        match=match,
        data=data,
    )


def _group(posting: Posting) -> BandGroup:
    return BandGroup(
        posting.role_family,
        posting.seniority,
        posting.country,
        posting.workplace == Workplace.REMOTE,
    )


def postings_pay_insights(postings: list[Posting]) -> dict[int, PayInsight | None]:
    """posting_pay_insight for each of `postings` (by id), in one query however many."""
    data = pay_data()
    if data.reference is None:
        return dict.fromkeys((p.pk for p in postings), None)
    matches = band_lookups(groups=[_group(p) for p in postings], data=data)
    return {
        p.pk: posting_pay_insight(p, rates=data.rates, match=matches[_group(p)]) for p in postings
    }


# ---------------------------------------------------------------------------------------------
# Pay posted on the board
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PostedPay:
    """A visible posting's mid-range pay in annual USD."""

    posting_id: int
    annual_usd: Decimal
    city: str
    country: str
    skill_ids: tuple[int, ...]


def posted_pay(
    postings: Iterable[Posting] | None = None, *, rates: Mapping[str, ExchangeRate] | None = None
) -> list[PostedPay]:
    """Mid-range annual USD pay of visible postings that state pay in a currency we can
    convert. Postings in a currency without a rate are left out."""
    if postings is None:
        postings = Posting.objects.visible().filter(salary_min__isnull=False)
    rows = postings.values_list(
        "id", "salary_min", "salary_max", "salary_currency", "salary_period", "city", "country",
        "skill_ids",
    )  # fmt: skip
    usd_rates = {
        code: rate.usd_per_unit
        for code, rate in (rates if rates is not None else rates_current()).items()
    }
    result = []
    for pk, low, high, currency, period, city, country, skill_ids in rows:
        amount = normalization.annual_usd(
            normalization.midpoint(low, high), currency, period, usd_rates
        )
        if amount is not None:
            result.append(PostedPay(pk, amount, city, country, tuple(skill_ids or ())))
    return result


def city_chart(pay: list[PostedPay]) -> RangeChart:
    """Posted pay by city, for cities with at least MIN_SAMPLES postings that state pay."""
    by_city: dict[tuple[str, str], list[Decimal]] = defaultdict(list)
    for item in pay:
        if item.city:
            by_city[(item.city, item.country)].append(item.annual_usd)
    rows = [
        (
            f"{city}, {COUNTRY_NAMES.get(country, country)}" if country else city,
            tuple(f.quantize(Decimal(1)) for f in normalization.percentile_summary(values)),
            len(values),
        )
        for (city, country), values in by_city.items()
        if len(values) >= MIN_SAMPLES
    ]
    rows.sort(key=lambda r: -r[2])
    return range_chart("Posted pay by city", rows[:TOP_COUNTRIES])


@dataclass(frozen=True)
class SkillPremium:
    skill_name: str
    skill_slug: str
    median_with: Decimal
    count_with: int
    median_without: Decimal
    count_without: int

    @property
    def premium_percent(self) -> Decimal:
        return ((self.median_with / self.median_without - 1) * 100).quantize(Decimal("0.1"))


def skill_premiums(pay: list[PostedPay], *, limit: int | None = TOP_SKILLS) -> list[SkillPremium]:
    """For skills asked for by enough postings (and not asked for by enough others), the
    median posted pay with the skill against without it; most-asked-for skills first, the
    `limit` first (None: all of them).

    Each list is sorted once; the median of the postings without a skill is found in the
    sorted whole by bisection (the k-th of the whole minus the skill's), so a thousand
    skills cost little more than twenty-five.
    """
    values = sorted(p.annual_usd for p in pay)
    with_skill: dict[int, list[Decimal]] = defaultdict(list)
    for item in pay:
        for skill_id in set(item.skill_ids):
            with_skill[skill_id].append(item.annual_usd)
    eligible = [
        skill_id
        for skill_id, found in with_skill.items()
        if len(found) >= MIN_SAMPLES and len(pay) - len(found) >= MIN_SAMPLES
    ]
    eligible.sort(key=lambda skill_id: (-len(with_skill[skill_id]), skill_id))
    chosen = eligible if limit is None else eligible[:limit]
    skills = Skill.objects.in_bulk(chosen)
    premiums = []
    for skill_id in chosen:
        if skill_id not in skills:
            continue
        found = sorted(with_skill[skill_id])
        premiums.append(
            SkillPremium(
                skill_name=skills[skill_id].name,
                skill_slug=skills[skill_id].slug,
                median_with=statistics.median(found),
                count_with=len(found),
                median_without=_median_of_rest(values, found),
                count_without=len(values) - len(found),
            )
        )
    return premiums


def _median_of_rest(values: list[Decimal], part: list[Decimal]) -> Decimal:
    """statistics.median of `values` without `part` (both sorted, `part` a sub-multiset)."""

    def kth(k: int) -> Decimal:  # the k-th smallest (from 0) of what is left
        lo, hi = 0, len(values) - 1
        while lo < hi:
            mid = (lo + hi) // 2
            value = values[mid]
            if bisect_right(values, value) - bisect_right(part, value) >= k + 1:
                hi = mid
            else:
                lo = mid + 1
        return values[lo]

    left = len(values) - len(part)
    if left % 2:
        return kth(left // 2)
    return (kth(left // 2 - 1) + kth(left // 2)) / 2


# The premiums of every skill, for /match/: computed over every posting's pay (seconds at a
# million postings), so kept an hour; a board small enough computes them on a miss, a large
# one has them computed in the background (postings.market.tasks) and shows none meanwhile.
PREMIUMS_KEY = "market:skill-premiums:v1"
PREMIUMS_TTL = 3600
PREMIUMS_INLINE_UP_TO = 20_000


def skill_premiums_by_slug() -> dict[str, SkillPremium] | None:
    """Every eligible skill's premium by slug; None while a large board's are computed."""
    table = cache.get(PREMIUMS_KEY)
    if table is not None:
        return table
    paid = Posting.objects.visible().filter(salary_min__isnull=False)
    if paid[: PREMIUMS_INLINE_UP_TO + 1].count() <= PREMIUMS_INLINE_UP_TO:
        return skill_premiums_refresh()
    enqueue_on_commit("postings.market.tasks.refresh_skill_premiums")
    return None


def skill_premiums_refresh() -> dict[str, SkillPremium]:
    table = {p.skill_slug: p for p in skill_premiums(posted_pay(), limit=None)}
    cache.set(PREMIUMS_KEY, table, PREMIUMS_TTL)
    return table


# ---------------------------------------------------------------------------------------------
# The calculator
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PostingAtPay:
    posting: Posting
    annual_usd: Decimal


def postings_paying_at_least(
    *,
    threshold: Decimal,
    role_family: str,
    seniority: str,
    country: str = "",
    remote: bool = False,
    limit: int = 50,
) -> tuple[list[PostingAtPay], int]:
    """Visible postings for this role and level (and country, and remote when asked) whose
    mid-range annual USD pay is at least `threshold`: the best-paid `limit`, and how many."""
    postings = Posting.objects.visible().filter(
        salary_min__isnull=False, role_family=role_family, seniority=seniority
    )
    if country:
        postings = postings.filter(country=country)
    if remote:
        postings = postings.filter(workplace=Workplace.REMOTE)
    paying = {
        item.posting_id: item.annual_usd
        for item in posted_pay(postings)
        if item.annual_usd >= threshold
    }
    best = sorted(paying, key=lambda pk: (-paying[pk], pk))[:limit]
    objects = Posting.objects.select_related("company").in_bulk(best)
    return [PostingAtPay(objects[pk], paying[pk]) for pk in best], len(paying)

"""Pay as entered -> annual USD, and where a figure sits in a band. No Django here.

The arithmetic is Decimal and exact: amounts have at most 14 digits and rates at most 12
significant digits, so every product fits inside the 60-digit context used below and nothing is
rounded until a figure is displayed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from itertools import pairwise

# Working time behind the period conversions: 52 weeks of 5 days of 8 hours.
HOURS_PER_YEAR = 2080
DAYS_PER_YEAR = 260
MONTHS_PER_YEAR = 12
PERIODS_PER_YEAR = {
    "year": 1,
    "month": MONTHS_PER_YEAR,
    "day": DAYS_PER_YEAR,
    "hour": HOURS_PER_YEAR,
}
_PRECISION = 60


def annual_amount(amount: Decimal, period: str) -> Decimal:
    """`amount` per `period` as an amount per year, in the same currency."""
    try:
        factor = PERIODS_PER_YEAR[period]
    except KeyError:
        raise ValueError(f"unknown pay period {period!r}") from None
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return Decimal(amount) * factor


def to_usd(amount: Decimal, currency: str, rates: Mapping[str, Decimal]) -> Decimal | None:
    """`amount` of `currency` in USD, with `rates` in USD per unit; None without a rate."""
    if currency == "USD":
        return Decimal(amount)
    rate = rates.get(currency)
    if rate is None:
        return None
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return Decimal(amount) * Decimal(rate)


def annual_usd(
    amount: Decimal, currency: str, period: str, rates: Mapping[str, Decimal]
) -> Decimal | None:
    """Pay as entered (amount, ISO currency, period) as USD per year; None without a rate."""
    return to_usd(annual_amount(amount, period), currency, rates)


def midpoint(low: Decimal, high: Decimal) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return (Decimal(low) + Decimal(high)) / 2


# ---------------------------------------------------------------------------------------------
# Where a figure sits in a band
# ---------------------------------------------------------------------------------------------

BAND_PERCENTILES = (10, 25, 50, 75, 90)


@dataclass(frozen=True)
class Position:
    """`relation` is "below" (under p10), "within" or "above" (over p90). A band only knows
    five points, so outside p10-p90 there is no percentile to state, only the side."""

    relation: str
    percentile: int | None

    @property
    def phrase(self) -> str:
        if self.relation == "below":
            return "below the 10th percentile"
        if self.relation == "above":
            return "above the 90th percentile"
        return f"at the {ordinal(self.percentile)} percentile"


def position_in_band(value: Decimal, figures: Sequence[Decimal]) -> Position:
    """Where `value` sits among the band's (p10, p25, p50, p75, p90), interpolating linearly
    between neighbouring points. A value equal to several tied points gets their middle."""
    points = list(zip(BAND_PERCENTILES, (Decimal(f) for f in figures), strict=True))
    value = Decimal(value)
    if value < points[0][1]:
        return Position("below", None)
    if value > points[-1][1]:
        return Position("above", None)
    tied = [pct for pct, figure in points if figure == value]
    if tied:
        return Position("within", round((tied[0] + tied[-1]) / 2))
    for (pct_lo, lo), (pct_hi, hi) in pairwise(points):
        if lo < value < hi:
            with localcontext() as ctx:
                ctx.prec = _PRECISION
                exact = pct_lo + (pct_hi - pct_lo) * (value - lo) / (hi - lo)
            return Position("within", int(exact.to_integral_value(rounding=ROUND_HALF_UP)))
    raise AssertionError("unreachable: the value lies between p10 and p90")  # pragma: no cover


def ordinal(number: int) -> str:
    if 10 <= number % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def percentile_summary(values: Sequence[Decimal]) -> tuple[Decimal, ...]:
    """(p10, p25, median, p75, p90) of `values` by linear interpolation between closest ranks:
    the same definition as PostgreSQL's percentile_cont, which computes the survey bands."""
    ordered = sorted(Decimal(v) for v in values)
    if not ordered:
        raise ValueError("no values")
    summary = []
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        for pct in BAND_PERCENTILES:
            position = Decimal(pct) / 100 * (len(ordered) - 1)
            low = int(position)
            high = min(low + 1, len(ordered) - 1)
            summary.append(ordered[low] + (ordered[high] - ordered[low]) * (position - low))
    return tuple(summary)

"""Pay conversions and band positions, checked against examples worked by hand. No database."""

from __future__ import annotations

from decimal import Decimal

import pytest

from salaries.normalization import (
    annual_amount,
    annual_usd,
    midpoint,
    ordinal,
    percentile_summary,
    position_in_band,
)

RATES = {"EUR": Decimal("1.0825"), "JPY": Decimal("0.00637127"), "GBP": Decimal("1.25292")}
BAND = [Decimal(v) for v in ("120000", "150000", "180000", "220000", "260000")]


def test_hourly_60_usd_is_124800_a_year():
    # 60 * 2,080 hours (52 weeks * 40 hours).
    assert annual_usd(Decimal("60"), "USD", "hour", RATES) == Decimal("124800")


def test_daily_pay_counts_260_working_days():
    # 400 * 260 = 104,000.
    assert annual_usd(Decimal("400"), "USD", "day", RATES) == Decimal("104000")


def test_monthly_9000_eur_uses_the_stored_eur_rate():
    # 9,000 * 12 = 108,000 EUR; * 1.0825 = 116,910 USD.
    assert annual_usd(Decimal("9000"), "EUR", "month", RATES) == Decimal("116910.0000")


def test_conversions_are_exact_to_the_last_digit():
    # 12,345,678 JPY * 0.00637127, long-hand: 12345678 * 600000 = 7,407,406,800,000;
    # * 37000 = 456,790,086,000; * 127 = 1,567,901,106; sum 7,865,764,787,106; 8 decimals.
    assert annual_usd(Decimal("12345678"), "JPY", "year", RATES) == Decimal("78657.64787106")
    # 37.50 GBP an hour * 2,080 = 78,000 GBP; * 1.25292 = 97,727.76 USD.
    assert annual_usd(Decimal("37.50"), "GBP", "hour", RATES) == Decimal("97727.76")


def test_a_currency_without_a_rate_gives_none():
    assert annual_usd(Decimal("100000"), "CHF", "year", RATES) is None


def test_an_unknown_period_is_refused():
    with pytest.raises(ValueError, match="fortnight"):
        annual_amount(Decimal("1"), "fortnight")


def test_the_middle_of_a_range_is_exact():
    assert midpoint(Decimal("80000"), Decimal("100001")) == Decimal("90000.5")


@pytest.mark.parametrize(
    ("value", "phrase"),
    [
        ("180000", "at the 50th percentile"),
        # Between p50 (180k) and p75 (220k): 50 + 25 * 20/40 = 62.5, shown as 63.
        ("200000", "at the 63rd percentile"),
        # Between p75 (220k) and p90 (260k): 75 + 15 * 10/40 = 78.75 -> 79.
        ("230000", "at the 79th percentile"),
        ("120000", "at the 10th percentile"),
        ("119999", "below the 10th percentile"),
        ("260001", "above the 90th percentile"),
    ],
)
def test_a_figure_is_placed_by_linear_interpolation_between_band_points(value, phrase):
    assert position_in_band(Decimal(value), BAND).phrase == phrase


def test_a_figure_equal_to_tied_points_gets_their_middle():
    tied = [Decimal(v) for v in ("100", "150", "150", "200", "250")]
    assert position_in_band(Decimal("150"), tied).percentile == 38  # (25 + 50) / 2 = 37.5


@pytest.mark.parametrize(
    ("number", "text"),
    [(1, "1st"), (2, "2nd"), (3, "3rd"), (11, "11th"), (72, "72nd"), (13, "13th")],
)
def test_ordinals(number, text):
    assert ordinal(number) == text


def test_percentile_summary_matches_linear_interpolation_worked_by_hand():
    # 10 values 10..100: position of p25 = 0.25 * 9 = 2.25 -> 30 + 0.25 * 10 = 32.5.
    values = [Decimal(v) for v in range(10, 101, 10)]
    assert percentile_summary(values) == tuple(
        Decimal(v) for v in ("19", "32.5", "55", "77.5", "91")
    )

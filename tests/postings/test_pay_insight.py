"""A posting's pay against its band: the percentile, the estimate for unpaid postings, and the
include that shows both."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template.loader import render_to_string

from postings.market.pay import posting_pay_insight
from tests.factories import PostingFactory
from tests.salaries.factories import ExchangeRateFactory, SalaryBandFactory

pytestmark = pytest.mark.django_db


def _render(insight) -> str:
    return render_to_string("salaries/_posting_pay_insight.html", {"insight": insight})


def test_the_middle_of_a_usd_range_is_placed_at_its_percentile(django_assert_num_queries):
    SalaryBandFactory(workplace="onsite")
    posting = PostingFactory(
        country="US", city="New York", salary_min=190000, salary_max=210000, salary_currency="USD"
    )
    # The pay data's version, then its reference year, bands and rates: read once...
    with django_assert_num_queries(4):
        posting_pay_insight(posting)
    with django_assert_num_queries(1):  # ...and then only the version is asked for
        insight = posting_pay_insight(posting)
    # 200,000 between the median (180k) and p75 (220k): 50 + 25 * 20/40 = 62.5 -> 63rd.
    assert insight.position.percentile == 63
    assert insight.summary == (
        "The middle of this range (200,000 USD a year) is at the 63rd percentile for on-site "
        "or hybrid senior ML engineers in the US (n = 4,222, ai-jobs.net 2024)."
    )
    assert not insight.is_estimate
    html = _render(insight)
    assert f'role="img" aria-labelledby="pay-insight-{posting.pk}-summary"' in html
    assert f'id="pay-insight-{posting.pk}-summary"' in html
    assert "63rd percentile" in html


def test_monthly_euro_pay_is_converted_at_the_stored_rate_and_the_rate_date_is_shown():
    ExchangeRateFactory(currency="EUR", usd_per_unit=Decimal("1.0825"))
    SalaryBandFactory(area="DE", p10=60000, p25=80000, p50=100000, p75=120000, p90=140000)
    posting = PostingFactory(salary_min=9000, salary_max=9000, salary_period="month")
    insight = posting_pay_insight(posting)
    # 9,000 * 12 * 1.0825 = 116,910; between the median (100k) and p75 (120k):
    # 50 + 25 * 16,910/20,000 = 71.1 -> 71st.
    assert insight.pay.annual_mid == Decimal("116910")
    assert insight.position.phrase == "at the 71st percentile"
    html = _render(insight)
    assert "1 EUR = 1.0825 USD" in html
    assert '<time datetime="2024-12-31">31 Dec 2024</time>' in html
    assert "monthly pay over 12 months" in html


@pytest.mark.parametrize(("rate", "shown"), [("10", "10"), ("0.5", "0.5"), ("1.250000", "1.25")])
def test_a_rate_reads_without_trailing_zeros_or_an_exponent(rate, shown):
    ExchangeRateFactory(currency="EUR", usd_per_unit=Decimal(rate))
    SalaryBandFactory(area="DE")
    posting = PostingFactory(salary_min=9000, salary_max=9000, salary_period="month")
    assert f"1 EUR = {shown} USD (rate of" in _render(posting_pay_insight(posting))


def test_a_posting_without_pay_says_so_and_shows_the_band_as_an_estimate():
    SalaryBandFactory(area="DE")
    insight = posting_pay_insight(PostingFactory(unpaid=True))
    assert insight.is_estimate and not insight.has_pay
    assert insight.summary.startswith("Estimate: senior ML engineers in Germany earn 150,000")
    html = _render(insight)
    assert "does not state pay" in html
    assert "Estimated pay for this role" in html
    assert "<circle" not in html  # no posting marker on the bar


def test_pay_in_a_currency_without_a_rate_is_not_placed():
    SalaryBandFactory(area="DE")
    insight = posting_pay_insight(PostingFactory(salary_currency="CHF"))
    assert insight.missing_rate and insight.is_estimate
    assert "no exchange rate" in _render(insight)


def test_without_a_band_the_insight_explains_itself():
    SalaryBandFactory(area="DE")
    insight = posting_pay_insight(PostingFactory(role_family="mlops", country="JP"))
    assert insight.band is None and insight.bar is None
    html = _render(insight)
    assert "No salary band to compare with. No band has at least 10 responses." in html
    assert "<svg" not in html


def test_without_any_bands_there_is_no_insight_and_the_include_is_silent():
    assert posting_pay_insight(PostingFactory()) is None
    assert _render(None).strip() == ""

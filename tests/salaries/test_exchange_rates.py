"""Exchange rates: the shipped table, reloading, admins' edits, and annual USD from the database."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command

from salaries.models import ExchangeRate
from salaries.services import annual_usd, exchange_rates_load
from tests.salaries.factories import ExchangeRateFactory

pytestmark = pytest.mark.django_db

REQUIRED = [
    "EUR", "GBP", "CHF", "CAD", "INR", "SGD", "AUD", "JPY", "PLN", "SEK",
    "ILS", "NOK", "DKK", "BRL", "MXN", "CNY", "HKD", "NZD", "KRW", "ZAR",
]  # fmt: skip


def test_the_shipped_table_has_the_twenty_currencies_and_reloading_adds_nothing():
    out = io.StringIO()
    call_command("load_exchange_rates", stdout=out)
    assert "20 added, 0 kept" in out.getvalue()
    assert sorted(ExchangeRate.objects.values_list("currency", flat=True)) == sorted(REQUIRED)
    assert set(ExchangeRate.objects.values_list("rate_date", flat=True)) == {date(2024, 12, 31)}
    call_command("load_exchange_rates", stdout=out)
    assert "0 added, 20 kept" in out.getvalue()


def test_reloading_keeps_a_rate_an_admin_edited():
    ExchangeRateFactory(currency="EUR", usd_per_unit=Decimal("1.1"))
    call_command("load_exchange_rates", stdout=io.StringIO())
    assert ExchangeRate.objects.get(currency="EUR").usd_per_unit == Decimal("1.1")


def test_annual_usd_uses_the_newest_stored_rate():
    ExchangeRateFactory(currency="EUR", usd_per_unit=Decimal("1.0"), rate_date=date(2023, 1, 1))
    ExchangeRateFactory(currency="EUR", usd_per_unit=Decimal("1.0825"))
    assert annual_usd(Decimal("9000"), "EUR", "month") == Decimal("116910.0000")
    assert annual_usd(Decimal("60"), "USD", "hour") == Decimal("124800")
    assert annual_usd(Decimal("1"), "CHF", "year") is None


def test_annual_usd_takes_rates_given_to_it_without_a_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert annual_usd(Decimal("100"), "GBP", "day", rates={"GBP": Decimal("1.25")}) == Decimal(
            "32500.00"
        )


@pytest.mark.parametrize(
    "data",
    [
        {"date": "2024-13-01", "rates": {"EUR": "1"}},
        {"date": "2024-12-31", "rates": {"EURO": "1"}},
        {"date": "2024-12-31", "rates": {"EUR": "-1"}},
        {"date": "2024-12-31", "rates": {"USD": "1"}},
        {"rates": {"EUR": "1"}},
    ],
)
def test_malformed_rate_data_is_refused_with_a_reason(data):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        exchange_rates_load(data=data)
    assert not ExchangeRate.objects.exists()

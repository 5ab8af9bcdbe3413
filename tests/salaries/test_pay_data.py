"""The current bands and rates kept per process (salaries.services.pay_data) follow every
write to them: whoever makes it, in this session or another, and a rollback undoes it."""

from __future__ import annotations

from decimal import Decimal

import psycopg2
import pytest
from django.db import connection, transaction

from salaries.models import ExchangeRate, SalaryBand
from salaries.services import (
    band_correct,
    band_lookup,
    bands_load,
    exchange_rates_load,
    pay_data,
    rates_current,
)
from tests.factories import UserFactory
from tests.salaries.factories import ExchangeRateFactory, SalaryBandFactory

pytestmark = pytest.mark.django_db


def _median() -> Decimal | None:
    band = band_lookup(role_family="ml_engineer", seniority="senior", country="US").band
    return band.p50 if band else None


def _raise_all(band: SalaryBand) -> None:
    SalaryBand.objects.filter(pk=band.pk).update(p90=300000, p75=240000, p50=200000)


def _raw_sql(band: SalaryBand) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE salaries_salaryband SET p50 = 200000, p75 = 240000, p90 = 300000 WHERE id = %s",
            [band.pk],
        )


def _save(band: SalaryBand) -> None:
    band.p50, band.p75, band.p90 = 200000, 240000, 300000
    band.save()


def _correct(band: SalaryBand) -> None:
    figures = (band.p10, band.p25, Decimal(200000), Decimal(240000), Decimal(300000))
    band_correct(band=band, figures=figures, note="survey typo", user=UserFactory(is_staff=True))


def _reload_file(band: SalaryBand) -> None:
    # The shipped file's way in (bands_export's JSON): bulk statements, not a save a band.
    group = {name: getattr(band, name) for name in ("role_family", "seniority", "scope", "area")}
    item = group | {
        "workplace": band.workplace,
        "n": band.sample_size,
        "figures": ["120000", "150000", "200000", "240000", "300000"],
        "computed_at": "2025-01-01T00:00:00+00:00",
    }
    bands_load(data={"source": band.source, "year": band.year, "bands": [item]})


@pytest.mark.parametrize("write", [_save, _raise_all, _raw_sql, _correct, _reload_file])
def test_a_band_written_any_way_is_seen_by_the_next_read(write):
    band = SalaryBandFactory()
    assert _median() == Decimal(180000)
    write(band)
    assert _median() == Decimal(200000)


def test_deleting_the_bands_leaves_none_to_compare_with():
    SalaryBandFactory()
    assert pay_data().reference == {"year": 2024, "source": "ai-jobs.net"}
    SalaryBand.objects.all().delete()
    assert pay_data().reference is None
    assert _median() is None


def test_a_newer_year_becomes_the_reference():
    SalaryBandFactory()
    assert pay_data().reference["year"] == 2024
    SalaryBandFactory(year=2025, p50=190000)
    assert pay_data().reference["year"] == 2025
    assert _median() == Decimal(190000)


def test_rates_follow_loads_edits_and_deletes():
    ExchangeRateFactory(currency="EUR", usd_per_unit=Decimal("1.08"))
    assert rates_current()["EUR"].usd_per_unit == Decimal("1.08")
    exchange_rates_load(data={"date": "2025-06-30", "rates": {"EUR": "1.17", "GBP": "1.36"}})
    assert {code: r.usd_per_unit for code, r in rates_current().items()} == {
        "EUR": Decimal("1.17"),
        "GBP": Decimal("1.36"),
    }
    ExchangeRate.objects.filter(currency="GBP").update(usd_per_unit=Decimal("1.30"))
    assert rates_current()["GBP"].usd_per_unit == Decimal("1.30")
    ExchangeRate.objects.filter(rate_date="2025-06-30").delete()
    assert set(rates_current()) == {"EUR"}
    assert rates_current()["EUR"].usd_per_unit == Decimal("1.08")


def test_a_rolled_back_write_is_forgotten():
    band = SalaryBandFactory()
    assert _median() == Decimal(180000)
    with pytest.raises(RuntimeError), transaction.atomic():
        _raise_all(band)
        assert _median() == Decimal(200000)  # the writer sees its own change
        raise RuntimeError
    assert _median() == Decimal(180000)


def test_reads_are_one_query_until_something_changes(django_assert_num_queries):
    band = SalaryBandFactory()
    pay_data()
    with django_assert_num_queries(1):
        assert _median() == Decimal(180000)
    _raise_all(band)
    with django_assert_num_queries(4):  # the version, then reference, bands and rates
        assert _median() == Decimal(200000)


@pytest.mark.django_db(transaction=True)
def test_a_write_committed_by_another_session_is_seen():
    band = SalaryBandFactory()
    assert _median() == Decimal(180000)
    # Another process's connection (a worker, a shell, psql), committing its own UPDATE.
    settings = connection.settings_dict
    other = psycopg2.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        password=settings["PASSWORD"],
        host=settings["HOST"],
        port=settings["PORT"],
    )
    try:
        with other, other.cursor() as cursor:
            cursor.execute("UPDATE salaries_salaryband SET p50 = 190000 WHERE id = %s", [band.pk])
    finally:
        other.close()
    assert _median() == Decimal(190000)

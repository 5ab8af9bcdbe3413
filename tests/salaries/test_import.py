"""`manage.py import_salaries`: counts, reported bad rows, idempotence, and band figures checked
against an independent computation (statistics.median over the CSV read with the csv module)."""

from __future__ import annotations

import csv
import io
import statistics
import time
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.management import call_command

from salaries.models import SalaryBand, SalarySample
from salaries.survey import role_family_for_title
from tests.salaries.conftest import REAL_CSV, SMALL_CSV

pytestmark = pytest.mark.django_db


def _import(path) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_salaries", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _whole(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def _usd(path, keep) -> list[int]:
    """salary_in_usd of the CSV rows `keep` accepts, read without any of our code."""
    with open(path, newline="") as file:
        return [int(row["salary_in_usd"]) for row in csv.DictReader(file) if keep(row)]


def test_it_imports_the_small_survey_and_reports_each_malformed_row():
    out, err = _import(SMALL_CSV)
    assert "Read 52 rows" in out
    assert "46 imported, 6 skipped (0 already imported, 1 not full-time, 5 malformed)" in out
    assert err.splitlines() == [
        "line 18: experience_level 'XX' is not one of EN, MI, SE, EX",
        "line 25: salary 'abc' is not a number",
        "line 31: expected 11 columns",
        "line 43: company_location 'ZZ' is not an ISO 3166-1 alpha-2 code",
        "line 46: remote_ratio 30 is not one of 0, 50, 100",
    ]
    assert SalarySample.objects.count() == 46
    # Two identical response rows are two respondents: both kept.
    assert SalarySample.objects.filter(salary_usd=200000, company_location="US").count() == 2
    assert "Bands for ai-jobs.net 2024" in out


def test_reimporting_the_same_file_changes_nothing():
    _import(SMALL_CSV)
    before = {b.pk: (b.figures, b.sample_size, b.computed_at) for b in SalaryBand.objects.all()}
    out, _ = _import(SMALL_CSV)
    assert "0 imported, 52 skipped (46 already imported, 1 not full-time, 5 malformed)" in out
    assert SalarySample.objects.count() == 46
    after = {b.pk: (b.figures, b.sample_size, b.computed_at) for b in SalaryBand.objects.all()}
    assert after == before


def test_band_figures_match_an_independent_computation():
    _import(SMALL_CSV)
    us_ml = _usd(
        SMALL_CSV,
        lambda r: r["work_year"] == "2024" and r["experience_level"] == "SE"
        and r["employment_type"] == "FT" and r["job_title"] == "Machine Learning Engineer"
        and r["company_location"] == "US" and r["salary_in_usd"].isdigit()
        and r["remote_ratio"] in {"0", "100"},
    )  # fmt: skip
    band = SalaryBand.objects.get(
        role_family="ml_engineer", seniority="senior", scope="country", area="US", workplace="any"
    )
    assert band.sample_size == len(us_ml) == 16
    assert band.p50 == _whole(statistics.median(us_ml))
    deciles = statistics.quantiles(us_ml, n=10, method="inclusive")
    assert (band.p10, band.p90) == (_whole(deciles[0]), _whole(deciles[8]))
    quartiles = statistics.quantiles(us_ml, n=4, method="inclusive")
    assert (band.p25, band.p75) == (_whole(quartiles[0]), _whole(quartiles[2]))


def test_groups_with_fewer_than_ten_responses_have_a_count_but_no_figures():
    _import(SMALL_CSV)
    remote = SalaryBand.objects.get(
        role_family="ml_engineer", seniority="senior", area="US", workplace="remote"
    )
    assert remote.sample_size == 4
    assert remote.figures == (None,) * 5
    assert not SalaryBand.objects.filter(sample_size__lt=10, p50__isnull=False).exists()


def test_only_the_reference_year_goes_into_bands():
    _import(SMALL_CSV)
    assert set(SalaryBand.objects.values_list("year", flat=True)) == {2024}
    world = SalaryBand.objects.get(
        role_family="", seniority="", scope="world", area="", workplace="any"
    )
    assert world.sample_size == 43  # 46 imported less the three 2023 responses


def test_a_missing_file_is_a_clear_error():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=r"cannot read /nonexistent\.csv"):
        call_command("import_salaries", "/nonexistent.csv")


@pytest.mark.skipif(
    not REAL_CSV.exists(), reason=f"the real ai-jobs.net survey is not at {REAL_CSV}"
)
def test_the_real_survey_imports_with_medians_matching_an_independent_computation():
    started = time.monotonic()
    out, err = _import(REAL_CSV)
    elapsed = time.monotonic() - started
    print(f"\nreal survey import: {elapsed:.1f}s\n{out}")  # the figure the README quotes
    assert "Read 74,301 rows" in out
    assert (
        "73,951 imported, 350 skipped (0 already imported, 350 not full-time, 0 malformed)" in out
    )
    assert err == ""

    def full_time_2024(row) -> bool:
        return row["work_year"] == "2024" and row["employment_type"] == "FT"

    everyone = _usd(REAL_CSV, full_time_2024)
    world = SalaryBand.objects.get(role_family="", seniority="", scope="world", workplace="any")
    assert world.sample_size == len(everyone)
    assert world.p50 == _whole(statistics.median(everyone))

    us_senior_ml = _usd(
        REAL_CSV,
        lambda r: full_time_2024(r) and r["experience_level"] == "SE"
        and r["company_location"] == "US"
        and role_family_for_title(r["job_title"]) == "ml_engineer",
    )  # fmt: skip
    us_band = SalaryBand.objects.get(
        role_family="ml_engineer", seniority="senior", scope="country", area="US", workplace="any"
    )
    assert us_band.sample_size == len(us_senior_ml)
    assert us_band.p50 == _whole(statistics.median(us_senior_ml))

    gb_remote_ds = _usd(
        REAL_CSV,
        lambda r: full_time_2024(r) and r["company_location"] == "GB"
        and r["remote_ratio"] == "100"
        and role_family_for_title(r["job_title"]) == "data_scientist",
    )  # fmt: skip
    band = SalaryBand.objects.get(
        role_family="data_scientist", seniority="", scope="country", area="GB", workplace="remote"
    )
    assert band.sample_size == len(gb_remote_ds)
    if band.has_figures:
        assert band.p50 == _whole(statistics.median(gb_remote_ds))
    print(
        f"medians: world {world.p50} (n={world.sample_size}); US senior ML engineers "
        f"{us_band.p50} (n={us_band.sample_size}); GB remote data scientists {band.p50} "
        f"(n={band.sample_size})"
    )

"""/salaries/ and the calculator: charts with data and with none, premiums, bad input."""

from __future__ import annotations

import statistics
from decimal import Decimal

import pytest
from django.urls import reverse

from salaries.models import SalaryBand
from tests.factories import PostingFactory
from tests.salaries.factories import ExchangeRateFactory, SalaryBandFactory, SkillFactory

pytestmark = pytest.mark.django_db


def test_the_insights_page_without_any_data_says_so(client):
    response = client.get(reverse("salaries:insights"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "No salary bands are loaded yet" in html
    assert "No city has at least 10 open postings" in html
    assert "Not enough open postings state pay" in html
    assert "<svg" not in html


def test_the_insights_page_charts_the_survey_with_a_table_of_the_same_numbers(client, small_survey):
    html = client.get(reverse("salaries:insights")).content.decode()
    band = SalaryBand.objects.get(
        role_family="ml_engineer", seniority="senior", scope="world", workplace="any"
    )
    assert band.sample_size == 27
    # In the chart: label, short median and sample size; in the table: every figure in full.
    assert "ML engineer · Senior" in html
    assert f"{band.p50 / 1000:.3g}k · n 27" in html
    row = "".join(f"<td>{f:,.0f}</td>" for f in band.figures) + "<td>27</td>"
    assert row in html
    assert 'role="img"' in html
    # role, country, region, remote: each in a hidden box (a hidden table alone widens a phone page)
    assert html.count('<div class="sr-only"><table class="salary-table">') == 4
    assert "United States" in html and "Europe" in html
    assert "the survey records the employer's country, not its city" in html
    assert "ai-jobs.net 2024" in html


def test_groups_with_too_few_responses_are_never_charted(client):
    SalaryBandFactory(role_family="", scope="world", area="", seniority="senior", p50=181234)
    SalaryBandFactory(
        role_family="", scope="world", area="", seniority="junior", workplace="any", thin=True
    )
    html = client.get(reverse("salaries:insights")).content.decode()
    assert "All roles · Senior" in html
    assert "All roles · Junior" not in html


def test_city_hubs_need_ten_postings_with_pay(client):
    ExchangeRateFactory()
    for pay in range(60_000, 160_000, 10_000):  # ten in Berlin
        PostingFactory(salary_min=pay, salary_max=pay, city="Berlin")
    for _ in range(9):  # nine in Paris: too few
        PostingFactory(city="Paris", country="FR")
    html = client.get(reverse("salaries:insights")).content.decode()
    assert "Berlin, Germany" in html
    assert "Paris" not in html
    # Median mid-range pay of the Berlin ten: (100k + 110k) / 2 EUR * 1.0825.
    assert f"<td>{105_000 * Decimal('1.0825'):,.0f}</td>" in html


def test_skill_premiums_compare_medians_with_and_without_the_skill(client):
    pytorch = SkillFactory(name="PyTorch")
    with_skill = [150_000 + 5_000 * i for i in range(10)]
    without = [100_000 + 5_000 * i for i in range(12)]
    for pay in with_skill:
        PostingFactory(
            salary_min=pay, salary_max=pay, salary_currency="USD", skill_ids=[pytorch.pk]
        )
    for pay in without:
        PostingFactory(salary_min=pay, salary_max=pay, salary_currency="USD")
    PostingFactory(draft=True, salary_min=10**6, salary_max=10**6, skill_ids=[pytorch.pk])
    html = client.get(reverse("salaries:insights")).content.decode()
    median_with, median_without = statistics.median(with_skill), statistics.median(without)
    assert (
        f'<tr><th scope="row">PyTorch</th><td>{median_with:,.0f}</td><td>10</td>'
        f"<td>{median_without:,.0f}</td><td>12</td>"
        f"<td>+{(median_with / median_without - 1) * 100:.1f}%</td></tr>"
    ) in html


@pytest.mark.parametrize(
    "query",
    [
        "?role=wizard&level=senior&percentile=p50",
        "?role=ml_engineer&level=overlord&percentile=p50",
        "?role=ml_engineer&level=senior&country=XX&percentile=p50",
        "?role=ml_engineer&level=senior&percentile=p99",
        "?role=ml_engineer&level=senior&percentile=p50&country=%00",
        "?role=&level=",
        "?role=ml_engineer&role=data_scientist&level=senior&percentile=p50&country=%FF",
    ],
)
def test_the_calculator_answers_bad_input_with_a_message(client, query):
    response = client.get(reverse("salaries:calculator") + query)
    assert response.status_code == 200
    html = response.content.decode()
    assert "could not be used; please pick again" in html
    assert "Select a valid choice" in html or "This field is required" in html


def test_the_calculator_first_shows_just_the_form(client):
    html = client.get(reverse("salaries:calculator")).content.decode()
    assert "please pick again" not in html
    assert "<form" in html and "Band:" not in html


def test_the_calculator_shows_the_band_and_visible_postings_at_or_above_the_percentile(client):
    SalaryBandFactory(p75=220000)
    at = PostingFactory(
        title="At p75", country="US", salary_min=200000, salary_max=240000, salary_currency="USD"
    )
    above = PostingFactory(
        title="Above p75", country="US", salary_min=250000, salary_max=260000,
        salary_currency="USD",
    )  # fmt: skip
    PostingFactory(
        title="Below p75", country="US", salary_min=200000, salary_max=210000,
        salary_currency="USD",
    )  # fmt: skip
    PostingFactory(
        title="Hidden draft", draft=True, country="US", salary_min=300000, salary_max=300000,
        salary_currency="USD",
    )  # fmt: skip
    PostingFactory(
        title="Other level", seniority="junior", country="US", salary_min=300000,
        salary_max=300000, salary_currency="USD",
    )  # fmt: skip
    response = client.get(
        reverse("salaries:calculator"),
        {"role": "ml_engineer", "level": "senior", "country": "US", "percentile": "p75"},
    )
    html = response.content.decode()
    assert "Band: senior ML engineers in the US" in html
    assert "n = 4,222, ai-jobs.net 2024" in html
    assert "at least the 75th percentile (220,000 USD a year)" in html
    titles = [item.posting.title for item in response.context["postings"]]
    assert titles == [above.title, at.title]


def test_the_calculator_explains_a_fallback(client):
    SalaryBandFactory(seniority="lead")
    html = client.get(
        reverse("salaries:calculator"),
        {"role": "ml_engineer", "level": "principal", "country": "US", "percentile": "p50"},
    ).content.decode()
    assert "Band: lead ML engineers in the US" in html
    assert "The salary survey has no principal level, so the nearest, lead, is used." in html


def test_the_calculator_says_when_there_is_no_band(client):
    html = client.get(
        reverse("salaries:calculator"),
        {"role": "ml_engineer", "level": "senior", "percentile": "p50"},
    ).content.decode()
    assert "No band has at least 10 responses." in html


def test_the_calculator_for_remote_work_uses_the_remote_band_and_remote_postings(client):
    SalaryBandFactory(workplace="remote", p50=150000)
    SalaryBandFactory(workplace="any")
    remote = PostingFactory(
        title="Remote", workplace="remote", country="US", salary_min=160000,
        salary_max=160000, salary_currency="USD",
    )  # fmt: skip
    PostingFactory(
        title="Office", workplace="onsite", country="US", salary_min=160000,
        salary_max=160000, salary_currency="USD",
    )  # fmt: skip
    response = client.get(
        reverse("salaries:calculator"),
        {"role": "ml_engineer", "level": "senior", "country": "US", "remote": "on",
         "percentile": "p50"},
    )  # fmt: skip
    html = response.content.decode()
    assert "Band: fully remote senior ML engineers in the US" in html
    assert "in United States, fully remote" in html
    assert [item.posting for item in response.context["postings"]] == [remote]

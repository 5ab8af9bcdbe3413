"""Too few responses: fall back to a broader band (drop remote, country -> region, then the role
family, then the world), and say which band was used and why."""

from __future__ import annotations

import pytest

from salaries.services import band_candidates, band_lookup
from tests.salaries.factories import SalaryBandFactory

pytestmark = pytest.mark.django_db


def test_the_narrowest_band_with_enough_responses_is_used_without_comment():
    SalaryBandFactory(workplace="remote", sample_size=50)
    SalaryBandFactory(workplace="any")
    match = band_lookup(role_family="ml_engineer", seniority="senior", country="US", remote=True)
    assert (match.band.workplace, match.fell_back, match.reason) == ("remote", False, "")
    assert match.label == "fully remote senior ML engineers in the US"


def test_too_few_remote_responses_drop_remote_and_say_so():
    SalaryBandFactory(workplace="remote", thin=True)
    SalaryBandFactory(workplace="any")
    match = band_lookup(role_family="ml_engineer", seniority="senior", country="US", remote=True)
    assert match.band.workplace == "any"
    assert match.label == "senior ML engineers in the US"
    assert match.reason == (
        "A broader band is shown because narrower ones have fewer than 10 responses: "
        "fully remote senior ML engineers in the US (n = 4)."
    )


def test_a_thin_country_falls_back_to_its_region():
    SalaryBandFactory(area="DE", thin=True)
    SalaryBandFactory(scope="region", area="europe", sample_size=11)
    match = band_lookup(role_family="ml_engineer", seniority="senior", country="DE", remote=False)
    assert (match.band.scope, match.band.area) == ("region", "europe")
    assert match.label == "senior ML engineers in Europe"
    assert [(s.label, s.sample_size) for s in match.skipped] == [
        ("on-site or hybrid senior ML engineers in Germany", 0),
        ("senior ML engineers in Germany", 4),
    ]
    assert "(no responses)" in match.reason


def test_a_thin_region_drops_the_role_family_before_going_worldwide():
    SalaryBandFactory(role_family="data_scientist", scope="region", area="europe", thin=True)
    SalaryBandFactory(role_family="", scope="region", area="europe", sample_size=22)
    SalaryBandFactory(role_family="data_scientist", scope="world", area="", sample_size=500)
    match = band_lookup(role_family="data_scientist", seniority="senior", country="FR")
    assert (match.band.role_family, match.band.area) == ("", "europe")
    assert match.label == "all senior ML and data people in Europe"


def test_with_nothing_nearer_the_world_band_is_used():
    SalaryBandFactory(role_family="", scope="world", area="", sample_size=900)
    match = band_lookup(role_family="data_scientist", seniority="senior", country="KE")
    assert match.band.scope == "world"
    assert match.label == "all senior ML and data people worldwide"
    assert len(match.skipped) == 4  # Kenya, its region, its region for all roles, the world


def test_a_remote_posting_without_a_country_starts_from_the_world():
    assert band_candidates(role_family="mlops", seniority="mid", country="", remote=True) == [
        ("mlops", "mid", "world", "", "remote"),
        ("mlops", "mid", "world", "", "any"),
        ("", "mid", "world", "", "any"),
    ]


def test_levels_the_survey_lacks_use_the_nearest_level_and_say_so():
    SalaryBandFactory(seniority="lead")
    match = band_lookup(role_family="ml_engineer", seniority="principal", country="US")
    assert (match.band.seniority, match.label) == ("lead", "lead ML engineers in the US")
    assert match.fell_back
    assert (
        match.reason == "The salary survey has no principal level, so the nearest, lead, is used."
    )


def test_with_no_band_anywhere_the_reason_lists_what_was_tried():
    SalaryBandFactory(role_family="", scope="world", area="", seniority="junior", thin=True)
    match = band_lookup(role_family="mlops", seniority="junior", country="")
    assert match.band is None
    assert match.reason == (
        "No band has at least 10 responses. Tried: junior MLOps and ML platform engineers "
        "worldwide (no responses); all junior ML and data people worldwide (n = 4)."
    )


def test_only_the_newest_reference_year_is_used():
    SalaryBandFactory(year=2023, p50=999_999, p75=999_999, p90=999_999)
    SalaryBandFactory(year=2024)
    match = band_lookup(role_family="ml_engineer", seniority="senior", country="US")
    assert (match.band.year, match.band.p50) == (2024, 180000)


def test_fallback_over_bands_computed_from_the_fixture_survey(small_survey):
    # Germany has 6 senior ML engineers, the UK 5: Europe has 11, enough.
    match = band_lookup(role_family="ml_engineer", seniority="senior", country="DE", remote=False)
    assert (match.band.scope, match.band.area, match.band.sample_size) == ("region", "europe", 11)
    assert [s.sample_size for s in match.skipped] == [6, 6]

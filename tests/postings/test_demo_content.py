"""Unit tests for the demo job-posting generator (pure Python, no database)."""

import re
import statistics
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from postings.demo.content import (
    ALL_SKILLS,
    EMPLOYMENT_TYPES,
    REMOTE_REGION_CODES,
    ROLE_FAMILIES,
    SALARY_PERIODS,
    SENIORITIES,
    STATUSES,
    WORKPLACES,
    bench,
    generate_companies,
    generate_postings,
)

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
SEED = 42
N = 4000

COUNTRY_CURRENCY = {
    "US": "USD",
    "CA": "CAD",
    "GB": "GBP",
    "DE": "EUR",
    "FR": "EUR",
    "NL": "EUR",
    "IE": "EUR",
    "PT": "EUR",
    "ES": "EUR",
    "CH": "CHF",
    "SE": "SEK",
    "IL": "ILS",
    "IN": "INR",
    "SG": "SGD",
    "AU": "AUD",
    "JP": "JPY",
    "PL": "PLN",
}
POSTING_FIELDS = {
    "key",
    "company_slug",
    "title",
    "description",
    "seniority",
    "role_family",
    "employment_type",
    "workplace",
    "city",
    "region",
    "country",
    "remote_regions",
    "salary_min",
    "salary_max",
    "salary_currency",
    "salary_period",
    "visa_sponsorship",
    "apply_url",
    "apply_email",
    "status",
    "created_at",
    "published_at",
    "expires_at",
}
COMPANY_FIELDS = {"name", "slug", "website", "description", "city", "country"}
ISO2 = re.compile(r"^[A-Z]{2}$")
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@pytest.fixture(scope="module")
def companies():
    return generate_companies(SEED)


@pytest.fixture(scope="module")
def postings(companies):
    return list(generate_postings(N, seed=SEED, now=NOW, companies=companies))


# --- reproducibility ---------------------------------------------------------------------


def test_companies_reproducible():
    assert generate_companies(1) == generate_companies(1)
    assert generate_companies(1) != generate_companies(2)


def test_postings_reproducible(companies, postings):
    again = list(generate_postings(N, seed=SEED, now=NOW, companies=companies))
    assert again == postings
    other = list(generate_postings(N, seed=SEED + 1, now=NOW, companies=companies))
    assert [p["description"] for p in other] != [p["description"] for p in postings]


def test_prefix_is_stable(companies, postings):
    """Generating fewer postings yields a prefix of the longer run."""
    short = list(generate_postings(50, seed=SEED, now=NOW, companies=companies))
    assert short == postings[:50]


def test_global_random_state_untouched(companies):
    import random

    random.seed(123)
    expected = random.random()
    random.seed(123)
    list(generate_postings(100, seed=SEED, now=NOW, companies=companies))
    generate_companies(SEED)
    assert random.random() == expected


def test_naive_now_rejected(companies):
    with pytest.raises(ValueError):
        next(generate_postings(1, seed=1, now=datetime(2025, 1, 1), companies=companies))


# --- companies ---------------------------------------------------------------------------


def test_companies_shape(companies):
    assert 100 <= len(companies) <= 150
    slugs = [c["slug"] for c in companies]
    assert len(set(slugs)) == len(slugs)
    assert len({c["name"] for c in companies}) == len(companies)
    for c in companies:
        assert set(c) == COMPANY_FIELDS
        assert SLUG.match(c["slug"])
        assert c["website"] == f"https://{c['slug']}.example"
        assert ISO2.match(c["country"])
        assert c["city"]
        assert c["name"] in c["description"]
        assert 1 <= c["description"].count(". ") + 1 <= 3


def test_companies_spread_over_hubs(companies):
    countries = Counter(c["country"] for c in companies)
    assert len(countries) >= 8
    assert countries.most_common(1)[0][0] == "US"


# --- postings: enums and basic fields ------------------------------------------------------


def test_fields_and_enums(companies, postings):
    slugs = {c["slug"] for c in companies}
    for p in postings:
        assert set(p) == POSTING_FIELDS
        assert p["company_slug"] in slugs
        assert p["seniority"] in SENIORITIES
        assert p["role_family"] in ROLE_FAMILIES
        assert p["employment_type"] in EMPLOYMENT_TYPES
        assert p["workplace"] in WORKPLACES
        assert p["status"] in STATUSES
        assert p["salary_period"] in (*SALARY_PERIODS, "")
        assert ISO2.match(p["country"])
        assert p["city"]
        assert isinstance(p["region"], str)
        assert isinstance(p["visa_sponsorship"], bool)
        assert p["title"] and len(p["title"]) <= 120


def test_all_enum_values_occur(postings):
    assert {p["seniority"] for p in postings} == set(SENIORITIES)
    assert {p["role_family"] for p in postings} == set(ROLE_FAMILIES)
    assert {p["employment_type"] for p in postings} == set(EMPLOYMENT_TYPES)
    assert {p["workplace"] for p in postings} == set(WORKPLACES)
    assert {p["status"] for p in postings} == set(STATUSES)
    assert {p["salary_period"] for p in postings} == {*SALARY_PERIODS, ""}


def test_distributions_realistic(postings):
    n = len(postings)
    seniority = Counter(p["seniority"] for p in postings)
    top_two = {s for s, _ in seniority.most_common(2)}
    assert top_two == {"senior", "mid"}
    family = Counter(p["role_family"] for p in postings)
    assert family.most_common(1)[0][0] == "ml_engineer"
    employment = Counter(p["employment_type"] for p in postings)
    assert employment["full_time"] / n > 0.75
    status = Counter(p["status"] for p in postings)
    assert 0.75 < status["published"] / n < 0.85
    assert Counter(p["country"] for p in postings).most_common(1)[0][0] == "US"
    no_pay = sum(p["salary_min"] is None for p in postings) / n
    assert 0.08 < no_pay < 0.16


def test_keys_unique_and_stable(postings):
    keys = [p["key"] for p in postings]
    assert len(set(keys)) == len(keys)
    assert keys[:3] == [f"demo-{SEED}-0", f"demo-{SEED}-1", f"demo-{SEED}-2"]


def test_internship_mostly_interns(postings):
    for p in postings:
        if p["employment_type"] == "internship":
            assert p["seniority"] == "intern"
    interns = [p for p in postings if p["seniority"] == "intern"]
    share = sum(p["employment_type"] == "internship" for p in interns) / len(interns)
    assert share > 0.8
    assert all("Intern" in p["title"] for p in interns)


def test_titles_match_seniority(postings):
    for p in postings:
        title = p["title"]
        if p["seniority"] == "senior":
            assert title.startswith(("Senior ", "Sr. "))
        elif p["seniority"] == "lead":
            assert title.startswith(("Staff ", "Lead "))
        elif p["seniority"] == "principal":
            assert title.startswith(("Principal ", "Distinguished "))
        elif p["seniority"] == "mid":
            assert not title.startswith(("Senior", "Staff", "Lead", "Principal", "Junior"))


# --- remote -------------------------------------------------------------------------------


def test_remote_regions(postings):
    for p in postings:
        regions = p["remote_regions"]
        assert isinstance(regions, list)
        if p["workplace"] == "remote":
            assert regions
            for r in regions:
                assert r in REMOTE_REGION_CODES or ISO2.match(r), r
        else:
            assert regions == []


# --- pay ----------------------------------------------------------------------------------


def test_salary_consistency(postings):
    for p in postings:
        lo, hi = p["salary_min"], p["salary_max"]
        assert (lo is None) == (hi is None)
        if lo is None:
            # all or nothing: no currency or period without a range
            assert p["salary_currency"] == "" and p["salary_period"] == ""
            continue
        assert p["salary_currency"] == COUNTRY_CURRENCY[p["country"]]
        assert p["salary_period"] in SALARY_PERIODS
        assert isinstance(lo, int) and isinstance(hi, int)
        assert 0 < lo < hi
        assert hi <= lo * 1.6


def _us_ml_annual(postings, seniority):
    return [
        (p["salary_min"] + p["salary_max"]) / 2
        for p in postings
        if p["country"] == "US"
        and p["role_family"] == "ml_engineer"
        and p["seniority"] == seniority
        and p["salary_period"] == "year"
        and p["salary_min"] is not None
    ]


def test_us_ml_engineer_pay_by_seniority(companies):
    postings = list(generate_postings(20000, seed=7, now=NOW, companies=companies))
    medians = {s: statistics.median(_us_ml_annual(postings, s)) for s in SENIORITIES[1:]}
    assert medians["junior"] < medians["mid"] < medians["senior"] < medians["lead"]
    assert medians["lead"] < medians["principal"]
    assert 90_000 <= medians["junior"] <= 135_000
    assert 130_000 <= medians["mid"] <= 180_000
    assert 170_000 <= medians["senior"] <= 240_000
    hourly = [
        p["salary_min"]
        for p in postings
        if p["country"] == "US"
        and p["seniority"] == "intern"
        and p["role_family"] == "ml_engineer"
        and p["salary_period"] == "hour"
        and p["salary_min"] is not None
    ]
    assert 30 <= statistics.median(hourly) <= 65


def test_pay_regional_differences(companies):
    postings = list(generate_postings(20000, seed=9, now=NOW, companies=companies))

    def med(country):
        vals = [
            p["salary_max"]
            for p in postings
            if p["country"] == country
            and p["seniority"] == "senior"
            and p["salary_period"] == "year"
            and p["salary_min"] is not None
        ]
        assert vals
        return statistics.median(vals)

    assert 80_000 <= med("DE") <= 140_000  # EUR, upper end of the range
    assert 2_500_000 <= med("IN") <= 7_000_000  # INR
    assert med("US") > med("DE")


def test_salary_periods_plausible(postings):
    for p in postings:
        if p["salary_min"] is None:
            continue
        if p["salary_period"] == "hour":
            assert p["employment_type"] != "full_time"
        if p["salary_period"] == "day":
            assert p["employment_type"] == "contract"


# --- visa / apply ---------------------------------------------------------------------------


def test_apply_url_or_email(postings):
    for p in postings:
        slug = p["company_slug"]
        if p["apply_url"] is None:
            assert p["apply_email"] == f"jobs@{slug}.example"
        else:
            assert p["apply_url"] == f"https://{slug}.example/careers/{p['key']}"
            assert p["apply_email"] is None


def test_visa_more_common_in_us(postings):
    def rate(country):
        sel = [p for p in postings if p["country"] == country]
        return sum(p["visa_sponsorship"] for p in sel) / len(sel)

    assert rate("US") > rate("IN")
    assert 0.05 < sum(p["visa_sponsorship"] for p in postings) / len(postings) < 0.5


# --- dates ---------------------------------------------------------------------------------


def test_dates_per_status(postings):
    for p in postings:
        created, published, expires = p["created_at"], p["published_at"], p["expires_at"]
        assert created.tzinfo is not None
        assert created <= NOW
        status = p["status"]
        if status in ("draft", "pending_review", "rejected"):
            assert published is None and expires is None
            assert NOW - timedelta(days=14) <= created
            continue
        assert published.tzinfo is not None and expires.tzinfo is not None
        assert created <= published <= NOW
        assert expires == published + timedelta(days=30)
        if status == "published":
            assert NOW - timedelta(days=28) <= published
            assert expires > NOW
        elif status == "expired":
            assert NOW - timedelta(days=90) <= published <= NOW - timedelta(days=31)
            assert expires < NOW
        elif status == "closed":
            assert NOW - timedelta(days=90) <= published


# --- descriptions --------------------------------------------------------------------------


def test_description_markdown(postings):
    lengths = []
    for p in postings:
        d = p["description"]
        lengths.append(len(d))
        assert "## What you'll do" in d
        assert "## What we're looking for" in d
        assert "<" not in d and ">" not in d  # no HTML
        assert "{" not in d and "}" not in d  # every placeholder was filled
        do = d.split("## What you'll do", 1)[1].split("## What we're looking for", 1)[0]
        do_bullets = [ln for ln in do.splitlines() if ln.startswith("- ")]
        assert 4 <= len(do_bullets) <= 7
        req = d.split("## What we're looking for", 1)[1].split("\n## ", 1)[0]
        req_bullets = [ln for ln in req.splitlines() if ln.startswith("- ")]
        assert 4 <= len(req_bullets) <= 8
        assert not d.startswith(("#", "-"))  # intro paragraph first
    assert 700 <= statistics.median(lengths) <= 2000
    in_range = sum(600 <= n <= 2300 for n in lengths) / len(lengths)
    assert in_range > 0.95


def test_optional_sections_present_sometimes(postings):
    nice = sum("## Nice to have" in p["description"] for p in postings)
    benefits = sum("## Benefits" in p["description"] for p in postings)
    assert 0 < nice < len(postings)
    assert 0 < benefits < len(postings)


def _skills_in(text):
    return {s for s in ALL_SKILLS if s in text}


def test_descriptions_mention_real_skills(postings):
    for p in postings:
        assert len(_skills_in(p["description"])) >= 3
    assert {"Python", "PyTorch", "SQL", "Spark", "Kubernetes", "AWS"} <= ALL_SKILLS


def test_skill_popularity_is_skewed(postings):
    counts = Counter()
    for p in postings:
        counts.update(_skills_in(p["description"]))
    ranked = [c for _, c in counts.most_common()]
    assert ranked[0] > 10 * ranked[-1]
    assert counts["Python"] > counts["Julia"]


def test_skills_biased_by_role_family(postings):
    def share(family, skill):
        sel = [p for p in postings if p["role_family"] == family]
        return sum(skill in p["description"] for p in sel) / len(sel)

    assert share("data_engineer", "Airflow") > share("research_scientist", "Airflow")
    assert share("research_scientist", "JAX") > share("data_analyst", "JAX")
    assert share("mlops", "Kubernetes") > share("data_scientist", "Kubernetes")
    assert share("data_analyst", "SQL") > 0.8


# --- speed ---------------------------------------------------------------------------------


def test_generator_is_fast():
    # The full target is >= 8,000 postings/s on one core; keep a margin for slow CI boxes.
    assert bench(5000) > 3000

"""The alerts' in-memory filters must match what the search page matches, for any search
(hypothesis): exactly for every filter they apply (text included), and a superset when the
search has a filter they leave to the page (a city)."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.http import QueryDict
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from postings.filters import PostingFilter, parse_search
from postings.models import Posting
from postings.seekers import alerts
from postings.services import postings_refresh_pay_usd
from postings.tagging.services import postings_tag
from skills.services import skill_index
from tests.factories import CompanyFactory, PostingFactory

pytestmark = pytest.mark.django_db

WORDS = ["pytorch", "kubernetes", "ranking", "models", "search", "the", "python", "sql",
         "tensorflow", "platform", "torch", "k8s", "senior", "engineering", "real-time",
         "ML/AI", "C++", "of", "real"]  # fmt: skip
LEVELS = ["junior", "mid", "senior", "lead"]
WORKPLACES = ["onsite", "hybrid", "remote"]
ROLES = ["ml_engineer", "data_scientist", "mlops"]


def _pay(rng: random.Random) -> dict:
    if rng.random() < 0.2:
        return {"salary_min": None, "salary_max": None, "salary_currency": "", "salary_period": ""}
    low = rng.randrange(50_000, 160_000, 5_000)
    return {"salary_min": low, "salary_max": low + rng.randrange(0, 50_000, 5_000),
            "salary_currency": "USD", "salary_period": "year"}  # fmt: skip


@pytest.fixture
def window_postings(taxonomy):
    rng = random.Random(7)
    now = timezone.now()
    companies = [CompanyFactory(name=n) for n in ("Ranking Labs", "Torch Works", "Plain Co")]
    for n in range(40):
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 12)))
        PostingFactory(
            title=f"Role {n} {rng.choice(WORDS)}", description=f"You will work on {text}.",
            company=rng.choice(companies), seniority=rng.choice(LEVELS),
            workplace=rng.choice(WORKPLACES), role_family=rng.choice(ROLES),
            visa_sponsorship=rng.random() < 0.3, country=rng.choice(["DE", "US", "GB"]),
            remote_regions=rng.choice([[], ["EU"], ["US"], ["WW"]]),
            published_at=now - timedelta(hours=rng.randint(1, 40)),
            **_pay(rng),
        )  # fmt: skip
    ids = list(Posting.objects.values_list("id", flat=True))
    postings_tag(posting_ids=ids)
    postings_refresh_pay_usd(posting_ids=ids)
    return now


queries = st.fixed_dictionaries(
    {},
    optional={
        "q": st.lists(st.sampled_from([*WORDS, "or", "-sql", '"ranking models"', "Labs",
                                       "Torch", "PyTorch", "time"]),
                      min_size=1, max_size=3).map(" ".join),
        "level": st.lists(st.sampled_from(LEVELS), max_size=2),
        "workplace": st.lists(st.sampled_from(WORKPLACES), max_size=2),
        "role": st.lists(st.sampled_from(ROLES), max_size=2),
        "skills": st.lists(st.sampled_from(["python", "pytorch", "kubernetes", "sql"]),
                           min_size=1, max_size=3),
        "match": st.sampled_from(["any", "all"]),
        "visa": st.just("1"),
        "country": st.sampled_from(["DE", "US"]),
        "location": st.sampled_from(["Berlin", "ber", "York"]),
        "salary_min": st.sampled_from(["70000", "95000"]),
    },
)  # fmt: skip


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=queries)
# Texts PostgreSQL reads specially: only stop words (matches nothing), a stop word beside a
# word (dropped), a skill word beside a stop word, a hyphenated phrase, an operator.
@example(query={"q": "of"})
@example(query={"q": "of ranking"})
@example(query={"q": "of pytorch"})
@example(query={"q": "real-time ML/AI"})
@example(query={"q": "-sql torch"})
@example(query={"q": "or"})
def test_the_alert_filters_match_what_the_page_filter_matches(window_postings, query):
    now = window_postings
    data = QueryDict(mutable=True)
    for key, value in query.items():
        data.setlist(key, value if isinstance(value, list) else [value])
    skills = skill_index()
    params = parse_search(data, skills=skills).params
    window = alerts.window_read(start=now - timedelta(days=3), end=now)

    candidates = set(window.ids_of(alerts.candidates(params, window, skills)))

    exact = set(
        PostingFilter(params, queryset=Posting.objects.visible(now), skills=skills).qs.values_list(
            "id", flat=True
        )
    )
    assert exact <= candidates, (query, sorted(exact - candidates))
    if set(params) <= alerts._EXACT_PARAMS:
        assert candidates == exact, (query, sorted(candidates - exact))


exact_queries = st.fixed_dictionaries(
    {},
    optional={
        "level": st.lists(st.sampled_from(LEVELS), max_size=2),
        "workplace": st.lists(st.sampled_from(WORKPLACES), max_size=2),
        "role": st.lists(st.sampled_from(ROLES), max_size=2),
        "skills": st.lists(st.sampled_from(["python", "pytorch", "kubernetes", "sql"]),
                           min_size=1, max_size=3),
        "match": st.sampled_from(["any", "all"]),
        "visa": st.just("1"),
    },
)  # fmt: skip


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=exact_queries)
def test_for_the_filters_it_applies_exactly_the_prefilter_is_the_page_filter(
    window_postings, query
):
    """Alerts using only these filters run no query: the indexes must agree with
    postings.filters to the role, or an alert would mail a role the page would not show."""
    now = window_postings
    data = QueryDict(mutable=True)
    for key, value in query.items():
        data.setlist(key, value if isinstance(value, list) else [value])
    skills = skill_index()
    params = parse_search(data, skills=skills).params
    assert set(params) <= alerts._EXACT_PARAMS
    window = alerts.window_read(start=now - timedelta(days=3), end=now)

    candidates = set(window.ids_of(alerts.candidates(params, window, skills)))

    exact = set(
        PostingFilter(params, queryset=Posting.objects.visible(now), skills=skills).qs.values_list(
            "id", flat=True
        )
    )
    assert candidates == exact, query

"""Whatever a query string holds, /jobs/ answers a page, never a 500: hypothesis writes the
query strings, from the parameters the page knows, with values typical and hostile (huge and
negative numbers, NUL and other control characters, long text, unknown parameters)."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from postings.tagging.services import postings_tag
from tests.factories import PostingFactory

pytestmark = pytest.mark.django_db

PARAMS = [
    "q", "skills", "match", "level", "role", "workplace", "type", "country", "location",
    "visa", "posted_within", "company", "salary_min", "sort", "page",
]  # fmt: skip
NUMBERS = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["9223372036854775807", "9223372036854775808", "1e18", "1e400", "-0",
                     "NaN", "Infinity", "0x10", "1_000", "\u0663", "\uff11\uff12", "9" * 5000,
                     " 7 "]),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)  # fmt: skip
KNOWN = st.sampled_from([
    "python", "pytorch", "PyTorch", "k8s", "senior", "mid", "remote", "ml_engineer", "all",
    "any", "full_time", "1", "7", "DE", "Germany", "uk", "salary", "relevance", "newest",
    "berlin", "acme", "",
])  # fmt: skip
TEXT = st.text(max_size=300)  # any code point, NUL and surrogates' neighbours included
VALUES = st.one_of(KNOWN, NUMBERS, TEXT)
QUERY = st.lists(
    st.tuples(st.one_of(st.sampled_from(PARAMS), st.text(max_size=10)), VALUES), max_size=12
)


@pytest.fixture
def seeded(taxonomy):
    made = [
        PostingFactory(title="Senior Vision Engineer", description="PyTorch and Kubernetes"),
        PostingFactory(title="Remote Data Scientist", workplace="remote", remote_regions=["WW"]),
        PostingFactory(title="Junior", seniority="junior", unpaid=True),
    ]
    postings_tag(posting_ids=[p.pk for p in made])


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(pairs=QUERY)
def test_no_query_string_gives_a_server_error(seeded, pairs):
    query = urlencode([(k, v.encode("utf-8", "surrogatepass")) for k, v in pairs])
    for fragment in (False, True):
        headers = {"x-requested-with": "search-fragment"} if fragment else {}
        response = Client(raise_request_exception=False).get(f"/jobs/?{query}", headers=headers)
        assert response.status_code == 200, query

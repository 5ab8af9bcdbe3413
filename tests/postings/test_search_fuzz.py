"""Whatever a query string holds, /jobs/ answers a page, never a 500: hypothesis writes the
query strings, from the parameters the page knows, with values typical and hostile (huge and
negative numbers, NUL and other control characters, long text, unknown parameters). Both
ways a search is answered: by PostgreSQL, and by the search index as under `make run` (a
bad value there was a 500 while PostgreSQL alone coped)."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from postings.engine import index as engine_index
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


@pytest.fixture(params=["postgresql", "index"])
def seeded(request, taxonomy, index_dir):
    made = [
        PostingFactory(title="Senior Vision Engineer", description="PyTorch and Kubernetes"),
        PostingFactory(title="Remote Data Scientist", workplace="remote", remote_regions=["WW"]),
        PostingFactory(title="Junior", seniority="junior", unpaid=True),
    ]
    postings_tag(posting_ids=[p.pk for p in made])
    if request.param == "index":
        assert engine_index.index_rebuild() == len(made)
    return request.param


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


@pytest.mark.parametrize(
    ("query", "notice"),
    [
        ("salary_min=abc", "Ignored the minimum pay: Enter a number."),
        ("q=%00abc", "Ignored the search text: Null characters are not allowed."),
        ("location=be%00rlin", "Ignored the city: Null characters are not allowed."),
        (
            "skills=py%00t%1borch",
            "Ignored the skill “pytorch”: it is not one we know. Did you mean PyTorch?",
        ),
        (
            "country=Ge%00r%07many",
            "Ignored the country “Germany”: it is not one we know. Did you mean Germany?",
        ),
    ],
)
def test_a_bad_value_is_dropped_with_a_notice_and_never_echoed_raw(client, seeded, query, notice):
    response = client.get(f"/jobs/?{query}")

    assert response.status_code == 200
    assert notice in response.context["result"].notices
    assert b"\x00" not in response.content and b"\x1b" not in response.content

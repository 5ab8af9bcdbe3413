"""Random searches over the whole filter space (the generator `make bench-browse` times at a
million postings) on a small board: each page's count and postings are what a plain ORM
evaluation of the same validated filters gives, with no sample, cap or window in between.

The reference is `ParsedSearch.postings()`: the FilterSet's queryset over visible(), in the
chosen order, counted and sliced by PostgreSQL directly. What it checks is everything the
search page does on top to be fast: the tally statement's own conditions, pages that come
with the count, the relevance candidates, the sample and its estimates.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.http import QueryDict
from django.urls import reverse

from jobboard.search_queries import query_string, random_searches, vocabulary_from_database
from postings import search
from postings.filters import parse_search
from postings.models import Posting
from postings.models import postings as posting_models
from postings.services import postings_refresh_pay_usd
from postings.tagging.services import postings_tag
from skills.extraction import Taxonomy
from skills.services import skill_index, taxonomy_load

pytestmark = pytest.mark.django_db

SEARCHES = 120


@pytest.fixture
def board(db):
    """400 demo postings (as `make run` seeds them), tagged with the shipped taxonomy."""
    call_command("load_exchange_rates", stdout=io.StringIO())
    taxonomy_load(taxonomy=Taxonomy.load())
    call_command("seed_demo", postings=400, seed=5, no_progress=True, stdout=io.StringIO())
    ids = list(Posting.objects.values_list("id", flat=True))
    postings_tag(posting_ids=ids)
    postings_refresh_pay_usd(posting_ids=ids)
    return vocabulary_from_database()


def _expected(query: str) -> tuple[int, list[int], int]:
    """(count, ids of the page shown, page shown) by the plain ORM."""
    parsed = parse_search(QueryDict(query), skills=skill_index())
    ordered = parsed.postings()
    count = ordered.count()
    if parsed.sort == "relevance" and count > search.RANK_CANDIDATES:
        # The page ranks the newest RANK_CANDIDATES matches: so does the reference.
        newest = parsed.filter.qs.order_by("-published_at", "-id").values_list("id", flat=True)
        ordered = ordered.filter(id__in=list(newest[: search.RANK_CANDIDATES]))
    # Pages stop where the count does ("10,000+"), and relevance at its candidates.
    shown = min(count, search.COUNT_CAP)
    if parsed.sort == "relevance":
        shown = min(shown, search.RANK_CANDIDATES)
    last_page = max(1, -(-shown // search.PAGE_SIZE))
    page = min(parsed.page, last_page)
    start = (page - 1) * search.PAGE_SIZE
    ids = list(ordered.values_list("id", flat=True)[start : start + search.PAGE_SIZE])
    return count, ids, page


def _check(client, searches) -> int:
    """Every search's page against the reference; the number of searches with results."""
    found = 0
    for one in searches:
        query = query_string(one)
        response = client.get(f"{reverse('postings:list')}?{query}")
        assert response.status_code == 200, query
        result = response.context["result"]
        count, ids, page = _expected(query)
        if result.count_capped:
            assert count > search.COUNT_CAP and result.count == search.COUNT_CAP, query
        else:
            assert result.count == count, query
        assert result.page == page, query
        assert [p.pk for p in result.postings] == ids, query
        found += bool(ids)
    return found


def test_random_searches_show_what_the_plain_orm_finds(client, board):
    searches = random_searches(board, seed=12, count=SEARCHES)
    found = _check(client, searches)
    # The mix holds searches with results and without.
    assert 0.3 * SEARCHES < found < SEARCHES


def test_random_searches_agree_too_when_the_sample_describes_broad_sets(client, board, monkeypatch):
    # Every posting in the sample and a low cap: the estimates, the uncounted pages and the
    # relevance cutoff from the sample run on this small board as they do at a million.
    monkeypatch.setattr(posting_models, "SAMPLE_EVERY", 1)
    monkeypatch.setattr(search, "COUNT_CAP", 60)
    monkeypatch.setattr(search, "RANK_CANDIDATES", 40)
    monkeypatch.setattr(search, "CUTOFF_RANK", 30)
    # Pages of broad sets from the sample's range of the sort key, never by a walk.
    monkeypatch.setattr(search, "WALK_ROWS", 0)
    monkeypatch.setattr(search, "WALK_ROWS_WITH_TEXT", 0)
    _check(client, random_searches(board, seed=13, count=SEARCHES))

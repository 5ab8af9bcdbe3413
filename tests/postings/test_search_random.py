"""Random searches over the whole filter space (the generator `make bench-browse` times at a
million postings) on a small board: each page's count and postings are what a plain ORM
evaluation of the same validated filters gives, with no sample, cap or window in between.

The reference is `ParsedSearch.postings()`: the FilterSet's queryset over visible(), in the
chosen order, counted and sliced by PostgreSQL directly. What it checks is everything the
search page does on top to be fast: the tally statement's own conditions, pages that come
with the count, the relevance candidates, the sample and its estimates.
"""

from __future__ import annotations

import pytest

from jobboard.search_queries import random_searches
from postings import search
from postings.models import postings as posting_models
from tests.postings.searching import check_pages

pytestmark = pytest.mark.django_db

SEARCHES = 120


def test_random_searches_show_what_the_plain_orm_finds(client, board):
    searches = random_searches(board, seed=12, count=SEARCHES)
    found = check_pages(client, searches)
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
    check_pages(client, random_searches(board, seed=13, count=SEARCHES))

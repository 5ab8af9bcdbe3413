"""Holding a search page to a plain ORM evaluation of the same filters (the reference).

Used by the random-search tests of both engines: PostgreSQL alone
(tests/postings/test_search_random.py) and the search index
(tests/postings/test_search_engine.py).
"""

from __future__ import annotations

from django.http import QueryDict
from django.urls import reverse

from jobboard.search_queries import query_string
from postings import search
from postings.filters import parse_search
from skills.services import skill_index


def expected_page(query: str) -> tuple[int, list[int], int]:
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


def check_pages(client, searches) -> int:
    """Every search's page against the reference; the number of searches with results."""
    found = 0
    for one in searches:
        query = query_string(one)
        response = client.get(f"{reverse('postings:list')}?{query}")
        assert response.status_code == 200, query
        result = response.context["result"]
        count, ids, page = expected_page(query)
        if result.count_capped:
            assert count > search.COUNT_CAP and result.count == search.COUNT_CAP, query
        else:
            assert result.count == count, query
        assert result.page == page, query
        assert [p.pk for p in result.postings] == ids, query
        found += bool(ids)
    return found

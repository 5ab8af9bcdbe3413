from __future__ import annotations

from django.utils import timezone

from postings.demo.content import generate_companies, generate_postings
from postings.matching.board import board_rebuild
from postings.models import Posting
from postings.services import companies_ensure, postings_bulk_load
from postings.tagging.services import postings_tag
from skills.extraction import Taxonomy
from skills.services import taxonomy_load


def generated_board(postings: int, *, seed: int, companies: int) -> None:
    """The real taxonomy, `postings` generated roles tagged by the extractor, and the board
    built from them."""
    taxonomy_load(taxonomy=Taxonomy.load())
    made = generate_companies(companies)
    rows = generate_postings(postings, seed=seed, now=timezone.now(), companies=made)
    postings_bulk_load(rows=rows, company_ids=companies_ensure(companies=made))
    ids = Posting.objects.order_by("id").values_list("id", flat=True)
    for start in range(ids.first(), ids.last() + 1, 5_000):
        postings_tag(id_range=(start, start + 5_000))
    board_rebuild()

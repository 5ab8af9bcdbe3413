from __future__ import annotations

from django.utils import timezone

from postings.demo.content import generate_companies, generate_postings
from postings.matching.board import board_rebuild
from postings.models import Posting
from postings.services import companies_ensure, postings_bulk_load
from postings.tagging.services import postings_tag, retag_ranges
from skills.extraction import Taxonomy
from skills.services import taxonomy_load


def generated_board(postings: int, *, seed: int, companies: int, columns: tuple) -> list:
    """The real taxonomy, `postings` generated roles tagged by the extractor, and the board
    built from them; every posting's `columns`, for the tests' plain references."""
    taxonomy_load(taxonomy=Taxonomy.load())
    made = generate_companies(companies)
    rows = generate_postings(postings, seed=seed, now=timezone.now(), companies=made)
    postings_bulk_load(rows=rows, company_ids=companies_ensure(companies=made))
    for ids in retag_ranges():
        postings_tag(id_range=ids)
    board_rebuild()
    return list(Posting.objects.values_list(*columns))

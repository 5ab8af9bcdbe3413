"""Fixtures of the postings tests."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from jobboard.search_queries import Vocabulary, vocabulary_from_database
from postings.models import Posting
from postings.services import postings_refresh_pay_usd
from postings.tagging.services import postings_tag
from skills.extraction import Taxonomy
from skills.services import taxonomy_load


@pytest.fixture
def board(db) -> Vocabulary:
    """400 demo postings (as `make run` seeds them), tagged with the shipped taxonomy; what
    random searches over them are made of."""
    call_command("load_exchange_rates", stdout=io.StringIO())
    taxonomy_load(taxonomy=Taxonomy.load())
    call_command("seed_demo", postings=400, seed=5, no_progress=True, stdout=io.StringIO())
    ids = list(Posting.objects.values_list("id", flat=True))
    postings_tag(posting_ids=ids)
    postings_refresh_pay_usd(posting_ids=ids)
    return vocabulary_from_database()

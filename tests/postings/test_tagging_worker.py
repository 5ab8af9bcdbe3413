"""A posting saved in a transaction is tagged by a real worker once that transaction commits."""

from __future__ import annotations

import time

import pytest
from django.db import transaction

from postings.models import Posting, PostingTagState
from postings.tagging.services import posting_enqueue_tagging
from skills.extraction import Taxonomy
from skills.services import taxonomy_load
from tests.factories import SMALL_TAXONOMY, PostingFactory


@pytest.mark.e2e
def test_a_new_posting_is_tagged_by_the_worker_after_commit(celery_worker_process):
    taxonomy_load(taxonomy=Taxonomy.from_dict(SMALL_TAXONOMY))
    with transaction.atomic():
        posting = PostingFactory(description="Train PyTorch models and deploy them on k8s.")
        posting_enqueue_tagging(posting_id=posting.pk)

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if PostingTagState.objects.filter(posting=posting).exists():
            break
        time.sleep(0.05)
    posting.refresh_from_db()
    assert posting.tag_state.text_at == posting.text_updated_at
    assert set(posting.posting_skills.values_list("skill__slug", flat=True)) == {
        "pytorch",
        "kubernetes",
    }
    assert Posting.objects.needing_tags(posting.tag_state.taxonomy_version).count() == 0

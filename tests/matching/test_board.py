"""The skill-match board follows the postings: rebuilt by the worker's sync when the change
feed moved, at once while it is small, at most every REBUILD_EVERY seconds when large."""

from __future__ import annotations

import pytest

from postings.matching import board as match_board
from postings.matching.board import board_sync
from postings.tagging.services import postings_tag
from tests.factories import PostingFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _published(n: int) -> list:
    made = PostingFactory.create_batch(n, description="Python and PyTorch.")
    postings_tag(posting_ids=[p.pk for p in made])
    return made


def test_a_small_board_is_rebuilt_when_postings_changed_and_only_then(taxonomy):
    _published(2)
    assert board_sync() == 2  # none yet: built
    assert board_sync() == 0  # nothing changed since

    _published(1)

    assert board_sync() == 3


def test_a_large_board_waits_its_time_between_rebuilds(taxonomy, monkeypatch):
    monkeypatch.setattr(match_board, "QUICK_ROWS", 1)
    _published(2)
    assert board_sync() == 2
    _published(1)

    assert board_sync() == 0  # changed, but rebuilt a moment ago

    monkeypatch.setattr(match_board, "REBUILD_EVERY", 0)
    assert board_sync() == 3


def test_the_search_index_command_writes_the_board_before_the_index(taxonomy, settings, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    from postings.engine import index as engine_index

    settings.SEARCH_INDEX_DIR = tmp_path / "search-index"
    engine_index.forget()
    _published(2)
    out = StringIO()

    call_command("search_index", "--no-progress", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines == ["Skill-match board: 2 postings written.", "2 published postings indexed."]
    assert board_sync() == 0  # up to date
    engine_index.forget()


def test_a_board_of_an_older_layout_is_rebuilt_before_it_is_read(client, taxonomy):
    from postings.matching.board import _files

    _published(2)
    assert board_sync() == 2
    (_files.current() / "format").write_text("1")  # as an older release left it
    (_files.current() / "levels.npy").unlink()

    response = client.get("/match/", {"have": ["python"]})

    assert response.status_code == 200
    assert (_files.current() / "levels.npy").exists()

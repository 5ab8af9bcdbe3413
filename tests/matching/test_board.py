"""The skill-match board follows the postings: rebuilt by the worker's sync when the change
feed moved, at once while it is small, at most every REBUILD_EVERY seconds when large."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from postings.engine.index import micros
from postings.matching import board as match_board
from postings.matching.board import board_sync
from postings.models import Posting
from postings.tagging.services import postings_tag
from skills.services import skill_index
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


def test_the_search_index_command_writes_the_board_before_the_index(taxonomy, index_dir):
    from io import StringIO

    from django.core.management import call_command

    _published(2)
    out = StringIO()

    call_command("search_index", "--no-progress", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines == ["Skill-match board: 2 postings written.", "2 published postings indexed."]
    assert board_sync() == 0  # up to date


def test_a_board_of_an_older_layout_is_rebuilt_before_it_is_read(client, taxonomy):
    from postings.matching.board import _files

    _published(2)
    assert board_sync() == 2
    (_files.current() / "format").write_text("1")  # as an older release left it
    (_files.current() / "levels.npy").unlink()

    response = client.get("/match/", {"have": ["python"]})

    assert response.status_code == 200
    assert (_files.current() / "levels.npy").exists()


def test_the_visible_rows_kept_between_moments_are_those_visible_then(taxonomy):
    """Board.visible keeps its answer until the next publication or expiry: at every moment,
    forwards, on a boundary and back in time, the rows are those visible() finds then."""
    start = timezone.now().replace(microsecond=0)
    # Seconds from the start: (published, expires or None).
    times = [(-30, 10), (-20, None), (-10, 5), (-5, 20), (2, 30), (8, None)]
    for posting, (published, expires) in zip(_published(len(times)), times, strict=True):
        Posting.objects.filter(pk=posting.pk).update(
            published_at=start + timedelta(seconds=published),
            expires_at=expires and start + timedelta(seconds=expires),
        )
    board_sync()
    rows = match_board.board(skill_index())

    for second in (0, 1, 1.5, 2, 4.999999, 5, 7, 8, 9, 19, 20, 29, 30, 45, -15, -25, 3, 3):
        moment = start + timedelta(seconds=second)
        shown = rows.ids[rows.visible(micros(moment))]
        assert set(shown.tolist()) == set(
            Posting.objects.visible(moment).values_list("pk", flat=True)
        ), second


def test_rows_of_finds_each_posting_on_the_board_once_and_skips_the_others(taxonomy):
    made = _published(6)
    board_sync(wait=True)
    board = match_board.board(skill_index())
    ids = [p.pk for p in made]
    unknown = max(ids) + 1_000
    rows = board.rows_of([ids[3], ids[0], ids[3], unknown, ids[5], ids[0]])
    assert sorted(board.ids[rows].tolist()) == sorted([ids[0], ids[3], ids[5]])
    assert len(board.rows_of([])) == len(board.rows_of([unknown])) == 0
    assert sorted(board.ids[board.rows_of(iter(ids))].tolist()) == sorted(ids)

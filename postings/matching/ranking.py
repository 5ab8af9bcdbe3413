"""Every visible role ranked by its match score for a seeker, exactly, from the board.

The board (postings.matching.board) scores every role at once: the weights of the entries of
the skills the seeker covers, summed per role, over each role's total, which is
postings.matching.score.match_score's definition (both divide the same two integers, so the
floats are equal where the shares are; tests/matching/test_ranking_exhaustive.py holds the
two to the same ranking). Best first: the higher score, then the newer role (the board's
later row, as the page orders: published_at, then id).

The search filters are PostgreSQL's or the search index's (postings.search): a search that
finds few roles (at most FEW) is listed whole and only its roles are ranked; a broader one is
asked which of the best-scoring roles it finds, a growing prefix at a time, until enough of
them pass, and listed whole after all when they do not lie among the best (a filter that goes
against the seeker's skills). All give the same answer; listing costs in proportion to the
roles listed, asking to the roles asked about, and both are bounded.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from django.utils import timezone

from postings.engine.index import micros
from postings.filters import ParsedSearch
from postings.matching.board import Board
from postings.matching.score import Profile
from postings.search import is_filtered, search_among, search_ids

# A search that finds at most this many roles is listed whole.
FEW = 10_000
# The best roles asked about first, as a multiple of the roles wanted; then 4 times more,
# for at most ASK_ROUNDS rounds (8, 32, 128 times: some 2,700 roles for a page of 21).
FIRST_ASKED = 8
ASK_ROUNDS = 3
# _best first narrows the rows by the k-th best score of every PROBE_EVERY-th of them.
PROBE_EVERY = 16


@dataclass(frozen=True)
class Scored:
    score: float
    posting_id: int


@dataclass
class Ranking:
    ranked: list[Scored]  # the best, at most `wanted`, best first
    # How the ranking went, for benchmarks: roles sharing a skill, roles the filters were
    # asked about (None: the filters' roles were listed whole, or there were no filters).
    candidates: int = 0
    asked: int | None = None
    notes: list[str] = field(default_factory=list)


def scores(board: Board, profile: Profile, rows: np.ndarray | None = None) -> np.ndarray:
    """The match score of every row (or of `rows`): 0 where the profile covers nothing."""
    had = board.had(profile.covered)
    totals = board.totals
    if rows is not None:
        had, totals = had[rows], totals[rows]
    return np.divide(had, totals, out=np.zeros(len(had)), where=totals > 0)


def rank(
    board: Board,
    profile: Profile,
    parsed: ParsedSearch | None,
    *,
    wanted: int,
    rows: np.ndarray | None = None,
) -> Ranking:
    """The `wanted` best-scoring visible roles among those the search finds (every one for
    None) and among `rows` (when given) that share a skill with the profile, best first."""
    if not profile.covered or wanted < 1:
        return Ranking(ranked=[])
    visible = board.visible(micros(timezone.now()))
    every = scores(board, profile)
    chosen = (every > 0) & visible
    if rows is not None:
        chosen &= _marked(len(every), rows)
    ranking = Ranking(ranked=[])
    if parsed is not None and is_filtered(parsed.params):
        listed = search_ids(parsed, at_most=FEW)
        if listed is None:  # many roles: ask about the best few first
            ranking.candidates = int(np.count_nonzero(chosen))
            best, ranking.asked = _passing(board, parsed, every, chosen, ranking.candidates, wanted)
            if best is not None:
                ranking.ranked = [Scored(float(every[r]), int(board.ids[r])) for r in best]
                return ranking
            listed = search_ids(parsed, at_most=len(board.ids))  # every one of them, then
        chosen &= _marked(len(every), board.rows_of(listed or ()))
    ranking.candidates = int(np.count_nonzero(chosen))
    best = _best(every, chosen, wanted)
    ranking.ranked = [Scored(float(every[r]), int(board.ids[r])) for r in best]
    return ranking


def _marked(size: int, rows: np.ndarray) -> np.ndarray:
    """A row mask of these rows."""
    marked = np.zeros(size, dtype=bool)
    marked[rows] = True
    return marked


def _best(every: np.ndarray, chosen: np.ndarray, k: int) -> np.ndarray:
    """The k best of the chosen rows by their score in `every`, best first: the higher
    score, then the later row."""
    probe = every[::PROBE_EVERY][chosen[::PROBE_EVERY]]
    if len(probe) > k:
        # k of the probe's rows score at least its k-th best, so the k best of all do too:
        # the exact answer from a few of the rows (some 16k of a million roles), without
        # gathering the scores of every chosen row first (5 -> 1 ms).
        chosen = chosen & (every >= np.partition(probe, len(probe) - k)[len(probe) - k])
    rows = np.flatnonzero(chosen)
    row_scores = every[rows]
    if len(rows) > k:
        kth = np.partition(row_scores, len(rows) - k)[len(rows) - k]
        keep = row_scores >= kth  # every row tied with the k-th, to order them by row
        rows, row_scores = rows[keep], row_scores[keep]
    order = np.lexsort((rows, row_scores))[::-1]
    return rows[order][:k]


def _passing(
    board: Board,
    parsed: ParsedSearch,
    every: np.ndarray,
    chosen: np.ndarray,
    candidates: int,
    wanted: int,
) -> tuple[np.ndarray | None, int]:
    """The `wanted` best of the chosen rows (`candidates` of them) that the search finds,
    asking about the best first: the best FIRST_ASKED * wanted, then 4 times as many, for
    ASK_ROUNDS rounds (each row asked once). None when too few of them passed: the search's
    roles do not lie among the best (its filters go against the seeker's skills), and
    listing them all is then cheaper."""
    # The best of all the rounds at once (one partition of the candidates), asked a round's
    # more at a time.
    ordered = _best(every, chosen, FIRST_ASKED * wanted * 4 ** (ASK_ROUNDS - 1))
    asked, passing = 0, []
    size = FIRST_ASKED * wanted
    for _ in range(ASK_ROUNDS):
        fresh = ordered[asked:size]
        if len(fresh):
            passing.append(found_rows(board, parsed, fresh))
            asked += len(fresh)
        if sum(map(len, passing)) >= wanted or asked == candidates:  # enough, or all
            return np.concatenate(passing)[:wanted] if passing else ordered[:0], asked
        size *= 4
    return None, asked


def found_rows(board: Board, parsed: ParsedSearch, rows: np.ndarray) -> np.ndarray:
    """Those of `rows` the search finds, in their order."""
    found = search_among(parsed, board.ids[rows].tolist())
    return rows[np.isin(board.ids[rows], np.fromiter(found, dtype=np.int64))]

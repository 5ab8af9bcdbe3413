"""Skills to learn next: the missing skills that would make the most roles fit the seeker well
(postings.matching.score.fits: at least 4 in 5 of a role's required skills), with that number
and the skill's pay premium; and the roles one such skill would open.

Counted on the board (postings.matching.board) over every role the filters leave when the
search lists them (at most ranking.FEW) or the board is that small; over the board's fixed 1%
sample otherwise (postings.models.SAMPLE_EVERY), and then shown as estimates, as the search
page's counts are.

Learning a skill covers it and every skill above it. So a role that does not fit now opens
with skill s when it asks for s as a required skill and s with its ancestors covers as many of
the role's missing required skills as fitting still needs (postings.matching.score.fit_need).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.utils import timezone

from postings.engine.index import micros
from postings.filters import ParsedSearch
from postings.market.pay import SkillPremium, skill_premiums_by_slug
from postings.matching.board import Board
from postings.matching.ranking import FEW, Ranking, found_rows, rank
from postings.matching.score import REQUIRED, Profile, fit_need, fits
from postings.models import SAMPLE_EVERY
from postings.search import is_filtered, search_ids, search_sample_ids
from skills.services import SkillIndex, SkillRef

SUGGESTIONS = 5


@dataclass
class Suggestion:
    skill: SkillRef
    opens: int  # roles that would fit well with it and do not now
    premium: SkillPremium | None


@dataclass
class LearnNext:
    suggestions: list[Suggestion]
    fit_now: int  # roles that fit well already
    estimated: bool


def _counted_rows(board: Board, parsed: ParsedSearch) -> tuple[np.ndarray, bool]:
    """The visible rows the counts are taken over, and whether they are the sample."""
    visible = board.visible(micros(timezone.now()))
    if is_filtered(parsed.params):
        listed = search_ids(parsed, at_most=FEW)
        if listed is not None:
            rows = board.rows_of(listed)
            return rows[visible[rows]], False
    elif np.count_nonzero(visible) <= FEW:
        return np.flatnonzero(visible), False
    if is_filtered(parsed.params):
        rows = np.sort(board.rows_of(search_sample_ids(parsed)))
        rows = rows[visible[rows]]
    else:
        rows = board.sample_rows[visible[board.sample_rows]]
    return rows, True


def opening_counts(
    board: Board, profile: Profile, rows: np.ndarray, *, of_sample: bool = False
) -> tuple[dict[int, int], int]:
    """For the roles `rows` (ascending rows of the sample when of_sample): how many each
    missing skill would open (skill id: roles), and how many fit already."""
    if of_sample:  # over the whole sample's entries (gathered once), counting these rows
        entries, among = board.sample_entries, board.sample_rows
        counted = np.zeros(len(among), dtype=bool)
        counted[np.searchsorted(among, rows)] = True
    else:
        entries, among = board.required_entries(rows), rows
        counted = np.ones(len(among), dtype=bool)
    owner, skills = entries.owner, entries.skills
    covered = board.mask(profile.covered)
    required = entries.weights == REQUIRED
    had = np.bincount(owner, weights=required & covered[skills], minlength=len(among))
    asked = board.required[among]
    need = fit_need(asked) - had  # more required skills to fit (0 or less: fits, if any)
    fit_now = int(np.count_nonzero(counted & (asked > 0) & (need <= 0)))
    # The missing required skills of the counted roles that do not fit.
    missing = required & ~covered[skills] & (need[owner] > 0) & counted[owner]
    # What learning each one covers of its role's missing skills: itself, and its
    # ancestors that the role also asks for and misses.
    reach = 1 + np.bincount(entries.below, weights=missing[entries.above], minlength=len(owner))
    counts = np.bincount(skills[missing & (reach >= need[owner])])
    return {int(s): int(n) for s, n in enumerate(counts) if n}, fit_now


def learn_next(
    board: Board, profile: Profile, parsed: ParsedSearch, skills: SkillIndex
) -> LearnNext:
    """The SUGGESTIONS skills that would open the most roles the search finds."""
    rows, estimated = _counted_rows(board, parsed)
    scale = SAMPLE_EVERY if estimated else 1
    gains, fit_now = opening_counts(board, profile, rows, of_sample=estimated)
    premiums = skill_premiums_by_slug() or {}
    best = sorted(
        (item for item in gains.items() if item[0] in skills.by_id),
        key=lambda item: (-item[1], skills.by_id[item[0]].name.lower()),
    )
    suggestions = []
    for skill_id, count in best[:SUGGESTIONS]:
        ref = skills.by_id[skill_id]
        suggestions.append(
            Suggestion(ref, _shown(count * scale, estimated), premiums.get(ref.slug))
        )
    return LearnNext(suggestions, _shown(fit_now * scale, estimated), estimated)


def _shown(count: int, estimated: bool) -> int:
    return int(float(f"{count:.2g}")) if estimated and count else count


def opened_roles(
    board: Board,
    profile: Profile,
    learned: Profile,
    skill: SkillRef,
    parsed: ParsedSearch,
    *,
    wanted: int,
) -> tuple[Ranking, int]:
    """The roles the search finds that learning `skill` would make fit well (they ask for it
    as a required skill and do not fit now): the `wanted` best by their score with it, and
    how many there are."""
    rows, weights = board.entries([skill.id])
    asks = rows[weights == REQUIRED]
    owner, skills, weights = board.row_entries(asks)
    required = weights == REQUIRED
    asked = board.required[asks]
    now, later = (
        np.bincount(owner, weights=required & board.mask(p.covered)[skills], minlength=len(asks))
        for p in (profile, learned)
    )
    opened = asks[~fits(now, asked) & fits(later, asked)]
    opened = opened[board.visible(micros(timezone.now()))[opened]]
    if is_filtered(parsed.params) and len(opened):
        opened = found_rows(board, parsed, opened)
    return rank(board, learned, None, wanted=wanted, rows=opened), len(opened)

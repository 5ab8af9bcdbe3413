"""Similar roles for a posting page, from the skill-match board (postings.matching.board).

Among the CANDIDATES newest visible roles at the same level that share a skill with the
posting, the `limit` sharing the most skills, then the newest (tests/matching/test_similar.py
holds this to a plain-Python reading of that sentence).

PostgreSQL, which chose them before, walked its newest-first index to the 200th such
role: 3.5-7.5 ms per posting at a million, most of a posting page's first view. Here each
skill's roles are already in publication order on the board, so the newest of them are the
ends of a few arrays: well under a millisecond. The board is up to two minutes behind at a
million postings, as a recommendation may be; the rows are read through visible() all the
same.
"""

from __future__ import annotations

import numpy as np
from django.utils import timezone

from postings.engine.index import micros
from postings.matching.board import LEVELS, Board, board, sorted_unique, spans
from postings.models import Posting
from skills.services import SkillIndex

CANDIDATES = 200
# The newest rows read first (a role in about six shares its level); then, while fewer than
# CANDIDATES of them qualify, as many more as the share found says are missing, with a
# quarter to spare (1.5 to 4 times as many). Interns, a twentieth of the roles, found about
# half in the first window and took a second four times its size: 2.2 ms against 0.7.
FIRST_WINDOW = 4_096


def similar_ids(
    board: Board, posting_id: int, skill_ids: list[int], level: str, *, limit: int = 5
) -> list[int]:
    """The ids of the roles most like this posting (its id, skills and level), best first."""
    skills = np.asarray(sorted({s for s in skill_ids if 0 <= s < len(board.skill_ptr) - 1}))
    if not len(skills) or level not in LEVELS:
        return []
    code = LEVELS.index(level) + 1
    visible = board.visible(micros(timezone.now()))
    starts, ends = board.skill_ptr[skills], board.skill_ptr[skills + 1]
    width = FIRST_WINDOW
    while True:
        # The newest `width` rows: each skill's rows ascend, so where its part of them begins
        # is a binary search, and the CANDIDATES newest of those qualifying are the newest of
        # all once there are that many (every row outside is older).
        low = board.entry_rows.dtype.type(max(len(board.ids) - width, 0))  # its type: no copy
        found = zip(starts, ends, strict=True)
        firsts = starts + [np.searchsorted(board.entry_rows[a:b], low) for a, b in found]
        rows = board.entry_rows[spans(firsts, ends)[1]]
        rows = rows[(board.levels[rows] == code) & visible[rows] & (board.ids[rows] != posting_id)]
        rows = sorted_unique(rows)  # a role sharing several skills once; ascending
        if len(rows) >= CANDIDATES or low == 0:
            break
        width = int(width * min(4.0, max(1.5, 1.25 * CANDIDATES / max(len(rows), 1))))
    rows = rows[-CANDIDATES:]  # rows ascend with publication: the newest
    owner, row_skills, _ = board.row_entries(rows)
    shared = np.bincount(owner, weights=np.isin(row_skills, skills), minlength=len(rows))
    best = np.lexsort((rows, shared))[::-1][:limit]  # most shared, then the newest
    return board.ids[rows[best]].tolist()


def similar_roles(posting: Posting, skills: SkillIndex, *, limit: int = 5) -> list[Posting]:
    """The posting page's similar roles (similar_ids), read fresh through visible(): a role
    closed since the board was built is left out, not shown."""
    ids = similar_ids(board(skills), posting.pk, posting.skill_ids, posting.seniority, limit=limit)
    return Posting.objects.visible_listed(ids)

"""Every visible role ranked by its match score for a seeker, exactly, without scoring them all.

A role can score at least t/20 only if it holds a match key (skill, level >= t) of a skill the
seeker covers (postings.matching.score). So the ranking asks PostgreSQL, through the GIN index
on match_keys and the page's filters, for the roles that can reach the highest level first,
scores them in Python with the one score function, and stops as soon as it holds `wanted` roles
scoring at least that level: every role that could beat them was among those read. Otherwise it
reads the roles of the next lower level (only those not read yet), down to level 0: every role
sharing a skill with the seeker.

Roles scoring 1 (every skill covered) are the best there are, and ties go to the newest: the
top level is read newest first in chunks, and `wanted` perfect roles end the search there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q, QuerySet

from postings.matching.score import LEVELS, Profile, match_score, score_keys

# The levels read, highest first: a role scoring 0.9 is found at 18, where it stops.
STEPS = (20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0)
# Roles read at a time at the top level (newest first).
TOP_CHUNK = 1_000
_COLUMNS = ("id", "published_at", "skill_ids", "preferred_skill_ids")


@dataclass(frozen=True)
class Scored:
    score: float
    published_at: datetime
    posting_id: int
    skill_ids: list[int]
    preferred_ids: list[int]


@dataclass
class Ranking:
    ranked: list[Scored]  # the best, at most `wanted`, best first
    # How the ranking went, for benchmarks and the report: levels read, roles scored.
    levels: list[int] = field(default_factory=list)
    scored: int = 0


def order(rows: list[Scored]) -> list[Scored]:
    """Best first: the higher score, then the newer role, then the higher id."""
    return sorted(rows, key=lambda s: (s.score, s.published_at, s.posting_id), reverse=True)


def rank(postings: QuerySet, profile: Profile, *, wanted: int) -> Ranking:
    """The `wanted` best-scoring roles among `postings` (visible ones, filtered) that share a
    skill with the profile, in order; fewer when fewer share one."""
    ranking = Ranking(ranked=[])
    if not profile.covered or wanted < 1:
        return ranking
    found: list[Scored] = []
    previous = None
    for level in STEPS:
        step = postings.filter(match_keys__overlap=score_keys(profile.covered, level))
        if previous is not None:
            step = step.exclude(match_keys__overlap=score_keys(profile.covered, previous))
        ranking.levels.append(level)
        if level == LEVELS:
            perfect = _read_newest_first(step, profile, wanted, found)
            if perfect >= wanted:
                break
        else:
            found.extend(_scored(step.values_list(*_COLUMNS), profile))
        if level and sum(1 for s in found if s.score * LEVELS >= level) >= wanted:
            break
        previous = level
    ranking.scored = len(found)
    ranking.ranked = order([s for s in found if s.score > 0])[:wanted]
    return ranking


def _scored(rows, profile: Profile) -> list[Scored]:
    return [
        Scored(match_score(skills, preferred, profile), published_at, pk, skills, preferred)
        for pk, published_at, skills, preferred in rows
    ]


def _read_newest_first(step: QuerySet, profile: Profile, wanted: int, found: list) -> int:
    """Read the top level's roles newest first into `found`, until `wanted` of them score 1
    or none is left; return how many score 1."""
    perfect = 0
    newest = step.order_by("-published_at", "-id").values_list(*_COLUMNS)
    after = None
    while True:
        chunk = newest
        if after is not None:
            chunk = chunk.filter(
                Q(published_at__lt=after[0]) | Q(published_at=after[0], id__lt=after[1])
            )
        rows = _scored(chunk[:TOP_CHUNK], profile)
        found.extend(rows)
        perfect += sum(1 for s in rows if s.score == 1)
        if perfect >= wanted or len(rows) < TOP_CHUNK:
            return perfect
        after = (rows[-1].published_at, rows[-1].posting_id)

"""How well a seeker's skills cover a role: the one definition of the match score.

Plain Python on ids and weights (no database), so the page's lines, the posting page and the
tests compute the very same thing; the board (postings.matching.board) computes it for every
role at once from the same weights, and the tests hold the two to the same answers.

The score of a role is the weighted share of its skills the seeker has: a required skill
weighs REQUIRED, a nice-to-have one PREFERRED, a soft skill SOFT. A skill the seeker has also
covers every broader skill above it (PyTorch covers "deep learning frameworks"), never the
reverse. Only the taxonomy's active skills count.

"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

# What each of a role's skills weighs in its score.
REQUIRED = 6
PREFERRED = 2
SOFT = 1
# A role fits the seeker well when they have at least this share (4/5) of its required
# skills (soft skills aside).
FIT_NUMERATOR, FIT_DENOMINATOR = 4, 5


@dataclass(frozen=True)
class Profile:
    """A seeker's skills, prepared for scoring many roles.

    `covered`: the skills they have and every skill above them; `weights`: each active skill's
    weight as a required skill (SOFT for soft skills), which the group of a role can lower.
    """

    have: tuple[int, ...]
    covered: frozenset[int]
    weights: Mapping[int, int]


def skill_weight(base, preferred):
    """A skill's weight in one role: a required-weight skill the role marks nice to have
    weighs PREFERRED; soft skills weigh SOFT in either group. Integers and booleans, or
    arrays of them (the board's entries): only operators that work on both, as fits."""
    return base - (preferred & (base == REQUIRED)) * (REQUIRED - PREFERRED)


def match_score(
    skill_ids: Iterable[int], preferred_ids: Collection[int], profile: Profile
) -> float:
    """The match score of a role with these skills (and these of them nice to have): the
    weighted share of its skills the profile covers, from 0 to 1.

    The one definition: the ranking, the result lines, the posting page and the tests' plain
    reference all call it. The share of two small integers as a float: equal shares give equal
    floats, different ones different floats, so ties are exact.
    """
    weights, covered = profile.weights, profile.covered
    had = total = 0
    for skill in skill_ids:
        base = weights.get(skill)
        if base is None:  # not an active skill (merged, retired): it does not count
            continue
        weight = skill_weight(base, skill in preferred_ids)
        total += weight
        if skill in covered:
            had += weight
    return had / total if total else 0.0


def fits(have, required):
    """Whether covering `have` of `required` required skills fits the role well. Integers,
    or arrays of them (the board's rows): only operators that work on both."""
    return (required > 0) & (have * FIT_DENOMINATOR >= required * FIT_NUMERATOR)


def fit_need(required):
    """How many of `required` required skills fitting well takes (integers or arrays)."""
    return -(-required * FIT_NUMERATOR // FIT_DENOMINATOR)


@dataclass(frozen=True)
class Coverage:
    """A role's skills by group as the seeker covers them, for the line on each result."""

    required: list[int]
    required_had: list[int]
    preferred: list[int]
    preferred_had: list[int]
    soft: list[int]
    soft_had: list[int]
    score: float

    @property
    def required_missing(self) -> list[int]:
        had = set(self.required_had)
        return [s for s in self.required if s not in had]

    @property
    def fits(self) -> bool:
        return fits(len(self.required_had), len(self.required))


def coverage(
    skill_ids: Iterable[int], preferred_ids: Collection[int], profile: Profile
) -> Coverage:
    """What the seeker has and misses of a role, group by group, with its match score."""
    groups: dict[str, tuple[list[int], list[int]]] = {
        "required": ([], []), "preferred": ([], []), "soft": ([], []),
    }  # fmt: skip
    skill_ids = list(skill_ids)
    for skill in skill_ids:
        base = profile.weights.get(skill)
        if base is None:
            continue
        weight = skill_weight(base, skill in preferred_ids)
        name = {REQUIRED: "required", PREFERRED: "preferred", SOFT: "soft"}[weight]
        every, had = groups[name]
        every.append(skill)
        if skill in profile.covered:
            had.append(skill)
    return Coverage(
        *groups["required"], *groups["preferred"], *groups["soft"],
        score=match_score(skill_ids, preferred_ids, profile),
    )  # fmt: skip

"""How well a seeker's skills cover a role: the one definition of the match score, and the
keys that let PostgreSQL skip the roles that cannot reach a given score.

Plain Python on ids and weights (no database), so the page, the posting page, tagging and the
tests all compute the very same thing.

The score of a role is the weighted share of its skills the seeker has: a required skill
weighs REQUIRED, a nice-to-have one PREFERRED, a soft skill SOFT. A skill the seeker has also
covers every broader skill above it (PyTorch covers "deep learning frameworks"), never the
reverse. Only the taxonomy's active skills count.

The keys (stored in Posting.match_keys, GIN-indexed) are a prefix filter. Order a role's
skills rarest first; a skill's level is how much of the role's weight lies from it to the end
of that order, in twentieths (rounded down). A seeker who covers no skill of level >= t covers
only what lies after them, less than t/20 of the weight: the role scores below t/20. So every
role scoring at least t/20 holds a key (skill, level >= t) for one of the seeker's covered
skills, and the rarest skills come first, so few roles hold such keys for high t. The same
holds for "fits well" (FIT_SHARE of the required skills): its prefix is the rarest required
skills up to where fewer than FIT_SHARE remain. Any order keeps this true; the rarest-first one
only makes the candidate sets small.
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

# Score levels in keys: 0..LEVELS twentieths; FIT_CODE marks the fit prefix.
LEVELS = 20
FIT_CODE = LEVELS + 1
KEY_SPAN = 32  # key = skill id * KEY_SPAN + code


@dataclass(frozen=True)
class Profile:
    """A seeker's skills, prepared for scoring many roles.

    `covered`: the skills they have and every skill above them; `weights`: each active skill's
    weight as a required skill (SOFT for soft skills), which the group of a role can lower.
    """

    have: tuple[int, ...]
    covered: frozenset[int]
    weights: Mapping[int, int]


def skill_weight(base: int, preferred: bool) -> int:
    """A skill's weight in one role: soft skills weigh SOFT in either group."""
    return PREFERRED if preferred and base == REQUIRED else base


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
        weight = PREFERRED if base == REQUIRED and skill in preferred_ids else base
        total += weight
        if skill in covered:
            had += weight
    return had / total if total else 0.0


def fits(have: int, required: int) -> bool:
    """Whether covering `have` of `required` required skills fits the role well."""
    return required > 0 and have * FIT_DENOMINATOR >= required * FIT_NUMERATOR


def fit_need(required: int) -> int:
    """How many of `required` required skills fitting well takes."""
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


# ---------------------------------------------------------------------------------------------
# Keys: which roles can reach a score
# ---------------------------------------------------------------------------------------------


def match_keys(
    skill_ids: Iterable[int],
    preferred_ids: Collection[int],
    weights: Mapping[int, int],
    rarity: Mapping[int, int],
) -> list[int]:
    """A role's keys (see the module's docstring), from its skills, their weights and how
    many roles ask for each skill (`rarity`: fewest first; unknown skills count as rarest)."""
    weighed = []
    for skill in set(skill_ids):
        base = weights.get(skill)
        if base is not None:
            weighed.append(
                (rarity.get(skill, 0), skill, skill_weight(base, skill in preferred_ids))
            )
    weighed.sort()
    total = sum(weight for _, _, weight in weighed)
    keys, rest = [], total
    for _, skill, weight in weighed:
        keys.append(skill * KEY_SPAN + rest * LEVELS // total)
        rest -= weight
    required = [skill for _, skill, weight in weighed if weight == REQUIRED]
    prefix = len(required) - fit_need(len(required)) + 1
    keys.extend(skill * KEY_SPAN + FIT_CODE for skill in required[:prefix])
    return sorted(keys)


def match_keys_hold(
    keys: Iterable[int],
    skill_ids: Iterable[int],
    preferred_ids: Collection[int],
    weights: Mapping[int, int],
) -> bool:
    """Whether keys made earlier still bound a role with these skills and weights.

    Keys go stale when the role's skills, their groups or the taxonomy's soft skills change;
    made with another rarity order they stay right. Tagging rewrites a row's keys only when
    this says no, so a new order never rewrites every posting.
    """
    level: dict[int, int] = {}
    fit_prefix = set()
    for key in keys:
        skill, code = divmod(key, KEY_SPAN)
        if code == FIT_CODE:
            fit_prefix.add(skill)
        else:
            level[skill] = code
    weighed = {}
    for skill in set(skill_ids):
        base = weights.get(skill)
        if base is not None:
            weighed[skill] = skill_weight(base, skill in preferred_ids)
    total = sum(weighed.values())
    if not total:  # no skill counts: the role scores 0 for everyone, whatever its keys
        return True
    for t in range(1, LEVELS + 1):
        # The weight outside the prefix of level t must stay below t/20 of the whole.
        outside = sum(w for skill, w in weighed.items() if level.get(skill, -1) < t)
        if outside * LEVELS >= t * total:
            return False
    required = [skill for skill, weight in weighed.items() if weight == REQUIRED]
    outside = sum(1 for skill in required if skill not in fit_prefix)
    return not required or outside < fit_need(len(required))


def score_keys(covered: Iterable[int], level: int) -> list[int]:
    """The keys of the roles that can score at least level/LEVELS for a seeker covering
    `covered`."""
    return [skill * KEY_SPAN + code for skill in covered for code in range(level, LEVELS + 1)]


def fit_keys(covered: Iterable[int]) -> list[int]:
    """The keys of the roles a seeker covering `covered` can fit well."""
    return [skill * KEY_SPAN + FIT_CODE for skill in covered]

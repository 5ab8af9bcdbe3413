"""Skills to learn next: the missing skills that would make the most roles fit the seeker well
(postings.matching.score.fits: at least 4 in 5 of a role's required skills), with that number
and the skill's pay premium; and the roles one such skill would open.

Counted over every role the filters leave when they are at most COUNT_CAP; over the board's
fixed 1% sample otherwise (postings.models.SAMPLE_EVERY), and then shown as estimates, as the
search page's counts are.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import QuerySet

from postings.market.pay import SkillPremium, skill_premiums_by_slug
from postings.matching.score import REQUIRED, Profile, fit_keys, fit_need, fits, match_score
from postings.models import SAMPLE_EVERY
from skills.services import SkillIndex, SkillRef

COUNT_CAP = 10_000
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


def required_of(skill_ids: list[int], preferred_ids: list[int], profile: Profile) -> list[int]:
    """A role's required skills as the score counts them: active, not soft, not nice to have."""
    weights = profile.weights
    return [s for s in skill_ids if weights.get(s) == REQUIRED and s not in preferred_ids]


def opened_by(
    required: list[int], covered: frozenset[int], skills: SkillIndex
) -> tuple[bool, list[int]]:
    """(whether a role with these required skills fits well now, the skills it asks for
    that would each make it fit: learning one covers it and the skills above it)."""
    have = sum(1 for s in required if s in covered)
    if fits(have, len(required)):
        return True, []
    need = fit_need(len(required)) - have
    missing = [s for s in required if s not in covered]
    if need > len(missing):
        return False, []
    missing_set = set(missing)
    return False, [s for s in missing if len(skills.with_ancestors([s]) & missing_set) >= need]


def learn_next(postings: QuerySet, profile: Profile, skills: SkillIndex) -> LearnNext:
    """The SUGGESTIONS skills that would open the most of `postings` (visible, filtered)."""
    rows = list(postings.in_sample().values_list("skill_ids", "preferred_skill_ids"))
    scale, estimated = SAMPLE_EVERY, True
    if len(rows) * SAMPLE_EVERY <= COUNT_CAP * 2:
        every = list(postings.values_list("skill_ids", "preferred_skill_ids")[: COUNT_CAP + 1])
        if len(every) <= COUNT_CAP:
            rows, scale, estimated = every, 1, False
    gains: Counter[int] = Counter()
    fit_now = 0
    for skill_ids, preferred in rows:
        fit, opening = opened_by(
            required_of(skill_ids, preferred, profile), profile.covered, skills
        )
        fit_now += fit
        gains.update(opening)
    premiums = skill_premiums_by_slug() or {}
    best = sorted(gains.items(), key=lambda item: (-item[1], skills.by_id[item[0]].name.lower()))
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
    postings: QuerySet, profile: Profile, learned: Profile, skill: SkillRef, skills: SkillIndex
) -> list[tuple[float, object, int]]:
    """The roles among `postings` that learning `skill` would make fit well (they ask for it
    and do not fit now), as (score with it, published_at, id), best first.

    A role that fits with the skill holds a fit key of the skills then covered
    (postings.matching.score): only those that also ask for the skill are read.
    """
    candidates = postings.filter(
        match_keys__overlap=fit_keys(learned.covered), skill_ids__overlap=[skill.id]
    ).values_list("id", "published_at", "skill_ids", "preferred_skill_ids")
    opened = []
    for pk, published_at, skill_ids, preferred in candidates:
        required = required_of(skill_ids, preferred, profile)
        if skill.id not in required:
            continue
        fit, opening = opened_by(required, profile.covered, skills)
        if not fit and skill.id in opening:
            opened.append((match_score(skill_ids, preferred, learned), published_at, pk))
    opened.sort(reverse=True)
    return opened

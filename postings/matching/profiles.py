"""A seeker's skills as the page reads them: from the address (`have`), pasted text or an
account's saved skills, each bad value dropped with a notice."""

from __future__ import annotations

from dataclasses import dataclass, field

from postings.filters import quoted
from postings.matching.score import REQUIRED, SOFT, Profile
from skills.services import SkillIndex, SkillRef, current_matcher

# A seeker's skills: more is not a profile but the taxonomy, and every role would match.
MAX_SKILLS = 40
# Pasted text read: a long CV is some 20,000 characters; the rest is not read.
MAX_TEXT = 50_000


@dataclass
class ReadSkills:
    refs: list[SkillRef]
    notices: list[str] = field(default_factory=list)
    # "Did you mean PyTorch?": (what was typed, the skill) for a link that swaps them.
    suggestions: list[tuple[str, SkillRef]] = field(default_factory=list)


def read_have(values: list[str], skills: SkillIndex) -> ReadSkills:
    """The skills `values` name (slugs, names or aliases, in any case), in order and once
    each; empty values are skipped, unknown ones and those past MAX_SKILLS get a notice."""
    read = ReadSkills(refs=[])
    seen: set[int] = set()
    dropped = 0
    for value in values:
        text = value.strip()
        if not text:
            continue
        ref = skills.resolve(text)
        if ref is None:
            shown = quoted(text)
            near = skills.suggest(text[:200])
            if near:
                read.notices.append(
                    f"Ignored the skill “{shown}”: it is not one we know. "
                    f"Did you mean {near[0].name}?"
                )
                read.suggestions.append((value, near[0]))
            else:
                read.notices.append(f"Ignored the skill “{shown}”: it is not one we know.")
            continue
        if ref.id in seen:
            continue
        if len(read.refs) >= MAX_SKILLS:
            dropped += 1
            continue
        seen.add(ref.id)
        read.refs.append(ref)
    if dropped:
        read.notices.append(
            f"Matched your first {MAX_SKILLS} skills and left out {dropped} more: "
            f"a match reads at most {MAX_SKILLS}."
        )
    return read


@dataclass
class ReadText:
    refs: list[SkillRef]
    notices: list[str]


def skills_in_text(text: str, skills: SkillIndex) -> ReadText:
    """The skills the tagging extractor finds in pasted text (a CV, a profile), in the order
    they first appear. The text itself is neither kept nor logged: only the skills leave here."""
    notices = []
    if len(text) > MAX_TEXT:
        notices.append(
            f"Your text is {len(text):,} characters long; we read the first {MAX_TEXT:,}."
        )
        text = text[:MAX_TEXT]
    _, matcher, _ = current_matcher()
    found: list[SkillRef] = []
    for match in matcher.find(text):
        ref = skills.by_slug.get(match.slug)
        if ref is not None and ref not in found:
            found.append(ref)
    return ReadText(found, notices)


def skill_weights(skills: SkillIndex) -> dict[int, int]:
    """Each active skill's weight as a required skill: soft skills count little."""
    return {ref.id: SOFT if ref.is_soft else REQUIRED for ref in skills.by_slug.values()}


def profile_of(refs: list[SkillRef], skills: SkillIndex) -> Profile:
    have = tuple(ref.id for ref in refs)
    return Profile(have, frozenset(skills.with_ancestors(list(have))), skill_weights(skills))

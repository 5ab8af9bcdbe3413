"""How a posting's skills are shown: the required ones, the nice-to-have ones, and soft skills
apart ("Attention to detail" is shown on the posting page in its own group, never on cards)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

from skills.services import SkillIndex, SkillRef

T = TypeVar("T")


@dataclass
class SkillGroups(Generic[T]):
    required: list[T] = field(default_factory=list)
    preferred: list[T] = field(default_factory=list)
    soft: list[T] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.required or self.preferred or self.soft)

    def add(self, item: T, *, soft: bool, preferred: bool) -> None:
        if soft:
            self.soft.append(item)
        elif preferred:
            self.preferred.append(item)
        else:
            self.required.append(item)


def skill_groups(
    index: SkillIndex, skill_ids: list[int], preferred_ids: list[int]
) -> SkillGroups[SkillRef]:
    """A posting's active skills (its skill_ids and preferred_skill_ids) in their groups, each
    by name."""
    preferred = set(preferred_ids)
    groups: SkillGroups[SkillRef] = SkillGroups()
    for ref in sorted(index.active_refs(skill_ids), key=lambda ref: ref.name.lower()):
        groups.add(ref, soft=ref.is_soft, preferred=ref.id in preferred)
    return groups

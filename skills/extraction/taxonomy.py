"""Load the curated skills taxonomy (YAML) into plain dataclasses (no Django)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .matcher import AliasEntry, normalize

DEFAULT_TAXONOMY_PATH = Path(__file__).resolve().parent.parent / "data" / "taxonomy.yaml"


class TaxonomyError(ValueError):
    """The taxonomy file is inconsistent; the message lists every problem found."""


@dataclass(frozen=True, slots=True)
class Category:
    slug: str
    name: str


@dataclass(frozen=True, slots=True)
class Alias:
    text: str
    case_sensitive: bool = False
    needs_context: bool = False


@dataclass(slots=True)
class Skill:
    slug: str
    name: str
    category: str
    parent: str | None = None
    description: str = ""
    aliases: list[Alias] = field(default_factory=list)

    def all_aliases(self) -> list[Alias]:
        """Explicit aliases plus the canonical name (an implicit, plain alias)."""
        keys = {normalize(a.text) for a in self.aliases}
        if normalize(self.name) in keys:
            return list(self.aliases)
        return [Alias(self.name), *self.aliases]


@dataclass(slots=True)
class Taxonomy:
    version: int
    categories: list[Category]
    skills: list[Skill]

    # ---- loading ---------------------------------------------------------------------
    @classmethod
    def load(cls, path: str | Path | None = None) -> Taxonomy:
        path = Path(path) if path else DEFAULT_TAXONOMY_PATH
        with open(path, encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data: dict) -> Taxonomy:
        if not isinstance(data, dict):
            raise TaxonomyError("taxonomy must be a mapping with version, categories, skills")
        categories = [Category(str(c["slug"]), str(c["name"])) for c in data.get("categories", [])]
        skills = []
        for raw in data.get("skills", []):
            aliases = []
            for a in raw.get("aliases") or []:
                if isinstance(a, str):
                    aliases.append(Alias(a))
                elif isinstance(a, dict):
                    aliases.append(
                        Alias(
                            str(a["text"]),
                            bool(a.get("case_sensitive", False)),
                            bool(a.get("needs_context", False)),
                        )
                    )
                else:
                    raise TaxonomyError(f"skill {raw.get('slug')!r}: bad alias {a!r}")
            skills.append(
                Skill(
                    slug=str(raw["slug"]),
                    name=str(raw["name"]),
                    category=str(raw["category"]),
                    parent=raw.get("parent") or None,
                    description=str(raw.get("description") or ""),
                    aliases=aliases,
                )
            )
        return cls(int(data.get("version", 1)), categories, skills)

    # ---- views -----------------------------------------------------------------------
    def by_slug(self) -> dict[str, Skill]:
        return {s.slug: s for s in self.skills}

    def entries(self) -> list[AliasEntry]:
        """Flat alias entries, the input of :meth:`SkillMatcher.from_entries`."""
        out = []
        for skill in self.skills:
            for a in skill.all_aliases():
                out.append(
                    AliasEntry(
                        skill.slug,
                        skill.name,
                        a.text,
                        a.case_sensitive,
                        a.needs_context,
                        skill.category,
                    )
                )
        return out

    def alias_count(self) -> int:
        return sum(len(s.aliases) for s in self.skills)

    # ---- integrity -------------------------------------------------------------------
    def problems(self) -> list[str]:
        """Every integrity problem: duplicate slugs, unknown categories/parents, parent
        cycles, and normalized alias collisions between two different skills."""
        out: list[str] = []
        cat_slugs = [c.slug for c in self.categories]
        for slug in {s for s in cat_slugs if cat_slugs.count(s) > 1}:
            out.append(f"duplicate category slug {slug!r}")
        seen: set[str] = set()
        all_slugs = {s.slug for s in self.skills}
        for s in self.skills:
            if s.slug in seen:
                out.append(f"duplicate skill slug {s.slug!r}")
            seen.add(s.slug)
            if s.category not in cat_slugs:
                out.append(f"skill {s.slug!r}: unknown category {s.category!r}")
            if s.parent is not None and s.parent not in all_slugs:
                out.append(f"skill {s.slug!r}: unknown parent {s.parent!r}")
        index = self.by_slug()
        for s in self.skills:
            path, cur = [s.slug], s.parent
            while cur is not None and cur in index:
                if cur in path:
                    out.append(f"parent cycle: {' -> '.join([*path, cur])}")
                    break
                path.append(cur)
                cur = index[cur].parent
        owner: dict[str, tuple[Skill, str]] = {}
        for s in self.skills:
            for a in s.all_aliases():
                key = normalize(a.text)
                if not key:
                    out.append(f"skill {s.slug!r}: alias {a.text!r} is empty once normalized")
                    continue
                prev = owner.get(key)
                if prev is not None and prev[0].slug != s.slug:
                    out.append(
                        f"alias collision: {a.text!r} ({s.name}) and {prev[1]!r} ({prev[0].name})"
                    )
                else:
                    owner[key] = (s, a.text)
        return out

    def validate(self) -> None:
        problems = self.problems()
        if problems:
            raise TaxonomyError("\n".join(problems))


def load_entries(path: str | Path | None = None) -> list[AliasEntry]:
    return Taxonomy.load(path).entries()

"""Skill extraction: curated taxonomy + Aho-Corasick matcher (pure Python, no Django)."""

from .matcher import AliasEntry, Match, SkillMatcher, normalize
from .taxonomy import DEFAULT_TAXONOMY_PATH, Alias, Category, Skill, Taxonomy, TaxonomyError

__all__ = [
    "DEFAULT_TAXONOMY_PATH",
    "Alias",
    "AliasEntry",
    "Category",
    "Match",
    "Skill",
    "SkillMatcher",
    "Taxonomy",
    "TaxonomyError",
    "normalize",
]

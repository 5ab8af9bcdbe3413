"""Writes to the taxonomy, the matcher and skill index built from it, and candidate skills.

Nothing here knows of postings: the postings app runs the matcher over posting texts and
follows taxonomy changes by comparing taxonomy_version() with the version it last re-tagged for.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Subquery
from django.utils import timezone
from django.utils.text import slugify
from rapidfuzz import fuzz, process

from skills.candidates import find_candidates
from skills.extraction import AliasEntry, SkillMatcher, Taxonomy, normalize
from skills.models import (
    Alias,
    CandidateStatus,
    Category,
    Skill,
    SkillCandidate,
    TaxonomyVersion,
)

# ---------------------------------------------------------------------------------------------
# The taxonomy
# ---------------------------------------------------------------------------------------------


_NEVER = datetime(2000, 1, 1, tzinfo=UTC)  # a fixed stand-in, so caches keyed on it can hit


# Asked on every page that shows skills, so written out once: the ORM took longer to build
# this query than PostgreSQL to answer it (0.75 against 0.27 ms a page on this machine).
_STATE_SQL = f"SELECT version, changed_at FROM {TaxonomyVersion._meta.db_table} WHERE id = 1"


def _taxonomy_state() -> TaxonomyVersion:
    with connection.cursor() as cursor:
        cursor.execute(_STATE_SQL)
        row = cursor.fetchone()
    return _state(*(row or (None, None)))


def _state(version: int | None, changed_at: datetime | None) -> TaxonomyVersion:
    # A read never writes: before the first taxonomy change there is no row, and version 1.
    if version is None:
        version, changed_at = 1, _NEVER
    return TaxonomyVersion(id=1, version=version, changed_at=changed_at)


# A page that reads a row anyway can learn the taxonomy's state in the same statement, and
# spare the query that skill_index() would ask (a round trip, 0.3 ms here): annotate the
# row's queryset with these, then hand skill_index the row (read_with), as
# salaries.services.pay_data takes it.
def taxonomy_state_columns() -> dict[str, Subquery]:
    row = TaxonomyVersion.objects.filter(id=1)
    return {
        "taxonomy_version": Subquery(row.values("version")),
        "taxonomy_changed_at": Subquery(row.values("changed_at")),
    }


def _state_read_with(row: object) -> TaxonomyVersion:
    """The taxonomy's state as `row` was read with it (taxonomy_state_columns)."""
    return _state(row.taxonomy_version, row.taxonomy_changed_at)


def taxonomy_version() -> int:
    return _taxonomy_state().version


def taxonomy_changed() -> int:
    """Record a taxonomy change and return the new version. Postings tagged with an older
    version are re-tagged in the background: the postings app follows the version."""
    TaxonomyVersion.objects.get_or_create(id=1)
    TaxonomyVersion.objects.filter(id=1).update(version=F("version") + 1, changed_at=timezone.now())
    return taxonomy_version()


def alias_key_check(*, text: str, skill: Skill, exclude_pk: int | None = None) -> str:
    """The normalized key for `text` as an alias of `skill`; ValidationError naming both skills
    when the text already means another one."""
    key = normalize(text)
    if not key:
        raise ValidationError({"text": "An alias needs at least one letter or digit."})
    clash = Alias.objects.select_related("skill").filter(key=key).exclude(pk=exclude_pk).first()
    if clash is not None:
        if clash.skill_id == skill.id:
            raise ValidationError({"text": f'"{text}" is already an alias of {skill.name}.'})
        raise ValidationError(
            {
                "text": f'"{text}" collides with "{clash.text}", an alias of {clash.skill.name}; '
                f"it cannot also mean {skill.name}."
            }
        )
    return key


def alias_create(
    *, skill: Skill, text: str, case_sensitive: bool = False, needs_context: bool = False
) -> Alias:
    """Add a way of writing `skill`. Refused when the text already means another skill."""
    key = alias_key_check(text=text, skill=skill)
    alias = Alias.objects.create(
        skill=skill, text=text, key=key, case_sensitive=case_sensitive, needs_context=needs_context
    )
    taxonomy_changed()
    return alias


@dataclass
class LoadResult:
    categories: int = 0
    skills: int = 0
    aliases: int = 0
    collisions: list[str] = field(default_factory=list)


@transaction.atomic
def taxonomy_load(*, taxonomy: Taxonomy) -> LoadResult:
    """Add the categories, skills and aliases of `taxonomy` that the database lacks.

    Adds only: what admins changed or added in the database is kept as it is, so `make run`
    can load the shipped file every time. An alias whose text already means another skill is
    skipped and reported.
    """
    result = LoadResult()
    categories = {c.slug: c for c in Category.objects.all()}
    for position, cat in enumerate(taxonomy.categories):
        if cat.slug not in categories:
            categories[cat.slug] = Category.objects.create(
                slug=cat.slug, name=cat.name, position=position
            )
            result.categories += 1

    skills = {s.slug: s for s in Skill.objects.all()}
    new_skills = [
        Skill(
            slug=s.slug,
            name=s.name,
            category=categories[s.category],
            description=s.description,
        )
        for s in taxonomy.skills
        if s.slug not in skills
    ]
    for skill in Skill.objects.bulk_create(new_skills):
        skills[skill.slug] = skill
    result.skills = len(new_skills)
    created = {s.slug for s in new_skills}
    # Parents only for skills created now: an admin may have re-parented the others.
    for s in taxonomy.skills:
        if s.slug in created and s.parent and s.parent in skills:
            Skill.objects.filter(pk=skills[s.slug].pk).update(parent=skills[s.parent])

    taken = dict(Alias.objects.values_list("key", "skill_id"))
    names = {skill_id: name for name, skill_id in ((s.name, s.id) for s in skills.values())}
    new_aliases = []
    for s in taxonomy.skills:
        skill = skills[s.slug]
        canonical_key = normalize(s.name)
        for alias in s.all_aliases():
            key = normalize(alias.text)
            if not key:
                continue
            owner = taken.get(key)
            if owner is not None:
                if owner != skill.id:
                    result.collisions.append(
                        f'"{alias.text}" of {skill.name} collides with an alias of {names[owner]}'
                    )
                continue
            taken[key] = skill.id
            new_aliases.append(
                Alias(
                    skill=skill,
                    text=alias.text,
                    key=key,
                    case_sensitive=alias.case_sensitive,
                    needs_context=alias.needs_context,
                    is_canonical=key == canonical_key and s.slug in created,
                )
            )
    Alias.objects.bulk_create(new_aliases)
    result.aliases = len(new_aliases)
    if result.categories or result.skills or result.aliases:
        taxonomy_changed()
    return result


def taxonomy_entries() -> list[AliasEntry]:
    """The active taxonomy as matcher entries."""
    rows = Alias.objects.filter(skill__is_active=True).values_list(
        "skill__slug",
        "skill__name",
        "text",
        "case_sensitive",
        "needs_context",
        "skill__category__slug",
    )
    return [AliasEntry(*row) for row in rows]


_cache_lock = threading.Lock()
_per_taxonomy: dict[str, tuple[tuple, object]] = {}


def _for_current_taxonomy(name: str, build, state: TaxonomyVersion | None = None):
    """`build(state)`'s result, kept per process until the taxonomy changes.

    One query a call (the version row), unless the caller read the `state` already. The
    change time is part of the key: a restored or rolled-back database can show a version
    number again with different skills behind it.
    """
    state = state or _taxonomy_state()
    key = (state.version, state.changed_at)
    with _cache_lock:
        cached = _per_taxonomy.get(name)
        if cached is None or cached[0] != key:
            cached = (key, build(state))
            _per_taxonomy[name] = cached
    return cached[1]


def current_matcher() -> tuple[int, SkillMatcher, dict[str, int]]:
    """(taxonomy version, matcher, slug -> skill id) for the current taxonomy.

    Building takes a fraction of a second, so a worker builds it once per taxonomy change
    instead of once per posting.
    """

    def build(state: TaxonomyVersion) -> tuple[int, SkillMatcher, dict[str, int]]:
        ids = dict(Skill.objects.values_list("slug", "id"))
        return state.version, SkillMatcher.from_entries(taxonomy_entries()), ids

    return _for_current_taxonomy("matcher", build)


# Skills of this category are shown apart from the technical ones (a posting page gives them
# their own group, result cards leave them out): "Attention to detail" is no tool to filter by.
SOFT_SKILL_CATEGORY = "soft-skill"


@dataclass(frozen=True)
class SkillRef:
    id: int
    slug: str
    name: str
    parent_id: int | None
    is_active: bool
    category: str = ""  # the category's slug

    @property
    def is_soft(self) -> bool:
        return self.category == SOFT_SKILL_CATEGORY


@dataclass
class SkillIndex:
    """Every skill by slug and by id, with the tree, for pages and filters."""

    by_slug: dict[str, SkillRef]
    by_id: dict[int, SkillRef]
    children: dict[int, list[int]]
    version: int = 0
    # Normalized alias (names included) -> skill id, for active skills: what a seeker may
    # type for a skill. `plain_keys` leaves out the aliases that mean the skill only near
    # technical words ("R", "Go"), which a word in a free-text search must not be taken as.
    by_key: dict[str, int] = field(default_factory=dict)
    plain_keys: frozenset[str] = frozenset()

    def resolve(self, text: str) -> SkillRef | None:
        """The active skill `text` names: a slug, a name or an alias, in any case."""
        if text in self.by_slug:
            return self.by_slug[text]
        skill_id = self.by_key.get(normalize(text))
        if skill_id is None:
            skill_id = self.by_key.get(normalize(text.replace("-", " ")))
        return self.by_id.get(skill_id) if skill_id is not None else None

    def suggest(self, text: str, *, limit: int = 1) -> list[SkillRef]:
        """Skills whose name or alias is spelled nearly like `text` ("pytorh": PyTorch)."""
        key = normalize(text.replace("-", " "))
        # Most similar first (2 * matching letters / both lengths, in percent; 75 or more).
        found = process.extract(
            key, list(self.by_key), scorer=fuzz.ratio, score_cutoff=75, limit=limit * 3
        )
        refs = list(dict.fromkeys(self.by_id[self.by_key[k]] for k, _, _ in found))
        return refs[:limit]

    def active_refs(self, skill_ids: list[int]) -> list[SkillRef]:
        """The active skills among `skill_ids` (a posting's tags), unknown ids skipped."""
        return [ref for i in skill_ids if (ref := self.by_id.get(i)) is not None and ref.is_active]

    def with_ancestors(self, skill_ids: list[int]) -> set[int]:
        """These skills and every skill above them (PyTorch: deep learning frameworks...)."""
        found: set[int] = set()
        for skill_id in skill_ids:
            while skill_id is not None and skill_id not in found:  # `found` stops a cycle
                found.add(skill_id)
                ref = self.by_id.get(skill_id)
                skill_id = ref.parent_id if ref is not None else None
        return found

    def with_descendants(self, slug: str) -> list[int]:
        """The skill's id and the ids of every skill below it (PyTorch under deep learning)."""
        found, todo = set(), [self.by_slug[slug].id]
        while todo:  # iterative, and `found` guards against a cycle made in the admin
            skill_id = todo.pop()
            if skill_id not in found:
                found.add(skill_id)
                todo.extend(self.children.get(skill_id, []))
        return sorted(found)


def skill_index(*, read_with: object | None = None) -> SkillIndex:
    """Every skill by slug (active ones) and by id, with the tree, for pages and filters.

    read_with: a row read with taxonomy_state_columns(), whose statement read the taxonomy's
    state already.
    """

    def build(state: TaxonomyVersion) -> SkillIndex:
        refs = [
            SkillRef(*row)
            for row in Skill.objects.values_list(
                "id", "slug", "name", "parent_id", "is_active", "category__slug"
            )
        ]
        children: dict[int, list[int]] = {}
        for ref in refs:
            if ref.parent_id is not None:
                children.setdefault(ref.parent_id, []).append(ref.id)
        aliases = Alias.objects.filter(skill__is_active=True).values_list(
            "key", "skill_id", "needs_context"
        )
        by_key, plain = {}, set()
        for key, skill_id, needs_context in aliases:
            by_key[key] = skill_id
            if not needs_context:
                plain.add(key)
        return SkillIndex(
            version=state.version,
            by_slug={r.slug: r for r in refs if r.is_active},
            by_id={r.id: r for r in refs},
            children=children,
            by_key=by_key,
            plain_keys=frozenset(plain),
        )

    state = _state_read_with(read_with) if read_with is not None else None
    return _for_current_taxonomy("index", build, state)


@transaction.atomic
def skill_merge(*, source: Skill, target: Skill) -> Skill:
    """Fold `source` into `target`; return target.

    Nothing is lost: source's aliases (its name among them) become target's, its children are
    re-parented, and source stays behind, inactive, as a redirect to target (merged_into), so
    that postings tagged with it move over to target when the postings app follows this
    change (postings.tagging.services.merged_skills_fold), and skills merged into source
    earlier now point at target.
    """
    source = Skill.objects.select_for_update().get(pk=source.pk)
    target = Skill.objects.select_for_update().get(pk=target.pk)
    if source.pk == target.pk:
        raise ValidationError("A skill cannot be merged into itself.")
    if source.merged_into_id is not None:
        raise ValidationError(f"{source.name} was merged already.")
    if target.merged_into_id is not None:
        raise ValidationError(f"{target.name} was merged into another skill; merge into that one.")
    if target.parent_id == source.pk:
        Skill.objects.filter(pk=target.pk).update(parent=source.parent_id)
    Alias.objects.filter(skill=source).update(skill=target, is_canonical=False)
    Skill.objects.filter(parent=source).exclude(pk=target.pk).update(parent=target)
    Skill.objects.filter(merged_into=source).update(merged_into=target)
    Skill.objects.filter(pk=source.pk).update(
        merged_into=target, is_active=False, parent=None, updated_at=timezone.now()
    )
    taxonomy_changed()
    target.refresh_from_db()
    return target


# ---------------------------------------------------------------------------------------------
# Candidate skills
# ---------------------------------------------------------------------------------------------


def candidates_refresh(*, texts: Iterable[str], min_postings: int = 3) -> int:
    """Re-count unknown skill-like terms in `texts` (recent posting descriptions); return how
    many candidates wait for review. Decisions already taken (accepted, rejected) are kept."""
    _, matcher, _ = current_matcher()
    known = set(Alias.objects.values_list("key", flat=True))
    found = find_candidates(texts, matcher=matcher, known_keys=known, min_postings=min_postings)
    now = timezone.now()
    SkillCandidate.objects.bulk_create(
        [
            SkillCandidate(
                term=c.term,
                key=c.key,
                posting_count=c.postings,
                examples=c.examples,
                first_seen=now,
                last_seen=now,
            )
            for c in found
        ],
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=["posting_count", "examples", "last_seen"],
    )
    # Terms the taxonomy learned meanwhile (say, added by hand) leave the queue.
    SkillCandidate.objects.filter(status=CandidateStatus.PENDING, key__in=known).update(
        status=CandidateStatus.ACCEPTED, decided_at=now, note="already in the taxonomy"
    )
    return SkillCandidate.objects.filter(status=CandidateStatus.PENDING).count()


@transaction.atomic
def candidate_accept_as_skill(
    *, candidate: SkillCandidate, category: Category, name: str = ""
) -> Skill:
    name = (name or candidate.term).strip()
    slug = slugify(name) or candidate.key.replace(" ", "-")
    if Skill.objects.filter(slug=slug).exists():
        raise ValidationError({"name": f'A skill with the slug "{slug}" already exists.'})
    skill = Skill.objects.create(name=name, slug=slug, category=category)
    Alias.objects.create(
        skill=skill, text=name, key=alias_key_check(text=name, skill=skill), is_canonical=True
    )
    if normalize(candidate.term) != normalize(name):
        alias_create(skill=skill, text=candidate.term)
    _candidate_decide(candidate, CandidateStatus.ACCEPTED, f"new skill {name}")
    taxonomy_changed()
    return skill


@transaction.atomic
def candidate_accept_as_alias(*, candidate: SkillCandidate, skill: Skill) -> Alias:
    alias = alias_create(skill=skill, text=candidate.term)
    _candidate_decide(candidate, CandidateStatus.ACCEPTED, f"alias of {skill.name}")
    return alias


def candidate_reject(*, candidate: SkillCandidate) -> None:
    _candidate_decide(candidate, CandidateStatus.REJECTED, "")


def _candidate_decide(candidate: SkillCandidate, status: str, note: str) -> None:
    SkillCandidate.objects.filter(pk=candidate.pk).update(
        status=status, note=note, decided_at=timezone.now()
    )


def taxonomy_tree() -> dict:
    """Every active skill with its category, aliases (other than its name), parent and
    children, by slug: the public taxonomy. Three queries however many skills."""
    skills = list(Skill.objects.active().select_related("category").order_by("name"))
    by_id = {skill.id: skill for skill in skills}
    aliases: dict[int, list[str]] = {}
    for skill_id, text in (
        Alias.objects.filter(skill__is_active=True, is_canonical=False)
        .order_by("text")
        .values_list("skill_id", "text")
    ):
        aliases.setdefault(skill_id, []).append(text)
    children: dict[int, list[str]] = {}
    for skill in skills:
        if skill.parent_id in by_id:
            children.setdefault(skill.parent_id, []).append(skill.slug)
    nodes = [
        {
            "slug": skill.slug,
            "name": skill.name,
            "category": {"slug": skill.category.slug, "name": skill.category.name},
            "parent": by_id[skill.parent_id].slug if skill.parent_id in by_id else None,
            "children": children.get(skill.id, []),
            "aliases": aliases.get(skill.id, []),
        }
        for skill in skills
    ]
    return {"version": taxonomy_version(), "skills": nodes}

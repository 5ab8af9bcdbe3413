"""Writes to the taxonomy, and tagging postings with the skills found in their text."""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from jobboard.queueing import enqueue_on_commit
from postings.models import SEARCH_DOCUMENT_SQL, Posting
from skills.extraction import AliasEntry, SkillMatcher, Taxonomy, normalize
from skills.models import (
    Alias,
    CandidateStatus,
    Category,
    PostingSkill,
    Skill,
    SkillCandidate,
    Source,
    TaxonomyVersion,
)

# ---------------------------------------------------------------------------------------------
# The taxonomy
# ---------------------------------------------------------------------------------------------


_NEVER = datetime(2000, 1, 1, tzinfo=UTC)  # a fixed stand-in, so caches keyed on it can hit


def _taxonomy_state() -> TaxonomyVersion:
    # A read never writes: before the first taxonomy change there is no row, and version 1.
    return TaxonomyVersion.objects.filter(id=1).first() or TaxonomyVersion(
        id=1, version=1, changed_at=_NEVER
    )


def taxonomy_version() -> int:
    return _taxonomy_state().version


def taxonomy_bump() -> int:
    """Record a taxonomy change; postings tagged with an older version get re-tagged."""
    TaxonomyVersion.objects.get_or_create(id=1)
    TaxonomyVersion.objects.filter(id=1).update(version=F("version") + 1, changed_at=timezone.now())
    return taxonomy_version()


def taxonomy_changed() -> int:
    """Record a taxonomy change and re-tag every posting in the background after commit."""
    version = taxonomy_bump()
    from skills.tasks import retag_all

    enqueue_on_commit(retag_all, version)
    return version


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
        "skill__slug", "skill__name", "text", "case_sensitive", "needs_context"
    )
    return [AliasEntry(*row) for row in rows]


_cache_lock = threading.Lock()
_per_taxonomy: dict[str, tuple[tuple, object]] = {}


def _for_current_taxonomy(name: str, build):
    """`build(state)`'s result, kept per process until the taxonomy changes.

    One query a call (the version row). The change time is part of the key: a restored or
    rolled-back database can show a version number again with different skills behind it.
    """
    state = _taxonomy_state()
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


@dataclass(frozen=True)
class SkillRef:
    id: int
    slug: str
    name: str
    parent_id: int | None
    is_active: bool


@dataclass
class SkillIndex:
    """Every skill by slug and by id, with the tree, for pages and filters."""

    by_slug: dict[str, SkillRef]
    by_id: dict[int, SkillRef]
    children: dict[int, list[int]]
    version: int = 0

    def active_refs(self, skill_ids: list[int]) -> list[SkillRef]:
        """The active skills among `skill_ids` (a posting's tags), unknown ids skipped."""
        return [ref for i in skill_ids if (ref := self.by_id.get(i)) is not None and ref.is_active]

    def with_descendants(self, slug: str) -> list[int]:
        """The skill's id and the ids of every skill below it (PyTorch under deep learning)."""
        found, todo = set(), [self.by_slug[slug].id]
        while todo:  # iterative, and `found` guards against a cycle made in the admin
            skill_id = todo.pop()
            if skill_id not in found:
                found.add(skill_id)
                todo.extend(self.children.get(skill_id, []))
        return sorted(found)


def skill_index() -> SkillIndex:
    """Every skill by slug (active ones) and by id, with the tree, for pages and filters."""

    def build(state: TaxonomyVersion) -> SkillIndex:
        refs = [
            SkillRef(*row)
            for row in Skill.objects.values_list("id", "slug", "name", "parent_id", "is_active")
        ]
        children: dict[int, list[int]] = {}
        for ref in refs:
            if ref.parent_id is not None:
                children.setdefault(ref.parent_id, []).append(ref.id)
        return SkillIndex(
            version=state.version,
            by_slug={r.slug: r for r in refs if r.is_active},
            by_id={r.id: r for r in refs},
            children=children,
        )

    return _for_current_taxonomy("index", build)


# ---------------------------------------------------------------------------------------------
# Tagging postings
# ---------------------------------------------------------------------------------------------


def postings_tag(
    *,
    posting_ids: list[int] | None = None,
    id_range: tuple[int, int] | None = None,
    only_stale: bool = False,
) -> int:
    """Extract and store the skills of some postings; return how many were tagged.

    Give `posting_ids`, or `id_range` (lo <= id < hi) for bulk re-tags, whose messages then
    stay small; `only_stale` skips postings already tagged from their current text with the
    current taxonomy, so a re-delivered batch costs little.

    Safe to run twice and for any mix of new and old postings. Only differences are written:
    extracted rows that no longer match are deleted and new ones inserted, rows an employer
    or admin made are kept, and a skill an admin removed (a `removed` row) is never added back.
    A posting row is rewritten only when its skills or its text changed (then its search
    document is rebuilt too); every posting's PostingTagState records the taxonomy version
    and the text_updated_at that was read, so an edit landing meanwhile stays visibly stale.
    """
    version, matcher, skill_ids = current_matcher()
    postings = Posting.objects.all()
    if posting_ids is not None:
        postings = postings.filter(id__in=posting_ids)
    if id_range is not None:
        postings = postings.filter(id__gte=id_range[0], id__lt=id_range[1])
    if only_stale:
        postings = postings.needing_tags(version)
    rows = list(
        postings.values_list("id", "description", "text_updated_at", "search_text_at", "skill_ids")
    )
    if not rows:
        return 0
    ids = [row[0] for row in rows]
    with transaction.atomic():
        existing: dict[int, dict[int, str]] = {}
        for posting_id, skill_id, source in PostingSkill.objects.filter(
            posting_id__in=ids
        ).values_list("posting_id", "skill_id", "source"):
            existing.setdefault(posting_id, {})[skill_id] = source

        inserts, deletes, changed, states = [], [], [], []
        now = timezone.now().isoformat()
        for posting_id, description, text_at, search_text_at, old_tags in rows:
            current = existing.get(posting_id, {})
            found = {skill_ids[m.slug] for m in matcher.find(description) if m.slug in skill_ids}
            extracted = {s for s, source in current.items() if source == Source.EXTRACTED}
            inserts.extend(f"{posting_id}\t{s}\t{now}\n" for s in sorted(found - current.keys()))
            deletes.extend((posting_id, s) for s in extracted - found)
            tags = sorted(
                found - {s for s, src in current.items() if src == Source.REMOVED}
                | {s for s, src in current.items() if src in (Source.EMPLOYER, Source.CONFIRMED)}
            )
            text_changed = search_text_at != text_at
            if tags != sorted(old_tags) or text_changed:
                array = "{" + ",".join(map(str, tags)) + "}"
                changed.append(f"{posting_id}\t{array}\t{'t' if text_changed else 'f'}\n")
            states.append(f"{posting_id}\t{version}\t{text_at.isoformat()}\t{now}\n")

        with connection.cursor() as cursor:
            raw = cursor.connection.cursor()
            if deletes:
                cursor.execute(
                    "DELETE FROM skills_postingskill d USING unnest(%s::bigint[], %s::bigint[]) "
                    "AS x(posting_id, skill_id) WHERE d.posting_id = x.posting_id "
                    "AND d.skill_id = x.skill_id AND d.source = %s",
                    [[p for p, _ in deletes], [k for _, k in deletes], Source.EXTRACTED],
                )
            if inserts:
                _copy_into(raw, "tag_load (posting_id bigint, skill_id bigint, at timestamptz)",
                           inserts)  # fmt: skip
                cursor.execute(
                    "INSERT INTO skills_postingskill (posting_id, skill_id, source, "
                    "taxonomy_version, created_at) SELECT posting_id, skill_id, %s, %s, at "
                    "FROM tag_load ON CONFLICT (posting_id, skill_id) DO NOTHING",
                    [Source.EXTRACTED, version],
                )
            if changed:
                _copy_into(raw, "tag_changed (id bigint, skill_ids bigint[], text bool)", changed)
                # The document is built from the row as it is now, so search_text_at takes
                # the row's own text_updated_at in the same statement.
                document = SEARCH_DOCUMENT_SQL.format(t="p")
                cursor.execute(
                    "UPDATE postings_posting p SET skill_ids = c.skill_ids, "
                    f"search_vector = CASE WHEN c.text THEN {document} ELSE p.search_vector END, "
                    "search_text_at = CASE WHEN c.text THEN p.text_updated_at "
                    "ELSE p.search_text_at END FROM tag_changed c WHERE p.id = c.id"
                )
            _copy_into(
                raw, "tag_state (id bigint, version int, text_at timestamptz, at timestamptz)",
                states,
            )  # fmt: skip
            cursor.execute(
                "INSERT INTO skills_postingtagstate (posting_id, taxonomy_version, text_at, "
                "tagged_at) SELECT id, version, text_at, at FROM tag_state "
                "ON CONFLICT (posting_id) DO UPDATE SET "
                "taxonomy_version = EXCLUDED.taxonomy_version, text_at = EXCLUDED.text_at, "
                "tagged_at = EXCLUDED.tagged_at"
            )
            # Dropped here, not ON COMMIT: inside an outer transaction there is no commit yet.
            cursor.execute("DROP TABLE IF EXISTS tag_load, tag_changed, tag_state")
    return len(rows)


def _copy_into(raw_cursor, table: str, lines: list[str]) -> None:
    """COPY tab-separated `lines` into a new temporary `table` ("name (columns)")."""
    raw_cursor.execute(f"CREATE TEMP TABLE {table}")
    name = table.split(" ", 1)[0]
    raw_cursor.copy_expert(f"COPY {name} FROM STDIN", io.StringIO("".join(lines)))


def posting_enqueue_tagging(*, posting_id: int) -> None:
    """Tag the posting once the current transaction commits (never before its row exists)."""
    from skills.tasks import tag_posting

    enqueue_on_commit(tag_posting, posting_id)


@transaction.atomic
def skill_merge(*, source: Skill, target: Skill) -> Skill:
    """Fold `source` into `target`; return target.

    Nothing is lost: source's aliases (its name among them) become target's, its children are
    re-parented, its posting tags move over (where a posting has both, target's row stands),
    and the postings' indexed skill arrays are rewritten. Then source is deleted.
    """
    if source.pk == target.pk:
        raise ValidationError("A skill cannot be merged into itself.")
    if target.parent_id == source.pk:
        Skill.objects.filter(pk=target.pk).update(parent=source.parent_id)
    Alias.objects.filter(skill=source).update(skill=target, is_canonical=False)
    Skill.objects.filter(parent=source).exclude(pk=target.pk).update(parent=target)
    both = PostingSkill.objects.filter(skill=target).values("posting_id")
    PostingSkill.objects.filter(skill=source, posting_id__in=both).delete()
    PostingSkill.objects.filter(skill=source).update(skill=target)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE postings_posting SET skill_ids = ARRAY(SELECT DISTINCT unnest("
            "array_replace(skill_ids, %s::bigint, %s::bigint)) ORDER BY 1) "
            "WHERE skill_ids @> ARRAY[%s::bigint]",
            [source.pk, target.pk, source.pk],
        )
    source.delete()
    taxonomy_changed()
    target.refresh_from_db()
    return target


@dataclass
class RetagProgress:
    version: int
    total: int
    pending: int

    @property
    def done(self) -> int:
        return self.total - self.pending

    @property
    def percent(self) -> int:
        return 100 if not self.total else int(self.done * 100 / self.total)

    @property
    def running(self) -> bool:
        return self.pending > 0


def retag_progress() -> RetagProgress:
    """How far the background re-tag for the current taxonomy version has come."""
    version = taxonomy_version()
    return RetagProgress(
        version=version,
        total=Posting.objects.count(),
        pending=Posting.objects.needing_tags(version).count(),
    )


# ---------------------------------------------------------------------------------------------
# Candidate skills
# ---------------------------------------------------------------------------------------------


def candidates_refresh(*, recent: int = 5_000, min_postings: int = 3) -> int:
    """Re-count unknown skill-like terms in the `recent` newest postings; return how many
    candidates wait for review. Decisions already taken (accepted, rejected) are kept."""
    from skills.candidates import find_candidates

    _, matcher, _ = current_matcher()
    texts = Posting.objects.order_by("-id").values_list("description", flat=True)[:recent]
    known = set(Alias.objects.values_list("key", flat=True))
    found = find_candidates(
        texts.iterator(), matcher=matcher, known_keys=known, min_postings=min_postings
    )
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

"""Tagging postings with the skills the taxonomy's extractor finds in their text.

The bridge between the taxonomy (skills, which knows nothing of postings) and postings: it runs
the matcher over posting texts, keeps each posting's PostingSkill rows with their provenance,
its indexed skill_ids and its search document, and follows taxonomy changes: a new taxonomy
version re-tags every posting, and skills merged in the taxonomy are folded into the skill
they were merged into.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone

from postings.models import (
    SEARCH_DOCUMENT_SQL,
    GroupSource,
    Posting,
    PostingSkill,
    Source,
    SyncMark,
)
from postings.queueing import enqueue_on_commit
from skills.models import Skill
from skills.services import candidates_refresh, current_matcher, taxonomy_version

# Re-tags of many postings go in id-range batches of this size on the retag queue.
RETAG_BATCH = 2_000
# How many of the newest postings the candidate-skill queue is mined from.
CANDIDATE_POSTINGS = 5_000


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
    Each skill's group (required, or nice to have when the text marks it optional) follows
    the text unless the employer moved it. A posting row is rewritten only when its skills,
    their groups or its text changed (then its search document is rebuilt too); every
    posting's PostingTagState records the taxonomy version and the text_updated_at that was
    read, so an edit landing meanwhile stays visibly stale.
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
        postings.values_list(
            "id",
            "description",
            "text_updated_at",
            "search_text_at",
            "skill_ids",
            "preferred_skill_ids",
        )
    )
    if not rows:
        return 0
    ids = [row[0] for row in rows]
    with transaction.atomic():
        # posting -> skill -> (source, preferred, who chose the group)
        existing: dict[int, dict[int, tuple[str, bool, str]]] = {}
        for posting_id, skill_id, source, preferred, group_source in PostingSkill.objects.filter(
            posting_id__in=ids
        ).values_list("posting_id", "skill_id", "source", "preferred", "preferred_source"):
            existing.setdefault(posting_id, {})[skill_id] = (source, preferred, group_source)

        inserts, deletes, regroups, changed, states = [], [], [], [], []
        now = timezone.now().isoformat()
        for posting_id, description, text_at, search_text_at, old_tags, old_preferred in rows:
            current = existing.get(posting_id, {})
            # skill -> preferred: required when any mention is required
            found: dict[int, bool] = {}
            for m in matcher.find(description):
                skill_id = skill_ids.get(m.slug)
                if skill_id is not None:
                    found[skill_id] = found.get(skill_id, True) and m.preferred
            extracted = {s for s, row in current.items() if row[0] == Source.EXTRACTED}
            inserts.extend(
                f"{posting_id}\t{s}\t{'t' if found[s] else 'f'}\t{now}\n"
                for s in sorted(found.keys() - current.keys())
            )
            deletes.extend((posting_id, s) for s in extracted - found.keys())
            # the text decides a skill's group unless the employer moved it
            group = {s: row[1] for s, row in current.items()}
            for s, preferred in found.items():
                row = current.get(s)
                if row is not None and row[2] == GroupSource.EXTRACTED and row[1] != preferred:
                    regroups.append((posting_id, s, preferred))
                    group[s] = preferred
                elif row is None:
                    group[s] = preferred
            tags = sorted(
                found.keys() - {s for s, row in current.items() if row[0] == Source.REMOVED}
                | {s for s, row in current.items() if row[0] in (Source.EMPLOYER, Source.CONFIRMED)}
            )
            preferred_tags = [s for s in tags if group[s]]
            text_changed = search_text_at != text_at
            if tags != sorted(old_tags) or preferred_tags != sorted(old_preferred) or text_changed:
                array = "{" + ",".join(map(str, tags)) + "}"
                preferred_array = "{" + ",".join(map(str, preferred_tags)) + "}"
                changed.append(
                    f"{posting_id}\t{array}\t{preferred_array}\t{'t' if text_changed else 'f'}\n"
                )
            states.append(f"{posting_id}\t{version}\t{text_at.isoformat()}\t{now}\n")

        with connection.cursor() as cursor:
            raw = cursor.connection.cursor()
            if deletes:
                cursor.execute(
                    "DELETE FROM postings_postingskill d USING unnest(%s::bigint[], %s::bigint[]) "
                    "AS x(posting_id, skill_id) WHERE d.posting_id = x.posting_id "
                    "AND d.skill_id = x.skill_id AND d.source = %s",
                    [[p for p, _ in deletes], [k for _, k in deletes], Source.EXTRACTED],
                )
            if inserts:
                _copy_into(
                    raw,
                    "tag_load (posting_id bigint, skill_id bigint, preferred bool, at timestamptz)",
                    inserts,
                )
                cursor.execute(
                    "INSERT INTO postings_postingskill (posting_id, skill_id, source, preferred, "
                    "preferred_source, taxonomy_version, created_at) SELECT posting_id, "
                    "skill_id, %s, preferred, %s, %s, at FROM tag_load "
                    "ON CONFLICT (posting_id, skill_id) DO NOTHING",
                    [Source.EXTRACTED, GroupSource.EXTRACTED, version],
                )
            if regroups:
                # only rows whose group the text decides: an employer's move stands
                cursor.execute(
                    "UPDATE postings_postingskill d SET preferred = x.preferred "
                    "FROM unnest(%s::bigint[], %s::bigint[], %s::bool[]) "
                    "AS x(posting_id, skill_id, preferred) WHERE d.posting_id = x.posting_id "
                    "AND d.skill_id = x.skill_id AND d.preferred_source = %s",
                    [
                        [p for p, _, _ in regroups],
                        [k for _, k, _ in regroups],
                        [v for _, _, v in regroups],
                        GroupSource.EXTRACTED,
                    ],
                )
            if changed:
                _copy_into(
                    raw,
                    "tag_changed (id bigint, skill_ids bigint[], preferred_skill_ids bigint[], "
                    "text bool)",
                    changed,
                )
                # The document is built from the row as it is now, so search_text_at takes
                # the row's own text_updated_at in the same statement.
                document = SEARCH_DOCUMENT_SQL.format(t="p")
                cursor.execute(
                    "UPDATE postings_posting p SET skill_ids = c.skill_ids, "
                    "preferred_skill_ids = c.preferred_skill_ids, "
                    f"search_vector = CASE WHEN c.text THEN {document} ELSE p.search_vector END, "
                    "search_text_at = CASE WHEN c.text THEN p.text_updated_at "
                    "ELSE p.search_text_at END FROM tag_changed c WHERE p.id = c.id"
                )
            _copy_into(
                raw, "tag_state (id bigint, version int, text_at timestamptz, at timestamptz)",
                states,
            )  # fmt: skip
            cursor.execute(
                "INSERT INTO postings_postingtagstate (posting_id, taxonomy_version, text_at, "
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
    enqueue_on_commit("postings.tagging.tasks.tag_posting", posting_id)


def postings_enqueue_retag() -> None:
    """Tag every posting that needs it, in id-range batches, after commit (bulk loads)."""
    enqueue_on_commit("postings.tagging.tasks.tag_stale_ranges")


def retag_ranges() -> list[tuple[int, int]]:
    """Every posting id, as [lo, hi) ranges of RETAG_BATCH ids, for a re-tag of all postings."""
    batch = RETAG_BATCH
    bounds = Posting.objects.aggregate(lo=Min("id"), hi=Max("id"))
    if bounds["lo"] is None:
        return []
    return [(lo, lo + batch) for lo in range(bounds["lo"], bounds["hi"] + 1, batch)]


def retag_claim() -> int | None:
    """Claim the re-tag of every posting for the current taxonomy version; return the version,
    or None when it was claimed already (by an earlier run or a concurrent one).

    A conditional UPDATE of the taxonomy mark is the claim: of two beats racing, the second
    finds the mark already moved and updates nothing. Compared for difference rather than
    order, so a database restored to an older taxonomy is re-tagged too. Call it inside the
    transaction that queues the batches, so a failure to queue releases the claim.
    """
    version = str(taxonomy_version())
    SyncMark.objects.get_or_create(name=SyncMark.Name.TAXONOMY, defaults={"mark": ""})
    claimed = (
        SyncMark.objects.filter(name=SyncMark.Name.TAXONOMY)
        .exclude(mark=version)
        .update(mark=version, updated_at=timezone.now())
    )
    return int(version) if claimed else None


# Of two rows that fold onto the same skill of a posting, the one that says most stands: an
# admin's removal, then an admin's confirmation, then the employer's choice, then extraction.
_SOURCE_PRECEDENCE = "array_position(ARRAY['removed', 'confirmed', 'employer', 'extracted'], "


def merged_skills_fold() -> int:
    """Move postings' tags off skills that were merged into others; return the postings whose
    skill arrays changed. Cheap when there is nothing to fold (two indexed lookups); a fold
    itself rewrites the arrays in one pass over the postings.

    The taxonomy keeps a merged skill as a redirect (Skill.merged_into). Its PostingSkill rows
    move to the skill it was merged into; where a posting has a row for that skill already,
    that row stands and the merged one goes. Safe to run twice and at any time.
    """
    merged = dict(Skill.objects.filter(merged_into__isnull=False).values_list("id", "merged_into"))
    if not merged:
        return 0
    sources, targets = list(merged), [merged[s] for s in merged]
    # Tagging writes a posting's array and its rows together, so a merged skill left in an
    # array has a row too: no row, nothing to fold (an indexed lookup; the array UPDATE below
    # reads every posting, and beat runs this every few seconds).
    if not PostingSkill.objects.filter(skill_id__in=sources).exists():
        return 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH m (source, target) AS (SELECT * FROM unnest(%s::bigint[], %s::bigint[])),
            moving AS (
                SELECT DISTINCT ON (ps.posting_id, m.target) ps.id, m.target
                FROM postings_postingskill ps JOIN m ON m.source = ps.skill_id
                WHERE NOT EXISTS (
                    SELECT 1 FROM postings_postingskill t
                    WHERE t.posting_id = ps.posting_id AND t.skill_id = m.target
                )
                ORDER BY ps.posting_id, m.target, {_SOURCE_PRECEDENCE}ps.source), ps.id
            )
            UPDATE postings_postingskill ps SET skill_id = moving.target
            FROM moving WHERE ps.id = moving.id
            """,
            [sources, targets],
        )
        cursor.execute(
            "DELETE FROM postings_postingskill WHERE skill_id = ANY(%s::bigint[])", [sources]
        )
        # The preferred ids follow the rows that stood: a merged row's group may have lost
        # to the target's own row.
        cursor.execute(
            """
            WITH m (source, target) AS (SELECT * FROM unnest(%s::bigint[], %s::bigint[]))
            UPDATE postings_posting p SET skill_ids = ARRAY(
                SELECT DISTINCT coalesce(m.target, x) FROM unnest(p.skill_ids) AS x
                LEFT JOIN m ON m.source = x ORDER BY 1
            ), preferred_skill_ids = ARRAY(
                SELECT ps.skill_id FROM postings_postingskill ps
                WHERE ps.posting_id = p.id AND ps.preferred AND ps.skill_id IN (
                    SELECT coalesce(m.target, x) FROM unnest(p.skill_ids) AS x
                    LEFT JOIN m ON m.source = x
                ) ORDER BY 1
            )
            WHERE p.skill_ids && %s::bigint[]
            """,
            [sources, targets, sources],
        )
        return cursor.rowcount


def candidates_refresh_from_postings(*, recent: int = CANDIDATE_POSTINGS) -> int:
    """Re-count the candidate-skill queue from the `recent` newest postings' texts."""
    texts = Posting.objects.order_by("-id").values_list("description", flat=True)[:recent]
    return candidates_refresh(texts=texts.iterator())


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


def postings_needing_tags(*, limit: int) -> list[int]:
    """Ids of up to `limit` postings whose tags are missing or stale, lowest first."""
    return list(
        Posting.objects.needing_tags(taxonomy_version())
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )

"""The search index's files: building them, following PostgreSQL's changes, opening them.

Under settings.SEARCH_INDEX_DIR, in generations (postings.engine.generations): a rebuild
writes a new one and swaps the link atomically, so readers always see a whole index; each
process notices the swap (and any commit) on its next search.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import tantivy
from django.conf import settings
from django.db import connection

from postings.engine import generations
from postings.engine.generations import CHANGES_KEPT_DAYS, Busy, Generations
from postings.models import Status, Workplace, remote_codes_for
from postings.models import postings as posting_models
from salaries.geography import COUNTRY_NAMES
from skills.services import SkillIndex, skill_index

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
NEVER = 2**63 - 1  # the expiry of a posting without one
# pay_order: (pay + 1) above this many bits of id, so one integer orders by pay then id.
_ID_BITS = 38
# The text facets as the index names them, with their columns.
TEXT_FACETS = {
    "level": "seniority",
    "role": "role_family",
    "workplace": "workplace",
    "type": "employment_type",
}
BUILD_HEAP = 400_000_000
SYNC_HEAP = 50_000_000
SYNC_BATCH = 20_000
_LEXEME = re.compile(r"'((?:[^']|'')*)'(?::([0-9A-D,]+))?")


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", indexed=True, fast=True)
    # PostgreSQL's lexemes at PostgreSQL's positions (search_vector), added pre-tokenized.
    builder.add_text_field("lex", tokenizer_name="raw")
    # Set on a posting without a search document, which no text matches (as in SQL). The
    # rare case is the one marked: excluding a short list costs nothing, where requiring a
    # list of every posting made each text search walk it.
    builder.add_integer_field("no_text", indexed=True)
    for name in TEXT_FACETS:
        builder.add_text_field(name, tokenizer_name="raw", fast=True)
    builder.add_integer_field("visa", indexed=True, fast=True)
    # The countries whose residents the posting is open to (postings.filters'
    # filter_country, worked out per posting): a country filter is then one term, where
    # "in the country and not remote, or remote to one of its regions" was a union of
    # large lists that each search read whole, several times (3-5 ms a time at a million).
    builder.add_text_field("open_to", tokenizer_name="raw")
    builder.add_text_field("city", tokenizer_name="raw")  # upper case, as icontains compares
    builder.add_integer_field("company", indexed=True)
    builder.add_integer_field("skills", indexed=True, fast=True)  # skill_ids, for counts
    # skill_ids and every skill above them: a filter on a skill and those below it is one
    # term here, where skill_ids needs all of them (a hundred, under machine learning).
    builder.add_integer_field("skill_tree", indexed=True)
    builder.add_integer_field("pay", indexed=True, fast=True)  # pay_max_usd; absent if null
    builder.add_integer_field("pay_order", fast=True)
    builder.add_integer_field("published", indexed=True, fast=True)  # microseconds
    builder.add_integer_field("expires", indexed=True, fast=True)
    builder.add_integer_field("sample", indexed=True)  # id % SAMPLE_EVERY == 0
    return builder.build()


SCHEMA = _schema()
# The fields and what they hold, as a number: a generation written otherwise is not served
# (PostgreSQL answers) and the next sync rebuilds it. 2: open_to for country and regions.
FORMAT = 2
_FORMAT_FILE = "format"


def micros(moment: datetime) -> int:
    """A time as whole microseconds since 1970 (integer arithmetic: a float loses some)."""
    return (moment - _EPOCH) // _MICROSECOND


def pay_order(pay: int | None, pk: int) -> int:
    """Highest pay first then newest id, postings without pay last: one descending key."""
    return ((pay + 1) << _ID_BITS | pk) if pay is not None else pk


def lexemes(vector: str) -> list[tantivy.Token]:
    """A tsvector's text (`'kafka':3 'real-tim':1A`) as tokens at its (0-based) positions."""
    tokens = []
    for match in _LEXEME.finditer(vector):
        word = match.group(1).replace("''", "'").replace("\\\\", "\\")
        positions = match.group(2)
        for position in positions.split(",") if positions else ["1"]:
            tokens.append(tantivy.Token(word, int(position.rstrip("ABCD")) - 1, 0, 0))
    tokens.sort(key=lambda token: token.position)
    return tokens


_COLUMNS = (
    "p.id, p.search_vector::text, p.seniority, p.role_family, p.workplace, p.employment_type, "
    "p.visa_sponsorship, p.country, p.remote_regions, p.city, p.company_id, p.skill_ids, "
    "p.pay_max_usd, p.published_at, p.expires_at"
)
_PUBLISHED = f"p.status = '{Status.PUBLISHED}'"


def document(row: tuple, tree: SkillTree) -> tantivy.Document:
    """One posting row (_COLUMNS) as an index document: the fields postings.filters filters
    on, and the keys the page sorts by."""
    (pk, vector, level, role, workplace, kind, visa, country, regions, city, company, skills,
     pay, published, expires) = row  # fmt: skip
    fields = {
        "id": pk,
        "visa": int(bool(visa)),
        "company": company,
        "skills": list(skills or []),
        "skill_tree": sorted(tree.above(skills or [])),
        "pay_order": pay_order(pay, pk),
        "published": micros(published),
        "expires": micros(expires) if expires is not None else NEVER,
        "sample": int(pk % posting_models.SAMPLE_EVERY == 0),  # read now: tests change it
    }
    for name, value in (("level", level), ("role", role), ("workplace", workplace),
                        ("type", kind)):  # fmt: skip
        if value:
            fields[name] = value
    if workplace == Workplace.REMOTE:
        fields["open_to"] = list(_open_to_remote(frozenset(regions or ())))
    elif country:
        fields["open_to"] = [country]
    if city:
        fields["city"] = city.upper()
    if pay is not None:
        fields["pay"] = pay
    if vector is None:
        fields["no_text"] = 1
    doc = tantivy.Document(**fields)
    if vector:
        doc.add_pre_tokenized_text("lex", tantivy.PreTokenizedString("", lexemes(vector)))
    return doc


@functools.cache
def _open_to_remote(regions: frozenset[str]) -> tuple[str, ...]:
    """The countries a remote posting open in `regions` takes applicants from: those whose
    remote codes (remote_codes_for) it names. A few dozen sets of regions recur."""
    return tuple(code for code, codes in _remote_codes().items() if regions & codes)


@functools.cache
def _remote_codes() -> dict[str, frozenset[str]]:
    return {code: frozenset(remote_codes_for(code)) for code in COUNTRY_NAMES}


_files = Generations(lambda: Path(settings.SEARCH_INDEX_DIR))
_current = _files.current

_tree: tuple[object, SkillTree] | None = None


@dataclass(frozen=True)
class SkillTree:
    """The skill hierarchy the index's skill_tree field was written with.

    `key` names the tree (its parent links): a generation written with another tree is
    not asked about skill_tree (postings.engine.query falls back to skill_ids), and the
    next sync rebuilds it. Aliases, names and the like leave the key alone.
    """

    parents: dict[int, int | None]
    key: str

    @classmethod
    def current(cls, skills: SkillIndex | None = None) -> SkillTree:
        """The tree of `skills` (default: the taxonomy now), kept as long as that skill
        index is (each search asks for its key)."""
        global _tree
        skills = skills if skills is not None else skill_index()
        if _tree is None or _tree[0] is not skills:
            parents = {skill_id: ref.parent_id for skill_id, ref in skills.by_id.items()}
            links = ",".join(f"{s}:{p}" for s, p in sorted(parents.items()))
            _tree = (skills, cls(parents, hashlib.sha256(links.encode()).hexdigest()[:16]))
        return _tree[1]

    def above(self, skill_ids: list[int]) -> set[int]:
        """The skills and every skill above them (a cycle made in the admin ends the walk)."""
        found: set[int] = set()
        for skill_id in skill_ids:
            while skill_id is not None and skill_id not in found:
                found.add(skill_id)
                skill_id = self.parents.get(skill_id)
        return found


# ---------------------------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------------------------


@dataclass
class _Open:
    path: Path
    index: tantivy.Index
    stamp: int  # meta.json's modification time when last reloaded
    tree_key: str  # the SkillTree the generation was written with


_TREE_FILE = "skill-tree"


def _format(generation: Path) -> int:
    try:
        return int((generation / _FORMAT_FILE).read_text())
    except (OSError, ValueError):
        return 1  # written before the format was recorded


_opened: _Open | None = None


@dataclass(frozen=True)
class Served:
    searcher: tantivy.Searcher
    tree_key: str  # SkillTree.key of the generation


def served() -> Served | None:
    """A searcher over the index being served, as last committed; None when there is none.

    Each call checks (a readlink and a stat) whether a rebuild swapped the generation or a
    sync committed, and reopens or reloads only then.
    """
    global _opened
    path = _current()
    if path is None:
        _opened = None
        return None
    try:
        stamp = (path / "meta.json").stat().st_mtime_ns
        if _opened is None or _opened.path != path:
            if _format(path) != FORMAT:  # asked of fields it lacks, it would answer wrongly
                _opened = None
                return None
            tree_key = _tree_key(path)
            _opened = _Open(path, tantivy.Index.open(str(path)), stamp, tree_key)
        elif _opened.stamp != stamp:
            _opened.index.reload()
            _opened.stamp = stamp
    except (OSError, ValueError):  # a generation removed under us, or half written
        _opened = None
        return None
    return Served(_opened.index.searcher(), _opened.tree_key)


def _tree_key(generation: Path) -> str:
    try:
        return (generation / _TREE_FILE).read_text()
    except OSError:
        return ""


def searcher() -> tantivy.Searcher | None:
    found = served()
    return found.searcher if found is not None else None


def forget() -> None:
    """Drop this process's open index (tests that remove it)."""
    global _opened
    _opened = None


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------


def index_rebuild(*, progress: Callable[[int, int], None] | None = None) -> int:
    """Build a new generation from every published posting and serve it; the count indexed.

    Read in one snapshot, whose oldest running transaction becomes the generation's
    position in the change feed: changes that snapshot could not see are read by the next
    sync. The snapshot's transaction ends only once the new generation is served.
    """
    with _files.writing():
        return _rebuild(progress)


def _rebuild(progress: Callable[[int, int], None] | None = None) -> int:
    generation = _files.new()
    index = tantivy.Index(SCHEMA, path=str(generation))
    writer = index.writer(BUILD_HEAP, min(2, os.cpu_count() or 1))
    done = 0
    with generations.snapshot():
        position = generations.snapshot_position()
        tree = SkillTree.current()
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM postings_posting AS p WHERE {_PUBLISHED}")
            total = cursor.fetchone()[0]
        with connection.chunked_cursor() as rows:
            rows.execute(f"SELECT {_COLUMNS} FROM postings_posting AS p WHERE {_PUBLISHED}")
            while batch := rows.fetchmany(5_000):
                for row in batch:
                    writer.add_document(document(row, tree))
                done += len(batch)
                if progress is not None:
                    progress(done, total)
        writer.commit()
        writer.wait_merging_threads()
        (generation / _TREE_FILE).write_text(tree.key)
        (generation / _FORMAT_FILE).write_text(str(FORMAT))
        generations.save_position(generation, position)
        _files.serve(generation)
    return done


def index_sync(*, batch: int = SYNC_BATCH, wait: bool = False) -> int:
    """Index the postings changed since this copy's position in the change feed, as they
    now are; how many.

    Safe to run twice at once (the second returns 0 at once, or with `wait` waits its turn),
    after a crash (the position moves only after the index committed what it read; changes
    read again are indexed again, which changes nothing), and on many hosts at once (each
    copy has its own position; no copy consumes the feed). Does nothing until a first build
    exists; rebuilds a copy that is out of date or was written with another skill tree.
    """
    if _current() is None:
        return 0
    tree = SkillTree.current()
    try:
        with _files.writing(wait=wait):
            path = _current()
            stale = _format(path) != FORMAT or _tree_key(path) != tree.key
            if stale or generations.out_of_date(path):
                # Written with other fields (not served meanwhile), or the hierarchy moved
                # (every posting's skill_tree may have; searches use skill_ids meanwhile,
                # exact but slower), or changes may have been purged unread. Under the
                # lock: the syncs that find it busy meanwhile return.
                return _rebuild()
            return _follow(path, tree, batch)
    except Busy:
        return 0


def _follow(generation: Path, tree: SkillTree, batch: int) -> int:
    index = tantivy.Index.open(str(generation))
    with generations.snapshot():
        position = generations.snapshot_position()
        changed = generations.changed_since(generations.position(generation))
        with connection.cursor() as cursor:
            for start in range(0, len(changed), batch):
                ids = changed[start : start + batch]
                cursor.execute(
                    f"SELECT {_COLUMNS} FROM postings_posting AS p "
                    f"WHERE {_PUBLISHED} AND p.id = ANY(%s)",
                    [ids],
                )
                documents = [document(row, tree) for row in cursor.fetchall()]
                writer = index.writer(SYNC_HEAP, 1)
                for pk in ids:
                    writer.delete_documents_by_term("id", pk)
                for doc in documents:
                    writer.add_document(doc)
                writer.commit()
                writer.wait_merging_threads()
    generations.save_position(generation, position)
    return len(changed)


def index_lag() -> int | None:
    """Postings changed since the index's position (None without an index): for the health
    page. Changes of transactions still running at the last sync count until they end."""
    path = _current()
    if path is None:
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(DISTINCT posting_id) FROM postings_postingchange WHERE xact >= %s",
            [generations.position(path) or 0],
        )
        return cursor.fetchone()[0]


def changes_purge() -> int:
    """Delete changes older than CHANGES_KEPT_DAYS (every copy has read them, or rebuilds)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM postings_postingchange WHERE created_at < now() - %s * interval '1 day'",
            [CHANGES_KEPT_DAYS],
        )
        return cursor.rowcount

"""The skill-match board: every published posting's skills as arrays, so that a seeker's
skills score every role in one pass (postings.matching.ranking).

Scoring a million roles one by one in Python takes seconds, and no index can skip the roles
that score low without reading most of them (a common skill is on half the board). As
arrays, a profile's score of every role is one weighted count over the entries of the
skills it covers. The broadest skills (TOP_SKILLS of them: 85% of the entries at a million)
are also kept as two bit masks per row, which skills of them the row asks for as required
and as nice to have, so that their share of a score is two popcounts over the rows (2 ms)
instead of a count over millions of entries (a 12-skill profile with its ancestors covers
some 3 million: 21 ms); the rest of the profile's skills are counted entry by entry.

A generation (postings.engine.generations) under settings.MATCH_BOARD_DIR, its rows
in publication order, oldest first (published_at, then id: the page's order, so a later row
is the newer role):

- `ids`, `published`, `expires`: one value per row (times in microseconds; NEVER for a role
  that does not expire);
- `skill_ptr`, `entry_rows`, `entry_preferred`: the (role, skill) entries grouped by skill:
  skill s's entries are skill_ptr[s] to skill_ptr[s + 1], their rows ascending, each marked
  nice-to-have or not (scoring every role: a skill's roles);
- `row_ptr`, `row_skills`, `row_preferred`: the same entries grouped by row (row r's are
  row_ptr[r] to row_ptr[r + 1]), for questions about a few thousand roles (skills to learn).

What the entries weigh depends on the taxonomy (which skills are soft or still active): the
build weighs them with the taxonomy of its time and saves that too; a process that finds the
taxonomy changed since weighs them again for itself.

The worker rebuilds the board (`board_sync`, asked every 20 s by beat) when the change feed
shows a change since its position; a large board at most every REBUILD_EVERY seconds. Web
processes map the files read-only and share them through the page cache. So a role published
a moment ago reaches /match/ within 20 s on a small board and 2 minutes on a large one, and a
role closed meanwhile is left out when the page reads its rows through visible().
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import connection

from postings.engine import generations
from postings.engine.generations import Busy, Generations
from postings.matching.profiles import skill_weights
from postings.matching.score import REQUIRED, skill_weight
from postings.models import SAMPLE_EVERY, Seniority, Status
from skills.services import SkillIndex, skill_index

NEVER = 2**63 - 1
# A board this small is rebuilt whenever postings changed (beat asks every 20 s); a larger
# one at most every REBUILD_EVERY seconds (about 10 s of the worker's time at a million).
QUICK_ROWS = 50_000
# The files' layout: a generation of another one is rebuilt before it is read.
FORMAT = 3
# The broadest skills kept as bits of each row (one uint64 a row and group).
TOP_SKILLS = 64
REBUILD_EVERY = 120
_ARRAYS = (
    "ids", "published", "expires", "skill_ptr", "entry_rows", "entry_preferred", "row_ptr",
    "row_skills", "row_preferred", "levels",
)  # fmt: skip
_MICROS = "(extract(epoch FROM {}) * 1000000)::bigint"
_PUBLISHED = (
    f"FROM postings_posting AS p WHERE p.status = '{Status.PUBLISHED}' "
    "ORDER BY p.published_at, p.id"
)
# A row's level as a number: its place in Seniority (0: none).
LEVELS = [level.value for level in Seniority]
_LEVEL = "coalesce(array_position(ARRAY[{}]::text[], p.seniority::text), 0)".format(
    ", ".join(f"'{level}'" for level in LEVELS)
)
_ROWS = (
    f"SELECT p.id, {_MICROS.format('p.published_at')}, "
    f"coalesce({_MICROS.format('p.expires_at')}, {NEVER}), "
    "coalesce(cardinality(p.skill_ids), 0), coalesce(cardinality(p.preferred_skill_ids), 0), "
    f"{_LEVEL} {_PUBLISHED}"
)
# Each row's skills, then its nice-to-have ones (a part of them), in the rows' order.
_SKILLS = f"SELECT array_to_string(p.skill_ids, ' ') {_PUBLISHED}"
_PREFERRED = f"SELECT array_to_string(p.preferred_skill_ids, ' ') {_PUBLISHED}"

_files = Generations(lambda: Path(settings.MATCH_BOARD_DIR))


# ---------------------------------------------------------------------------------------------
# Writing (the worker; a request only when there is no board at all)
# ---------------------------------------------------------------------------------------------


def board_rebuild() -> int:
    """Write a new generation from every published posting and serve it; the rows written."""
    with _files.writing():
        return _rebuild()


def board_sync(*, wait: bool = False) -> int:
    """Rebuild the board if there is none (or one of another FORMAT, or one that may have
    missed changes), or if the change feed shows a change since its position and the board
    is small (a rebuild of fewer than QUICK_ROWS roles takes under a second) or
    REBUILD_EVERY seconds old; the rows written (0 when it was left as it is or another
    process is at it)."""
    try:
        with _files.writing(wait=wait):
            current = _files.current()
            if _usable(current) and not generations.out_of_date(current):
                # The files first: a large board rebuilt a moment ago waits in any case.
                if _rows(current) >= QUICK_ROWS and _age(current) < REBUILD_EVERY:
                    return 0
                if not generations.changed_any_since(generations.position(current)):
                    return 0
            return _rebuild()
    except Busy:
        return 0


def _usable(generation: Path | None) -> bool:
    """Whether there is a generation and this release can read it (written in its FORMAT)."""
    return generation is not None and _format(generation) == FORMAT


def _format(generation: Path) -> int | None:
    try:
        return int((generation / "format").read_text())
    except (OSError, ValueError):
        return None


def _rows(generation: Path) -> int:
    try:
        return len(np.load(generation / "ids.npy", mmap_mode="r"))
    except (OSError, ValueError):
        return 0


def _age(generation: Path) -> float:
    """Seconds since the generation was written (its position, saved last)."""
    return time.time() - (generation / "position").stat().st_mtime


def _rebuild() -> int:
    generation = _files.new()
    with generations.snapshot():
        position = generations.snapshot_position()
        rows = _copied(_ROWS).reshape(-1, 6)
        skills = _copied(_SKILLS)
        preferred = _copied(_PREFERRED)
    ids, published, expires, counts, preferred_counts, levels = (
        np.ascontiguousarray(rows[:, i]) for i in range(6)
    )
    numbered = np.arange(len(ids), dtype=np.int64)
    entry_rows = np.repeat(numbered, counts)
    span = int(skills.max()) + 2 if len(skills) else 2
    # An entry is nice to have when its (row, skill) is among the rows' preferred ones.
    is_preferred = np.isin(
        entry_rows * span + skills, np.repeat(numbered, preferred_counts) * span + preferred
    )
    order = np.argsort(skills, kind="stable")  # by skill; rows stay ascending within one
    skill_ptr = np.zeros(span, dtype=np.int64)
    np.cumsum(np.bincount(skills, minlength=span - 1), out=skill_ptr[1:])
    row_ptr = np.zeros(len(ids) + 1, dtype=np.int64)
    np.cumsum(counts, out=row_ptr[1:])
    arrays = {
        "levels": levels.astype(np.int8),
        "row_ptr": row_ptr,
        "row_skills": skills.astype(np.int32),
        "row_preferred": is_preferred,
        "ids": ids,
        "published": published,
        "expires": expires,
        "skill_ptr": skill_ptr,
        "entry_rows": entry_rows[order].astype(np.int32),
        "entry_preferred": is_preferred[order],
    }
    skills_now = skill_index()
    arrays |= _weigh(arrays, skills_now)
    for name, values in arrays.items():
        np.save(generation / f"{name}.npy", values)
    (generation / _WEIGHED_FOR).write_text(str(skills_now.version))
    (generation / "format").write_text(str(FORMAT))
    generations.save_position(generation, position)
    _files.serve(generation)
    return len(ids)


def _copied(select: str) -> np.ndarray:
    """A query's whitespace-separated integers, read by COPY (a million rows' worth of
    Python tuples would cost more than the query)."""
    text = io.StringIO()
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY ({select}) TO STDOUT", text)
    values = text.getvalue()
    if not values.strip():  # no integer at all: fromstring would read one 0 out of blanks
        return np.zeros(0, dtype=np.int64)
    return np.fromstring(values, dtype=np.int64, sep=" ")


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Board:
    """A generation's arrays (mapped) with the weights of one taxonomy version."""

    path: Path
    taxonomy: str
    ids: np.ndarray
    published: np.ndarray
    expires: np.ndarray
    skill_ptr: np.ndarray
    entry_rows: np.ndarray
    row_ptr: np.ndarray
    row_skills: np.ndarray
    row_preferred: np.ndarray
    levels: np.ndarray  # each row's place in LEVELS, plus one (0: none)
    # Each skill's weight as a required one (0: not an active skill).
    base_weights: np.ndarray
    # What each entry weighs in its role's score (postings.matching.score.skill_weight;
    # 0 for a skill no longer active), and each row's total: the score's denominator.
    entry_weights: np.ndarray
    totals: np.ndarray
    # Each row's required skills (weight REQUIRED), for "fits well".
    required: np.ndarray
    # The broadest skills (at most TOP_SKILLS of weight REQUIRED, bit i for top_skills[i])
    # and each row's bits of them as a required and as a nice-to-have skill.
    top_skills: np.ndarray
    top_required: np.ndarray
    top_preferred: np.ndarray
    id_order: np.ndarray  # the rows by posting id
    # The skills above each skill: skill s's are flat[ptr[s]:ptr[s + 1]].
    ancestors: tuple[np.ndarray, np.ndarray]
    # Answers kept for as long as they hold (visible()).
    _kept: dict = field(default_factory=dict, compare=False, repr=False)

    def had(self, skill_ids) -> np.ndarray:
        """Each row's weight of these skills (of those it has): the score's numerator when
        they are what a profile covers. The broadest from the rows' bits, the rest counted
        over their entries (the same weights: tests/matching holds both to match_score)."""
        wanted, top = set(skill_ids), self._top_bit
        bits = [top[skill] for skill in wanted if skill in top]
        rows, weights = self.entries([skill for skill in wanted if skill not in top])
        had = (  # float64 either way (bincount of nothing would be int64)
            np.bincount(rows, weights=weights, minlength=len(self.ids))
            if len(rows)
            else np.zeros(len(self.ids))
        )
        if bits:
            mask = np.uint64(sum(1 << i for i in bits))
            for group, preferred in ((self.top_required, 0), (self.top_preferred, 1)):
                # Counted as uint8 (at most TOP_SKILLS), weighed as float64.
                had += np.bitwise_count(group & mask) * float(skill_weight(REQUIRED, preferred))
        return had

    @cached_property
    def _top_bit(self) -> dict[int, int]:
        """Each of top_skills: its bit."""
        return {skill: bit for bit, skill in enumerate(self.top_skills.tolist())}

    def entries(self, skill_ids) -> tuple[np.ndarray, np.ndarray]:
        """The rows and weights of the entries of these skills (one array each)."""
        ptr, top = self.skill_ptr, len(self.skill_ptr) - 1
        spans = [(ptr[s], ptr[s + 1]) for s in skill_ids if 0 <= s < top]
        if not spans:
            return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int8)
        rows = np.concatenate([self.entry_rows[a:b] for a, b in spans])
        weights = np.concatenate([self.entry_weights[a:b] for a, b in spans])
        return rows, weights

    def row_entries(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The entries of these rows: (index into `rows` of each, skill, weight)."""
        owner, at = spans(self.row_ptr[rows], self.row_ptr[rows + 1])
        skills = self.row_skills[at]
        return owner, skills, skill_weight(self.base_weights[skills], self.row_preferred[at])

    def mask(self, skill_ids) -> np.ndarray:
        """A skill-indexed mask of these skills."""
        marked = np.zeros(len(self.skill_ptr), dtype=bool)
        marked[[s for s in skill_ids if 0 <= s < len(marked)]] = True
        return marked

    @cached_property
    def sample_rows(self) -> np.ndarray:
        """The rows of the fixed 1% sample (postings.models.SAMPLE_EVERY), ascending: a
        modulo over every id cost 2 ms a request."""
        return np.flatnonzero(self.ids % SAMPLE_EVERY == 0)

    def required_entries(self, rows: np.ndarray) -> RequiredEntries:
        """The entries of these rows (row_entries) with, among their required ones, those
        whose skill lies above another's in the same row."""
        owner, skills, weights = self.row_entries(rows)
        required = np.flatnonzero(weights == REQUIRED)
        span = len(self.skill_ptr)
        keys = owner[required] * span + skills[required]
        order = np.argsort(keys)
        keys = keys[order]
        ptr, flat = self.ancestors
        of = skills[required]
        pair, at = spans(ptr[of], ptr[of + 1])  # each required entry's skill's ancestors
        probe = owner[required][pair] * span + flat[at]
        found = np.searchsorted(keys, probe).clip(max=max(len(keys) - 1, 0))
        hit = keys[found] == probe  # the row asks for the ancestor as a required skill too
        return RequiredEntries(
            owner, skills, weights, required[pair[hit]], required[order[found[hit]]]
        )

    @cached_property
    def sample_entries(self) -> RequiredEntries:
        """required_entries(sample_rows), gathered once per board: skills to learn count
        over the sample each request (their counting 10.7 -> 1.8 ms p50 at a million)."""
        return self.required_entries(self.sample_rows)

    def visible(self, now_micros: int) -> np.ndarray:
        """Rows public at that time: published by then and not expired (as visible()).

        Read-only, and kept until the next publication or expiry after that time: the
        answer stands until then (at a million roles one comes every few seconds), and a
        page asks twice; two passes over the rows each time cost 0.3-2 ms."""
        kept = self._kept.get("visible")
        if kept is not None and kept[0] <= now_micros < kept[1]:
            return kept[2]
        rows = (self.published <= now_micros) & (self.expires > now_micros)
        rows.flags.writeable = False
        # Rows are in publication order: the next publication is one binary search away.
        upcoming = np.searchsorted(self.published, now_micros, side="right")
        until = min(
            int(self.published[upcoming]) if upcoming < len(rows) else NEVER,
            int(np.min(self.expires, where=self.expires > now_micros, initial=NEVER)),
        )
        self._kept["visible"] = (now_micros, until, rows)
        return rows

    def rows_of(self, posting_ids) -> np.ndarray:
        """The rows of those of these postings on the board (in no particular order).

        Sorted and searched among the ids in order: numpy's unique (a hash) and a search
        through the sorter took 166 ms for the 320,000 roles of two role filters at a
        million, most of a /match/ with such filters; this takes 25."""
        wanted = sorted_unique(np.fromiter(posting_ids, dtype=np.int64))
        if not len(self.ids) or not len(wanted):
            return np.zeros(0, dtype=np.int64)
        in_order = self.ids_in_order
        at = np.searchsorted(in_order, wanted).clip(max=len(in_order) - 1)
        return self.id_order[at[in_order[at] == wanted]]

    @cached_property
    def ids_in_order(self) -> np.ndarray:
        """The posting ids, ascending (ids by id_order), made once per opened board."""
        return self.ids[self.id_order]


@dataclass(frozen=True)
class RequiredEntries:
    """The entries of some rows (Board.row_entries: the index of each one's row among them,
    its skill, its weight) and, for what learning a skill covers, the pairs of their
    required entries in one row where the skill of above[i] lies above that of below[i]."""

    owner: np.ndarray
    skills: np.ndarray
    weights: np.ndarray
    below: np.ndarray
    above: np.ndarray


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """Each value once, ascending: numpy's unique, by sorting. Its hash table cost 5-7 times
    more on the arrays of ids and rows here (hundreds to hundreds of thousands)."""
    values = np.sort(values)
    return values[np.concatenate(([True], values[1:] != values[:-1]))] if len(values) else values


def spans(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The positions of the slices starts[i]:ends[i] of one array, all in one: (i of each
    position, the position)."""
    sizes = ends - starts
    owner = np.repeat(np.arange(len(starts)), sizes)
    return owner, starts[owner] + np.arange(len(owner)) - (np.cumsum(sizes) - sizes)[owner]


_opened: Board | None = None


def board_built() -> bool:
    """Whether a board this release can open is on disk: board() then opens it, and builds
    nothing (a build at a million postings takes minutes, the worker's job)."""
    return _usable(_files.current())


def board(skills: SkillIndex) -> Board:
    """The board being served, with the weights of `skills`; built here when there is none
    yet (a fresh install before the worker's first run)."""
    global _opened
    path = _files.current()
    if _opened is not None and _opened.path == path and _opened.taxonomy == skills.version:
        return _opened  # the one it opened: its format was checked then (no file read here)
    if not _usable(path):  # none yet, or written by an older release
        board_sync(wait=True)
        path = _files.current()
    _opened = _open(path, skills)
    return _opened


_WEIGHED_AS_IS = ("base_weights", "entry_weights", "totals", "required", "top_skills",
                  "top_required", "top_preferred")  # fmt: skip
_WEIGHED = (*_WEIGHED_AS_IS, "id_order", "ancestor_ptr", "ancestor_flat")
_WEIGHED_FOR = "weighed-for"  # the taxonomy version the weighed arrays were made with


def _open(path: Path, skills: SkillIndex) -> Board:
    arrays = _mapped(path, _ARRAYS)
    try:
        weighed_for = (path / _WEIGHED_FOR).read_text()
    except OSError:
        weighed_for = None
    # As the build left them, or (the taxonomy changed since) weighed by this process.
    fresh = weighed_for == str(skills.version)
    weighed = _mapped(path, _WEIGHED) if fresh else _weigh(arrays, skills)
    return Board(
        path=path,
        taxonomy=skills.version,
        **{name: arrays[name] for name in _ARRAYS if name != "entry_preferred"},
        **{name: weighed[name] for name in _WEIGHED_AS_IS},
        id_order=weighed["id_order"],
        ancestors=(weighed["ancestor_ptr"], weighed["ancestor_flat"]),
    )


def _mapped(path: Path, names) -> dict[str, np.ndarray]:
    # Seen as plain arrays: a memmap's every slice is a memmap, at some cost per slice.
    return {name: np.load(path / f"{name}.npy", mmap_mode="r").view(np.ndarray) for name in names}


def _weigh(arrays: dict[str, np.ndarray], skills: SkillIndex) -> dict[str, np.ndarray]:
    """What the entries weigh with this taxonomy (which skills are soft, which active)."""
    skill_ptr, rows, size = arrays["skill_ptr"], arrays["entry_rows"], len(arrays["ids"])
    base = np.zeros(len(skill_ptr), dtype=np.int8)  # as a required skill; 0: not active
    for skill, weight in skill_weights(skills).items():
        if skill < len(base):
            base[skill] = weight
    weights = skill_weight(
        np.repeat(base[: len(skill_ptr) - 1], np.diff(skill_ptr)), arrays["entry_preferred"]
    )
    ancestor_ptr, ancestor_flat = _ancestors(skills, len(skill_ptr))
    return _top(skill_ptr, rows, arrays["entry_preferred"], base, size) | {
        "base_weights": base,
        "entry_weights": weights.astype(np.int8),
        "totals": np.bincount(rows, weights=weights, minlength=size),
        "required": np.bincount(rows, weights=weights == REQUIRED, minlength=size),
        "id_order": np.argsort(arrays["ids"]),
        "ancestor_ptr": ancestor_ptr,
        "ancestor_flat": ancestor_flat,
    }


def _top(skill_ptr, entry_rows, entry_preferred, base, size) -> dict[str, np.ndarray]:
    """The TOP_SKILLS skills of weight REQUIRED with the most entries, and each row's bits."""
    sizes = np.where(base[: len(skill_ptr) - 1] == REQUIRED, np.diff(skill_ptr), 0)
    top = np.argsort(-sizes, kind="stable")[:TOP_SKILLS]
    top = top[sizes[top] > 0]
    groups = {"top_required": np.zeros(size, np.uint64), "top_preferred": np.zeros(size, np.uint64)}
    for bit, skill in enumerate(top.tolist()):
        at = slice(skill_ptr[skill], skill_ptr[skill + 1])
        rows, preferred = entry_rows[at], entry_preferred[at]
        # A skill's rows are distinct: an or through a fancy index sets each once.
        groups["top_required"][rows[~preferred]] |= np.uint64(1 << bit)
        groups["top_preferred"][rows[preferred]] |= np.uint64(1 << bit)
    return {"top_skills": top.astype(np.int64)} | groups


def _ancestors(skills: SkillIndex, span: int) -> tuple[np.ndarray, np.ndarray]:
    above = [
        sorted(a for a in skills.with_ancestors([skill]) if a != skill and a < span)
        if skill in skills.by_id
        else []
        for skill in range(span)
    ]
    ptr = np.zeros(span + 1, dtype=np.int64)
    np.cumsum([len(a) for a in above], out=ptr[1:])
    flat = np.fromiter((a for group in above for a in group), dtype=np.int64)
    return ptr, flat

"""Files copied out of PostgreSQL, written whole in generations and served by a link.

The search index (postings.engine.index) and the skill-match board (postings.matching.board)
are both such copies. Under a root folder: `current` (a symbolic link to the generation being
served), one folder per generation (`gen-<ns>`) and `lock` (held by whoever writes). A new
generation is written beside the served one and the link swapped atomically, so a reader
always sees a whole copy. Each generation keeps its `position` in the change feed
(PostingChange): the oldest transaction still running when it last read PostgreSQL, from
which the next reader of the feed goes on.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connection, transaction

_POSITION_FILE = "position"
# Changes are kept this long (changes_purge in postings.engine.index); a copy that has not
# read the feed for as long may have missed some, and is rebuilt.
CHANGES_KEPT_DAYS = 7


class Busy(Exception):
    """Another process is writing this copy."""


class Generations:
    def __init__(self, root: Callable[[], Path]) -> None:
        self._root = root  # read at each use: tests point the settings elsewhere

    def root(self) -> Path:
        return self._root()

    def current(self) -> Path | None:
        """The generation being served, or None before the first is written."""
        try:
            return self.root() / os.readlink(self.root() / "current")
        except OSError:
            return None

    def new(self) -> Path:
        generation = self.root() / f"gen-{time.time_ns()}"
        generation.mkdir(parents=True)
        return generation

    @contextmanager
    def writing(self, *, wait: bool = True) -> Iterator[None]:
        """One writer at a time across processes (a periodic task, a rebuild, a second
        worker). Without `wait`, Busy when another holds it: a periodic task then leaves
        the work to the one running instead of holding a worker while it waits."""
        self.root().mkdir(parents=True, exist_ok=True)
        with open(self.root() / "lock", "w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError as exc:
                raise Busy from exc
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def serve(self, generation: Path) -> None:
        """Swap the link to `generation` and remove the older ones."""
        link = self.root() / f"current.{generation.name}"
        os.symlink(generation.name, link)
        os.replace(link, self.root() / "current")
        for old in self.root().glob("gen-*"):
            if old != generation:
                shutil.rmtree(old, ignore_errors=True)  # open readers keep their mapped files


@contextmanager
def snapshot() -> Iterator[None]:
    """One snapshot for everything read inside (REPEATABLE READ)."""
    if connection.in_atomic_block:  # a test's transaction: its own snapshots, one writer
        with transaction.atomic():
            yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


def snapshot_position() -> int:
    """The oldest transaction the current snapshot saw running (every older one has ended,
    so its changes are all visible now). The first statement of a snapshot's transaction."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
        return cursor.fetchone()[0]


def position(generation: Path) -> int | None:
    try:
        return int((generation / _POSITION_FILE).read_text())
    except (OSError, ValueError):
        return None


def save_position(generation: Path, at: int) -> None:
    """Written whole or not at all (a crash leaves the previous position: changes read twice
    are applied twice, which changes nothing)."""
    temporary = generation / f"{_POSITION_FILE}.new"
    temporary.write_text(str(at))
    os.replace(temporary, generation / _POSITION_FILE)


def out_of_date(generation: Path) -> bool:
    """Whether this copy may have missed changes: no position, or none saved for longer
    than the changes are kept."""
    try:
        saved = (generation / _POSITION_FILE).stat().st_mtime
    except OSError:
        return True
    return time.time() - saved > CHANGES_KEPT_DAYS * 86400


def changed_since(at: int | None) -> list[int]:
    """The postings changed by transactions from `at` on (all kept changes for None)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT posting_id FROM postings_postingchange WHERE xact >= %s "
            "ORDER BY posting_id",
            [at or 0],
        )
        return [posting for (posting,) in cursor.fetchall()]


def changed_any_since(at: int | None) -> bool:
    """Whether any posting was changed by a transaction from `at` on: changed_since's
    question without its list (the board only asks whether to rebuild)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT FROM postings_postingchange WHERE xact >= %s)", [at or 0]
        )
        return cursor.fetchone()[0]

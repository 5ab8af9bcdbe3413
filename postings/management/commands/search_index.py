from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from postings.engine.index import index_rebuild, index_sync, searcher
from postings.matching.board import board_sync


class Command(BaseCommand):
    help = (
        "Bring the search index up to date with the postings changed since it was written "
        "(the worker does this every few seconds), building it first if there is none; "
        "--rebuild builds a new one. Searches are served from PostgreSQL until one exists. "
        "The skill-match board is brought up to date first (rebuilt if anything changed)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rebuild", action="store_true", help="Build a new index.")
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")

    def handle(self, *args, rebuild: bool, no_progress: bool, **options) -> None:
        # The board first: seconds where a first index takes minutes at a million postings,
        # and /match/ waits for it (docker-compose serves meanwhile) where search does not.
        self._board()
        if not rebuild and searcher() is not None:
            synced = index_sync(wait=True)
            self.stdout.write(f"{synced} changed postings indexed.")
            return
        with tqdm(unit=" postings", desc="Indexing", disable=no_progress, file=sys.stderr) as bar:

            def progress(done: int, total: int) -> None:
                bar.total = total
                bar.update(done - bar.n)

            indexed = index_rebuild(progress=progress)
        self.stdout.write(f"{indexed} published postings indexed.")

    def _board(self) -> None:
        self.stdout.write("Skill-match board: ", ending="")
        self.stdout.flush()
        rows = board_sync(wait=True)
        self.stdout.write(f"{rows} postings written." if rows else "up to date.")

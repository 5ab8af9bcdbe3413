from __future__ import annotations

import sys

from django.core.management.base import BaseCommand

from skills.extraction.cli import run
from skills.services import current_matcher


class Command(BaseCommand):
    help = (
        'Read JSON Lines {"id", "text"} on standard input and write one line per input, '
        '{"id", "skills": [{"slug", "name", "start", "end", "text", "preferred"}]}, using the '
        "taxonomy in the database. A malformed line is reported on standard error with its "
        "line number."
    )

    def handle(self, *args, **options) -> None:
        _, matcher, _ = current_matcher()
        run(sys.stdin, sys.stdout, sys.stderr, matcher)

from __future__ import annotations

import sys
import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from salaries.services import bands_compute, survey_import
from salaries.survey import SOURCE, RowError

# Malformed rows listed one per line up to this many; past it, only the count.
MAX_LISTED = 50


class Command(BaseCommand):
    help = (
        "Import an ai-jobs.net salary survey CSV, then recompute the bands of its reference "
        "year. Rows already imported are skipped, so re-importing a file changes nothing; "
        "malformed rows are reported with their line numbers and the import carries on."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the survey CSV (ai-jobs.net columns)")
        parser.add_argument("--source", default=SOURCE, help=f"source label (default {SOURCE})")
        parser.add_argument(
            "--year", type=int, help="band year (default: the year with the most responses)"
        )
        parser.add_argument(
            "--no-bands", action="store_true", help="import only; do not recompute bands"
        )

    def handle(self, *args, path: str, source: str, year: int | None, no_bands: bool, **opts):
        started = time.monotonic()
        try:
            with open(path, encoding="utf-8-sig", newline="") as file:
                total = max(sum(1 for _ in file) - 1, 0)
                file.seek(0)
                with tqdm(
                    total=total, unit="rows", desc="import", disable=not sys.stderr.isatty()
                ) as bar:
                    result = survey_import(lines=file, source=source, on_progress=bar.update)
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror or exc}") from exc
        except (RowError, UnicodeDecodeError) as exc:
            raise CommandError(f"{path}: {exc}") from exc
        for line, reason in result.malformed[:MAX_LISTED]:
            self.stderr.write(f"line {line}: {reason}")
        if len(result.malformed) > MAX_LISTED:
            self.stderr.write(f"... and {len(result.malformed) - MAX_LISTED} more malformed rows")
        self.stdout.write(
            f"Read {result.read:,} rows in {time.monotonic() - started:.1f}s: "
            f"{result.inserted:,} imported, {result.skipped:,} skipped "
            f"({result.already_imported:,} already imported, "
            f"{result.not_full_time:,} not full-time, {len(result.malformed):,} malformed)."
        )
        if no_bands:
            return
        bands = bands_compute(source=source, year=year)
        if bands.year is None:
            self.stdout.write("No responses, so no bands.")
            return
        self.stdout.write(
            f"Bands for {source} {bands.year}: {bands.total:,} groups ({bands.created:,} new, "
            f"{bands.updated:,} changed, {bands.unchanged:,} unchanged, {bands.deleted:,} "
            f"removed, {bands.kept_corrected:,} corrected by admins and kept)."
        )

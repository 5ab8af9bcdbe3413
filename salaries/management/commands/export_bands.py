from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from salaries.services import BANDS_FILE, bands_export


class Command(BaseCommand):
    help = (
        "Write the current salary bands to salaries/data/bands.json (or PATH), the data a "
        "fresh clone loads with `manage.py load_bands`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", default=str(BANDS_FILE))

    def handle(self, *args, path: str, **options) -> None:
        try:
            count = bands_export(path=Path(path))
        except OSError as exc:
            raise CommandError(f"cannot write {path}: {exc.strerror or exc}") from exc
        if not count:
            raise CommandError("No bands to export: run `manage.py import_salaries PATH` first.")
        self.stdout.write(f"Wrote {count:,} bands to {path}.")

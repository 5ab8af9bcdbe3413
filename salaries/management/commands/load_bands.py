from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from salaries.management.commands._json_file import load_json_file
from salaries.services import BANDS_FILE, bands_load


class Command(BaseCommand):
    help = (
        "Load the shipped salary bands (salaries/data/bands.json, or PATH). Safe to run again: "
        "equal bands are not touched and bands corrected by admins are kept."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", default=str(BANDS_FILE))

    def handle(self, *args, path: str, **options) -> None:
        _, result = load_json_file(path, bands_load)
        self.stdout.write(
            f"Bands for {result.source} {result.year}: {result.created:,} added, "
            f"{result.updated:,} changed, {result.unchanged:,} unchanged, "
            f"{result.deleted:,} removed, {result.kept_corrected:,} corrected by admins and kept."
        )

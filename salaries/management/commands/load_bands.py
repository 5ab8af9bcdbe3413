from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from salaries.services import BANDS_FILE, bands_load


class Command(BaseCommand):
    help = (
        "Load the shipped salary bands (salaries/data/bands.json, or PATH). Safe to run again: "
        "equal bands are not touched and bands corrected by admins are kept."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", default=str(BANDS_FILE))

    def handle(self, *args, path: str, **options) -> None:
        try:
            with open(path, encoding="utf-8") as file:
                data = json.load(file)
            result = bands_load(data=data)
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror or exc}") from exc
        except json.JSONDecodeError as exc:
            raise CommandError(f"{path}: not JSON: {exc}") from exc
        except ValidationError as exc:
            raise CommandError(f"{path}: {'; '.join(exc.messages)}") from exc
        self.stdout.write(
            f"Bands for {result.source} {result.year}: {result.created:,} added, "
            f"{result.updated:,} changed, {result.unchanged:,} unchanged, "
            f"{result.deleted:,} removed, {result.kept_corrected:,} corrected by admins and kept."
        )

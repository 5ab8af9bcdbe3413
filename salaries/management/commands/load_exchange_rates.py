from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from salaries.services import RATES_FILE, exchange_rates_load


class Command(BaseCommand):
    help = (
        "Load exchange rates (USD per unit, dated) from salaries/data/exchange_rates.json or "
        'PATH: {"date": "YYYY-MM-DD", "source": "...", "rates": {"EUR": "1.04", ...}}. '
        "Adds the rates not yet stored for that date; rates stored for it (admins' edits "
        "included) are kept, so it is safe to run again. A file with a newer date adds newer "
        "rates, which pay conversions then use."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", default=str(RATES_FILE))

    def handle(self, *args, path: str, **options) -> None:
        try:
            with open(path, encoding="utf-8") as file:
                data = json.load(file)
            result = exchange_rates_load(data=data)
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror or exc}") from exc
        except json.JSONDecodeError as exc:
            raise CommandError(f"{path}: not JSON: {exc}") from exc
        except ValidationError as exc:
            raise CommandError(f"{path}: {'; '.join(exc.messages)}") from exc
        self.stdout.write(
            f"Exchange rates of {data['date']}: {result.created} added, {result.kept} kept."
        )

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from salaries.management.commands._json_file import load_json_file
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
        data, result = load_json_file(path, exchange_rates_load)
        self.stdout.write(
            f"Exchange rates of {data['date']}: {result.created} added, {result.kept} kept."
        )

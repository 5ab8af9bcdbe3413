from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from skills.extraction import Taxonomy, TaxonomyError
from skills.services import taxonomy_load


class Command(BaseCommand):
    help = (
        "Load the shipped skills taxonomy (or PATH). Adds what the database lacks and keeps "
        "every change admins made, so it is safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", help="taxonomy YAML (default: the shipped one)")

    def handle(self, *args, path: str | None, **options) -> None:
        try:
            taxonomy = Taxonomy.load(path)
            taxonomy.validate()
        except (OSError, TaxonomyError) as exc:
            raise CommandError(str(exc)) from exc
        result = taxonomy_load(taxonomy=taxonomy)
        self.stdout.write(
            f"Taxonomy: {result.categories} categories, {result.skills} skills and "
            f"{result.aliases} aliases added ({len(taxonomy.skills)} skills in the file)."
        )
        for collision in result.collisions:
            self.stderr.write(f"skipped: {collision}")

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from tqdm import tqdm

from postings.demo.content import generate_companies, generate_postings
from postings.services import companies_ensure, postings_bulk_load
from postings.tagging.services import postings_enqueue_retag


class Command(BaseCommand):
    help = (
        "Generate N realistic ML job postings in bulk. Reproducible with --seed; re-running with "
        "the same seed adds nothing twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--postings", type=int, default=500, metavar="N")
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--batch-size", type=int, default=10_000)
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")

    def handle(self, *args, postings: int, seed: int, batch_size: int, **options) -> None:
        if postings < 0:
            self.stderr.write("--postings must be 0 or more.")
            sys.exit(2)
        if batch_size < 1:
            self.stderr.write("--batch-size must be at least 1.")
            sys.exit(2)
        companies = generate_companies(seed)
        company_ids = companies_ensure(companies=companies)
        rows = generate_postings(postings, seed=seed, now=timezone.now(), companies=companies)
        with tqdm(
            total=postings,
            unit=" postings",
            desc="Seeding",
            disable=options["no_progress"],
            file=sys.stderr,
        ) as bar:
            inserted = postings_bulk_load(
                rows=rows, company_ids=company_ids, batch_size=batch_size, on_batch=bar.update
            )
        if inserted:
            # Tag the new postings in the background, in id-range batches.
            postings_enqueue_retag()
        self.stdout.write(
            f"{inserted} postings added, {postings - inserted} already present "
            f"({len(company_ids)} companies)."
        )

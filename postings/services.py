"""Writes to companies and postings."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from itertools import islice

from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from postings.models import Company

# Columns a bulk load fills, in COPY order. Everything else takes its database default.
BULK_COLUMNS = (
    "source_key", "company_id", "title", "slug", "description", "seniority", "role_family",
    "employment_type", "workplace", "city", "region", "country", "remote_regions",
    "salary_min", "salary_max", "salary_currency", "salary_period", "visa_sponsorship",
    "apply_url", "apply_email", "status", "created_at", "updated_at", "published_at",
    "expires_at", "text_updated_at", "skill_ids",
)  # fmt: skip
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def companies_ensure(*, companies: Iterable[dict]) -> dict[str, int]:
    """Create the companies that do not exist yet (by slug); return slug -> id for all of them."""
    rows = list(companies)
    Company.objects.bulk_create(
        [
            Company(
                name=c["name"],
                slug=c["slug"],
                website=c.get("website", ""),
                description=c.get("description", ""),
                city=c.get("city", ""),
                country=c.get("country", ""),
            )
            for c in rows
        ],
        ignore_conflicts=True,
    )
    slugs = [c["slug"] for c in rows]
    return dict(Company.objects.filter(slug__in=slugs).values_list("slug", "id"))


def _copy_value(value: object) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list):
        # Array literal; remote region codes are plain upper-case letters, nothing to quote.
        return "{" + ",".join(value) + "}"
    return str(value).translate(_COPY_ESCAPES)


def _copy_line(row: dict, company_ids: dict[str, int], now: datetime) -> str:
    values = {
        **row,
        "source_key": row["key"],
        "company_id": company_ids[row["company_slug"]],
        "slug": slugify(row["title"])[:200] or "job",
        "updated_at": row.get("updated_at") or row.get("published_at") or now,
        "text_updated_at": row.get("created_at") or now,
        "skill_ids": [],
        "salary_currency": row.get("salary_currency") or "",
        "salary_period": row.get("salary_period") or "",
        "apply_url": row.get("apply_url") or "",
        "apply_email": row.get("apply_email") or "",
    }
    return "\t".join(_copy_value(values[column]) for column in BULK_COLUMNS) + "\n"


def postings_bulk_load(
    *,
    rows: Iterable[dict],
    company_ids: dict[str, int],
    batch_size: int = 10_000,
    on_batch: Callable[[int], None] | None = None,
) -> int:
    """Insert postings in batches, skipping any whose `key` is already loaded; return how many
    were inserted.

    Each batch is COPYed into a temporary table and moved over with INSERT ... ON CONFLICT DO
    NOTHING on the unique source_key, so a repeated or interrupted load never duplicates a
    posting and never touches rows users created. Bulk-loaded postings are not tagged here:
    the tagging sweep picks up every posting whose skills are missing.
    """
    columns = ", ".join(BULK_COLUMNS)
    now = timezone.now()
    inserted = 0
    iterator: Iterator[dict] = iter(rows)
    while batch := list(islice(iterator, batch_size)):
        buffer = io.StringIO("".join(_copy_line(row, company_ids, now) for row in batch))
        with transaction.atomic(), connection.cursor() as cursor:
            # Same column types, no constraints: the INSERT below checks them all.
            cursor.execute(
                f"CREATE TEMP TABLE posting_load AS "
                f"SELECT {columns} FROM postings_posting WITH NO DATA"
            )
            cursor.connection.cursor().copy_expert(
                f"COPY posting_load ({columns}) FROM STDIN", buffer
            )
            cursor.execute(
                f"INSERT INTO postings_posting ({columns}) SELECT {columns} FROM posting_load "
                "ON CONFLICT (source_key) DO NOTHING"
            )
            inserted += cursor.rowcount
            # Dropped here, not ON COMMIT: inside an outer transaction there is no commit yet.
            cursor.execute("DROP TABLE posting_load")
        if on_batch:
            on_batch(len(batch))
    return inserted

"""Writes to companies and postings."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from itertools import islice

from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from postings.models import SEARCH_DOCUMENT_SQL, Company, Posting, SyncMark
from postings.tagging.services import posting_enqueue_tagging, postings_tag
from salaries.normalization import PERIODS_PER_YEAR
from salaries.services import rates_fingerprint

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


def _model_defaults() -> dict[str, object]:
    """Model defaults for the columns a bulk load does not fill.

    Django's defaults live in Python, not in the table, so an INSERT that names only some
    columns would write NULL into the rest; the loader writes these instead, so a column
    added later cannot break it.
    """
    skip = {"id", *BULK_COLUMNS}
    return {
        field.column: field.get_default()
        for field in Posting._meta.concrete_fields
        if field.column not in skip
        and not field.generated
        and (field.has_default() or not field.null)
    }


def _copy_line(row: dict, company_ids: dict[str, int], now: datetime, defaults: dict) -> str:
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
    return "\t".join(_copy_value(values[column]) for column in (*BULK_COLUMNS, *defaults)) + "\n"


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
    defaults = _model_defaults()
    columns = ", ".join((*BULK_COLUMNS, *defaults))
    loaded = ", ".join(f"l.{column}" for column in (*BULK_COLUMNS, *defaults))
    # The search document and annual USD pay are computed in the same INSERT: a second pass
    # (an UPDATE) would rewrite every new row.
    document = SEARCH_DOCUMENT_SQL.format(t="l")
    with_clause, pay_joins, pay_lo, pay_hi = _pay_usd_sql("l")
    now = timezone.now()
    inserted = 0
    iterator: Iterator[dict] = iter(rows)
    while batch := list(islice(iterator, batch_size)):
        buffer = io.StringIO(
            "".join(_copy_line({**defaults, **row}, company_ids, now, defaults) for row in batch)
        )
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
                f"{with_clause} INSERT INTO postings_posting ({columns}, search_vector, "
                f"search_text_at, pay_min_usd, pay_max_usd) SELECT {loaded}, {document}, "
                f"l.text_updated_at, {pay_lo}, {pay_hi} FROM posting_load l {pay_joins} "
                "ON CONFLICT (source_key) DO NOTHING"
            )
            inserted += cursor.rowcount
            # Dropped here, not ON COMMIT: inside an outer transaction there is no commit yet.
            cursor.execute("DROP TABLE posting_load")
        if on_batch:
            on_batch(len(batch))
    return inserted


def _pay_usd_sql(t: str) -> tuple[str, str, str, str]:
    """SQL pieces turning pay as entered in row alias `t` into annual USD.

    Returns (WITH clause, JOIN clause, min expression, max expression). The latest rate per
    currency comes from salaries.ExchangeRate and the period factors from
    salaries.normalization, so the arithmetic has one definition for the bulk loader and the
    refresh alike. A currency without a rate gives NULL: no figure rather than a wrong one.
    """
    periods = ", ".join(f"('{period}', {factor})" for period, factor in PERIODS_PER_YEAR.items())
    with_clause = (
        "WITH pay_rates AS (SELECT DISTINCT ON (currency) currency, usd_per_unit AS rate "
        "FROM salaries_exchangerate ORDER BY currency, rate_date DESC), "
        f"pay_periods (period, factor) AS (VALUES {periods})"
    )
    joins = (
        f"LEFT JOIN pay_periods pf ON pf.period = {t}.salary_period "
        f"LEFT JOIN pay_rates pr ON pr.currency = {t}.salary_currency"
    )
    rate = f"COALESCE(pr.rate, CASE WHEN {t}.salary_currency = 'USD' THEN 1 END)"

    def annual(column: str) -> str:
        # Capped to the integer column; not with LEAST(), which skips NULLs and would give
        # a posting without pay the largest salary there is.
        value = f"ROUND({t}.{column} * pf.factor * {rate})"
        return f"(CASE WHEN {value} > 2147483647 THEN 2147483647 ELSE {value} END)::int"

    return with_clause, joins, annual("salary_min"), annual("salary_max")


def postings_refresh_pay_usd(*, posting_ids: list[int] | None = None) -> int:
    """Recompute pay_min_usd / pay_max_usd from pay as entered; return rows changed.

    Set-based; only rows whose figure changes are written, so refreshing every posting after
    a rate update is cheap.
    """
    with_clause, joins, lo, hi = _pay_usd_sql("q")
    scope = "TRUE" if posting_ids is None else "q.id = ANY(%s)"
    params = [] if posting_ids is None else [list(posting_ids)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            {with_clause},
            computed AS (SELECT q.id, {lo} AS lo, {hi} AS hi FROM postings_posting q {joins}
                         WHERE {scope})
            UPDATE postings_posting p SET pay_min_usd = c.lo, pay_max_usd = c.hi
            FROM computed c
            WHERE p.id = c.id
              AND (p.pay_min_usd IS DISTINCT FROM c.lo OR p.pay_max_usd IS DISTINCT FROM c.hi)
            """,
            params,
        )
        return cursor.rowcount


def pay_follow_rates() -> int | None:
    """Recompute annual USD pay if the exchange rates changed since it was last computed;
    return the rows changed, or None when the rates had not changed (or another run claimed
    the refresh).

    The mark and the refresh commit together: a refresh that fails leaves the mark where it
    was, and the next run tries again. Two runs racing: the second's conditional UPDATE
    waits for the first's lock, then finds the mark moved and does nothing.
    """
    fingerprint = rates_fingerprint()
    with transaction.atomic():
        SyncMark.objects.get_or_create(name=SyncMark.Name.EXCHANGE_RATES, defaults={"mark": ""})
        claimed = (
            SyncMark.objects.filter(name=SyncMark.Name.EXCHANGE_RATES)
            .exclude(mark=fingerprint)
            .update(mark=fingerprint, updated_at=timezone.now())
        )
        if not claimed:
            return None
        return postings_refresh_pay_usd()


PAY_FIELDS = frozenset({"salary_min", "salary_max", "salary_currency", "salary_period"})
TEXT_FIELDS = frozenset({"title", "description"})


def posting_refresh_derived(*, posting_id: int, changed: Iterable[str], tag_now: bool) -> None:
    """After a write of `changed` fields: recompute what is derived from them.

    Pay -> annual USD, at once (one row). Title or description -> skills and the search
    document, through the tagging pipeline: synchronously when the writer is about to show
    them (an employer's preview), otherwise queued after commit. Callers also stamp
    text_updated_at on a text change, which the tagging sweep compares against.
    """
    changed = set(changed)
    if PAY_FIELDS & changed:
        postings_refresh_pay_usd(posting_ids=[posting_id])
    if TEXT_FIELDS & changed:
        if tag_now:
            postings_tag(posting_ids=[posting_id])
        else:
            posting_enqueue_tagging(posting_id=posting_id)

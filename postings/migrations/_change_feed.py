"""The columns the change feed's triggers watch (migrations 0020, 0023 and 0024): those the
search index holds (postings.engine.index.document) and, from 0024 on, those the skill-match
board holds (postings.matching.board). A change to any other column (view counters, the
description, whose search document is what counts) is neither copy's business. Cheapest and
most often changed first: the comparison stops at the first difference."""

INDEXED = (
    "status, skill_ids, pay_max_usd, seniority, role_family, workplace, employment_type, "
    "country, remote_regions, city, company_id, visa_sponsorship, published_at, expires_at, "
    "search_vector"
)


# 0024: the skill match's nice-to-have skills too (an employer moves a skill between groups).
WATCHED = f"{INDEXED}, preferred_skill_ids"


def row(alias: str, columns: str = INDEXED) -> str:
    return ", ".join(f"{alias}.{column.strip()}" for column in columns.split(","))


def update_trigger(columns: str) -> str:
    """The per-row UPDATE trigger (0023's shape) for these columns."""
    return f"""
DROP TRIGGER posting_updated_for_search ON postings_posting;
CREATE TRIGGER posting_updated_for_search
    AFTER UPDATE OF {columns} ON postings_posting FOR EACH ROW
    WHEN (({row("NEW", columns)}) IS DISTINCT FROM ({row("OLD", columns)}))
    EXECUTE FUNCTION postings_posting_updated();
"""

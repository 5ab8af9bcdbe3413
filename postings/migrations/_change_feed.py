"""The columns the search index holds (postings.engine.index.document), for the change
feed's triggers (migrations 0020 and 0023): a change to any other column (view counters,
the description, whose search document is what counts) is not the index's business.
Cheapest and most often changed first: the comparison stops at the first difference."""

INDEXED = (
    "status, skill_ids, pay_max_usd, seniority, role_family, workplace, employment_type, "
    "country, remote_regions, city, company_id, visa_sponsorship, published_at, expires_at, "
    "search_vector"
)


def row(alias: str) -> str:
    return ", ".join(f"{alias}.{column.strip()}" for column in INDEXED.split(","))

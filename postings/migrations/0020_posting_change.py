"""The search index's change feed (postings.engine): triggers that note every posting whose
searchable fields an INSERT, UPDATE or DELETE changed. Statement-level with transition
tables, so a bulk load of a million rows costs one INSERT ... SELECT, not a million calls."""

from django.db import migrations, models

# The columns the search index holds (postings.engine.index.document): a change to any
# other (view counters, the description's HTML) is not the index's business.
_INDEXED = (
    "status, published_at, expires_at, search_vector, skill_ids, seniority, role_family, "
    "workplace, employment_type, country, remote_regions, city, company_id, "
    "visa_sponsorship, pay_max_usd"
)
_NEW = ", ".join(f"n.{c.strip()}" for c in _INDEXED.split(","))
_OLD = ", ".join(f"o.{c.strip()}" for c in _INDEXED.split(","))

TRIGGERS = f"""
CREATE FUNCTION postings_posting_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO postings_postingchange (posting_id) SELECT id FROM new_rows;
    RETURN NULL;
END $$;
CREATE FUNCTION postings_posting_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO postings_postingchange (posting_id)
    SELECT n.id FROM new_rows AS n JOIN old_rows AS o ON o.id = n.id
    WHERE ({_NEW}) IS DISTINCT FROM ({_OLD});
    RETURN NULL;
END $$;
CREATE FUNCTION postings_posting_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO postings_postingchange (posting_id) SELECT id FROM old_rows;
    RETURN NULL;
END $$;
CREATE TRIGGER posting_inserted_for_search AFTER INSERT ON postings_posting
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION postings_posting_inserted();
CREATE TRIGGER posting_updated_for_search AFTER UPDATE ON postings_posting
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION postings_posting_updated();
CREATE TRIGGER posting_deleted_for_search AFTER DELETE ON postings_posting
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
    EXECUTE FUNCTION postings_posting_deleted();
"""

DROP = """
DROP TRIGGER posting_inserted_for_search ON postings_posting;
DROP TRIGGER posting_updated_for_search ON postings_posting;
DROP TRIGGER posting_deleted_for_search ON postings_posting;
DROP FUNCTION postings_posting_inserted();
DROP FUNCTION postings_posting_updated();
DROP FUNCTION postings_posting_deleted();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("postings", "0019_saved_search_once"),
    ]

    operations = [
        migrations.CreateModel(
            name="PostingChange",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("posting_id", models.BigIntegerField()),
            ],
        ),
        migrations.RunSQL(TRIGGERS, DROP),
    ]

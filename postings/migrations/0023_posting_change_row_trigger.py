"""The change feed's UPDATE trigger per row, only for statements that set a column the index
holds, and only for rows where one of them changed (a WHEN clause, checked without calling
the function). The statement-level trigger copied every updated row, description and all,
twice (old and new) into transition tables: bulk tagging ran 29% slower with it."""

from django.db import migrations

from postings.migrations import _change_feed

FORWARD = f"""
DROP TRIGGER posting_updated_for_search ON postings_posting;
DROP FUNCTION postings_posting_updated();
CREATE FUNCTION postings_posting_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO postings_postingchange (posting_id) VALUES (NEW.id);
    RETURN NULL;
END $$;
CREATE TRIGGER posting_updated_for_search
    AFTER UPDATE OF {_change_feed.INDEXED} ON postings_posting FOR EACH ROW
    WHEN (({_change_feed.row("NEW")}) IS DISTINCT FROM ({_change_feed.row("OLD")}))
    EXECUTE FUNCTION postings_posting_updated();
"""

BACKWARD = f"""
DROP TRIGGER posting_updated_for_search ON postings_posting;
DROP FUNCTION postings_posting_updated();
CREATE FUNCTION postings_posting_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO postings_postingchange (posting_id)
    SELECT n.id FROM new_rows AS n JOIN old_rows AS o ON o.id = n.id
    WHERE ({_change_feed.row("n")}) IS DISTINCT FROM ({_change_feed.row("o")});
    RETURN NULL;
END $$;
CREATE TRIGGER posting_updated_for_search AFTER UPDATE ON postings_posting
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION postings_posting_updated();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("postings", "0022_posting_change_xact"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]

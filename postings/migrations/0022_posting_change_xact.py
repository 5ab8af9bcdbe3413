"""Each copy of the search index keeps its own position in the change feed, by transaction
(PostingChange): the rows name the transaction that wrote them and when. Existing rows (a
feed consumed by deleting, before) count as written by no transaction still of interest."""

from django.db import migrations, models

ADD = """
ALTER TABLE postings_postingchange
    ADD COLUMN xact bigint NOT NULL DEFAULT 0,
    ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE postings_postingchange
    ALTER COLUMN xact SET DEFAULT pg_current_xact_id()::text::bigint;
"""
DROP = "ALTER TABLE postings_postingchange DROP COLUMN xact, DROP COLUMN created_at;"


class Migration(migrations.Migration):
    dependencies = [
        ("postings", "0021_company_name_trgm"),
    ]

    operations = [
        migrations.RunSQL(
            ADD,
            DROP,
            state_operations=[
                migrations.AddField(
                    model_name="postingchange",
                    name="xact",
                    field=models.BigIntegerField(editable=False),
                    preserve_default=False,
                ),
                migrations.AddField(
                    model_name="postingchange",
                    name="created_at",
                    field=models.DateTimeField(editable=False),
                    preserve_default=False,
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="postingchange",
            index=models.Index(fields=["xact"], name="posting_change_xact_idx"),
        ),
        migrations.AddIndex(
            model_name="postingchange",
            index=models.Index(fields=["created_at"], name="posting_change_created_idx"),
        ),
    ]

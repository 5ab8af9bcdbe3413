from django.db import migrations


class Migration(migrations.Migration):
    """Out of line goes only the text; the small arrays that filters read stay in the row.

    PostgreSQL moves a row's largest columns out until the row is under toast_tuple_target:
    at 128 bytes it went on to skill_ids, so every skill filter and facet had to fetch and
    decompress it. 512 stops after the description and search document, and PLAIN storage
    keeps skill_ids and remote_regions inline whatever the row's size.
    """

    dependencies = [("postings", "0005_posting_narrow_rows")]

    operations = [
        migrations.RunSQL(
            "ALTER TABLE postings_posting SET (toast_tuple_target = 512); "
            "ALTER TABLE postings_posting ALTER COLUMN skill_ids SET STORAGE PLAIN; "
            "ALTER TABLE postings_posting ALTER COLUMN remote_regions SET STORAGE PLAIN",
            reverse_sql="ALTER TABLE postings_posting SET (toast_tuple_target = 128); "
            "ALTER TABLE postings_posting ALTER COLUMN skill_ids SET STORAGE EXTENDED; "
            "ALTER TABLE postings_posting ALTER COLUMN remote_regions SET STORAGE EXTENDED",
        ),
    ]

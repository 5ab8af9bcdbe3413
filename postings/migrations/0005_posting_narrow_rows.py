from django.db import migrations


class Migration(migrations.Migration):
    """Keep posting rows narrow: descriptions and search documents move out of line.

    A description of 1-2 KB stays inside the row under PostgreSQL's default 2 KB threshold,
    so every scan, count and bitmap fetch on the posting table drags it along. With a low
    toast_tuple_target the row keeps only the filterable columns (about 300 bytes) and the
    text is fetched when a page shows it. Applies to rows written from now on.
    """

    dependencies = [("postings", "0004_search")]

    operations = [
        migrations.RunSQL(
            "ALTER TABLE postings_posting SET (toast_tuple_target = 128)",
            reverse_sql="ALTER TABLE postings_posting RESET (toast_tuple_target)",
        ),
    ]

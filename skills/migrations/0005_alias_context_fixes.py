"""Shipped aliases whose flags changed after databases were loaded.

`load_taxonomy` only adds what a database lacks (admins' edits are kept), so a change to an
existing alias's flags in `taxonomy.yaml` needs this step to reach databases loaded before it:
- "authorization" / "authorisation" need technical context: alone they were mostly visa
  boilerplate ("employment authorization").
- "Search" needs technical context: alone it is mostly the verb ("search our open roles").
- "Workday" (the product) is matched in that case only: "no workday will look the same".
Skills and aliases that are new in the file are added by `load_taxonomy` as usual. The taxonomy
version goes up when a row changed, so postings are re-tagged.
"""

from django.db import migrations
from django.db.models import F
from django.utils import timezone

CHANGES = {
    "authorization": {"needs_context": True},
    "authorisation": {"needs_context": True},
    "search": {"needs_context": True},
    "workday": {"text": "Workday", "case_sensitive": True},
}


def apply(apps, schema_editor):
    Alias = apps.get_model("skills", "Alias")
    TaxonomyVersion = apps.get_model("skills", "TaxonomyVersion")
    changed = 0
    for key, values in CHANGES.items():
        changed += Alias.objects.filter(key=key).update(**values)
    if changed and TaxonomyVersion.objects.filter(id=1).exists():
        TaxonomyVersion.objects.filter(id=1).update(
            version=F("version") + 1, changed_at=timezone.now()
        )


class Migration(migrations.Migration):
    dependencies = [("skills", "0004_tagging_moves_to_postings")]

    operations = [migrations.RunPython(apply, migrations.RunPython.noop)]

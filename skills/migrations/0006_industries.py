"""Industries become a category of their own, which the matcher reads differently.

An industry ("Financial services", "E-commerce") counts only where a posting lists it or asks
it of the candidate; named in any other sentence it is the employer's own market
(skills.extraction.matcher.INDUSTRY_CATEGORY). `load_taxonomy` only adds, so databases loaded
before this change get the new category here, and the shipped industry skills move into it
from "domain" (a skill an admin moved elsewhere stays where it is). The domain category loses
"and industries" from its name unless an admin renamed it. The taxonomy version goes up when
a skill moved, so postings are re-tagged.
"""

from django.db import migrations
from django.db.models import F, Max
from django.utils import timezone

INDUSTRY_SKILLS = [
    "domain-financial-services",
    "domain-healthcare",
    "domain-ecommerce",
    "domain-gaming",
    "domain-telecommunications",
    "domain-media",
    "domain-education",
    "domain-real-estate",
    "domain-life-sciences",
]


def apply(apps, schema_editor):
    Category = apps.get_model("skills", "Category")
    Skill = apps.get_model("skills", "Skill")
    TaxonomyVersion = apps.get_model("skills", "TaxonomyVersion")
    Category.objects.filter(slug="domain", name="Domains and industries").update(name="Domains")
    skills = Skill.objects.filter(slug__in=INDUSTRY_SKILLS, category__slug="domain")
    if not skills.exists():
        return  # a new database: load_taxonomy creates the category with its skills
    last = Category.objects.aggregate(last=Max("position"))["last"] or 0
    industry, _ = Category.objects.get_or_create(
        slug="industry", defaults={"name": "Industries", "position": last + 1}
    )
    if skills.update(category=industry) and TaxonomyVersion.objects.filter(id=1).exists():
        TaxonomyVersion.objects.filter(id=1).update(
            version=F("version") + 1, changed_at=timezone.now()
        )


class Migration(migrations.Migration):
    dependencies = [("skills", "0005_alias_context_fixes")]

    operations = [migrations.RunPython(apply, migrations.RunPython.noop)]

"""The taxonomy: loading is idempotent and keeps admin edits, aliases never mean two skills,
merges leave a redirect, and extract_skills speaks JSON Lines."""

from __future__ import annotations

import io
import json
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.core.management import call_command

from skills.extraction import Taxonomy
from skills.models import Alias, Category, Skill
from skills.services import alias_create, skill_merge, taxonomy_load, taxonomy_version
from tests.factories import SMALL_TAXONOMY

pytestmark = pytest.mark.django_db


def test_loading_twice_adds_nothing_and_keeps_admin_edits(taxonomy):
    version = taxonomy_version()
    Skill.objects.filter(slug="python").update(name="Python 3", description="edited")

    again = taxonomy_load(taxonomy=Taxonomy.from_dict(SMALL_TAXONOMY))

    assert (again.categories, again.skills, again.aliases) == (0, 0, 0)
    assert taxonomy_version() == version
    assert Skill.objects.get(slug="python").name == "Python 3"
    assert Skill.objects.get(slug="pytorch").parent.slug == "deep-learning"
    assert Alias.objects.filter(skill__slug="kubernetes").count() == 2


def test_an_alias_colliding_with_another_skill_is_refused_naming_both(taxonomy):
    with pytest.raises(ValidationError) as error:
        alias_create(skill=taxonomy["python"], text="K8S")
    assert error.value.message_dict["text"] == [
        '"K8S" collides with "k8s", an alias of Kubernetes; it cannot also mean Python.'
    ]


def test_a_new_alias_bumps_the_taxonomy_version(taxonomy):
    before = taxonomy_version()
    alias_create(skill=taxonomy["kubernetes"], text="kube")
    assert taxonomy_version() == before + 1


def test_extract_skills_reads_json_lines_and_reports_bad_lines(taxonomy, monkeypatch, capsys):
    lines = '{"id": 7, "text": "PyTorch on k8s"}\nnot json\n{"id": 8}\n{"id": "x", "text": ""}\n'
    monkeypatch.setattr("sys.stdin", io.StringIO(lines))
    call_command("extract_skills")
    out, err = capsys.readouterr()
    rows = [json.loads(line) for line in out.splitlines()]
    assert rows[0] == {
        "id": 7,
        "skills": [
            {
                "slug": "pytorch",
                "name": "PyTorch",
                "start": 0,
                "end": 7,
                "text": "PyTorch",
                "preferred": False,
            },
            {
                "slug": "kubernetes",
                "name": "Kubernetes",
                "start": 11,
                "end": 14,
                "text": "k8s",
                "preferred": False,
            },
        ],
    }
    assert rows[1] == {"id": "x", "skills": []}
    assert "line 2: skipped malformed input" in err
    assert 'line 3: skipped malformed input: "text" must be a string' in err


def test_extract_skills_reads_the_industry_category_from_the_database(
    taxonomy, monkeypatch, capsys
):
    taxonomy_load(
        taxonomy=Taxonomy.from_dict(
            {
                "categories": [{"slug": "industry", "name": "Industries"}],
                "skills": [{"slug": "fintech", "name": "Fintech", "category": "industry"}],
            }
        )
    )
    lines = (
        '{"id": 1, "text": "Acme has grown fast in fintech with PyTorch."}\n'
        '{"id": 2, "text": "Industry: Fintech"}\n'
    )
    monkeypatch.setattr("sys.stdin", io.StringIO(lines))
    call_command("extract_skills")
    rows = [json.loads(line) for line in capsys.readouterr()[0].splitlines()]
    assert [[s["slug"] for s in row["skills"]] for row in rows] == [["pytorch"], ["fintech"]]


def test_the_industries_migration_moves_the_shipped_industries_of_a_loaded_database(taxonomy):
    domain = Category.objects.create(slug="domain", name="Domains and industries", position=4)
    gaming = Skill.objects.create(slug="domain-gaming", name="Gaming", category=domain)
    language = Category.objects.get(slug="language")
    kept = Skill.objects.create(slug="domain-media", name="Media", category=language)
    version = taxonomy_version()

    import_module("skills.migrations.0006_industries").apply(django_apps, None)

    gaming.refresh_from_db()
    kept.refresh_from_db()
    assert (gaming.category.slug, gaming.category.name) == ("industry", "Industries")
    assert kept.category.slug == "language"  # an admin moved it elsewhere: it stays
    assert Category.objects.get(slug="domain").name == "Domains"
    assert taxonomy_version() == version + 1


def test_merging_moves_aliases_and_children_and_leaves_an_inactive_redirect(taxonomy):
    torch = Skill.objects.create(
        slug="torch-lua", name="Torch (Lua)", category=taxonomy["pytorch"].category
    )
    Alias.objects.create(skill=torch, text="Torch (Lua)", key="torch lua", is_canonical=True)
    child = Skill.objects.create(
        slug="torch-nn", name="torch.nn", category=torch.category, parent=torch
    )
    older = Skill.objects.create(
        slug="lua-torch", name="Lua Torch", category=torch.category, is_active=False,
        merged_into=torch,
    )  # fmt: skip
    before = taxonomy_version()

    skill_merge(source=torch, target=taxonomy["pytorch"])

    torch.refresh_from_db()
    assert (torch.merged_into, torch.is_active) == (taxonomy["pytorch"], False)
    assert not torch.aliases.exists()
    assert Alias.objects.get(text="Torch (Lua)").skill == taxonomy["pytorch"]
    assert Skill.objects.get(pk=child.pk).parent == taxonomy["pytorch"]
    # A skill merged into the source earlier now redirects straight to the target.
    assert Skill.objects.get(pk=older.pk).merged_into == taxonomy["pytorch"]
    assert taxonomy_version() == before + 1


def test_a_skill_cannot_be_merged_into_itself_twice_or_into_a_merged_one(taxonomy):
    with pytest.raises(ValidationError, match="cannot be merged into itself"):
        skill_merge(source=taxonomy["python"], target=taxonomy["python"])
    skill_merge(source=taxonomy["kubernetes"], target=taxonomy["python"])
    with pytest.raises(ValidationError, match="Kubernetes was merged already"):
        skill_merge(source=taxonomy["kubernetes"], target=taxonomy["pytorch"])
    with pytest.raises(ValidationError, match="Kubernetes was merged into another skill"):
        skill_merge(source=taxonomy["pytorch"], target=taxonomy["kubernetes"])


def test_a_merged_skill_cannot_be_made_active_again(taxonomy):
    from django.db import IntegrityError

    skill_merge(source=taxonomy["kubernetes"], target=taxonomy["python"])
    with pytest.raises(IntegrityError, match="skill_merged_is_inactive"):
        Skill.objects.filter(pk=taxonomy["kubernetes"].pk).update(is_active=True)

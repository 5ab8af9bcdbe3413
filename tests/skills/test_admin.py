"""Admins curate the taxonomy in the Django admin; nobody else reaches it."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from skills.models import Alias, Skill
from skills.services import taxonomy_version

pytestmark = pytest.mark.django_db


def _inline(skill_pk: int, text: str) -> dict:
    return {
        "aliases-TOTAL_FORMS": "1",
        "aliases-INITIAL_FORMS": "0",
        "aliases-0-text": text,
        "aliases-0-skill": str(skill_pk),
    }


def test_an_alias_colliding_with_another_skill_is_refused_in_the_admin(
    client,
    admin_user,
    taxonomy,
):
    client.force_login(admin_user)
    python = taxonomy["python"]
    response = client.post(
        reverse("admin:skills_skill_change", args=[python.pk]),
        {
            "name": "Python", "slug": "python", "category": python.category_id,
            "description": "", "is_active": "on", **_inline(python.pk, "k8s"),
        },
    )  # fmt: skip
    assert response.status_code == 200
    assert (
        "&quot;k8s&quot; collides with &quot;k8s&quot;, an alias of Kubernetes; "
        "it cannot also mean Python." in response.content.decode()
    )
    assert not Alias.objects.filter(skill=python, text="k8s").exists()


def test_an_admin_adds_an_alias_and_the_taxonomy_version_moves(client, admin_user, taxonomy):
    client.force_login(admin_user)
    python = taxonomy["python"]
    before = taxonomy_version()
    response = client.post(
        reverse("admin:skills_skill_change", args=[python.pk]),
        {
            "name": "Python", "slug": "python", "category": python.category_id,
            "description": "", "is_active": "on", **_inline(python.pk, "Python 3"),
        },
    )  # fmt: skip
    assert response.status_code == 302
    assert Alias.objects.get(text="Python 3").key == "python 3"
    assert taxonomy_version() > before


def test_the_preview_highlights_the_skills_found(client, admin_user, taxonomy):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:skills_preview"), {"text": "PyTorch on k8s <script>x</script>"}
    )
    html = response.content.decode()
    assert '<mark title="PyTorch">PyTorch</mark>' in html
    assert '<mark title="Kubernetes">k8s</mark>' in html
    assert "&lt;script&gt;" in html and "<script>x" not in html


def test_the_merge_action_folds_skills_into_the_chosen_one(client, admin_user, taxonomy):
    client.force_login(admin_user)
    torch = Skill.objects.create(
        slug="torch7", name="Torch7", category=taxonomy["pytorch"].category
    )
    response = client.post(
        reverse("admin:skills_skill_changelist"),
        {
            "action": "merge_into", "_selected_action": [torch.pk],
            "apply": "1", "target": taxonomy["pytorch"].pk,
        },
    )  # fmt: skip
    assert response.status_code == 302
    torch.refresh_from_db()
    assert (torch.merged_into, torch.is_active) == (taxonomy["pytorch"], False)
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == [
        "Merged Torch7 into PyTorch. Postings tagged with it move to PyTorch in the background, "
        "within a minute."
    ]


@pytest.mark.parametrize("name", ["admin:skills_preview", "admin:skills_skill_changelist"])
def test_seekers_and_visitors_cannot_reach_curation(client, seeker, name):
    assert client.get(reverse(name)).status_code == 302  # to the admin login
    client.force_login(seeker)
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_the_skill_list_shows_retag_progress(client, admin_user, taxonomy):
    from postings.tagging.services import postings_tag
    from tests.factories import PostingFactory

    done, _pending = PostingFactory.create_batch(2)
    postings_tag(posting_ids=[done.pk])
    client.force_login(admin_user)
    html = client.get(reverse("admin:skills_skill_changelist")).content.decode()
    assert f"Re-tagging postings for taxonomy version {taxonomy_version()}:" in html
    assert "1 of 2 done (50%)" in html
    assert '<meta http-equiv="refresh" content="5">' in html

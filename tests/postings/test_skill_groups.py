"""Required versus nice-to-have skills (issue 15, part 5) and where soft skills are shown
(part 6): tagging stores each skill's group with who chose it, an employer's move survives
re-tagging, the posting page shows the groups, result cards never show soft skills."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from postings.models import Posting
from postings.tagging.services import merged_skills_fold, postings_tag
from skills.models import Alias, Category, Skill
from skills.services import skill_merge, taxonomy_changed
from tests.factories import PostingFactory, posting_skill_groups

pytestmark = pytest.mark.django_db

DESCRIPTION = (
    "Requirements:\n- Python and PyTorch\n\n"
    "Nice to have:\n- Kubernetes\n- PyTorch at scale\n\n"
    "Benefits:\n- A gym"
)


_groups = posting_skill_groups


def _ids(taxonomy, *slugs: str) -> list[int]:
    return sorted(taxonomy[s].pk for s in slugs)


def test_skills_the_text_marks_optional_are_stored_as_preferred(taxonomy):
    posting = PostingFactory(description=DESCRIPTION)

    postings_tag(posting_ids=[posting.pk])

    posting.refresh_from_db()
    # PyTorch is named under both headings: a requirement wins
    assert _groups(posting) == {
        "python": (False, "extracted"),
        "pytorch": (False, "extracted"),
        "kubernetes": (True, "extracted"),
    }
    assert sorted(posting.skill_ids) == _ids(taxonomy, "python", "pytorch", "kubernetes")
    assert posting.preferred_skill_ids == _ids(taxonomy, "kubernetes")


def test_a_text_edit_moves_extracted_skills_between_groups(taxonomy):
    posting = PostingFactory(description=DESCRIPTION)
    postings_tag(posting_ids=[posting.pk])

    Posting.objects.filter(pk=posting.pk).update(
        description="You know Kubernetes. Python is a plus.", text_updated_at=timezone.now()
    )
    postings_tag(posting_ids=[posting.pk])

    posting.refresh_from_db()
    assert _groups(posting) == {"kubernetes": (False, "extracted"), "python": (True, "extracted")}
    assert posting.preferred_skill_ids == _ids(taxonomy, "python")


def test_an_employer_move_survives_re_tagging_and_text_edits(taxonomy):
    from postings.employers.services import posting_skill_move

    posting = PostingFactory(description=DESCRIPTION, draft=True)
    postings_tag(posting_ids=[posting.pk])

    posting_skill_move(posting=posting, skill=taxonomy["kubernetes"], preferred=False)
    posting_skill_move(posting=posting, skill=taxonomy["python"], preferred=True)
    taxonomy_changed()
    postings_tag(posting_ids=[posting.pk])
    Posting.objects.filter(pk=posting.pk).update(
        description=DESCRIPTION + "\nMore text.", text_updated_at=timezone.now()
    )
    postings_tag(posting_ids=[posting.pk])

    posting.refresh_from_db()
    assert _groups(posting) == {
        "python": (True, "employer"),
        "pytorch": (False, "extracted"),
        "kubernetes": (False, "employer"),
    }
    assert posting.preferred_skill_ids == _ids(taxonomy, "python")


def test_moving_a_skill_the_posting_does_not_have_is_refused(taxonomy):
    from django.core.exceptions import ValidationError

    from postings.employers.services import posting_skill_move

    posting = PostingFactory(description="Python only.", draft=True)
    postings_tag(posting_ids=[posting.pk])

    with pytest.raises(ValidationError, match="Kubernetes is not one of this posting's skills"):
        posting_skill_move(posting=posting, skill=taxonomy["kubernetes"], preferred=True)
    assert _groups(posting) == {"python": (False, "extracted")}


def test_a_merged_skill_takes_its_group_along(taxonomy):
    torch = Skill.objects.create(slug="torch7", name="Torch7", category=taxonomy["python"].category)
    Alias.objects.create(skill=torch, text="Torch7", key="torch7", is_canonical=True)
    taxonomy_changed()
    posting = PostingFactory(description="Python required. Torch7 is a plus.")
    postings_tag(posting_ids=[posting.pk])
    assert _groups(posting) == {"python": (False, "extracted"), "torch7": (True, "extracted")}

    skill_merge(source=torch, target=taxonomy["kubernetes"])
    merged_skills_fold()

    posting.refresh_from_db()
    assert _groups(posting) == {"python": (False, "extracted"), "kubernetes": (True, "extracted")}
    assert posting.preferred_skill_ids == _ids(taxonomy, "kubernetes")


def test_the_database_refuses_preferred_ids_outside_the_skills(taxonomy):
    from django.db import IntegrityError

    posting = PostingFactory()
    with pytest.raises(IntegrityError, match="posting_preferred_skills_in_skills"):
        Posting.objects.filter(pk=posting.pk).update(preferred_skill_ids=[taxonomy["python"].pk])


# ---- where the groups are shown --------------------------------------------------------------


@pytest.fixture
def attention(taxonomy):
    """A soft skill in the taxonomy's soft-skill category."""
    soft = Category.objects.create(slug="soft-skill", name="Soft skills")
    skill = Skill.objects.create(
        slug="attention-to-detail", name="Attention to detail", category=soft
    )
    Alias.objects.create(
        skill=skill, text="Attention to detail", key="attention to detail", is_canonical=True
    )
    taxonomy_changed()
    return skill


def _section(html: str, heading: str) -> str:
    """The chips listed under a group heading of the posting page."""
    m = re.search(rf">{heading}</h3>\s*<ul[^>]*>(.*?)</ul>", html, re.S)
    assert m, f"no {heading!r} group"
    return m.group(1)


def test_the_posting_page_shows_required_nice_to_have_and_soft_skills_apart(
    client, taxonomy, attention
):
    posting = PostingFactory(description="Attention to detail.\n" + DESCRIPTION)
    postings_tag(posting_ids=[posting.pk])

    html = client.get(posting.get_absolute_url()).content.decode()

    required = _section(html, "Required")
    assert "Python" in required and "PyTorch" in required
    assert "Kubernetes" not in required and "Attention to detail" not in required
    assert "Kubernetes" in _section(html, "Nice to have")
    assert "Attention to detail" in _section(html, "Soft skills")
    # every required chip still links to the roles asking for it
    assert f'href="{reverse("postings:list")}?skills=python"' in required


def test_a_posting_without_optional_or_soft_skills_shows_one_group(client, taxonomy):
    posting = PostingFactory(description="Python and Kubernetes.")
    postings_tag(posting_ids=[posting.pk])

    html = client.get(posting.get_absolute_url()).content.decode()

    assert "Kubernetes" in _section(html, "Required")
    assert "Nice to have</h3>" not in html and "Soft skills</h3>" not in html


def test_result_cards_never_show_soft_skills(client, taxonomy, attention):
    posting = PostingFactory(description="Python. Attention to detail.")
    postings_tag(posting_ids=[posting.pk])
    assert attention.pk in Posting.objects.get(pk=posting.pk).skill_ids

    html = client.get(reverse("postings:list")).content.decode()

    card = re.search(r'<article class="posting-card".*?</article>', html, re.S).group(0)
    assert ">Python</a>" in card
    assert "Attention to detail" not in card

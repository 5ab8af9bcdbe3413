"""The employer moves a skill between the required and the nice-to-have group (issue 15,
part 5): a no-JS form on the posting's page, for the company's members only, kept as the
employer's choice through re-extraction and duplication."""

from __future__ import annotations

import pytest
from django.urls import reverse

from postings.employers.services import posting_duplicate
from postings.models import Posting, PostingSkill, Source
from postings.tagging.services import postings_tag
from skills.models import Skill
from tests.factories import PostingFactory, posting_skill_groups

pytestmark = pytest.mark.django_db

TEXT = "You will write Python services and train PyTorch models.\nNice to have:\n- Kubernetes\n"


@pytest.fixture
def skills(taxonomy):
    return {s.slug: s for s in Skill.objects.all()}


@pytest.fixture
def tagged(company, employer, skills):
    posting = PostingFactory(company=company, created_by=employer, draft=True, description=TEXT)
    postings_tag(posting_ids=[posting.pk])
    return posting


_groups = posting_skill_groups


def _move(client, posting, skill, action):
    return client.post(
        reverse("employers:posting_skills", args=[posting.pk]),
        {"action": action, "skill": skill.pk},
        follow=True,
    )


def test_the_page_shows_both_groups_with_a_button_to_move_each_skill(client, employer, tagged):
    client.force_login(employer)

    page = client.get(reverse("employers:posting", args=[tagged.pk]))

    groups = page.context["skill_groups"]
    assert {row.skill.slug for row in groups.required} == {"python", "pytorch"}
    assert [row.skill.slug for row in groups.preferred] == ["kubernetes"]
    assert groups.soft == []
    html = page.content.decode()
    assert 'id="skills-required">Required</h3>' in html
    assert 'id="skills-preferred">Nice to have</h3>' in html
    assert 'aria-label="Move Kubernetes to required"' in html
    assert 'aria-label="Move Python to nice to have"' in html


@pytest.mark.parametrize("member", ["employer", "colleague"])
def test_a_member_moves_a_skill_and_it_stays_moved(client, request, tagged, skills, member):
    client.force_login(request.getfixturevalue(member))

    page = _move(client, tagged, skills["kubernetes"], "require")
    _move(client, tagged, skills["python"], "prefer")

    assert "Moved Kubernetes to required." in page.content.decode()
    tagged.refresh_from_db()
    assert _groups(tagged) == {
        "python": (True, "employer"),
        "pytorch": (False, "extracted"),
        "kubernetes": (False, "employer"),
    }
    assert tagged.preferred_skill_ids == [skills["python"].pk]
    # the text still says Kubernetes is nice to have: re-extraction keeps the employer's choice
    Posting.objects.filter(pk=tagged.pk).update(description=TEXT + "Python is a plus.\n")
    postings_tag(posting_ids=[tagged.pk])
    assert _groups(tagged)["kubernetes"] == (False, "employer")


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("seeker", 403), ("admin_user", 403), ("other_employer", 403)],
)
def test_outsiders_cannot_move_skills(client, request, tagged, skills, role, status):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    before = _groups(tagged)

    response = client.post(
        reverse("employers:posting_skills", args=[tagged.pk]),
        {"action": "require", "skill": skills["kubernetes"].pk},
    )

    assert response.status_code == status
    assert _groups(tagged) == before


def test_moving_a_skill_the_posting_lacks_says_so(client, employer, tagged, skills):
    client.force_login(employer)

    page = _move(client, tagged, skills["sql"], "prefer")

    assert "SQL is not one of this posting&#x27;s skills." in page.content.decode()
    assert "sql" not in _groups(tagged)


def test_a_removed_skill_cannot_be_moved(client, employer, tagged, skills):
    client.force_login(employer)
    _move(client, tagged, skills["kubernetes"], "remove")

    page = _move(client, tagged, skills["kubernetes"], "require")

    assert "Kubernetes is not one of this posting&#x27;s skills." in page.content.decode()
    row = PostingSkill.objects.get(posting=tagged, skill=skills["kubernetes"])
    assert (row.source, row.preferred_source) == (Source.REMOVED, "extracted")


def test_skills_of_a_published_posting_are_not_moved(client, employer, company, skills):
    live = PostingFactory(company=company, created_by=employer, description=TEXT)
    postings_tag(posting_ids=[live.pk])
    client.force_login(employer)

    page = _move(client, live, skills["kubernetes"], "require")

    assert "Skills can be changed before the posting is published." in page.content.decode()
    assert _groups(live)["kubernetes"] == (True, "extracted")


def test_a_duplicate_keeps_the_employers_moves(employer, tagged, skills):
    from postings.employers.services import posting_skill_move

    posting_skill_move(posting=tagged, skill=skills["kubernetes"], preferred=False)

    copy = posting_duplicate(posting=tagged, user=employer)

    assert _groups(copy) == {
        "python": (False, "extracted"),
        "pytorch": (False, "extracted"),
        "kubernetes": (False, "employer"),
    }

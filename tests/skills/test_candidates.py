"""The queue of candidate skills: unknown terms found in postings, decided by admins."""

from __future__ import annotations

import pytest
from django.urls import reverse

from skills.candidates import find_candidates
from skills.extraction import AliasEntry, SkillMatcher
from skills.models import Alias, CandidateStatus, Skill, SkillCandidate
from skills.services import candidates_refresh, taxonomy_version

MATCHER = SkillMatcher.from_entries(
    [AliasEntry("pytorch", "PyTorch", "PyTorch"), AliasEntry("python", "Python", "Python")]
)
TEXTS = [
    "- Train models with PyTorch, DeepSpeed and Triton.",
    "Experience with Python and LangChain is a plus.",
    "- Design, train and ship PyTorch models on DeepSpeed.",
    "We use LangChain, PyTorch and Python every day. Our HQ is in New York.",
    "Work with DeepSpeed at scale; LangChain knowledge helps.",
]


def test_it_finds_unknown_tech_terms_with_counts_and_examples():
    found = {
        c.term: c
        for c in find_candidates(
            TEXTS, matcher=MATCHER, known_keys={"pytorch", "python"}, min_postings=2
        )
    }

    assert set(found) == {"DeepSpeed", "LangChain"}
    assert found["DeepSpeed"].postings == 3
    assert found["LangChain"].postings == 3
    assert found["DeepSpeed"].examples[0] == "- Train models with PyTorch, DeepSpeed and Triton."


def test_it_ignores_known_terms_sentence_initial_verbs_and_stopwords():
    found = find_candidates(TEXTS * 3, matcher=MATCHER, known_keys={"pytorch", "python"})
    terms = {c.term for c in found}
    assert not terms & {"PyTorch", "Python", "Design", "New York", "HQ", "Our"}


@pytest.mark.django_db
def test_refresh_keeps_decisions_and_counts_again(taxonomy):
    SkillCandidate.objects.create(term="Triton", key="triton", status=CandidateStatus.REJECTED)

    assert candidates_refresh(texts=TEXTS, min_postings=1) >= 2

    assert SkillCandidate.objects.get(key="deepspeed").posting_count == 3
    assert SkillCandidate.objects.get(key="triton").status == CandidateStatus.REJECTED


@pytest.mark.django_db
def test_an_admin_accepts_a_candidate_as_a_new_skill(client, admin_user, taxonomy):
    candidate = SkillCandidate.objects.create(term="DeepSpeed", key="deepspeed", posting_count=3)
    client.force_login(admin_user)
    before = taxonomy_version()
    response = client.post(
        reverse("admin:skills_skillcandidate_changelist"),
        {"action": "accept_as_skill", "_selected_action": [candidate.pk], "apply": "1",
         "category": taxonomy["pytorch"].category_id},
    )  # fmt: skip
    assert response.status_code == 302
    skill = Skill.objects.get(slug="deepspeed")
    assert skill.name == "DeepSpeed"
    assert Alias.objects.get(key="deepspeed").skill == skill
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.ACCEPTED
    assert taxonomy_version() > before


@pytest.mark.django_db
def test_an_admin_accepts_a_candidate_as_an_alias(client, admin_user, taxonomy):
    candidate = SkillCandidate.objects.create(term="Kubernetes Engine", key="kubernetes engine")
    client.force_login(admin_user)
    client.post(
        reverse("admin:skills_skillcandidate_changelist"),
        {"action": "accept_as_alias", "_selected_action": [candidate.pk], "apply": "1",
         "skill": taxonomy["kubernetes"].pk},
    )  # fmt: skip
    assert Alias.objects.get(key="kubernetes engine").skill == taxonomy["kubernetes"]
    candidate.refresh_from_db()
    assert (candidate.status, candidate.note) == ("accepted", "alias of Kubernetes")


@pytest.mark.django_db
def test_accepting_a_colliding_candidate_reports_it_and_changes_nothing(
    client,
    admin_user,
    taxonomy,
):
    candidate = SkillCandidate.objects.create(term="K8s", key="k8s-cand")
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:skills_skillcandidate_changelist"),
        {"action": "accept_as_alias", "_selected_action": [candidate.pk], "apply": "1",
         "skill": taxonomy["python"].pk},
        follow=True,
    )  # fmt: skip
    assert "K8s: &quot;K8s&quot; collides with &quot;k8s&quot;, an alias of Kubernetes" in (
        response.content.decode()
    )
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.PENDING


@pytest.mark.django_db
def test_the_queue_opens_on_pending_candidates(client, admin_user):
    SkillCandidate.objects.create(term="Pending", key="pending")
    SkillCandidate.objects.create(term="Gone", key="gone", status=CandidateStatus.REJECTED)
    client.force_login(admin_user)
    html = client.get(reverse("admin:skills_skillcandidate_changelist")).content.decode()
    assert "Pending" in html and ">Gone<" not in html

"""The posting form: pay required, remote regions, messages a person understands, nothing
typed is lost, the preview shows the pipeline's skills and the employer edits them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from postings.models import Posting, PostingSkill, Source
from skills.models import Skill

pytestmark = pytest.mark.django_db


def _post(client, data):
    return client.post(reverse("employers:posting_create"), data)


def test_pay_range_is_required_and_everything_typed_is_kept(client, employer, posting_data):
    client.force_login(employer)
    data = {**posting_data, "salary_min": "", "salary_max": "", "title": "Keep <me>"}

    response = _post(client, data)

    assert response.status_code == 200
    assert not Posting.objects.exists()
    assert b"Enter the lowest pay you offer." in response.content
    assert b"Enter the highest pay you offer." in response.content
    assert b'value="Keep &lt;me&gt;"' in response.content
    assert b"We build ranking models for search" in response.content
    assert b'href="#id_salary_min"' in response.content  # the summary links to the field
    assert b'aria-describedby="id_salary_min_helptext id_salary_min_error"' in response.content


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"salary_min": "150000"}, "salary_max", "is below the lower end"),
        ({"salary_currency": "E1R"}, "salary_currency", "three-letter currency code"),
        ({"salary_min": "40", "salary_max": "60"}, "salary_period", "hourly or monthly"),
        ({"workplace": "remote", "remote_regions": ""}, "remote_regions", "where applicants"),
        ({"workplace": "remote", "remote_regions": "US, Mars"}, "remote_regions", "MARS"),
        ({"city": ""}, "city", "city of the office"),
        ({"apply_url": "", "apply_email": ""}, "apply_url", "application page or an e-mail"),
        ({"description": "Short."}, "description", "at least 100 characters"),
    ],
)
def test_validation_messages_name_the_problem(
    client, employer, posting_data, changes, field, message
):
    client.force_login(employer)

    response = _post(client, {**posting_data, **changes})

    assert message in " ".join(response.context["form"].errors[field])
    assert not Posting.objects.exists()


def test_a_remote_role_stores_where_applicants_may_live(client, employer, posting_data):
    client.force_login(employer)

    _post(
        client, {**posting_data, "workplace": "remote", "city": "", "remote_regions": "us; ca eu"}
    )

    assert Posting.objects.get().remote_regions == ["US", "CA", "EU"]


def test_the_form_starts_with_sensible_defaults_from_the_company(client, employer):
    client.force_login(employer)

    form = client.get(reverse("employers:posting_create")).context["form"]

    assert form["salary_currency"].value() == "EUR"  # Vector Labs is in Germany
    assert form["salary_period"].value() == "year"
    assert form["employment_type"].value() == "full_time"
    assert form["country"].value() == "DE"


def test_the_preview_shows_the_skills_the_pipeline_extracted(
    client, employer, posting_data, taxonomy
):
    client.force_login(employer)

    response = _post(client, posting_data)
    preview = client.get(response.url)

    posting = Posting.objects.get()
    tags = dict(PostingSkill.objects.filter(posting=posting).values_list("skill__slug", "source"))
    assert tags == {"python": "extracted", "pytorch": "extracted", "kubernetes": "extracted"}
    assert sorted(posting.skill_ids) == sorted(
        Skill.objects.filter(slug__in=tags).values_list("id", flat=True)
    )
    assert {row.skill.slug for row in preview.context["skills"]} == set(tags)
    assert b"PyTorch" in preview.content and b"found in the text" in preview.content


def test_the_employer_removes_and_adds_skills_with_provenance_kept(
    client, employer, posting_data, taxonomy
):
    client.force_login(employer)
    posting = Posting.objects.get(pk=_post(client, posting_data).url.split("/")[-2])
    skills = {s.slug: s for s in Skill.objects.all()}
    url = reverse("employers:posting_skills", args=[posting.pk])

    client.post(url, {"action": "remove", "skill": skills["kubernetes"].pk})
    client.post(url, {"action": "add", "skill": skills["sql"].pk})

    tags = dict(PostingSkill.objects.filter(posting=posting).values_list("skill__slug", "source"))
    assert tags["kubernetes"] == Source.REMOVED
    assert tags["sql"] == Source.EMPLOYER
    posting.refresh_from_db()
    assert skills["kubernetes"].pk not in posting.skill_ids
    assert skills["sql"].pk in posting.skill_ids

    # Editing the text re-runs the pipeline: the removal and the addition both stand.
    edit = {**posting_data, "description": posting_data["description"] + " Also Kubernetes."}
    client.post(reverse("employers:posting_edit", args=[posting.pk]), edit)
    tags = dict(PostingSkill.objects.filter(posting=posting).values_list("skill__slug", "source"))
    assert (tags["kubernetes"], tags["sql"]) == (Source.REMOVED, Source.EMPLOYER)


def test_skills_of_a_published_posting_are_not_changed_from_the_preview(client, employer, live):
    client.force_login(employer)
    skill_count = PostingSkill.objects.count()

    client.post(
        reverse("employers:posting_skills", args=[live.pk]), {"action": "add", "skill": "1"}
    )

    assert PostingSkill.objects.count() == skill_count

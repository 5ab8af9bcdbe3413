"""Editing a live posting's title, description or pay waits for review; seekers keep seeing the
approved version until the edit is approved."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from postings.models import Posting, PostingRevision, RevisionStatus, Status
from postings.moderation.services import revision_approve, revision_reject

pytestmark = pytest.mark.django_db


def _form(posting: Posting, **changes) -> dict:
    """The edit form as the employer submits it: the stored values, with `changes`."""
    data = {
        "title": posting.title,
        "description": posting.description,
        "seniority": posting.seniority,
        "role_family": posting.role_family,
        "employment_type": posting.employment_type,
        "workplace": posting.workplace,
        "city": posting.city,
        "region": posting.region,
        "country": posting.country,
        "remote_regions": ", ".join(posting.remote_regions),
        "salary_min": str(posting.salary_min),
        "salary_max": str(posting.salary_max),
        "salary_currency": posting.salary_currency,
        "salary_period": posting.salary_period,
        "apply_url": posting.apply_url,
        "apply_email": posting.apply_email,
    }
    if posting.visa_sponsorship:
        data["visa_sponsorship"] = "on"
    data.update(changes)
    return data


@pytest.fixture
def live(company, employer):
    from tests.factories import PostingFactory

    # A description long enough for the form's minimum, so unchanged text stays unchanged.
    text = "We train ranking models in Python and PyTorch for search at scale. " * 3
    return PostingFactory(company=company, title="Live role", description=text.strip())


def test_an_edit_of_the_title_waits_and_the_live_version_stays_public(
    client, employer, admin_user, live
):
    client.force_login(employer)

    response = client.post(
        reverse("employers:posting_edit", args=[live.pk]),
        _form(live, title="Staff ML Engineer", salary_max="150000"),
        follow=True,
    )

    assert b"waiting for review" in response.content
    live.refresh_from_db()
    assert (live.title, live.salary_max, live.status) == ("Live role", 100000, Status.PUBLISHED)
    public = client.get(live.get_absolute_url())
    assert b"Live role" in public.content and b"Staff ML Engineer" not in public.content
    # The employer's own page previews the edit.
    manage = client.get(reverse("employers:posting", args=[live.pk]))
    assert b"Staff ML Engineer" in manage.content

    revision = PostingRevision.objects.get(posting=live)
    revision_approve(revision=revision, reviewer=admin_user)

    live.refresh_from_db()
    assert (live.title, live.salary_max, live.slug) == (
        "Staff ML Engineer",
        150000,
        "staff-ml-engineer",
    )
    assert live in Posting.objects.visible()


def test_editing_again_updates_the_one_pending_edit(client, employer, live):
    client.force_login(employer)
    url = reverse("employers:posting_edit", args=[live.pk])

    client.post(url, _form(live, title="First try"))
    client.post(url, _form(live, title="Second try"))

    revision = PostingRevision.objects.get(posting=live, status=RevisionStatus.PENDING)
    assert revision.data["title"] == "Second try"
    # The edit form starts from the pending edit, not from the live version.
    assert client.get(url).context["form"]["title"].value() == "Second try"


def test_editing_back_to_the_live_version_withdraws_the_pending_edit(client, employer, live):
    client.force_login(employer)
    url = reverse("employers:posting_edit", args=[live.pk])
    client.post(url, _form(live, title="Changed"))

    client.post(url, _form(live))

    assert not PostingRevision.objects.filter(status=RevisionStatus.PENDING).exists()


def test_a_rejected_edit_leaves_the_live_version_and_shows_the_reason(
    client, employer, admin_user, live
):
    client.force_login(employer)
    client.post(reverse("employers:posting_edit", args=[live.pk]), _form(live, title="Hype!!!"))
    revision = PostingRevision.objects.get()

    revision_reject(revision=revision, reviewer=admin_user, reason="Titles name the role.")

    live.refresh_from_db()
    assert live.title == "Live role"
    page = client.get(reverse("employers:posting", args=[live.pk]))
    assert b"Titles name the role." in page.content


def test_other_fields_of_a_live_posting_change_at_once(client, employer, live):
    client.force_login(employer)

    client.post(
        reverse("employers:posting_edit", args=[live.pk]),
        _form(live, apply_url="https://vector-labs.example/new", seniority="lead"),
    )

    live.refresh_from_db()
    assert (live.apply_url, live.seniority) == ("https://vector-labs.example/new", "lead")
    assert not PostingRevision.objects.exists()


def test_a_description_edit_is_tagged_by_the_pipeline_when_approved(
    client, employer, admin_user, live, taxonomy, django_capture_on_commit_callbacks, eager_tasks
):
    from postings.models import PostingSkill

    client.force_login(employer)
    new_text = live.description + " You will also run Kubernetes clusters and write SQL."
    client.post(
        reverse("employers:posting_edit", args=[live.pk]), _form(live, description=new_text)
    )
    assert not PostingSkill.objects.filter(posting=live, skill__slug="sql").exists()
    # The preview shows what the matcher finds in the edit before anything is stored.
    manage = client.get(reverse("employers:posting", args=[live.pk]))
    assert "SQL" in manage.context["edit_skills"]

    with django_capture_on_commit_callbacks(execute=True):
        revision_approve(revision=PostingRevision.objects.get(), reviewer=admin_user)

    slugs = set(PostingSkill.objects.filter(posting=live).values_list("skill__slug", flat=True))
    assert {"kubernetes", "sql"} <= slugs


def test_a_renewal_edit_restarts_the_30_days_when_approved(client, employer, admin_user, live):
    Posting.objects.filter(pk=live.pk).update(expires_at=timezone.now() + timedelta(days=1))
    live.refresh_from_db()
    client.force_login(employer)

    client.post(reverse("employers:posting_renew", args=[live.pk]), _form(live, title="Renewed"))

    revision = PostingRevision.objects.get()
    assert revision.renew is True
    revision_approve(revision=revision, reviewer=admin_user)
    live.refresh_from_db()
    assert live.title == "Renewed"
    assert live.expires_at > timezone.now() + timedelta(days=30)


def test_closing_a_posting_withdraws_its_pending_edit(client, employer, live):
    client.force_login(employer)
    client.post(reverse("employers:posting_edit", args=[live.pk]), _form(live, title="Edited"))

    client.post(reverse("employers:posting_close", args=[live.pk]), {"reason": "filled"})

    assert PostingRevision.objects.get().status == RevisionStatus.WITHDRAWN

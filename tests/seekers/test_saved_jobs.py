"""Saved jobs (issue 14): a Save button that works without JavaScript, a page that says when a
saved role has closed, and nobody else's saves in sight."""

from __future__ import annotations

import pytest
from django.urls import reverse

from postings.models import SavedJob
from tests.factories import PostingFactory

pytestmark = pytest.mark.django_db


def test_saving_from_the_results_page_returns_to_it_and_shows_the_role_saved(client, seeker):
    posting = PostingFactory(title="Ranking engineer")
    client.force_login(seeker)
    results = reverse("postings:list") + "?level=senior"

    response = client.post(reverse("seekers:saved_job", args=[posting.pk]), {"next": results})

    assert response.url == results
    assert SavedJob.objects.filter(user=seeker, posting=posting).count() == 1
    html = client.get(results).content.decode()
    assert f'form="save-{posting.pk}"' in html and 'aria-pressed="true"' in html
    # Saving twice keeps one.
    client.post(reverse("seekers:saved_job", args=[posting.pk]), {"next": results})
    assert SavedJob.objects.filter(user=seeker).count() == 1


def test_the_save_forms_sit_outside_the_search_form(client, seeker):
    """A form inside a form is dropped by browsers: the button would submit the search."""
    posting = PostingFactory()
    client.force_login(seeker)
    html = client.get(reverse("postings:list")).content.decode()
    search_form_end = html.index("</form>", html.index('id="search-form"'))
    assert html.index(f'<form id="save-{posting.pk}"') > search_form_end


def test_a_visitor_is_asked_to_log_in_and_comes_back(client):
    posting = PostingFactory()
    response = client.post(
        reverse("seekers:saved_job", args=[posting.pk]), {"next": posting.get_absolute_url()}
    )
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert response.url.endswith("?next=" + posting.get_absolute_url())
    assert not SavedJob.objects.exists()


def test_the_saved_jobs_page_says_which_roles_have_closed(client, seeker):
    open_role = PostingFactory(title="Still open")
    filled = PostingFactory(title="Filled role", closed=True, closed_reason="filled")
    lapsed = PostingFactory(title="Lapsed role", lapsed=True)
    for posting in (open_role, filled, lapsed):
        SavedJob.objects.create(user=seeker, posting=posting)
    client.force_login(seeker)

    html = client.get(reverse("seekers:saved_jobs")).content.decode()

    assert f'<a href="{open_role.get_absolute_url()}">Still open</a>' in html
    assert "<strong>This role has closed</strong>: it was filled." in html
    assert html.count("This role has closed") == 2
    assert f'href="{filled.get_absolute_url()}"' not in html


def test_the_saved_jobs_page_costs_the_same_few_queries_for_many_jobs(
    client, seeker, django_assert_max_num_queries
):
    for posting in PostingFactory.create_batch(30):
        SavedJob.objects.create(user=seeker, posting=posting)
    client.force_login(seeker)
    with django_assert_max_num_queries(6):
        assert client.get(reverse("seekers:saved_jobs")).status_code == 200


def test_a_closed_role_cannot_be_saved_and_removing_works(client, seeker):
    closed = PostingFactory(closed=True)
    client.force_login(seeker)
    page = client.post(reverse("seekers:saved_job", args=[closed.pk]), follow=True)
    assert "That role is no longer open, so it cannot be saved." in page.content.decode()
    assert not SavedJob.objects.exists()

    live = PostingFactory()
    SavedJob.objects.create(user=seeker, posting=live)
    client.post(reverse("seekers:saved_job", args=[live.pk]), {"action": "remove"})
    assert not SavedJob.objects.exists()


def test_one_seeker_never_sees_or_removes_anothers_saves(client, seeker, other_seeker):
    posting = PostingFactory(title="Olive's pick")
    SavedJob.objects.create(user=other_seeker, posting=posting)
    client.force_login(seeker)
    assert "Olive's pick" not in client.get(reverse("seekers:saved_jobs")).content.decode()
    client.post(reverse("seekers:saved_job", args=[posting.pk]), {"action": "remove"})
    assert SavedJob.objects.filter(user=other_seeker).count() == 1


def test_a_next_pointing_elsewhere_is_not_followed(client, seeker):
    posting = PostingFactory()
    client.force_login(seeker)
    response = client.post(
        reverse("seekers:saved_job", args=[posting.pk]), {"next": "https://evil.example/"}
    )
    assert response.url == posting.get_absolute_url()

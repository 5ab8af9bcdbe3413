"""The public list and detail pages show exactly what visible() allows, and nothing else."""

from __future__ import annotations

import pytest
from django.urls import reverse

from postings.models import Posting
from postings.tagging.services import postings_tag
from tests.factories import PostingFactory

pytestmark = pytest.mark.django_db

HIDDEN_TRAITS = ["draft", "pending", "rejected", "closed", "expired", "lapsed"]


def test_it_lists_only_publicly_visible_postings(client):
    shown = PostingFactory(title="Visible ML Engineer")
    for trait in HIDDEN_TRAITS:
        PostingFactory(title=f"Hidden {trait}", **{trait: True})

    response = client.get(reverse("postings:list"))

    assert response.status_code == 200
    assert response.context["result"].postings == [shown]
    assert b"Hidden" not in response.content


def test_visible_excludes_a_publication_time_in_the_future():
    from datetime import timedelta

    from django.utils import timezone

    later = PostingFactory(published_at=timezone.now() + timedelta(hours=1))
    assert later not in Posting.objects.visible()


def test_it_lists_newest_first_with_pagination(client):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    postings = [PostingFactory(published_at=now - timedelta(hours=i)) for i in range(25)]

    first = client.get(reverse("postings:list"))
    second = client.get(reverse("postings:list"), {"page": 2})

    assert first.context["result"].postings == postings[:20]
    assert second.context["result"].postings == postings[20:]
    assert b'rel="next"' in first.content


@pytest.mark.parametrize("page", ["-1", "abc", "999999", "1e9", ""])
def test_a_bad_page_number_never_errors(client, page):
    PostingFactory()
    response = client.get(reverse("postings:list"), {"page": page})
    assert response.status_code == 200
    assert len(response.context["result"].postings) == 1


def test_the_list_page_uses_a_fixed_number_of_queries(client, django_assert_num_queries):
    # taxonomy version (skill index) + a tally of the sample + one exact tally (count,
    # facets and skills, one statement each) + one page with companies joined. The level
    # facet without its own filter is every open posting: the shared unfiltered summary,
    # made by the first request.
    PostingFactory.create_batch(3)
    client.get(reverse("postings:list"))  # the process builds its skill index once
    with django_assert_num_queries(4):
        client.get(reverse("postings:list"), {"level": "senior"})
    PostingFactory.create_batch(40)
    with django_assert_num_queries(4):
        client.get(reverse("postings:list"), {"level": "senior", "page": 2})


def test_a_text_search_with_a_facet_looks_companies_up_once(client, django_assert_num_queries):
    # taxonomy version + companies named like the text + the sample's tally + one exact
    # tally (results, the level facet without its filter, the newest candidates) + the
    # ranked page's ids + its rows.
    made = PostingFactory.create_batch(3, title="Vision engineer", seniority="senior")
    postings_tag(posting_ids=[p.pk for p in made])  # writes their search documents
    client.get(reverse("postings:list"))
    with django_assert_num_queries(6):
        response = client.get(reverse("postings:list"), {"q": "vision", "level": "senior"})
    assert response.context["result"].count == 3


def test_the_unfiltered_summary_is_shared_for_a_minute(client, django_assert_num_queries):
    PostingFactory.create_batch(3)
    first = client.get(reverse("postings:list"), {"q": "", "match": "any"})
    with django_assert_num_queries(2):  # taxonomy version + the page itself
        again = client.get(reverse("postings:list"))
    assert again.context["result"].count == first.context["result"].count == 3


def test_the_detail_page_shows_a_visible_posting(client):
    posting = PostingFactory(title="Senior ML Engineer, Ranking", visa_sponsorship=True)

    response = client.get(posting.get_absolute_url())

    assert response.status_code == 200
    assert b"Senior ML Engineer, Ranking" in response.content
    assert b"<strong>ranking models</strong>" in response.content
    assert b"80,000\xe2\x80\x93100,000 EUR per year" in response.content
    assert b"Available" in response.content


def test_a_wrong_slug_redirects_to_the_canonical_address(client):
    posting = PostingFactory()
    response = client.get(reverse("postings:detail", kwargs={"pk": posting.pk, "slug": "old"}))
    assert response.status_code == 301
    assert response["Location"] == posting.get_absolute_url()


@pytest.mark.parametrize("trait", ["closed", "expired", "lapsed"])
def test_an_ended_posting_answers_410_with_an_explanation(client, trait):
    posting = PostingFactory(**{trait: True})
    response = client.get(posting.get_absolute_url())
    assert response.status_code == 410
    assert b"This job is no longer open" in response.content
    assert posting.title.encode() in response.content


@pytest.mark.parametrize("trait", ["draft", "pending", "rejected"])
def test_an_unpublished_posting_answers_404(client, trait):
    posting = PostingFactory(**{trait: True})
    response = client.get(reverse("postings:detail", kwargs={"pk": posting.pk, "slug": "x"}))
    assert response.status_code == 404
    assert posting.title.encode() not in response.content


@pytest.mark.parametrize("path", ["/jobs/999999/x/", "/jobs/99999999999999999999999/x/"])
def test_an_unknown_or_absurd_id_answers_404(client, path):
    assert client.get(path).status_code == 404


def test_a_posting_without_pay_says_so(client):
    posting = PostingFactory(unpaid=True)
    response = client.get(posting.get_absolute_url())
    assert b"Pay not stated" in response.content


def test_an_expired_posting_is_gone_from_the_list_the_moment_its_time_is_up(client):
    PostingFactory(lapsed=True)
    response = client.get(reverse("postings:list"))
    assert response.context["result"].postings == []


@pytest.mark.parametrize("headers", [{}, {"X-Requested-With": "search-fragment"}])
def test_the_list_and_its_fragment_say_they_vary_by_the_fragment_header(client, headers):
    # One URL answers with the whole page or, for the search script, just the search area:
    # without Vary a browser's back button can be served the bare fragment from its cache.
    response = client.get(reverse("postings:list"), {"q": "x"}, headers=headers)
    assert "X-Requested-With" in response["Vary"]
    assert (b"<title>" in response.content) == (not headers)

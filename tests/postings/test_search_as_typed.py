"""The search reads what a new seeker types: skill names and aliases, country names, a text
word that is a skill; and a search with no results offers the nearest one that has some."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from postings.tagging.services import postings_tag
from tests.factories import PostingFactory

pytestmark = pytest.mark.django_db


def _ready(*postings):
    postings_tag(posting_ids=[p.pk for p in postings])
    return postings


def _search(client, **params):
    response = client.get(reverse("postings:list"), params)
    assert response.status_code == 200
    return response


def _titles(response) -> list[str]:
    return sorted(p.title for p in response.context["result"].postings)


def test_an_empty_another_skill_box_is_no_unknown_skill(client, taxonomy):
    _ready(PostingFactory(title="Torch", description="PyTorch"))
    # Ticking a box sends the empty "Another skill" box along: skills=pytorch&skills=
    response = _search(client, skills=["pytorch", ""])
    assert response.context["result"].notices == []
    assert _titles(response) == ["Torch"]
    assert "Ignored the skill" not in response.content.decode()


@pytest.mark.parametrize("typed", ["PyTorch", "pytorch", "TORCH", " torch "])
def test_a_skill_name_or_alias_in_another_skill_is_that_skill(client, taxonomy, typed):
    _ready(
        PostingFactory(title="Torch", description="PyTorch models"),
        PostingFactory(title="Dashboards", description="Dashboards"),
    )
    response = _search(client, skills=[typed])
    result = response.context["result"]
    assert result.notices == []
    assert result.params.getlist("skills") == ["pytorch"]  # the checkbox shows it ticked
    assert _titles(response) == ["Torch"]
    assert 'value="pytorch" checked' in response.content.decode()


def test_an_alias_names_the_skill_and_its_children_still_count(client, taxonomy):
    _ready(PostingFactory(title="K8s", description="Kubernetes clusters"))
    assert _titles(_search(client, skills=["k8s"])) == ["K8s"]


def test_a_near_miss_is_ignored_with_a_did_you_mean_link(client, taxonomy):
    _ready(PostingFactory(title="Torch", description="PyTorch"))
    response = _search(client, skills=["pytorh"], level=["senior"])
    result = response.context["result"]
    assert result.notices == [
        "Ignored the skill “pytorh”: it is not one we know. Did you mean PyTorch?"
    ]
    html = response.content.decode()
    assert '<a href="?skills=pytorch&amp;level=senior">Search for PyTorch</a>' in html


def test_an_unknown_skill_far_from_any_is_ignored_without_a_guess(client, taxonomy):
    response = _search(client, skills=["basket weaving"])
    assert response.context["result"].notices == [
        "Ignored the skill “basket weaving”: it is not one we know."
    ]
    assert response.context["result"].suggestions == []


def test_a_text_word_that_is_a_skill_alias_also_finds_postings_tagged_with_it(client, taxonomy):
    now = timezone.now()
    _ready(
        PostingFactory(title="Platform Engineer", description="Kubernetes clusters at scale.",
                       published_at=now - timedelta(hours=1)),
        PostingFactory(title="K8s Operator", description="Our k8s clusters.",
                       published_at=now - timedelta(hours=2)),
        PostingFactory(title="Analyst", description="Dashboards.",
                       published_at=now - timedelta(hours=3)),
    )  # fmt: skip
    response = _search(client, q="k8s")
    assert _titles(response) == ["K8s Operator", "Platform Engineer"]
    # Ranked: the one that says "k8s" (in its title) first.
    assert response.context["result"].postings[0].title == "K8s Operator"
    assert "“k8s” also finds roles tagged Kubernetes." in response.content.decode()
    # With other words, each must still match: "analyst k8s" finds neither.
    assert _titles(_search(client, q="platform k8s")) == ["Platform Engineer"]
    assert _titles(_search(client, q="analyst k8s")) == []


def test_a_text_with_search_operators_is_searched_as_written(client, taxonomy):
    _ready(PostingFactory(title="Platform Engineer", description="Kubernetes clusters at scale."))
    response = _search(client, q='"k8s"')
    assert _titles(response) == []
    assert "also finds roles tagged" not in response.content.decode()


@pytest.mark.parametrize(
    ("typed", "code"),
    [("de", "DE"), ("Germany", "DE"), ("germany", "DE"), ("UK", "GB"),
     ("United Kingdom", "GB"), ("usa", "US"), ("Côte d\u2019Ivoire", "CI")],
)  # fmt: skip
def test_a_country_may_be_named(client, taxonomy, typed, code):
    _ready(
        PostingFactory(title="Here", country=code), PostingFactory(title="Elsewhere", country="JP")
    )
    response = _search(client, country=typed)
    assert response.context["result"].notices == []
    assert response.context["result"].params["country"] == code
    assert _titles(response) == ["Here"]
    assert f'<option value="{code}" selected>' in response.content.decode()


def test_a_misspelled_country_gets_a_did_you_mean(client, taxonomy):
    response = _search(client, country="Germnay")
    assert response.context["result"].notices == [
        "Ignored the country “Germnay”: it is not one we know. Did you mean Germany?"
    ]
    assert '<a href="?country=DE">Search in Germany</a>' in response.content.decode()


def test_the_country_list_names_the_countries(client, taxonomy):
    html = _search(client).content.decode()
    assert '<option value="DE">Germany</option>' in html
    assert '<option value="">Any country</option>' in html


def test_no_results_offers_to_drop_the_filter_that_empties_the_list(client, taxonomy):
    _ready(
        PostingFactory(title="Senior remote", seniority="senior", workplace="remote",
                       remote_regions=["WW"]),
        PostingFactory(title="Senior hybrid", seniority="senior", workplace="hybrid"),
        PostingFactory(title="Junior onsite", seniority="junior", workplace="onsite"),
    )  # fmt: skip
    response = _search(client, level=["junior"], workplace=["remote"])
    html = response.content.decode()
    assert _titles(response) == []
    # Without the level filter 1 role is left, without the workplace filter 1 too: the
    # suggestion names one of them with its count, and is a link to that search.
    suggestions = response.context["result"].suggestions
    assert len(suggestions) == 1
    assert suggestions[0].count == 1
    assert suggestions[0].text in {"Without the level filter", "Without the workplace filter"}
    assert f'<a href="?{suggestions[0].query}">{suggestions[0].text}</a>' in html.replace(
        "&amp;", "&"
    )
    assert "No open role matches all of this." in html
    assert "Try removing a filter" not in html


def test_no_results_for_a_misspelled_word_offers_the_known_spelling(client, taxonomy):
    _ready(PostingFactory(title="Computer Vision Engineer", description="Images."))
    response = _search(client, q="compter vision")
    html = response.content.decode()
    assert "No open role matches “compter vision”." in html
    assert "Try removing a filter" not in html
    assert '<a href="?q=computer+vision">Search for “computer vision” instead</a>' in html


def test_no_results_without_any_filter_does_not_ask_to_remove_one(client, taxonomy):
    html = _search(client, q="zyxqwv").content.decode()
    assert "No open role matches “zyxqwv”. Try other words." in html
    assert "filter" not in html.split("results-head")[0].split('id="results"')[1]


@pytest.mark.parametrize("page", ["9223372036854775807", str(10**18), "9" * 400])
@pytest.mark.parametrize("params", [{"role": ["ml_engineer"]}, {"level": ["senior"]}, {}])
def test_a_huge_page_number_shows_the_last_page(client, taxonomy, params, page):
    _ready(PostingFactory(title="Only", seniority="senior"))
    response = _search(client, page=page, **params)
    result = response.context["result"]
    assert (result.page, _titles(response)) == (1, ["Only"])
    assert "There are only 1 pages of results; showing the last one." in result.notices


def test_the_sort_a_seeker_never_chose_follows_the_text(client, taxonomy):
    # The default sort is sent empty, so typing words afterwards gives relevance.
    html = _search(client).content.decode()
    assert '<option value="" selected>Newest</option>' in html
    assert '<option value="relevance">Relevance</option>' in html
    html = _search(client, q="vision", sort="").content.decode()
    assert '<option value="" selected>Relevance</option>' in html
    assert '<option value="newest">Newest</option>' in html
    html = _search(client, q="vision", sort="newest").content.decode()
    assert '<option value="newest" selected>Newest</option>' in html


def test_the_skill_list_keeps_its_order_when_a_skill_is_ticked(client, taxonomy):
    _ready(
        PostingFactory(description="Python and PyTorch"),
        PostingFactory(description="Python and Kubernetes"),
        PostingFactory(description="Python, PyTorch and Kubernetes"),
        PostingFactory(description="Python"),
    )
    before = [o.label for o in _search(client).context["result"].skill_facet.options]
    after = [
        o.label
        for o in _search(client, skills=["kubernetes"]).context["result"].skill_facet.options
    ]
    assert before == sorted(before, key=str.lower)
    assert after == [label for label in before if label in after]

"""The posting page as a seeker uses it: back to their results, Apply where they look first,
a mail link that opens the mail program, names written as people write them."""

from __future__ import annotations

from html import unescape

import pytest
from django.test import Client

from postings.employers import counters
from tests.factories import CompanyFactory, PostingFactory

pytestmark = pytest.mark.django_db


def _page(posting, **headers) -> str:
    response = Client(headers=headers).get(posting.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_back_leads_to_the_results_the_seeker_came_from(taxonomy):
    posting = PostingFactory()
    html = _page(posting, referer="http://testserver/jobs/?q=vision&level=senior&page=2")
    assert '<a href="/jobs/?q=vision&amp;level=senior&amp;page=2" id="back-to-results">' in html
    assert "← Back to results" in html


@pytest.mark.parametrize(
    ("referer", "back"),
    [("http://testserver/match/?have=pytorch&have=sql&level=senior",
      "/match/?have=pytorch&amp;have=sql&amp;level=senior"),
     ("http://testserver/match/", "/match/")],
)  # fmt: skip
def test_back_leads_to_the_skill_match_the_seeker_came_from(taxonomy, referer, back):
    html = _page(PostingFactory(), referer=referer)
    assert f'<a href="{back}" id="back-to-results">← Back to your matches</a>' in html


@pytest.mark.parametrize(
    "referer",
    ["", "http://elsewhere.example/jobs/?q=vision", "http://testserver/salaries/?role=x",
     "http://testserver/jobs/", "http://elsewhere.example/match/?have=sql"],
)  # fmt: skip
def test_back_leads_to_all_jobs_from_anywhere_else(taxonomy, referer):
    posting = PostingFactory()
    html = _page(posting, referer=referer) if referer else _page(posting)
    assert '<a href="/jobs/" id="back-to-results">← All jobs</a>' in html


def test_the_apply_button_comes_before_the_description(taxonomy):
    posting = PostingFactory(description="We train ranking models.")
    html = _page(posting)
    first_apply = html.index("Apply on")
    assert first_apply < html.index("posting-description")
    assert html.count('class="apply"') == 2  # and again after it


def test_apply_by_email_is_a_mail_link_whose_ping_counts_the_click(client, taxonomy):
    posting = PostingFactory(apply_url="", apply_email="jobs@vector-labs.example", title="ML Dev")
    html = _page(posting)
    assert (
        f'<a class="button" href="mailto:jobs@vector-labs.example?subject=ML%20Dev" '
        f'ping="http://testserver/jobs/{posting.pk}/apply/" rel="nofollow">Apply by e-mail</a>'
    ) in html
    # The browser's ping: a POST without a CSRF token.
    ping = Client(enforce_csrf_checks=True).post(
        f"/jobs/{posting.pk}/apply/", data="PING", content_type="text/ping"
    )
    assert ping.status_code == 204
    counters.posting_counters_flush()
    posting.refresh_from_db()
    assert posting.apply_click_count == 1


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Tall Comet Machines", "Apply on Tall Comet Machines' site"),
     ("Vector Lab", "Apply on Vector Lab's site")],
)  # fmt: skip
def test_a_name_ending_in_s_takes_the_apostrophe_alone(taxonomy, name, expected):
    posting = PostingFactory(company=CompanyFactory(name=name))
    html = unescape(_page(posting))
    assert expected in html
    assert "s's" not in html


def _tagged_with_pay(taxonomy):
    from postings.tagging.services import postings_tag
    from tests.salaries.factories import SalaryBandFactory

    SalaryBandFactory(workplace="any", p50=180_000)
    posting = PostingFactory(
        description="We use Python and PyTorch every day.", country="US", seniority="senior",
        role_family="ml_engineer", salary_min=190_000, salary_max=210_000, salary_currency="USD",
    )  # fmt: skip
    postings_tag(posting_ids=[posting.pk])
    return posting


def test_a_posting_page_is_two_queries_once_its_process_is_warm(
    taxonomy, django_assert_num_queries
):
    posting = _tagged_with_pay(taxonomy)
    client = Client()
    client.get(posting.get_absolute_url())  # the process reads its copies of skills and bands
    # The posting with the taxonomy's and the pay data's versions, then its similar roles.
    with django_assert_num_queries(2):
        html = client.get(posting.get_absolute_url()).content.decode()
    assert "PyTorch" in html and "median 180,000" in html


def test_a_posting_page_shows_a_renamed_skill_and_a_corrected_band_at_once(taxonomy):
    from salaries.models import SalaryBand
    from skills.models import Skill
    from skills.services import taxonomy_changed

    posting = _tagged_with_pay(taxonomy)
    client = Client()
    html = client.get(posting.get_absolute_url()).content.decode()
    assert "PyTorch" in html and "median 180,000" in html

    Skill.objects.filter(slug="pytorch").update(name="Torch (PyTorch)")
    taxonomy_changed()
    SalaryBand.objects.update(p50=185_000)  # the pay data's triggers move its version

    html = client.get(posting.get_absolute_url()).content.decode()
    assert "Torch (PyTorch)" in html and "median 185,000" in html

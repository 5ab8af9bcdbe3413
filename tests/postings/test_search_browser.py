"""In headless Chromium: search, add two filters, open a posting, come back to the same
results; and the same search without JavaScript, through the plain GET form."""

from __future__ import annotations

import re

import pytest

from postings.services import postings_refresh_pay_usd
from postings.tagging.services import postings_tag
from skills.extraction import Taxonomy
from skills.services import taxonomy_load
from tests.factories import SMALL_TAXONOMY, PostingFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def postings(transactional_db):
    taxonomy_load(taxonomy=Taxonomy.from_dict(SMALL_TAXONOMY))
    made = [
        PostingFactory(title="Senior Remote Vision Engineer", seniority="senior",
                       workplace="remote", remote_regions=["WW"], description="PyTorch vision"),
        PostingFactory(title="Senior Hybrid Vision Engineer", seniority="senior",
                       workplace="hybrid", description="PyTorch vision"),
        PostingFactory(title="Junior Remote Vision Engineer", seniority="junior",
                       workplace="remote", remote_regions=["WW"], description="PyTorch vision"),
        PostingFactory(title="Senior Remote Data Analyst", seniority="senior",
                       workplace="remote", remote_regions=["WW"], description="Dashboards"),
    ]  # fmt: skip
    postings_tag(posting_ids=[p.pk for p in made])
    postings_refresh_pay_usd()
    return made


def _titles(page) -> list[str]:
    return sorted(page.locator(".posting-list .posting-title").all_inner_texts())


def test_a_seeker_searches_filters_opens_a_posting_and_comes_back(postings, live_server, browser):
    page = browser.new_page()
    page.goto(f"{live_server.url}/jobs/")
    page.get_by_label("Search", exact=True).fill("vision")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url(re.compile(r"q=vision"))
    assert len(_titles(page)) == 3

    # With JavaScript, ticking a filter updates the results in place and the address.
    page.locator(".filters").get_by_role("checkbox", name=re.compile(r"^Senior ")).check()
    page.wait_for_url(re.compile(r"level=senior"))
    page.locator(".filters").get_by_role("checkbox", name=re.compile(r"^Remote ")).check()
    page.wait_for_url(re.compile(r"workplace=remote"))
    page.wait_for_function("document.querySelectorAll('.posting-list > li').length === 1")
    assert _titles(page) == ["Senior Remote Vision Engineer"]
    results_url = page.url

    page.get_by_role("link", name="Senior Remote Vision Engineer").click()
    page.wait_for_url(re.compile(r"/jobs/\d+/"))
    assert page.get_by_role("heading", level=1).inner_text() == "Senior Remote Vision Engineer"

    page.go_back()
    page.wait_for_url(results_url)
    # The whole page (not the fragment the script fetched for this address), still live.
    assert "ML Jobs" in page.title()
    assert _titles(page) == ["Senior Remote Vision Engineer"]
    assert (
        page.locator(".filters").get_by_role("checkbox", name=re.compile(r"^Senior ")).is_checked()
    )
    assert (
        page.locator(".filters").get_by_role("checkbox", name=re.compile(r"^Remote ")).is_checked()
    )
    assert page.get_by_label("Search", exact=True).input_value() == "vision"
    page.locator(".filters").get_by_role("checkbox", name=re.compile(r"^Hybrid ")).check()
    page.wait_for_url(re.compile(r"workplace=hybrid"))
    page.wait_for_function("document.querySelectorAll('.posting-list > li').length === 2")


def test_the_same_search_works_without_javascript(postings, live_server, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/jobs/?q=vision")
    page.locator(".filters").get_by_role("checkbox", name=re.compile(r"^Senior ")).check()
    page.locator(".filters").get_by_role("checkbox", name=re.compile(r"^Remote ")).check()
    page.get_by_role("button", name="Update results").click()
    page.wait_for_url(re.compile(r"level=senior.*workplace=remote|workplace=remote.*level=senior"))
    assert _titles(page) == ["Senior Remote Vision Engineer"]
    context.close()

"""In headless Chromium at a phone's width (390 px), with JavaScript: results first and the
filters behind one button, a header on one line, the sort following typed words, a new page
read from its top, one history entry per search, and the salary pages within the screen."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from postings.services import postings_refresh_pay_usd
from postings.tagging.services import postings_tag
from skills.extraction import Taxonomy
from skills.services import taxonomy_load
from tests.factories import SMALL_TAXONOMY, PostingFactory
from tests.salaries.conftest import SMALL_CSV

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def board(transactional_db):
    taxonomy_load(taxonomy=Taxonomy.from_dict(SMALL_TAXONOMY))
    call_command("import_salaries", str(SMALL_CSV), stdout=io.StringIO(), stderr=io.StringIO())
    now = timezone.now()
    made = [
        PostingFactory(title=f"Vision Engineer {i}", seniority=["senior", "junior"][i % 2],
                       city=["Berlin", "Munich"][i % 2], description="PyTorch vision",
                       published_at=now - timedelta(hours=i + 1))
        for i in range(26)
    ]  # fmt: skip
    postings_tag(posting_ids=[p.pk for p in made])
    postings_refresh_pay_usd()
    return made


def test_a_seeker_on_a_phone(board, live_server, browser):
    page = browser.new_page(viewport=PHONE)
    page.goto(f"{live_server.url}/jobs/")

    # Results first: the first one starts on the first screen; the filters wait behind one
    # button; the header keeps "ML Jobs" on one line and the page is no wider than the screen.
    first = page.locator(".posting-list .posting-card").first.bounding_box()
    assert first["y"] < PHONE["height"] * 0.6, first
    filters = page.locator("#filters-panel")
    assert not filters.get_attribute("open") and not page.get_by_text("Update results").is_visible()
    brand = page.locator(".brand").bounding_box()
    assert brand["height"] < 40, brand  # one line
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # One tap shows the filters; ticking one updates the results and the filters stay open.
    page.get_by_text("Filters", exact=True).click()
    senior = page.locator(".filters").get_by_role("checkbox", name=re.compile(r"^Senior "))
    senior.check()
    page.wait_for_url(re.compile(r"level=senior"))
    page.wait_for_function("document.querySelectorAll('.posting-list > li').length === 13")
    assert page.locator("#filters-panel").get_attribute("open") is not None
    assert page.get_by_text("Filters (1 on)").is_visible()

    # Enter in the city box: one search, one history entry.
    before = page.evaluate("history.length")
    page.get_by_label("City").fill("Munich")
    page.get_by_label("City").press("Enter")
    page.wait_for_url(re.compile(r"location=Munich"))
    page.wait_for_function("document.querySelectorAll('.posting-list > li').length === 0")
    page.wait_for_timeout(300)
    assert page.evaluate("history.length") == before + 1
    page.go_back()
    page.wait_for_function("!location.search.includes('location=')")
    page.wait_for_function("document.querySelectorAll('.posting-list > li').length === 13")

    # Typing words after the page opened with the default sort gives relevance.
    page.get_by_label("Search", exact=True).fill("vision")
    page.get_by_label("Search", exact=True).press("Enter")
    page.wait_for_url(re.compile(r"q=vision"))
    assert "sort=" not in page.url
    assert page.locator("#id_sort option:checked").inner_text() == "Relevance"

    # "Next": the new page is read from its top, not from the bottom of the last one.
    page.goto(f"{live_server.url}/jobs/")
    page.locator(".pagination").get_by_role("link", name="Next →").scroll_into_view_if_needed()
    page.locator(".pagination").get_by_role("link", name="Next →").click()
    page.wait_for_url(re.compile(r"page=2"))
    page.wait_for_function(
        "document.querySelector('[aria-current=page]').textContent.includes('Page 2')"
    )
    results_top = page.locator("#results").bounding_box()["y"]
    assert -5 <= results_top < PHONE["height"] / 3, results_top

    # The salary pages fit the screen.
    for path in (
        "/salaries/",
        "/salaries/calculator/?role=ml_engineer&level=senior&percentile=p90",
    ):
        page.goto(f"{live_server.url}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], (path, width)
        # Wide tables and charts scroll inside their own boxes, which fit the screen.
        boxes = page.locator(".table-scroll, .chart-scroll").all()
        assert boxes, path
        for box in (b.bounding_box() for b in boxes):
            assert box["x"] + box["width"] <= PHONE["width"] + 1, (path, box)
        if "calculator" in path:  # the band's five figures, the 90th included, in view
            band = page.locator(".salary-table").first.bounding_box()
            assert band["x"] + band["width"] <= PHONE["width"] - 15, band
        # A chart is drawn at a size its text can be read at (12 px text at 720 units).
        for svg in page.locator("svg.salary-chart-svg").all():
            assert svg.bounding_box()["width"] >= 700, path

"""sitemap.xml (Django's sitemaps, split into pages), robots.txt naming it, and the canonical
URL, description and Open Graph tags of posting and search pages."""

from __future__ import annotations

import re
from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from django.utils import timezone

from postings.sitemaps import PostingSitemap
from tests.factories import CompanyFactory, PostingFactory

pytestmark = pytest.mark.django_db

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def _locs(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ElementTree.fromstring(response.content)  # noqa: S314 - our own sitemap
    return [loc.text for loc in root.iterfind(".//s:loc", NS)]


def _meta(html: str, attr: str, name: str) -> str:
    found = re.search(rf'<meta {attr}="{re.escape(name)}" content="([^"]*)"', html)
    assert found, f"no {name} meta tag"
    return found.group(1)


def test_robots_txt_names_the_sitemap_and_keeps_private_pages_out(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert {"Disallow: /employers/", "Disallow: /moderation/", "Disallow: /admin/"} <= set(lines)
    assert "Disallow: /jobs/" not in lines


def test_the_sitemap_lists_visible_postings_with_their_last_change_and_nothing_else(client):
    changed = timezone.now() - timedelta(days=1)
    shown = PostingFactory(updated_at=changed)
    hidden = [PostingFactory(**{trait: True}) for trait in ("draft", "pending", "closed", "lapsed")]

    index = _locs(client, "/sitemap.xml")
    assert index == [
        "http://testserver/sitemap-jobs.xml",
        "http://testserver/sitemap-companies.xml",
        "http://testserver/sitemap-pages.xml",
    ]
    response = client.get("/sitemap-jobs.xml")
    root = ElementTree.fromstring(response.content)  # noqa: S314 - our own sitemap
    urls = root.findall("s:url", NS)
    assert [u.find("s:loc", NS).text for u in urls] == [
        f"http://testserver{shown.get_absolute_url()}"
    ]
    assert urls[0].find("s:lastmod", NS).text == changed.date().isoformat()
    for posting in hidden:
        assert posting.get_absolute_url().encode() not in response.content


def test_the_posting_sitemap_is_split_into_pages_at_its_limit(client, monkeypatch):
    monkeypatch.setattr(PostingSitemap, "limit", 2)
    postings = [PostingFactory() for _ in range(5)]

    index = _locs(client, "/sitemap.xml")
    pages = [loc for loc in index if "sitemap-jobs" in loc]
    assert pages == [
        "http://testserver/sitemap-jobs.xml",
        "http://testserver/sitemap-jobs.xml?p=2",
        "http://testserver/sitemap-jobs.xml?p=3",
    ]
    listed = [loc for page in (1, 2, 3) for loc in _locs(client, f"/sitemap-jobs.xml?p={page}")]
    assert listed == [f"http://testserver{p.get_absolute_url()}" for p in postings]
    assert client.get("/sitemap-jobs.xml?p=4").status_code == 404


def test_the_company_and_page_sitemaps_list_companies_with_open_roles_and_the_salary_pages(
    client,
):
    hiring = PostingFactory().company
    CompanyFactory(name="Quiet Co")  # no open roles
    PostingFactory(closed=True, company=CompanyFactory(name="Closed Co"))

    assert _locs(client, "/sitemap-companies.xml") == [
        f"http://testserver{reverse('companies:detail', args=[hiring.slug])}"
    ]
    assert _locs(client, "/sitemap-pages.xml") == [
        "http://testserver/jobs/",
        "http://testserver/salaries/",
        "http://testserver/salaries/calculator/",
    ]


def test_a_posting_page_has_its_canonical_url_description_and_open_graph_tags(client):
    posting = PostingFactory(
        title="Ranking Engineer",
        description="We build **ranking models** for search.\n\n" + "More words here. " * 30,
    )
    other = PostingFactory(description="A different role about speech recognition systems.")

    response = client.get(posting.get_absolute_url() + "?utm_source=x")
    html = response.content.decode()

    url = f"http://testserver{posting.get_absolute_url()}"
    assert f'<link rel="canonical" href="{url}">' in html
    assert html.count('rel="canonical"') == 1
    description = _meta(html, "name", "description")
    assert description.startswith("We build ranking models for search. More words here.")
    assert len(description) <= 160
    assert _meta(html, "property", "og:title") == f"Ranking Engineer at {posting.company.name}"
    assert _meta(html, "property", "og:url") == url
    assert _meta(html, "property", "og:description") == description
    other_html = client.get(other.get_absolute_url()).content.decode()
    assert _meta(other_html, "name", "description") != description


def test_a_description_s_ampersands_are_escaped_once_in_its_meta_tags(client):
    posting = PostingFactory(description="R&D on **A/B tests** & <i>ranking</i>.")

    html = client.get(posting.get_absolute_url()).content.decode()

    # As the browser and link previews read it: "R&D on A/B tests & ranking."
    assert _meta(html, "name", "description") == "R&amp;D on A/B tests &amp; ranking."
    assert _meta(html, "property", "og:description") == "R&amp;D on A/B tests &amp; ranking."


def test_a_search_page_keeps_its_filters_in_its_canonical_url(client):
    PostingFactory(seniority="senior", workplace="remote", remote_regions=["US"])

    response = client.get(
        reverse("postings:list"), {"q": "ranking", "level": "senior", "skills": "", "page": "1"}
    )
    html = response.content.decode()

    canonical = re.search(r'<link rel="canonical" href="([^"]*)">', html).group(1)
    assert canonical == "http://testserver/jobs/?q=ranking&amp;level=senior&amp;page=1"
    assert _meta(html, "property", "og:url") == canonical
    assert _meta(html, "property", "og:title") == "“ranking”: machine-learning jobs"
    assert "matching “ranking”" in _meta(html, "name", "description")


def test_other_pages_get_their_own_address_as_canonical(client):
    company = PostingFactory().company

    html = client.get(reverse("companies:detail", args=[company.slug]) + "?x=1").content.decode()

    url = f"http://testserver{reverse('companies:detail', args=[company.slug])}"
    assert f'<link rel="canonical" href="{url}">' in html
    assert _meta(html, "name", "description") == f"Open machine-learning roles at {company.name}."


def test_an_ended_posting_page_asks_not_to_be_indexed(client):
    posting = PostingFactory(closed=True)

    html = client.get(posting.get_absolute_url()).content.decode()

    assert '<meta name="robots" content="noindex">' in html
    assert "application/ld+json" not in html


def test_the_sitemap_index_gives_each_sections_newest_change_without_reading_every_posting(
    client,
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    newest = timezone.now() - timedelta(hours=1)
    for days in range(1, 6):
        PostingFactory(updated_at=newest - timedelta(days=days))
    PostingFactory(updated_at=newest)

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/sitemap.xml")

    root = ElementTree.fromstring(response.content)  # noqa: S314 - our own sitemap
    jobs = next(s for s in root.iterfind("s:sitemap", NS) if "jobs" in s.find("s:loc", NS).text)
    assert jobs.find("s:lastmod", NS).text.startswith(newest.date().isoformat())
    selects = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    assert not any('"postings_posting"."slug"' in sql for sql in selects)

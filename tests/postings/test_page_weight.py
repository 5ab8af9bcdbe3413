"""What a page costs to send: compressed HTML, static files named by their content and kept
for a year, and no skill list of the whole taxonomy in every search page."""

from __future__ import annotations

import gzip
import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PostingFactory

pytestmark = pytest.mark.django_db

YEAR = 365 * 24 * 3600


def test_pages_are_sent_gzipped_to_browsers_that_take_it(taxonomy):
    PostingFactory.create_batch(3)
    response = Client().get(reverse("postings:list"), headers={"accept-encoding": "gzip, br"})
    assert response["Content-Encoding"] == "gzip"
    html = gzip.decompress(response.content)
    assert b"open roles" in html
    assert len(response.content) < len(html) / 3
    plain = Client().get(reverse("postings:list"))
    assert not plain.has_header("Content-Encoding")


def test_static_files_are_named_by_their_content_and_kept_a_year_compressed(taxonomy):
    html = Client().get(reverse("postings:list")).content.decode()
    names = re.findall(r'(?:href|src)="(/static/[^"]+)"', html)
    assert {re.sub(r"\.[0-9a-f]{12}\.", ".", name) for name in names} == {
        "/static/img/icon.svg", "/static/css/site.css", "/static/js/search.js",
    }  # fmt: skip
    for name in names:
        assert re.search(r"\.[0-9a-f]{12}\.(css|js|svg)$", name), name
        response = Client().get(name, headers={"accept-encoding": "gzip"})
        assert response.status_code == 200
        max_age = int(re.search(r"max-age=(\d+)", response["Cache-Control"]).group(1))
        assert max_age >= YEAR, name
        assert "immutable" in response["Cache-Control"]
        if not name.endswith(".svg") or len(b"".join(response.streaming_content)) > 0:
            assert response.get("Content-Encoding") == "gzip", name


def test_a_search_page_does_not_carry_the_whole_skill_list(taxonomy):
    html = Client().get(reverse("postings:list")).content.decode()
    assert "<datalist" not in html
    # The names come from their own address, fetched by the script when the box is used.
    names = Client().get(reverse("postings:skill_names"))
    assert names.json() == ["Deep learning", "Kubernetes", "Python", "PyTorch", "R"]
    assert "max-age=86400" in names["Cache-Control"]

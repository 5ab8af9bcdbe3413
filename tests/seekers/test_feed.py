"""An Atom feed for every search (issue 14): the /jobs/ query string, valid Atom 1.0, newest
50, and conditional GET so a poll with nothing new costs almost nothing."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone

from postings.models import Posting
from tests.factories import PostingFactory

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def _rfc3339(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def assert_valid_atom(body: bytes) -> ET.Element:
    """RFC 4287's rules for a feed and its entries (section 4.1), checked one by one."""
    feed = ET.fromstring(body)  # noqa: S314 - our own feed, in a test
    assert feed.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert len(feed.findall(f"{ATOM}{name}")) == 1, name
    _rfc3339(feed.find(f"{ATOM}updated").text)
    assert [link.get("rel") for link in feed.findall(f"{ATOM}link")].count("self") == 1
    assert feed.find(f"{ATOM}author/{ATOM}name").text
    for entry in feed.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated"):
            assert len(entry.findall(f"{ATOM}{name}")) == 1, name
        _rfc3339(entry.find(f"{ATOM}updated").text)
        assert entry.find(f"{ATOM}author/{ATOM}name").text
        assert any(link.get("rel") in (None, "alternate") for link in entry.findall(f"{ATOM}link"))
    return feed


def test_the_feed_is_the_search_s_newest_roles_as_valid_atom(client):
    old = PostingFactory(title="Remote old", workplace="remote",
                         published_at=timezone.now() - timedelta(days=5))  # fmt: skip
    new = PostingFactory(title="Remote new", workplace="remote",
                         description="<script>x()</script>\n\nTrain **models** & R&D.")  # fmt: skip
    PostingFactory(title="On-site", workplace="onsite")
    PostingFactory(title="Closed remote", workplace="remote", closed=True)

    response = client.get(reverse("postings:feed"), {"workplace": "remote", "level": "bogus"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = assert_valid_atom(response.content)
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo
    assert [e.title for e in parsed.entries] == [f"Remote new at {new.company.name}",
                                                 f"Remote old at {old.company.name}"]  # fmt: skip
    assert parsed.entries[0].link == "http://testserver" + new.get_absolute_url()
    # Sanitized, tags stripped; the summary is HTML, so "&" arrives as "&amp;", once.
    assert parsed.entries[0].summary == "Train models &amp; R&amp;D."
    self_link = next(l for l in feed.findall(f"{ATOM}link") if l.get("rel") == "self")  # noqa: E741
    assert self_link.get("href") == "http://testserver/jobs/feed/?workplace=remote"


def test_the_feed_holds_the_newest_fifty(client):
    PostingFactory.create_batch(55)
    parsed = feedparser.parse(client.get(reverse("postings:feed")).content)
    assert len(parsed.entries) == 50


def test_a_poll_with_nothing_new_is_a_304_and_a_new_role_changes_the_answer(
    client, django_assert_max_num_queries
):
    posting = PostingFactory()
    first = client.get(reverse("postings:feed"))
    etag, modified = first["ETag"], first["Last-Modified"]

    with django_assert_max_num_queries(3):
        again = client.get(reverse("postings:feed"), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert client.get(reverse("postings:feed"), HTTP_IF_MODIFIED_SINCE=modified).status_code == 304

    Posting.objects.filter(pk=posting.pk).update(title="Edited", updated_at=timezone.now())
    assert client.get(reverse("postings:feed"), HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_every_results_page_links_its_feed(client):
    html = client.get(reverse("postings:list"), {"workplace": "remote"}).content.decode()
    assert ('<link rel="alternate" type="application/atom+xml" title="Atom feed of this search" '
            'href="/jobs/feed/?workplace=remote">') in html  # fmt: skip

"""An Atom feed for every search: /jobs/feed/?<the /jobs/ query string>.

The same validation and the same visible() rule as the search page (postings.filters), the
newest 50 roles. Feed readers poll every few minutes, so the answer carries an ETag and a
Last-Modified computed from the few rows it shows, and a poll with nothing new is a 304 that
costs one small query.
"""

from __future__ import annotations

import hashlib

from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_response_headers
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.http import http_date
from django.utils.text import Truncator

from postings.filters import parse_search
from postings.models import Posting
from postings.rendering import markdown_to_text
from postings.seekers.services import describe_search
from skills.services import skill_index

FEED_SIZE = 50
SUMMARY_WORDS = 60
# Feed readers may keep an answer this long before asking again (then usually a 304).
FEED_MAX_AGE = 300


def _search(request: HttpRequest) -> dict:
    """The search the feed shows: its validated parameters and its newest roles."""
    parsed = parse_search(request.GET, skills=skill_index())
    params = parsed.params
    params.pop("page", None)
    postings = list(
        parsed.filter.qs.select_related("company")
        .defer("description", "search_vector")
        .order_by("-published_at", "-id")[:FEED_SIZE]
    )
    return {"params": params, "postings": postings}


class SearchFeed(Feed):
    """Django's syndication framework shapes the Atom document; the search is read once, by
    the view, so the conditional GET and the feed share it."""

    feed_type = Atom1Feed
    author_name = "ML Jobs"

    def __init__(self, search: dict) -> None:
        super().__init__()
        self.search = search

    def get_object(self, request: HttpRequest, *args, **kwargs) -> dict:
        return self.search

    def title(self, obj: dict) -> str:
        return f"ML Jobs: {describe_search(obj['params'])}"

    def link(self, obj: dict) -> str:
        query = obj["params"].urlencode()
        return reverse("postings:list") + (f"?{query}" if query else "")

    def feed_url(self, obj: dict) -> str:
        query = obj["params"].urlencode()
        return reverse("postings:feed") + (f"?{query}" if query else "")

    def subtitle(self, obj: dict) -> str:
        return "The newest open machine-learning roles matching this search."

    def items(self, obj: dict) -> list[Posting]:
        return obj["postings"]

    def item_title(self, item: Posting) -> str:
        return f"{item.title} at {item.company.name}"

    def item_description(self, item: Posting) -> str:
        return item.feed_summary

    def item_link(self, item: Posting) -> str:
        return item.get_absolute_url()

    def item_guid(self, item: Posting) -> str:
        return f"tag:mljobs,2026:posting:{item.pk}"

    def item_guid_is_permalink(self, item: Posting) -> bool:
        return False

    def item_pubdate(self, item: Posting):
        return item.published_at

    def item_updateddate(self, item: Posting):
        return max(item.published_at, item.updated_at)

    def item_author_name(self, item: Posting) -> str:
        return item.company.name


def _summaries(postings: list[Posting]) -> None:
    """The sanitized summary of each role: its rendered text, tags stripped, shortened."""
    texts = dict(
        Posting.objects.filter(pk__in=[p.pk for p in postings]).values_list("pk", "description")
    )
    for posting in postings:
        text = markdown_to_text(texts.get(posting.pk, ""))
        # Atom's <summary type="html"> holds HTML: the words, escaped.
        posting.feed_summary = escape(Truncator(text).words(SUMMARY_WORDS))


def search_feed(request: HttpRequest) -> HttpResponse:
    search = _search(request)
    feed = SearchFeed(search)
    postings = search["postings"]
    newest = max((feed.item_updateddate(p) for p in postings), default=None)
    # HTTP dates have whole seconds: compare in whole seconds, or every poll looks newer.
    last_modified = int(newest.timestamp()) if newest else None
    version = ";".join(f"{p.pk}:{feed.item_updateddate(p).timestamp()}" for p in postings)
    digest = hashlib.sha256(f"{search['params'].urlencode()}|{version}".encode()).hexdigest()
    etag = f'"{digest[:32]}"'
    not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if not_modified is not None:
        return not_modified
    _summaries(postings)
    response = feed(request)
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    patch_response_headers(response, cache_timeout=FEED_MAX_AGE)
    return response

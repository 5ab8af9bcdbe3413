"""Result cards: a posting as one row of a list (search results, similar roles, a company's
roles), with the skills to add to the search. Rendered by templates/jinja2/postings/
_posting_cards.html (see postings_tags.posting_cards)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from postings.models import Posting
from postings.search import SearchResult

CHIPS_PER_CARD = 6


@dataclass
class Chip:
    name: str
    url: str
    selected: bool


@dataclass
class Card:
    posting: Posting
    chips: list[Chip] = field(default_factory=list)
    saved: bool = False


def search_cards(result: SearchResult, current: str) -> list[Card]:
    """Each result with its top skills as links that add that skill to `current`, the search
    from page 1, encoded ("a=b&", or "" for none)."""
    selected = set(result.params.getlist("skills"))
    by_count = sorted(result.skill_facet.options, key=lambda option: -option.count)
    rank = {option.value: i for i, option in enumerate(by_count)}
    cards = []
    for posting in result.postings:
        # soft skills ("Attention to detail") are shown on the posting page, not on cards
        refs = [ref for ref in result.skills.active_refs(posting.skill_ids) if not ref.is_soft]
        refs.sort(key=lambda r: (r.slug not in selected, rank.get(r.slug, 999), r.name))
        chips = []
        for ref in refs[:CHIPS_PER_CARD]:
            if ref.slug in selected:
                chips.append(Chip(ref.name, f"?{current.rstrip('&')}", True))
            else:
                chips.append(Chip(ref.name, f"?{current}{urlencode({'skills': ref.slug})}", False))
        cards.append(Card(posting, chips))
    return cards


def plain_cards(postings: Iterable[Posting]) -> list[Card]:
    return [Card(posting) for posting in postings]

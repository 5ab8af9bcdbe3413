"""path_to writes what reverse() writes, for every named address of the board, and a results
page no longer reverses an address per card."""

from __future__ import annotations

import itertools

import pytest
from django.urls import NoReverseMatch, get_resolver, reverse, set_script_prefix
from django.urls.resolvers import URLResolver

from postings.paths import path_to
from tests.factories import PostingFactory

# Arguments of each kind path_to joins in place, and ones it hands to reverse().
PLAIN = [0, 7, 123456, "a", "senior-ml-engineer", "x_1", "42"]
OTHER = [-3, True, "ünï-code", "two words", "a/b", "%41", "", 1.5]


def _named_addresses() -> list[tuple[str, int]]:
    """(namespaced name, number of arguments) of every named address in the URLconf."""
    found = []

    def walk(resolver: URLResolver, namespace: str) -> None:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern, inner)
            elif pattern.name:
                found.append((f"{namespace}{pattern.name}", pattern.pattern.regex.groups))

    walk(get_resolver(), "")
    return found


def _both(name: str, args: tuple) -> tuple[str | None, str | None]:
    answers = []
    for way in (lambda: reverse(name, args=args), lambda: path_to(name, *args)):
        try:
            answers.append(way())
        except NoReverseMatch:
            answers.append(None)
    return answers[0], answers[1]


@pytest.mark.parametrize("prefix", ["/", "/board/"])
def test_every_named_address_is_written_as_reverse_writes_it(prefix):
    set_script_prefix(prefix)
    try:
        addresses = _named_addresses()
        assert ("postings:detail", 2) in addresses and len(addresses) > 30
        compared = 0
        for name, arity in addresses:
            for args in itertools.product(PLAIN + OTHER, repeat=arity):
                expected, got = _both(name, args)
                assert got == expected, (name, args)
                compared += expected is not None
        assert compared > 100
    finally:
        set_script_prefix("/")


def test_a_posting_whose_slug_needs_quoting_is_given_reverses_address(db):
    posting = PostingFactory()
    posting.slug = "ml-ingénieur"  # saved by hand, past the form's slug rules
    assert posting.get_absolute_url() == f"/jobs/{posting.pk}/ml-ing%C3%A9nieur/"


def test_a_results_page_reverses_no_address_per_card(client, db, monkeypatch):
    PostingFactory.create_batch(20)
    calls = []
    original = URLResolver._reverse_with_prefix

    def counted(self, lookup_view, *args, **kwargs):
        calls.append(lookup_view)
        return original(self, lookup_view, *args, **kwargs)

    client.get(reverse("postings:list"))  # the page's addresses, each reversed once here
    monkeypatch.setattr(URLResolver, "_reverse_with_prefix", counted)
    response = client.get(reverse("postings:list"))
    assert len(response.context["result"].postings) == 20
    # The page's own links (its feed, the saved search form, ...), not one per card.
    assert calls.count("detail") == 0 and calls.count("saved_job") == 0, calls
    assert len(calls) < 10, calls

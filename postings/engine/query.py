"""A validated search as index queries, and the answers postings.search needs from them.

`compile_search` turns a ParsedSearch into one index query per filter parameter, each the
same test as that parameter's PostingFilter method (postings.filters): a facet count can
then leave its own filter out, as the page's counts do. Text is the one part written twice
by nature (SQL there, an index query here); it stays exact because both sides work on
PostgreSQL's lexemes: the posting's `search_vector` was indexed as it is, and the seeker's
text is turned into a tsquery by PostgreSQL and that tsquery translated operator by
operator. A tsquery this module cannot translate exactly raises Unsupported, and the search
is answered by PostgreSQL instead.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import timedelta

import tantivy
from django.db import connection
from django.utils import timezone

from postings.engine.index import SCHEMA, TEXT_FACETS, SkillTree, micros
from postings.filters import ParsedSearch, skill_words
from postings.models import Company, Posting
from postings.models import postings as posting_models

Query = tantivy.Query
Occur = tantivy.Occur
# Each text facet's every value, as its column allows them.
_FACET_CHOICES = {
    name: [value for value, _ in Posting._meta.get_field(column).choices]
    for name, column in TEXT_FACETS.items()
}
# A city of fewer letters is compared whole (postings.filters._SHORTEST_CITY_PART).
_SHORTEST_CITY_PART = 3
# What Rust's regex syntax treats as special: escaped in a city's substring pattern.
_REGEX_SPECIAL = set("\\.+*?()|[]{}^$#&-~")


class Unsupported(Exception):
    """A text search whose tsquery has a shape not translated here (a negated word inside a
    phrase, say): PostgreSQL answers that search."""


def _all(parts: list[Query]) -> Query:
    if not parts:
        return Query.all_query()
    if len(parts) == 1:
        return parts[0]
    return Query.boolean_query([(Occur.Must, part) for part in parts])


def _any(parts: list[Query]) -> Query:
    if len(parts) == 1:
        return parts[0]
    return Query.boolean_query([(Occur.Should, part) for part in parts])


def _but_not(kept: Query, dropped: Query) -> Query:
    return Query.boolean_query([(Occur.Must, kept), (Occur.MustNot, dropped)])


def _any_looked_up(parts: list[Query]) -> Query:
    """The same postings as _any(parts), as "not (not A and not B ...)", for queries the
    fixed sample or a much rarer filter leads (CompiledSearch.query). A union is read in
    windows of 4,096 postings, every posting of every part in each window the intersection
    touches: among the sample (a posting in a hundred) that is every posting of every part.
    Excluded one at a time, each part is only looked up at the postings the sample brings.
    Two popular skills among the sample: 2.4 -> 1.0 ms. Not for a query nothing sparse
    leads: walking every posting to exclude, it is four times slower than the union (26 ms
    against 6, the same two skills alone)."""
    if len(parts) == 1:
        return parts[0]
    neither = Query.all_query()
    for part in parts:
        neither = _but_not(neither, part)
    return _but_not(Query.all_query(), neither)


def _term(name: str, value: object) -> Query:
    return Query.term_query(SCHEMA, name, value)


# A union is looked up part by part at the postings of another filter (_any_looked_up)
# when that filter matches at most 1/LEAD_RATIO as many postings as the union's parts hold:
# a rare word with two popular skills, 2.8 -> 1.6 ms a pass. Measured over the 274 unions of
# 400 random searches at a million postings: 12 gave the lowest total; below 8 a looked-up
# union cost up to 1.2 ms more than the plain one, and looked up everywhere, 17 ms more.
LEAD_RATIO = 12

# Up to this many values, "one of" is a union of term queries; past it, a term set.
_UNION_AT_MOST = 8


def _one_of(name: str, values: list) -> Query:
    """Postings holding any of `values` in `name`.

    A term set reads every posting of every value into a set before anything is
    intersected with it: 1.3 ms for one level among the fixed sample, where the same term
    alone is looked up posting by posting (0.3 ms). So one value is a term, a few are a
    union of terms, and only a long list (ids, a skill's descendants) is a term set."""
    values = list(values)
    if len(values) == 1:
        return _term(name, values[0])
    if len(values) <= _UNION_AT_MOST:
        return _any([_term(name, value) for value in values])
    return Query.term_set_query(SCHEMA, name, values)


def _facet(name: str, values: list) -> tuple[Query, Query | None]:
    """Postings whose facet `name` is one of `values`, where every posting has one of the
    facet's choices (named constraints keep the columns to them): when the values left out
    are fewer, those are excluded instead. A union is read whole on each intersection, a
    posting at a time; an excluded term is only looked up. Two workplaces of three, a
    sixth of the random mix: 1.9 -> 0.4 ms among the fixed sample.

    With the form for queries the sample leads, when it differs (_any_looked_up)."""
    others = [value for value in _FACET_CHOICES[name] if value not in values]
    if not others:
        return Query.all_query(), None
    if len(others) < len(values):
        return _but_not(Query.all_query(), _one_of(name, others)), None
    if 1 < len(values) <= _UNION_AT_MOST:
        terms = [_term(name, value) for value in values]
        return _any(terms), _any_looked_up(terms)
    return _one_of(name, values), None


def _at_least(name: str, value: int) -> Query:
    return Query.range_query(SCHEMA, name, tantivy.FieldType.Integer, value, None)


# ---------------------------------------------------------------------------------------------
# tsquery text -> index query
# ---------------------------------------------------------------------------------------------

_TOKEN = re.compile(r"\s*(?:'((?:[^']|'')*)'(:[*A-D]+)?|<(-|\d+)>|([&|!()]))")


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens, at = [], 0
    text = text.strip()
    while at < len(text):
        match = _TOKEN.match(text, at)
        if match is None or match.end() == at:
            raise Unsupported(text)
        if match.group(1) is not None:
            if match.group(2):  # a prefix or weight: websearch_to_tsquery writes neither
                raise Unsupported(text)
            tokens.append(("lexeme", match.group(1).replace("''", "'").replace("\\\\", "\\")))
        elif match.group(3) is not None:
            tokens.append(("follows", "1" if match.group(3) == "-" else match.group(3)))
        else:
            tokens.append((match.group(4), match.group(4)))
        at = match.end()
    return tokens


# In a negation's clauses: a posting without a search document is no match (NULL in SQL).
_HAS_TEXT = (Occur.MustNot, Query.term_query(SCHEMA, "no_text", 1))


class _TsQuery:
    """A recursive-descent reading of tsquery text, operators binding as PostgreSQL's do:
    `!` tightest, then `<->` (`<N>`), then `&`, then `|`."""

    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.at = 0

    def parse(self) -> tuple[Query, tuple]:
        """The index query, and the tree it was made from (_tree_bound reads it)."""
        node = self._or()
        if self.at != len(self.tokens):
            raise Unsupported("trailing tokens")
        return self._query(node), node

    def _peek(self) -> str | None:
        return self.tokens[self.at][0] if self.at < len(self.tokens) else None

    def _take(self) -> tuple[str, str]:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def _or(self) -> tuple:
        return self._joined("|", "or", self._and)

    def _and(self) -> tuple:
        return self._joined("&", "and", self._phrase)

    def _joined(self, operator: str, kind: str, operand) -> tuple:
        parts = [operand()]
        while self._peek() == operator:
            self._take()
            parts.append(operand())
        return (kind, parts) if len(parts) > 1 else parts[0]

    def _phrase(self) -> tuple:
        node = self._unary()
        while self._peek() == "follows":
            distance = int(self._take()[1])
            right = self._unary()
            node = ("phrase", _words(node) + _shifted(_words(right), _end(node) + distance))
        return node

    def _unary(self) -> tuple:
        kind = self._peek()
        if kind == "!":
            self._take()
            return ("not", self._unary())
        if kind == "(":
            self._take()
            node = self._or()
            if self._peek() != ")":
                raise Unsupported("unbalanced")
            self._take()
            return node
        if kind == "lexeme":
            return ("lexeme", self._take()[1])
        raise Unsupported(f"unexpected {kind}")

    def _query(self, node: tuple) -> Query:
        kind, value = node
        if kind == "lexeme":
            return _term("lex", value)
        if kind == "phrase":
            return Query.phrase_query(SCHEMA, "lex", value)
        if kind == "not":
            return Query.boolean_query([(Occur.Must, Query.all_query()), _HAS_TEXT,
                                        (Occur.MustNot, self._query(value))])  # fmt: skip
        if kind == "and":
            clauses = [
                (Occur.MustNot, self._query(part[1])) if part[0] == "not"
                else (Occur.Must, self._query(part))
                for part in value
            ]  # fmt: skip
            if all(occur == Occur.MustNot for occur, _ in clauses):
                # Only exclusions match nothing in the index; in SQL, everything else.
                clauses += [(Occur.Must, Query.all_query()), _HAS_TEXT]
            return Query.boolean_query(clauses)
        return _any([self._query(part) for part in value])


def _tree_bound(searcher: tantivy.Searcher, node: tuple) -> int | None:
    """At most how many postings a tsquery's tree matches, from its words' document
    frequencies (None: not bounded, a negation)."""
    kind, value = node
    if kind == "lexeme":
        return searcher.doc_freq("lex", value)
    if kind == "phrase":
        return min(searcher.doc_freq("lex", word) for _, word in value)
    if kind == "and":
        bounds = [_tree_bound(searcher, part) for part in value if part[0] != "not"]
        return min((b for b in bounds if b is not None), default=None)
    if kind == "or":
        return _sum_bound(_tree_bound(searcher, part) for part in value)
    return None


def _sum_bound(bounds) -> int | None:
    """The bound of a union: the sum of its parts', if each has one."""
    bounds = list(bounds)
    return None if None in bounds else sum(bounds)


def _doc_freqs(searcher: tantivy.Searcher | None, name: str, values) -> int | None:
    """At most how many postings hold one of `values` in `name` (None: no searcher to ask)."""
    if searcher is None:
        return None
    return sum(searcher.doc_freq(name, value) for value in values)


def _words(node: tuple) -> list[tuple[int, str]]:
    """A phrase operand's words at their offsets: plain words and phrases only (PostgreSQL's
    phrase operator over `&`, `|` or `!` has semantics not translated here)."""
    if node[0] == "lexeme":
        return [(0, node[1])]
    if node[0] == "phrase":
        return node[1]
    raise Unsupported("an operator inside a phrase")


def _end(node: tuple) -> int:
    return _words(node)[-1][0]


def _shifted(words: list[tuple[int, str]], by: int) -> list[tuple[int, str]]:
    return [(offset + by, word) for offset, word in words]


def _tsqueries(texts: list[str]) -> list[str]:
    """PostgreSQL's websearch_to_tsquery of each text, as tsquery text, in one statement."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT websearch_to_tsquery('english', t.x)::text "
            "FROM unnest(%s::text[]) WITH ORDINALITY AS t(x, n) ORDER BY t.n",
            [texts],
        )
        return [text for (text,) in cursor.fetchall()]


def _matches_text(
    tsquery: str, searcher: tantivy.Searcher | None = None
) -> tuple[Query, int | None]:
    """`search_vector @@ tsquery`: nothing for an empty tsquery (only stop words), as in SQL;
    and, given the `searcher`, at most how many postings it matches (_tree_bound).

    A posting without a search document matches no tsquery in SQL (NULL); here it has no
    words, so only a negation could match it, and each negation excludes it itself. Kept out
    of everything else: wrapping a phrase in an exclusion made the index check the phrase
    on every posting holding its words (40 ms), where inside a conjunction it checks only
    the postings the other filters leave."""
    if not tsquery.strip():
        return Query.empty_query(), 0
    query, tree = _TsQuery(tsquery).parse()
    return query, _tree_bound(searcher, tree) if searcher is not None else None


def _skill_terms(parsed: ParsedSearch, slug: str, tree: bool) -> tuple[str, list[int]]:
    """The index terms of postings tagged with the skill or one below it (`skill_ids &&
    with_descendants`): the skill in skill_tree, when the generation's skill_tree was
    written with today's hierarchy, else it and its descendants in skills."""
    if tree:
        return "skill_tree", [parsed.skills.by_slug[slug].id]
    return "skills", list(parsed.skills.with_descendants(slug))


def _skill(parsed: ParsedSearch, slug: str, tree: bool) -> Query:
    return _one_of(*_skill_terms(parsed, slug, tree))


def _skill_bound(
    searcher: tantivy.Searcher | None, parsed: ParsedSearch, slug: str, tree: bool
) -> int | None:
    return _doc_freqs(searcher, *_skill_terms(parsed, slug, tree))


def _text(
    value: str, parsed: ParsedSearch, tree: bool, searcher: tantivy.Searcher | None = None
) -> _Text:
    """postings.filters.text_condition as an index query (and, given the `searcher`, at
    most how many postings it matches, when its words say)."""
    value = value.strip()
    found, rest = skill_words(value, parsed.skills)
    pieces = [value] if not found else ([rest] if rest else []) + [w.text for w in found]
    tsqueries = dict(zip(pieces, _tsqueries(pieces), strict=True))
    phrase = any(_PHRASE.search(tsquery) for tsquery in tsqueries.values())
    if not found:
        query, bound = _matches_text(tsqueries[value], searcher)
    else:
        parts = [_matches_text(tsqueries[rest], searcher)] if rest else []
        for word in found:
            text, text_bound = _matches_text(tsqueries[word.text], searcher)
            slug = word.skill.slug
            tagged, tagged_bound = (
                _skill(parsed, slug, tree),
                _skill_bound(searcher, parsed, slug, tree),
            )
            parts.append((_any([text, tagged]), _sum_bound([text_bound, tagged_bound])))
        query = _all([part for part, _ in parts])
        bound = min((b for _, b in parts if b is not None), default=None)
    companies = parsed.filter.companies_named(value)
    if companies:
        query = _any([query, _one_of("company", companies)])
        bound = _sum_bound([bound, _doc_freqs(searcher, "company", companies)])
    return _Text(query, phrase, bound)


_PHRASE = re.compile(r"<(-|\d+)>")
# A phrase matching at most this many postings is read once, as their ids (see _settled).
SETTLE_AT_MOST = 20_000


@dataclass(frozen=True)
class _Text:
    query: Query
    phrase: bool  # holds a phrase, whose positions are checked posting by posting
    bound: int | None = None  # at most this many postings match (None: not known)


def _settled(searcher: tantivy.Searcher, text: _Text) -> _Text:
    """A text search with a phrase as the ids it matches, when they are few.

    Checking a phrase means reading its words' positions in each posting that holds all of
    them: cheap among the few postings the other filters leave, but a phrase of common
    words that is itself rare ("office product": 540,000 postings hold both words, none
    the phrase) costs 40 ms each time the index is asked, and a page asks up to a dozen
    times (counts without each filter). Read once here; a set of ids is then free to
    intersect. A phrase with many matches stays a query: the fixed sample or a selective
    filter leads its intersections.
    """
    if not text.phrase:
        return text
    sample = _all([text.query, term_query_sample()])
    if count(searcher, sample) * posting_models.SAMPLE_EVERY > 2 * SETTLE_AT_MOST:
        return text
    found = searcher.search(text.query, SETTLE_AT_MOST + 1, count=False, order_by_field="id")
    if len(found.hits) > SETTLE_AT_MOST:
        return text
    ids = searcher.fast_field_values("id", [address for _, address in found.hits])
    return _Text(_one_of("id", ids) if ids else Query.empty_query(), False, len(ids))


# ---------------------------------------------------------------------------------------------
# A whole search
# ---------------------------------------------------------------------------------------------


@dataclass
class CompiledSearch:
    """A validated search's filters as index queries, one per query-string parameter."""

    parts: dict[str, Query]
    now: int  # microseconds; what "visible" and "posted within" were measured against
    # The parts that are unions, written for a query something sparse leads (the fixed
    # sample, or a much rarer filter: _any_looked_up): the same postings, found faster
    # there and slower elsewhere.
    looked_up: dict[str, Query] = field(default_factory=dict)
    # At most how many postings each part matches, where the index's term statistics say.
    bounds: dict[str, int] = field(default_factory=dict)

    def query(
        self, *, without: tuple[str, ...] = (), also: list[Query] = (), sampled: bool = False
    ) -> Query:
        """Visible postings meeting every filter but those named in `without`; sampled:
        those of the fixed sample only."""
        visible = Query.range_query(
            SCHEMA, "expires", tantivy.FieldType.Integer, self.now, None, include_lower=False
        )
        kept = {name: part for name, part in self.parts.items() if name not in without}
        for name in kept.keys() & self.looked_up.keys():
            if sampled or self._led(name, kept):
                kept[name] = self.looked_up[name]
        sample = [term_query_sample()] if sampled else []
        return _all([visible, *kept.values(), *also, *sample])

    def _led(self, union: str, kept: dict[str, Query]) -> bool:
        """Whether another part is so much sparser than the union `union` that looking the
        union's parts up at its postings beats reading them all (LEAD_RATIO)."""
        leader = min(
            (self.bounds[n] for n in kept if n != union and n in self.bounds), default=None
        )
        size = self.bounds.get(union)
        return leader is not None and size is not None and leader * LEAD_RATIO <= size


def compile_search(
    parsed: ParsedSearch, *, tree_key: str = "", searcher: tantivy.Searcher | None = None
) -> CompiledSearch:
    """The filters of a validated search (postings.filters.PostingFilter's, parameter by
    parameter) as index queries, for a generation written with the skill tree `tree_key`
    (and, given its `searcher`, a rare phrase read once: _settled)."""
    tree = tree_key == SkillTree.current(parsed.skills).key
    cleaned = parsed.filter.form.cleaned_data
    now = timezone.now()
    parts: dict[str, Query] = {}
    looked_up: dict[str, Query] = {}
    text = (cleaned.get("q") or "").strip()
    bounds: dict[str, int | None] = {}
    if text:
        found = _text(text, parsed, tree, searcher)
        if searcher is not None:
            found = _settled(searcher, found)
        parts["q"], bounds["q"] = found.query, found.bound
    if cleaned.get("skills"):
        skills = [_skill(parsed, slug, tree) for slug in cleaned["skills"]]
        every = cleaned.get("match") == "all"
        if every:
            parts["skills"] = _all(skills)
        else:
            parts["skills"] = _any(skills)
            looked_up["skills"] = _any_looked_up(skills)
        if searcher is not None:
            each = [_skill_bound(searcher, parsed, slug, tree) for slug in cleaned["skills"]]
            bounds["skills"] = min(each) if every else sum(each)
    for name in TEXT_FACETS:
        if cleaned.get(name):
            parts[name], form = _facet(name, cleaned[name])
            if form is not None:
                looked_up[name] = form
            bounds[name] = _doc_freqs(
                searcher, name, cleaned[name]
            )  # one value each: their sum is exact
    if cleaned.get("country"):
        parts["country"] = _term("open_to", cleaned["country"])
        bounds["country"] = _doc_freqs(searcher, "open_to", [cleaned["country"]])
    location = (cleaned.get("location") or "").strip()
    if location:
        parts["location"] = _city(location)
        if len(location) < _SHORTEST_CITY_PART:
            bounds["location"] = _doc_freqs(searcher, "city", [location.upper()])
    if cleaned.get("visa"):
        parts["visa"] = _term("visa", 1)
        bounds["visa"] = _doc_freqs(searcher, "visa", [1])
    if cleaned.get("posted_within"):
        since = now - timedelta(days=cleaned["posted_within"])
        parts["posted_within"] = _at_least("published", micros(since))
    if cleaned.get("company"):
        company = Company.objects.filter(slug=cleaned["company"]).values_list("id", flat=True)
        company = list(company[:1])
        parts["company"] = _one_of("company", company)
        bounds["company"] = _doc_freqs(searcher, "company", company)
    if cleaned.get("salary_min") is not None:
        parts["salary_min"] = _at_least("pay", math.ceil(cleaned["salary_min"]))
    known = {name: bound for name, bound in bounds.items() if bound is not None}
    return CompiledSearch(parts, micros(now), looked_up, known)


def _city(value: str) -> Query:
    """`city iexact` for a short name, `city icontains` for a longer one."""
    upper = value.upper()
    if len(value) < _SHORTEST_CITY_PART:
        return _term("city", upper)
    escaped = "".join(f"\\{c}" if c in _REGEX_SPECIAL else c for c in upper)
    return Query.regex_query(SCHEMA, "city", f".*{escaped}.*")


# ---------------------------------------------------------------------------------------------
# Answers
# ---------------------------------------------------------------------------------------------


def count(searcher: tantivy.Searcher, query: Query) -> int:
    """How many postings match: by aggregation, which scores nothing (a search's count
    ranks every match by relevance on the way, which costs several times more)."""
    return tallied(searcher, query, []).total


@dataclass
class Tally:
    total: int
    terms: dict[str, dict]  # field -> value -> matches
    since: dict[str, int]  # name -> matches published at or after its time


def tallied(
    searcher: tantivy.Searcher,
    query: Query,
    names: list[str],
    since: dict[str, int] | None = None,
    *,
    size: int = 100,
) -> Tally:
    """In one pass over the matches: how many there are, how many have each value of each
    field in `names` (up to `size` values, every one for the page's fields), and how many
    were published at or after each of `since` (name: microseconds).

    The publication times are counted in disjoint bands between consecutive times (the
    aggregation allows no overlap), then summed from the newest band down."""
    spec: dict = {"n": {"value_count": {"field": "id"}}}
    for name in names:
        spec[name] = {"terms": {"field": name, "size": size, "segment_size": size * 4}}
    order = sorted(since or {}, key=(since or {}).get, reverse=True)  # the latest first
    if order:
        ranges, upper = [], None
        for name in order:
            band = {"key": name, "from": float(since[name])}
            if upper is not None:
                band["to"] = float(upper)
            ranges.append(band)
            upper = since[name]
        spec["since"] = {"range": {"field": "published", "ranges": ranges}}
    found = searcher.aggregate(query, spec)
    terms = {
        name: {bucket["key"]: bucket["doc_count"] for bucket in found[name]["buckets"]}
        for name in names
    }
    counts: dict[str, int] = {}
    if order:
        buckets = found["since"]["buckets"]
        pairs = buckets.items() if isinstance(buckets, dict) else ((b["key"], b) for b in buckets)
        bands = {key: bucket["doc_count"] for key, bucket in pairs}
        total = 0
        for name in order:
            total += bands.get(name, 0)
            counts[name] = total
    return Tally(int(found["n"]["value"] or 0), terms, counts)


# The sort keys with terms in the index (pay_order has none; it is unique, so never tied).
_INDEXED_KEYS = {"published"}


def ordered_ids(
    searcher: tantivy.Searcher,
    query: Query,
    key: str,
    offset: int,
    limit: int,
    *,
    descending: bool = True,
) -> list[int]:
    """Ids of the matches ranked offset .. offset + limit - 1 by `key` then id, both
    descending (the page's `-published_at, -id` and the pay order) or both ascending.

    The index orders equal keys arbitrarily, so a run of equal keys that crosses the
    window's edge is read whole and placed by id (pay_order is unique: only dates tie).
    """
    start = max(0, offset - 1)
    order = tantivy.Order.Desc if descending else tantivy.Order.Asc
    hits = searcher.search(
        query, limit + 1 + offset - start, offset=start, count=False,
        order_by_field=key, order=order,
    ).hits  # fmt: skip
    if not hits:
        return []
    keys = [value for value, _ in hits]
    ids = searcher.fast_field_values("id", [address for _, address in hits])
    ranked = {start + i: (keys[i], ids[i]) for i in range(len(hits))}
    edges = set()
    for inside, outside in ((offset, offset - 1), (offset + limit - 1, offset + limit)):
        if inside in ranked and outside in ranked and ranked[inside][0] == ranked[outside][0]:
            edges.add(ranked[inside][0])
    for value in edges:
        # The run's place: every match ordered before it is among the hits read, unless
        # the run begins the hits and they do not begin at the first match; only then is
        # counting them needed (a pass over all the matches, 2-8 ms for a broad search).
        first = keys.index(value)
        if first > 0 or start == 0:
            before = start + first
        else:
            beyond = (
                _at_least(key, value + 1)
                if descending
                else Query.range_query(SCHEMA, key, tantivy.FieldType.Integer, None, value - 1)
            )
            before = count(searcher, _all([query, beyond]))
        # The run itself: one term where the key is indexed (0.1 ms, where a range read the
        # key's column for every posting, 2-3 ms).
        exact = (
            _term(key, value)
            if key in _INDEXED_KEYS
            else Query.range_query(SCHEMA, key, tantivy.FieldType.Integer, value, value)
        )
        found = searcher.search(_all([query, exact]), 10_000, count=False, order_by_field="id").hits
        group = sorted(searcher.fast_field_values("id", [a for _, a in found]), reverse=descending)
        for i, pk in enumerate(group):
            ranked[before + i] = (value, pk)
    window = [ranked[r] for r in range(offset, offset + limit) if r in ranked]
    window.sort(reverse=descending)
    return [pk for _, pk in window]


def without_pay(query: Query) -> Query:
    return _but_not(query, Query.exists_query("pay"))


def all_of(parts: list[Query]) -> Query:
    return _all(parts)


# A date range holding at most this many postings is read from the index's terms.
INVERTED_RANGE_AT_MOST = 20_000


def bounded_ids(
    searcher: tantivy.Searcher,
    query: Query,
    key: str,
    offset: int,
    limit: int,
    *,
    sampled: int | None = None,
) -> list[int]:
    """ordered_ids (descending), reading only the matches a sampled key value bounds.

    Ordering visits every match, which for a broad search is hundreds of thousands. The
    fixed sample gives a value of the key that the ranks asked for very probably all reach
    (postings.models.sample_rank); when the range beyond it holds too few, every match is
    ordered after all. `sampled`: the matches in the sample, when already counted.
    """
    rank = posting_models.sample_rank(offset + limit)
    sample = _all([query, term_query_sample()])
    if sampled is None or sampled >= rank:
        # The sampled match at that rank, and how many there are, in one pass.
        found = searcher.search(
            sample, rank, count=True, order_by_field=key, order=tantivy.Order.Desc
        )
        sampled = found.count
    if sampled >= rank:
        cutoff = found.hits[rank - 1][0]
        # How many postings, matching or not, are that new: few for a broad search, and
        # then read from the date's terms the range leads the intersection; many for a
        # narrow one, where a column scan checked per match is cheaper than reading them.
        postings_beyond = rank * searcher.num_docs / sampled
        beyond = Query.range_query(
            SCHEMA, key, tantivy.FieldType.Integer, cutoff, None,
            use_inverted_index=key == "published" and postings_beyond <= INVERTED_RANGE_AT_MOST,
        )  # fmt: skip
        ids = ordered_ids(searcher, _all([query, beyond]), key, offset, limit)
        if len(ids) == limit:
            return ids
    return ordered_ids(searcher, query, key, offset, limit)


def term_query_sample() -> Query:
    """The fixed 1% sample (postings.models.SAMPLE_EVERY) the page's estimates come from."""
    return _term("sample", 1)


def published_before(at: int) -> Query:
    return Query.range_query(SCHEMA, "published", tantivy.FieldType.Integer, None, at - 1)


def published_after(at: int) -> Query:
    return _at_least("published", at + 1)


def ids_at_most(searcher: tantivy.Searcher, query: Query, at_most: int) -> list[int] | None:
    """The ids of every match when there are at most `at_most`, else None. The fixed
    sample says first, in a millisecond, whether there are surely far more."""
    sampled = count(searcher, _all([query, term_query_sample()]))
    if sampled * posting_models.SAMPLE_EVERY > 2 * at_most:
        return None
    ids = ids_of(searcher, query, at_most + 1)
    return ids if len(ids) <= at_most else None


def ids_of(searcher: tantivy.Searcher, query: Query, limit: int) -> list[int]:
    """The ids of up to `limit` matches (in no particular order).

    Ordered by id, each hit's key is its id: reading the id column again for each hit cost
    as much again (23 ms for the 320,000 roles of two role filters at a million)."""
    hits = searcher.search(query, limit, count=False, order_by_field="id").hits
    return [pk for pk, _ in hits]


def with_ids(query: Query, ids: list[int]) -> Query:
    """The matches of `query` among these postings."""
    return _all([query, _one_of("id", ids)])

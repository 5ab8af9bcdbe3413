"""E-mail alerts for saved searches: which new roles each alert mails, and the mails.

How a run works (postings.seekers.tasks runs them: instant alerts every 20 seconds, daily
and weekly digests as they fall due, in chunks, two workers side by side):

1. **Claim.** One conditional UPDATE takes the due alerts of a chunk that nobody holds
   (`claimed_until` empty or past), so two workers never compute the same digest.
2. **The window.** The roles published since the oldest alert's mark (minus OVERLAP) that
   are visible now, read once for the chunk: their facet columns and skills, as sets of the
   window's rows (ints used as bitmaps; the rows in publication order, so the newest roles
   of a set are its highest bits).
3. **Text.** The texts of the chunk's alerts are split into the pieces the search page's
   text rule (postings.filters.text_condition) ANDs together: plain words, skill words, or
   a whole text written with operators. One query turns the pieces into lexemes, one more
   reads which window roles hold each lexeme; a phrase or an operator text is PostgreSQL's
   own match over the window. So a chunk costs two queries for any number of texts, not a
   full-text query per text (at a million postings, 10,000 alerts took 158 s that way and
   take 11 s this way, with the same 8,699 mails listing the same 50,284,234 roles).
4. **Match.** For each alert, ANDs and ORs of those sets: exactly the page's rules for every
   filter in _EXACT_PARAMS, held to the page's filter role by role by property tests
   (tests/seekers/test_alert_candidates.py). An alert with a filter the indexes do not hold
   (a city, "posted within", rare in alerts) has its candidates checked by the page's
   filter itself.
5. **Record.** In one transaction: an AlertMail with the roles, an AlertSentPosting per
   role (a unique constraint: a role is never mailed twice by one alert, even if it closes
   and reopens), the alert's mark moved to the run's time, its next due time, the claim
   released, and the mail's send task written to the outbox.

Why this direction (each alert against the new roles, not each new role against a reverse
index of alerts): the roles new in a day are few (thousands) next to the alerts (a hundred
thousand), so one pass over a day's roles builds indexes every alert can be checked against
in microseconds, and the text keeps PostgreSQL's own reading of words (stemming, stop
words, phrases) instead of a second one that could drift from the page's.

The mark is a publication time. A role committed a little after a run read the window, but
stamped before the run's time, is caught by the next run, whose window starts OVERLAP
before the mark; the sent-role records keep the overlap from mailing anything twice.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import io
import itertools
import operator
import re
import smtplib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, transaction
from django.db.models import F, Min, Q
from django.http import QueryDict
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from postings.filters import PostingFilter, companies_named, skill_words, uses_operators
from postings.mail import build, site_domain, site_url
from postings.models import (
    DIGEST_EVERY,
    AlertMail,
    AlertSentPosting,
    Frequency,
    Posting,
    SavedSearch,
    SyncMark,
    Workplace,
    remote_codes_for,
)
from postings.queueing import enqueue_many_on_commit
from postings.seekers.services import unsubscribe_token
from skills.services import SkillIndex, skill_index

OVERLAP = timedelta(minutes=10)
CLAIM_FOR = timedelta(minutes=15)
# Alerts one worker takes at a time. Each chunk reads the window and matches each distinct
# text once, so fewer chunks cost less; but a chunk must end well inside the task time limit
# (CELERY_TASK_SOFT_TIME_LIMIT, 9 minutes): at a million postings on a loaded 2-core machine
# two chunks of 50,000 were cut off there, and their rest waited for the claims to lapse.
CHUNK = 10_000
# An alert mail not sent this long after its digest lost its task: the sweep sends it.
RESEND_AFTER = timedelta(minutes=15)
# Mails one send task sends, one after another (each in its own transaction).
MAILS_PER_TASK = 200
# At most this many roles are listed in one mail; the mail links to the search for the rest.
MAIL_ROLES = 50

_FACETS = {"level": "seniority", "role": "role_family", "workplace": "workplace",
           "type": "employment_type"}  # fmt: skip


# ---------------------------------------------------------------------------------------------
# The window of new roles, indexed in memory
# ---------------------------------------------------------------------------------------------


def _bits(positions: Iterable[int], size: int) -> int:
    """A set of window rows as an int: bit i set for row i."""
    buffer = bytearray((size + 7) // 8)
    for position in positions:
        buffer[position >> 3] |= 1 << (position & 7)
    return int.from_bytes(buffer, "little")


def _positions(bits: int) -> Iterable[int]:
    """The rows of a set, highest (newest) first."""
    while bits:
        top = bits.bit_length()
        # A slab of the highest bits at a time: shifting and clearing a small int is cheap,
        # a window-wide one costs a copy of the whole set.
        shift = max(0, top - 256)
        slab = bits >> shift
        while slab:
            bit = slab.bit_length() - 1
            yield shift + bit
            slab ^= 1 << bit
        bits &= (1 << shift) - 1


# A tsquery that is only lexemes joined by AND (what websearch makes of plain words): it
# matches a document exactly when the document has every one of the lexemes.
_LEXEMES_ONLY = re.compile(r"'[^'\\]+'(?: & '[^'\\]+')*")


@dataclass
class Window:
    """The roles published in (start, end] and visible at `end`, indexed in memory.

    A set of the window's roles is an int used as a bitmap: bit i for `ids[i]`, the rows in
    publication order (oldest first), so the newest of a set are its highest bits, and an
    AND of two sets of thirty thousand roles is one C loop over 4 KB."""

    start: datetime
    end: datetime
    ids: list[int] = field(default_factory=list)
    published: list[datetime] = field(default_factory=list)
    by_facet: dict[str, dict[str, int]] = field(default_factory=dict)
    by_skill: dict[int, int] = field(default_factory=dict)
    visa: int = 0
    by_company_slug: dict[str, int] = field(default_factory=dict)
    by_company_id: dict[int, int] = field(default_factory=dict)
    # Per row: (country, remote regions) for the country filter; the annual USD pay ceiling.
    place: list[tuple[str, list[str]]] = field(default_factory=list)
    pay: list[int | None] = field(default_factory=list)
    # Sets computed once per run for a value many alerts share (a country, a pay floor, a
    # text, a publication floor), and the documents' words (lexeme -> set).
    _memo: dict[tuple, int] = field(default_factory=dict)

    @functools.cached_property
    def all(self) -> int:
        return (1 << len(self.ids)) - 1

    @functools.cached_property
    def position(self) -> dict[int, int]:
        return {pk: n for n, pk in enumerate(self.ids)}

    def ids_of(self, bits: int) -> list[int]:
        """The posting ids in a set, newest first."""
        return [self.ids[n] for n in _positions(bits)]

    def bits_of(self, posting_ids: Iterable[int]) -> int:
        position = self.position
        return _bits((position[pk] for pk in posting_ids if pk in position), len(self.ids))

    def newest(self, bits: int, count: int) -> list[int]:
        return [self.ids[n] for n in itertools.islice(_positions(bits), count)]

    def since(self, moment: datetime) -> int:
        """The roles published after `moment`: the rows from the first one after it."""
        first = bisect.bisect_right(self.published, moment)
        return (self.all >> first) << first

    def in_country(self, code: str) -> int:
        """postings.filters' country rule: on-site or hybrid roles in the country, and
        remote roles open to people living there (postings.models.remote_codes_for)."""
        key = ("country", code)
        if key not in self._memo:
            remote, size = set(remote_codes_for(code)), len(self.ids)
            located = _bits((n for n, (c, _) in enumerate(self.place) if c == code), size)
            open_to = _bits(
                (n for n, (_, regions) in enumerate(self.place) if remote.intersection(regions)),
                size,
            )
            remote_rows = self.by_facet["workplace"].get(Workplace.REMOTE, 0)
            self._memo[key] = (located & ~remote_rows) | (open_to & remote_rows)
        return self._memo[key]

    def paying_at_least(self, floor: int) -> int:
        key = ("pay", floor)
        if key not in self._memo:
            self._memo[key] = _bits(
                (n for n, pay in enumerate(self.pay) if pay is not None and pay >= floor),
                len(self.ids),
            )
        return self._memo[key]

    def with_skills(self, skill_ids: Iterable[int]) -> int:
        bits = 0
        for skill in skill_ids:
            bits |= self.by_skill.get(skill, 0)
        return bits

    # -- Text: the search page's text rule (postings.filters.text_condition) ---------------

    def learn_texts(self, texts: Iterable[str], skills: SkillIndex) -> None:
        """Make text_matches() of these texts cheap: the words of all of them resolved to
        lexemes in one query, and the window's documents read for those lexemes in one
        more, instead of a full-text query per text."""
        atoms = {
            atom
            for text in texts
            if ("text", text) not in self._memo
            for atom in _atoms(text, skills)
            if ("atom", atom) not in self._memo
        }
        if not atoms:
            return
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT atom, websearch_to_tsquery('english', atom)::text "
                "FROM unnest(%s::text[]) AS atom",
                [sorted(atoms)],
            )
            parsed = dict(cursor.fetchall())
        wanted: dict[str, list[str]] = {}
        for atom, query in parsed.items():
            if not query:
                self._memo[("atom", atom)] = _NO_WORDS
            elif _LEXEMES_ONLY.fullmatch(query):
                wanted[atom] = [part.strip("'") for part in query.split(" & ")]
            else:  # a phrase ("real-time"): PostgreSQL's own match, over the window
                self._memo[("atom", atom)] = self._tsquery_matches(atom)
        lexemes = sorted({lexeme for parts in wanted.values() for lexeme in parts})
        found: dict[str, int] = {}
        if lexemes:
            table, column = Posting._meta.db_table, Posting._meta.get_field("search_vector").column
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT word.lexeme, array_agg(p.id) FROM {table} p "
                    f"CROSS JOIN LATERAL unnest(p.{column}) AS word "
                    "WHERE p.id = ANY(%s) AND word.lexeme = ANY(%s) GROUP BY word.lexeme",
                    [self.ids, lexemes],
                )
                found = {lexeme: self.bits_of(ids) for lexeme, ids in cursor.fetchall()}
        for atom, parts in wanted.items():
            bits = self.all
            for lexeme in parts:
                bits &= found.get(lexeme, 0)
            self._memo[("atom", atom)] = bits

    def _tsquery_matches(self, text: str) -> int:
        table, column = Posting._meta.db_table, Posting._meta.get_field("search_vector").column
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id FROM {table} WHERE id = ANY(%s) "
                f"AND {column} @@ websearch_to_tsquery('english', %s)",
                [self.ids, text],
            )
            return self.bits_of(row[0] for row in cursor.fetchall())

    def _words(self, text: str) -> int:
        """What `search_vector @@ websearch_to_tsquery(text)` matches in the window."""
        if uses_operators(text):
            found = self._memo[("atom", text)]
            return 0 if found == _NO_WORDS else found  # "or" alone: an empty query
        bits, any_words = self.all, False
        for word in text.split():
            found = self._memo[("atom", word)]
            if found != _NO_WORDS:  # a stop word: PostgreSQL drops it from the query
                bits &= found
                any_words = True
        # Nothing but stop words: PostgreSQL's empty query matches nothing.
        return bits if any_words else 0

    def text_matches(self, text: str, skills: SkillIndex) -> int:
        """The window's roles the search page's text rule matches (learn_texts first)."""
        key = ("text", text)
        if key not in self._memo:
            self.learn_texts([text], skills)
            found, rest = skill_words(text, skills)
            if not found:
                bits = self._words(text)
            else:
                bits = self._words(rest) if rest else self.all
                for word in found:
                    bits &= self._words(word.text) | self.with_skills(
                        skills.with_descendants(word.skill.slug)
                    )
            for company in companies_named(text):
                bits |= self.by_company_id.get(company, 0)
            self._memo[key] = bits
        return self._memo[key]


# A word with no lexemes (a stop word), told apart from a word that matches nothing.
_NO_WORDS = -1


def _atoms(text: str, skills: SkillIndex) -> set[str]:
    """The pieces text_condition searches separately: a text with operators as a whole,
    otherwise each word (a query of plain words is the AND of the words' queries)."""
    if uses_operators(text):
        return {text}
    found, rest = skill_words(text, skills)
    return {*rest.split(), *(part for word in found for part in word.text.split())}


def window_read(*, start: datetime, end: datetime) -> Window:
    window = Window(start=start, end=end)
    rows = (
        Posting.objects.visible(end)
        .filter(published_at__gt=start, published_at__lte=end)
        .order_by("published_at", "id")
        .values_list(
            "id",
            "published_at",
            *_FACETS.values(),
            "visa_sponsorship",
            "skill_ids",
            "company_id",
            "company__slug",
            "country",
            "remote_regions",
            "pay_max_usd",
        )
    )
    by_facet: dict[str, dict[str, list[int]]] = {c: defaultdict(list) for c in _FACETS.values()}
    by_skill, by_company_id, visa = defaultdict(list), defaultdict(list), []
    slugs: dict[int, str] = {}
    for n, (pk, published, *facets, has_visa, skill_ids, company, slug, country, regions,
            pay) in enumerate(rows):  # fmt: skip
        window.ids.append(pk)
        window.published.append(published)
        window.place.append((country, regions or []))
        window.pay.append(pay)
        by_company_id[company].append(n)
        slugs[company] = slug
        for column, value in zip(_FACETS.values(), facets, strict=True):
            by_facet[column][value].append(n)
        if has_visa:
            visa.append(n)
        for skill in skill_ids:
            by_skill[skill].append(n)
    size = len(window.ids)
    window.by_facet = {
        column: {value: _bits(rows, size) for value, rows in values.items()}
        for column, values in by_facet.items()
    }
    window.by_skill = {skill: _bits(rows, size) for skill, rows in by_skill.items()}
    window.by_company_id = {company: _bits(rows, size) for company, rows in by_company_id.items()}
    window.by_company_slug = {slugs[c]: bits for c, bits in window.by_company_id.items()}
    window.visa = _bits(visa, size)
    return window


# ---------------------------------------------------------------------------------------------
# Candidates: a superset of the matches, from the indexes
# ---------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=200_000)
def _parse(query: str) -> QueryDict:
    """A saved query: canonical already, as the search page validated it when it was saved
    (postings.seekers.services.search_canonical). Kept per worker process, immutable."""
    return QueryDict(query)


# Filters the in-memory indexes apply exactly as postings.filters does (the same columns and
# rules; tests/seekers/test_alert_candidates.py holds them to it, value by value); the text is
# the page's own filter, once per distinct text. A city or a "posted within" (rare in
# alerts) sends the whole search through the page's filter.
_EXACT_PARAMS = frozenset({*_FACETS, "visa", "skills", "match", "country", "company",
                           "salary_min", "q", "sort"})  # fmt: skip


def candidates(params: QueryDict, window: Window, skills: SkillIndex) -> int:
    """The window's roles this search matches: exactly, for every filter in _EXACT_PARAMS;
    a superset when it has others (a city, "posted within"), which the page's filter then
    checks."""
    found = window.all
    for param, column in _FACETS.items():
        values = params.getlist(param)
        if values:
            rows = window.by_facet[column]
            found &= functools.reduce(operator.or_, (rows.get(v, 0) for v in values), 0)
    if params.get("visa"):
        found &= window.visa
    slugs = [s for s in params.getlist("skills") if s in skills.by_slug]
    if slugs:
        groups = [window.with_skills(skills.with_descendants(s)) for s in slugs]
        combine = operator.and_ if params.get("match") == "all" else operator.or_
        found &= functools.reduce(combine, groups)
    if params.get("country"):
        found &= window.in_country(params["country"])
    if params.get("company"):
        found &= window.by_company_slug.get(params["company"], 0)
    if params.get("salary_min"):
        found &= window.paying_at_least(int(Decimal(params["salary_min"])))
    text = params.get("q", "").strip()
    if text and found:
        found &= window.text_matches(text, skills)
    return found


# ---------------------------------------------------------------------------------------------
# A run
# ---------------------------------------------------------------------------------------------


@dataclass
class RunResult:
    claimed: int = 0
    mails: int = 0
    roles: int = 0
    exact_queries: int = 0


def due_alert_ids(*, frequencies: list[str], now: datetime) -> list[int]:
    return list(
        SavedSearch.objects.mailing()
        .filter(frequency__in=frequencies, due_at__lte=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("due_at", "id")
        .values_list("id", flat=True)
    )


def _claim(ids: list[int], now: datetime) -> list[int]:
    """Take the alerts nobody holds, in one conditional UPDATE; return the ones taken."""
    table = SavedSearch._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET claimed_until = %s WHERE id = ANY(%s) AND due_at <= %s "
            "AND (claimed_until IS NULL OR claimed_until < %s) RETURNING id",
            [now + CLAIM_FOR, list(ids), now, now],
        )
        return [row[0] for row in cursor.fetchall()]


# Alerts computed and recorded together: bounds a run's memory and its transactions.
BATCH = 500


@dataclass
class Found:
    """An alert's new roles: the newest MAIL_ROLES, and how many more there are."""

    shown: list[int]
    more: int


def _matches(
    searches: list[SavedSearch],
    floors: dict[int, datetime],
    window: Window,
    now: datetime,
    result: RunResult,
) -> dict[int, Found]:
    """For each search, the roles to mail: published after its floor (minus OVERLAP),
    visible now, matching exactly, not mailed by it before; newest first."""
    skills = skill_index()
    parsed = {s.query: _parse(s.query) for s in searches}
    wanted: dict[int, int] = {}
    by_query: dict[str, int] = defaultdict(int)
    for search in searches:
        params = parsed[search.query]
        found = candidates(params, window, skills)
        if found:
            found &= window.since(floors[search.id] - OVERLAP)
        if not found:
            continue
        if not set(params) <= _EXACT_PARAMS:
            by_query[search.query] |= found
        wanted[search.id] = found
    if not wanted:
        return {}
    # Where the indexes cannot answer a filter, the page's whole filter over the candidates.
    exact_query = {
        query: window.bits_of(_exact(parsed[query], window.ids_of(bits), now, skills, result))
        for query, bits in by_query.items()
    }
    sent = _sent(list(wanted), window)
    matches = {}
    for search in searches:
        found = wanted.get(search.id)
        if not found:
            continue
        if search.query in exact_query:
            found &= exact_query[search.query]
        found &= ~sent.get(search.id, 0)
        if found:
            more = max(0, found.bit_count() - MAIL_ROLES)
            matches[search.id] = Found(window.newest(found, MAIL_ROLES), more)
    return matches


def _sent(search_ids: list[int], window: Window) -> dict[int, int]:
    """The window's roles each of these alerts has mailed before."""
    rows: dict[int, list[int]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT saved_search_id, posting_id FROM {AlertSentPosting._meta.db_table} "
            "WHERE saved_search_id = ANY(%s) AND posting_id = ANY(%s)",
            [search_ids, window.ids],
        )
        for search_id, posting_id in cursor.fetchall():
            rows[search_id].append(posting_id)
    return {search_id: window.bits_of(ids) for search_id, ids in rows.items()}


def _learn_texts(window: Window, queries: Iterable[str]) -> None:
    """The texts of all the run's alerts, learnt by the window at once (two queries), before
    the run's batches look them up."""
    texts = {_parse(query).get("q", "").strip() for query in queries} - {""}
    window.learn_texts(texts, skill_index())


def _exact(
    params: QueryDict, ids: list[int], now: datetime, skills: SkillIndex, result: RunResult
) -> list[int]:
    restricted = PostingFilter(
        params, queryset=Posting.objects.visible(now).with_ids(sorted(ids)), skills=skills
    )
    result.exact_queries += 1
    return list(restricted.qs.values_list("id", flat=True))


def _batches(items: list, size: int = BATCH) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def alerts_run(*, ids: list[int], now: datetime | None = None) -> RunResult:
    """Compute and record the digests of these daily or weekly alerts (those still due and
    not held by another worker)."""
    now = now or timezone.now()
    result = RunResult()
    claimed = _claim(ids, now)
    result.claimed = len(claimed)
    if not claimed:
        return result
    searches = list(SavedSearch.objects.filter(id__in=claimed))
    window = window_read(start=min(s.mark for s in searches) - OVERLAP, end=now)
    _learn_texts(window, (s.query for s in searches))
    for batch in _batches(searches):
        matches = _matches(batch, {s.id: s.mark for s in batch}, window, now, result)
        with transaction.atomic():
            mails, roles = _record_mails(matches, now)
            result.mails += mails
            result.roles += roles
            for frequency, every in DIGEST_EVERY.items():
                ids_of = [s.id for s in batch if s.frequency == frequency]
                if not ids_of:
                    continue
                # Due one period after it was due, not after it ran, so a late run does not
                # push later digests later; never due in the past: one digest, no backlog.
                SavedSearch.objects.filter(id__in=ids_of).update(
                    mark=now, due_at=F("due_at") + every, claimed_until=None
                )
                SavedSearch.objects.filter(id__in=ids_of, due_at__lte=now).update(
                    due_at=now + every
                )
            # Any switched to another frequency meanwhile: released, to run as that.
            SavedSearch.objects.filter(
                id__in=[s.id for s in batch], claimed_until__isnull=False
            ).update(claimed_until=None)
    return result


def instant_alerts_run(*, now: datetime | None = None) -> RunResult:
    """Mail every instant alert the roles published since the last run. One run at a time:
    a run holds the lock of its mark's row and moves the mark in the transaction that
    records its mails, so a run that dies records nothing and the next run does its work."""
    now = now or timezone.now()
    result = RunResult()
    with transaction.atomic():
        SyncMark.objects.get_or_create(
            name=SyncMark.Name.INSTANT_ALERTS, defaults={"mark": now.isoformat()}
        )
        mark = (
            SyncMark.objects.select_for_update(skip_locked=True)
            .filter(name=SyncMark.Name.INSTANT_ALERTS)
            .first()
        )
        if mark is None:
            return result  # another run holds it
        previous = datetime.fromisoformat(mark.mark)
        searches = SavedSearch.objects.mailing().filter(frequency=Frequency.INSTANT)
        floor = min(previous, searches.aggregate(m=Min("mark"))["m"] or previous)
        window = window_read(start=floor - OVERLAP, end=now)
        if window.ids:
            # Only the alerts that could see one of these roles: those made before them.
            _learn_texts(window, searches.values_list("query", flat=True).distinct())
            batch_ids = list(searches.values_list("id", flat=True))
            result.claimed = len(batch_ids)
            for ids in _batches(batch_ids, BATCH * 4):
                batch = list(SavedSearch.objects.filter(id__in=ids))
                floors = {s.id: max(s.mark, previous) for s in batch}
                matches = _matches(batch, floors, window, now, result)
                mails, roles = _record_mails(matches, now)
                result.mails += mails
                result.roles += roles
        SyncMark.objects.filter(name=SyncMark.Name.INSTANT_ALERTS).update(
            mark=now.isoformat(), updated_at=now
        )
    return result


def _record_mails(matches: dict[int, Found], now: datetime) -> tuple[int, int]:
    """An AlertMail per alert with roles, a sent-role record per role it lists (the unique
    constraint refuses a role mailed before), and the mails' send tasks in the outbox."""
    mails = AlertMail.objects.bulk_create(
        [
            AlertMail(saved_search_id=search_id, posting_ids=found.shown, more=found.more,
                      created_at=now)
            for search_id, found in matches.items()
        ],
        batch_size=1_000,
    )  # fmt: skip
    if mails:
        # COPY: a daily run records hundreds of thousands of these.
        lines = "".join(
            f"{m.saved_search_id}\t{pk}\t{m.pk}\n" for m in mails for pk in m.posting_ids
        )
        with connection.cursor() as cursor:
            cursor.connection.cursor().copy_expert(
                f"COPY {AlertSentPosting._meta.db_table} (saved_search_id, posting_id, mail_id) "
                "FROM STDIN",
                io.StringIO(lines),
            )
    # One send task per batch of mails: a daily run makes tens of thousands.
    ids = [m.pk for m in mails]
    enqueue_many_on_commit(
        "postings.seekers.tasks.send_alert_mails",
        [(ids[i : i + MAILS_PER_TASK],) for i in range(0, len(ids), MAILS_PER_TASK)],
    )
    return len(mails), sum(len(m.posting_ids) + m.more for m in mails)


def chunks_due(*, frequencies: list[str], now: datetime | None = None) -> list[list[int]]:
    """The due alerts in balanced chunks of at most CHUNK, and at least two for a large run,
    so two workers share it."""
    ids = due_alert_ids(frequencies=frequencies, now=now or timezone.now())
    parts = max(-(-len(ids) // CHUNK), 2 if len(ids) > 1_000 else 1)
    size = -(-len(ids) // parts) if ids else 0
    return [ids[i : i + size] for i in range(0, len(ids), size)] if ids else []


def oldest_unsent_mail_ids(*, older_than: timedelta, now: datetime | None = None) -> list[int]:
    cutoff = (now or timezone.now()) - older_than
    return list(
        AlertMail.objects.filter(sent_at__isnull=True, created_at__lt=cutoff)
        .order_by("created_at")
        .values_list("id", flat=True)[:1000]
    )


# ---------------------------------------------------------------------------------------------
# Sending an alert mail
# ---------------------------------------------------------------------------------------------

# After this many failed attempts in a row, an alert is paused and its owner told why.
MAX_FAILURES = 5


class AlertMailFailed(Exception):
    """A transient failure (the mail server busy or away): the task retries."""


def _text(value: bytes | str) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else value


def _hard_bounce(error: smtplib.SMTPException) -> str | None:
    """The reason, when the server refused the address for good (a 5xx answer)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        answers = list(error.recipients.values())
        if answers and all(code >= 500 for code, _ in answers):
            return f"{answers[0][0]} {_text(answers[0][1])}"
    if isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500:
        return f"{error.smtp_code} {_text(error.smtp_error)}"
    return None


@contextlib.contextmanager
def mail_connection() -> Iterator[BaseEmailBackend]:
    """One connection to the mail server for many mails (a new one per mail cost a daily run
    of 78,000 mails a TCP and SMTP handshake each). If the server cannot be reached now,
    each send tries again on its own and fails into its retries."""
    connection = get_connection()
    with contextlib.suppress(OSError, smtplib.SMTPException):
        connection.open()
    try:
        yield connection
    finally:
        # The mails are recorded as sent or not already: a failed QUIT loses nothing.
        with contextlib.suppress(OSError, smtplib.SMTPException):
            connection.close()


def alert_mails_send(
    *,
    mail_ids: list[int],
    transient: tuple[type[Exception], ...],
    retry_alone: Callable[[int], object],
) -> int:
    """Send these mails over one connection; one that fails for now (`transient`) is handed
    to `retry_alone` and the rest go on over a fresh connection. Returns how many went out."""
    sent, rendered = 0, {}
    with mail_connection() as connection:
        for mail_id in mail_ids:
            try:
                sent += alert_mail_send(mail_id=mail_id, connection=connection, rendered=rendered)
            except transient:
                with contextlib.suppress(*transient):
                    connection.close()  # perhaps broken: the next mail opens a new one
                retry_alone(mail_id)
    return sent


def alert_mail_send(
    *,
    mail_id: int,
    now: datetime | None = None,
    connection: BaseEmailBackend | None = None,
    rendered: dict[int, MailRole] | None = None,
) -> bool:
    """Send one alert mail, once. The mail's row stays locked while it is sent and `sent_at`
    is set in the same transaction, so a second run (a retry, the sweep) finds it sent. Roles
    that closed since the digest are left out; with none left, nothing is sent. A refused
    address pauses the alert at once; repeated failures pause it after MAX_FAILURES. Sent
    over `connection` when given (a batch shares one and `rendered`), else over a new one."""
    now = now or timezone.now()
    error: smtplib.SMTPException | None = None
    with transaction.atomic():
        row = (
            AlertMail.objects.select_for_update(of=("self",))
            .select_related("saved_search__user")
            .filter(pk=mail_id, sent_at__isnull=True)
            .first()
        )
        if row is None:
            return False
        search = row.saved_search
        if search.paused_at is not None or search.frequency == Frequency.NEVER:
            AlertMail.objects.filter(pk=row.pk).update(sent_at=now, last_error="alert stopped")
            return False
        roles = Posting.objects.visible(now).listed(row.posting_ids)
        left_out = set(row.posting_ids) - {p.pk for p in roles}
        try:
            if roles:
                message = alert_message(search=search, mail=row, roles=roles, rendered=rendered)
                message.connection = connection
                message.send()
        except smtplib.SMTPException as failure:
            error = failure
        else:
            if left_out:
                # Not mailed after all: if such a role reopens, it may still be mailed.
                AlertSentPosting.objects.filter(mail=row, posting_id__in=left_out).delete()
            AlertMail.objects.filter(pk=row.pk).update(
                sent_at=now, sent_posting_ids=[p.pk for p in roles]
            )
            if roles:
                SavedSearch.objects.filter(pk=search.pk).update(last_sent_at=now, failures=0)
            return bool(roles)
    return _failed(row, search, error, now)


def _failed(row: AlertMail, search: SavedSearch, error: smtplib.SMTPException, now) -> bool:
    """Record a failed send; pause the alert for a refused address or too many failures,
    otherwise raise, so the task tries again later."""
    reason = _hard_bounce(error)
    failures = search.failures + 1
    with transaction.atomic():
        AlertMail.objects.filter(pk=row.pk).update(
            attempts=F("attempts") + 1, last_error=repr(error)[:300]
        )
        SavedSearch.objects.filter(pk=search.pk).update(failures=failures)
        if reason is not None or failures >= MAX_FAILURES:
            why = (
                f"the mail server refused {search.recipient} ({reason})"
                if reason is not None
                else f"{failures} attempts to mail {search.recipient} failed ({error})"
            )
            SavedSearch.objects.filter(pk=search.pk).update(paused_at=now, pause_reason=why[:300])
            AlertMail.objects.filter(pk=row.pk).update(sent_at=now)
            return False
    raise AlertMailFailed(str(error)) from error


@dataclass(frozen=True)
class MailRole:
    """A role's lines in an alert, as text and as HTML."""

    text: str
    html: str


def _mail_role(posting: Posting, skills: SkillIndex) -> MailRole:
    context = {
        "posting": posting,
        "url": site_url(posting.get_absolute_url()),
        "skills": [ref.name for ref in skills.active_refs(posting.skill_ids)][:8],
    }
    html = render_to_string("emails/_alert_role.html", context)  # escaped by the template
    return MailRole(render_to_string("emails/_alert_role.txt", context), mark_safe(html))  # noqa: S308


def alert_message(
    *,
    search: SavedSearch,
    mail: AlertMail,
    roles: list[Posting],
    rendered: dict[int, MailRole] | None = None,
) -> EmailMultiAlternatives:
    """The alert: multipart text and HTML, each role with title, company, place, pay and
    skills, a link to the search and a one-click unsubscribe (RFC 8058 headers too).

    A role's lines are the same in every mail that lists it: `rendered` keeps them across
    the mails of one send task (the newest roles of a day are in most of its digests, and
    rendering them was most of a send's time)."""
    skills = skill_index()
    rendered = {} if rendered is None else rendered
    shown = []
    for posting in roles[:MAIL_ROLES]:
        if posting.pk not in rendered:
            rendered[posting.pk] = _mail_role(posting, skills)
        shown.append(rendered[posting.pk])
    unsubscribe = site_url(reverse("seekers:unsubscribe", args=[unsubscribe_token(search)]))
    context = {
        "search": search,
        "roles": shown,
        "more": mail.more,
        "count": len(roles) + mail.more,
        "search_url": site_url(f"{reverse('postings:list')}?{search.query}"),
        "manage_url": site_url(reverse("seekers:saved_searches")) if search.user_id else "",
        "unsubscribe_url": unsubscribe,
    }
    headers = {
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        # The same mail gets the same id: a client that sees it twice can drop the copy.
        "Message-ID": f"<alert-{mail.pk}@{site_domain()}>",
    }
    return build("alert", [search.recipient], context, html=True, headers=headers)

"""E-mail alerts for saved searches: which new roles each alert mails, and the mails.

How a run works (postings.seekers.tasks runs them: instant alerts every 20 seconds, daily
and weekly digests as they fall due, in chunks, two workers side by side):

1. **Claim.** One conditional UPDATE takes the due alerts of a chunk that nobody holds
   (`claimed_until` empty or past), so two workers never compute the same digest.
2. **The window.** The roles published since the oldest alert's mark (minus OVERLAP) that
   are visible now, read once for the chunk: their facet columns, skills and the words of
   their search documents, into small in-memory indexes.
3. **Candidates.** For each alert, the window's roles its filters match, as set
   intersections in memory: exact for the structured filters (level, role, workplace, type,
   visa, skills, country, company, pay floor), a superset for the text (the words as the
   documents' own lexemes). Most alerts (nothing new for them) cost no query at all.
4. **Exact text.** The text is matched by the search page's own filter (postings.filters),
   once per distinct text however many alerts share it, over just the candidate roles; an
   alert with a filter the indexes do not hold (a city, "posted within") runs the page's
   whole filter. The in-memory filters are a second reading of the page's rules, kept in
   line with them by property tests (tests/seekers/test_alert_candidates.py) rather than
   trusted: that is the price of checking a hundred thousand alerts in two minutes.
5. **Record.** In one transaction: an AlertMail with the roles, an AlertSentPosting per
   role (a unique constraint: a role is never mailed twice by one alert, even if it closes
   and reopens), the alert's mark moved to the run's time, its next due time, the claim
   released, and the mail's send task written to the outbox.

Why this direction (each alert against the new roles, not each new role against a reverse
index of alerts): the roles new in a day are few (thousands) next to the alerts (a hundred
thousand), so one pass over a day's roles builds indexes every alert can be checked against
in microseconds, and the text, the one filter whose rules are PostgreSQL's own (stemming,
phrases, skill words), is matched by the page's filter itself.

The mark is a publication time. A role committed a little after a run read the window, but
stamped before the run's time, is caught by the next run, whose window starts OVERLAP
before the mark; the sent-role records keep the overlap from mailing anything twice.
"""

from __future__ import annotations

import functools
import heapq
import io
import smtplib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from urllib.parse import urlencode

from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import F, Min, Q
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from postings.filters import PostingFilter
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


@dataclass
class Window:
    """The roles published in (start, end] and visible at `end`, indexed for prefiltering."""

    start: datetime
    end: datetime
    published: dict[int, datetime] = field(default_factory=dict)
    by_facet: dict[str, dict[str, set[int]]] = field(default_factory=dict)
    by_skill: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    visa: set[int] = field(default_factory=set)
    by_company_slug: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    # id -> (country, remote regions) for the country filter; id -> annual USD pay ceiling.
    place: dict[int, tuple[str, list[str]]] = field(default_factory=dict)
    pay: dict[int, int] = field(default_factory=dict)
    # Sets computed once per run for a value many alerts share (a country, a pay floor, a
    # text, a publication floor).
    _memo: dict[tuple, frozenset[int]] = field(default_factory=dict)

    @functools.cached_property
    def ids(self) -> frozenset[int]:
        return frozenset(self.published)

    def since(self, moment: datetime) -> frozenset[int]:
        key = ("since", moment)
        if key not in self._memo:
            self._memo[key] = frozenset(pk for pk, at in self.published.items() if at > moment)
        return self._memo[key]

    def text_matches(self, text: str, now: datetime, skills: SkillIndex) -> frozenset[int]:
        """The window's roles the search page's own text filter matches: once per text per
        run, however many alerts share it."""
        key = ("text", text)
        if key not in self._memo:
            in_window = Posting.objects.visible(now).filter(
                published_at__gt=self.start, published_at__lte=self.end
            )
            found = PostingFilter(
                QueryDict(urlencode({"q": text})), queryset=in_window, skills=skills
            )
            self._memo[key] = frozenset(found.qs.values_list("id", flat=True))
        return self._memo[key]

    def in_country(self, code: str) -> set[int]:
        """postings.filters' country rule: on-site or hybrid roles in the country, and
        remote roles open to people living there (postings.models.remote_codes_for)."""
        key = ("country", code)
        if key not in self._memo:
            remote = set(remote_codes_for(code))
            on_site = self.by_facet["workplace"]
            self._memo[key] = frozenset(
                pk for pk, (country, regions) in self.place.items()
                if (country == code and pk not in on_site.get(Workplace.REMOTE, ()))
                or (pk in on_site.get(Workplace.REMOTE, ()) and remote.intersection(regions))
            )  # fmt: skip
        return self._memo[key]

    def paying_at_least(self, floor: int) -> set[int]:
        key = ("pay", floor)
        if key not in self._memo:
            self._memo[key] = frozenset(pk for pk, pay in self.pay.items() if pay >= floor)
        return self._memo[key]


def window_read(*, start: datetime, end: datetime) -> Window:
    window = Window(start=start, end=end)
    window.by_facet = {column: defaultdict(set) for column in _FACETS.values()}
    rows = (
        Posting.objects.visible(end)
        .filter(published_at__gt=start, published_at__lte=end)
        .values_list(
            "id",
            "published_at",
            *_FACETS.values(),
            "visa_sponsorship",
            "skill_ids",
            "company__slug",
            "country",
            "remote_regions",
            "pay_max_usd",
        )
    )
    for pk, published, *facets, visa, skills, slug, country, regions, pay in rows:
        window.published[pk] = published
        window.by_company_slug[slug].add(pk)
        window.place[pk] = (country, regions or [])
        if pay is not None:
            window.pay[pk] = pay
        for column, value in zip(_FACETS.values(), facets, strict=True):
            window.by_facet[column][value].add(pk)
        if visa:
            window.visa.add(pk)
        for skill in skills:
            window.by_skill[skill].add(pk)
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


def candidates(params: QueryDict, window: Window, skills: SkillIndex, now: datetime) -> set[int]:
    """The window's roles this search matches: exactly, for every filter in _EXACT_PARAMS;
    a superset when it has others (a city, "posted within"), which the page's filter then
    checks."""
    found = window.ids
    for param, column in _FACETS.items():
        values = params.getlist(param)
        if values:
            found &= set().union(*(window.by_facet[column].get(v, set()) for v in values))
    if params.get("visa"):
        found &= window.visa
    slugs = [s for s in params.getlist("skills") if s in skills.by_slug]
    if slugs:
        groups = [
            set().union(*(window.by_skill.get(i, set()) for i in skills.with_descendants(s)))
            for s in slugs
        ]
        found &= set.intersection(*groups) if params.get("match") == "all" else set().union(*groups)
    if params.get("country"):
        found &= window.in_country(params["country"])
    if params.get("company"):
        found &= window.by_company_slug.get(params["company"], set())
    if params.get("salary_min"):
        found &= window.paying_at_least(int(Decimal(params["salary_min"])))
    text = params.get("q", "").strip()
    if text and found:
        found &= window.text_matches(text, now, skills)
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
    wanted: dict[int, set[int]] = {}
    by_query: dict[str, set[int]] = defaultdict(set)
    for search in searches:
        params = parsed[search.query]
        found = candidates(params, window, skills, now)
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
        query: _exact(parsed[query], ids, now, skills, result) for query, ids in by_query.items()
    }
    sent = defaultdict(set)
    for search_id, posting_id in AlertSentPosting.objects.filter(
        saved_search_id__in=list(wanted), posting_id__in=sorted(set().union(*wanted.values()))
    ).values_list("saved_search_id", "posting_id"):
        sent[search_id].add(posting_id)
    matches = {}
    for search in searches:
        found = wanted.get(search.id)
        if not found:
            continue
        if search.query in exact_query:
            found &= exact_query[search.query]
        found -= sent[search.id]
        if found:
            newest = heapq.nlargest(MAIL_ROLES, found, key=lambda pk: (window.published[pk], pk))
            matches[search.id] = Found(newest, max(0, len(found) - MAIL_ROLES))
    return matches


def _exact(
    params: QueryDict, ids: set[int], now: datetime, skills: SkillIndex, result: RunResult
) -> set[int]:
    restricted = PostingFilter(
        params, queryset=Posting.objects.visible(now).with_ids(sorted(ids)), skills=skills
    )
    result.exact_queries += 1
    return set(restricted.qs.values_list("id", flat=True))


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
        if window.published:
            # Only the alerts that could see one of these roles: those made before them.
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


def alert_mail_send(*, mail_id: int, now: datetime | None = None) -> bool:
    """Send one alert mail, once. The mail's row stays locked while it is sent and `sent_at`
    is set in the same transaction, so a second run (a retry, the sweep) finds it sent. Roles
    that closed since the digest are left out; with none left, nothing is sent. A refused
    address pauses the alert at once; repeated failures pause it after MAX_FAILURES."""
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
                alert_message(search=search, mail=row, roles=roles).send()
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
    posting: Posting
    url: str
    skills: list[str]


def alert_message(
    *, search: SavedSearch, mail: AlertMail, roles: list[Posting]
) -> EmailMultiAlternatives:
    """The alert: multipart text and HTML, each role with title, company, place, pay and
    skills, a link to the search and a one-click unsubscribe (RFC 8058 headers too)."""
    skills = skill_index()
    shown = [
        MailRole(p, site_url(p.get_absolute_url()),
                 [ref.name for ref in skills.active_refs(p.skill_ids)][:8])
        for p in roles[:MAIL_ROLES]
    ]  # fmt: skip
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

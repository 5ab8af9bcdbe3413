"""The search index (postings.engine) answers every search as PostgreSQL does.

The index is a copy: these tests hold its pages, counts and facet counts to a plain ORM
evaluation of the same filters (tests/postings/searching.py) and to the PostgreSQL-only
page, and check that it follows the postings' changes (the trigger-written change feed),
survives a failed sync, and gives way to PostgreSQL where it cannot answer exactly.
"""

from __future__ import annotations

import os
import threading
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from jobboard.search_queries import query_string, random_searches
from postings import search
from postings.engine import index as engine_index
from postings.engine import query as engine
from postings.filters import parse_search
from postings.models import Posting, PostingChange, Status
from postings.models import postings as posting_models
from skills.services import skill_index
from tests.factories import PostingFactory
from tests.postings.searching import check_pages

pytestmark = pytest.mark.django_db

SEARCHES = 150


@pytest.fixture
def indexed(board, index_dir):
    assert engine_index.index_rebuild() == Posting.objects.filter(status=Status.PUBLISHED).count()
    return board


def _page(client, query: str):
    response = client.get(f"{reverse('postings:list')}?{query}")
    assert response.status_code == 200, query
    return response.context["result"]


def _found(searcher, query) -> set[int]:
    """The ids of every posting the index query matches."""
    hits = searcher.search(query, 100_000, count=False).hits
    return set(searcher.fast_field_values("id", [address for _, address in hits]))


def _engine_ids(query: str) -> set[int]:
    parsed = parse_search(QueryDict(query), skills=skill_index())
    compiled = engine.compile_search(parsed)
    return _found(engine_index.searcher(), compiled.query())


def _orm_ids(query: str) -> set[int]:
    parsed = parse_search(QueryDict(query), skills=skill_index())
    return set(parsed.filter.qs.values_list("id", flat=True))


def test_random_searches_on_the_index_show_what_the_plain_orm_finds(client, indexed):
    found = check_pages(client, random_searches(indexed, seed=21, count=SEARCHES))
    assert 0.3 * SEARCHES < found < SEARCHES


def test_the_index_agrees_too_when_the_sample_describes_broad_sets(
    client, board, index_dir, monkeypatch
):
    # Every posting in the sample and a low cap: the estimated facets and the capped counts
    # run on this small board as they do at a million.
    monkeypatch.setattr(posting_models, "SAMPLE_EVERY", 1)
    monkeypatch.setattr(search, "COUNT_CAP", 60)
    monkeypatch.setattr(search, "RANK_CANDIDATES", 40)
    engine_index.index_rebuild()
    check_pages(client, random_searches(board, seed=22, count=SEARCHES))


def test_the_forms_for_queries_the_sample_leads_find_the_same_postings(indexed, monkeypatch):
    # Every posting in the sample: a query the sample leads finds the search's postings.
    monkeypatch.setattr(posting_models, "SAMPLE_EVERY", 1)
    engine_index.index_rebuild()
    searcher = engine_index.searcher()

    rewritten = 0
    for drawn in random_searches(indexed, seed=24, count=SEARCHES):
        parsed = parse_search(QueryDict(query_string(drawn)), skills=skill_index())
        compiled = engine.compile_search(parsed)
        rewritten += bool(compiled.looked_up)
        assert _found(searcher, compiled.query(sampled=True)) == _found(
            searcher, compiled.query()
        ), drawn
    assert rewritten > SEARCHES // 10


def test_a_union_is_looked_up_where_a_much_sparser_filter_leads(indexed):
    # Each part's bound (from the index's term statistics) is at least what it matches; a
    # union is written looked up only beside a filter LEAD_RATIO times sparser, and finds
    # the same postings as the plain union.
    served = engine_index.served()
    searcher = served.searcher

    looked_up = plain = 0
    for drawn in random_searches(indexed, seed=25, count=SEARCHES):
        parsed = parse_search(QueryDict(query_string(drawn)), skills=skill_index())
        compiled = engine.compile_search(parsed, tree_key=served.tree_key, searcher=searcher)
        for name, bound in compiled.bounds.items():
            assert engine.count(searcher, compiled.parts[name]) <= bound, (drawn, name)
        if all(repr(form) == repr(compiled.parts[n]) for n, form in compiled.looked_up.items()):
            continue  # no union (one skill, or one level)
        unions = engine.CompiledSearch(compiled.parts, compiled.now)  # none looked up
        if repr(compiled.query()) == repr(unions.query()):
            plain += 1
        else:
            looked_up += 1
            assert _found(searcher, compiled.query()) == _found(searcher, unions.query()), drawn
    assert looked_up > 5 and plain > 5, (looked_up, plain)


def test_a_company_search_on_the_index_looks_the_company_up_once(client, indexed):
    company = Posting.objects.visible().first().company
    with CaptureQueriesContext(connection) as queries:
        result = _page(client, f"company={company.slug}")
    assert result.count == Posting.objects.visible().filter(company=company).count()
    lookups = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('SELECT "postings_company"."id"') and "slug" in q["sql"]
    ]
    assert len(lookups) == 1, lookups


# Chooses a facet (level), a time (posted_within) and a pay floor: each needs a pass of its
# own beside the main one.
_SIDE_PASSES = "level=senior&posted_within=30&salary_min=1000"


def _tally_threads(monkeypatch) -> dict[tuple, set]:
    """(names, without times) -> the threads that tallied them, as searches run."""
    threads: dict[tuple, set] = {}
    tallied = engine.tallied

    def recording(searcher, query, names, since=None, **kwargs):
        threads.setdefault((tuple(names), since is None), set()).add(threading.get_ident())
        return tallied(searcher, query, names, since, **kwargs)

    monkeypatch.setattr(engine, "tallied", recording)
    return threads


def test_a_pages_side_passes_run_beside_the_main_one(indexed, monkeypatch):
    asked, threads = threading.get_ident(), _tally_threads(monkeypatch)
    search.search_postings(QueryDict(_SIDE_PASSES))
    main = [key for key in threads if "skills" in key[0]]
    assert main and all(threads[key] == {asked} for key in main), threads
    side = [key for key in threads if key not in main]
    # level without its filter; posted_within's times; the postings without pay.
    assert len(side) == 3 and all(asked not in threads[key] for key in side), threads


def test_a_page_by_relevance_is_ranked_while_its_counts_are_tallied(client, indexed, monkeypatch):
    word = indexed.common[0]
    expected = {}
    for page in (1, 2, 99):  # 99: past the end, shown as the last page
        with monkeypatch.context() as patched:
            patched.setattr(search, "_engine", lambda parsed: None)  # PostgreSQL alone
            expected[page] = _page(client, f"q={word}&page={page}")
    asked, threads = threading.get_ident(), _tally_threads(monkeypatch)
    for page, from_postgresql in expected.items():
        result = _page(client, f"q={word}&page={page}")
        assert result.sort == "relevance"
        assert [p.pk for p in result.postings] == [p.pk for p in from_postgresql.postings]
        assert (result.page, result.count, result.notices) == (
            from_postgresql.page, from_postgresql.count, from_postgresql.notices
        )  # fmt: skip
    main = [key for key in threads if "skills" in key[0]]
    assert main and all(asked not in threads[key] for key in main), threads


def test_a_side_pass_that_fails_fails_the_search(indexed, monkeypatch):
    """Rather than a page showing a facet without its counts."""
    tallied = engine.tallied

    def failing(searcher, query, names, since=None, **kwargs):
        if names == ["level"]:
            raise RuntimeError("the index went away")
        return tallied(searcher, query, names, since, **kwargs)

    monkeypatch.setattr(engine, "tallied", failing)
    with pytest.raises(RuntimeError, match="the index went away"):
        search.search_postings(QueryDict(_SIDE_PASSES))


def test_runs_of_equal_dates_across_a_window_edge_are_placed_by_id(board, index_dir):
    # Three runs of postings published at one instant: one inside the first hits read, one
    # across the edges of the windows below (placed from the hits read, or, when a window
    # starts inside a run, by counting what comes before it), one at the end.
    visible = list(Posting.objects.visible().order_by("-published_at", "-id"))
    instants = {0: 3, 5: 9, 40: 12, len(visible) - 8: 8}
    for at, length in instants.items():
        moment = visible[at].published_at
        Posting.objects.filter(pk__in=[p.pk for p in visible[at : at + length]]).update(
            published_at=moment
        )
    engine_index.index_rebuild()
    searcher = engine_index.searcher()
    everything = engine.compile_search(parse_search(QueryDict(""), skills=skill_index())).query()
    newest = list(
        Posting.objects.visible().order_by("-published_at", "-id").values_list("id", flat=True)
    )
    oldest = newest[::-1]
    windows = [(0, 4), (0, 6), (4, 6), (6, 3), (7, 5), (9, 20), (36, 8), (41, 4), (45, 10)]
    windows += [(len(newest) - 10, 10), (len(newest) - 5, 20)]
    for offset, limit in windows:
        got = engine.ordered_ids(searcher, everything, "published", offset, limit)
        assert got == newest[offset : offset + limit], (offset, limit)
        got = engine.ordered_ids(searcher, everything, "published", offset, limit, descending=False)
        assert got == oldest[offset : offset + limit], (offset, limit, "ascending")


def test_facet_counts_from_the_index_are_postgresqls(client, indexed, settings, tmp_path):
    searches = [query_string(s) for s in random_searches(indexed, seed=23, count=60)]
    searches = [q for q in searches if search.is_filtered(QueryDict(q))]
    from_index = [_page(client, q) for q in searches]
    settings.SEARCH_INDEX_DIR = tmp_path / "none"  # PostgreSQL alone
    engine_index.forget()
    for query, engine_result in zip(searches, from_index, strict=True):
        pg_result = _page(client, query)

        def shown(result):
            facets = [*result.facets, result.posted_facet, result.skill_facet]
            return {
                f.param: ([(o.value, o.count, o.selected) for o in f.options], f.estimated)
                for f in facets
            }

        assert shown(engine_result) == shown(pg_result), query
        assert engine_result.left_out_without_pay == pg_result.left_out_without_pay, query
        assert [s.text for s in engine_result.suggestions] == [
            s.text for s in pg_result.suggestions
        ], query


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
@example(data=None)
def test_text_matches_postgresqls_words_stems_stop_words_and_phrases(indexed, data):
    words = [*indexed.common[:8], *indexed.medium[:8], *indexed.rare[:4], "the", "of", "k8s"]
    if data is None:  # operators and shapes random draws rarely make
        texts = ['"machine learning"', "-python", "python or rust", "the", "real-time",
                 "ML/AI", '"state of the art"', "data -senior", "python -", "k8s",
                 "llm pytorch", "-python -rust", "o'neil"]  # fmt: skip
    else:
        atoms = st.one_of(
            st.sampled_from(words),
            st.sampled_from(words).map(lambda w: f"-{w}"),
            st.lists(st.sampled_from(words), min_size=2, max_size=3).map(
                lambda ws: '"' + " ".join(ws) + '"'
            ),
            st.just("or"),
            st.text(alphabet="abcdefghij-/ ", min_size=1, max_size=8),
        )
        texts = [" ".join(data.draw(st.lists(atoms, min_size=1, max_size=4)))]
    for text in texts:
        query = QueryDict(mutable=True)
        query["q"] = text
        query_text = query.urlencode()
        parsed = parse_search(QueryDict(query_text), skills=skill_index())
        try:
            engine.compile_search(parsed)
        except engine.Unsupported:
            continue  # PostgreSQL answers it (test_an_untranslated_text_is_answered_by_postgresql)
        assert _engine_ids(query_text) == _orm_ids(query_text), text


def test_an_untranslated_text_is_answered_by_postgresql(client, indexed, monkeypatch):
    # websearch_to_tsquery writes no shape the translation lacks (the text test above
    # draws them); a negated word inside a phrase stands for one it might write some day.
    monkeypatch.setattr(engine, "_tsqueries", lambda texts: ["'python' <-> !'data'"] * len(texts))
    parsed = parse_search(QueryDict("q=python"), skills=skill_index())
    with pytest.raises(engine.Unsupported):
        engine.compile_search(parsed)
    assert search._engine(parsed) is None
    check_pages(client, [[("q", "python")]])


def test_the_index_follows_publication_edits_and_closing(client, indexed):
    posting = PostingFactory(title="Axolotl vision engineer", seniority="lead")
    posting.refresh_from_db()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE postings_posting SET search_vector = {posting_models.SEARCH_DOCUMENT_SQL}"
            " WHERE id = %s".format(t="postings_posting"),
            [posting.pk],
        )
    assert PostingChange.objects.filter(posting_id=posting.pk).exists()
    # Until the sync runs the index has not seen it (the page reads the index).
    assert posting.pk not in {p.pk for p in _page(client, "q=axolotl").postings}
    assert engine_index.index_lag() >= 1

    assert engine_index.index_sync() >= 1
    assert [p.pk for p in _page(client, "q=axolotl&level=lead").postings] == [posting.pk]

    Posting.objects.filter(pk=posting.pk).update(seniority="junior")
    engine_index.index_sync()
    assert _page(client, "q=axolotl&level=lead").count == 0
    assert [p.pk for p in _page(client, "q=axolotl&level=junior").postings] == [posting.pk]

    Posting.objects.filter(pk=posting.pk).update(status=Status.CLOSED)
    engine_index.index_sync()
    assert _page(client, "q=axolotl").count == 0
    assert _engine_ids("q=axolotl") == set()


def test_a_posting_closed_before_the_sync_is_not_shown(client, indexed):
    newest = _page(client, "").postings[0]
    Posting.objects.filter(pk=newest.pk).update(status=Status.CLOSED)
    assert newest.pk not in {p.pk for p in _page(client, "").postings}


def test_changes_the_index_does_not_hold_are_not_in_the_feed(indexed):
    posting = Posting.objects.filter(status=Status.PUBLISHED).first()
    before = PostingChange.objects.count()
    Posting.objects.filter(pk=posting.pk).update(title="Renamed", description="New text")
    assert PostingChange.objects.count() == before
    Posting.objects.filter(pk=posting.pk).update(pay_max_usd=123_456)
    change = PostingChange.objects.latest("id")
    assert (PostingChange.objects.count(), change.posting_id) == (before + 1, posting.pk)
    with connection.cursor() as cursor:  # written by this very transaction
        cursor.execute("SELECT pg_current_xact_id()::text::bigint")
        assert change.xact == cursor.fetchone()[0]
    Posting.objects.filter(pk=posting.pk).delete()
    assert PostingChange.objects.count() == before + 2


def test_each_copy_of_the_index_follows_the_feed_on_its_own(indexed, settings, tmp_path):
    # Two hosts, each with its own copy: neither consumes the changes the other needs.
    first = engine_index._files.current()
    settings.SEARCH_INDEX_DIR = tmp_path / "second-host"
    engine_index.forget()
    engine_index.index_rebuild()
    posting = Posting.objects.filter(status=Status.PUBLISHED).first()
    Posting.objects.filter(pk=posting.pk).update(seniority="intern")
    assert engine_index.index_sync() >= 1
    assert posting.pk in _engine_ids("level=intern")
    settings.SEARCH_INDEX_DIR = first.parent
    engine_index.forget()
    assert posting.pk not in _engine_ids("level=intern")
    assert engine_index.index_sync() >= 1
    assert posting.pk in _engine_ids("level=intern")


def test_a_copy_that_has_not_synced_for_longer_than_changes_are_kept_is_rebuilt(indexed):
    generation = engine_index._files.current()
    old = time.time() - (engine_index.CHANGES_KEPT_DAYS + 1) * 86400
    os.utime(generation / "position", (old, old))
    engine_index.index_sync()
    assert engine_index._files.current() != generation


def test_changes_older_than_kept_are_purged(indexed):
    posting = Posting.objects.filter(status=Status.PUBLISHED).first()
    Posting.objects.filter(pk=posting.pk).update(seniority="intern")
    PostingChange.objects.filter(posting_id=posting.pk).update(
        created_at=timezone.now() - timedelta(days=engine_index.CHANGES_KEPT_DAYS, minutes=1)
    )
    old = PostingChange.objects.filter(posting_id=posting.pk).count()
    kept = PostingChange.objects.exclude(posting_id=posting.pk).count()
    assert old >= 1
    assert engine_index.changes_purge() == old
    assert PostingChange.objects.count() == kept


def test_a_failed_sync_keeps_the_changes_for_the_next(indexed, monkeypatch):
    posting = Posting.objects.filter(status=Status.PUBLISHED).first()
    Posting.objects.filter(pk=posting.pk).update(seniority="intern")

    def broken(*row):
        raise OSError("disk full")

    monkeypatch.setattr(engine_index, "document", broken)
    position = (engine_index._files.current() / "position").read_text()
    with pytest.raises(OSError):
        engine_index.index_sync()
    assert (engine_index._files.current() / "position").read_text() == position
    assert posting.pk not in _engine_ids("level=intern")
    monkeypatch.undo()
    assert engine_index.index_sync() >= 1
    assert posting.pk in _engine_ids("level=intern")


def test_a_rebuild_serves_a_new_generation_and_drops_the_old(indexed, index_dir):
    first = os.readlink(index_dir / "current")
    Posting.objects.filter(status=Status.PUBLISHED).update(expires_at=timezone.now())
    engine_index.index_rebuild()
    assert os.readlink(index_dir / "current") != first
    assert [p.name for p in index_dir.glob("gen-*")] == [os.readlink(index_dir / "current")]
    assert _engine_ids("") == set()  # every posting expired


def test_the_api_pages_from_the_index_as_from_postgresql(client, indexed, settings, tmp_path):
    def pages(params: dict) -> list[list[int]]:
        found, url = [], reverse("api:jobs")
        while url:
            body = client.get(url, params if not found else None).json()
            found.append([job["id"] for job in body["results"]])
            url = body["next"]
        back = client.get(body["previous"]).json() if body["previous"] else None
        return found, back and [job["id"] for job in back["results"]]

    params = {"workplace": ["hybrid", "onsite"], "page_size": 7}
    from_index = pages(params)
    settings.SEARCH_INDEX_DIR = tmp_path / "none"
    engine_index.forget()
    assert pages(params) == from_index
    ids = [pk for page in from_index[0] for pk in page]
    expected = parse_search(
        QueryDict("workplace=hybrid&workplace=onsite"), skills=skill_index()
    ).postings()
    assert ids == list(expected.values_list("id", flat=True))


def test_posted_within_and_expiry_are_read_at_search_time(indexed, monkeypatch):
    assert _engine_ids("posted_within=3") == _orm_ids("posted_within=3")
    posting = Posting.objects.filter(status=Status.PUBLISHED, expires_at__isnull=False).first()
    assert posting.pk in _engine_ids("")
    # Nothing changed in the index: its expiry passes, and the next search leaves it out.
    later = posting.expires_at + timedelta(seconds=1)
    monkeypatch.setattr(engine.timezone, "now", lambda: later)
    assert posting.pk not in _engine_ids("")


@pytest.mark.django_db(transaction=True)
def test_a_change_committed_after_a_later_one_is_not_passed_over(settings, tmp_path):
    # Transactions commit out of order: a change written early and committed after a sync
    # (which saw a later change committed) must still reach the index.
    import psycopg2

    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    engine_index.forget()
    early, late = PostingFactory(seniority="senior"), PostingFactory(seniority="senior")
    engine_index.index_rebuild()
    params = connection.get_connection_params()
    other = psycopg2.connect(**params)
    try:
        with other.cursor() as cursor:  # a transaction that stays open: the early one
            cursor.execute(
                "UPDATE postings_posting SET seniority = 'lead' WHERE id = %s", [early.pk]
            )
        Posting.objects.filter(pk=late.pk).update(seniority="lead")  # committed at once
        engine_index.index_sync()
        assert _engine_ids("level=lead") == {late.pk}
        other.commit()
    finally:
        other.close()
    engine_index.index_sync()
    assert _engine_ids("level=lead") == {early.pk, late.pk}
    engine_index.forget()


def test_a_country_finds_on_site_roles_there_and_remote_roles_open_to_it(index_dir):
    def role(**fields):
        return PostingFactory(**fields).pk

    berlin = role(workplace="onsite", country="DE")
    hybrid_munich = role(workplace="hybrid", country="DE")
    role(workplace="onsite", country="FR")
    eu_remote = role(workplace="remote", country="US", remote_regions=["EU"])
    anywhere = role(workplace="remote", country="", remote_regions=["WW"])
    emea = role(workplace="remote", country="GB", remote_regions=["EMEA"])
    role(workplace="remote", country="DE", remote_regions=["US", "CA"])  # not open to Germany
    role(workplace="remote", country="DE", remote_regions=[])
    engine_index.index_rebuild()

    germany = {berlin, hybrid_munich, eu_remote, anywhere, emea}
    assert _orm_ids("country=DE") == germany
    assert _engine_ids("country=DE") == germany
    assert _engine_ids("country=US") == _orm_ids("country=US") != set()
    assert _engine_ids("country=JP") == _orm_ids("country=JP") == {anywhere}


def test_a_copy_written_with_other_fields_is_not_served_until_the_sync_rebuilds_it(
    client, indexed, index_dir
):
    added = PostingFactory(seniority="intern").pk  # after the copy was written
    older = index_dir / os.readlink(index_dir / "current")
    (older / "format").unlink()  # as written before the format was recorded
    engine_index.forget()
    assert engine_index.served() is None
    assert added in {p.pk for p in _page(client, "level=intern").postings}  # from PostgreSQL

    engine_index.index_sync()

    current = index_dir / os.readlink(index_dir / "current")
    assert current != older
    assert (current / "format").read_text() == str(engine_index.FORMAT)
    assert engine_index.served() is not None
    assert added in _engine_ids("level=intern") == _orm_ids("level=intern")

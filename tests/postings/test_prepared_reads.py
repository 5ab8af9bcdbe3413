"""Reads compiled once (postings.models.prepared) give what the queryset they come from gives."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.db import DataError, connection, transaction
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from postings.models import Posting, Status
from postings.models.prepared import Prepared
from salaries.services import pay_data_columns
from skills.services import taxonomy_state_columns
from tests.factories import PostingFactory

pytestmark = pytest.mark.django_db


def _fields(posting: Posting) -> dict:
    loaded = {k: v for k, v in posting.__dict__.items() if k != "_state"}
    company = posting._state.fields_cache.get("company")
    company_fields = {k: v for k, v in company.__dict__.items() if k != "_state"}
    return {"posting": loaded, "deferred": posting.get_deferred_fields(), "company": company_fields}


@pytest.fixture
def postings():
    now = timezone.now()
    return {
        "open": PostingFactory(salary_min=90_000, salary_max=120_000, remote_regions=["EU"]),
        "other": PostingFactory(),
        "draft": PostingFactory(status=Status.DRAFT),
        "expired by the clock": PostingFactory(expires_at=now - timedelta(minutes=1)),
        "not yet published": PostingFactory(published_at=now + timedelta(hours=1)),
    }


def test_one_visible_posting_is_the_querysets(postings):
    for name, posting in postings.items():
        expected = Posting.objects.visible().select_related("company").filter(pk=posting.pk)
        expected = expected.annotate(**taxonomy_state_columns(), **pay_data_columns()).first()
        with CaptureQueriesContext(connection) as queries:
            found = Posting.objects.visible_one(posting.pk)
        assert len(queries) == 1
        if expected is None:
            assert found is None, name
        else:
            assert _fields(found) == _fields(expected), name
            assert found.company.name == expected.company.name
    assert Posting.objects.visible_one(10**6) is None
    # Past bigint: nothing, without asking PostgreSQL (which would fail the request).
    with CaptureQueriesContext(connection) as queries:
        assert Posting.objects.visible_one(2**63) is None
    assert len(queries) == 0


def test_listed_rows_are_the_querysets_in_the_order_asked(postings):
    ids = [p.pk for p in reversed(postings.values())] + [10**6, postings["open"].pk]
    expected = Posting.objects.visible().listed(ids)
    found = Posting.objects.visible_listed(ids)
    shown = postings["other"].pk, postings["open"].pk, postings["open"].pk
    assert [p.pk for p in found] == list(shown)
    assert [_fields(p) for p in found] == [_fields(p) for p in expected]
    assert "description" in found[0].get_deferred_fields()  # a list never shows it
    assert found[0].description == postings["other"].description  # read when asked
    assert Posting.objects.visible_listed([]) == []


def test_the_sql_is_compiled_on_the_first_call_only(postings, monkeypatch):
    compiled = []
    as_sql = SQLCompiler.as_sql
    monkeypatch.setattr(
        SQLCompiler, "as_sql", lambda self, *a, **k: compiled.append(1) or as_sql(self, *a, **k)
    )
    read = Prepared(
        lambda now, pk: Posting.objects.visible(now).select_related("company").filter(pk=pk),
        datetime,
        int,
    )
    first = read(timezone.now(), postings["open"].pk)
    assert len(compiled) == 2  # twice, with two sets of stand-ins (see the refusals below)
    second = read(timezone.now(), postings["other"].pk)
    assert len(compiled) == 2
    assert [p.pk for p in first + second] == [postings["open"].pk, postings["other"].pk]
    # The time is an argument, not the first call's: a posting published since is found.
    later = PostingFactory(published_at=timezone.now())
    assert [p.pk for p in read(timezone.now(), later.pk)] == [later.pk]


def test_a_read_whose_sql_depends_on_its_arguments_is_refused():
    # An `__in` list is a placeholder per item: the list itself never reaches the SQL.
    by_list = Prepared(lambda ids: Posting.objects.filter(pk__in=ids), list)
    with pytest.raises(ValueError, match="Every argument must reach the SQL"):
        by_list([1, 2])
    ignoring = Prepared(lambda now, pk: Posting.objects.visible(now), datetime, int)
    with pytest.raises(ValueError, match="Every argument must reach the SQL"):
        ignoring(timezone.now(), 1)
    # A value made from an argument would be kept as the first call's constant.
    week_before = Prepared(
        lambda now: Posting.objects.filter(published_at__gte=now - timedelta(days=7),
                                           published_at__lte=now),
        datetime,
    )  # fmt: skip
    with pytest.raises(ValueError, match="The SQL must take the arguments as they are"):
        week_before(timezone.now())


def _statements(sql: str) -> list[str]:
    """The first word of each statement in `sql`."""
    return [part.split()[0] for part in sql.split(";") if part.strip()]


def test_a_list_of_ids_is_planned_once_not_on_every_read(postings):
    # PostgreSQL's own choice re-planned `id = ANY($n)` on every run (a custom plan each time).
    read = Prepared(lambda now, ids: Posting.objects.visible(now).listing(ids), datetime, list)
    ids = [p.pk for p in postings.values()]
    with CaptureQueriesContext(connection) as first:
        for _ in range(8):
            assert {p.pk for p in read(timezone.now(), ids)} == {
                postings["open"].pk, postings["other"].pk
            }  # fmt: skip
    name = first.captured_queries[-1]["sql"].split()[1].split("(")[0]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE name = %s",
            [name],
        )
        assert cursor.fetchone() == (8, 0)


def _by_pk() -> Prepared:
    return Prepared(lambda pk: Posting.objects.select_related("company").filter(pk=pk), int)


def test_each_session_prepares_the_statement_once_in_its_first_read(postings):
    read = _by_pk()
    with CaptureQueriesContext(connection) as first:
        assert [p.pk for p in read(postings["open"].pk)] == [postings["open"].pk]
    with CaptureQueriesContext(connection) as second:
        assert [p.pk for p in read(postings["other"].pk)] == [postings["other"].pk]
    # One round trip each: the first prepares and executes, the next only executes.
    assert [_statements(q["sql"]) for q in first.captured_queries] == [
        ["SET", "PREPARE", "EXECUTE"]
    ]
    assert [_statements(q["sql"]) for q in second.captured_queries] == [["EXECUTE"]]
    name = second.captured_queries[0]["sql"].split()[1].split("(")[0]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE name = %s", [name])
        assert cursor.fetchone() == (1,)


@pytest.mark.django_db(transaction=True)
def test_a_new_session_prepares_again():
    posting = PostingFactory()
    read = _by_pk()
    assert [p.pk for p in read(posting.pk)] == [posting.pk]
    connection.close()  # as Django does when a connection is too old or broken
    with CaptureQueriesContext(connection) as again:
        assert [p.pk for p in read(posting.pk)] == [posting.pk]
    assert "PREPARE" in _statements(again.captured_queries[0]["sql"])


def test_a_read_that_fails_after_its_prepare_leaves_the_next_one_working(postings):
    read = _by_pk()
    # PostgreSQL takes the PREPARE, then refuses the EXECUTE's argument (past bigint). The
    # statement stays in the session, rolled back or not, so its name is taken.
    with pytest.raises(DataError), transaction.atomic():
        read(2**70)
    assert [p.pk for p in read(postings["open"].pk)] == [postings["open"].pk]
    assert [p.pk for p in read(postings["other"].pk)] == [postings["other"].pk]


def test_a_literal_percent_sign_in_the_sql_survives_preparing(postings):
    odd_or_even = Prepared(
        lambda pk: Posting.objects.filter(pk=pk).extra(where=["postings_posting.id %% 2 >= 0"]),
        int,
    )
    for _ in range(2):  # prepared, then executed
        assert [p.pk for p in odd_or_even(postings["open"].pk)] == [postings["open"].pk]

"""Views and apply clicks: one Redis increment in the request, flushed to the database by a
beat task that is safe to run twice and survives a crash half-way."""

from __future__ import annotations

import pytest
from django.urls import reverse

from postings.employers import counters
from postings.models import CounterFlush, Posting
from postings.redis_client import client as redis_client
from tests.factories import PostingFactory

pytestmark = pytest.mark.django_db


def test_counts_reach_the_postings_when_flushed_and_only_once(live):
    other = PostingFactory(company=live.company)
    for _ in range(3):
        counters.posting_record_view(posting_id=live.pk)
    counters.posting_record_view(posting_id=other.pk)
    counters.posting_record_apply_click(posting_id=live.pk)

    assert Posting.objects.get(pk=live.pk).view_count == 0  # nothing written in the request
    assert counters.posting_counters_flush() == 2
    assert counters.posting_counters_flush() == 0

    live.refresh_from_db()
    other.refresh_from_db()
    assert (live.view_count, live.apply_click_count, other.view_count) == (3, 1, 1)


def test_a_flush_that_died_after_committing_does_not_count_twice(live):
    counters.posting_record_view(posting_id=live.pk)
    # Simulate the crash: the batch was renamed and applied, but its key never deleted.
    key = counters._key()
    batch_key = f"{key}:batch:crashed"
    redis_client().rename(key, batch_key)
    counters._flush_batch(batch_key)
    redis_client().hset(batch_key, f"v{live.pk}", 1)  # the key is back, as if not deleted

    counters.posting_counters_flush()

    live.refresh_from_db()
    assert live.view_count == 1
    assert not redis_client().exists(batch_key)


def test_a_flush_that_died_before_committing_is_finished_by_the_next_one(live):
    counters.posting_record_view(posting_id=live.pk)
    counters.posting_record_view(posting_id=live.pk)
    redis_client().rename(counters._key(), f"{counters._key()}:batch:orphan")

    counters.posting_counters_flush()

    live.refresh_from_db()
    assert live.view_count == 2
    assert CounterFlush.objects.filter(batch="orphan").exists()


def test_the_apply_link_counts_the_click_and_goes_to_the_application_page(client, live):
    response = client.get(reverse("posting_apply", args=[live.pk]))

    assert response.status_code == 302
    assert response.url == live.apply_url
    counters.posting_counters_flush()
    live.refresh_from_db()
    assert live.apply_click_count == 1


def test_the_apply_link_of_a_draft_is_404(client, draft):
    assert client.get(reverse("posting_apply", args=[draft.pk])).status_code == 404


def test_a_counter_never_breaks_the_page_when_redis_is_down(live, monkeypatch):
    import redis

    def down(*args, **kwargs):
        raise redis.ConnectionError("down")

    monkeypatch.setattr(redis.Redis, "hincrby", down)
    counters.posting_record_view(posting_id=live.pk)  # logs, does not raise


def _counted_in_redis(posting: Posting) -> int:
    return int(redis_client().hget(counters._key(), f"v{posting.pk}") or 0)


def test_a_posting_page_counts_its_view_once_it_has_been_sent(live, rf):
    from django.contrib.auth.models import AnonymousUser

    from postings.views import posting_detail

    request = rf.get(live.get_absolute_url())
    request.user = AnonymousUser()
    response = posting_detail(request, pk=live.pk, slug=live.slug)
    assert response.status_code == 200
    assert _counted_in_redis(live) == 0  # the page is ready: not counted yet
    response.close()  # what the server does after the last byte
    assert _counted_in_redis(live) == 1


def test_a_count_that_fails_after_the_page_was_sent_is_logged(live, rf, monkeypatch, caplog):
    from django.http import HttpResponse

    def broken(*, posting_id: int) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(counters, "posting_record_view", broken)
    response = HttpResponse("the page")
    counters.posting_record_view_when_sent(response, posting_id=live.pk)
    response.close()
    assert f"The view of posting {live.pk} was not counted" in caplog.text
    assert "the database went away" in caplog.text

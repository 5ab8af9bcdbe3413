"""Redis is an accelerator, never a dependency of reading or signing in (issue 11).

Here Redis is away in the two ways it goes away: refused (stopped: nothing listens on its
port) and hanging (frozen: the port accepts connections and never answers, which is what a
SIGSTOPped server or a dead network path looks like). The real-process version of this, with a
real Redis stopped and frozen under a real worker, is tests/employers/test_faults.py.
"""

from __future__ import annotations

import socket
import time

import pytest
from django.urls import reverse

from postings.employers import counters
from postings.models import Posting, QueuedTask, Status
from postings.redis_client import client as redis_client
from tests.factories import PostingFactory

pytestmark = pytest.mark.django_db

SLOW = 2.0  # seconds: the most any page may take with Redis away


def _redis_away(settings, mode: str):
    """Point the board's Redis (cache, counters, broker checks) at a Redis that is away;
    yields the socket a hanging one listens on."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    if mode == "refused":
        listener.close()  # nothing listens: every connection is refused
    else:
        listener.listen(128)  # the kernel completes connections; nobody ever reads them
    url = f"redis://127.0.0.1:{port}/0"
    settings.REDIS_URL = url
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": url}}
    redis_client.cache_clear()
    yield listener if mode == "hanging" else None
    redis_client.cache_clear()
    listener.close()


@pytest.fixture(params=["refused", "hanging"])
def redis_away(request, settings):
    yield from _redis_away(settings, request.param)


@pytest.fixture
def hanging_redis(settings):
    yield from _redis_away(settings, "hanging")


def _connections(listener: socket.socket) -> int:
    """How many connections were made to a hanging Redis since last asked (each is taken off
    its queue and closed)."""
    listener.setblocking(False)
    made = 0
    while True:
        try:
            connection, _ = listener.accept()
        except BlockingIOError:
            return made
        connection.close()
        made += 1


def _timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def test_every_page_answers_quickly_while_redis_is_away(
    client, redis_away, employer, admin_user, draft, live, taxonomy
):
    secret = "a long and unusual passphrase 42"
    calculator = {"role": "ml_engineer", "level": "senior", "percentile": "p50"}
    pages = [
        ("search", "get", reverse("postings:list"), {}),
        ("filtered search", "get", reverse("postings:list"), {"q": "ranking", "level": "senior"}),
        ("posting", "get", live.get_absolute_url(), {}),
        ("salaries", "get", reverse("salaries:insights"), {}),
        ("calculator", "get", reverse("salaries:calculator"), calculator),
        ("company", "get", reverse("companies:detail", args=[live.company.slug]), {}),
        ("log-in page", "get", reverse("accounts:login"), {}),
        ("log in", "post", reverse("accounts:login"),
         {"username": employer.username, "password": "correct horse battery staple"}),
        ("dashboard", "get", reverse("employers:dashboard"), {}),
        ("posting manage", "get", reverse("employers:posting", args=[draft.pk]), {}),
        ("send to review", "post", reverse("employers:posting_submit", args=[draft.pk]), {}),
        ("log out", "post", reverse("accounts:logout"), {}),
        ("sign up", "post", reverse("accounts:signup"),
         {"email": "nina@new-co.example", "password1": secret, "password2": secret}),
        ("password reset", "post", reverse("accounts:password_reset"), {"email": employer.email}),
    ]  # fmt: skip
    answers = []
    for name, method, url, data in pages:
        response, seconds = _timed(lambda m=method, u=url, d=data: getattr(client, m)(u, d))
        answers.append((name, response.status_code, seconds))
    client.force_login(admin_user)
    response, seconds = _timed(lambda: client.get(reverse("moderation:queue")))
    answers.append(("moderation", response.status_code, seconds))

    assert [a for a in answers if a[1] >= 500 or a[2] > SLOW] == []
    assert {name: status for name, status, _ in answers} == {
        "search": 200, "filtered search": 200, "posting": 200, "salaries": 200,
        "calculator": 200, "company": 200, "log-in page": 200, "log in": 302, "dashboard": 200,
        "posting manage": 200, "send to review": 302, "log out": 302, "sign up": 302,
        "password reset": 302, "moderation": 200,
    }  # fmt: skip
    # The actions took effect, and the mail waits in the outbox for the broker.
    draft.refresh_from_db()
    assert draft.status == Status.PENDING_REVIEW
    assert QueuedTask.objects.filter(task="postings.accounts.tasks.send_password_reset").exists()


def test_views_and_apply_clicks_are_counted_in_the_database_while_redis_is_away(
    client, redis_away, live
):
    client.get(live.get_absolute_url())
    client.get(live.get_absolute_url())
    response = client.post(reverse("posting_apply", args=[live.pk]))

    assert response.status_code == 302
    live.refresh_from_db()
    assert (live.view_count, live.apply_click_count) == (2, 1)


def test_counts_go_to_redis_and_reach_the_posting_once_when_it_is_up(client, live):
    client.get(live.get_absolute_url())
    client.post(reverse("posting_apply", args=[live.pk]))
    live.refresh_from_db()
    assert (live.view_count, live.apply_click_count) == (0, 0)  # in Redis until the flush

    assert counters.posting_counters_flush() == 1
    assert counters.posting_counters_flush() == 0
    live.refresh_from_db()
    assert (live.view_count, live.apply_click_count) == (1, 1)


def test_rate_limits_still_hold_while_redis_is_away(client, redis_away, employer):
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": employer.username, "password": "x"})
    response = client.post(
        reverse("accounts:login"),
        {"username": employer.username, "password": "correct horse battery staple"},
    )
    assert response.status_code == 429


def test_the_health_check_says_redis_is_down_within_a_second(client, redis_away):
    response, seconds = _timed(lambda: client.get("/healthz"))
    assert response.status_code == 503
    assert response.json()["down"] == ["redis", "worker"]
    assert seconds < 1


def test_a_hanging_redis_costs_one_short_wait_then_nothing_until_it_is_tried_again(
    client, hanging_redis
):
    posting = PostingFactory(status=Status.PUBLISHED)
    _, first = _timed(lambda: client.get(posting.get_absolute_url()))
    assert first >= 0.2  # the socket timeout, once
    assert _connections(hanging_redis) >= 1
    client.get(posting.get_absolute_url())
    # The breaker is open: Redis is not asked at all (counted, not timed: a page under a
    # loaded test run can take 0.2 s of its own).
    assert _connections(hanging_redis) == 0
    assert Posting.objects.get(pk=posting.pk).view_count == 2

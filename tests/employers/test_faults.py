"""Faults with real processes (issue 11): a Celery worker killed mid-batch, and the real Redis
stopped and frozen while people use the board. Nothing is lost, nothing happens twice.

These share the test run's one Redis server: stopping it here is stopping the board's Redis.
It is started again on the same port and folder, so its append-only file brings back what it
held, as it does under `make run`.
"""

from __future__ import annotations

import os
import signal
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jobboard.localservices import EmbeddedRedis
from postings.demo.content import generate_companies, generate_postings
from postings.employers import counters
from postings.models import Membership, Posting, PostingTagState, QueuedTask, Status
from postings.queueing import relay_queued
from postings.redis_client import breaker
from postings.redis_client import client as redis
from postings.services import companies_ensure, postings_bulk_load
from postings.tagging.services import postings_enqueue_retag
from skills.services import taxonomy_version
from tests.factories import PostingFactory, UserFactory

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery staple"


def _wait_for(condition, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.2)


class RealRedis:
    """The test run's real Redis server, stopped, frozen and started again."""

    def __init__(self) -> None:
        info = redis().info("server")
        self.pid, self.port = int(info["process_id"]), int(info["tcp_port"])
        self.datadir = Path(redis().config_get("dir")["dir"])

    def stop(self) -> None:
        redis().connection_pool.disconnect()
        os.kill(self.pid, signal.SIGTERM)  # writes its append-only file, then exits
        _wait_for(lambda: not _alive(self.pid), timeout=20, what="Redis to stop")

    def start(self) -> None:
        EmbeddedRedis(self.datadir).start(self.port)
        self.pid = int((self.datadir / "redis.pid").read_text())
        breaker.reset()  # as the next probe would, five seconds later

    def freeze(self) -> None:
        os.kill(self.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        os.kill(self.pid, signal.SIGCONT)
        breaker.reset()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture
def real_redis():
    server = RealRedis()
    yield server
    if not _alive(server.pid):
        server.start()
    else:
        os.kill(server.pid, signal.SIGCONT)  # never leave it frozen for the next test


# ---------------------------------------------------------------------------------------------
# (a) A worker killed mid-batch
# ---------------------------------------------------------------------------------------------


def test_a_worker_killed_mid_batch_loses_no_posting(celery_worker_factory, taxonomy):
    companies = generate_companies(7)
    ids = companies_ensure(companies=companies)
    rows = generate_postings(8_000, seed=7, now=timezone.now(), companies=companies)
    assert postings_bulk_load(rows=rows, company_ids=ids) == 8_000
    version = taxonomy_version()

    # A short visibility timeout, so the killed worker's message comes back within seconds.
    first = celery_worker_factory(queues="default,retag", CELERY_VISIBILITY_TIMEOUT="5")
    postings_enqueue_retag()  # the id-range batches of a bulk load, 2,000 postings each
    _wait_for(
        lambda: PostingTagState.objects.exists() and redis().hlen("unacked") > 0,
        timeout=60,
        what="the first batch to finish and the next to start",
    )
    first.send_signal(signal.SIGKILL)
    first.wait()
    tagged_when_killed = PostingTagState.objects.count()
    assert 0 < tagged_when_killed < 8_000

    celery_worker_factory(queues="default,retag", CELERY_VISIBILITY_TIMEOUT="5")
    _wait_for(
        lambda: not Posting.objects.needing_tags(version).exists(),
        timeout=90,
        what="every posting to be tagged",
    )
    assert PostingTagState.objects.count() == Posting.objects.count() == 8_000


def test_a_message_queued_before_a_redis_restart_is_delivered_after_it(
    celery_worker_factory, real_redis, taxonomy, django_capture_on_commit_callbacks
):
    from postings.tagging.services import posting_enqueue_tagging

    waiting = redis().llen("default")  # other tests' messages no worker took
    with django_capture_on_commit_callbacks(execute=True):
        posting = PostingFactory(description="PyTorch on Kubernetes")
        posting_enqueue_tagging(posting_id=posting.pk)
    assert not QueuedTask.objects.exists()  # sent to Redis, where no worker has taken it yet
    assert redis().llen("default") == waiting + 1

    real_redis.stop()
    real_redis.start()
    assert redis().llen("default") == waiting + 1  # back from the append-only file

    celery_worker_factory()
    _wait_for(
        lambda: PostingTagState.objects.filter(posting=posting).exists(),
        timeout=30,
        what="the posting to be tagged",
    )


# ---------------------------------------------------------------------------------------------
# (b) Redis stopped, then frozen, while people use the board
# ---------------------------------------------------------------------------------------------


def _timed(call):
    started = time.monotonic()
    response = call()
    return response.status_code, time.monotonic() - started


def _posting_form(title: str, extra: str = "") -> dict:
    return {
        "title": title,
        "description": "We build ranking models. You will train models in Python with PyTorch "
        f"and run them on Kubernetes with the platform team, measuring them online. {extra}",
        "seniority": "senior", "role_family": "ml_engineer", "employment_type": "full_time",
        "workplace": "hybrid", "city": "Berlin", "country": "DE", "salary_min": "90000",
        "salary_max": "120000", "salary_currency": "EUR", "salary_period": "year",
        "apply_url": "https://vector-labs.example/jobs/1",
    }  # fmt: skip


def test_the_board_serves_through_a_stopped_and_a_frozen_redis_and_then_catches_up(
    celery_worker_factory, smtp_server, real_redis, taxonomy, settings
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    employer = UserFactory(username="erin@vector-labs.example", password=PASSWORD)
    admin = UserFactory(username="ada@mljobs.example", password=PASSWORD, is_staff=True)
    live = PostingFactory(title="Live role")
    Membership.objects.create(user=employer, company=live.company)
    celery_worker_factory(
        queues="default,retag",
        EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(smtp_server.port), EMAIL_USE_TLS="0",
    )  # fmt: skip

    def session(outage: str, skill: str) -> list[tuple[str, int, float]]:
        """A visitor, an employer and a moderator using the board: (what, status, seconds)
        of each request. The employer's edit of the live role names `skill`; approved, it
        is tagged in the background."""
        visitor, staff, moderator = Client(), Client(), Client()
        login = reverse("accounts:login")
        answers = [
            ("search", *_timed(lambda: visitor.get(reverse("postings:list")))),
            ("filtered", *_timed(lambda: visitor.get(reverse("postings:list"), {"q": "role"}))),
            ("posting", *_timed(lambda: visitor.get(live.get_absolute_url()))),
            ("apply", *_timed(lambda: visitor.post(reverse("posting_apply", args=[live.pk])))),
            ("salaries", *_timed(lambda: visitor.get(reverse("salaries:insights")))),
            ("log in", *_timed(lambda: staff.post(
                login, {"username": employer.username, "password": PASSWORD}))),
            ("new draft", *_timed(lambda: staff.post(
                reverse("employers:posting_create"), _posting_form(f"Made while {outage}")))),
            ("edit live", *_timed(lambda: staff.post(
                reverse("employers:posting_edit", args=[live.pk]),
                _posting_form("Live role", f"You will also use {skill}.")))),
            ("invite", *_timed(lambda: staff.post(
                reverse("employers:team"), {"email": f"colleague.{outage}@vector-labs.example"}))),
            ("reset", *_timed(lambda: visitor.post(
                reverse("accounts:password_reset"), {"email": employer.email}))),
            ("moderator log in", *_timed(lambda: moderator.post(
                login, {"username": admin.username, "password": PASSWORD}))),
            ("moderation", *_timed(lambda: moderator.get(reverse("moderation:queue")))),
        ]  # fmt: skip
        draft = Posting.objects.get(title=f"Made while {outage}")
        revision = live.revisions.get(status="pending")
        answers += [
            ("send to review", *_timed(lambda: staff.post(
                reverse("employers:posting_submit", args=[draft.pk])))),
            ("approve edit", *_timed(lambda: moderator.post(
                reverse("moderation:queue"), {"decide": f"approve:r{revision.pk}"}))),
        ]  # fmt: skip
        draft.refresh_from_db()
        assert draft.status == Status.PENDING_REVIEW  # each action took effect
        live.refresh_from_db()
        assert skill in live.description
        return answers

    def catch_up(mails: int, skill: str) -> None:
        relay_queued(older_than=timedelta(0))  # what beat does every five seconds
        _wait_for(lambda: len(smtp_server.messages) >= mails, timeout=60, what="the mails")
        _wait_for(
            lambda: live.posting_skills.filter(skill__slug=skill).exists(),
            timeout=60,
            what=f"the approved edit to be tagged with {skill}",
        )
        time.sleep(3)  # anything sent twice would arrive now
        assert len(smtp_server.messages) == mails
        assert not QueuedTask.objects.exists()

    # Stopped.
    real_redis.stop()
    answers = session("stopped", "SQL")
    assert [a for a in answers if a[1] >= 500 or a[2] > 2] == [], answers
    # The tagging of the approved edit, the invitation and the reset wait for the broker.
    assert set(QueuedTask.objects.values_list("task", flat=True)) == {
        "postings.tagging.tasks.tag_posting",
        "postings.employers.tasks.send_invitation",
        "postings.accounts.tasks.send_password_reset",
    }
    live.refresh_from_db()
    assert (live.view_count, live.apply_click_count) == (1, 1)  # counted in PostgreSQL
    real_redis.start()
    catch_up(2, "sql")
    assert sorted(m["To"] for m in smtp_server.messages) == [
        "colleague.stopped@vector-labs.example",
        employer.email,
    ]

    # Frozen: it accepts connections and never answers.
    real_redis.freeze()
    answers = session("frozen", "TensorFlow")
    assert [a for a in answers if a[1] >= 500 or a[2] > 2] == [], answers
    real_redis.thaw()
    catch_up(4, "tensorflow")

    # Counts: two views and two clicks in PostgreSQL during the outages, one more of each in
    # Redis now, added by the flush exactly once.
    Client().get(live.get_absolute_url())
    Client().post(reverse("posting_apply", args=[live.pk]))
    counters.posting_counters_flush()
    counters.posting_counters_flush()
    live.refresh_from_db()
    assert (live.view_count, live.apply_click_count) == (3, 3)

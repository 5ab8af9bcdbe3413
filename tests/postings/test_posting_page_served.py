"""A posting page served by a real gunicorn (as `make run` starts it):
- across the loss of its database session: the prepared reads (postings.models.prepared) are
  prepared again on the new session, and the pay section's copy of the bands
  (salaries.services.pay_data) stays;
- with Redis hanging: the page is sent before its view is counted, and the count still lands
  (in PostgreSQL, Redis's stand-in)."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import time

import pytest
from django.db import connection

from jobboard.localservices import free_port
from jobboard.runlocal import web_command
from postings.models import Posting
from postings.redis_client import BREAKER_SECONDS, SOCKET_TIMEOUT
from tests.factories import PostingFactory
from tests.salaries.factories import SalaryBandFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _get(port: int, path: str) -> tuple[int, str]:
    connection_ = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection_.request("GET", path)
        response = connection_.getresponse()
        return response.status, response.read().decode()
    finally:
        connection_.close()


@pytest.fixture
def served():
    yield from _serve({})


def _serve(environ: dict):
    """One gunicorn worker on the test database, so every request meets the same session."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/"
        f"{db['NAME']}",
        "WEB_CONCURRENCY": "1",
        **environ,
    }
    port = free_port()
    web = subprocess.Popen(
        web_command(port, access_log=False),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                _get(port, "/healthz")
                break
            except OSError:
                if web.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("gunicorn did not start")
                time.sleep(0.2)
        yield port
    finally:
        web.terminate()
        web.wait(timeout=30)


def _end_other_sessions() -> int:
    # What a PostgreSQL restart or a dropped connection does to the server's session.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def test_a_posting_page_is_served_again_after_its_database_session_ends(served):
    SalaryBandFactory(workplace="any")
    posting = PostingFactory(
        title="Staff Ranking Engineer",
        country="US",
        seniority="senior",
        role_family="ml_engineer",
        salary_min=190000,
        salary_max=210000,
        salary_currency="USD",
    )
    path = posting.get_absolute_url()
    for _ in range(2):  # the reads are prepared on the session, then executed
        status, html = _get(served, path)
        assert status == 200
        assert "Staff Ranking Engineer" in html and "Pay against the market" in html
    assert _end_other_sessions() >= 1
    status, html = _get(served, path)
    assert status == 200
    assert "Staff Ranking Engineer" in html and "Pay against the market" in html


@pytest.fixture
def served_with_redis_hanging():
    # A port that takes connections and never answers: a frozen Redis.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    try:
        yield from _serve({"REDIS_URL": f"redis://127.0.0.1:{listener.getsockname()[1]}/0"})
    finally:
        listener.close()


def test_with_redis_hanging_a_posting_page_comes_before_its_view_is_counted(
    served_with_redis_hanging,
):
    posting = PostingFactory(title="Staff Ranking Engineer")
    # Starting (the warm-up, the health checks) met the hanging Redis and opened the
    # breaker; once it closes, the next Redis call waits out its timeout again.
    time.sleep(BREAKER_SECONDS + 0.5)
    started = time.monotonic()
    status, html = _get(served_with_redis_hanging, posting.get_absolute_url())
    took = time.monotonic() - started
    assert status == 200 and "Staff Ranking Engineer" in html
    assert took < SOCKET_TIMEOUT  # the count's wait on Redis comes after the page
    deadline = time.monotonic() + 10
    while Posting.objects.get(pk=posting.pk).view_count != 1:
        assert time.monotonic() < deadline, "the view was never counted"
        time.sleep(0.1)

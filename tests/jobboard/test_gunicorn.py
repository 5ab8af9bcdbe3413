"""The web server's own limits, checked on a real gunicorn started as `make run` starts it."""

from __future__ import annotations

import collections
import contextlib
import os
import socket
import subprocess
import time
from pathlib import Path

import pytest

from jobboard import gunicorn_worker
from jobboard.localservices import free_port
from jobboard.runlocal import _processes
from tests.jobboard.served import status

pytestmark = pytest.mark.e2e


@pytest.fixture
def gunicorn_port():
    with _serve([], os.environ) as port:
        yield port


@contextlib.contextmanager
def _serve(arguments: list[str], environ):
    port = free_port()
    web = _processes(port)["web"]  # the command line `make run` uses
    proc = subprocess.Popen(
        web + arguments, env=environ, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        for _ in range(100):
            try:
                status(port, "/static/img/icon.svg")
                break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_an_over_long_search_address_reaches_django(gunicorn_port):
    # 6,000 characters of search text: Django answers (here a 404 for an unknown path, so
    # no database is needed), not gunicorn's bare "414 Request-URI Too Large".
    assert status(gunicorn_port, f"/no-such-page/?q={'x' * 6000}") == 404


def test_a_lone_reader_is_served_by_the_same_few_workers(tmp_path: Path):
    # Five workers, each request's worker in the access log (%(p)s: its process id). gunicorn's
    # own sync worker hands sequential requests round all five, about a fifth each; the
    # project's (jobboard.gunicorn_worker) wakes the first idle worker, so nearly all go to one.
    access, errors = tmp_path / "access.log", tmp_path / "error.log"
    arguments = [
        "--access-logfile", str(access), "--access-logformat", "%(p)s %(U)s",
        "--error-logfile", str(errors), "--log-level", "info",
    ]  # fmt: skip
    with _serve(arguments, {**os.environ, "WEB_CONCURRENCY": "5"}) as port:
        # Every worker ready: each logs what it warmed (gunicorn_conf.post_worker_init).
        deadline = time.monotonic() + 60
        while errors.read_text().count(" templates") < 5:
            assert time.monotonic() < deadline, errors.read_text()
            time.sleep(0.1)
        for _ in range(100):  # a reader's pace: the last worker is idle again by the next
            assert status(port, "/static/img/icon.svg") == 200
            time.sleep(0.02)
    workers = collections.Counter(
        line.split()[0] for line in access.read_text().splitlines() if "icon.svg" in line
    )
    assert workers.total() >= 100  # the start-up's fetches too
    busiest = workers.most_common(1)[0][1]
    assert busiest > 0.8 * workers.total(), workers


@pytest.mark.parametrize("exclusive", [gunicorn_worker.EXCLUSIVE, None], ids=["epoll", "select"])
def test_a_waiting_worker_is_handed_the_socket_with_a_connection(monkeypatch, exclusive):
    # What gunicorn's loop does with wait()'s answer: accept() on each listening socket in
    # it, so it must be the socket itself (not its file number), with the epoll or, where
    # Linux's EPOLLEXCLUSIVE is missing, with gunicorn's own select().
    monkeypatch.setattr(gunicorn_worker, "EXCLUSIVE", exclusive)
    listeners = [socket.create_server(("127.0.0.1", 0)) for _ in range(2)]
    worker = object.__new__(gunicorn_worker.ExclusiveSyncWorker)  # no arbiter: its parts only
    worker.sockets, worker.PIPE, worker.notify = listeners, os.pipe(), lambda: None
    worker.wait_fds = [*listeners, worker.PIPE[0]]
    try:
        assert not worker.wait(0.05)  # nothing yet: waits out the timeout
        with socket.create_connection(listeners[1].getsockname()):
            assert worker.wait(5) == [listeners[1]]
            listeners[1].accept()[0].close()  # as the worker does
        os.write(worker.PIPE[1], b".")  # a signal handler's wake-up
        assert worker.wait(5) == [worker.PIPE[0]]
        assert not worker.wait(0.05)  # the wake-up was read, not left to wake it again
    finally:
        for listener in listeners:
            listener.close()
        os.close(worker.PIPE[0])
        os.close(worker.PIPE[1])

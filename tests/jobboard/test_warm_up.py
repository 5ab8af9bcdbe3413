"""A web worker loads what its first requests need before it takes any (jobboard.warm),
checked on a real gunicorn started as `make run` starts it, on the test database."""

from __future__ import annotations

import os
import socket
import subprocess
import time

import pytest
from django.conf import settings
from django.db import connection

from jobboard.localservices import free_port
from jobboard.runlocal import web_command
from postings.engine import index as engine_index
from postings.matching.board import board_sync
from postings.tagging.services import postings_tag
from tests.factories import PostingFactory
from tests.jobboard.served import status

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _serve(log_path, database_url: str, **extra_env: str):
    """gunicorn with one worker; once it answers, the proc (its log in log_path)."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "WEB_CONCURRENCY": "1",
        "SEARCH_INDEX_DIR": str(settings.SEARCH_INDEX_DIR),
        "MATCH_BOARD_DIR": str(settings.MATCH_BOARD_DIR),
        **extra_env,
    }
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            web_command(port, access_log=False), env=env, stdout=log, stderr=log
        )
    deadline = time.monotonic() + 60
    while True:
        try:
            status(port, "/static/img/icon.svg")
            return proc, port
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(log_path.read_text())
            time.sleep(0.1)


def _stop(proc) -> None:
    proc.terminate()
    proc.wait(timeout=30)


def _serves_without_its_database(tmp_path, database_url: str, **extra_env: str) -> str:
    """Start a worker whose database fails; check it warned and serves; its log."""
    proc, port = _serve(tmp_path / "web.log", database_url, **extra_env)
    try:
        log = (tmp_path / "web.log").read_text()
        assert "Warming up stopped; the first requests load the rest." in log, log
        assert status(port, "/static/img/icon.svg") == 200
        return log
    finally:
        _stop(proc)


def test_a_worker_loads_the_board_the_index_and_answers_a_search_before_its_first_request(
    taxonomy, index_dir, tmp_path
):
    postings = PostingFactory.create_batch(3)
    postings_tag(posting_ids=[p.pk for p in postings])
    board_sync(wait=True)
    assert engine_index.index_rebuild() == 3
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    proc, port = _serve(tmp_path / "web.log", url)
    try:
        log = (tmp_path / "web.log").read_text()
        assert "5 skills, the match board (3 roles), the search index (3 postings)" in log, log
        assert "/jobs/ 200, /match/ 200." in log, log
        assert status(port, "/jobs/?q=engineer") == 200
    finally:
        _stop(proc)


def test_a_worker_with_no_board_built_yet_leaves_building_it_to_the_celery_worker(
    taxonomy, tmp_path
):
    PostingFactory.create_batch(2)
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    proc, _ = _serve(tmp_path / "web.log", url)
    _stop(proc)
    log = (tmp_path / "web.log").read_text()
    assert "5 skills, /jobs/ 200." in log, log  # no board opened, no /match/ answered
    assert not any(settings.MATCH_BOARD_DIR.iterdir())  # and none built


def test_a_worker_that_cannot_reach_the_database_at_start_still_serves(tmp_path):
    unused = f"postgres://nobody:secret@127.0.0.1:{free_port()}/nowhere"
    log = _serves_without_its_database(tmp_path, unused)
    assert "Warmed up in" in log and ": 10 templates." in log, log


def test_a_worker_whose_database_takes_the_connection_and_never_answers_still_starts(tmp_path):
    # A port that takes connections (the system's backlog) and never says a word.
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    try:
        url = f"postgres://nobody:secret@127.0.0.1:{silent.getsockname()[1]}/nowhere"
        started = time.monotonic()
        log = _serves_without_its_database(tmp_path, url, DB_CONNECT_TIMEOUT="2")
        assert time.monotonic() - started < 25  # gunicorn kills a worker silent for 30
        assert "timeout expired" in log, log
    finally:
        silent.close()

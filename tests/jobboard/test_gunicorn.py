"""The web server's own limits, checked on a real gunicorn started as `make run` starts it."""

from __future__ import annotations

import subprocess
import time

import pytest

from jobboard.localservices import free_port
from jobboard.runlocal import _processes
from tests.jobboard.served import status

pytestmark = pytest.mark.e2e


@pytest.fixture
def gunicorn_port():
    port = free_port()
    web = _processes(port)["web"]  # the command line `make run` uses
    proc = subprocess.Popen(web, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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

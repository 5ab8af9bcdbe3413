"""The web process as gunicorn loads it (jobboard.wsgi)."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path


def test_what_the_web_process_loads_at_start_is_left_out_of_garbage_collection():
    # In a fresh interpreter: the test process has long imported Django its own way.
    done = subprocess.run(
        [sys.executable, "-c", "import gc, jobboard.wsgi; print(gc.get_freeze_count())"],
        cwd=Path(__file__).resolve().parents[2], env={**os.environ}, capture_output=True,
        text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) > 10_000  # Django and the apps' modules, not a handful


def test_what_a_workers_first_requests_load_is_left_out_too_once_they_are_served():
    from jobboard import gunicorn_conf

    class Worker:
        pass

    worker = Worker()
    frozen = gc.get_freeze_count()
    try:
        for _ in range(gunicorn_conf.FREEZE_AFTER_REQUESTS - 1):
            gunicorn_conf.post_request(worker, None, {}, None)
        assert gc.get_freeze_count() == frozen  # still loading: nothing frozen yet
        kept = [{"loaded": i} for i in range(5_000)]  # what the requests kept for good
        gunicorn_conf.post_request(worker, None, {}, None)
        assert gc.get_freeze_count() >= frozen + len(kept)
        once = gc.get_freeze_count()
        later = [{"per request": i} for i in range(5_000)]
        gunicorn_conf.post_request(worker, None, {}, None)
        assert gc.get_freeze_count() == once, len(later)  # once per worker, not per request
    finally:
        gc.unfreeze()  # the rest of the suite collects as usual

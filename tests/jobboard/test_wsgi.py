"""The web process as gunicorn loads it (jobboard.wsgi)."""

from __future__ import annotations

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

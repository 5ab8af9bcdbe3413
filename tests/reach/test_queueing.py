"""A web process registers no tasks by itself: enqueueing by name must still find the task
(the employer API queues tagging from a request)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

SCRIPT = """
import django
django.setup()
from celery import current_app
from unittest import mock
from django.db import transaction
from postings.queueing import enqueue_on_commit
name = "postings.tagging.tasks.tag_posting"
with mock.patch.object(transaction, "on_commit") as on_commit:
    enqueue_on_commit(name, 1)
assert on_commit.call_count == 1
try:
    enqueue_on_commit("postings.no_such_module.task", 1)
except ImportError:
    print("ok")
"""


@pytest.mark.django_db
def test_a_fresh_process_can_enqueue_a_task_it_never_imported():
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "jobboard.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("ok")

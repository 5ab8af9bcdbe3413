"""Shared fixtures. The named cast of users, each with the reason it exists."""

from __future__ import annotations

import uuid

import pytest

from tests.factories import UserFactory


@pytest.fixture
def seeker(db):
    """A signed-in job seeker: no company, no staff rights."""
    return UserFactory(username="sam.seeker@mljobs.example")


@pytest.fixture
def admin_user(db):
    """Staff: curates the taxonomy and moderates postings."""
    return UserFactory(username="ada.admin@mljobs.example", is_staff=True, is_superuser=True)


@pytest.fixture(autouse=True)
def _isolated_cache(settings):
    """Tests share one Redis; a per-test key prefix keeps cached values from leaking."""
    # Changing CACHES through the settings fixture makes Django rebuild its cache handlers.
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    }


@pytest.fixture
def celery_worker_process(transactional_db):
    """A real `celery worker` process on the test database and the test run's real Redis.

    Yields once the worker's heartbeat shows it is consuming; stopped (warm shutdown) after.
    """
    import os
    import subprocess
    import sys
    import time

    from django.db import connection

    from jobboard.celery import HEARTBEAT_KEY
    from jobboard.redis_client import client

    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/"
        f"{db['NAME']}",
        "CELERY_TASK_ALWAYS_EAGER": "0",
    }
    hostname = f"e2e-{uuid.uuid4().hex[:8]}@test"
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "jobboard", "worker", "--pool", "solo",
         "--hostname", hostname, "--loglevel", "WARNING", "--without-mingle",
         "--without-gossip"],
        env=env,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not client().hexists(HEARTBEAT_KEY, hostname):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail("the Celery worker did not start")
        time.sleep(0.1)
    yield proc
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()

"""Shared fixtures. The named cast of users, each with the reason it exists."""

from __future__ import annotations

import uuid

import pytest

from tests.factories import SMALL_TAXONOMY, UserFactory


@pytest.fixture
def seeker(db):
    """A signed-in job seeker: no company, no staff rights."""
    return UserFactory(username="sam.seeker@mljobs.example")


@pytest.fixture
def admin_user(db):
    """Staff: curates the taxonomy and moderates postings."""
    return UserFactory(username="ada.admin@mljobs.example", is_staff=True, is_superuser=True)


@pytest.fixture
def taxonomy(db):
    """SMALL_TAXONOMY loaded: skills by slug. (tests/employers has a smaller one of its own.)"""
    from skills.extraction import Taxonomy
    from skills.models import Skill
    from skills.services import taxonomy_load

    result = taxonomy_load(taxonomy=Taxonomy.from_dict(SMALL_TAXONOMY))
    assert (result.skills, result.collisions) == (5, [])
    return {s.slug: s for s in Skill.objects.all()}


@pytest.fixture(scope="session", autouse=True)
def _collected_static_files(django_test_environment):
    """Pages name static files by their hashed names (manifest storage): collect them once,
    as `make run` and the Docker image do, into a folder of this run's own."""
    import os
    import tempfile

    from django.conf import settings
    from django.core.management import call_command

    with tempfile.TemporaryDirectory(prefix="static-") as folder:
        settings.STATIC_ROOT = folder
        os.environ["STATIC_ROOT"] = folder  # for the servers tests start (gunicorn)
        call_command("collectstatic", interactive=False, verbosity=0)
        yield


@pytest.fixture(scope="session", autouse=True)
def _no_search_index(django_test_environment):
    """Searches are answered by PostgreSQL unless a test builds a search index of its own
    (tests/postings/test_search_engine.py): an index `make run` built in this checkout holds
    another database's postings. An empty folder of this run's own, for the servers too."""
    import os
    import tempfile

    from django.conf import settings

    with tempfile.TemporaryDirectory(prefix="search-index-") as folder:
        settings.SEARCH_INDEX_DIR = folder
        os.environ["SEARCH_INDEX_DIR"] = folder
        # The servers' skill-match board too (each test's own: _match_board_of_the_test).
        os.environ["MATCH_BOARD_DIR"] = os.path.join(folder, "match-board")
        yield


@pytest.fixture
def index_dir(settings, tmp_path):
    """A search index folder of this test's own, empty until the test builds an index (the
    session's stays empty: PostgreSQL answers)."""
    from postings.engine import index as engine_index

    settings.SEARCH_INDEX_DIR = tmp_path / "search-index"
    engine_index.forget()
    yield settings.SEARCH_INDEX_DIR
    engine_index.forget()


@pytest.fixture(autouse=True)
def _match_board_of_the_test(settings, tmp_path_factory):
    """An empty skill-match board folder per test: the first /match/ page builds the board
    from the test's own postings (a test that adds postings afterwards rebuilds it)."""
    settings.MATCH_BOARD_DIR = tmp_path_factory.mktemp("match-board")


@pytest.fixture(autouse=True)
def _redis_breaker_closed():
    """A test that made Redis fail must not leave the next one thinking it is down."""
    from postings.redis_client import breaker

    breaker.reset()
    yield
    breaker.reset()


@pytest.fixture(autouse=True)
def _isolated_cache(settings):
    """Tests share one Redis; a per-test key prefix keeps cached values from leaking."""
    # Changing CACHES through the settings fixture makes Django rebuild its cache handlers.
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    }


@pytest.fixture
def eager_tasks():
    """Tasks sent with apply_async run at once, in this process (errors propagate)."""
    from jobboard.celery import app

    before = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = before


@pytest.fixture
def celery_worker_factory(transactional_db):
    """Start real `celery worker` processes on the test database and the test run's real
    Redis, with extra environment (mail server, visibility timeout...).

    `start(**env)` returns once the worker's heartbeat shows it is consuming; every worker
    still running is stopped (warm shutdown) after the test.
    """
    import os
    import subprocess
    import sys
    import time

    from django.db import connection

    from jobboard.celery import HEARTBEAT_KEY
    from postings.redis_client import client

    db = connection.settings_dict
    started: list[subprocess.Popen] = []

    def start(queues: str = "default", **extra_env: str) -> subprocess.Popen:
        env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:"
            f"{db['PORT']}/{db['NAME']}",
            "CELERY_TASK_ALWAYS_EAGER": "0",
            **extra_env,
        }
        hostname = f"e2e-{uuid.uuid4().hex[:8]}@test"
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "jobboard", "worker", "--pool", "solo",
             "--hostname", hostname, "--loglevel", "WARNING", "--without-mingle",
             "--without-gossip", "--queues", queues],
            env=env,
        )  # fmt: skip
        started.append(proc)
        deadline = time.monotonic() + 60
        while not client().hexists(HEARTBEAT_KEY, hostname):
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail("the Celery worker did not start")
            time.sleep(0.1)
        return proc

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.terminate()
    for proc in started:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture
def celery_worker_process(celery_worker_factory):
    """One real worker on the default queue (see celery_worker_factory)."""
    return celery_worker_factory()


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on a free port; `.messages` holds what it received and
    `.peers` the client address (one per connection) each came over."""
    from email import message_from_bytes, policy

    from aiosmtpd.controller import Controller

    from jobboard.localservices import free_port

    class Inbox:
        def __init__(self) -> None:
            self.messages: list = []
            self.peers: list = []

        async def handle_DATA(self, server, session, envelope) -> str:
            self.peers.append(session.peer)
            self.messages.append(
                message_from_bytes(envelope.original_content, policy=policy.default)
            )
            return "250 Message accepted for delivery"

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    inbox.port = controller.port
    yield inbox
    controller.stop()


CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


@pytest.fixture
def browser(monkeypatch):
    """Headless Chromium (Debian's package, installed by `make test`) driven by Playwright."""
    import shutil

    from playwright import sync_api

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    assert chromium, "Chromium is missing: `make test` installs it (apt-get install chromium)"
    # Playwright's sync API keeps an event loop on this thread; the ORM calls the test makes
    # around it are still plain synchronous ones.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def live_server(transactional_db):
    """A live server for this test only (pytest-django's lives for the session): stopping it
    closes its thread's database connections before the test database is dropped."""
    import time

    from django.db import connection
    from django.test.testcases import LiveServerThread
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer("localhost", start=False)
    # Static files come from the app's own WhiteNoise, as in production: the test server's
    # usual handler looks them up by their source names, and pages name the hashed ones.
    server.thread = LiveServerThread(
        "localhost", static_handler=lambda app: app, connections_override={}
    )
    server.thread.daemon = True
    server.start()
    yield server
    server.stop()
    # A request thread holding a keep-alive socket closes its connection only when that
    # socket ends; wait for them, so the test database can be dropped.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0] == 0:
                break
        time.sleep(0.1)

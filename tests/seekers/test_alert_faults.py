"""A worker killed while it sends an alert mail (issue 14): the mail is neither lost nor
sent twice. Real processes: a Celery worker, an SMTP server, the test run's Redis."""

from __future__ import annotations

import asyncio
import signal
import threading
import time

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from jobboard.localservices import free_port
from postings.models import AlertMail, Frequency
from postings.queueing import enqueue_on_commit
from postings.seekers import alerts
from postings.seekers.services import saved_search_create
from tests.factories import PostingFactory

pytestmark = pytest.mark.e2e


class StallingInbox:
    """Holds the first message for a while before answering; a message whose sender went
    away meanwhile is dropped, as a server that never said 250 for it does."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []
        self.stalling = threading.Event()
        self.first = True

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.first:
            self.first = False
            self.stalling.set()
            await asyncio.sleep(8)
            if server.transport is None or server.transport.is_closing():
                return "421 Sender gone"
        self.messages.append(envelope.original_content)
        return "250 OK"


def _wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.1)


def test_a_worker_killed_mid_send_neither_loses_nor_doubles_the_mail(
    celery_worker_factory, seeker, taxonomy, django_capture_on_commit_callbacks
):

    from postings.models import Account

    Account.objects.update_or_create(user=seeker, defaults={"email_verified_at": timezone.now()})
    inbox = StallingInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    mail_env = {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(controller.port),
                "EMAIL_USE_TLS": "0", "CELERY_VISIBILITY_TIMEOUT": "3"}  # fmt: skip
    try:
        search = saved_search_create(user=seeker, query="", frequency=Frequency.INSTANT)
        PostingFactory(title="Role in flight", published_at=timezone.now())
        alerts.instant_alerts_run()
        row = AlertMail.objects.get(saved_search=search)

        first = celery_worker_factory(**mail_env)
        with django_capture_on_commit_callbacks(execute=True):
            enqueue_on_commit("postings.seekers.tasks.send_alert_mail", row.pk)
        _wait_for(inbox.stalling.is_set, 30, "the worker to be sending")
        first.send_signal(signal.SIGKILL)
        first.wait()
        row.refresh_from_db()
        assert row.sent_at is None  # its transaction died with it

        celery_worker_factory(**mail_env)  # takes the message back after the timeout
        _wait_for(lambda: AlertMail.objects.get(pk=row.pk).sent_at is not None, 60, "the mail")
        time.sleep(2)
        assert len(inbox.messages) == 1
        assert b"Role in flight" in inbox.messages[0]
    finally:
        controller.stop()

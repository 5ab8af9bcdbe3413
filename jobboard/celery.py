"""The Celery app. Configuration lives in settings.py under the CELERY_ prefix."""

from __future__ import annotations

import logging
import os
import socket
import time

from celery import Celery, bootsteps

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobboard.settings")

logger = logging.getLogger(__name__)

app = Celery("jobboard")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# /healthz reads this hash: worker hostname -> unix time of its last heartbeat.
HEARTBEAT_KEY = "jobboard:worker-heartbeats"
HEARTBEAT_EVERY = 15.0


class WorkerHeartbeat(bootsteps.StartStopStep):
    """Every few seconds the worker notes in Redis that it is alive.

    Runs on the worker's own timer, so it beats while tasks run and stops when the worker does;
    it needs neither beat nor the events stream.
    """

    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker, **kwargs):
        self.tref = None
        self.name = getattr(worker, "hostname", None) or socket.gethostname()

    def start(self, worker):
        self.beat()
        self.tref = worker.timer.call_repeatedly(HEARTBEAT_EVERY, self.beat)

    def stop(self, worker):
        if self.tref is not None:
            self.tref.cancel()
        from postings.redis_client import client

        client().hdel(HEARTBEAT_KEY, self.name)

    def beat(self):
        from postings.redis_client import client

        try:
            client().hset(HEARTBEAT_KEY, self.name, time.time())
        except Exception:  # noqa: BLE001 - a missed beat must not kill the worker
            logger.warning("worker heartbeat not recorded: Redis unreachable")


app.steps["worker"].add(WorkerHeartbeat)

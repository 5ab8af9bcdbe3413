"""Enqueueing background work from a request or a command, after commit, never failing it.

The one door through which services send tasks. Tasks are named, not imported: tasks import
the services they wrap, so a service importing its task would make a cycle.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import current_app
from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_on_commit(task_name: str, *args: Any, **options: Any) -> None:
    """Send the task named `task_name` once the current transaction commits, so it never runs
    before its rows exist. If the broker is unreachable the work is not lost: every task sent
    this way has a periodic sweep that finds what is still undone, so the error is logged,
    not raised. An unknown name raises at once (KeyError): it is a bug, not an outage."""
    if task_name not in current_app.tasks:
        # Outside a worker (a request, `manage.py seed_demo`) the app learns its tasks only
        # when asked to import them: tasks are discovered lazily.
        current_app.loader.import_default_modules()
    task = current_app.tasks[task_name]

    def send() -> None:
        try:
            task.apply_async(args, **options)
        except Exception:  # noqa: BLE001 - any broker failure; the sweep is the safety net
            logger.warning("could not enqueue %s%r; the periodic sweep will pick it up",
                           task.name, args)  # fmt: skip

    transaction.on_commit(send)

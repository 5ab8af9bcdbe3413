#!/usr/bin/env python
"""Django's command-line utility.

With DATABASE_URL / REDIS_URL unset it uses the embedded servers under .local/ (starting them
if `make run` is not already running them, and stopping what it started when it exits).
"""

import os
import sys

NOT_MIGRATED = (
    "error: the database has no tables yet: run `make run` (or `.venv/bin/python manage.py "
    "migrate`) first."
)


def _unmigrated() -> bool:
    """Whether migrations are still to be applied (asked after a missing-table error)."""
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobboard.settings")
    from jobboard.localservices import bootstrap_local_environment

    bootstrap_local_environment()
    from django.core.management import execute_from_command_line
    from django.db.utils import ProgrammingError

    try:
        execute_from_command_line(sys.argv)
    except ProgrammingError as exc:
        # A command run on a fresh clone, before `migrate`: one line saying what to do
        # instead of a traceback about a missing relation.
        if "does not exist" in str(exc) and _unmigrated():
            sys.exit(NOT_MIGRATED)
        raise


if __name__ == "__main__":
    main()

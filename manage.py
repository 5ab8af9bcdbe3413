#!/usr/bin/env python
"""Django's command-line utility.

With DATABASE_URL / REDIS_URL unset it uses the embedded servers under .local/ (starting them
if `make run` is not already running them, and stopping what it started when it exits).
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobboard.settings")
    from jobboard.localservices import bootstrap_local_environment

    bootstrap_local_environment()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()

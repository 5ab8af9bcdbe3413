"""What the web server needs whoever starts it (`make run`, docker-compose)."""

import multiprocessing
import os

# A search address carries every filter in its query string. One that is too long must still
# reach Django, which ignores the bad part with a notice, rather than be refused by gunicorn
# with a bare 414: allow the longest request line gunicorn can (its default is 4094).
limit_request_line = 8190

# Sync workers, twice the cores and one (gunicorn's advice): while one waits on PostgreSQL,
# which runs on the same machine under `make run`, another renders (make bench-browse's
# concurrent part measures it). WEB_CONCURRENCY overrides it.
workers = int(os.environ.get("WEB_CONCURRENCY", str(2 * multiprocessing.cpu_count() + 1)))

"""What the web server needs whoever starts it (`make run`, docker-compose)."""

import os

# A search address carries every filter in its query string. One that is too long must still
# reach Django, which ignores the bad part with a notice, rather than be refused by gunicorn
# with a bare 414: allow the longest request line gunicorn can (its default is 4094).
limit_request_line = 8190

# Two worker processes, as the board has always run under `make run` (docker-compose sets
# WEB_CONCURRENCY for its machine). Sync workers: a search is short and holds no connection.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))

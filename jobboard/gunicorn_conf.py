"""What the web server needs whoever starts it (`make run`, docker-compose)."""

import gc
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
# Woken one at a time, so a light load stays on the same few (warm) workers.
worker_class = "jobboard.gunicorn_worker.ExclusiveSyncWorker"


# Before a worker takes requests, it loads what its first requests would (jobboard.warm):
# the taxonomy, the match board, the search index, the templates. That and what wsgi.py
# froze are then left out of garbage collection, whose full passes would otherwise walk all
# of it again inside whichever request set one off.
def post_worker_init(worker):
    from jobboard.warm import warm_up

    worker.log.info(warm_up())
    _freeze()


# What the first requests load for good all the same (lru caches, templates not warmed) is
# frozen too, once that many have been served.
FREEZE_AFTER_REQUESTS = 50


def post_request(worker, req, environ, resp):
    worker.served = getattr(worker, "served", 0) + 1
    if worker.served == FREEZE_AFTER_REQUESTS:
        _freeze()


def _freeze() -> None:
    gc.collect()  # what is garbage already is not kept for good
    gc.freeze()

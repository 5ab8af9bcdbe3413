"""Index passes run side by side.

Tantivy lets go of Python's lock while it searches, so the passes one search page needs
(its counts, each chosen facet's counts without its own filter, the ids of its page) can
run on both cores at once instead of one after another. Only passes over the index run
here: a thread of this pool has no database connection of its own to use (nor a test's
transaction to see).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

# Beside the thread that asks, one a core: a page has at most a few side passes, and more
# threads than cores would only take turns.
THREADS = os.cpu_count() or 1

_pool: ThreadPoolExecutor | None = None
_lock = threading.Lock()


def submit(fn: Callable, /, *args, **kwargs) -> Future:
    """Run fn(*args, **kwargs) on the pool; its Future gives the result or raises."""
    return _executor().submit(fn, *args, **kwargs)


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(THREADS, thread_name_prefix="index-pass")
        return _pool


def _forget() -> None:
    # A forked child (a gunicorn worker, a Celery pool process) has none of the parent's
    # threads: it starts its own pool when it first needs one.
    global _pool, _lock
    _pool, _lock = None, threading.Lock()


os.register_at_fork(after_in_child=_forget)

"""gunicorn's sync worker, woken one at a time for a new connection (jobboard.gunicorn_conf).

The sync worker waits for a connection in select(), so every idle worker wakes for each one
and all but one find nothing to accept. Which one wins is the kernel scheduler's choice, and
it favours whichever has run least: a lone reader's requests go round all 2n+1 workers in
turn, each landing in a process whose caches the others' requests have just pushed out of the
processor's. Measured at a million postings (make bench-browse), a posting page took 6.8-7.0
ms p50 over HTTP through five workers and 5.9-6.3 through one.

Here each worker waits in its own epoll with EPOLLEXCLUSIVE on the listening sockets: the
kernel wakes only the first idle worker in a fixed order, so the same few workers serve while
load is light and the rest join in as it grows. No worker wakes for nothing either. Where
epoll or EPOLLEXCLUSIVE (Linux 4.5) is missing, it waits as gunicorn's own worker does.
"""

from __future__ import annotations

import os
import select

from gunicorn.workers.sync import SyncWorker

EXCLUSIVE = getattr(select, "EPOLLEXCLUSIVE", None)


class ExclusiveSyncWorker(SyncWorker):
    _poller = None

    def wait(self, timeout):
        if EXCLUSIVE is None:
            return super().wait(timeout)
        if self._poller is None:
            # Made in the worker, after the fork: an epoll shared with the arbiter or a
            # sibling would wake them all again.
            self._poller = select.epoll()
            self._waited = {s.fileno(): s for s in self.sockets}
            for fd in self._waited:
                self._poller.register(fd, select.EPOLLIN | EXCLUSIVE)
            # The wake-up pipe the worker's signal handlers write to (as in select()).
            self._waited[self.PIPE[0]] = self.PIPE[0]
            self._poller.register(self.PIPE[0], select.EPOLLIN)
        self.notify()
        ready = [self._waited[fd] for fd, _ in self._poller.poll(timeout)]
        if self.PIPE[0] in ready:
            os.read(self.PIPE[0], 1)
        return ready

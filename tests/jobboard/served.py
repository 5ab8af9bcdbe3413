"""Asking a server the tests started (gunicorn, as `make run` starts it)."""

from __future__ import annotations

import http.client


def status(port: int, path: str, *, timeout: float = 30) -> int:
    """The HTTP status of a GET of `path` on 127.0.0.1:`port`."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        return connection.getresponse().status
    finally:
        connection.close()

"""/healthz reports the database, Redis and the worker; 503 names what is down."""

from __future__ import annotations

import time

import pytest

from jobboard.celery import HEARTBEAT_KEY
from postings.redis_client import client

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_workers():
    """Hide heartbeats of any real worker so each test decides what /healthz sees."""
    saved = client().hgetall(HEARTBEAT_KEY)
    client().delete(HEARTBEAT_KEY)
    yield
    client().delete(HEARTBEAT_KEY)
    if saved:
        client().hset(HEARTBEAT_KEY, mapping=saved)


def test_it_is_healthy_with_a_fresh_worker_heartbeat(client, no_workers):
    from postings.redis_client import client as redis

    redis().hset(HEARTBEAT_KEY, "worker@test", time.time())
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "down": [],
        "checks": {
            "database": "ok",
            "redis": "ok",
            "worker": "ok (1 worker)",
            "search_index": "not built: searches are answered by PostgreSQL",
        },
    }


def test_it_says_how_far_the_search_index_is_behind(client, no_workers, settings, tmp_path):
    from postings.engine.index import forget, index_rebuild
    from tests.factories import PostingFactory

    settings.SEARCH_INDEX_DIR = tmp_path
    forget()
    index_rebuild()
    PostingFactory()
    assert client.get("/healthz").json()["checks"]["search_index"] == (
        "ok (1 changed postings not yet indexed)"
    )


def test_it_is_down_when_the_last_heartbeat_is_stale(client, no_workers):
    from postings.redis_client import client as redis

    redis().hset(HEARTBEAT_KEY, "worker@test", time.time() - 61)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["down"] == ["worker"]
    assert response.json()["checks"]["worker"] == "no worker heartbeat in the last 60 seconds"


def test_it_names_redis_and_the_worker_when_redis_is_unreachable(client, settings, monkeypatch):
    import redis as redis_lib

    from jobboard import views

    dead = redis_lib.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2)
    monkeypatch.setattr(views, "client", lambda: dead)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["down"] == ["redis", "worker"]
    assert body["checks"]["redis"] == "unreachable: ConnectionError"
    assert body["checks"]["database"] == "ok"


def test_it_names_the_database_when_the_database_is_unreachable(client, monkeypatch, no_workers):
    from django.db import OperationalError

    from jobboard import views
    from postings.redis_client import client as redis

    redis().hset(HEARTBEAT_KEY, "worker@test", time.time())

    class DeadCursor:
        def __enter__(self):
            raise OperationalError("connection refused")

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(views.connection, "cursor", DeadCursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["down"] == ["database"]
    assert response.json()["checks"]["database"] == "unreachable: OperationalError"

"""`make bench-browse`: server time of the job-search page at a million postings.

Uses its own PostgreSQL and Redis under .local/bench/ (never the `make run` data), seeded once
with BENCH_POSTINGS postings (default 1,000,000) and tagged; later runs reuse it. Each query
pattern is requested through Django's test client (the whole response: filters, count,
facets, page, template), single client, after warm-up; p50 and p95 are printed per pattern.
"""

from __future__ import annotations

import io
import json
import os
import statistics
import sys
import time
from urllib.parse import urlencode

from jobboard.localservices import LOCAL_DIR, LocalServices, free_port

N = int(os.environ.get("BENCH_POSTINGS", "1000000"))
RUNS = int(os.environ.get("BENCH_RUNS", "30"))
WARMUP = 5


def _setup_database() -> None:
    from django.core.management import call_command

    from postings.models import Posting
    from postings.tagging.services import postings_tag
    from skills.extraction import Taxonomy
    from skills.services import taxonomy_load

    call_command("migrate", verbosity=0)
    call_command("load_exchange_rates", stdout=io.StringIO())
    taxonomy_load(taxonomy=Taxonomy.load())
    have = Posting.objects.count()
    if have < N:
        print(f"seeding {N - have:,} postings (once)...", file=sys.stderr, flush=True)
        call_command("seed_demo", postings=N, seed=1, stdout=io.StringIO())
    lo, hi = (
        Posting.objects.order_by("id").values_list("id", flat=True)[:1][0],
        (Posting.objects.order_by("-id").values_list("id", flat=True)[:1][0]),
    )
    print("tagging what is untagged (once)...", file=sys.stderr, flush=True)
    for start in range(lo, hi + 1, 5_000):
        postings_tag(id_range=(start, start + 5_000), only_stale=True)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE postings_posting")


def _terms() -> dict[str, str]:
    """A rare, a medium (about 2%) and a very common (about 50%) word of the corpus."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT word, ndoc::float / (SELECT count(*) FROM postings_posting "
            "TABLESAMPLE SYSTEM (1) REPEATABLE (3)) FROM ts_stat("
            "'SELECT search_vector FROM postings_posting TABLESAMPLE SYSTEM (1) REPEATABLE (3)')"
            " WHERE length(word) > 3 AND word ~ '^[a-z]+$'"
        )
        share = dict(cursor.fetchall())

    def nearest(target: float) -> str:
        return min(share, key=lambda w: (abs(share[w] - target), w))

    return {"rare": nearest(0.0005), "medium": nearest(0.02), "common": nearest(0.5)}


def _patterns(terms: dict[str, str]) -> dict[str, dict]:
    # The most used skills, so "popular" means popular in this data.
    from django.db import connection

    from skills.services import skill_index

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s, count(*) FROM (SELECT skill_ids FROM postings_posting "
            "TABLESAMPLE SYSTEM (1) REPEATABLE (5)) t, unnest(t.skill_ids) s "
            "GROUP BY s ORDER BY 2 DESC LIMIT 12"
        )
        top = [row[0] for row in cursor.fetchall()]
    index = skill_index()
    slugs = [index.by_id[i].slug for i in top if i in index.by_id]
    popular, three = slugs[0], slugs[3:6]
    return {
        "no filter": {},
        f"q rare ({terms['rare']})": {"q": terms["rare"]},
        f"q medium ({terms['medium']})": {"q": terms["medium"]},
        f"q common ({terms['common']})": {"q": terms["common"]},
        f"one popular skill ({popular})": {"skills": [popular]},
        "three skills, all": {"skills": three, "match": "all"},
        "three skills, any": {"skills": three, "match": "any"},
        "level + workplace + salary_min": {
            "level": ["senior"], "workplace": ["remote"], "salary_min": "150000",
        },
        "q + two skills + level": {
            "q": terms["medium"], "skills": slugs[1:3], "level": ["senior"],
        },
        "page 500 of a broad query": {"workplace": ["hybrid", "onsite"], "page": "500"},
    }  # fmt: skip


def _time(client, path: str, params: dict) -> list[float]:
    for _ in range(WARMUP):
        client.get(path, params)
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        response = client.get(path, params)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, params, response.status_code)
    return sorted(times)


def _p95(times: list[float]) -> float:
    return times[max(0, int(len(times) * 0.95) - 1)]


def run() -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobboard.settings")
    django.setup()
    from django.http import QueryDict
    from django.test import Client

    from postings.models import Posting
    from postings.search import search_postings

    _setup_database()
    terms = _terms()
    # Not the test environment: its template instrumentation (copying every context for
    # the test's inspection) costs time a real server does not spend.
    client = Client(SERVER_NAME="127.0.0.1")
    figures = {}
    width = 38
    print(f"{'pattern':<{width}} {'p50 ms':>8} {'p95 ms':>8}   results")
    for name, params in _patterns(terms).items():
        times = _time(client, "/jobs/", params)
        result = search_postings(QueryDict(urlencode(params, doseq=True)))
        count = f"{result.count:,}{'+' if result.count_capped else ''}"
        p50, p95 = statistics.median(times), _p95(times)
        figures[name] = {"p50_ms": round(p50, 1), "p95_ms": round(p95, 1), "results": count}
        print(f"{name:<{width}} {p50:>8.1f} {p95:>8.1f}   {count}", flush=True)
    # Each of RUNS postings is viewed twice: the first view also fills what the page keeps
    # per posting (its rendered description and its choice of similar roles), the second is
    # the warm figure the target is about. Both are reported.
    ids = list(Posting.objects.visible().order_by("?").values_list("id", flat=True)[:RUNS])
    first, again = [], []
    for posting in Posting.objects.filter(id__in=ids):
        for times in (first, again):
            started = time.perf_counter()
            client.get(posting.get_absolute_url())
            times.append((time.perf_counter() - started) * 1000)
    for name, times in (("posting page, first view", first), ("posting page", again)):
        times.sort()
        p50, p95 = statistics.median(times), _p95(times)
        figures[name] = {"p50_ms": round(p50, 1), "p95_ms": round(p95, 1)}
        print(f"{name:<{width}} {p50:>8.1f} {p95:>8.1f}")
    figures |= api_figures(client, _patterns(terms), width)
    print(json.dumps({"postings": Posting.objects.count(), "figures": figures}))
    return figures


def api_figures(client, patterns: dict[str, dict], width: int) -> dict:
    """GET /api/v1/jobs/ for the same patterns as /jobs/ (same filters, count and targets),
    and a cursor followed five pages into a broad query in place of page 500."""
    from urllib.parse import parse_qs, urlsplit

    figures = {}
    api_patterns = {n: p for n, p in patterns.items() if "page" not in p}
    for name, params in api_patterns.items():
        times = _time(client, "/api/v1/jobs/", params)
        p50, p95 = statistics.median(times), _p95(times)
        figures[f"api: {name}"] = {"p50_ms": round(p50, 1), "p95_ms": round(p95, 1)}
        print(f"{'api: ' + name:<{width}} {p50:>8.1f} {p95:>8.1f}", flush=True)
    broad = {"workplace": ["hybrid", "onsite"]}
    for _ in range(4):  # the cursor of the fifth page
        url = client.get("/api/v1/jobs/", broad).json()["next"]
        broad = {**broad, "cursor": parse_qs(urlsplit(url).query)["cursor"][0]}
    times = _time(client, "/api/v1/jobs/", broad)
    p50, p95 = statistics.median(times), _p95(times)
    figures["api: fifth page of a broad query"] = {"p50_ms": round(p50, 1), "p95_ms": round(p95, 1)}
    print(f"{'api: fifth page of a broad query':<{width}} {p50:>8.1f} {p95:>8.1f}", flush=True)
    return figures


def main() -> int:
    services = LocalServices(root=LOCAL_DIR / "bench", pg_port=free_port(), redis_port=free_port())
    env = services.ensure(environ={})
    os.environ.update(env)
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ.setdefault("API_ANON_RATE", "1000000/min")  # time the API, not its throttle
    try:
        run()
    finally:
        services.stop_started()
    return 0


if __name__ == "__main__":
    sys.exit(main())

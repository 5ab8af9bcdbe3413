"""`make bench-browse`: the job-search page at a million postings, alone and under load.

Uses its own PostgreSQL and Redis under .local/bench/ (never the `make run` data), seeded once
with BENCH_POSTINGS postings (default 1,000,000) and tagged; later runs reuse it. Seven parts,
each printed as it finishes (BENCH_PARTS=patterns,api,posting,random,concurrent,match,
match-concurrent picks some):

- patterns: ten fixed query patterns (the whole response: filters, count, facets, page,
  template), one client, after warm-up; p50/p95. Over HTTP to gunicorn started as `make run`
  starts it, as the random parts are (until session 9, through Django's test client in this
  process, whose garbage collections a server's workers do not have: jobboard/wsgi.py).
- api: GET /api/v1/jobs/ for the same patterns, and a cursor five pages into a broad query.
- posting: the posting page for BENCH_POSTING_VIEWS (200) random postings, each one's first
  view and a repeat view, over HTTP too.
- random: BENCH_SEARCHES (500) random searches over the whole filter space
  (jobboard.search_queries, fixed seed) one after another, over HTTP to gunicorn started as
  `make run` starts it.
- concurrent: BENCH_CLIENTS (8) clients sending random searches (other seeds) for
  BENCH_SECONDS (20) to the same gunicorn: searches/s, percentiles and errors.
- api-random, api-concurrent: the same two over GET /api/v1/jobs/ (the same searches
  without the page's sort and page number: the API pages newest first by cursor).

- match: /match/ for BENCH_PROFILES (20) 12-skill profiles (jobboard.bench_browse
  .match_profiles) without filters and with two fixed sets of them, then BENCH_SEARCHES
  profiles each with a random search's filters, one client through the same gunicorn.
- match-concurrent: BENCH_CLIENTS clients sending such matches (half without filters) for
  BENCH_SECONDS: matches/s.

Every request asks for gzip, as browsers do, so the times include compressing the answer
(0.27 ms for a 16 KB posting page; until session 12 the bench asked for none).

For the random parts: p50/p95/p99/max, errors, and the slowest 1% with their query strings.
At the start and the end: the load average and a calibration (fixed loops of pure Python,
in ms: one in the processor's caches, one waiting on memory). This machine's speed drifts
between periods; compare runs with close calibrations.

Searches are answered by the search index (postings.engine), built once beside the data
(.local/bench/search-index) and brought up to date at each start. BENCH_ENGINE=postgres
answers them from PostgreSQL alone, as before the index existed (an empty index folder).
"""

from __future__ import annotations

import gzip
import http.client
import io
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from jobboard.localservices import LOCAL_DIR, LocalServices, free_port

N = int(os.environ.get("BENCH_POSTINGS", "1000000"))
RUNS = int(os.environ.get("BENCH_RUNS", "30"))
# Postings the posting part views (twice each). A p95 of 30 views is their second slowest,
# and postings differ (skills, description, similar roles): 200 give a steadier tail.
POSTING_VIEWS = int(os.environ.get("BENCH_POSTING_VIEWS", "200"))
WARMUP = 5
SEARCHES = int(os.environ.get("BENCH_SEARCHES", "500"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "8"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "20"))
PARTS = os.environ.get(
    "BENCH_PARTS",
    "patterns,api,posting,random,concurrent,api-random,api-concurrent,match,match-concurrent",
).split(",")
PROFILES = int(os.environ.get("BENCH_PROFILES", "20"))
SEED = 12  # the random searches; the concurrent clients use SEED + 1, SEED + 2, ...
WARMUP_SEED = 99


def _setup_database() -> None:
    from django.core.management import call_command

    from jobboard.celery import app as celery_app
    from postings.models import Posting
    from postings.tagging.services import postings_tag, retag_ranges
    from skills.extraction import Taxonomy
    from skills.services import taxonomy_load

    # Services enqueue tasks by name: the app must know them outside a worker too.
    celery_app.loader.import_default_modules()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # gunicorn serves them
    call_command("load_exchange_rates", stdout=io.StringIO())
    # As `make run` loads them: without bands a posting page shows no pay against the market,
    # and the posting part timed a page lighter than users get (until session 11).
    call_command("load_bands", stdout=io.StringIO())
    taxonomy_load(taxonomy=Taxonomy.load())
    have = Posting.objects.count()
    if have < N:
        print(f"seeding {N - have:,} postings (once)...", file=sys.stderr, flush=True)
        call_command("seed_demo", postings=N, seed=1, stdout=io.StringIO())
    from tqdm import tqdm

    for ids in tqdm(retag_ranges(), desc="Tagging what is untagged", unit="ranges"):
        postings_tag(id_range=ids, only_stale=True)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE postings_posting")
    from postings.matching.board import board_sync

    board_sync(wait=True)  # /match/'s board (.local/bench/match-board), if postings changed
    from postings.market.pay import skill_premiums_refresh

    skill_premiums_refresh()  # the worker's job under make run: skills to learn show them
    if os.environ.get("BENCH_ENGINE") != "postgres":
        from postings.engine.index import index_rebuild, index_sync, searcher

        if searcher() is None:
            print("building the search index (once)...", file=sys.stderr, flush=True)
            index_rebuild()
        index_sync()


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


def _percentile(times: list[float], share: float) -> float:
    """The nearest-rank percentile of sorted `times`."""
    return times[max(0, min(len(times), -int(-len(times) * share // 1)) - 1)]


def _p95(times: list[float]) -> float:
    return _percentile(times, 0.95)


def _patterns_part(client, patterns: dict[str, dict], figures: dict) -> None:
    from django.http import QueryDict

    from postings.search import search_postings

    width = 38
    print(f"{'pattern':<{width}} {'p50 ms':>8} {'p95 ms':>8}   results")
    for name, params in patterns.items():
        times = _time(client, "/jobs/", params)
        result = search_postings(QueryDict(urlencode(params, doseq=True)))
        count = f"{result.count:,}{'+' if result.count_capped else ''}"
        p50, p95 = statistics.median(times), _p95(times)
        figures[name] = {"p50_ms": round(p50, 1), "p95_ms": round(p95, 1), "results": count}
        print(f"{name:<{width}} {p50:>8.1f} {p95:>8.1f}   {count}", flush=True)


# What every request sends: browsers ask for compressed answers, and get them (GZipMiddleware).
_AS_A_BROWSER = {"Accept-Encoding": "gzip"}


class _Http:
    """GET over HTTP to the benchmark's gunicorn, answering as Django's test client does
    (status_code, json()), so the parts timed page by page measure what a browser meets."""

    def __init__(self, port: int) -> None:
        self.port = port

    def get(self, path: str, params: dict | None = None) -> _Answer:
        query = urlencode(params or {}, doseq=True)
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request("GET", f"{path}?{query}" if query else path, headers=_AS_A_BROWSER)
            response = connection.getresponse()
            content = response.read()
            if response.getheader("Content-Encoding") == "gzip":
                content = gzip.decompress(content)
            return _Answer(response.status, content)
        finally:
            connection.close()


class _Answer:
    def __init__(self, status_code: int, content: bytes) -> None:
        self.status_code = status_code
        self.content = content

    def json(self) -> object:
        return json.loads(self.content)


def _posting_part(client, figures: dict) -> None:
    from postings.models import Posting

    width = 38
    # Each of POSTING_VIEWS postings is viewed twice: the first view reads its rows cold (the
    # page keeps nothing per posting), the second is the warm figure. Both are reported, and
    # the target is about both.
    ids = Posting.objects.visible().order_by("?").values_list("id", flat=True)[:POSTING_VIEWS]
    ids = list(ids)
    first, again = [], []
    for posting in Posting.objects.filter(id__in=ids):
        for times in (first, again):
            started = time.perf_counter()
            response = client.get(posting.get_absolute_url())
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (posting.pk, response.status_code)
    for name, times in (("posting page, first view", first), ("posting page", again)):
        times.sort()
        p50, p95 = statistics.median(times), _p95(times)
        figures[name] = {"p50_ms": round(p50, 1), "p95_ms": round(p95, 1)}
        print(f"{name:<{width}} {p50:>8.1f} {p95:>8.1f}", flush=True)


class _Gunicorn:
    """The web server as `make run` starts it (the same command and worker settings)."""

    def __init__(self, env: dict[str, str]) -> None:
        from jobboard.runlocal import web_command

        self.port = free_port()
        self.proc = subprocess.Popen(
            web_command(self.port, access_log=False), env=env, stdout=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 60
        while _fetch(self.port, "/static/img/icon.svg")[1] is not None:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.3)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


# The answers that are not errors: a 200, and from the API a 400 naming a bad value (the
# random mix holds misspelled skills, which the page ignores with a notice and the API
# refuses, as issue 13 asks).
_ANSWERS = {"/jobs/": (200,), "/api/v1/jobs/": (200, 400)}


def _fetch(port: int, path: str) -> tuple[float, str | None]:
    """(milliseconds to the whole answer, None) for an answer; else (..., the error)."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=_AS_A_BROWSER)
        response = connection.getresponse()
        response.read()
        answers = _ANSWERS.get(path.split("?")[0], (200,))
        error = None if response.status in answers else f"HTTP {response.status}"
    except OSError as exc:
        error = type(exc).__name__
    finally:
        connection.close()
    return (time.perf_counter() - started) * 1000, error


def _report(name: str, timed: list[tuple[float, str]], errors: list[str], figures: dict,
            seconds: float | None = None) -> None:  # fmt: skip
    times = sorted(ms for ms, _ in timed) or [float("nan")]
    figure = {
        "searches": len(timed) + len(errors),
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(_percentile(times, 0.95), 1),
        "p99_ms": round(_percentile(times, 0.99), 1),
        "max_ms": round(times[-1], 1),
        "errors": len(errors),
    }
    line = (f"{name}: {figure['searches']} searches, p50 {figure['p50_ms']} ms, "
            f"p95 {figure['p95_ms']} ms, p99 {figure['p99_ms']} ms, max {figure['max_ms']} ms, "
            f"{len(errors)} errors")  # fmt: skip
    if seconds:
        figure["searches_per_s"] = round(len(timed) / seconds, 1)
        line += f", {figure['searches_per_s']} searches/s"
    print(line)
    slowest = sorted(timed, reverse=True)[: max(1, len(timed) // 100)]
    print(f"  slowest 1% ({len(slowest)}):")
    for ms, query in slowest:
        print(f"  {ms:8.1f} ms  {query}")
    for error in sorted(set(errors))[:10]:
        print(f"  error: {error}")
    figure["slowest"] = [{"ms": round(ms, 1), "query": query} for ms, query in slowest]
    figures[name] = figure
    sys.stdout.flush()


def _page_query(search) -> str:
    from jobboard.search_queries import query_string

    return f"/jobs/?{query_string(search)}"


def _api_query(search) -> str:
    from jobboard.search_queries import query_string

    return f"/api/v1/jobs/?{query_string([(k, v) for k, v in search if k not in {'sort', 'page'}])}"


def _random_part(server: _Gunicorn, vocab, figures: dict, path=_page_query, name="") -> None:
    from jobboard.search_queries import random_searches

    for search in random_searches(vocab, seed=WARMUP_SEED, count=50):
        _fetch(server.port, path(search))
    timed, errors = [], []
    for search in random_searches(vocab, seed=SEED, count=SEARCHES):
        query = path(search)
        ms, error = _fetch(server.port, query)
        if error:
            errors.append(f"{error}: {query}")
        else:
            timed.append((ms, query))
    _report(f"{name}random searches, one client", timed, errors, figures)


def _warm_up(server: _Gunicorn, vocab) -> None:
    from jobboard.search_queries import random_searches
    from postings.models import Posting

    for search in random_searches(vocab, seed=WARMUP_SEED, count=50):
        _fetch(server.port, _page_query(search))
    for posting in Posting.objects.visible().order_by("-id")[:10]:
        _fetch(server.port, posting.get_absolute_url())


def _concurrent_part(server: _Gunicorn, vocab, figures: dict, path=_page_query, name="") -> None:
    from jobboard.search_queries import endless_searches

    _clients(
        server, figures, f"{name}random searches, {CLIENTS} clients",
        lambda seed: (path(search) for search in endless_searches(vocab, seed=seed)),
    )  # fmt: skip


def _clients(server: _Gunicorn, figures: dict, name: str, paths) -> None:
    """CLIENTS clients, each fetching the paths `paths(seed)` gives (its own seed) for
    SECONDS, then the figures under `name`, with searches/s."""
    timed: list[tuple[float, str]] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + SECONDS

    def client(seed: int) -> None:
        for query in paths(seed):
            if time.monotonic() >= stop_at:
                return
            ms, error = _fetch(server.port, query)
            with lock:
                if error:
                    errors.append(f"{error}: {query}")
                else:
                    timed.append((ms, query))

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(SEED + 1 + i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    _report(name, timed, errors, figures, seconds=elapsed)


def _machine(when: str, figures: dict) -> None:
    """The load and the speed of this machine now. Its speed has drifted by half between
    periods of one day with nothing else running, more than most changes move a figure:
    runs are comparable only when their calibrations are close."""
    load = os.getloadavg()
    cpu, memory = _calibration()
    figures["machine"][when] = {"load": round(load[0], 2), "cpu_ms": cpu, "memory_ms": memory}
    print(
        f"at the {when}: load average {load[0]:.2f} {load[1]:.2f}, "
        f"calibration cpu {cpu} ms, memory {memory} ms",
        flush=True,
    )


_SCATTERED: list[float] = []
_ORDER: list[int] = []


def _calibration() -> tuple[float, float]:
    """(cpu, memory): the fastest of a few runs of two fixed pieces of pure Python, in ms.
    cpu: numbers, strings and a dict that stay in the processor's caches; memory: 500,000
    reads at random places in 64 MB, each a wait on memory, as the index and the match
    board's reads are."""
    if not _SCATTERED:
        rng = random.Random(1)
        _SCATTERED.extend(rng.random() for _ in range(2_000_000))
        _ORDER.extend(rng.sample(range(len(_SCATTERED)), 500_000))
    cpu = memory = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        seen: dict[str, int] = {}
        for i in range(100_000):
            key = f"k{i % 997}"
            seen[key] = seen.get(key, 0) + i * i % 7
        cpu = min(cpu, (time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        total = 0.0
        for i in _ORDER:
            total += _SCATTERED[i]
        memory = min(memory, (time.perf_counter() - started) * 1000)
    return round(cpu, 1), round(memory, 1)


def run(env: dict[str, str]) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobboard.settings")
    django.setup()

    from jobboard.search_queries import vocabulary_from_database
    from postings.models import Posting

    _setup_database()
    figures: dict = {"machine": {}}
    _machine("start", figures)
    served = {"patterns", "api", "posting", "random", "concurrent", "api-random", "api-concurrent"}
    if (served | {"match", "match-concurrent"}) & set(PARTS):
        vocab = vocabulary_from_database(sample_percent=0.5 if N > 50_000 else None)
    if served & set(PARTS):
        server = _Gunicorn(env)
        try:
            client = _Http(server.port)
            # The workers warm (each reads the index, the board and the taxonomy on its
            # first requests): the random part's warm-up searches and a few posting pages.
            _warm_up(server, vocab)
            if "patterns" in PARTS or "api" in PARTS:
                patterns = _patterns(_terms())
            if "patterns" in PARTS:
                _patterns_part(client, patterns, figures)
            if "api" in PARTS:
                figures |= api_figures(client, patterns, 38)
            if "posting" in PARTS:
                _posting_part(client, figures)
            if "random" in PARTS:
                _random_part(server, vocab, figures)
            if "concurrent" in PARTS:
                _concurrent_part(server, vocab, figures)
            if "api-random" in PARTS:
                _random_part(server, vocab, figures, _api_query, "api: ")
            if "api-concurrent" in PARTS:
                _concurrent_part(server, vocab, figures, _api_query, "api: ")
        finally:
            server.stop()
    if "match" in PARTS or "match-concurrent" in PARTS:
        _match_parts(env, vocab, figures)
    _machine("end", figures)
    print(json.dumps({"postings": Posting.objects.count(), "figures": figures}))
    return figures


# ---------------------------------------------------------------------------------------------
# /match/ (issue 15)
# ---------------------------------------------------------------------------------------------

MATCH_FILTERS = {
    "no filter": {},
    "level + workplace": {"level": ["senior"], "workplace": ["remote"]},
    "country + salary_min": {"country": ["US"], "salary_min": ["120000"]},
}


def match_profiles(count: int, seed: int) -> list[list[str]]:
    """`count` 12-skill profiles like a seeker's: skills (not soft ones) of two postings of one
    role family from the fixed 1% sample, drawn with a fixed seed."""
    import random

    from postings.models import Posting
    from skills.services import skill_index

    index = skill_index()
    rows = list(
        Posting.objects.visible().in_sample().order_by("id").values_list("skill_ids", "role_family")
    )
    rnd = random.Random(seed)
    profiles = []
    while len(profiles) < count:
        first = rnd.choice(rows)
        second = rnd.choice([row for row in rows[:2000] if row[1] == first[1]] or [first])
        pool = [
            index.by_id[s].slug
            for s in dict.fromkeys(first[0] + second[0])
            if s in index.by_id and index.by_id[s].is_active and not index.by_id[s].is_soft
        ]
        if len(pool) >= 12:
            profiles.append(rnd.sample(pool, 12))
    return profiles


def _match_query(have: list[str], search) -> str:
    """/match/ for these skills with a random search's filters (its sort and page aside)."""
    from jobboard.search_queries import query_string

    filters = [(k, v) for k, v in search if k not in {"sort", "page"}]
    return f"/match/?{query_string([*(('have', s) for s in have), *filters])}"


def _match_parts(env: dict[str, str], vocab, figures: dict) -> None:
    """/match/ through gunicorn. One client (after 50 warm-up pages, as the searches have):
    PROFILES 12-skill profiles under each of MATCH_FILTERS, then SEARCHES profiles each with
    a random search's filters (jobboard.search_queries: every filter of the page, text
    included). Then CLIENTS clients sending random profiles with random filters (or none)
    for SECONDS."""
    from jobboard.search_queries import endless_searches

    profiles = match_profiles(PROFILES, seed=SEED)
    server = _Gunicorn(env)
    try:
        if "match" in PARTS:
            # As the searches' part: a warm-up over every worker first (other profiles).
            warm = endless_searches(vocab, seed=WARMUP_SEED)
            for have in match_profiles(50, seed=WARMUP_SEED):
                _fetch(server.port, _match_query(have, next(warm)))
            for name, filters in MATCH_FILTERS.items():
                timed, errors = [], []
                for have in profiles:
                    query = _match_query(have, [(k, v) for k, vs in filters.items() for v in vs])
                    ms, error = _fetch(server.port, query)
                    (errors.append(f"{error}: {query}") if error else timed.append((ms, query)))
                _report(f"match, {name}, one client", timed, errors, figures)
            timed, errors = [], []
            searches = endless_searches(vocab, seed=SEED)
            for have in match_profiles(SEARCHES, seed=SEED + 100):
                query = _match_query(have, next(searches))
                ms, error = _fetch(server.port, query)
                (errors.append(f"{error}: {query}") if error else timed.append((ms, query)))
            _report("match, random filters, one client", timed, errors, figures)
        if "match-concurrent" in PARTS:
            mixes = match_profiles(PROFILES * 4, seed=SEED + 1)

            def paths(seed: int):
                searches = endless_searches(vocab, seed=seed)
                for at, search in enumerate(searches):
                    # every other match without filters, as a seeker's first look
                    yield _match_query(mixes[(seed + at) % len(mixes)], search if at % 2 else [])

            _clients(server, figures, f"match, {CLIENTS} clients", paths)
    finally:
        server.stop()


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
    index = LOCAL_DIR / "bench" / "search-index"
    if os.environ.get("BENCH_ENGINE") == "postgres":
        index = Path(tempfile.mkdtemp(prefix="no-search-index-"))
    os.environ.setdefault("SEARCH_INDEX_DIR", str(index))
    os.environ.setdefault("MATCH_BOARD_DIR", str(LOCAL_DIR / "bench" / "match-board"))
    try:
        run({**os.environ})
    finally:
        services.stop_started()
    return 0


if __name__ == "__main__":
    sys.exit(main())

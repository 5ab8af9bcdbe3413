"""`make bench`: the project's performance figures, printed as a table and one JSON line.

Runs against the throw-away servers `make bench` starts, with real Celery worker processes.
Sizes are modest by default so the run takes a few minutes; BENCH_POSTINGS=1000000 gives the
full-size figures.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobboard.settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

from postings.models import Posting  # noqa: E402
from skills.extraction import Taxonomy  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
N = int(os.environ.get("BENCH_POSTINGS", "200000"))


@contextlib.contextmanager
def worker(queues: str, concurrency: int, env: dict[str, str] | None = None) -> Iterator[None]:
    """A real Celery worker process, stopped afterwards."""
    proc = subprocess.Popen(
        [PY, "-m", "celery", "-A", "jobboard", "worker", "--queues", queues,
         "--concurrency", str(concurrency), "--loglevel", "WARNING", "--without-mingle",
         "--without-gossip", "--hostname", f"bench-{queues}@%h"],
        cwd=ROOT, env={**os.environ, **(env or {})},
    )  # fmt: skip
    try:
        time.sleep(4)  # boot and build the matcher before the clock starts
        yield
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def _wait_until_tagged(version: int, timeout: float = 1800) -> float:
    started = time.perf_counter()
    while Posting.objects.needing_tags(version).exists():
        if time.perf_counter() - started > timeout:
            raise RuntimeError("tagging did not finish in time")
        time.sleep(0.5)
    return time.perf_counter() - started


def bench_seed() -> dict:
    started = time.perf_counter()
    call_command("seed_demo", postings=N, seed=1, no_progress=True, stdout=io.StringIO())
    seconds = time.perf_counter() - started
    return {
        "seed_postings": N,
        "seed_postings_per_s": round(N / seconds),
        "seed_1m_projected_min": round(1_000_000 / (N / seconds) / 60, 1),
    }


def bench_tagging() -> dict:
    from postings.tagging.tasks import follow_taxonomy, tag_stale_ranges
    from skills.services import taxonomy_changed, taxonomy_load, taxonomy_version

    taxonomy_load(taxonomy=Taxonomy.load())
    figures = {}
    with worker("default,retag", concurrency=2):
        version = taxonomy_version()
        tag_stale_ranges.delay()
        seconds = _wait_until_tagged(version)
        figures["tag_initial_postings_per_s"] = round(N / seconds)
        with transaction.atomic():
            version = taxonomy_changed()  # as the admin does
        # What beat does every few seconds; sent at once here, so the time is the re-tag's.
        follow_taxonomy.delay()
        seconds = _wait_until_tagged(version)
        figures["retag_postings_per_s"] = round(N / seconds)
        figures["retag_1m_projected_min"] = round(1_000_000 / (N / seconds) / 60, 2)
    return figures


def bench_latency(samples: int = 40) -> dict:
    from postings.tagging.services import posting_enqueue_tagging
    from tests.factories import PostingFactory

    waits = []
    with worker("default", concurrency=1):
        for _ in range(samples):
            with transaction.atomic():
                posting = PostingFactory(description="PyTorch, Kubernetes and SQL on AWS.")
                posting_enqueue_tagging(posting_id=posting.pk)
            committed = time.perf_counter()
            while not Posting.objects.filter(pk=posting.pk, tag_state__isnull=False).exists():
                time.sleep(0.005)
            waits.append(time.perf_counter() - committed)
    waits.sort()
    return {
        "tag_latency_p50_ms": round(statistics.median(waits) * 1000),
        "tag_latency_p95_ms": round(waits[int(len(waits) * 0.95) - 1] * 1000),
    }


def bench_matcher() -> dict:
    data = ROOT.parent / "shared" / "data" / "skillspan_tech"
    if not data.exists():
        return {"matcher": f"skipped: {data} not present"}
    out = subprocess.run(
        [PY, "-m", "skills.extraction.bench"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    result = json.loads(out.strip().splitlines()[-1])
    return {
        "matcher_mb_per_s": result["speed_mb_per_s"],
        "skillspan_dev_precision": result["dev"]["precision"],
        "skillspan_dev_recall": result["dev"]["recall"],
        "skillspan_train_precision": result["train"]["precision"],
        "skillspan_train_recall": result["train"]["recall"],
    }


SEARCHES = int(os.environ.get("BENCH_SEARCHES", "100000"))
NEW_PER_DAY = 5_000
_WORDS = ["engineer", "machine learning", "pytorch", "llm", "ranking", "platform", "vision",
          "recommendation", "research", "mlops", "nlp", "data", "kubernetes", "startup",
          "fintech", "health", "speech", "robotics", "graph", "search", "ads", "transformers",
          "pyt0rch", "kuberentes"]  # fmt: skip


def _alert_queries(n: int, seed: int) -> list[tuple[str, str]]:
    """A realistic mix of saved searches: (query string, frequency). Mostly one to three
    filters; text, skills, level and workplace the most used, as on the search page."""
    import random
    from collections import Counter
    from urllib.parse import urlencode

    from skills.services import skill_index

    rng = random.Random(seed)
    counted = Counter(
        s
        for ids in Posting.objects.order_by("-id").values_list("skill_ids", flat=True)[:20_000]
        for s in ids
    )
    index = skill_index()
    popular = [index.by_id[i].slug for i, _ in counted.most_common(60) if i in index.by_id]
    queries = []
    for _ in range(n):
        params: list[tuple[str, str]] = []
        if rng.random() < 0.5:
            params.append(("q", " ".join(rng.sample(_WORDS, rng.choice([1, 1, 2])))))
        if rng.random() < 0.5:
            for slug in rng.sample(popular, rng.choice([1, 1, 2, 3])):
                params.append(("skills", slug))
            if rng.random() < 0.3:
                params.append(("match", "all"))
        if rng.random() < 0.4:
            for level in rng.sample(["junior", "mid", "senior", "lead"], rng.choice([1, 2])):
                params.append(("level", level))
        if rng.random() < 0.35:
            params.append(("workplace", rng.choice(["remote", "hybrid", "onsite"])))
        if rng.random() < 0.2:
            params.append(("role", rng.choice(["ml_engineer", "data_scientist", "mlops"])))
        if rng.random() < 0.15:
            params.append(("country", rng.choice(["US", "DE", "GB", "FR", "IN", "CA"])))
        if rng.random() < 0.1:
            params.append(("salary_min", str(rng.choice([80_000, 120_000, 160_000]))))
        if rng.random() < 0.05:
            params.append(("visa", "1"))
        frequency = rng.choices(["daily", "weekly", "instant"], weights=[80, 10, 10])[0]
        queries.append((urlencode(params), frequency))
    return queries


def _new_roles(n: int, seed: int, *, since, until) -> list[int]:
    """n roles published between `since` and `until` (spread evenly at random), tagged."""
    import random

    from django.db.models import Max

    from postings.demo.content import generate_companies, generate_postings
    from postings.services import companies_ensure, postings_bulk_load
    from postings.tagging.services import postings_tag

    companies = generate_companies(seed)
    company_ids = companies_ensure(companies=companies)
    before = Posting.objects.aggregate(m=Max("id"))["m"] or 0
    rows = generate_postings(n, seed=seed, now=until, companies=companies)
    postings_bulk_load(rows=rows, company_ids=company_ids)
    ids = list(Posting.objects.filter(id__gt=before).values_list("id", flat=True))
    rng = random.Random(seed)
    span = (until - since).total_seconds()
    with transaction.atomic():
        for pk in ids:
            at = since + timedelta(seconds=rng.uniform(0, span))
            Posting.objects.filter(pk=pk).update(
                status="published", published_at=at, expires_at=at + timedelta(days=30)
            )
    postings_tag(posting_ids=ids)
    return ids


def bench_alerts() -> dict:
    """Saved-search alerts at scale: SEARCHES saved searches, a day of NEW_PER_DAY new
    roles; the daily digest run with two worker processes; instant alerts' latency."""
    from django.utils import timezone

    from postings.models import SavedSearch

    now = timezone.now()
    _new_roles(NEW_PER_DAY, 2, since=now - timedelta(days=1), until=now)
    mix = _alert_queries(SEARCHES, 3)
    SavedSearch.objects.bulk_create(
        [
            SavedSearch(email=f"seeker{n}@bench.example", name=f"Search {n}", query=query,
                        frequency=frequency, confirmed_at=now - timedelta(days=2),
                        mark=now - timedelta(days=1),
                        due_at=now - timedelta(seconds=n % 600))
            for n, (query, frequency) in enumerate(mix)
        ],
        batch_size=5_000,
    )  # fmt: skip
    return {
        "alerts_saved_searches": SEARCHES,
        "alerts_new_roles_in_day": NEW_PER_DAY,
        **alert_run_figures(now),
    }


def alert_run_figures(now) -> dict:
    """The daily run of the due digests on two workers, then instant alerts' latency."""
    from django.utils import timezone

    from postings.models import AlertMail, SavedSearch
    from postings.seekers.tasks import dispatch_digests, run_instant_alerts

    figures: dict = {}
    digests = SavedSearch.objects.filter(frequency__in=["daily", "weekly"], due_at__lte=now)
    with smtp_sink() as port, worker("default", 2, {"EMAIL_HOST": "127.0.0.1",
                                                     "EMAIL_PORT": str(port),
                                                     "EMAIL_USE_TLS": "0"}):  # fmt: skip
        started = time.perf_counter()
        dispatch_digests.delay()
        dispatched = time.monotonic()
        while digests.exists():
            time.sleep(0.5)
            if time.monotonic() - dispatched >= 300:  # as beat does (settings' digest-alerts)
                dispatch_digests.delay()
                dispatched = time.monotonic()
        figures["alerts_daily_run_s"] = round(time.perf_counter() - started, 1)
        figures["alerts_digest_mails"] = AlertMail.objects.count()
        while AlertMail.objects.filter(sent_at__isnull=True).exists():
            time.sleep(0.5)
        figures["alerts_daily_run_and_mails_sent_s"] = round(time.perf_counter() - started, 1)

        # Instant alerts: roles published one by one while beat runs them every 20 s.
        run_instant_alerts.delay()
        time.sleep(5)
        new: list[int] = []
        beat_at = time.monotonic()
        for n in range(40):
            moment = timezone.now()
            new += _new_roles(1, 100 + n, since=moment, until=moment)
            if time.monotonic() - beat_at >= 20:
                run_instant_alerts.delay()
                beat_at = time.monotonic()
            time.sleep(2)
        for _ in range(2):
            time.sleep(max(0.0, 20 - (time.monotonic() - beat_at)))
            run_instant_alerts.delay()
            beat_at = time.monotonic()
        time.sleep(10)
    published = dict(Posting.objects.filter(id__in=new).values_list("id", "published_at"))
    first_mail: dict[int, float] = {}
    for created, ids in AlertMail.objects.filter(
        saved_search__frequency="instant", created_at__gt=now
    ).values_list("created_at", "posting_ids"):
        for pk in ids:
            if pk in published:
                wait = (created - published[pk]).total_seconds()
                first_mail[pk] = min(wait, first_mail.get(pk, wait))
    waits = sorted(first_mail.values())
    if waits:
        figures["alerts_instant_roles_mailed"] = f"{len(waits)} of {len(new)}"
        figures["alerts_instant_to_outbox_p50_s"] = round(statistics.median(waits), 1)
        figures["alerts_instant_to_outbox_p95_s"] = round(waits[int(len(waits) * 0.95) - 1], 1)
        figures["alerts_instant_to_outbox_max_s"] = round(waits[-1], 1)
    return figures


@contextlib.contextmanager
def smtp_sink() -> Iterator[int]:
    """A real SMTP server that accepts and forgets every mail; yields its port."""
    from aiosmtpd.controller import Controller

    from jobboard.localservices import free_port

    class Sink:
        async def handle_DATA(self, server, session, envelope) -> str:
            return "250 OK"

    controller = Controller(Sink(), hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller.port
    finally:
        controller.stop()


def main() -> int:
    call_command("migrate", verbosity=0)
    figures: dict = {}
    for section in (bench_matcher, bench_seed, bench_tagging, bench_latency, bench_alerts):
        figures.update(section())
        print(f"{section.__name__}: done", file=sys.stderr, flush=True)
    width = max(len(k) for k in figures)
    for key, value in figures.items():
        print(f"{key:<{width}}  {value}")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())

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
def worker(queues: str, concurrency: int) -> Iterator[None]:
    """A real Celery worker process, stopped afterwards."""
    proc = subprocess.Popen(
        [PY, "-m", "celery", "-A", "jobboard", "worker", "--queues", queues,
         "--concurrency", str(concurrency), "--loglevel", "WARNING", "--without-mingle",
         "--without-gossip", "--hostname", f"bench-{queues}@%h"],
        cwd=ROOT,
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


def main() -> int:
    call_command("migrate", verbosity=0)
    figures: dict = {}
    for section in (bench_matcher, bench_seed, bench_tagging, bench_latency):
        figures.update(section())
        print(f"{section.__name__}: done", file=sys.stderr, flush=True)
    width = max(len(k) for k in figures)
    for key, value in figures.items():
        print(f"{key:<{width}}  {value}")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())

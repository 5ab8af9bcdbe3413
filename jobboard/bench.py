"""`make bench`: the project's performance figures, printed as a table and one JSON line.

Runs against the throw-away servers `make bench` starts. Sizes are modest by default so the
whole run takes a few minutes; set BENCH_SEED_POSTINGS=1000000 for the full seeding figure.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

PY = sys.executable


def _manage(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PY, "manage.py", *args], capture_output=True, text=True, check=True, timeout=3600
    )


def bench_seed() -> dict:
    n = int(os.environ.get("BENCH_SEED_POSTINGS", "200000"))
    started = time.perf_counter()
    _manage("seed_demo", "--postings", str(n), "--seed", "1", "--no-progress")
    seconds = time.perf_counter() - started
    rate = n / seconds
    return {
        "seed_postings": n,
        "seed_seconds": round(seconds, 1),
        "seed_postings_per_second": round(rate),
        "seed_1m_projected_minutes": round(1_000_000 / rate / 60, 1),
    }


def main() -> int:
    _manage("migrate", "--no-input", "-v", "0")
    figures: dict = {}
    figures.update(bench_seed())
    width = max(len(k) for k in figures)
    for key, value in figures.items():
        print(f"{key:<{width}}  {value}")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())

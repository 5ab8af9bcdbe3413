"""`make bench-sync`: an applicant tracking system syncing 1,000 roles through the employer API.

On the throw-away servers `make bench-sync` starts: one company and its API token; every
request goes through the whole Django stack (Django's test client: authentication,
throttling, the posting form's validation, the services, the response). The steps:

1. PUT 1,000 roles by their ATS ids (each is created and sent to review).
2. The roles are approved (as a moderator would), so they are live.
3. PUT the same 1,000 again: the second run must change nothing; the script checks that no
   posting, revision or token row differs afterwards (last_used_at aside) and fails if one does.
4. 100 edits of live roles (a new title: each waits for review), then 100 DELETEs (closed).

Prints requests per second and p50/p95 per step, as a table and one JSON line.
"""

from __future__ import annotations

import hashlib
import json
import os
import statistics
import sys
import time
from datetime import UTC, datetime

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobboard.settings")
os.environ.setdefault("API_TOKEN_RATE", "1000000/min")  # the throttle is not what is measured
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

ROLES = int(os.environ.get("BENCH_SYNC_ROLES", "1000"))
CHANGES = int(os.environ.get("BENCH_SYNC_CHANGES", "100"))


def _roles(n: int) -> list[tuple[str, dict]]:
    """n realistic roles (the demo generator's), as an ATS sends them."""
    from postings.demo.content import generate_companies, generate_postings

    rows = generate_postings(n, seed=7, now=datetime.now(UTC), companies=generate_companies(7))
    roles = []
    for row in rows:
        body = {
            "title": row["title"],
            "description": row["description"],
            "level": row["seniority"],
            "role": row["role_family"],
            "employment_type": row["employment_type"],
            "workplace": row["workplace"],
            "city": row["city"],
            "region": row["region"],
            "country": row["country"],
            "remote_regions": row["remote_regions"],
            "visa_sponsorship": row["visa_sponsorship"],
            "apply_url": row["apply_url"] or "",
            "apply_email": row["apply_email"] or "",
        }
        if row["salary_min"] is None:  # the demo has roles without pay; the API requires it
            body |= {"salary_min": 100000, "salary_max": 150000, "salary_currency": "USD",
                     "salary_period": "year"}  # fmt: skip
        else:
            body |= {
                "salary_min": float(row["salary_min"]),
                "salary_max": float(row["salary_max"]),
                "salary_currency": row["salary_currency"],
                "salary_period": row["salary_period"],
            }
        roles.append((f"ats-{row['key']}", body))
    return roles


def _state() -> str:
    """A digest of every row the sync may write (token use times aside)."""
    with connection.cursor() as cursor:
        digest = hashlib.sha256()
        for table, order in (("postings_posting", "id"), ("postings_postingrevision", "id")):
            cursor.execute(f"SELECT t::text FROM {table} t ORDER BY {order}")
            for (row,) in cursor.fetchall():
                digest.update(row.encode())
        return digest.hexdigest()


def _timed(client: Client, method: str, requests: list[tuple[str, dict | None]], token: str):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    times, codes = [], {}
    started = time.perf_counter()
    for path, body in requests:
        begun = time.perf_counter()
        data = json.dumps(body) if body is not None else None
        response = getattr(client, method)(
            path, data=data, content_type="application/json", **headers
        )
        times.append((time.perf_counter() - begun) * 1000)
        result = response.json().get("result", response.status_code)
        codes[result] = codes.get(result, 0) + 1
    total = time.perf_counter() - started
    times.sort()
    return {
        "requests": len(requests),
        "seconds": round(total, 2),
        "per_s": round(len(requests) / total, 1),
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1),
        "outcomes": codes,
    }


def run() -> dict:
    from postings.employers.tokens import api_token_create
    from postings.models import Company, Posting, Status
    from postings.moderation.services import posting_approve
    from skills.extraction import Taxonomy
    from skills.services import taxonomy_load
    from tests.factories import UserFactory

    call_command("migrate", verbosity=0)
    call_command("load_exchange_rates", stdout=open(os.devnull, "w"))  # noqa: SIM115
    taxonomy_load(taxonomy=Taxonomy.load())
    company = Company.objects.create(name="Sync Bench Co", slug="sync-bench-co", country="US")
    user = UserFactory(username="ats@sync-bench.example")
    moderator = UserFactory(username="mod@sync-bench.example", is_staff=True)
    token = api_token_create(company=company, user=user, name="bench ATS")[1]
    client = Client(SERVER_NAME="127.0.0.1")
    roles = _roles(ROLES)
    put = [(f"/api/v1/employer/jobs/{external_id}/", body) for external_id, body in roles]

    figures = {"first sync (create)": _timed(client, "put", put, token)}
    for posting in Posting.objects.filter(company=company, status=Status.PENDING_REVIEW):
        posting_approve(posting=posting, reviewer=moderator)
    before = _state()
    figures["second sync (same roles)"] = _timed(client, "put", put, token)
    unchanged = _state() == before
    edits = [
        (path, {**body, "title": body["title"] + " (updated)"}) for path, body in put[:CHANGES]
    ]
    figures["edits of live roles"] = _timed(client, "put", edits, token)
    closes = [(path, None) for path, _ in put[CHANGES : 2 * CHANGES]]
    figures["closes (DELETE)"] = _timed(client, "delete", closes, token)
    counts = {
        "published": Posting.objects.filter(company=company, status=Status.PUBLISHED).count(),
        "closed": Posting.objects.filter(company=company, status=Status.CLOSED).count(),
        "edits waiting for review": company.postings.filter(revisions__status="pending").count(),
    }
    width = 26
    print(f"{'step':<{width}} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7}  outcomes")
    for name, f in figures.items():
        print(
            f"{name:<{width}} {f['requests']:>8} {f['per_s']:>7} {f['p50_ms']:>7} "
            f"{f['p95_ms']:>7}  {f['outcomes']}"
        )
    print(f"second sync changed nothing: {unchanged}; afterwards: {counts}")
    print(json.dumps({"figures": figures, "second_sync_unchanged": unchanged, "counts": counts}))
    if not unchanged:
        raise SystemExit("the second sync changed rows")
    return figures


if __name__ == "__main__":
    run()
    sys.exit(0)

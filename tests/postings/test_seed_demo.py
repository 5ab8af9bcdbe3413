"""seed_demo loads realistic postings in bulk, reproducibly, and never twice."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from postings.models import Company, Posting
from tests.factories import PostingFactory

pytestmark = pytest.mark.django_db


def _seed(n: int, seed: int = 7) -> str:
    out = io.StringIO()
    call_command("seed_demo", postings=n, seed=seed, no_progress=True, stdout=out)
    return out.getvalue()


def test_it_loads_the_requested_number_of_postings_in_every_state():
    assert "300 postings added" in _seed(300)
    assert Posting.objects.count() == 300
    statuses = set(Posting.objects.values_list("status", flat=True))
    assert {"published", "closed", "expired"} <= statuses
    assert Posting.objects.visible().count() > 200
    assert Posting.objects.filter(salary_min__isnull=True).exists()


def test_a_second_run_adds_nothing_and_keeps_what_users_created():
    _seed(120)
    mine = PostingFactory(title="Written by a real employer")
    companies = Company.objects.count()

    assert "0 postings added, 120 already present" in _seed(120)

    assert Posting.objects.count() == 121
    assert Company.objects.count() == companies
    mine.refresh_from_db()
    assert mine.title == "Written by a real employer"


def test_the_same_seed_gives_the_same_postings():
    _seed(40, seed=11)
    first = list(Posting.objects.order_by("source_key").values_list("title", "salary_min"))
    Posting.objects.all().delete()
    _seed(40, seed=11)
    again = list(Posting.objects.order_by("source_key").values_list("title", "salary_min"))
    assert first == again


def test_seeded_postings_satisfy_the_model_and_render(client):
    _seed(50)
    posting = Posting.objects.visible().first()
    response = client.get(posting.get_absolute_url())
    assert response.status_code == 200
    assert posting.title.encode() in response.content


def test_load_demo_creates_the_demo_logins_once_and_tags_the_postings(taxonomy):
    from django.contrib.auth import get_user_model

    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    users = get_user_model().objects.filter(username__endswith="@mljobs.example")
    assert sorted(users.values_list("username", "is_staff")) == [
        ("admin@mljobs.example", True),
        ("employer@mljobs.example", False),
        ("seeker@mljobs.example", False),
    ]
    # Demo addresses cannot receive a confirmation link: they count as confirmed.
    assert all(user.account.verified for user in users)
    assert Posting.objects.count() == 500
    # Tagged before `make run` builds the match board and the index, not left to a worker.
    assert not Posting.objects.filter(tag_state__isnull=True).exists()
    assert Posting.objects.exclude(skill_ids=[]).count() > 400


@pytest.mark.django_db(transaction=True)
def test_the_command_sends_its_tagging_work_from_a_fresh_process():
    # A process that is not a worker knows its tasks only once it imports them: the first
    # `make run` seeds the demo data this way, and used to stop at "NotRegistered".
    import os
    import subprocess
    import sys
    from pathlib import Path

    from django.db import connection

    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/"
        f"{db['NAME']}",
        "CELERY_TASK_ALWAYS_EAGER": "1",  # the tagging runs in that process, after commit
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "seed_demo", "--postings", "3", "--no-progress"],
        cwd=Path(__file__).resolve().parents[2], env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "3 postings added" in done.stdout
    assert not Posting.objects.filter(tag_state__isnull=True).exists()

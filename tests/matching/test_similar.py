"""A posting page's similar roles from the board equal the plain definition: among the 200
newest visible roles at the same level sharing a skill (the posting aside), the 5 sharing the
most skills, then the newest; checked posting by posting over generated postings, with the
first window of newest rows read cut short so the reading has to widen (and without)."""

from __future__ import annotations

import random

import pytest
from django.utils import timezone

from postings.matching import similar
from postings.matching.board import board
from skills.services import skill_index
from tests.matching.generated import generated_board

pytestmark = pytest.mark.django_db

POSTINGS = 3_000


@pytest.fixture
def rows(db):
    return generated_board(
        POSTINGS,
        seed=11,
        companies=3,
        columns=("id", "status", "published_at", "expires_at", "seniority", "skill_ids"),
    )


def _reference(rows, pk: int, skills: list[int], level: str) -> list[int]:
    now = timezone.now()
    wanted = set(skills)
    candidates = sorted(
        (
            (published, other)
            for other, status, published, expires, seniority, skill_ids in rows
            if status == "published" and published <= now
            and (expires is None or expires > now)
            and seniority == level and other != pk and wanted & set(skill_ids)
        ),
        reverse=True,
    )[:200]  # fmt: skip
    shared = {other: len(wanted & set(s)) for other, *_, s in rows}
    ranked = sorted(candidates, key=lambda c: (shared[c[1]], c[0], c[1]), reverse=True)
    return [other for _, other in ranked[:5]]


@pytest.mark.parametrize("window", [similar.FIRST_WINDOW, 1_000, 7])
def test_the_boards_similar_roles_equal_the_plain_definition(rows, window, monkeypatch):
    monkeypatch.setattr(similar, "FIRST_WINDOW", window)
    scores = board(skill_index())
    rnd = random.Random(3)
    compared = 0
    for pk, _, _, _, level, skill_ids in rnd.sample(rows, 150):
        got = similar.similar_ids(scores, pk, skill_ids, level)
        assert got == _reference(rows, pk, skill_ids, level), pk
        compared += len(got)
    assert compared > 150 * 4  # nearly every posting has 5 similar roles

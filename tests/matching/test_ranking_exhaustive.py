"""The ranking reads only the roles its keys say can reach the top, and still shows exactly
what scoring every role would (issue 15, "Speed and correctness"): over 20,000 generated
postings and 200 random profiles, with and without filters, its first 50 roles equal a plain
Python computation of the score over every posting, ties broken the same way (newest, then
highest id)."""

from __future__ import annotations

import random

import pytest
from django.db import connection
from django.http import QueryDict
from django.utils import timezone

from postings.demo.content import generate_companies, generate_postings
from postings.filters import parse_search
from postings.matching.profiles import profile_of
from postings.matching.ranking import rank
from postings.models import Posting
from postings.services import companies_ensure, postings_bulk_load
from postings.tagging.services import postings_tag
from skills.extraction import Taxonomy
from skills.models import Skill
from skills.services import SOFT_SKILL_CATEGORY, skill_index, taxonomy_load

pytestmark = pytest.mark.django_db

POSTINGS = 20_000
PROFILES = 200
FIRST = 50


@pytest.fixture
def board(db):
    taxonomy_load(taxonomy=Taxonomy.load())
    companies = generate_companies(7)
    rows = generate_postings(POSTINGS, seed=7, now=timezone.now(), companies=companies)
    postings_bulk_load(rows=rows, company_ids=companies_ensure(companies=companies))
    ids = Posting.objects.order_by("id").values_list("id", flat=True)
    for start in range(ids.first(), ids.last() + 1, 5_000):
        postings_tag(id_range=(start, start + 5_000))
    with connection.cursor() as cursor:  # statistics, so the planner takes the key index
        cursor.execute("ANALYZE postings_posting")
    return list(
        Posting.objects.values_list(
            "id", "status", "published_at", "expires_at", "seniority", "workplace",
            "skill_ids", "preferred_skill_ids",
        )
    )  # fmt: skip


def _reference(rows, have: list[int], skills: dict, wanted_filters: dict) -> list[tuple]:
    """Every visible posting scored in plain Python, best first: the weighted share of its
    active skills the seeker covers (a skill covers the skills above it), required 6,
    nice-to-have 2, soft 1."""
    covered = set()
    for skill in have:
        while skill is not None and skill not in covered:
            covered.add(skill)
            skill = skills[skill][0]
    now = timezone.now()
    scored = []
    for pk, status, published, expires, level, workplace, skill_ids, preferred in rows:
        if status != "published" or published > now or (expires is not None and expires <= now):
            continue
        if "level" in wanted_filters and level not in wanted_filters["level"]:
            continue
        if "workplace" in wanted_filters and workplace not in wanted_filters["workplace"]:
            continue
        had = total = 0
        for skill in skill_ids:
            _, active, soft = skills[skill]
            if not active:
                continue
            weight = 1 if soft else 2 if skill in preferred else 6
            total += weight
            had += weight if skill in covered else 0
        if had:
            scored.append((had / total, published, pk))
    scored.sort(reverse=True)
    return scored


def test_the_first_50_roles_equal_scoring_every_role_in_plain_python(board):
    skills = {
        pk: (parent, active, category == SOFT_SKILL_CATEGORY)
        for pk, parent, active, category in Skill.objects.values_list(
            "id", "parent_id", "is_active", "category__slug"
        )
    }
    index = skill_index()
    active = sorted(index.by_slug.values(), key=lambda ref: ref.id)
    used = [row for row in board if row[6]]
    rnd = random.Random(15)
    compared = 0
    for n in range(PROFILES):
        if n % 4 == 3:  # any skills at all, soft and broad ones too, up to 40
            refs = rnd.sample(active, rnd.randint(1, 40))
        else:  # a seeker like the roles: skills of one or two of them
            pool = sorted({s for row in rnd.sample(used, rnd.randint(1, 2)) for s in row[6]})
            refs = [index.by_id[s] for s in rnd.sample(pool, min(len(pool), rnd.randint(1, 14)))]
            refs = [ref for ref in refs if ref.is_active]
        filters: dict[str, list[str]] = {}
        if n % 3 == 1:
            filters["level"] = rnd.sample(["junior", "mid", "senior", "lead"], rnd.randint(1, 2))
        if n % 5 == 2:
            filters["workplace"] = [rnd.choice(["remote", "hybrid", "onsite"])]
        query = QueryDict(mutable=True)
        for name, values in filters.items():
            query.setlist(name, values)
        parsed = parse_search(query, skills=index)

        ranking = rank(parsed.filter.qs, profile_of(refs, index), wanted=FIRST)

        expected = _reference(board, [ref.id for ref in refs], skills, filters)[:FIRST]
        got = [(s.score, s.published_at, s.posting_id) for s in ranking.ranked]
        assert got == expected, (n, [ref.slug for ref in refs], filters)
        compared += len(got)
    assert compared > PROFILES * FIRST * 0.9  # nearly every profile has 50 roles to compare

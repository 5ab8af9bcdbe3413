"""The board's ranking shows exactly what scoring every role one by one would (issue 15,
"Speed and correctness"): over 20,000 generated postings and 200 random profiles, with and
without filters, its first 50 roles equal a plain Python computation of the score over every
posting, ties broken the same way (newest, then highest id). The filters take both of the
ranking's ways: listed whole (few roles) and asked about best first (many)."""

from __future__ import annotations

import random
from collections import Counter

import numpy as np
import pytest
from django.http import QueryDict
from django.utils import timezone

from postings.filters import parse_search
from postings.matching import learn
from postings.matching import ranking as ranking_module
from postings.matching.board import board as match_board
from postings.matching.profiles import profile_of
from postings.matching.ranking import rank
from skills.models import Skill
from skills.services import SOFT_SKILL_CATEGORY, skill_index
from tests.matching.generated import generated_board

pytestmark = pytest.mark.django_db

POSTINGS = 20_000
PROFILES = 200
FIRST = 50


@pytest.fixture
def board(db):
    return generated_board(
        POSTINGS, seed=7, companies=7,
        columns=("id", "status", "published_at", "expires_at", "seniority", "workplace",
                 "skill_ids", "preferred_skill_ids"),
    )  # fmt: skip


def _closure(have, skills: dict) -> set[int]:
    """These skills and every skill above them."""
    covered = set()
    for skill in have:
        while skill is not None and skill not in covered:
            covered.add(skill)
            skill = skills[skill][0]
    return covered


def _roles(rows, skills: dict, wanted_filters: dict):
    """The visible roles the filters leave: (published, id, [(skill, weight)])."""
    now = timezone.now()
    for pk, status, published, expires, level, workplace, skill_ids, preferred in rows:
        if status != "published" or published > now or (expires is not None and expires <= now):
            continue
        if "level" in wanted_filters and level not in wanted_filters["level"]:
            continue
        if "workplace" in wanted_filters and workplace not in wanted_filters["workplace"]:
            continue
        weighed = []
        for skill in skill_ids:
            _, active, soft = skills[skill]
            if active:
                weighed.append((skill, 1 if soft else 2 if skill in preferred else 6))
        yield published, pk, weighed


def _share(weighed, covered: set[int]) -> float:
    total = sum(weight for _, weight in weighed)
    had = sum(weight for skill, weight in weighed if skill in covered)
    return had / total if total else 0.0


def _fits(weighed, covered: set[int]) -> bool:
    required = [skill for skill, weight in weighed if weight == 6]
    had = sum(1 for skill in required if skill in covered)
    return bool(required) and had * 5 >= len(required) * 4


def _reference(rows, have: list[int], skills: dict, wanted_filters: dict) -> list[tuple]:
    """Every visible posting scored in plain Python, best first: the weighted share of its
    active skills the seeker covers (a skill covers the skills above it), required 6,
    nice-to-have 2, soft 1."""
    covered = _closure(have, skills)
    scored = []
    for published, pk, weighed in _roles(rows, skills, wanted_filters):
        share = _share(weighed, covered)
        if share:
            scored.append((share, published, pk))
    scored.sort(reverse=True)
    return scored


def _reference_learning(rows, have: list[int], skills: dict, wanted_filters: dict):
    """(roles that fit well now, {skill: roles it alone would make fit}, {skill: the roles
    it would open, best first by the score with it}), every role checked one by one."""
    covered = _closure(have, skills)
    fit_now, opens, opened = 0, Counter(), {}
    for published, pk, weighed in _roles(rows, skills, wanted_filters):
        if _fits(weighed, covered):
            fit_now += 1
            continue
        for skill in {s for s, weight in weighed if weight == 6} - covered:
            learned = covered | _closure([skill], skills)
            if _fits(weighed, learned):
                opens[skill] += 1
                opened.setdefault(skill, []).append((_share(weighed, learned), published, pk))
    return fit_now, opens, {skill: sorted(roles, reverse=True) for skill, roles in opened.items()}


def test_ranking_and_learning_equal_checking_every_role_in_plain_python(board, monkeypatch):
    skills = {
        pk: (parent, active, category == SOFT_SKILL_CATEGORY)
        for pk, parent, active, category in Skill.objects.values_list(
            "id", "parent_id", "is_active", "category__slug"
        )
    }
    index = skill_index()
    active = sorted(index.by_slug.values(), key=lambda ref: ref.id)
    used = [row for row in board if row[6]]
    scores = match_board(index)
    rnd = random.Random(15)
    compared = learned = 0
    sample = scores.sample_rows
    assert len(sample) > 100  # some 200 of the 20,000 roles
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
        have = [ref.id for ref in refs]
        profile = profile_of(refs, index)

        expected = [(score, pk) for score, _, pk in _reference(board, have, skills, filters)]
        # Every way: the filters' roles listed whole; asked about best first; asked about
        # for one round of as many as wanted, then (too few passed) listed whole after all.
        for few, rounds in ((ranking_module.FEW, 3), (0, 3), (0, 1)):
            monkeypatch.setattr(ranking_module, "FEW", few)
            monkeypatch.setattr(ranking_module, "ASK_ROUNDS", rounds)
            monkeypatch.setattr(ranking_module, "FIRST_ASKED", 8 if rounds == 3 else 1)
            ranking = rank(scores, profile, parsed, wanted=FIRST)
            got = [(s.score, s.posting_id) for s in ranking.ranked]
            assert got == expected[:FIRST], (n, few, rounds, [ref.slug for ref in refs], filters)
        compared += len(got)

        if n % 4:
            continue
        # Over any ascending part of the sample, its entries gathered once per board count
        # what those gathered for the rows at hand count: for this profile, and for one
        # with every skill of some roles of the sample in the part and out of it (which
        # fit it: roles that fit are rare for the drawn profiles).
        pick = random.Random(n)  # apart from rnd: the profiles drawn stay the same
        part = np.sort(pick.sample(list(sample), pick.randint(1, len(sample) - 10)))
        outside = sorted(set(sample.tolist()) - set(part.tolist()))
        some = np.array(pick.sample(outside, 5) + pick.sample(list(part), min(5, len(part))))
        fitting = profile_of(
            [index.by_id[s] for s in set(scores.row_entries(some)[1].tolist()) if s in index.by_id],
            index,
        )
        for who in (profile, fitting):
            once = learn.opening_counts(scores, who, part, of_sample=True)
            assert once == learn.opening_counts(scores, who, part), n
        assert learn.opening_counts(scores, fitting, sample, of_sample=True)[1] >= 5
        monkeypatch.setattr(learn, "FEW", 0)
        sampled, estimated = learn._counted_rows(scores, parsed)
        if estimated:
            once = learn.opening_counts(scores, profile, sampled, of_sample=True)
            assert once == learn.opening_counts(scores, profile, sampled), n
        # Skills to learn, counted over every role (no sample): each missing skill's count.
        monkeypatch.setattr(learn, "FEW", len(board))
        rows, estimated = learn._counted_rows(scores, parsed)
        gains, fit_now = learn.opening_counts(scores, profile, rows)
        want_fit, want_gains, want_opened = _reference_learning(board, have, skills, filters)
        assert not estimated
        assert (fit_now, gains) == (want_fit, dict(want_gains)), (n, [r.slug for r in refs])
        for skill in rnd.sample(sorted(want_opened), min(3, len(want_opened))):
            ref = index.by_id[skill]
            opened, count = learn.opened_roles(
                scores, profile, profile_of([*refs, ref], index), ref, parsed, wanted=FIRST
            )
            assert count == len(want_opened[skill])
            assert [(s.score, s.posting_id) for s in opened.ranked] == [
                (score, pk) for score, _, pk in want_opened[skill][:FIRST]
            ]
            learned += 1
    assert compared > PROFILES * FIRST * 0.9  # nearly every profile has 50 roles to compare
    assert learned > PROFILES // 8  # most checked profiles miss skills that would open roles

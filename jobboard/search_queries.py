"""Random job searches over the whole filter space of /jobs/, the same for a given seed.

Two users: `make bench-browse` times them at a million postings (jobboard.bench_browse), and
the correctness test (tests/postings/test_search_random.py) compares each page with a plain
ORM evaluation of its filters on a small database. Both draw their words, skills, cities and
companies from the database they run on (`vocabulary_from_database`), so the same generator
makes searches that find something, searches that find nothing, and everything between.

What a search may hold, each part drawn independently:
- text: one or two words that are common, medium, rare, misspelled, a skill alias as a
  seeker types it ("k8s", "LLM"), a word found nowhere, or a quoted phrase;
- 1-3 skills (mostly slugs from the checkboxes, some names typed into "Another skill",
  some misspelled), with match=any or all;
- level, role, workplace and employment type (one or two values each), a country (code or
  name), a city, visa sponsorship, a posting age, a company and a minimum pay;
- each sort, and a page from 1 to 10.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlencode

from postings.filters import POSTED_WITHIN, SORT_CHOICES
from postings.models import EmploymentType, RoleFamily, Seniority, Workplace
from salaries.geography import COUNTRY_NAMES

# A search as the browser sends it: (parameter, value) pairs, repeated parameters allowed.
Search = list[tuple[str, str]]

_WORD = re.compile(r"[a-z][a-z0-9+#]{3,}")
# Seekers also type country names and common short forms.
_COUNTRY_WORDS = {"UK": "GB", "USA": "US", "Deutschland": "DE"}


@dataclass(frozen=True)
class Vocabulary:
    """What the random searches are made of, taken from the postings they run against."""

    common: list[str]  # in a fifth of the postings or more
    medium: list[str]  # in 1-20%
    rare: list[str]  # in fewer than 1%
    skills: list[str]  # slugs, most used first
    skill_names: list[str]  # names and aliases as typed ("PyTorch", "k8s")
    cities: list[str]
    companies: list[str]  # slugs
    countries: list[str]  # ISO codes found in the postings


def vocabulary_from_database(*, sample_percent: float | None = None) -> Vocabulary:
    """Words with their share of postings, skills by use, cities, companies and countries,
    from every posting or (at a million) a repeatable TABLESAMPLE of `sample_percent`."""
    from django.db import connection

    from skills.models import Alias
    from skills.services import skill_index

    sample = (
        f"TABLESAMPLE SYSTEM ({float(sample_percent)}) REPEATABLE (7)" if sample_percent else ""
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT title, description, skill_ids, city, country, company_id "
            f"FROM postings_posting {sample} WHERE status = 'published' LIMIT 5000"
        )
        rows = cursor.fetchall()
        company_ids = sorted({row[5] for row in rows})[:400]
        cursor.execute(
            "SELECT slug FROM postings_company WHERE id = ANY(%s) ORDER BY slug", [company_ids]
        )
        companies = [slug for (slug,) in cursor.fetchall()]
    documents = Counter()
    skill_uses = Counter()
    for title, description, skill_ids, *_ in rows:
        documents.update(set(_WORD.findall(f"{title} {description}".lower())))
        skill_uses.update(skill_ids)
    total = max(1, len(rows))
    words = sorted(documents)
    index = skill_index()
    skills = [
        index.by_id[i].slug
        for i, _ in skill_uses.most_common()
        if i in index.by_id and index.by_id[i].is_active
    ]
    skills += sorted(set(index.by_slug) - set(skills))  # the never-used ones, last
    names = sorted(
        Alias.objects.filter(skill__is_active=True, case_sensitive=False).values_list(
            "text", flat=True
        )
    )
    return Vocabulary(
        common=[w for w in words if documents[w] / total >= 0.2],
        medium=[w for w in words if 0.01 <= documents[w] / total < 0.2],
        rare=[w for w in words if documents[w] / total < 0.01],
        skills=skills,
        skill_names=names,
        cities=sorted({row[3] for row in rows if row[3]}),
        companies=companies,
        countries=sorted({row[4] for row in rows if row[4]}),
    )


def misspell(word: str, rnd: random.Random) -> str:
    """A typo a seeker makes: a letter dropped, doubled, swapped with the next, or wrong."""
    if len(word) < 4:
        return word + word[-1]
    i = rnd.randrange(1, len(word) - 1)
    kind = rnd.randrange(4)
    if kind == 0:
        return word[:i] + word[i + 1 :]
    if kind == 1:
        return word[:i] + word[i] + word[i:]
    if kind == 2:
        return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
    letter = rnd.choice("aeioustnr".replace(word[i], ""))
    return word[:i] + letter + word[i + 1 :]


def _text(vocab: Vocabulary, rnd: random.Random) -> str:
    def word() -> str:
        kind = rnd.choices(
            ["common", "medium", "rare", "typo", "skill", "nowhere"], [20, 30, 20, 12, 14, 4]
        )[0]
        pool = {"common": vocab.common, "medium": vocab.medium, "rare": vocab.rare}.get(kind)
        if kind == "typo":
            return misspell(rnd.choice(vocab.medium or vocab.common), rnd)
        if kind == "skill":
            return rnd.choice(vocab.skill_names).lower() if vocab.skill_names else "python"
        if kind == "nowhere" or not pool:
            return "zyx" + "".join(rnd.choices("qwxz", k=4))
        return rnd.choice(pool)

    words = [word() for _ in range(rnd.choice([1, 1, 2]))]
    if len(words) == 2 and rnd.random() < 0.15:
        return f'"{words[0]} {words[1]}"'
    return " ".join(words)


def _some(rnd: random.Random, values: list[str], most: int = 2) -> list[str]:
    return rnd.sample(values, rnd.randint(1, min(most, len(values))))


def random_search(vocab: Vocabulary, rnd: random.Random) -> Search:
    """One search; each filter is present with about the share of seekers who use it."""
    search: Search = []
    has_q = rnd.random() < 0.6
    if has_q:
        search.append(("q", _text(vocab, rnd)))
    if rnd.random() < 0.45 and vocab.skills:
        # Popular skills are picked more often: the checkboxes list the top ones.
        weights = [1 / (rank + 5) for rank in range(len(vocab.skills))]
        picked = list(dict.fromkeys(rnd.choices(vocab.skills, weights, k=rnd.randint(1, 3))))
        for slug in picked:
            kind = rnd.random()
            if kind < 0.1 and vocab.skill_names:
                slug = rnd.choice(vocab.skill_names)  # typed into "Another skill"
            elif kind < 0.14:
                slug = misspell(slug, rnd)
            search.append(("skills", slug))
        if len(picked) > 1:
            search.append(("match", rnd.choice(["any", "all"])))
    for param, choices, share in (
        ("level", Seniority.values, 0.35),
        ("role", RoleFamily.values, 0.2),
        ("workplace", Workplace.values, 0.3),
        ("type", EmploymentType.values, 0.15),
    ):
        if rnd.random() < share:
            search += [(param, value) for value in _some(rnd, list(choices))]
    if rnd.random() < 0.15:
        codes = vocab.countries or ["US"]
        kind = rnd.random()
        if kind < 0.6:
            search.append(("country", rnd.choice(codes)))
        elif kind < 0.9:
            search.append(("country", COUNTRY_NAMES.get(rnd.choice(codes), "Germany")))
        else:
            search.append(("country", rnd.choice(list(_COUNTRY_WORDS))))
    if rnd.random() < 0.1 and vocab.cities:
        city = rnd.choice(vocab.cities)
        search.append(("location", city.lower() if rnd.random() < 0.3 else city))
    if rnd.random() < 0.15:
        search.append(("visa", "1"))
    if rnd.random() < 0.2:
        search.append(("posted_within", str(rnd.choice(POSTED_WITHIN)[0])))
    if rnd.random() < 0.05 and vocab.companies:
        search.append(("company", rnd.choice(vocab.companies)))
    if rnd.random() < 0.2:
        search.append(("salary_min", str(rnd.randrange(40, 320, 10) * 1000)))
    sort = rnd.choice([value for value, _ in SORT_CHOICES])
    if sort != "newest" or rnd.random() < 0.5:  # newest is also what no sort means
        search.append(("sort", sort))
    page = 1 if rnd.random() < 0.5 else rnd.randint(2, 10)
    if page > 1:
        search.append(("page", str(page)))
    return search


def random_searches(vocab: Vocabulary, *, seed: int, count: int) -> list[Search]:
    stream = endless_searches(vocab, seed=seed)
    return [next(stream) for _ in range(count)]


def endless_searches(vocab: Vocabulary, *, seed: int) -> Iterator[Search]:
    rnd = random.Random(seed)  # noqa: S311 (a repeatable stream, not a secret)
    while True:
        yield random_search(vocab, rnd)


def query_string(search: Search) -> str:
    return urlencode(search)

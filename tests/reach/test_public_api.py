"""The public read API: /api/v1/jobs/ answers exactly what /jobs/ does (one filter definition,
the same visible() rule and count), bad parameters are 400s naming them, pages are cursors;
jobs carry skills, pay and the market band; skills and salary bands; throttling."""

from __future__ import annotations

import os
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from postings.search import search_postings
from postings.services import postings_refresh_pay_usd
from postings.tagging.services import postings_tag
from tests.factories import CompanyFactory, PostingFactory

pytestmark = pytest.mark.django_db

SURVEY = Path(__file__).parent.parent / "salaries" / "fixtures" / "small_salaries.csv"


def _import_survey() -> None:
    with open(os.devnull, "w") as sink:
        call_command("import_salaries", str(SURVEY), stdout=sink, stderr=sink)


@pytest.fixture
def api(client):
    def get(path: str, params: dict | None = None, **extra):
        return client.get(f"/api/v1/{path}", params or {}, **extra)

    return get


@pytest.fixture
def board(taxonomy):
    """A small board: roles at several levels, workplaces, pay and skills, and hidden ones."""
    now = timezone.now()
    made = []
    for i in range(12):
        made.append(
            PostingFactory(
                title=f"{'Ranking' if i % 3 == 0 else 'Vision'} Engineer {i}",
                description="Python and PyTorch for ranking." if i % 2 else "We use Kubernetes.",
                seniority=["junior", "senior", "lead"][i % 3],
                workplace=["remote", "hybrid", "onsite"][i % 3],
                remote_regions=["US"] if i % 3 == 0 else [],
                country="" if i % 3 == 0 else "DE",
                salary_min=Decimal(60000 + i * 10000),
                salary_max=Decimal(90000 + i * 10000),
                salary_currency="USD",
                published_at=now - timedelta(hours=i + 1),
            )
        )
    for trait in ("draft", "pending", "closed", "expired", "lapsed"):
        PostingFactory(title=f"Hidden Ranking {trait}", **{trait: True})
    postings_tag(posting_ids=[p.pk for p in made])
    postings_refresh_pay_usd()
    return made


def _ids(response) -> list[int]:
    return [job["id"] for job in response.json()["results"]]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "ranking"},
        {"level": ["senior", "lead"]},
        {"workplace": "remote", "country": "us"},
        {"skills": "pytorch"},
        {"skills": ["python", "kubernetes"], "match": "all"},
        {"salary_min": "150000"},
        {"q": "vision", "level": "senior", "posted_within": "1"},
    ],
)
def test_jobs_answer_what_the_search_page_does_with_the_same_count(api, board, params):
    page = search_postings(_as_querydict(params))
    page_ids = sorted(p.pk for p in page.postings)

    response = api("jobs/", params)

    assert response.status_code == 200
    body = response.json()
    assert sorted(_ids(response)) == page_ids
    assert (body["count"], body["count_capped"]) == (page.count, page.count_capped)
    assert body["count"] == len(body["results"])


def _as_querydict(params: dict) -> QueryDict:
    query = QueryDict(mutable=True)
    for name, value in params.items():
        query.setlist(name, value if isinstance(value, list) else [value])
    return query


def test_jobs_never_include_what_the_public_may_not_see(api, board):
    titles = [job["title"] for job in api("jobs/", {"q": "ranking"}).json()["results"]]
    assert titles and not any(t.startswith("Hidden") for t in titles)


def test_bad_parameters_answer_400_naming_each_field(api, board):
    response = api(
        "jobs/",
        {
            "skills": ["pytorch", "cobol-on-rails"],
            "country": "XX",
            "salary_min": "lots",
            "level": "wizard",
            "q": "x" * 201,
        },
    )

    assert response.status_code == 400
    assert response.json() == {
        "skills": ["“cobol-on-rails” is not a skill we know."],
        "country": ["“XX” is not a country we know."],
        "salary_min": ["Enter a number."],
        "level": ["Select a valid choice. wizard is not one of the available choices."],
        "q": ["The search text is longer than 200 characters."],
    }


def test_the_page_still_ignores_those_parameters_with_a_notice(client, board):
    response = client.get("/jobs/", {"skills": "cobol-on-rails", "level": "wizard"})

    assert response.status_code == 200
    assert "Ignored the skill “cobol-on-rails”: it is not one we know." in (
        response.context["result"].notices
    )


@pytest.mark.parametrize("sorted_whole", [True, False], ids=["small set", "large set"])
def test_jobs_come_a_page_at_a_time_by_cursor_newest_first(api, board, monkeypatch, sorted_whole):
    # A small counted set is sorted whole, a large one walks the index: the same pages.
    monkeypatch.setattr("postings.api.views.SORT_WHOLE_UNDER", 1_000 if sorted_whole else 0)
    first = api("jobs/", {"page_size": 5}).json()
    second = api("jobs/", {"page_size": 5, "cursor": _cursor(first["next"])}).json()

    newest = sorted(board, key=lambda p: p.published_at, reverse=True)
    assert [j["id"] for j in first["results"]] == [p.pk for p in newest[:5]]
    assert [j["id"] for j in second["results"]] == [p.pk for p in newest[5:10]]
    assert first["previous"] is None and second["previous"] is not None
    assert first["count"] == second["count"] == 12


def _cursor(url: str) -> str:
    from urllib.parse import parse_qs, urlsplit

    return parse_qs(urlsplit(url).query)["cursor"][0]


def test_a_search_counted_empty_reads_no_page(api, board, django_assert_max_num_queries):
    """A word nobody uses: the count says so, and the page is not looked for (at a million
    postings that look walked the whole newest-first index)."""
    with django_assert_max_num_queries(8) as captured:
        body = api("jobs/", {"q": "zzyzxnothing"}).json()
    assert (body["count"], body["results"]) == (0, [])
    assert not [q for q in captured.captured_queries if "ORDER BY" in q["sql"]
                and '"published_at" DESC' in q["sql"] and "LIMIT" in q["sql"]]  # fmt: skip


def test_a_forged_cursor_is_a_400_naming_it(api, board):
    response = api("jobs/", {"cursor": "!!not base64"})

    assert response.status_code == 400
    assert response.json() == {
        "cursor": ["This cursor is not one we gave out; start again without it."]
    }


def test_each_job_has_its_skills_pay_in_usd_a_year_and_its_market_band(api, taxonomy):
    _import_survey()
    posting = PostingFactory(
        description="We use Python and PyTorch.",
        seniority="senior",
        role_family="ml_engineer",
        country="US",
        city="Austin",
        salary_min=Decimal("60"),
        salary_max=Decimal("80"),
        salary_currency="USD",
        salary_period="hour",
    )
    postings_tag(posting_ids=[posting.pk])
    postings_refresh_pay_usd()

    job = api("jobs/").json()["results"][0]

    assert job["skills"] == [
        {"slug": "python", "name": "Python"},
        {"slug": "pytorch", "name": "PyTorch"},
    ]
    assert job["pay"] == {"min": 60.0, "max": 80.0, "currency": "USD", "period": "hour"}
    assert job["pay_usd_year"] == {"min": 124800, "max": 166400}
    from postings.market.pay import posting_pay_insight

    insight = posting_pay_insight(posting)
    assert job["market"]["summary"] == insight.summary
    assert job["market"]["band"]["p50"] == int(insight.band.p50)
    assert job["market"]["position"] == {
        "relation": insight.position.relation,
        "percentile": insight.position.percentile,
    }
    assert job["company"]["name"] == posting.company.name
    assert job["url"] == f"http://testserver{posting.get_absolute_url()}"


def test_a_job_without_pay_says_so(api):
    PostingFactory(unpaid=True)

    job = api("jobs/").json()["results"][0]

    assert job["pay"] is None and job["pay_usd_year"] is None


def test_the_job_list_makes_the_same_number_of_queries_for_5_or_20_jobs(api, taxonomy):
    _import_survey()
    for i in range(5):
        PostingFactory(country=["US", "DE", "GB", "FR", "IN"][i], seniority="senior")
    api("jobs/")  # warm the per-process skill index
    with CaptureQueriesContext(connection) as five:
        assert api("jobs/", {"level": "senior"}).status_code == 200
    for i in range(15):
        PostingFactory(country=["US", "DE", "CA"][i % 3], seniority="senior", workplace="remote")
    with CaptureQueriesContext(connection) as twenty:
        body = api("jobs/", {"level": "senior"}).json()

    assert len(body["results"]) == 20
    assert len(twenty.captured_queries) == len(five.captured_queries) <= 8


def test_one_job_has_its_sanitized_description(api):
    posting = PostingFactory(description="**Bold** <script>alert(1)</script>")

    response = api(f"jobs/{posting.pk}/")

    assert response.status_code == 200
    assert response.json()["description_html"] == "<p><strong>Bold</strong> </p>"


@pytest.mark.parametrize("trait", ["draft", "pending", "rejected", "closed", "expired", "lapsed"])
def test_a_job_the_public_may_not_see_is_a_404(api, trait):
    posting = PostingFactory(**{trait: True})

    response = api(f"jobs/{posting.pk}/")

    assert response.status_code == 404
    assert response.json() == {"detail": "No open job with this id."}


@pytest.mark.parametrize("path", ["jobs/999999/", "jobs/99999999999999999999999/", "nope/"])
def test_unknown_addresses_are_json_404s(api, path):
    response = api(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_the_skills_tree_has_every_active_skill_with_aliases_parent_and_children(api, taxonomy):
    body = api("skills/").json()

    by_slug = {node["slug"]: node for node in body["skills"]}
    assert set(by_slug) == {"deep-learning", "kubernetes", "python", "pytorch", "r"}
    assert by_slug["pytorch"]["parent"] == "deep-learning"
    assert by_slug["deep-learning"]["children"] == ["pytorch"]
    assert by_slug["pytorch"]["aliases"] == ["torch"]
    assert by_slug["kubernetes"]["category"] == {"slug": "cloud", "name": "Cloud and MLOps"}
    assert body["version"] >= 1


def test_salary_bands_filter_and_name_a_bad_value(api):
    _import_survey()

    bands = api("salaries/bands/", {"level": "senior", "scope": "world"}).json()["results"]
    bad = api("salaries/bands/", {"level": "wizard"})

    assert bands and all(b["level"] == "senior" and b["scope"] == "world" for b in bands)
    assert bad.status_code == 400
    assert list(bad.json()) == ["level"]


def test_anonymous_readers_are_throttled_per_address(api, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/min", "token": "3/min"},
    }
    CompanyFactory()

    answers = [api("skills/").status_code for _ in range(4)]
    other = api("skills/", REMOTE_ADDR="10.0.0.9")

    assert answers == [200, 200, 200, 429]
    assert other.status_code == 200
    limited = api("skills/")
    assert int(limited["Retry-After"]) > 0
    assert "throttled" in limited.json()["detail"]


def test_reads_go_on_when_the_throttles_cache_is_down(api, settings, taxonomy):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "1/min", "token": "1/min"},
    }
    for backend in (
        "postings.cache.ResilientRedisCache",
        "django.core.cache.backends.redis.RedisCache",
    ):
        settings.CACHES = {
            "default": {
                "BACKEND": backend,
                "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
                "OPTIONS": {"socket_connect_timeout": 0.25},
            }
        }

        # Not counted, so never over the limit of one a minute.
        assert [api("skills/").status_code for _ in range(3)] == [200, 200, 200]
        assert api("salaries/bands/").status_code == 200

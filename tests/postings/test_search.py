"""The job-search page: every filter alone and together, facets, pay, bad input, pages."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.db.models import F
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from postings import search
from postings.filters import PostingFilter
from postings.models import Posting
from postings.models import postings as posting_models
from postings.services import postings_refresh_pay_usd
from postings.tagging.services import postings_tag
from salaries.models import ExchangeRate
from tests.factories import CompanyFactory, PostingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates():
    ExchangeRate.objects.create(
        currency="EUR", usd_per_unit=Decimal("1.10"), rate_date=date(2024, 12, 31)
    )
    ExchangeRate.objects.create(
        currency="GBP", usd_per_unit=Decimal("1.25"), rate_date=date(2024, 12, 31)
    )


def _ready(*postings):
    """Run what the background pipeline does after a save: tags, search document, USD pay."""
    ids = [p.pk for p in postings]
    postings_tag(posting_ids=ids)
    postings_refresh_pay_usd(posting_ids=ids)
    return postings


def _titles(client, **params) -> list[str]:
    response = client.get(reverse("postings:list"), params)
    assert response.status_code == 200
    return [p.title for p in response.context["result"].postings]


def _filtered(query: dict, skills):
    """The list's own filters over what the public sees: the reference for the counts."""
    data = QueryDict(urlencode(query, doseq=True))
    return PostingFilter(data, queryset=Posting.objects.visible(), skills=skills).qs


def _notices(client, **params) -> list[str]:
    return client.get(reverse("postings:list"), params).context["result"].notices


def test_q_searches_title_company_and_description_with_stemming(client, taxonomy):
    acme = CompanyFactory(name="Quokka Robotics")
    _ready(
        PostingFactory(title="Vision Engineer", description="Segmenting images."),
        PostingFactory(title="Data Engineer", description="We are building pipelines."),
        PostingFactory(title="Analyst", description="Dashboards.", company=acme),
    )
    assert _titles(client, q="segment") == ["Vision Engineer"]  # stemmed: segmenting
    assert _titles(client, q="pipeline") == ["Data Engineer"]
    assert _titles(client, q="quokka") == ["Analyst"]


def test_q_understands_quotes_minus_and_or(client, taxonomy):
    _ready(
        PostingFactory(title="A", description="computer vision at scale"),
        PostingFactory(title="B", description="vision for computer games"),
        PostingFactory(title="C", description="speech recognition"),
    )
    assert _titles(client, q='"computer vision"') == ["A"]
    assert sorted(_titles(client, q="vision -games")) == ["A"]
    assert sorted(_titles(client, q="speech or games")) == ["B", "C"]


def test_relevance_puts_title_matches_first(client, taxonomy):
    now = timezone.now()
    _ready(
        PostingFactory(title="Backend Engineer", description="Some ranking work.",
                       published_at=now - timedelta(hours=1)),
        PostingFactory(title="Ranking Engineer", description="Search.",
                       published_at=now - timedelta(hours=5)),
    )  # fmt: skip
    assert _titles(client, q="ranking") == ["Ranking Engineer", "Backend Engineer"]
    assert _titles(client, q="ranking", sort="newest") == ["Backend Engineer", "Ranking Engineer"]


def test_skills_any_all_and_child_skills(client, taxonomy):
    _ready(
        PostingFactory(title="Torch", description="PyTorch models"),
        PostingFactory(title="Torch+K8s", description="PyTorch on Kubernetes"),
        PostingFactory(title="Python", description="Python scripts"),
    )
    assert sorted(_titles(client, skills=["pytorch", "kubernetes"])) == ["Torch", "Torch+K8s"]
    assert _titles(client, skills=["pytorch", "kubernetes"], match="all") == ["Torch+K8s"]
    # PyTorch is under deep learning: filtering on the parent finds the child's postings.
    assert sorted(_titles(client, skills=["deep-learning"])) == ["Torch", "Torch+K8s"]
    page = client.get(reverse("postings:list")).content.decode()
    assert "“Deep learning” finds PyTorch roles" in page


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"level": ["senior"]}, ["Senior"]),
        ({"level": ["senior", "junior"]}, ["Junior", "Senior"]),
        ({"role": ["data_scientist"]}, ["Junior"]),
        ({"workplace": ["remote"]}, ["Remote DE"]),
        ({"type": ["contract"]}, ["Junior"]),
        ({"visa": "1"}, ["Senior"]),
        ({"location": "munich"}, ["Junior"]),
        ({"country": "de"}, ["Junior", "Remote DE", "Senior"]),
        ({"country": "FR"}, ["Remote DE"]),  # remote, open to the EU
        ({"country": "US"}, []),
        ({"posted_within": "3"}, ["Junior", "Senior"]),
        ({"level": ["senior"], "workplace": ["hybrid"], "visa": "1"}, ["Senior"]),
    ],
)
def test_each_filter_alone_and_combined(client, taxonomy, params, expected):
    now = timezone.now()
    _ready(
        PostingFactory(title="Senior", seniority="senior", visa_sponsorship=True, city="Berlin",
                       published_at=now - timedelta(days=1)),
        PostingFactory(title="Junior", seniority="junior", role_family="data_scientist",
                       employment_type="contract", city="Munich",
                       published_at=now - timedelta(days=2)),
        PostingFactory(title="Remote DE", seniority="mid", workplace="remote", city="Berlin",
                       remote_regions=["EU"], published_at=now - timedelta(days=10)),
    )  # fmt: skip
    assert sorted(_titles(client, **params)) == expected


def test_the_company_filter_and_its_way_out(client, taxonomy):
    acme = CompanyFactory(name="Acme Vision", slug="acme-vision")
    _ready(PostingFactory(title="At Acme", company=acme), PostingFactory(title="Elsewhere"))
    response = client.get(reverse("postings:list"), {"company": "acme-vision"})
    assert [p.title for p in response.context["result"].postings] == ["At Acme"]
    assert "(any company)" in response.content.decode()


def test_salary_min_compares_annual_usd_across_periods_and_currencies(client, taxonomy, rates):
    _ready(
        # 60 USD an hour = 124,800 a year (2,080 hours)
        PostingFactory(title="Hourly", salary_min=50, salary_max=60, salary_currency="USD",
                       salary_period="hour"),
        # 9,000 EUR a month x 12 x 1.10 = 118,800 USD
        PostingFactory(title="Monthly EUR", salary_min=8000, salary_max=9000,
                       salary_currency="EUR", salary_period="month"),
        # 450 GBP a day x 260 x 1.25 = 146,250 USD
        PostingFactory(title="Daily GBP", salary_min=400, salary_max=450,
                       salary_currency="GBP", salary_period="day"),
        PostingFactory(title="No pay", unpaid=True),
    )  # fmt: skip

    assert Posting.objects.get(title="Hourly").pay_max_usd == 124_800
    assert Posting.objects.get(title="Monthly EUR").pay_max_usd == 118_800
    assert Posting.objects.get(title="Daily GBP").pay_max_usd == 146_250
    assert sorted(_titles(client, salary_min="120000")) == ["Daily GBP", "Hourly"]
    assert _titles(client, salary_min="130000") == ["Daily GBP"]
    assert _titles(client, sort="salary")[:3] == ["Daily GBP", "Hourly", "Monthly EUR"]
    response = client.get(reverse("postings:list"), {"salary_min": "120000"})
    assert response.context["result"].left_out_without_pay == 1
    assert "1 matching role without stated pay is left out by the minimum pay." in (
        response.content.decode()
    )
    # Without the filter, postings without pay are listed.
    assert "No pay" in _titles(client)


@pytest.mark.parametrize(
    ("params", "notice"),
    [
        ({"skills": ["no-such-skill"]}, "Ignored the skill “no-such-skill”: it is not one we know."),  # noqa: E501
        ({"salary_min": "abc"}, "Ignored the minimum pay: Enter a number."),
        ({"page": "-1"}, "Ignored the page: Ensure this value is greater than or equal to 1."),
        ({"q": "x" * 5000}, "Ignored the search text: The search text is longer than 200 characters."),  # noqa: E501
        ({"level": ["wizard"]}, "Ignored the level: Select a valid choice. wizard is not one of the available choices."),  # noqa: E501
        ({"country": "Atlantis"}, "Ignored the country “Atlantis”: it is not one we know."),
        ({"page": "abc"}, "Ignored the page: Enter a whole number."),
        ({"posted_within": "9999"}, "Ignored the posted within: Select a valid choice. 9999 is not one of the available choices."),  # noqa: E501
        ({"sort": "random"}, "Ignored the sort order: Select a valid choice. random is not one of the available choices."),  # noqa: E501
    ],
)  # fmt: skip
def test_a_bad_value_is_ignored_with_a_notice_and_the_rest_applies(
    client,
    taxonomy,
    params,
    notice,
):
    _ready(
        PostingFactory(title="Senior", seniority="senior"),
        PostingFactory(title="Mid", seniority="mid"),
    )
    response = client.get(reverse("postings:list"), {**params, "workplace": ["hybrid"]})
    assert response.status_code == 200
    assert notice in response.context["result"].notices
    assert len(response.context["result"].postings) >= 1  # the valid workplace filter still applied


def test_pages_stop_at_the_last_one_with_a_notice(client, monkeypatch, taxonomy):
    monkeypatch.setattr(search, "PAGE_SIZE", 2)
    _ready(*PostingFactory.create_batch(5))
    result = client.get(reverse("postings:list"), {"page": "3"}).context["result"]
    assert (result.page, result.last_page, len(result.postings)) == (3, 3, 1)
    result = client.get(reverse("postings:list"), {"page": "9"}).context["result"]
    assert result.page == 3
    assert "There are only 3 pages of results; showing the last one." in result.notices


def test_the_count_is_capped_honestly(client, monkeypatch, taxonomy):
    monkeypatch.setattr(search, "COUNT_CAP", 3)
    _ready(*PostingFactory.create_batch(5))
    response = client.get(reverse("postings:list"))
    result = response.context["result"]
    assert (result.count, result.count_capped) == (3, True)
    assert "<strong>3+</strong> open role" in response.content.decode()


def test_facets_count_the_results_and_keep_other_options_of_a_selected_facet(client, taxonomy):
    _ready(
        PostingFactory(seniority="senior", workplace="remote", remote_regions=["WW"]),
        PostingFactory(seniority="senior", workplace="hybrid"),
        PostingFactory(seniority="mid", workplace="hybrid", description="PyTorch"),
    )
    result = client.get(reverse("postings:list"), {"level": ["senior"]}).context["result"]
    facets = {f.param: {o.value: (o.count, o.selected) for o in f.options} for f in result.facets}
    # The level facet ignores its own selection, so "mid" still shows what it would add.
    assert facets["level"]["senior"] == (2, True)
    assert facets["level"]["mid"] == (1, False)
    # The others count the current results (senior only).
    assert facets["workplace"]["remote"] == (1, False)
    assert facets["workplace"]["hybrid"] == (1, False)
    assert not any(f.estimated for f in result.facets)


def test_skill_chips_on_results_add_that_filter(client, taxonomy):
    _ready(PostingFactory(title="T", description="PyTorch and Kubernetes"))
    response = client.get(reverse("postings:list"), {"level": ["senior"]})
    html = response.content.decode()
    assert 'href="?level=senior&amp;skills=pytorch"' in html
    assert ">PyTorch</a>" in html


def test_only_publicly_visible_postings_ever_appear_in_results_and_facets(client, taxonomy):
    _ready(
        PostingFactory(title="Open", description="PyTorch"),
        PostingFactory(title="Draft", draft=True, description="PyTorch"),
        PostingFactory(title="Closed", closed=True, description="PyTorch"),
        PostingFactory(title="Lapsed", lapsed=True, description="PyTorch"),
    )
    result = client.get(reverse("postings:list"), {"q": "pytorch"}).context["result"]
    assert [p.title for p in result.postings] == ["Open"]
    assert result.skill_facet.options[0].count == 1


def test_the_detail_page_links_skills_and_lists_similar_roles(client, taxonomy):
    posting, *_others = _ready(
        PostingFactory(title="Main", description="PyTorch and Kubernetes"),
        PostingFactory(title="Similar", description="PyTorch on Kubernetes"),
        PostingFactory(title="Other level", seniority="junior", description="PyTorch"),
        PostingFactory(title="Unrelated", description="Dashboards"),
    )
    html = client.get(posting.get_absolute_url()).content.decode()
    assert '<a class="chip" href="/jobs/?skills=pytorch"' in html
    assert "Similar roles" in html and ">Similar</a>" in html
    assert ">Other level</a>" not in html and ">Unrelated</a>" not in html


def test_similar_roles_are_kept_a_while_but_never_show_a_closed_posting(client, taxonomy):
    posting, _similar, closer = _ready(
        PostingFactory(title="Main", description="PyTorch and Kubernetes"),
        PostingFactory(title="Similar", description="PyTorch on Kubernetes"),
        PostingFactory(title="Closer", description="PyTorch, Kubernetes"),
    )
    html = client.get(posting.get_absolute_url()).content.decode()
    assert ">Similar</a>" in html and ">Closer</a>" in html
    Posting.objects.filter(pk=closer.pk).update(status="closed")
    _ready(PostingFactory(title="Newcomer", description="PyTorch with Kubernetes"))
    html = client.get(posting.get_absolute_url()).content.decode()
    # The choice is kept (no newcomer yet), but what is shown is read fresh.
    assert ">Similar</a>" in html
    assert ">Closer</a>" not in html and ">Newcomer</a>" not in html


def test_pay_beyond_the_column_is_capped_and_no_pay_stays_empty(taxonomy, rates):
    huge, none = _ready(
        PostingFactory(salary_min=10**9, salary_max=10**9, salary_currency="USD",
                       salary_period="hour"),
        PostingFactory(unpaid=True),
    )  # fmt: skip
    huge.refresh_from_db()
    none.refresh_from_db()
    assert huge.pay_max_usd == 2_147_483_647
    assert (none.pay_min_usd, none.pay_max_usd) == (None, None)


def test_facet_counts_add_up_to_the_result_count_for_look_alike_postings(client, taxonomy):
    _ready(*PostingFactory.create_batch(4, seniority="senior", workplace="hybrid"))
    result = client.get(reverse("postings:list"), {"level": ["senior"]}).context["result"]
    for facet in result.facets:
        if facet.param not in {"level", "visa"}:
            assert sum(o.count for o in facet.options) == result.count == 4, facet.param


def _sample_everything(monkeypatch, *, cap: int, sure_sigmas: float = 4) -> None:
    """Make every posting part of the search sample, so a handful of postings is 'broad'."""
    monkeypatch.setattr(posting_models, "SAMPLE_EVERY", 1)
    monkeypatch.setattr(search, "COUNT_CAP", cap)
    monkeypatch.setattr(search, "SURE_SIGMAS", sure_sigmas)


@pytest.mark.parametrize(
    ("cap", "capped", "selected_estimated"),
    [(2, True, True), (3, False, True), (10, False, False)],
)
def test_counts_over_more_than_the_cap_are_estimates(
    client,
    monkeypatch,
    cap,
    capped,
    selected_estimated,
    taxonomy,
):
    # Three results among four hybrid postings. The selected facets count the results
    # without their own filter (four postings): exactly only when that wider set is within
    # the cap, as the results' own facets are.
    _sample_everything(monkeypatch, cap=cap)
    _ready(*PostingFactory.create_batch(3, seniority="senior", workplace="hybrid"))
    _ready(PostingFactory(seniority="mid", workplace="hybrid"))
    result = client.get(
        reverse("postings:list"), {"level": ["senior"], "workplace": ["hybrid"]}
    ).context["result"]
    facets = {f.param: f for f in result.facets}
    assert (result.count, result.count_capped) == ((cap, True) if capped else (3, False))
    assert facets["role"].estimated == capped
    assert facets["level"].estimated == facets["workplace"].estimated == selected_estimated
    levels = {o.value: o.count for o in facets["level"].options}
    assert (levels["senior"], levels["mid"]) == (3, 1)


def test_a_set_the_sample_shows_is_broad_is_not_counted(
    client,
    monkeypatch,
    django_assert_num_queries,
    taxonomy,
):
    _sample_everything(monkeypatch, cap=2, sure_sigmas=0)
    _ready(*PostingFactory.create_batch(3, description="PyTorch"))
    client.get(reverse("postings:list"))  # the skill index and the unfiltered summary
    # taxonomy version + the sample's tally + the page: no attempt at an exact count.
    with django_assert_num_queries(3):
        response = client.get(reverse("postings:list"), {"skills": ["pytorch"]})
    result = response.context["result"]
    assert (result.count, result.count_capped) == (2, True)
    assert result.skill_facet.estimated
    assert result.skill_facet.options[0].count == 3
    assert "<strong>2+</strong> open roles" in response.content.decode()


@pytest.mark.parametrize("cutoff_rank", [2, 4])
def test_relevance_over_a_broad_set_ranks_the_newest_matches(
    client,
    monkeypatch,
    cutoff_rank,
    taxonomy,
):
    # The sample's cutoff finds the newest candidates directly (4), or finds too few and
    # the walk down the newest-first index is done instead (2); both rank the same ones.
    _sample_everything(monkeypatch, cap=2, sure_sigmas=0)
    monkeypatch.setattr(search, "RANK_CANDIDATES", 3)
    monkeypatch.setattr(search, "CUTOFF_RANK", cutoff_rank)
    monkeypatch.setattr(search, "WALK_ROWS_WITH_TEXT", 0)  # no walk, however short
    now = timezone.now()
    _ready(*[
        PostingFactory(title=f"Role {age}", description="pytorch",
                       published_at=now - timedelta(days=age))
        for age in range(1, 6)
    ])  # fmt: skip
    result = client.get(reverse("postings:list"), {"q": "pytorch"}).context["result"]
    assert result.sort == "relevance" and result.count_capped
    assert sorted(p.title for p in result.postings) == ["Role 1", "Role 2", "Role 3"]


@pytest.mark.parametrize("cap", [5, 10_000])
@pytest.mark.parametrize(
    "params",
    [
        {"level": ["senior"]},
        {"level": ["senior", "mid"], "workplace": ["remote"]},
        {"visa": "1", "type": ["full_time"]},
        {"salary_min": "100000"},
        {"salary_min": "90000", "level": ["senior"], "q": "pytorch"},
        {"role": ["mlops"], "skills": ["python"], "salary_min": "1"},
        {"posted_within": "1", "workplace": ["hybrid"]},
        {"posted_within": "3", "salary_min": "90000"},
    ],
)
def test_the_counts_agree_with_the_filters_they_describe(
    client,
    rates,
    params,
    cap,
    monkeypatch,
    taxonomy,
):
    # The summary applies the facet and pay filters in its own statement (search._conditions);
    # each count must be what the list's own filters give, whichever path counted it. With
    # every posting in the sample, the sample's counts are exact too.
    monkeypatch.setattr(posting_models, "SAMPLE_EVERY", 1)
    monkeypatch.setattr(search, "COUNT_CAP", cap)
    now = timezone.now()
    for i in range(24):
        PostingFactory(
            seniority=["senior", "mid", "junior"][i % 3],
            workplace=["remote", "hybrid", "onsite", "hybrid"][i % 4],
            remote_regions=["WW"] if i % 4 == 0 else [],
            visa_sponsorship=i % 5 == 0,
            employment_type=["full_time", "contract"][i % 2],
            role_family=["ml_engineer", "mlops"][i % 2],
            description=["PyTorch and Python", "Python", "Dashboards"][i % 3],
            published_at=now - timedelta(hours=5 * i + 1),
            **(
                {"unpaid": True}
                if i % 4 == 1
                else {"salary_min": 50_000 + 5_000 * i, "salary_max": 60_000 + 5_000 * i,
                      "salary_currency": "USD", "salary_period": "year"}
            ),
        )  # fmt: skip
    _ready(*Posting.objects.all())
    result = client.get(reverse("postings:list"), params).context["result"]
    skills = search.skill_index()

    def count(query: dict) -> int:
        return _filtered(query, skills).count()

    assert result.count == min(count(params), cap)
    assert result.count_capped == (count(params) > cap)
    for facet in result.facets:
        for option in facet.options:
            query = {k: v for k, v in params.items() if k != facet.param}
            query[facet.param] = [option.value]
            assert option.count == count(query), (facet.param, option.value)
    for option in result.posted_facet.options:
        query = {k: v for k, v in params.items() if k != "posted_within"}
        query["posted_within"] = option.value
        assert option.count == count(query), ("posted_within", option.value)
        assert option.selected == (option.value == params.get("posted_within"))
    if "salary_min" in params:
        query = {k: v for k, v in params.items() if k != "salary_min"}
        pay_less = _filtered(query, skills).filter(pay_max_usd__isnull=True)
        assert result.left_out_without_pay == pay_less.count() > 0


def test_the_posted_choices_show_how_many_each_would_give(client, taxonomy):
    now = timezone.now()
    _ready(
        PostingFactory(published_at=now - timedelta(hours=2)),
        PostingFactory(published_at=now - timedelta(days=2)),
    )
    html = client.get(reverse("postings:list")).content.decode()
    assert '<option value="1">Last 24 hours (1)</option>' in html
    assert '<option value="3">Last 3 days (2)</option>' in html
    # Chosen, it still shows what the other choices would give.
    response = client.get(reverse("postings:list"), {"posted_within": "1"})
    html = response.content.decode()
    assert response.context["result"].count == 1
    assert '<option value="1" selected>Last 24 hours (1)</option>' in html
    assert '<option value="3">Last 3 days (2)</option>' in html


@pytest.mark.parametrize("cap", [3, 10_000])  # too many to count, and counted
@pytest.mark.parametrize("sort", ["newest", "salary"])
def test_each_page_holds_the_postings_of_its_place_in_the_order(
    client,
    monkeypatch,
    sort,
    cap,
    rates,
    taxonomy,
):
    # A counted result set brings its page's ids from the counting statement; a broader one
    # is paged by the database. Both must page the same order.
    _sample_everything(monkeypatch, cap=cap)
    monkeypatch.setattr(search, "PAGE_SIZE", 2)
    now = timezone.now()
    _ready(*[
        PostingFactory(seniority="senior", published_at=now - timedelta(hours=i),
                       **({"unpaid": True} if i % 3 == 0 else
                          {"salary_min": 1000 * i, "salary_max": 1000 * i + 500,
                           "salary_currency": "USD", "salary_period": "year"}))
        for i in range(1, 8)
    ])  # fmt: skip
    ordering = ["-published_at", "-id"]
    if sort == "salary":
        ordering = [F("pay_max_usd").desc(nulls_last=True), "-id"]
    expected = list(Posting.objects.visible().order_by(*ordering).values_list("id", flat=True))
    page, last_page = 1, 1
    while page <= last_page:
        result = client.get(
            reverse("postings:list"), {"level": ["senior"], "sort": sort, "page": page}
        ).context["result"]
        assert [p.pk for p in result.postings] == expected[(page - 1) * 2 : page * 2], page
        page, last_page = page + 1, result.last_page
    assert last_page == (2 if cap == 3 else 4)  # broad: pages stop where the count does


def test_the_filters_show_each_choice_with_its_count_and_the_ones_picked_ticked(
    client, monkeypatch, taxonomy
):
    from skills.models import Skill
    from skills.services import taxonomy_changed

    _ready(*PostingFactory.create_batch(3, seniority="senior", workplace="hybrid"))
    _ready(PostingFactory(seniority="mid", workplace="remote"))
    # A skill's name is the admins' text: shown as text, never as markup.
    skill = Skill.objects.order_by("id").first()
    Skill.objects.filter(pk=skill.pk).update(name="<b>C&C</b>")
    taxonomy_changed()
    Posting.objects.update(skill_ids=[skill.pk])
    html = client.get(reverse("postings:list"), {"level": ["senior"], "posted_within": "7"})
    html = html.content.decode()
    assert (
        '<input type="checkbox" name="level" value="senior" checked> Senior '
        '<span class="count">3</span>' in html
    )
    assert (
        '<input type="checkbox" name="level" value="mid"> Mid-level <span class="count">1' in html
    )
    assert (
        '<input type="checkbox" name="workplace" value="hybrid"> Hybrid <span class="count">3'
        in html
    )
    assert f'value="{skill.slug}"> &lt;b&gt;C&amp;C&lt;/b&gt; <span class="count">3' in html
    assert '<option value="7" selected>Last week (3)</option>' in html
    # Counted from the sample, a count says it is an estimate.
    _sample_everything(monkeypatch, cap=2)
    html = client.get(reverse("postings:list"), {"level": ["senior"]}).content.decode()
    assert '<legend>Workplace <span class="estimate">(counts estimated)</span></legend>' in html
    assert 'value="hybrid"> Hybrid <span class="count">≈3</span>' in html

"""After a worker's warm-up (jobboard.warm), its first posting page and search load no Jinja2
template: each was compiled before the worker took a request."""

from __future__ import annotations

import pytest
from django.template import engines

from jobboard import warm
from tests.factories import PostingFactory
from tests.salaries.factories import SalaryBandFactory

pytestmark = pytest.mark.django_db


def test_the_first_posting_page_and_search_compile_nothing_after_the_warm_up(
    client, taxonomy, monkeypatch
):
    SalaryBandFactory(workplace="any")
    posting = PostingFactory(
        country="US", seniority="senior", role_family="ml_engineer",
        salary_min=190_000, salary_max=210_000, salary_currency="USD",
    )  # fmt: skip
    env = engines["jinja2"].env
    env.cache.clear()  # as in a new worker
    # Not the warm-up's own search (served through the WSGI handler, which ends the test's
    # database connection): the templates must come from its list alone.
    monkeypatch.setattr(warm, "_answer", lambda path: 200)
    warm.warm_up()
    loaded = []
    get_source = env.loader.get_source
    monkeypatch.setattr(
        env.loader, "get_source", lambda env_, name: loaded.append(name) or get_source(env_, name)
    )
    page = client.get(posting.get_absolute_url()).content.decode()
    assert "Pay against the market" in page  # the page shows every part it has
    assert client.get("/jobs/?q=engineer").status_code == 200
    assert loaded == []

"""The rows a list of postings repeats (Jinja2 templates, postings.cards): their pay line,
and that what an employer typed is escaped there as on every other page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from postings.models import Posting
from postings.templatetags.postings_tags import pay, thousands
from tests.factories import CompanyFactory, PostingFactory

USD_SPAN = '<span class="pay-usd">(≈ ${} a year)</span>'


@pytest.mark.parametrize(
    ("fields", "shown"),
    [
        (
            {"salary_min": "90000", "salary_max": "120000", "salary_currency": "USD",
             "salary_period": "year", "pay_min_usd": 90000, "pay_max_usd": 120000},
            "90,000\u2013120,000 USD per year",
        ),
        (  # to the nearest unit, halves up, as floatformat:"0" did
            {"salary_min": "1234.50", "salary_max": "1234.49", "salary_currency": "USD",
             "salary_period": "year", "pay_min_usd": 1235, "pay_max_usd": 1234},
            "1,235\u20131,234 USD per year",
        ),
        (
            {"salary_min": "80000", "salary_max": "100000", "salary_currency": "EUR",
             "salary_period": "year", "pay_min_usd": 88000, "pay_max_usd": 110000},
            "80,000\u2013100,000 EUR per year " + USD_SPAN.format("88,000\u2013110,000"),
        ),
        (
            {"salary_min": "9000", "salary_max": "11000", "salary_currency": "USD",
             "salary_period": "month", "pay_min_usd": 108000, "pay_max_usd": 132000},
            "9,000\u201311,000 USD per month " + USD_SPAN.format("108,000\u2013132,000"),
        ),
        (  # a rate not known yet: no USD figure to show
            {"salary_min": "80000", "salary_max": "100000", "salary_currency": "EUR",
             "salary_period": "year", "pay_min_usd": None, "pay_max_usd": None},
            "80,000\u2013100,000 EUR per year",
        ),
        (
            {"salary_min": None, "salary_max": None, "salary_currency": "",
             "salary_period": "", "pay_min_usd": None, "pay_max_usd": None},
            "Pay not stated",
        ),
    ],
)  # fmt: skip
def test_the_pay_line(fields, shown):
    for name in ("salary_min", "salary_max"):
        fields[name] = None if fields[name] is None else Decimal(fields[name])
    assert str(pay(Posting(**fields))) == shown


@pytest.mark.django_db
def test_cards_escape_what_an_employer_typed(client):
    company = CompanyFactory(name="<b>Bold</b> & Co")
    PostingFactory(company=company, title="<script>alert(1)</script> ML Engineer")

    for path in (reverse("postings:list"), reverse("companies:detail", args=[company.slug])):
        html = client.get(path).content.decode()
        assert "&lt;script&gt;alert(1)&lt;/script&gt; ML Engineer" in html, path
        assert "<script>alert(1)" not in html, path
        assert "&lt;b&gt;Bold&lt;/b&gt; &amp; Co" in html, path


@pytest.mark.parametrize(
    "name", ["seniority", "workplace", "salary_period", "role_family", "employment_type"]
)
def test_the_labels_are_djangos(name):
    field = Posting._meta.get_field(name)
    for value in [value for value, _ in field.choices] + ["", "not-a-choice"]:
        posting = Posting(**{name: value})
        mine = getattr(posting, f"get_{name}_display")()
        assert mine == posting._get_FIELD_display(field), (name, value)
        assert isinstance(mine, str)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (1234567, "1,234,567"),
        (Decimal("180000"), "180,000"),
        (Decimal("95123.5"), "95,124"),  # halves up, as floatformat did
        (Decimal("95123.49"), "95,123"),
        (Decimal("-2.5"), "-3"),
        (0, "0"),
        (None, None),
        ("n/a", "n/a"),
    ],
)
def test_thousands_rounds_to_whole_units_with_commas(value, shown):
    assert thousands(value) == shown

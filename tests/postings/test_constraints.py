"""Invariants hold in the database itself, not only in forms."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from postings.models import Posting
from tests.factories import PostingFactory

pytestmark = pytest.mark.django_db


def _violates(constraint: str, **changes) -> None:
    posting = PostingFactory()
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        Posting.objects.filter(pk=posting.pk).update(**changes)


def test_salary_min_cannot_exceed_max():
    _violates("posting_salary_min_lte_max", salary_min=Decimal("200000"))


def test_salary_cannot_be_negative():
    _violates("posting_salary_min_not_negative", salary_min=Decimal("-1"))


def test_pay_is_all_or_nothing():
    _violates("posting_pay_complete_or_absent", salary_max=None)
    _violates("posting_pay_complete_or_absent", salary_currency="")
    _violates("posting_pay_complete_or_absent", salary_currency="eur")


@pytest.mark.parametrize(
    ("field", "constraint"),
    [
        ("status", "posting_status_valid"),
        ("seniority", "posting_seniority_valid"),
        ("role_family", "posting_role_family_valid"),
        ("employment_type", "posting_employment_type_valid"),
        ("workplace", "posting_workplace_valid"),
    ],
)
def test_enum_columns_refuse_unknown_values(field, constraint):
    _violates(constraint, **{field: "bogus"})


def test_a_published_posting_has_a_publication_time():
    _violates("posting_public_has_published_at", published_at=None, expires_at=None)


def test_expiry_comes_after_publication():
    posting = PostingFactory()
    with pytest.raises(IntegrityError, match="posting_expires_after_published"):
        Posting.objects.filter(pk=posting.pk).update(expires_at=posting.published_at)


def test_country_is_an_iso_code():
    _violates("posting_country_iso2", country="de")


def test_a_posting_without_pay_is_valid():
    posting = PostingFactory(unpaid=True)
    posting.refresh_from_db()
    assert posting.salary_min is None and posting.salary_currency == ""

"""Postings' annual USD pay follows the exchange rates: the salaries app does not know who
depends on its rates, so postings compare the rates with those they were computed at."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from postings.models import Posting, SyncMark
from postings.services import pay_follow_rates
from postings.tasks import follow_exchange_rates
from salaries.models import ExchangeRate
from tests.factories import PostingFactory

pytestmark = pytest.mark.django_db


def _usd(posting: Posting) -> tuple[int | None, int | None]:
    posting.refresh_from_db()
    return posting.pay_min_usd, posting.pay_max_usd


def test_pay_is_recomputed_once_after_the_rates_change_and_not_again():
    ExchangeRate.objects.create(
        currency="EUR", usd_per_unit=Decimal("1.10"), rate_date=date(2025, 1, 1)
    )
    posting = PostingFactory(salary_min=Decimal("100000"), salary_max=Decimal("120000"))

    assert pay_follow_rates() == 1
    assert _usd(posting) == (110_000, 132_000)
    assert pay_follow_rates() is None  # nothing moved since

    newer = ExchangeRate.objects.create(
        currency="EUR", usd_per_unit=Decimal("1.20"), rate_date=date(2025, 2, 1)
    )
    assert follow_exchange_rates() == 1
    assert _usd(posting) == (120_000, 144_000)

    # A delete moves the rates back: followed too (the mark is compared, not ordered).
    newer.delete()
    assert pay_follow_rates() == 1
    assert _usd(posting) == (110_000, 132_000)
    assert SyncMark.objects.filter(name=SyncMark.Name.EXCHANGE_RATES).count() == 1


def test_a_failed_refresh_leaves_the_mark_for_the_next_run(monkeypatch):
    ExchangeRate.objects.create(
        currency="EUR", usd_per_unit=Decimal("1.10"), rate_date=date(2025, 1, 1)
    )
    PostingFactory()

    def boom() -> int:
        raise RuntimeError("database went away")

    monkeypatch.setattr("postings.services.postings_refresh_pay_usd", boom)
    with pytest.raises(RuntimeError):
        pay_follow_rates()
    monkeypatch.undo()
    assert pay_follow_rates() == 1

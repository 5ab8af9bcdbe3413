"""Admins view and correct bands in the Django admin and see when each was computed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.salaries.factories import ExchangeRateFactory, SalaryBandFactory

pytestmark = pytest.mark.django_db


def _figures(**overrides) -> dict:
    return {
        "p10": "100000", "p25": "140000", "p50": "175000", "p75": "210000", "p90": "250000",
        "correction_note": "Survey rows from one employer double-counted", **overrides,
    }  # fmt: skip


def test_the_band_list_shows_when_each_band_was_computed(client, admin_user):
    band = SalaryBandFactory()
    client.force_login(admin_user)
    html = client.get(reverse("admin:salaries_salaryband_changelist")).content.decode()
    assert "senior ML engineers in the US" in html
    assert "Computed at" in html
    assert band.computed_at.strftime("%Y") in html
    html = client.get(reverse("admin:salaries_salaryband_change", args=[band.pk])).content.decode()
    assert "Computed at" in html and "Correction note" in html


def test_an_admin_corrects_a_band_and_the_correction_is_recorded(client, admin_user):
    band = SalaryBandFactory()
    client.force_login(admin_user)
    response = client.post(reverse("admin:salaries_salaryband_change", args=[band.pk]), _figures())
    assert response.status_code == 302
    band.refresh_from_db()
    assert band.p50 == 175000
    assert band.corrected_by == admin_user and band.corrected_at is not None
    assert band.correction_note == "Survey rows from one employer double-counted"


def test_a_correction_out_of_order_or_without_a_reason_is_refused(client, admin_user):
    band = SalaryBandFactory()
    client.force_login(admin_user)
    url = reverse("admin:salaries_salaryband_change", args=[band.pk])
    response = client.post(url, _figures(p50="300000"))
    assert "p10 ≤ p25 ≤ median ≤ p75 ≤ p90" in response.content.decode()
    response = client.post(url, _figures(correction_note=""))
    assert "Say why the figures are corrected." in response.content.decode()
    band.refresh_from_db()
    assert band.p50 == 180000 and band.corrected_at is None


def test_an_admin_edits_an_exchange_rate(client, admin_user):
    rate = ExchangeRateFactory()
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:salaries_exchangerate_change", args=[rate.pk]),
        {"currency": "EUR", "usd_per_unit": "1.05", "rate_date": "2025-01-31", "source": "ECB"},
    )
    assert response.status_code == 302
    rate.refresh_from_db()
    assert (str(rate.usd_per_unit), str(rate.rate_date)) == ("1.0500000000", "2025-01-31")


def test_a_seeker_cannot_reach_the_band_admin(client, seeker):
    client.force_login(seeker)
    response = client.get(reverse("admin:salaries_salaryband_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]

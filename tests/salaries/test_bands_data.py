"""Bands ship as data (salaries/data/bands.json): export, load, reload, admins' corrections."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from salaries.models import SalaryBand
from salaries.services import BANDS_FILE, band_correct, bands_compute, bands_load

pytestmark = pytest.mark.django_db


def _figures() -> dict:
    return {
        (b.role_family, b.seniority, b.scope, b.area, b.workplace): (b.sample_size, b.figures)
        for b in SalaryBand.objects.all()
    }


def test_exported_bands_load_into_an_empty_database_unchanged(small_survey, tmp_path):
    path = tmp_path / "bands.json"
    call_command("export_bands", str(path), stdout=io.StringIO())
    computed = _figures()
    SalaryBand.objects.all().delete()
    out = io.StringIO()
    call_command("load_bands", str(path), stdout=out)
    assert f"{len(computed)} added" in out.getvalue()
    assert _figures() == computed


def test_loading_twice_changes_nothing(small_survey, tmp_path):
    path = tmp_path / "bands.json"
    call_command("export_bands", str(path), stdout=io.StringIO())
    stamps = dict(SalaryBand.objects.values_list("pk", "computed_at"))
    out = io.StringIO()
    call_command("load_bands", str(path), stdout=out)
    assert "0 added, 0 changed" in out.getvalue()
    assert dict(SalaryBand.objects.values_list("pk", "computed_at")) == stamps


def test_an_admins_correction_survives_recomputing_and_loading(small_survey, tmp_path, admin_user):
    path = tmp_path / "bands.json"
    call_command("export_bands", str(path), stdout=io.StringIO())
    band = SalaryBand.objects.get(role_family="", seniority="", scope="world", workplace="any")
    figures = tuple(Decimal(v) for v in (1000, 2000, 3000, 4000, 5000))
    band_correct(band=band, figures=figures, note="test correction", user=admin_user)
    bands_compute()
    bands_load(data=json.loads(path.read_text()))
    band.refresh_from_db()
    assert band.figures == figures
    assert band.corrected_by == admin_user


def test_the_shipped_bands_load_and_respect_the_ten_response_rule():
    with open(BANDS_FILE) as file:
        data = json.load(file)
    result = bands_load(data=data)
    assert result.created == len(data["bands"]) > 1000
    assert (data["source"], data["min_samples"]) == ("ai-jobs.net", 10)
    assert not SalaryBand.objects.filter(sample_size__lt=10, p50__isnull=False).exists()
    us = SalaryBand.objects.get(
        role_family="ml_engineer", seniority="senior", area="US", workplace="any"
    )
    assert us.sample_size > 1000 and us.has_figures

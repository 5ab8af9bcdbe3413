from __future__ import annotations

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from salaries.labels import band_label
from salaries.models import ExchangeRate, SalaryBand, SalarySample
from salaries.services import band_correct, band_correction_check

FIGURES = ("p10", "p25", "p50", "p75", "p90")


class SalaryBandForm(forms.ModelForm):
    class Meta:
        model = SalaryBand
        fields = [*FIGURES, "correction_note"]

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            band_correction_check(
                band=self.instance,
                figures=tuple(cleaned.get(name) for name in FIGURES),
                note=cleaned.get("correction_note") or "",
            )
        return cleaned


@admin.register(SalaryBand)
class SalaryBandAdmin(admin.ModelAdmin):
    """Bands come from the survey; admins read them and correct figures, saying why."""

    form = SalaryBandForm
    list_display = [
        "group", "workplace", "sample_size", "p10", "p50", "p90", "source", "year",
        "computed_at", "corrected_at",
    ]  # fmt: skip
    list_filter = ["year", "source", "scope", "workplace", "role_family", "seniority"]
    search_fields = ["area"]
    readonly_fields = [
        "group", "source", "year", "role_family", "seniority", "scope", "area", "workplace",
        "sample_size", "computed_at", "corrected_at", "corrected_by",
    ]  # fmt: skip
    fieldsets = [
        (None, {"fields": ["group", "source", "year", "sample_size", "computed_at"]}),
        ("Group", {"fields": ["role_family", "seniority", "scope", "area", "workplace"]}),
        (
            "Figures (annual USD)",
            {
                "fields": [*FIGURES, "correction_note", "corrected_at", "corrected_by"],
                "description": "Saving records a correction: later recomputations and "
                "load_bands keep corrected figures.",
            },
        ),
    ]
    list_select_related = ["corrected_by"]

    @admin.display(description="group")
    def group(self, band: SalaryBand) -> str:
        return band_label(band)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        band_correct(
            band=obj,
            figures=tuple(form.cleaned_data[name] for name in FIGURES),
            note=form.cleaned_data["correction_note"],
            user=request.user,
        )


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    list_display = ["currency", "usd_per_unit", "rate_date", "source", "updated_at"]
    list_filter = ["currency"]
    ordering = ["currency", "-rate_date"]
    search_fields = ["currency"]

    # Postings follow the rates by themselves: a periodic task compares the newest rates with
    # those their annual USD pay was computed at (postings.tasks.follow_exchange_rates), so an
    # edit here, a bulk delete or a reload of the shipped file all reach them within a minute.

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self.message_user(request, "Postings' pay in USD follows within a minute.")


@admin.register(SalarySample)
class SalarySampleAdmin(admin.ModelAdmin):
    """Read-only: to check how survey titles and levels were mapped."""

    list_display = [
        "job_title", "role_family", "seniority", "work_year", "company_location",
        "remote_ratio", "salary_usd",
    ]  # fmt: skip
    list_filter = ["source", "work_year", "role_family", "seniority", "company_region"]
    search_fields = ["job_title", "company_location"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

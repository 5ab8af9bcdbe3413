"""The salary-band API's filters (django-filter): a bad value is a 400 naming it."""

from __future__ import annotations

import django_filters

from salaries.models import BandWorkplace, SalaryBand, Scope
from salaries.vocabulary import RoleFamily, Seniority


class BandFilter(django_filters.FilterSet):
    role = django_filters.ChoiceFilter(
        field_name="role_family", choices=RoleFamily.choices, label="Role family."
    )
    level = django_filters.ChoiceFilter(
        field_name="seniority", choices=Seniority.choices, label="Seniority level."
    )
    scope = django_filters.ChoiceFilter(choices=Scope.choices, label="Country, region or world.")
    area = django_filters.CharFilter(max_length=32, label="ISO country code or region code.")
    workplace = django_filters.ChoiceFilter(choices=BandWorkplace.choices, label="Workplace.")

    class Meta:
        model = SalaryBand
        fields: list[str] = []

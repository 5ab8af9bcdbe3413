from __future__ import annotations

from django import forms

from salaries.geography import COUNTRY_NAMES
from salaries.vocabulary import RoleFamily, Seniority

PERCENTILE_CHOICES = [
    ("p10", "10th percentile"),
    ("p25", "25th percentile"),
    ("p50", "median"),
    ("p75", "75th percentile"),
    ("p90", "90th percentile"),
]
COUNTRY_CHOICES = [
    ("", "Anywhere (worldwide)"),
    *sorted(COUNTRY_NAMES.items(), key=lambda item: item[1]),
]


class CalculatorForm(forms.Form):
    """The salary calculator's GET form. Every field is a choice, so a hand-edited query
    string gets a "select a valid choice" message, never an error page."""

    role = forms.ChoiceField(label="Role", choices=RoleFamily.choices)
    level = forms.ChoiceField(label="Level", choices=Seniority.choices)
    country = forms.ChoiceField(label="Country", choices=COUNTRY_CHOICES, required=False)
    remote = forms.BooleanField(label="Fully remote", required=False)
    percentile = forms.ChoiceField(
        label="Show postings paying at least the", choices=PERCENTILE_CHOICES, initial="p50"
    )

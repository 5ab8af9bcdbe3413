"""Forms for accounts, companies, postings and the dashboard. Messages are written for the
person filling the form in: what is wrong and what to do."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from postings.employers.services import EDITABLE_FIELDS
from postings.forms import LabelsMixin
from postings.models import (
    REMOTE_REGIONS,
    CloseReason,
    Company,
    PayPeriod,
    Posting,
    Status,
    Workplace,
)
from salaries.geography import COUNTRY_NAMES
from skills.models import Skill

User = get_user_model()

COUNTRY_CHOICES = [("", "—"), *sorted(COUNTRY_NAMES.items(), key=lambda item: item[1])]
LOGO_MAX_BYTES = 1024 * 1024
LOGO_MAX_SIDE = 2000
LOGO_FORMATS = {"PNG", "JPEG", "WEBP"}
# The currency a posting starts with, from the company's country.
_CURRENCY_BY_COUNTRY = {
    "US": "USD", "GB": "GBP", "CA": "CAD", "AU": "AUD", "CH": "CHF", "IN": "INR", "JP": "JPY",
    "SG": "SGD", "SE": "SEK", "NO": "NOK", "DK": "DKK", "PL": "PLN", "IL": "ILS", "BR": "BRL",
}  # fmt: skip
_EURO = {"AT", "BE", "CY", "DE", "EE", "ES", "FI", "FR", "GR", "HR", "IE", "IT", "LT", "LU",
         "LV", "MT", "NL", "PT", "SI", "SK"}  # fmt: skip


def currency_for(country: str) -> str:
    return "EUR" if country in _EURO else _CURRENCY_BY_COUNTRY.get(country, "USD")


# ---------------------------------------------------------------------------------------------
# Companies and members
# ---------------------------------------------------------------------------------------------


class CompanyForm(LabelsMixin, forms.ModelForm):
    country = forms.ChoiceField(choices=COUNTRY_CHOICES, required=False)
    website = forms.URLField(
        required=False,
        assume_scheme="https",
        help_text="Your home or careers page, e.g. https://example.com.",
    )

    class Meta:
        model = Company
        fields = ["name", "website", "description", "city", "country", "logo"]
        labels = {"description": "Short description", "name": "Company name"}
        help_texts = {
            "name": "As seekers know it.",
            "description": "One or two sentences on what the company does (up to 500 "
            "characters). Shown on your company page.",
            "city": "Where the company is based.",
            "logo": "PNG, JPEG or WebP, at most 1 MB and 2000 by 2000 pixels. Square works best.",
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 3, "maxlength": 500})}

    def clean_description(self) -> str:
        text = self.cleaned_data["description"].strip()
        if len(text) > 500:
            raise ValidationError(
                f"Keep the short description to 500 characters (it has {len(text)})."
            )
        return text

    def clean_logo(self) -> Any:
        logo = self.cleaned_data.get("logo")
        if not isinstance(logo, UploadedFile):
            return logo  # unchanged, or cleared
        if logo.size > LOGO_MAX_BYTES:
            raise ValidationError(
                f"The logo is {logo.size / 1024 / 1024:.1f} MB; the limit is 1 MB. Export it "
                "smaller or as WebP."
            )
        # forms.ImageField has opened it with Pillow and set .image (verify() passed).
        image = getattr(logo, "image", None)
        if image is None or image.format not in LOGO_FORMATS:
            raise ValidationError("Upload the logo as a PNG, JPEG or WebP image.")
        if max(image.size) > LOGO_MAX_SIDE:
            raise ValidationError(
                f"The logo is {image.size[0]} by {image.size[1]} pixels; the limit is "
                f"{LOGO_MAX_SIDE} by {LOGO_MAX_SIDE}."
            )
        return logo


class InvitationForm(LabelsMixin, forms.Form):
    email = forms.EmailField(
        label="Colleague's e-mail",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        help_text="They get a link to join your company, valid for 14 days.",
    )


# ---------------------------------------------------------------------------------------------
# Postings
# ---------------------------------------------------------------------------------------------


class RemoteRegionsField(forms.CharField):
    """Country codes and region codes as one comma-separated text box (no JavaScript)."""

    def prepare_value(self, value: Any) -> Any:
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:
        text = super().to_python(value) or ""
        return [code for code in re.split(r"[\s,;]+", text.upper()) if code]

    def validate(self, value: list[str]) -> None:
        unknown = [c for c in value if c not in REMOTE_REGIONS and c not in COUNTRY_NAMES]
        if unknown:
            raise ValidationError(
                f"Not a country or region code: {', '.join(unknown)}. Use two-letter "
                f"country codes (US, DE) or {', '.join(REMOTE_REGIONS)}."
            )


_MONEY_ATTRS = {"min": 0, "step": "any", "inputmode": "decimal"}


class PostingForm(LabelsMixin, forms.ModelForm):
    """Every field an employer writes. Pay is required: pay-transparency laws in several US
    states (and soon the EU) require the range in the advert."""

    country = forms.ChoiceField(choices=COUNTRY_CHOICES, required=False)
    remote_regions = RemoteRegionsField(
        required=False,
        label="Applicants may live in",
        help_text=(
            "For remote roles: country codes or regions, separated by commas, e.g. "
            "“US, CA” or “EU, GB”. Regions: "
            + ", ".join(f"{code} ({name})" for code, name in REMOTE_REGIONS.items())
            + "."
        ),
    )

    apply_url = forms.URLField(
        required=False,
        max_length=500,
        assume_scheme="https",
        label="Application page",
        help_text="Where applicants apply, e.g. https://example.com/careers/123.",
    )

    class Meta:
        model = Posting
        fields = list(EDITABLE_FIELDS)
        labels = {
            "title": "Job title",
            "description": "Description",
            "role_family": "Role",
            "seniority": "Level",
            "employment_type": "Employment type",
            "workplace": "Workplace",
            "region": "State or province",
            "salary_min": "Pay from",
            "salary_max": "Pay up to",
            "salary_currency": "Currency",
            "salary_period": "Pay period",
            "visa_sponsorship": "We sponsor visas for this role",
            "apply_email": "Or apply by e-mail",
        }
        help_texts = {
            "title": "What the role is called, e.g. “Senior ML Engineer, Ranking”.",
            "description": "Markdown as on GitHub: **bold**, *italic*, lists with “- ”, "
            "headings with “## ”, links as [text](https://…). Name the tools and methods the "
            "role uses: the board tags the posting's skills from this text. Preview before you "
            "submit.",
            "city": "Where the office is; for remote roles, leave empty or name a hub.",
            "salary_min": "The lowest pay you would offer, as a number (e.g. 120000).",
            "salary_max": "The highest pay you would offer. Required with the minimum: a "
            "range in the advert is the law in several US states and soon in the EU.",
            "salary_currency": "Three-letter ISO code, e.g. USD, EUR, GBP.",
            "apply_email": "If there is no application page.",
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 16}),
            "salary_min": forms.NumberInput(attrs=_MONEY_ATTRS),
            "salary_max": forms.NumberInput(attrs=_MONEY_ATTRS),
            "salary_currency": forms.TextInput(
                attrs={"maxlength": 3, "size": 4, "autocapitalize": "characters"}
            ),
        }

    def __init__(self, *args: Any, company: Company | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("salary_min", "salary_max", "salary_currency", "salary_period"):
            self.fields[name].required = True
        self.fields["salary_period"].choices = PayPeriod.choices
        self.fields["salary_min"].error_messages["required"] = "Enter the lowest pay you offer."
        self.fields["salary_max"].error_messages["required"] = "Enter the highest pay you offer."
        self.fields["salary_currency"].error_messages["required"] = "Enter the pay currency."
        if not self.instance.pk and company is not None and not self.is_bound:
            self.initial.setdefault("salary_currency", currency_for(company.country))
            self.initial.setdefault("salary_period", PayPeriod.YEAR)
            self.initial.setdefault("country", company.country)
            self.initial.setdefault("city", company.city)

    def clean_title(self) -> str:
        return " ".join(self.cleaned_data["title"].split())

    def clean_description(self) -> str:
        text = self.cleaned_data["description"].strip()
        if len(text) < 100:
            raise ValidationError(
                f"Describe the role in at least 100 characters (this has {len(text)}): what "
                "the team does, what the person will do, and the skills it needs."
            )
        return text

    def clean_salary_currency(self) -> str:
        code = self.cleaned_data["salary_currency"].strip().upper()
        if not re.fullmatch(r"[A-Z]{3}", code):
            raise ValidationError("Use the three-letter currency code, e.g. USD, EUR or GBP.")
        return code

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        low, high = data.get("salary_min"), data.get("salary_max")
        if low is not None and low < 0:
            self.add_error("salary_min", "Pay cannot be negative.")
        if low is not None and high is not None and low > high:
            self.add_error(
                "salary_max",
                f"The upper end ({high:,.0f}) is below the lower end ({low:,.0f}). Swap them, "
                "or correct one.",
            )
        if (
            data.get("salary_period") == PayPeriod.YEAR
            and high is not None
            and high < Decimal(1000)
        ):
            self.add_error(
                "salary_period",
                "That looks like hourly or monthly pay. Choose the matching pay period.",
            )
        workplace = data.get("workplace")
        if workplace == Workplace.REMOTE and not data.get("remote_regions"):
            self.add_error(
                "remote_regions",
                "Say where applicants may live for this remote role, e.g. “US” or “WW” for "
                "anywhere.",
            )
        if workplace in (Workplace.ONSITE, Workplace.HYBRID):
            if not data.get("country"):
                self.add_error("country", "Choose the country of the office.")
            if not data.get("city"):
                self.add_error("city", "Name the city of the office.")
            data["remote_regions"] = []
        if not data.get("apply_url") and not data.get("apply_email"):
            self.add_error(
                "apply_url", "Give an application page or an e-mail address for applications."
            )
        return data

    def values(self) -> dict[str, Any]:
        """Cleaned data for the services, every editable field present."""
        return {name: self.cleaned_data[name] for name in EDITABLE_FIELDS}


class SkillChangeForm(LabelsMixin, forms.Form):
    """Add a skill from the taxonomy (a select grouped by category), remove one, or move one
    to the required group ("require") or the nice-to-have group ("prefer")."""

    action = forms.ChoiceField(
        choices=[
            ("add", "Add"),
            ("remove", "Remove"),
            ("require", "Move to required"),
            ("prefer", "Move to nice to have"),
        ]
    )
    skill = forms.TypedChoiceField(coerce=int, label="Add a skill from the taxonomy")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        groups: dict[str, list[tuple[int, str]]] = {}
        for skill_id, name, category in Skill.objects.active().values_list(
            "id", "name", "category__name"
        ):
            groups.setdefault(category, []).append((skill_id, name))
        self.fields["skill"].choices = [("", "Choose a skill"), *sorted(groups.items())]

    def clean_skill(self) -> Skill:
        skill = Skill.objects.active().filter(pk=self.cleaned_data["skill"]).first()
        if skill is None:
            raise ValidationError("Choose a skill from the list.")
        return skill


class CloseForm(LabelsMixin, forms.Form):
    reason = forms.ChoiceField(
        choices=CloseReason.choices,
        label="Why are you closing it?",
        widget=forms.RadioSelect,
        initial=CloseReason.FILLED,
    )


class DashboardFilterForm(LabelsMixin, forms.Form):
    status = forms.ChoiceField(
        choices=[("", "All"), *Status.choices], required=False, label="Status"
    )


class ApiTokenForm(LabelsMixin, forms.Form):
    name = forms.CharField(
        max_length=100,
        label="Token name",
        help_text="What will use it, e.g. “Greenhouse sync”, so you know which to revoke.",
    )

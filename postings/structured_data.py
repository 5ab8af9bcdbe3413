"""What search engines read about a posting: schema.org JobPosting (Google for Jobs) and the
words of a page's meta and Open Graph tags.

Follows Google's job-posting structured-data guidelines: remote roles say TELECOMMUTE and
always where applicants may live (Google delists remote roles without it), pay is a
MonetaryAmount range with Google's unit names, and the description is the same sanitized HTML
the page shows. Only postings the public may see get any: the 410 page of an ended one has none.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils.text import Truncator

from postings.models import REMOTE_REGIONS, EmploymentType, PayPeriod, Posting, Workplace
from postings.rendering import markdown_to_html, markdown_to_text
from salaries.geography import COUNTRY_NAMES
from salaries.vocabulary import RoleFamily

SITE_NAME = "ML Jobs"
DESCRIPTION_CHARS = 160

# Google's employmentType values.
EMPLOYMENT_TYPES = {
    EmploymentType.FULL_TIME: "FULL_TIME",
    EmploymentType.PART_TIME: "PART_TIME",
    EmploymentType.CONTRACT: "CONTRACTOR",
    EmploymentType.TEMPORARY: "TEMPORARY",
    EmploymentType.INTERNSHIP: "INTERN",
}
# Google's unitText values for baseSalary.
PAY_UNITS = {
    PayPeriod.HOUR: "HOUR",
    PayPeriod.DAY: "DAY",
    PayPeriod.MONTH: "MONTH",
    PayPeriod.YEAR: "YEAR",
}
# O*NET-SOC 2019 occupations (the taxonomy schema.org suggests) where a role family plainly
# is one; the others give their label.
OCCUPATIONS = {
    RoleFamily.DATA_SCIENTIST: "15-2051.00 Data Scientists",
    RoleFamily.RESEARCH_SCIENTIST: "15-1221.00 Computer and Information Research Scientists",
    RoleFamily.DATA_ANALYST: "15-2051.01 Business Intelligence Analysts",
}


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _place(code: str) -> dict[str, str]:
    """An allowed applicant location: a Country for ISO codes, else the region by name."""
    if code in COUNTRY_NAMES:
        return {"@type": "Country", "name": code}
    return {"@type": "AdministrativeArea", "name": REMOTE_REGIONS.get(code, code)}


def job_posting(
    posting: Posting, *, skills: list[str], absolute: Callable[[str], str]
) -> dict[str, Any]:
    """The JobPosting for a visible posting (company joined) asking for `skills` (names).
    `absolute` turns a path into a full URL (request.build_absolute_uri)."""
    company = posting.company
    organization: dict[str, Any] = {
        "@type": "Organization",
        "name": company.name,
        "url": absolute(reverse("companies:detail", args=[company.slug])),
    }
    if company.website:
        organization["sameAs"] = company.website
    if company.logo:
        organization["logo"] = absolute(reverse("companies:logo", args=[company.slug]))
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "title": posting.title,
        "description": markdown_to_html(posting.description),
        "url": absolute(posting.get_absolute_url()),
        "identifier": {"@type": "PropertyValue", "name": SITE_NAME, "value": str(posting.pk)},
        "datePosted": posting.published_at.isoformat(),
        "hiringOrganization": organization,
        "employmentType": EMPLOYMENT_TYPES[posting.employment_type],
        # Applying always continues on the employer's own page or mail, not on ours.
        "directApply": False,
        "experienceRequirements": f"{posting.get_seniority_display()} level",
        "occupationalCategory": OCCUPATIONS.get(
            posting.role_family, posting.get_role_family_display()
        ),
    }
    if posting.expires_at is not None:
        data["validThrough"] = posting.expires_at.isoformat()
    if posting.city or posting.workplace != Workplace.REMOTE:
        address = {"@type": "PostalAddress"}
        for name, value in (
            ("addressLocality", posting.city),
            ("addressRegion", posting.region),
            ("addressCountry", posting.country),
        ):
            if value:
                address[name] = value
        data["jobLocation"] = {"@type": "Place", "address": address}
    if posting.workplace == Workplace.REMOTE:
        data["jobLocationType"] = "TELECOMMUTE"
        data["applicantLocationRequirements"] = [_place(c) for c in posting.remote_regions]
    if posting.has_pay:
        data["baseSalary"] = {
            "@type": "MonetaryAmount",
            "currency": posting.salary_currency,
            "value": {
                "@type": "QuantitativeValue",
                "minValue": _number(posting.salary_min),
                "maxValue": _number(posting.salary_max),
                "unitText": PAY_UNITS[posting.salary_period],
            },
        }
    if skills:
        data["skills"] = skills
    return data


def summary(text: str) -> str:
    """A page description from Markdown or HTML: plain words, at most DESCRIPTION_CHARS."""
    return Truncator(markdown_to_text(text)).chars(DESCRIPTION_CHARS)

"""Posting pages carry schema.org JobPosting JSON-LD that Google for Jobs accepts, read back by
an independent extractor (extruct) and checked against the schema.org vocabulary
(tests/reach/schemaorg.py); ended postings carry none."""

from __future__ import annotations

from decimal import Decimal

import extruct
import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from tests.factories import CompanyFactory, PostingFactory
from tests.reach.schemaorg import problems

pytestmark = pytest.mark.django_db

# Google Search Central, "Job posting (JobPosting) structured data": the required properties,
# and the recommended ones this board can always fill (developers.google.com/search/docs/
# appearance/structured-data/job-posting). jobLocation is required unless the role is fully
# remote, when jobLocationType TELECOMMUTE and applicantLocationRequirements take its place.
GOOGLE_REQUIRED = {"title", "description", "datePosted", "hiringOrganization"}
GOOGLE_RECOMMENDED = {"validThrough", "employmentType", "identifier", "directApply"}


def _job_postings(client, posting) -> tuple[int, list[dict]]:
    response = client.get(posting.get_absolute_url())
    html = response.content.decode()
    found = extruct.extract(html, base_url="http://testserver/", syntaxes=["json-ld"])
    return response.status_code, [d for d in found["json-ld"] if d.get("@type") == "JobPosting"]


def _only_posting(client, posting) -> dict:
    status, found = _job_postings(client, posting)
    assert status == 200
    assert len(found) == 1
    data = found[0]
    assert problems(data) == []
    assert set(data) >= GOOGLE_REQUIRED | GOOGLE_RECOMMENDED
    assert data["@context"] == "https://schema.org"
    return data


def test_an_on_site_role_has_its_office_address_and_a_yearly_range(client):
    company = CompanyFactory(name="Vector Labs", website="https://vector.example")
    posting = PostingFactory(
        company=company, title="ML Engineer", workplace="onsite", city="Munich",
        region="Bavaria", country="DE", employment_type="full_time",
        salary_min=Decimal("90000"), salary_max=Decimal("120000.50"), salary_currency="EUR",
    )  # fmt: skip

    data = _only_posting(client, posting)

    assert data["title"] == "ML Engineer"
    assert data["jobLocation"] == {
        "@type": "Place",
        "address": {
            "@type": "PostalAddress",
            "addressLocality": "Munich",
            "addressRegion": "Bavaria",
            "addressCountry": "DE",
        },
    }
    assert "jobLocationType" not in data
    assert "applicantLocationRequirements" not in data
    assert data["baseSalary"] == {
        "@type": "MonetaryAmount",
        "currency": "EUR",
        "value": {
            "@type": "QuantitativeValue",
            "minValue": 90000,
            "maxValue": 120000.5,
            "unitText": "YEAR",
        },
    }
    assert data["employmentType"] == "FULL_TIME"
    assert data["hiringOrganization"]["name"] == "Vector Labs"
    assert data["hiringOrganization"]["sameAs"] == "https://vector.example"
    assert data["identifier"] == {
        "@type": "PropertyValue",
        "name": "ML Jobs",
        "value": str(posting.pk),
    }
    assert data["datePosted"] == posting.published_at.isoformat()
    assert data["validThrough"] == posting.expires_at.isoformat()
    assert data["url"] == f"http://testserver{posting.get_absolute_url()}"
    assert data["directApply"] is False


def test_a_fully_remote_role_says_telecommute_and_where_applicants_may_live(client):
    posting = PostingFactory(
        workplace="remote", city="", region="", country="", remote_regions=["US", "CA", "EU"]
    )

    data = _only_posting(client, posting)

    assert data["jobLocationType"] == "TELECOMMUTE"
    assert data["applicantLocationRequirements"] == [
        {"@type": "Country", "name": "US"},
        {"@type": "Country", "name": "CA"},
        {"@type": "AdministrativeArea", "name": "European Union"},
    ]
    assert "jobLocation" not in data


def test_a_hybrid_role_is_not_marked_remote(client):
    posting = PostingFactory(workplace="hybrid", city="Berlin", country="DE")

    data = _only_posting(client, posting)

    assert "jobLocationType" not in data
    assert data["jobLocation"]["address"]["addressLocality"] == "Berlin"


def test_hourly_pay_uses_googles_hour_unit_and_contract_maps_to_contractor(client):
    posting = PostingFactory(
        salary_min=Decimal("60"), salary_max=Decimal("85"), salary_currency="USD",
        salary_period="hour", employment_type="contract", country="US", city="Austin",
    )  # fmt: skip

    data = _only_posting(client, posting)

    assert data["baseSalary"]["value"]["unitText"] == "HOUR"
    assert data["baseSalary"]["value"]["minValue"] == 60
    assert data["employmentType"] == "CONTRACTOR"


def test_a_role_without_pay_has_no_base_salary(client):
    posting = PostingFactory(unpaid=True, employment_type="internship")

    data = _only_posting(client, posting)

    assert "baseSalary" not in data
    assert data["employmentType"] == "INTERN"


def test_the_description_is_the_sanitized_html_the_page_shows(client):
    posting = PostingFactory(
        description="We train **models**.\n\n<script>alert(1)</script>\n\n[x](javascript:alert(2))"
    )

    data = _only_posting(client, posting)

    assert "<strong>models</strong>" in data["description"]
    assert "<script" not in data["description"]
    assert "javascript:" not in data["description"]


def test_a_title_cannot_close_the_script_element(client):
    title = "Engineer </script><script>alert(1)</script> <!-- R&D"
    posting = PostingFactory(title=title)

    response = client.get(posting.get_absolute_url())
    data = _only_posting(client, posting)

    assert data["title"] == title
    assert b"</script><script>alert(1)" not in response.content
    assert b"<!--" not in response.content  # nor opened a comment in it


def test_skills_occupation_and_level_are_given_where_known(client, taxonomy):
    from postings.tagging.services import postings_tag

    posting = PostingFactory(
        role_family="data_scientist", seniority="senior",
        description="We use Python and PyTorch every day to train ranking models for search.",
    )  # fmt: skip
    postings_tag(posting_ids=[posting.pk])

    data = _only_posting(client, posting)

    assert data["skills"] == ["Python", "PyTorch"]
    assert data["occupationalCategory"] == "15-2051.00 Data Scientists"
    assert data["experienceRequirements"] == "Senior level"


def test_the_company_logo_is_the_organizations_logo(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    company = CompanyFactory()
    company.logo.save("logo.png", ContentFile(b"not read here"), save=True)
    posting = PostingFactory(company=company)

    data = _only_posting(client, posting)

    assert data["hiringOrganization"]["logo"] == (
        f"http://testserver{reverse('companies:logo', args=[company.slug])}"
    )


@pytest.mark.parametrize("trait", ["closed", "expired", "lapsed"])
def test_ended_postings_answer_410_with_no_job_posting(client, trait):
    posting = PostingFactory(**{trait: True})

    status, found = _job_postings(client, posting)

    assert status == 410
    assert found == []

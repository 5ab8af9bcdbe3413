"""The OpenAPI schema is valid OpenAPI 3, its docs are served from our own static files, and
the live API keeps to it: schemathesis generates requests for every operation (the employer
ones with a token), valid and invalid, against a running server, with 0 failures: no 500, no
response outside the schema, no undocumented status code or content type."""

from __future__ import annotations

import os
import re
from decimal import Decimal
from pathlib import Path

import pytest
import requests
import schemathesis
from django.core.management import call_command
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from openapi_spec_validator import validate
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from postings.employers.tokens import api_token_create
from postings.services import postings_refresh_pay_usd
from postings.tagging.services import postings_tag
from tests.factories import CompanyFactory, PostingFactory, UserFactory

SURVEY = Path(__file__).parent.parent / "salaries" / "fixtures" / "small_salaries.csv"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES = 25  # per operation and generation mode


def _import_survey() -> None:
    with open(os.devnull, "w") as sink:
        call_command("import_salaries", str(SURVEY), stdout=sink, stderr=sink)


@pytest.mark.django_db
def test_the_schema_is_valid_openapi_3_and_documents_every_operation(client):
    response = client.get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    spec = response.json()
    validate(spec)  # openapi-spec-validator: raises on any violation
    assert spec["openapi"].startswith("3.")
    operations = {
        (method.upper(), path)
        for path, item in spec["paths"].items()
        for method in item
        if method in {"get", "put", "delete", "post", "patch"}
    }
    assert operations == {
        ("GET", "/api/v1/jobs/"),
        ("GET", "/api/v1/jobs/{id}/"),
        ("GET", "/api/v1/skills/"),
        ("GET", "/api/v1/salaries/bands/"),
        ("GET", "/api/v1/employer/jobs/"),
        ("GET", "/api/v1/employer/jobs/{external_id}/"),
        ("PUT", "/api/v1/employer/jobs/{external_id}/"),
        ("DELETE", "/api/v1/employer/jobs/{external_id}/"),
    }
    jobs = spec["paths"]["/api/v1/jobs/"]["get"]
    documented = {p["name"] for p in jobs["parameters"]}
    assert documented >= {"q", "skills", "match", "level", "role", "workplace", "type"}
    assert documented >= {"country", "location", "visa", "posted_within", "company"}
    assert documented >= {"salary_min", "cursor", "page_size"}
    assert set(jobs["responses"]) == {"200", "400", "429"}


@pytest.mark.django_db
def test_the_docs_page_loads_swagger_ui_from_our_own_static_files(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    # Named by content (static files are hashed: swagger-ui-bundle.<hash>.js).
    assert any(re.search(r"swagger-ui-bundle(\.[0-9a-f]{12})?\.js", s) for s in sources)
    assert all(s.startswith("/") for s in sources), sources
    bundle = next(s for s in sources if re.search(r"swagger-ui-bundle(\.[0-9a-f]{12})?\.js", s))
    assert client.get(bundle).status_code == 200


@pytest.fixture
def api_data(transactional_db, taxonomy):
    """Roles, skills, bands and a company token for the generated requests to meet."""
    _import_survey()
    company = CompanyFactory(name="Vector Labs")
    postings = [
        PostingFactory(company=company, external_id="GH-1", description="Python and PyTorch."),
        PostingFactory(workplace="remote", remote_regions=["US", "EU"], country="", city=""),
        PostingFactory(unpaid=True, seniority="lead"),
        PostingFactory(salary_period="hour", salary_min=Decimal(50), salary_max=Decimal(70)),
        PostingFactory(company=company, external_id="GH-2", pending=True),
    ]
    postings_tag(posting_ids=[p.pk for p in postings])
    postings_refresh_pay_usd()
    user = UserFactory()
    return api_token_create(company=company, user=user, name="contract tests")[1]


@pytest.mark.e2e
def test_the_live_api_keeps_to_its_schema(live_server, api_data, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100000/min", "token": "100000/min"},
    }
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/?format=json")
    session = requests.Session()
    headers = {"Authorization": f"Bearer {api_data}"}
    failures: list[str] = []
    tried: dict[str, int] = {}

    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            call = {"base_url": live_server.url, "session": session, "headers": headers}
            _exercise(operation, mode, CHECKS, call, failures, tried)

    session.close()  # the live server's thread then lets go of the test database
    if os.environ.get("REACH_DUMP"):
        Path(os.environ["REACH_DUMP"]).write_text("\n=====\n".join(failures))
    assert failures == []
    assert len(tried) == 8
    # Every operation with inputs got both modes' examples; the skills tree has none to vary.
    assert sum(1 for count in tried.values() if count >= EXAMPLES) >= 7, tried


def _exercise(operation, mode, checks, call: dict, failures: list, tried: dict) -> None:
    """Send EXAMPLES generated requests for `operation`, noting each failed check."""
    label = operation.label

    @given(case=operation.as_strategy(generation_mode=mode))
    @hypothesis_settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case) -> None:
        tried[label] = tried.get(label, 0) + 1
        try:
            case.call_and_validate(checks=checks, **call)
        except (Exception, FailureGroup) as error:  # noqa: BLE001 - every failure is collected
            failures.append(f"{label}: {error}"[:2000])

    try:
        run()
    except Unsatisfiable:
        assert mode is GenerationMode.NEGATIVE  # an operation with no input has no bad input

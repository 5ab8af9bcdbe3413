"""The employer API: company tokens (made and revoked on the dashboard, shown once, stored
hashed), idempotent PUT by the employer's own id through the web form's services and review,
DELETE closing, and a token never reaching another company's roles."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from postings.employers.tokens import api_token_create
from postings.models import ApiToken, Posting, PostingRevision, RevisionStatus, Status
from postings.moderation.services import posting_approve, revision_approve
from tests.employers.conftest import DESCRIPTION
from tests.factories import PostingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(company, employer):
    return api_token_create(company=company, user=employer, name="Greenhouse")[1]


@pytest.fixture
def other_token(other_company, other_employer):
    return api_token_create(company=other_company, user=other_employer, name="Lever")[1]


@pytest.fixture
def role():
    """A role as an ATS sends it (the API's field names)."""
    return {
        "title": "Senior ML Engineer, Ranking",
        "description": DESCRIPTION,
        "level": "senior",
        "role": "ml_engineer",
        "employment_type": "full_time",
        "workplace": "hybrid",
        "city": "Berlin",
        "country": "DE",
        "salary_min": 90000,
        "salary_max": 120000,
        "salary_currency": "EUR",
        "salary_period": "year",
        "visa_sponsorship": True,
        "apply_url": "https://vector-labs.example/jobs/1",
    }


def _call(client, method: str, path: str, token: str | None, body: object = None, **params):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    url = f"/api/v1/employer/{path}"
    if params:
        from urllib.parse import urlencode

        url += f"?{urlencode(params)}"
    data = json.dumps(body) if body is not None else None
    return getattr(client, method)(url, data=data, content_type="application/json", **headers)


def put(client, token, external_id, body):
    return _call(client, "put", f"jobs/{external_id}/", token, body)


# --- tokens ---------------------------------------------------------------------------------


def test_a_member_makes_a_token_that_is_shown_once_and_stored_only_as_a_hash(client, employer):
    client.force_login(employer)

    response = client.post(reverse("employers:api_tokens"), {"name": "Greenhouse sync"})

    assert response.status_code == 200
    plain = response.context["created"]["plain"]
    assert plain.startswith("mlj_") and plain.encode() in response.content
    assert response["Cache-Control"] == "no-store"
    stored = ApiToken.objects.get()
    assert stored.name == "Greenhouse sync"
    assert stored.key_hash == hashlib.sha256(plain.encode()).hexdigest()
    assert plain not in json.dumps(list(ApiToken.objects.values()), default=str)
    again = client.get(reverse("employers:api_tokens"))
    assert plain.encode() not in again.content
    assert f"mlj_{stored.prefix}_".encode() in again.content


def test_using_a_token_records_when_it_was_last_used(client, token):
    assert ApiToken.objects.get().last_used_at is None

    assert _call(client, "get", "jobs/", token).status_code == 200

    assert ApiToken.objects.get().last_used_at is not None


def test_a_revoked_token_answers_401(client, employer, token):
    client.force_login(employer)
    stored = ApiToken.objects.get()

    response = client.post(reverse("employers:api_token_revoke", args=[stored.pk]))

    assert response.status_code == 302
    stored.refresh_from_db()
    assert stored.revoked_at is not None
    answer = _call(client, "get", "jobs/", token)
    assert answer.status_code == 401
    assert answer.json() == {"detail": "That token is not valid, or it has been revoked."}
    assert answer["WWW-Authenticate"] == "Bearer"


def test_an_employer_cannot_revoke_another_companys_token(client, other_employer, token):
    client.force_login(other_employer)
    stored = ApiToken.objects.get()

    response = client.post(reverse("employers:api_token_revoke", args=[stored.pk]))

    assert response.status_code == 404
    stored.refresh_from_db()
    assert stored.revoked_at is None


def test_token_pages_are_for_members_only(client, seeker):
    assert client.get(reverse("employers:api_tokens")).status_code == 302  # to log in
    client.force_login(seeker)
    assert client.get(reverse("employers:api_tokens")).status_code == 403


@pytest.mark.parametrize(
    "header",
    ["", "Bearer", "Bearer nope", "Bearer mlj_000000000000_x", "Token mlj_a_b", "Bearer a b"],
)
def test_requests_without_a_valid_token_answer_401(client, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}

    response = client.get("/api/v1/employer/jobs/", **extra)

    assert response.status_code == 401
    assert response.json()["detail"]


@pytest.mark.parametrize("header", ["Token mlj_a_b", "Basic ZTpw", "Bearer", "Bearer a b"])
def test_a_header_in_the_wrong_shape_is_told_the_right_one(client, header):
    response = client.get("/api/v1/employer/jobs/", HTTP_AUTHORIZATION=header)

    assert response.status_code == 401
    assert response.json() == {"detail": "Send the header as “Authorization: Bearer <token>”."}
    assert response["WWW-Authenticate"] == "Bearer"


# --- PUT: create, update, idempotence -------------------------------------------------------


def test_a_new_role_is_created_and_sent_to_review_not_published(
    client, token, role, company, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = put(client, token, "GH-1001", role)

    assert response.status_code == 201
    body = response.json()
    assert (body["result"], body["status"], body["url"]) == ("created", "pending_review", None)
    posting = Posting.objects.get(external_id="GH-1001")
    assert posting.company == company
    assert posting.status == Status.PENDING_REVIEW
    assert (posting.seniority, posting.role_family) == ("senior", "ml_engineer")
    assert posting.salary_min == Decimal("90000")
    assert posting.pay_max_usd is not None or posting.salary_currency == "EUR"
    assert posting not in Posting.objects.visible()
    # Tagging is queued after commit, as for any edit that is not previewed.
    assert len(callbacks) == 1


def test_the_same_role_sent_again_changes_nothing(client, token, role):
    put(client, token, "GH-1001", role)
    before = Posting.objects.values().get(external_id="GH-1001")

    response = put(client, token, "GH-1001", role)

    assert response.status_code == 200
    assert response.json()["result"] == "unchanged"
    assert Posting.objects.values().get(external_id="GH-1001") == before
    assert Posting.objects.count() == 1


def test_pay_is_required_with_the_forms_own_messages(client, token, role):
    del role["salary_min"]
    role["salary_currency"] = "eu1"
    role["description"] = "Too short."

    response = put(client, token, "GH-1", role)

    assert response.status_code == 400
    assert response.json() == {
        "description": [
            "Describe the role in at least 100 characters (this has 10): what the team does, "
            "what the person will do, and the skills it needs."
        ],
        "salary_min": ["Enter the lowest pay you offer."],
        "salary_currency": ["Use the three-letter currency code, e.g. USD, EUR or GBP."],
    }
    assert not Posting.objects.exists()


def test_cross_field_rules_and_field_names_are_the_apis(client, token, role):
    role.update(workplace="remote", remote_regions=[], level="wizard", salary_min=200000)

    response = put(client, token, "GH-1", role)

    assert response.status_code == 400
    errors = response.json()
    assert errors["level"] == ["Select a valid choice. wizard is not one of the available choices."]
    assert errors["remote_regions"][0].startswith("Say where applicants may live")
    assert errors["salary_max"][0].startswith("The upper end (120,000) is below the lower end")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", 123, "Expected a string."),
        ("salary_min", "90000", "Expected a number."),
        ("visa_sponsorship", "yes", "Expected true or false."),
        ("remote_regions", "US", "Expected a list of strings."),
        ("salary_max", True, "Expected a number."),
    ],
)
def test_values_of_the_wrong_json_type_are_400s(client, token, role, field, value, message):
    role[field] = value

    response = put(client, token, "GH-1", role)

    assert response.status_code == 400
    assert response.json() == {field: [message]}


@pytest.mark.parametrize("body", [[], "role", 5])
def test_a_body_that_is_not_an_object_is_a_400(client, token, body):
    response = put(client, token, "GH-1", body)

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Send the role as a JSON object."]}


def test_an_external_id_may_hold_slashes_but_not_run_too_long(client, token, role):
    assert put(client, token, "boards/ml/42", role).status_code == 201
    assert Posting.objects.filter(external_id="boards/ml/42").exists()

    response = put(client, token, "x" * 201, role)

    assert response.status_code == 400
    assert response.json() == {"external_id": ["Keep it to 200 characters."]}


def test_a_live_roles_title_change_waits_for_review_and_the_approved_version_stays(
    client, token, role, admin_user
):
    put(client, token, "GH-1", role)
    posting_approve(posting=Posting.objects.get(), reviewer=admin_user)

    role["title"] = "Staff ML Engineer, Ranking"
    response = put(client, token, "GH-1", role)
    again = put(client, token, "GH-1", role)

    assert response.json()["result"] == "review"
    assert response.json()["review"] == {"pending_edit": True, "rejection_reason": ""}
    assert again.json()["result"] == "unchanged"
    posting = Posting.objects.get()
    assert posting.title == "Senior ML Engineer, Ranking"
    assert posting in Posting.objects.visible()
    revision = PostingRevision.objects.get(status=RevisionStatus.PENDING)
    assert revision.data["title"] == "Staff ML Engineer, Ranking"
    revision_approve(revision=revision, reviewer=admin_user)
    posting.refresh_from_db()
    assert posting.title == "Staff ML Engineer, Ranking"


def test_a_live_roles_city_change_applies_at_once(client, token, role, admin_user):
    put(client, token, "GH-1", role)
    posting_approve(posting=Posting.objects.get(), reviewer=admin_user)

    role["city"] = "Hamburg"
    response = put(client, token, "GH-1", role)

    assert response.json()["result"] == "saved"
    assert Posting.objects.get().city == "Hamburg"
    assert not PostingRevision.objects.exists()


def test_a_rejected_role_goes_back_to_review_only_when_changed(client, token, role, admin_user):
    from postings.moderation.services import posting_reject

    put(client, token, "GH-1", role)
    posting_reject(posting=Posting.objects.get(), reviewer=admin_user, reason="Name the team.")

    same = put(client, token, "GH-1", role)
    role["description"] = DESCRIPTION + "\nYou join the search ranking team."
    changed = put(client, token, "GH-1", role)

    assert same.json()["result"] == "unchanged"
    assert same.json()["review"]["rejection_reason"] == "Name the team."
    assert changed.json()["result"] == "submitted"
    assert Posting.objects.get().status == Status.PENDING_REVIEW


# --- DELETE -----------------------------------------------------------------------------------


def test_delete_closes_a_live_role_and_again_changes_nothing(client, token, role, admin_user):
    put(client, token, "GH-1", role)
    posting_approve(posting=Posting.objects.get(), reviewer=admin_user)

    first = _call(client, "delete", "jobs/GH-1/", token, reason="filled")
    second = _call(client, "delete", "jobs/GH-1/", token)

    assert first.status_code == second.status_code == 200
    posting = Posting.objects.get()
    assert (posting.status, posting.closed_reason) == (Status.CLOSED, "filled")
    assert second.json()["status"] == "closed"
    assert client.get(posting.get_absolute_url()).status_code == 410


def test_delete_takes_a_role_in_review_back_to_draft_and_put_resubmits_it(client, token, role):
    put(client, token, "GH-1", role)

    response = _call(client, "delete", "jobs/GH-1/", token)
    resent = put(client, token, "GH-1", role)

    assert response.json()["status"] == "draft"
    assert resent.json()["result"] == "submitted"
    assert Posting.objects.get().status == Status.PENDING_REVIEW


def test_a_closed_role_cannot_be_edited_through_put(client, token, role, admin_user):
    put(client, token, "GH-1", role)
    posting_approve(posting=Posting.objects.get(), reviewer=admin_user)
    _call(client, "delete", "jobs/GH-1/", token)

    role["title"] = "Reopened"
    response = put(client, token, "GH-1", role)

    assert response.status_code == 409
    assert response.json() == {
        "detail": "A closed or expired posting cannot be edited. Renew it, or duplicate it as "
        "a new draft."
    }


def test_a_bad_close_reason_is_a_400(client, token, role):
    put(client, token, "GH-1", role)

    response = _call(client, "delete", "jobs/GH-1/", token, reason="bored")

    assert response.status_code == 400
    assert response.json() == {"reason": ["Use one of: filled, withdrawn."]}


# --- scope: one company's token, one company's roles ----------------------------------------


def test_a_token_never_reaches_another_companys_roles(
    client, token, other_token, role, other_company
):
    theirs = PostingFactory(company=other_company, external_id="GH-1", title="Theirs")

    assert _call(client, "get", "jobs/GH-1/", token).status_code == 404
    assert _call(client, "delete", "jobs/GH-1/", token).status_code == 404
    created = put(client, token, "GH-1", role)
    listed = _call(client, "get", "jobs/", token).json()["results"]

    assert created.status_code == 201
    theirs.refresh_from_db()
    assert (theirs.title, theirs.status) == ("Theirs", Status.PUBLISHED)
    assert [job["title"] for job in listed] == [role["title"]]
    assert [j["title"] for j in _call(client, "get", "jobs/", other_token).json()["results"]] == [
        "Theirs"
    ]


def test_the_list_shows_each_role_with_its_review_status(client, token, role, company, admin_user):
    PostingFactory(company=company, title="Posted on the site", rejected=True,
                   rejection_reason="Add the pay.")  # fmt: skip
    put(client, token, "GH-1", role)

    results = _call(client, "get", "jobs/", token).json()["results"]

    by_title = {job["title"]: job for job in results}
    assert by_title[role["title"]]["status"] == "pending_review"
    assert by_title[role["title"]]["external_id"] == "GH-1"
    assert by_title["Posted on the site"]["review"]["rejection_reason"] == "Add the pay."
    assert by_title["Posted on the site"]["external_id"] is None


def test_each_token_is_throttled_on_its_own(client, token, other_token, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100/min", "token": "2/min"},
    }

    codes = [_call(client, "get", "jobs/", token).status_code for _ in range(3)]

    assert codes == [200, 200, 429]
    assert _call(client, "get", "jobs/", other_token).status_code == 200


def test_the_token_limit_holds_with_redis_down(client, token, role, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100/min", "token": "2/min"},
    }
    settings.CACHES = {
        "default": {
            "BACKEND": "postings.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
            "OPTIONS": {"socket_connect_timeout": 0.25},
        }
    }

    codes = [put(client, token, f"GH-{i}", role).status_code for i in range(3)]

    assert codes == [201, 201, 429]
    assert Posting.objects.count() == 2
    limited = put(client, token, "GH-9", role)
    assert 0 < int(limited["Retry-After"]) <= 60

"""Every form, fed whatever a person or a script can send (issue 11): never a 500.

Property-based: hypothesis mixes valid values with junk (empty, huge numbers, control
characters, markup, wrong types, very long text, unknown fields) field by field, so the
inputs reach every validation step, not only the first. Rate-limit counters are cleared
before each example, or the limits would answer 429 before the forms were exercised.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from postings.models import Posting, RateLimitCounter

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

JUNK = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=200, max_size=3000),
    st.sampled_from([
        "", " ", "0", "-1", "1e309", "NaN", "inf", "9" * 40, "-9" * 20, "0x10", "1,000,000",
        "\x00", "\ufeff", "<script>alert(1)</script>", "https://", "javascript:alert(1)",
        "mailto:", "a@b", "ZZ", "zz", "EUR ", "../../etc/passwd", "'; DROP TABLE x; --",
    ]),
)  # fmt: skip


def _mix(valid: dict[str, str]) -> st.SearchStrategy[dict[str, str]]:
    """Each field valid or junk, some missing, plus a field no form knows."""
    fields = {name: st.one_of(st.just(value), JUNK) for name, value in valid.items()}
    return st.fixed_dictionaries(
        {}, optional={**fields, "unknown_field": JUNK, "csrfmiddlewaretoken": JUNK}
    )


def _post(client, url: str, data: dict) -> int:
    RateLimitCounter.objects.all().delete()
    return client.post(url, data).status_code


POSTING = {
    "title": "Senior ML Engineer", "description": "We train ranking models in Python. " * 5,
    "seniority": "senior", "role_family": "ml_engineer", "employment_type": "full_time",
    "workplace": "remote", "city": "Berlin", "region": "", "country": "DE",
    "remote_regions": "EU", "salary_min": "90000", "salary_max": "120000",
    "salary_currency": "EUR", "salary_period": "year", "visa_sponsorship": "on",
    "apply_url": "https://x.example/apply", "apply_email": "jobs@x.example",
}  # fmt: skip


@FUZZ
@given(data=_mix({"email": "nina@new-co.example", "password1": "a long passphrase 42",
                  "password2": "a long passphrase 42"}))  # fmt: skip
def test_sign_up(client, data):
    assert _post(client, reverse("accounts:signup"), data) < 500
    client.logout()


@FUZZ
@given(data=_mix({"username": "erin.employer@vector-labs.example", "password": "x"}))
def test_log_in(client, employer, data):
    assert _post(client, reverse("accounts:login"), data) < 500


@FUZZ
@given(data=_mix({"email": "erin.employer@vector-labs.example"}))
def test_password_reset(client, employer, data):
    assert _post(client, reverse("accounts:password_reset"), data) < 500


@FUZZ
@given(data=_mix(POSTING))
def test_posting_create_and_edit(client, employer, live, taxonomy, data):
    client.force_login(employer)
    assert _post(client, reverse("employers:posting_create"), data) < 500
    assert _post(client, reverse("employers:posting_edit", args=[live.pk]), data) < 500


@FUZZ
@given(data=_mix({"name": "Vector Labs", "website": "https://vector-labs.example",
                  "description": "We rank.", "city": "Berlin", "country": "DE"}))  # fmt: skip
def test_company_edit(client, employer, data):
    client.force_login(employer)
    assert _post(client, reverse("employers:company_edit"), data) < 500


@FUZZ
@given(data=_mix({"email": "cole@vector-labs.example"}))
def test_team_invitation(client, employer, data):
    client.force_login(employer)
    assert _post(client, reverse("employers:team"), data) < 500


@FUZZ
@given(
    skills=_mix({"action": "add", "skill": "1"}),
    close=_mix({"reason": "filled"}),
    dashboard=_mix({"status": "draft", "q": "ranking", "page": "2"}),
)
def test_posting_actions_and_the_dashboard_filter(
    client, employer, draft, live, taxonomy, skills, close, dashboard
):
    client.force_login(employer)
    assert _post(client, reverse("employers:posting_skills", args=[draft.pk]), skills) < 500
    assert _post(client, reverse("employers:posting_close", args=[live.pk]), close) < 500
    assert client.get(reverse("employers:dashboard"), dashboard).status_code < 500
    Posting.objects.filter(pk=live.pk).update(status="published", closed_reason="")


@FUZZ
@given(data=_mix({"decide": "approve:p1", "bulk": "reject", "selected": "r1",
                  "bulk_reason": "Not an ML role", "reason-p1": "Spam"}))  # fmt: skip
def test_moderation_decisions(client, admin_user, draft, data):
    client.force_login(admin_user)
    assert _post(client, reverse("moderation:queue"), data) < 500


@FUZZ
@given(data=_mix({"role": "ml_engineer", "level": "senior", "country": "US", "remote": "on",
                  "percentile": "p50"}))  # fmt: skip
def test_salary_calculator(client, data):
    assert client.get(reverse("salaries:calculator"), data).status_code < 500

"""Every role against every employer endpoint.

Anonymous visitors are sent to log in; signed-in users without a company (seekers, and staff
acting as staff) get 403; another company's employer gets 404 on pages and 403 on actions,
never the posting's data; the owning company's members get the page. Only staff moderate.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from postings.models import Posting
from tests.factories import PostingFactory

pytestmark = pytest.mark.django_db

# Pages of one posting (GET) and actions on one posting (POST).
POSTING_PAGES = ["employers:posting", "employers:posting_edit", "employers:posting_renew"]
POSTING_ACTIONS = [
    "employers:posting_edit",
    "employers:posting_renew",
    "employers:posting_extend",
    "employers:posting_skills",
    "employers:posting_submit",
    "employers:posting_close",
    "employers:posting_duplicate",
]
# Pages about the user's own company: no id, so nothing of another company to leak.
COMPANY_PAGES = [
    "employers:dashboard",
    "employers:posting_create",
    "employers:company_edit",
    "employers:team",
]


@pytest.fixture(params=["draft", "expiring"])
def target(request, company, employer):
    """A Vector Labs posting: a draft, and a live one close enough to expiry to renew."""
    if request.param == "draft":
        return PostingFactory(company=company, draft=True, title="Secret draft role")
    return PostingFactory(
        company=company,
        title="Secret live role",
        expires_at=timezone.now() + timedelta(days=2),
    )


@pytest.fixture
def as_role(client, request):
    def login(role: str):
        if role != "anonymous":
            client.force_login(request.getfixturevalue(role))
        return client

    return login


def _snapshot(posting: Posting) -> tuple:
    row = Posting.objects.get(pk=posting.pk)
    return (row.status, row.title, row.expires_at, row.updated_at, Posting.objects.count())


@pytest.mark.parametrize("name", POSTING_PAGES)
@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("seeker", 403),
        ("admin_user", 403),
        ("other_employer", 404),
        ("employer", 200),
        ("colleague", 200),
    ],
)
def test_posting_pages(as_role, target, name, role, expected):
    if (
        name == "employers:posting_renew"
        and target.status == "draft"
        and role
        in (
            "employer",
            "colleague",
        )
    ):
        expected = 302  # a draft cannot be renewed: back to its page with a message

    response = as_role(role).get(reverse(name, args=[target.pk]))

    assert response.status_code == expected
    if role == "anonymous":
        assert response.url.startswith(reverse("accounts:login"))
    if expected != 200:
        assert target.title.encode() not in response.content


@pytest.mark.parametrize("name", POSTING_ACTIONS)
@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 302), ("seeker", 403), ("admin_user", 403), ("other_employer", 403)],
)
def test_posting_actions_by_outsiders_change_nothing(as_role, target, name, role, expected):
    before = _snapshot(target)

    response = as_role(role).post(
        reverse(name, args=[target.pk]), {"reason": "filled", "action": "add", "skill": "1"}
    )

    assert response.status_code == expected
    assert target.title.encode() not in response.content
    assert _snapshot(target) == before


@pytest.mark.parametrize("name", POSTING_ACTIONS)
def test_an_action_on_an_id_that_does_not_exist_is_403_too(as_role, other_employer, name):
    # Same answer as for another company's posting: actions reveal nothing about ids.
    response = as_role("other_employer").post(reverse(name, args=[999_999]))
    assert response.status_code == 403


@pytest.mark.parametrize("name", POSTING_ACTIONS)
def test_owners_actions_are_accepted(as_role, target, employer, name):
    response = as_role("employer").post(
        reverse(name, args=[target.pk]), {"reason": "filled", "action": "add", "skill": ""}
    )
    # Every action answers with a redirect (to the posting, its copy, or the form again).
    assert response.status_code in (200, 302)


@pytest.mark.parametrize("name", COMPANY_PAGES)
@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("seeker", 403),
        ("admin_user", 403),
        ("other_employer", 200),
        ("employer", 200),
    ],
)
def test_company_pages(as_role, company, target, name, role, expected):
    response = as_role(role).get(reverse(name))

    assert response.status_code == expected
    if role == "other_employer":
        # Their own company's page: nothing of Vector Labs on it.
        assert b"Vector Labs" not in response.content
        assert target.title.encode() not in response.content


def test_a_seeker_is_offered_to_set_up_a_company(as_role):
    response = as_role("seeker").get(reverse("employers:dashboard"))
    assert response.status_code == 403
    assert reverse("employers:company_create").encode() in response.content


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("seeker", 403),
        ("employer", 403),
        ("other_employer", 403),
        ("admin_user", 200),
    ],
)
def test_only_staff_reach_the_moderation_queue(as_role, company, role, expected):
    pending = PostingFactory(company=company, pending=True, title="Queued role")

    page = as_role(role).get(reverse("moderation:queue"))
    action = as_role(role).post(reverse("moderation:queue"), {"decide": f"approve:p{pending.pk}"})

    assert page.status_code == expected
    assert action.status_code == (302 if role == "admin_user" else expected)
    pending.refresh_from_db()
    assert (pending.status == "published") is (role == "admin_user")


def test_every_employer_form_requires_csrf(employer, draft):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(employer)

    for name in POSTING_ACTIONS:
        assert strict.post(reverse(name, args=[draft.pk])).status_code == 403
    assert strict.post(reverse("employers:posting_create"), {}).status_code == 403
    assert strict.post(reverse("accounts:signup"), {}).status_code == 403
    draft.refresh_from_db()
    assert draft.status == "draft"

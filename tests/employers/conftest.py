"""The employer-side cast. Each user exists for a reason:

- `employer`: Erin, a member of Vector Labs, which owns the postings under test.
- `colleague`: Cole, a second member of Vector Labs: members share the company's postings.
- `other_employer`: Olga at Rival AI: must never see or touch Vector Labs' postings.
- `seeker` and `admin_user` come from tests/conftest.py.
"""

from __future__ import annotations

import pytest

from postings.models import Membership
from tests.factories import CompanyFactory, PostingFactory, UserFactory


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    # Hashing is not under test here, and the default costs half a second per user.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def company(db):
    return CompanyFactory(name="Vector Labs", slug="vector-labs", country="DE", city="Berlin")


@pytest.fixture
def other_company(db):
    return CompanyFactory(name="Rival AI", slug="rival-ai", country="GB", city="London")


@pytest.fixture
def employer(company):
    user = UserFactory(username="erin.employer@vector-labs.example")
    Membership.objects.create(user=user, company=company)
    return user


@pytest.fixture
def colleague(company):
    user = UserFactory(username="cole.colleague@vector-labs.example")
    Membership.objects.create(user=user, company=company)
    return user


@pytest.fixture
def other_employer(other_company):
    user = UserFactory(username="olga.other@rival-ai.example")
    Membership.objects.create(user=user, company=other_company)
    return user


@pytest.fixture
def draft(company, employer):
    return PostingFactory(company=company, created_by=employer, draft=True, title="Draft role")


@pytest.fixture
def live(company, employer):
    return PostingFactory(company=company, created_by=employer, title="Live role")


DESCRIPTION = (
    "We build ranking models for search. You will train models in Python with PyTorch, run "
    "experiments on Kubernetes and ship them to production with the platform team.\n\n"
    "- Design features\n- Evaluate offline and online\n"
)


@pytest.fixture
def posting_data():
    """A complete, valid posting form as an employer would submit it."""
    return {
        "title": "Senior ML Engineer, Ranking",
        "description": DESCRIPTION,
        "seniority": "senior",
        "role_family": "ml_engineer",
        "employment_type": "full_time",
        "workplace": "hybrid",
        "city": "Berlin",
        "region": "",
        "country": "DE",
        "remote_regions": "",
        "salary_min": "90000",
        "salary_max": "120000",
        "salary_currency": "EUR",
        "salary_period": "year",
        "visa_sponsorship": "on",
        "apply_url": "https://vector-labs.example/jobs/1",
        "apply_email": "",
    }


SMALL_TAXONOMY = {
    "version": 1,
    "categories": [
        {"slug": "language", "name": "Programming language"},
        {"slug": "framework", "name": "ML framework"},
        {"slug": "cloud", "name": "Cloud and MLOps"},
    ],
    "skills": [
        {"slug": "python", "name": "Python", "category": "language"},
        {"slug": "pytorch", "name": "PyTorch", "category": "framework", "aliases": ["torch"]},
        {"slug": "kubernetes", "name": "Kubernetes", "category": "cloud", "aliases": ["k8s"]},
        {"slug": "sql", "name": "SQL", "category": "language"},
        {"slug": "tensorflow", "name": "TensorFlow", "category": "framework"},
    ],
}


@pytest.fixture
def taxonomy(db, django_capture_on_commit_callbacks):
    """A five-skill taxonomy; the re-tag it would queue is not run."""
    from skills.extraction import Taxonomy
    from skills.services import taxonomy_load

    with django_capture_on_commit_callbacks(execute=False):
        taxonomy_load(taxonomy=Taxonomy.from_dict(SMALL_TAXONOMY))

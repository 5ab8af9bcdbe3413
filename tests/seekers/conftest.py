"""The seeker-side cast. Each user exists for a reason:

- `seeker` (tests/conftest.py): Sam, a signed-in job seeker with a confirmed address.
- `other_seeker`: Olive, whose saved jobs and searches Sam must never see or change.
- `newcomer`: Nia, signed up but not confirmed yet: nothing is mailed to her.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from postings.models import Account
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def seeker(seeker):
    Account.objects.create(user=seeker, email_verified_at=timezone.now())
    return seeker


@pytest.fixture
def other_seeker(db):
    user = UserFactory(username="olive.other@mljobs.example")
    Account.objects.create(user=user, email_verified_at=timezone.now())
    return user


@pytest.fixture
def newcomer(db):
    user = UserFactory(username="nia.new@mljobs.example")
    Account.objects.create(user=user)
    return user

"""Rate limits count the person, not the spelling (issue 11), hold without Redis, and guard
the creation of postings per company."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from postings import ratelimits
from postings.models import Posting, QueuedTask, RateLimitCounter

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "spelling",
    [
        "ERIN.EMPLOYER@vector-labs.example",
        "  erin.employer@vector-labs.example ",
        "\uff45rin.employer@vector-labs.example",  # a full-width e, which NFKC folds to e
    ],
)
def test_a_sixth_log_in_for_one_account_is_refused_however_it_is_spelt(client, employer, spelling):
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": employer.username, "password": "x"})

    response = client.post(
        reverse("accounts:login"),
        {"username": spelling, "password": "correct horse battery staple"},
    )

    assert response.status_code == 429
    assert "Too many attempts in a short time" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_fourth_reset_mail_for_one_address_is_refused_however_it_is_spelt(client, employer):
    for spelling in ("erin.employer@vector-labs.example", "ERIN.employer@vector-labs.example",
                     " Erin.Employer@Vector-Labs.example"):  # fmt: skip
        assert (
            client.post(reverse("accounts:password_reset"), {"email": spelling}).status_code == 302
        )

    response = client.post(
        reverse("accounts:password_reset"), {"email": "ERIN.EMPLOYER@vector-labs.example"}
    )

    assert response.status_code == 429
    assert (
        QueuedTask.objects.filter(task="postings.accounts.tasks.send_password_reset").count() == 3
    )


def test_creating_drafts_is_limited_per_company_and_the_form_keeps_what_was_typed(
    client, employer, colleague, other_employer, posting_data, taxonomy
):
    client.force_login(employer)
    for _ in range(10):
        assert client.post(reverse("employers:posting_create"), posting_data).status_code == 302
    client.force_login(colleague)  # another member of the same company shares the limit
    for _ in range(10):
        assert client.post(reverse("employers:posting_create"), posting_data).status_code == 302

    response = client.post(reverse("employers:posting_create"), posting_data)

    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many attempts in a short time" in html
    assert 'value="Senior ML Engineer, Ranking"' in html
    assert Posting.objects.filter(company=employer.memberships.get().company).count() == 20
    # Duplicating counts as creating.
    some = Posting.objects.filter(company=employer.memberships.get().company).first()
    assert client.post(reverse("employers:posting_duplicate", args=[some.pk])).status_code == 429
    # Another company is not affected.
    client.force_login(other_employer)
    assert client.post(reverse("employers:posting_create"), posting_data).status_code == 302


def test_an_ipv6_client_is_counted_by_its_64_prefix(settings):
    settings.RATELIMIT_IP_META_KEY = "REMOTE_ADDR"
    factory = RequestFactory()
    one = factory.post("/", REMOTE_ADDR="2001:db8:1:2::1")
    other = factory.post("/", REMOTE_ADDR="2001:db8:1:2:ffff::9")
    elsewhere = factory.post("/", REMOTE_ADDR="2001:db8:1:3::1")
    assert ratelimits.client_address(one) == ratelimits.client_address(other) == "2001:db8:1:2::/64"
    assert ratelimits.client_address(elsewhere) == "2001:db8:1:3::/64"


def test_behind_a_proxy_the_first_forwarded_address_is_counted(settings):
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_FORWARDED_FOR"
    request = RequestFactory().post("/", HTTP_X_FORWARDED_FOR="203.0.113.7, 10.0.0.2")
    assert ratelimits.client_address(request) == "203.0.113.7"


def test_counts_are_kept_per_window_without_addresses_and_old_windows_are_purged():
    rule = ratelimits.Rule("test", "ip", 2, timedelta(minutes=10))
    now = timezone.now()
    counts = [
        ratelimits.attempt_count(rule=rule, who="erin@example.com", now=now) for _ in range(3)
    ]
    assert counts == [1, 2, 3]
    assert (
        ratelimits.attempt_count(rule=rule, who="erin@example.com", now=now + timedelta(minutes=10))
        == 1
    )
    assert not RateLimitCounter.objects.filter(key__contains="erin").exists()  # a digest only

    assert ratelimits.counters_purge(now=now + timedelta(hours=3)) == 2
    assert not RateLimitCounter.objects.exists()

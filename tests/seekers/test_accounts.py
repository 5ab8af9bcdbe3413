"""Seeker accounts (issue 14): sign up with a confirmation link, confirm, delete everything."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from postings.accounts.services import account_verify, verification_token
from postings.models import (
    Account,
    CloseReason,
    Membership,
    Posting,
    SavedJob,
    SavedSearch,
    Status,
)
from tests.factories import CompanyFactory, PostingFactory, UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()
PASSWORD = "a long and unusual passphrase 42"


def test_signing_up_mails_a_link_that_confirms_the_address(
    client, django_capture_on_commit_callbacks, eager_tasks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:signup"),
            {"email": "Nina@New-Co.example", "password1": PASSWORD, "password2": PASSWORD},
        )
    assert response.url == reverse("accounts:account")
    user = User.objects.get()
    assert not user.account.verified
    assert "not confirmed yet" in client.get(reverse("accounts:account")).content.decode()

    (message,) = mail.outbox
    assert message.to == ["nina@new-co.example"]
    assert message.subject == "Confirm your e-mail address for ML Jobs"
    link = re.search(r"http://\S+/accounts/verify/\S+/", message.body).group(0)
    page = client.get(urlsplit(link).path, follow=True)
    assert "nina@new-co.example is confirmed" in page.content.decode()
    user.account.refresh_from_db()
    assert user.account.verified


def test_a_link_for_an_old_address_or_forged_does_not_confirm(newcomer, client):
    token = verification_token(newcomer)
    newcomer.email = "changed@mljobs.example"
    newcomer.save()
    assert account_verify(token=token) is None
    assert account_verify(token=token[:-2] + "xx") is None
    response = client.get(reverse("accounts:verify", args=["nonsense"]))
    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()
    assert not Account.objects.get(user=newcomer).verified


def test_confirming_starts_the_alerts_of_searches_saved_before(newcomer):
    search = SavedSearch.objects.create(user=newcomer, name="PyTorch", query="q=pytorch")
    assert search.confirmed_at is None
    assert account_verify(token=verification_token(newcomer)) == newcomer
    search.refresh_from_db()
    assert search.confirmed_at is not None
    assert account_verify(token=verification_token(newcomer)) == newcomer  # twice is fine


def test_the_link_can_be_sent_again_a_few_times_an_hour(
    client, newcomer, django_capture_on_commit_callbacks, eager_tasks
):
    client.force_login(newcomer)
    with django_capture_on_commit_callbacks(execute=True):
        answers = [client.post(reverse("accounts:verify_resend"), follow=True) for _ in range(4)]
    assert len(mail.outbox) == 3
    assert "Too many attempts" in answers[-1].content.decode()


def test_deleting_the_account_asks_for_the_password_then_removes_what_it_owns(client, seeker):
    posting = PostingFactory()
    SavedJob.objects.create(user=seeker, posting=posting)
    SavedSearch.objects.create(user=seeker, name="Remote", query="workplace=remote")
    client.force_login(seeker)

    wrong = client.post(reverse("accounts:delete"), {"password": "not it"})
    assert wrong.status_code == 200
    assert "That is not your password." in wrong.content.decode()
    assert User.objects.filter(pk=seeker.pk).exists()

    done = client.post(reverse("accounts:delete"), {"password": "correct horse battery staple"})
    assert done.url == reverse("postings:list")
    assert not User.objects.filter(pk=seeker.pk).exists()
    assert not SavedJob.objects.exists() and not SavedSearch.objects.exists()
    assert Posting.objects.filter(pk=posting.pk).exists()  # the role itself is not theirs
    assert client.get(reverse("accounts:account")).status_code == 302  # logged out


def test_the_last_member_leaving_closes_the_company_s_open_postings(client):
    company = CompanyFactory()
    last = UserFactory(username="last@company.example")
    Membership.objects.create(user=last, company=company)
    live = PostingFactory(company=company)
    waiting = PostingFactory(company=company, pending=True)
    client.force_login(last)
    page = client.get(reverse("accounts:delete")).content.decode()
    assert f"You are the last member of {company.name}" in page

    client.post(reverse("accounts:delete"), {"password": "correct horse battery staple"})

    live.refresh_from_db()
    waiting.refresh_from_db()
    assert (live.status, live.closed_reason) == (Status.CLOSED, CloseReason.WITHDRAWN)
    assert waiting.status == Status.DRAFT


def test_a_member_leaving_leaves_the_postings_to_colleagues(client):
    company = CompanyFactory()
    leaving, staying = UserFactory(), UserFactory()
    for user in (leaving, staying):
        Membership.objects.create(user=user, company=company)
    live = PostingFactory(company=company)
    client.force_login(leaving)
    client.post(reverse("accounts:delete"), {"password": "correct horse battery staple"})
    live.refresh_from_db()
    assert live.status == Status.PUBLISHED


def test_log_in_takes_seekers_to_their_account_and_employers_to_their_postings(client, seeker):
    employer = UserFactory()
    Membership.objects.create(user=employer, company=CompanyFactory())
    answer = client.post(
        reverse("accounts:login"),
        {"username": seeker.username, "password": "correct horse battery staple"},
    )
    assert answer.url == reverse("accounts:account")
    client.logout()
    answer = client.post(
        reverse("accounts:login"),
        {"username": employer.username, "password": "correct horse battery staple"},
    )
    assert answer.url == reverse("employers:dashboard")

"""Sign-up, log-in, log-out and password reset by e-mail; their rate limits."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()

PASSWORD = "a long and unusual passphrase 42"


def test_signing_up_from_post_a_job_creates_an_account_logs_in_and_asks_for_the_company(client):
    # The "Post a job" link in the header signs up with the company form as the next step.
    response = client.post(
        reverse("accounts:signup") + f"?next={reverse('employers:company_create')}",
        {"email": "Nina@New-Co.example", "password1": PASSWORD, "password2": PASSWORD},
    )

    user = User.objects.get()
    assert (user.username, user.email) == ("nina@new-co.example", "nina@new-co.example")
    assert user.check_password(PASSWORD)
    assert response.url == reverse("employers:company_create")
    assert client.get(reverse("employers:company_create")).status_code == 200


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1", b"too short"),
        ("password123", b"too common"),
        ("83749201938475", b"entirely numeric"),
        ("nina-new-co-example", b"too similar"),
    ],
)
def test_sign_up_applies_djangos_password_validators_and_keeps_the_email(client, password, message):
    response = client.post(
        reverse("accounts:signup"),
        {"email": "nina@new-co.example", "password1": password, "password2": password},
    )

    assert response.status_code == 200
    assert message in response.content
    assert b'value="nina@new-co.example"' in response.content
    # The error is tied to the field for screen readers.
    assert b'aria-describedby="id_password1_helptext id_password1_error"' in response.content
    assert b'aria-invalid="true"' in response.content
    assert not User.objects.exists()


def test_sign_up_refuses_an_email_already_registered_and_mismatched_passwords(client):
    UserFactory(username="taken@example.com")

    taken = client.post(
        reverse("accounts:signup"),
        {"email": "TAKEN@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    mismatch = client.post(
        reverse("accounts:signup"),
        {"email": "new@example.com", "password1": PASSWORD, "password2": PASSWORD + "x"},
    )

    assert b"already exists" in taken.content
    assert b"not the same" in mismatch.content
    assert User.objects.count() == 1


def test_log_in_with_email_and_log_out(client, employer):
    response = client.post(
        reverse("accounts:login"),
        {
            "username": "Erin.Employer@vector-labs.example",
            "password": "correct horse battery staple",
        },
    )
    assert response.url == reverse("employers:dashboard")
    assert client.get(reverse("employers:dashboard")).status_code == 200

    client.post(reverse("accounts:logout"))

    assert client.get(reverse("employers:dashboard")).status_code == 302


def test_a_wrong_password_says_so_plainly(client, employer):
    response = client.post(
        reverse("accounts:login"), {"username": employer.username, "password": "nope"}
    )
    assert response.status_code == 200
    assert b"do not match an account" in response.content


def test_password_reset_mails_a_link_from_a_task_after_commit(
    client, employer, django_capture_on_commit_callbacks, eager_tasks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("accounts:password_reset"), {"email": employer.email})
    assert response.url == reverse("accounts:password_reset_done")
    assert mail.outbox == []  # nothing is sent inside the request
    assert len(callbacks) == 1

    callbacks[0]()

    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    employer.refresh_from_db()
    assert employer.check_password(PASSWORD)


def test_password_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(
    client, django_capture_on_commit_callbacks, eager_tasks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password_reset"), {"email": "who@nowhere.example"})
    assert response.url == reverse("accounts:password_reset_done")
    assert mail.outbox == []


# ---------------------------------------------------------------------------------------------
# Rate limits
# ---------------------------------------------------------------------------------------------


def test_sign_up_is_rate_limited_per_address_with_a_clear_message(client):
    for n in range(5):
        client.post(
            reverse("accounts:signup"),
            {"email": f"bot{n}@spam.example", "password1": PASSWORD, "password2": PASSWORD},
        )
        client.post(reverse("accounts:logout"))

    response = client.post(
        reverse("accounts:signup"),
        {"email": "sixth@spam.example", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert response.status_code == 429
    assert b"Too many attempts" in response.content
    assert b'value="sixth@spam.example"' in response.content  # nothing typed is lost
    assert User.objects.count() == 5


def test_log_in_is_rate_limited_per_account_even_with_the_right_password(client, employer):
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": employer.username, "password": "x"})

    response = client.post(
        reverse("accounts:login"),
        {"username": employer.username, "password": "correct horse battery staple"},
    )

    assert response.status_code == 429
    assert b"Too many attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_password_reset_is_rate_limited(client, employer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        for _ in range(4):
            last = client.post(reverse("accounts:password_reset"), {"email": employer.email})
    assert last.status_code == 429
    assert b"Too many attempts" in last.content
    assert len(callbacks) == 3


def test_submitting_postings_is_rate_limited(client, employer, company):
    from tests.factories import PostingFactory

    drafts = PostingFactory.create_batch(11, company=company, draft=True)
    client.force_login(employer)

    answers = [
        client.post(reverse("employers:posting_submit", args=[d.pk])).status_code for d in drafts
    ]

    assert answers == [302] * 10 + [429]
    drafts[-1].refresh_from_db()
    assert drafts[-1].status == "draft"

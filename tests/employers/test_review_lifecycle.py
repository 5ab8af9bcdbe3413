"""A posting's life: draft, preview, review, 30 days live, reminder, expiry, renewal, closing,
with the clock moved forward rather than waited for."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from postings.employers import services, tasks
from postings.models import CloseReason, Posting, Status
from postings.moderation.services import posting_approve, posting_reject
from tests.factories import PostingFactory

pytestmark = pytest.mark.django_db


def test_an_employer_drafts_previews_submits_and_an_admin_approves_for_30_days(
    client, employer, admin_user, posting_data, taxonomy
):
    client.force_login(employer)

    response = client.post(reverse("employers:posting_create"), posting_data)

    posting = Posting.objects.get()
    assert response.url == reverse("employers:posting", args=[posting.pk])
    assert (posting.status, posting.created_by, posting.published_at) == (
        Status.DRAFT,
        employer,
        None,
    )
    assert posting.salary_min == 90000 and posting.visa_sponsorship is True
    assert not Posting.objects.visible().exists()

    preview = client.get(response.url)
    assert preview.status_code == 200
    assert b"Senior ML Engineer, Ranking" in preview.content
    assert b"90,000\xe2\x80\x93120,000 EUR per year" in preview.content  # the seekers' partial

    client.post(reverse("employers:posting_submit", args=[posting.pk]))
    posting.refresh_from_db()
    assert posting.status == Status.PENDING_REVIEW and posting.submitted_at is not None

    before = timezone.now()
    posting_approve(posting=posting, reviewer=admin_user)
    posting.refresh_from_db()
    assert posting.status == Status.PUBLISHED
    assert posting.reviewed_by == admin_user
    assert before <= posting.published_at <= timezone.now()
    assert posting.expires_at - posting.published_at == timedelta(days=30)
    assert list(Posting.objects.visible()) == [posting]


def test_a_rejection_reason_is_shown_to_the_employer_who_can_fix_and_resubmit(
    client, employer, admin_user, draft
):
    services.posting_submit(posting=draft, user=employer)
    posting_reject(posting=draft, reviewer=admin_user, reason="Pay range <b>missing</b> bonus")
    client.force_login(employer)

    page = client.get(reverse("employers:posting", args=[draft.pk]))
    dashboard = client.get(reverse("employers:dashboard"))

    for response in (page, dashboard):
        assert b"Pay range &lt;b&gt;missing&lt;/b&gt; bonus" in response.content
    client.post(reverse("employers:posting_submit", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == Status.PENDING_REVIEW


def test_a_rejection_needs_a_reason(admin_user, draft, employer):
    from django.core.exceptions import ValidationError

    services.posting_submit(posting=draft, user=employer)
    with pytest.raises(ValidationError):
        posting_reject(posting=draft, reviewer=admin_user, reason="  ")
    draft.refresh_from_db()
    assert draft.status == Status.PENDING_REVIEW


def test_approving_twice_fails_the_second_time_without_moving_the_dates(
    admin_user, draft, employer
):
    from django.core.exceptions import ValidationError

    services.posting_submit(posting=draft, user=employer)
    posting_approve(posting=draft, reviewer=admin_user)
    first = Posting.objects.get(pk=draft.pk).expires_at
    with pytest.raises(ValidationError):
        posting_approve(posting=draft, reviewer=admin_user)
    assert Posting.objects.get(pk=draft.pk).expires_at == first


def test_the_reminder_goes_once_3_days_before_expiry_and_expiry_is_set_based(
    employer, colleague, admin_user, draft, django_capture_on_commit_callbacks, eager_tasks
):
    services.posting_submit(posting=draft, user=employer)
    start = timezone.now()
    posting_approve(posting=draft, reviewer=admin_user, now=start)

    # Day 26: nothing due yet.
    assert services.postings_due_reminder(now=start + timedelta(days=26)) == []
    # Day 27.5: inside the last 3 days; the reminder goes to both members, once.
    day_27 = start + timedelta(days=27, hours=12)
    assert services.postings_due_reminder(now=day_27) == [draft.pk]
    assert services.posting_send_expiry_reminder(posting_id=draft.pk, now=day_27) is True
    assert services.posting_send_expiry_reminder(posting_id=draft.pk, now=day_27) is False
    assert len(mail.outbox) == 1
    assert set(mail.outbox[0].to) == {employer.email, colleague.email}
    assert "expires in 2 days" in mail.outbox[0].subject
    assert services.postings_due_reminder(now=day_27) == []

    # Day 30 + a minute: hidden at once by the clock, then flipped by the sweep, once.
    after = start + timedelta(days=30, minutes=1)
    assert draft not in Posting.objects.visible(now=after)
    assert services.postings_expire(now=after) == 1
    assert services.postings_expire(now=after) == 0
    draft.refresh_from_db()
    assert draft.status == Status.EXPIRED and draft.published_at is not None


def test_the_beat_task_queues_reminders_which_are_sent_after_commit(
    employer, live, django_capture_on_commit_callbacks, eager_tasks
):
    Posting.objects.filter(pk=live.pk).update(expires_at=timezone.now() + timedelta(days=2))

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.queue_expiry_reminders() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.queue_expiry_reminders() == 0

    assert len(mail.outbox) == 1
    live.refresh_from_db()
    assert live.expiry_reminder_sent_at is not None


def test_a_failed_reminder_is_retried_and_not_recorded_until_it_is_sent(
    employer, live, monkeypatch
):
    import smtplib

    from django.core.mail import EmailMultiAlternatives

    Posting.objects.filter(pk=live.pk).update(expires_at=timezone.now() + timedelta(days=2))
    real_send, calls = EmailMultiAlternatives.send, []

    def flaky_send(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise smtplib.SMTPServerDisconnected("connection lost")
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", flaky_send)

    # apply() runs the task here with Celery's own retry handling (eagerly, no countdown).
    tasks.send_expiry_reminder.apply((live.pk,))

    assert len(calls) == 2  # failed once, retried
    assert len(mail.outbox) == 1
    live.refresh_from_db()
    assert live.expiry_reminder_sent_at is not None


def test_renewing_unchanged_adds_30_days_from_the_current_expiry(client, employer, live):
    soon = timezone.now() + timedelta(days=2)
    Posting.objects.filter(pk=live.pk).update(
        expires_at=soon, expiry_reminder_sent_at=timezone.now()
    )
    client.force_login(employer)

    client.post(reverse("employers:posting_extend", args=[live.pk]))

    live.refresh_from_db()
    assert live.status == Status.PUBLISHED
    assert live.expires_at == soon + timedelta(days=30)
    assert live.expiry_reminder_sent_at is None  # the next reminder may go out


def test_renewing_an_expired_posting_unchanged_puts_it_back_for_30_days(client, employer, company):
    expired = PostingFactory(company=company, expired=True)
    client.force_login(employer)

    client.post(reverse("employers:posting_extend", args=[expired.pk]))

    expired.refresh_from_db()
    assert expired.status == Status.PUBLISHED
    assert expired.expires_at > timezone.now() + timedelta(days=29)
    assert expired in Posting.objects.visible()


def test_renewing_an_expired_posting_with_changes_sends_it_back_to_review(
    client, employer, company, posting_data
):
    expired = PostingFactory(company=company, expired=True)
    client.force_login(employer)

    client.post(reverse("employers:posting_renew", args=[expired.pk]), posting_data)

    expired.refresh_from_db()
    assert expired.status == Status.PENDING_REVIEW
    assert expired.title == "Senior ML Engineer, Ranking"
    assert expired not in Posting.objects.visible()


def test_a_posting_far_from_expiry_cannot_be_renewed_yet(client, employer, live):
    client.force_login(employer)
    before = live.expires_at

    response = client.post(reverse("employers:posting_extend", args=[live.pk]), follow=True)

    live.refresh_from_db()
    assert live.expires_at == before
    assert b"last 7 days" in response.content


@pytest.mark.parametrize("reason", [CloseReason.FILLED, CloseReason.WITHDRAWN])
def test_closing_a_live_posting_hides_it_and_records_why(client, employer, live, reason):
    client.force_login(employer)

    client.post(reverse("employers:posting_close", args=[live.pk]), {"reason": reason})

    live.refresh_from_db()
    assert (live.status, live.closed_reason) == (Status.CLOSED, reason)
    assert live not in Posting.objects.visible()
    assert client.get(live.get_absolute_url()).status_code == 410


def test_a_draft_cannot_be_closed(client, employer, draft):
    client.force_login(employer)
    client.post(reverse("employers:posting_close", args=[draft.pk]), {"reason": "filled"})
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_duplicating_makes_a_new_draft_with_the_same_fields(client, employer, live):
    client.force_login(employer)

    response = client.post(reverse("employers:posting_duplicate", args=[live.pk]))

    copy = Posting.objects.exclude(pk=live.pk).get()
    assert response.url == reverse("employers:posting_edit", args=[copy.pk])
    assert (copy.status, copy.title, copy.salary_max, copy.company_id) == (
        Status.DRAFT,
        live.title,
        live.salary_max,
        live.company_id,
    )
    assert copy.published_at is None and copy.view_count == 0


def test_the_dashboard_shows_status_days_left_and_counts_and_filters_by_status(
    client, employer, live, draft, django_assert_max_num_queries
):
    Posting.objects.filter(pk=live.pk).update(
        view_count=321, apply_click_count=12, expires_at=timezone.now() + timedelta(days=9, hours=1)
    )
    client.force_login(employer)

    everything = client.get(reverse("employers:dashboard"))
    only_drafts = client.get(reverse("employers:dashboard"), {"status": "draft"})
    bad = client.get(reverse("employers:dashboard"), {"status": "nonsense"})

    rows = {row["posting"].pk: row for row in everything.context["rows"]}
    assert rows[live.pk]["days_left"] == 10
    assert rows[draft.pk]["days_left"] is None
    assert b"321" in everything.content and b"12" in everything.content
    assert [row["posting"] for row in only_drafts.context["rows"]] == [draft]
    assert bad.status_code == 200
    assert "status" in bad.context["form"].errors
    PostingFactory.create_batch(10, company=live.company)
    with django_assert_max_num_queries(8):
        client.get(reverse("employers:dashboard"))

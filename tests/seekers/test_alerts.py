"""E-mail alerts for saved searches (issue 14), with a controlled clock: never a role twice,
never one missed, closed roles left out, nothing sent when there is nothing new, two workers
never sending one digest, failures retried and then paused, and the mail itself."""

from __future__ import annotations

import smtplib
import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from postings.models import (
    AlertMail,
    AlertSentPosting,
    Frequency,
    Posting,
    SavedSearch,
    Status,
)
from postings.seekers import alerts
from postings.seekers.services import saved_search_create
from postings.services import postings_refresh_pay_usd
from postings.tagging.services import postings_tag
from tests.factories import PostingFactory

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def _clock(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def _publish(title: str, at: datetime, **fields) -> Posting:
    posting = PostingFactory(
        title=title, published_at=at, expires_at=at + timedelta(days=30), updated_at=at, **fields
    )
    postings_tag(posting_ids=[posting.pk])  # its skills and search document
    postings_refresh_pay_usd(posting_ids=[posting.pk])
    return posting


def _digest(search: SavedSearch, at: datetime) -> list[str]:
    """Run the digests due at `at` and send their mails; the titles the alert mailed."""
    before = len(mail.outbox)
    alerts.alerts_run(ids=alerts.due_alert_ids(frequencies=["daily", "weekly"], now=at), now=at)
    for row in AlertMail.objects.filter(saved_search=search, sent_at__isnull=True):
        alerts.alert_mail_send(mail_id=row.pk, now=at)
    titles = []
    for message in mail.outbox[before:]:
        titles += [line for line in message.body.splitlines() if line.startswith("Role ")]
    return titles


@pytest.fixture
def remote_search(seeker, taxonomy):
    return saved_search_create(
        user=seeker, query="workplace=remote&skills=pytorch", frequency=Frequency.DAILY,
        now=T0,
    )  # fmt: skip


def test_a_daily_digest_brings_each_new_matching_role_once_and_none_missed(remote_search):
    desc = "You will train PyTorch models for search."
    _publish("Role A", _clock(1), workplace="remote", description=desc)
    _publish("Role on-site", _clock(2), workplace="onsite", description=desc)
    _publish("Role no skill", _clock(3), workplace="remote", description="Spreadsheets.")
    assert _digest(remote_search, _clock(12)) == []  # not due before a day has passed
    assert _digest(remote_search, _clock(24)) == ["Role A"]

    # Published, edited, closed and reopened between digests: mailed once, when open.
    b = _publish("Role B", _clock(25), workplace="remote", description=desc)
    closed = _publish("Role closed", _clock(26), workplace="remote", description=desc)
    Posting.objects.filter(pk=b.pk).update(title="Role B edited", updated_at=_clock(30))
    Posting.objects.filter(pk=closed.pk).update(status=Status.CLOSED)
    assert _digest(remote_search, _clock(48)) == ["Role B edited"]

    Posting.objects.filter(pk=closed.pk).update(
        status=Status.PUBLISHED, published_at=_clock(50), expires_at=_clock(50 + 720)
    )
    Posting.objects.filter(pk=b.pk).update(published_at=_clock(51))  # renewed: already mailed
    assert _digest(remote_search, _clock(72)) == ["Role closed"]
    assert _digest(remote_search, _clock(96)) == []  # nothing new: no mail at all
    assert AlertMail.objects.filter(saved_search=remote_search).count() == 3


def test_a_role_committed_late_inside_the_overlap_is_not_missed(remote_search):
    desc = "PyTorch."
    assert _digest(remote_search, _clock(24)) == []
    # Stamped before that run's time but committed after it read the window.
    _publish("Role late", _clock(24) - timedelta(minutes=3), workplace="remote", description=desc)
    assert _digest(remote_search, _clock(48)) == ["Role late"]


def test_a_role_closed_before_the_mail_goes_out_is_left_out_and_an_empty_mail_not_sent(
    remote_search,
):
    role = _publish("Role gone", _clock(1), workplace="remote", description="You will use PyTorch.")
    alerts.alerts_run(ids=[remote_search.pk], now=_clock(24))
    (row,) = AlertMail.objects.all()
    Posting.objects.filter(pk=role.pk).update(status=Status.CLOSED)

    assert alerts.alert_mail_send(mail_id=row.pk, now=_clock(24.1)) is False
    assert mail.outbox == []
    row.refresh_from_db()
    assert row.sent_at is not None and row.sent_posting_ids == []
    assert not AlertSentPosting.objects.exists()  # if it reopens, it can still be mailed


def test_unconfirmed_paused_and_silenced_alerts_are_not_run(seeker, newcomer, taxonomy):
    queries = {}
    for who, frequency in ((newcomer, Frequency.DAILY), (seeker, Frequency.NEVER)):
        queries[who] = saved_search_create(user=who, query="", frequency=frequency, now=T0)
    paused = saved_search_create(user=seeker, query="level=senior", now=T0)
    SavedSearch.objects.filter(pk=paused.pk).update(paused_at=T0, pause_reason="bounced")
    _publish("Role", _clock(1))
    assert alerts.due_alert_ids(frequencies=["daily", "weekly"], now=_clock(48)) == []


def test_two_workers_racing_the_same_digests_mail_each_once(transactional_db, taxonomy):
    from tests.factories import UserFactory

    for n in range(40):
        user = UserFactory(username=f"racer{n}@mljobs.example")
        search = saved_search_create(user=user, email="", query="workplace=remote", now=T0)
        SavedSearch.objects.filter(pk=search.pk).update(confirmed_at=T0)
    _publish("Role race", _clock(1), workplace="remote")
    ids = alerts.due_alert_ids(frequencies=["daily"], now=_clock(24))
    results, barrier = [], threading.Barrier(2)

    def worker() -> None:
        barrier.wait()
        try:
            results.append(alerts.alerts_run(ids=ids, now=_clock(24)))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(r.claimed for r in results) == 40
    assert AlertMail.objects.count() == 40
    assert AlertSentPosting.objects.count() == 40


def test_instant_alerts_mail_within_a_run_and_never_twice(seeker, taxonomy):
    search = saved_search_create(user=seeker, query="level=senior", frequency="instant", now=T0)
    alerts.instant_alerts_run(now=_clock(0.1))
    role = _publish("Role now", _clock(0.2), seniority="senior")
    first = alerts.instant_alerts_run(now=_clock(0.21))
    second = alerts.instant_alerts_run(now=_clock(0.22))
    assert (first.mails, second.mails) == (1, 0)
    (row,) = AlertMail.objects.filter(saved_search=search)
    assert row.posting_ids == [role.pk]
    assert (row.created_at - role.published_at).total_seconds() <= 60


def test_the_mail_is_multipart_with_each_role_and_one_click_unsubscribe(remote_search, settings):
    settings.SITE_URL = "https://jobs.example"
    description = "You will use PyTorch <b>!</b>"
    role = _publish(
        "Role mailed", _clock(1), workplace="remote", description=description, city="Berlin"
    )
    alerts.alerts_run(ids=[remote_search.pk], now=_clock(24))
    row = AlertMail.objects.get()
    assert alerts.alert_mail_send(mail_id=row.pk, now=_clock(24)) is True

    (message,) = mail.outbox
    assert message.to == [remote_search.user.email]
    assert message.subject == f"A new role: {remote_search.name}"
    unsubscribe = message.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith("<https://jobs.example/saved/alerts/unsubscribe/")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["Message-ID"] == f"<alert-{row.pk}@127.0.0.1>"
    text = message.body
    assert "Role mailed" in text and role.company.name in text and "Berlin" in text
    assert "80,000\u2013100,000 EUR per year" in text and "Skills: PyTorch" in text
    assert f"https://jobs.example{role.get_absolute_url()}" in text
    assert "https://jobs.example/jobs/?workplace=remote&skills=pytorch" in text
    html, kind = message.alternatives[0]
    assert kind == "text/html" and "<b>!</b>" not in html
    # Sent once: a second run of the task finds it recorded.
    assert alerts.alert_mail_send(mail_id=row.pk, now=_clock(25)) is False
    assert len(mail.outbox) == 1


def test_a_title_with_markup_is_escaped_in_the_html_part_and_plain_in_the_text(remote_search):
    _publish("Role <b>bold</b> & co", _clock(1), workplace="remote", description="PyTorch.")
    alerts.alerts_run(ids=[remote_search.pk], now=_clock(24))
    assert alerts.alert_mail_send(mail_id=AlertMail.objects.get().pk, now=_clock(24))

    (message,) = mail.outbox
    html, _ = message.alternatives[0]
    assert "<strong>Role &lt;b&gt;bold&lt;/b&gt; &amp; co</strong>" in html
    assert "<b>bold</b>" not in html
    assert "Role <b>bold</b> & co" in message.body


def test_a_refused_address_pauses_the_alert_and_the_page_says_so(
    remote_search, client, monkeypatch
):
    _publish("Role", _clock(1), workplace="remote", description="You will use PyTorch.")
    alerts.alerts_run(ids=[remote_search.pk], now=_clock(24))
    row = AlertMail.objects.get()

    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPRecipientsRefused({"sam@x": (550, b"5.1.1 No such user")})

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    assert alerts.alert_mail_send(mail_id=row.pk, now=_clock(24)) is False
    remote_search.refresh_from_db()
    assert remote_search.paused_at is not None
    assert "5.1.1 No such user" in remote_search.pause_reason
    client.force_login(remote_search.user)
    page = client.get(reverse("seekers:saved_searches")).content.decode()
    assert "Alerts paused" in page and "No such user" in page
    assert alerts.due_alert_ids(frequencies=["daily"], now=_clock(200)) == []


def test_a_busy_mail_server_is_retried_then_the_alert_paused(remote_search, monkeypatch):
    _publish("Role", _clock(1), workplace="remote", description="You will use PyTorch.")
    alerts.alerts_run(ids=[remote_search.pk], now=_clock(24))
    row = AlertMail.objects.get()

    def busy(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", busy)
    for _ in range(alerts.MAX_FAILURES - 1):
        with pytest.raises(alerts.AlertMailFailed):
            alerts.alert_mail_send(mail_id=row.pk, now=_clock(24))
    row.refresh_from_db()
    assert (row.sent_at, row.attempts) == (None, alerts.MAX_FAILURES - 1)
    assert alerts.alert_mail_send(mail_id=row.pk, now=_clock(24)) is False  # the last straw
    remote_search.refresh_from_db()
    assert "5 attempts" in remote_search.pause_reason


def test_the_message_reads_back_through_a_real_smtp_server(remote_search, smtp_server, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp_server.port
    settings.EMAIL_USE_TLS = False
    _publish("Role over SMTP", _clock(1), workplace="remote", description="You will use PyTorch.")
    alerts.alerts_run(ids=[remote_search.pk], now=_clock(24))
    assert alerts.alert_mail_send(mail_id=AlertMail.objects.get().pk, now=_clock(24))

    (received,) = smtp_server.messages
    assert received["To"] == remote_search.user.email
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # A long header is folded on the wire; unfolded, it is the link.
    unsubscribe = str(received["List-Unsubscribe"]).strip()
    assert unsubscribe.startswith("<http://127.0.0.1/saved/alerts/unsubscribe/")
    assert received.get_content_type() == "multipart/alternative"
    parts = [part.get_content_type() for part in received.walk()][1:]
    assert parts == ["text/plain", "text/html"]
    assert "Role over SMTP" in received.get_body(("plain",)).get_content()
    assert received["Message-ID"].startswith("<alert-")


def test_a_batch_of_mails_goes_over_one_smtp_connection(
    seeker, other_seeker, taxonomy, smtp_server, settings
):
    from postings.seekers import tasks

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp_server.port
    settings.EMAIL_USE_TLS = False
    # The task sends at the real time: the role must still be open then.
    start = timezone.now() - timedelta(days=1)
    searches = [
        saved_search_create(user=who, query="", frequency=Frequency.DAILY, now=start)
        for who in (seeker, other_seeker)
    ]
    _publish("Role", start + timedelta(hours=1))
    alerts.alerts_run(ids=[s.pk for s in searches], now=start + timedelta(days=1))
    ids = list(AlertMail.objects.order_by("id").values_list("id", flat=True))

    assert tasks.send_alert_mails(ids) == 2

    assert sorted(m["To"] for m in smtp_server.messages) == sorted(
        [seeker.email, other_seeker.email]
    )
    assert len(smtp_server.peers) == 2 and len(set(smtp_server.peers)) == 1
    assert not AlertMail.objects.filter(sent_at=None).exists()


def test_one_failing_mail_in_a_batch_goes_on_alone_and_the_rest_are_sent(
    seeker, other_seeker, taxonomy, monkeypatch
):
    from postings.seekers import tasks

    searches = [
        saved_search_create(user=who, query="", frequency=Frequency.DAILY, now=T0)
        for who in (seeker, other_seeker)
    ]
    _publish("Role", _clock(1))
    alerts.alerts_run(ids=[s.pk for s in searches], now=_clock(24))
    first, second = AlertMail.objects.order_by("id")
    real_send = alerts.alert_mail_send

    def flaky(*, mail_id, now=None, connection=None, rendered=None):
        if mail_id == first.pk:
            raise alerts.AlertMailFailed("421 try later")
        return real_send(mail_id=mail_id, now=_clock(24))  # the test's clock

    queued = []
    monkeypatch.setattr(alerts, "alert_mail_send", flaky)
    monkeypatch.setattr(
        tasks.send_alert_mail, "apply_async", lambda args, **kw: queued.append((args, kw))
    )
    assert tasks.send_alert_mails([first.pk, second.pk]) == 1
    assert queued == [((first.pk,), {"countdown": 30})]
    second.refresh_from_db()
    assert second.sent_at is not None and len(mail.outbox) == 1


def test_a_large_run_is_split_for_two_workers_and_capped_per_chunk(monkeypatch):
    monkeypatch.setattr(alerts, "CHUNK", 1_000)
    ids = list(range(2_500))
    monkeypatch.setattr(alerts, "due_alert_ids", lambda **kw: ids)
    assert [len(c) for c in alerts.chunks_due(frequencies=["daily"])] == [834, 834, 832]
    monkeypatch.setattr(alerts, "CHUNK", 50_000)
    assert [len(c) for c in alerts.chunks_due(frequencies=["daily"])] == [1_250, 1_250]
    ids[:] = ids[:300]
    assert [len(c) for c in alerts.chunks_due(frequencies=["daily"])] == [300]

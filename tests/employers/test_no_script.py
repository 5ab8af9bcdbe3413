"""A posting's text cannot run script anywhere it is shown: the public list and page, the
employer's preview and dashboard, the moderation queue, the admin and the e-mails."""

from __future__ import annotations

from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from postings.employers import services
from postings.models import Posting
from tests.factories import PostingFactory

pytestmark = pytest.mark.django_db

TITLE = 'Engineer <script>alert("t")</script>'
DESCRIPTION = (
    "Hello <script>alert('d')</script> <img src=x onerror=alert('i')> "
    "[click](javascript:alert('l')) **bold**"
)


class _ScriptFinder(HTMLParser):
    """Everything in a page that a browser would run: inline scripts, on* handlers and
    javascript: URLs. Text that merely looks like markup (escaped) is not found."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # A data block (JSON-LD's type="application/ld+json") is never run by a browser.
        kind = (dict(attrs).get("type") or "text/javascript").lower()
        self._in_script = tag == "script" and kind in {"text/javascript", "module"}
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"<{tag} {name}={value}>")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and "alert" in data:
            self.found.append(f"<script>{data}")


def _assert_inert(content: bytes) -> None:
    finder = _ScriptFinder()
    finder.feed(content.decode())
    assert finder.found == []


@pytest.fixture
def hostile(company):
    return PostingFactory(company=company, title=TITLE, description=DESCRIPTION)


def test_public_list_and_detail(client, hostile):
    for url in (reverse("postings:list"), hostile.get_absolute_url()):
        _assert_inert(client.get(url).content)
    assert b"<strong>bold</strong>" in client.get(hostile.get_absolute_url()).content


def test_employer_preview_and_dashboard(client, employer, hostile):
    client.force_login(employer)
    for url in (
        reverse("employers:posting", args=[hostile.pk]),
        reverse("employers:dashboard"),
        reverse("employers:posting_edit", args=[hostile.pk]),
        reverse("companies:detail", args=[hostile.company.slug]),
    ):
        _assert_inert(client.get(url).content)


def test_moderation_queue_and_admin(client, admin_user, hostile):
    Posting.objects.filter(pk=hostile.pk).update(status="pending_review", published_at=None,
                                                 expires_at=None)  # fmt: skip
    client.force_login(admin_user)
    for url in (
        reverse("moderation:queue"),
        reverse("admin:postings_posting_changelist"),
        reverse("admin:postings_posting_change", args=[hostile.pk]),
    ):
        _assert_inert(client.get(url).content)


def test_the_reminder_email(employer, hostile):
    Posting.objects.filter(pk=hostile.pk).update(expires_at=timezone.now() + timedelta(days=2))

    services.posting_send_expiry_reminder(posting_id=hostile.pk)

    html = mail.outbox[0].alternatives[0][0]
    assert "<script>" not in html
    assert "&lt;script&gt;" in html

"""Every page a seeker, an employer or a moderator reads, checked by axe-core (Deque's
accessibility engine, the one browsers' own audits use) in headless Chromium, at desktop
and phone width. An independent checker: it knows WCAG 2.x A/AA rules we might not."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from postings.models import Account, Membership, SavedJob, SavedSearch
from postings.tagging.services import postings_tag
from tests.factories import CompanyFactory, PostingFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTHS = {"desktop": 1280, "phone": 390}
# The rule sets axe groups under WCAG 2.0, 2.1 and 2.2, levels A and AA.
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture
def cast(taxonomy, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    company = CompanyFactory(name="Vector Labs", slug="vector-labs")
    employer = UserFactory(username="erin.employer@vector-labs.example")
    Membership.objects.create(user=employer, company=company)
    seeker = UserFactory(username="sam.seeker@mljobs.example")
    Account.objects.create(user=seeker, email_verified_at=timezone.now())
    admin = UserFactory(username="ada.admin@mljobs.example", is_staff=True, is_superuser=True)
    live = PostingFactory(
        company=company,
        created_by=employer,
        description="## The role\nTrain ranking models in Python and PyTorch on Kubernetes.\n\n"
        "## Nice to have\n- R\n",
    )
    PostingFactory(company=company, created_by=employer, title="Closed role", closed=True)
    pending = PostingFactory(company=company, created_by=employer, pending=True, title="Pending")
    postings_tag(posting_ids=[live.pk, pending.pk])
    SavedJob.objects.create(user=seeker, posting=live)
    SavedSearch.objects.create(
        user=seeker, name="Remote PyTorch", query="skills=pytorch&workplace=remote",
        confirmed_at=timezone.now(),
    )  # fmt: skip
    # Signed in here, before Playwright's event loop starts on this thread (see
    # tests/employers/test_browser.py): the session rows use this thread's connection.
    sessions = {}
    for name, user in {"employer": employer, "seeker": seeker, "admin": admin}.items():
        client = Client()
        client.force_login(user)
        sessions[name] = client.cookies["sessionid"].value
    return {"sessions": sessions, "live": live}


def _pages(cast) -> dict[str | None, list[str]]:
    live = cast["live"]
    return {
        None: [
            "/jobs/",
            "/jobs/?q=ranking&skills=pytorch&workplace=hybrid",
            "/jobs/?q=nothing-matches-this",
            live.get_absolute_url(),
            "/companies/vector-labs/",
            "/salaries/",
            "/accounts/login/",
            "/accounts/signup/",
            "/accounts/password-reset/",
            "/saved/alerts/subscribe/?q=ranking",
        ],
        "seeker": ["/accounts/", "/saved/", "/saved/searches/"],
        "employer": [
            "/employers/",
            "/employers/postings/new/",
            f"/employers/postings/{live.pk}/",
            f"/employers/postings/{live.pk}/edit/",
            "/employers/team/",
            "/employers/api-tokens/",
        ],
        "admin": ["/moderation/"],
    }


def _violations(page, axe) -> list[str]:
    found = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA}})
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in found.response["violations"]
    ]


def test_every_page_passes_axe_at_desktop_and_phone_width(cast, live_server, browser):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    failures = []
    # The checker itself works: a page with a nameless image and button fails it.
    control = browser.new_page()
    control.set_content("<html lang=en><title>t</title><img src=x.png><button></button>")
    assert {v.split(" ")[0] for v in _violations(control, axe)} == {"image-alt", "button-name"}

    for who, paths in _pages(cast).items():
        context = browser.new_context()
        if who:
            context.add_cookies(
                [{"name": "sessionid", "value": cast["sessions"][who], "url": live_server.url}]
            )
        page = context.new_page()
        for width_name, width in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": 900})
            for path in paths:
                response = page.goto(f"{live_server.url}{path}")
                # Read as `who`, not bounced to the log-in page.
                assert (response.status, page.url) == (200, f"{live_server.url}{path}")
                failures += [f"{path} [{width_name}] {v}" for v in _violations(page, axe)]
        context.close()
    assert failures == []

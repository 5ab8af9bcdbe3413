"""End to end in a real headless Chromium: an employer signs up and posts a role, an admin
approves it, and a seeker finds it. No JavaScript on our side is needed for any of it."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ADMIN_PASSWORD = "a moderator's long password"
EMPLOYER_PASSWORD = "browser test passphrase 93"
TITLE = "Applied Scientist, Recommendations"
PAY = "150,000\u2013190,000 CAD per year"  # an en dash, as the pay partial writes it


@pytest.fixture
def staff(admin_user):
    admin_user.set_password(ADMIN_PASSWORD)
    admin_user.save()
    return admin_user


def test_an_employer_posts_an_admin_approves_and_a_seeker_finds_the_role(
    staff, live_server, browser
):
    # `browser` and `live_server` are tests/conftest.py's. Fixture order matters: the database
    # work (staff) happens before Playwright's event loop starts, so it uses this thread's
    # usual connection, closed at teardown (made after, it leaks and the test DB cannot drop).
    base = live_server.url
    # A phone-sized window: the pages must work there.
    employer = browser.new_page(viewport={"width": 390, "height": 844})

    employer.goto(f"{base}/jobs/")
    employer.get_by_role("link", name="Post a job").click()  # sign up, then the company
    employer.get_by_label("E-mail", exact=True).fill("ben@bright-models.example")
    employer.get_by_label("Password", exact=True).fill(EMPLOYER_PASSWORD)
    employer.get_by_label("Password again", exact=True).fill(EMPLOYER_PASSWORD)
    employer.get_by_role("button", name="Create account").click()

    employer.get_by_label("Company name", exact=True).fill("Bright Models")
    employer.get_by_label("City", exact=True).fill("Toronto")
    employer.get_by_label("Country", exact=True).select_option("CA")
    employer.get_by_role("button", name="Create company").click()

    employer.get_by_label("Job title", exact=True).fill(TITLE)
    employer.get_by_label("Role", exact=True).select_option("applied_scientist")
    employer.get_by_label("Level", exact=True).select_option("senior")
    employer.get_by_label("Workplace", exact=True).select_option("hybrid")
    employer.get_by_label("City", exact=True).fill("Toronto")
    employer.get_by_label("Pay from", exact=True).fill("150000")
    # First try without the upper end: the error names the field and nothing typed is lost.
    employer.get_by_label("Description", exact=True).fill(
        "Build recommendation models for millions of readers. You will train ranking models "
        "in Python and PyTorch and run experiments with the product team.\n\n- Ship models\n"
    )
    employer.get_by_label("Application page", exact=True).fill(
        "https://bright-models.example/jobs/7"
    )
    employer.get_by_role("button", name="Save draft and preview").click()
    assert employer.get_by_role("alert").is_visible()
    assert "Enter the highest pay you offer." in employer.get_by_role("alert").inner_text()
    assert employer.get_by_label("Job title", exact=True).input_value() == TITLE
    assert employer.get_by_label("Pay up to", exact=True).get_attribute("aria-invalid") == "true"

    employer.get_by_label("Pay up to", exact=True).fill("190000")
    employer.get_by_role("button", name="Save draft and preview").click()

    preview = employer.locator(".preview-frame")
    assert TITLE in preview.inner_text()
    assert PAY in preview.inner_text()
    employer.get_by_role("button", name="Send to review").click()
    assert "Pending review" in employer.locator(".status-panel").inner_text()

    admin = browser.new_page()
    admin.goto(f"{base}/accounts/login/?next=/moderation/")
    admin.get_by_label("E-mail", exact=True).fill(staff.username)
    admin.get_by_label("Password", exact=True).fill(ADMIN_PASSWORD)
    admin.get_by_role("button", name="Log in").click()
    item = admin.locator(".queue-item", has_text=TITLE)
    item.get_by_role("button", name="Approve").click()
    assert "Approved 1 item" in admin.get_by_role("status").inner_text()

    seeker = browser.new_page(viewport={"width": 390, "height": 844})
    seeker.goto(f"{base}/jobs/")
    seeker.get_by_role("link", name=TITLE).click()
    assert seeker.get_by_role("heading", level=1).inner_text() == TITLE
    assert "Bright Models" in seeker.content()
    assert PAY in seeker.locator(".posting-facts").inner_text()

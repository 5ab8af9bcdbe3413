"""Companies: set-up with a validated logo, the public page of open roles, members and
invitations by e-mail."""

from __future__ import annotations

import io
import os
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from postings.models import Company, Invitation, Membership
from tests.factories import PostingFactory, UserFactory

pytestmark = pytest.mark.django_db


def _image(fmt: str = "PNG", size: tuple[int, int] = (64, 64), name: str = "logo.png"):
    buffer = io.BytesIO()
    Image.new("RGB", size, "#0b5cad").save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_new_user_sets_up_a_company_with_a_logo_and_becomes_its_member(client, seeker):
    client.force_login(seeker)

    response = client.post(
        reverse("employers:company_create"),
        {
            "name": "Tensor & Sons",
            "website": "tensor.example",
            "description": "We make tensors.",
            "city": "Austin",
            "country": "US",
            "logo": _image(),
        },
    )

    company = Company.objects.get()
    assert response.url == reverse("employers:posting_create")
    assert (company.slug, company.website) == ("tensor-sons", "https://tensor.example")
    assert Membership.objects.filter(user=seeker, company=company).exists()
    logo = client.get(reverse("companies:logo", args=[company.slug]))
    assert logo.status_code == 200 and logo["Content-Type"] == "image/png"


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("logo.png", b"<svg onload=alert(1)>", "image/png"), "valid image"),
        (_image("GIF", name="logo.gif"), "PNG, JPEG or WebP"),
        (_image(size=(2400, 100)), "the limit is 2000 by 2000"),
    ],
)
def test_the_logo_must_be_a_small_image(client, seeker, upload, message):
    client.force_login(seeker)

    response = client.post(
        reverse("employers:company_create"), {"name": "Bad Logo Inc", "logo": upload}
    )

    assert message in " ".join(response.context["form"].errors["logo"])
    assert b'value="Bad Logo Inc"' in response.content
    assert not Company.objects.exists()


def test_a_logo_over_1_mb_is_refused(client, seeker):
    buffer = io.BytesIO()
    # Noise does not compress: about 2 MB of PNG, well inside the pixel limit.
    Image.frombytes("RGB", (800, 800), os.urandom(800 * 800 * 3)).save(buffer, format="PNG")
    client.force_login(seeker)

    response = client.post(
        reverse("employers:company_create"),
        {"name": "Big", "logo": SimpleUploadedFile("big.png", buffer.getvalue(), "image/png")},
    )

    assert "the limit is 1 MB" in response.context["form"].errors["logo"][0]
    assert not Company.objects.exists()


def test_the_company_page_lists_only_its_open_roles(client, company, other_company):
    PostingFactory(company=company, title="Open at Vector")
    PostingFactory(company=company, draft=True, title="Draft at Vector")
    PostingFactory(company=company, expired=True, title="Expired at Vector")
    PostingFactory(company=other_company, title="Open at Rival")

    response = client.get(reverse("companies:detail", args=[company.slug]))

    assert [p.title for p in response.context["postings"]] == ["Open at Vector"]
    assert b"Draft at Vector" not in response.content


def test_a_large_company_page_shows_its_newest_roles_and_links_to_the_rest(
    client, company, django_assert_max_num_queries
):
    from datetime import timedelta

    from django.utils import timezone

    from postings.employers.views import COMPANY_ROLES_SHOWN

    now = timezone.now()
    for age in range(COMPANY_ROLES_SHOWN + 5):
        PostingFactory(
            company=company, title=f"Role {age}", published_at=now - timedelta(hours=age)
        )

    with django_assert_max_num_queries(6):
        response = client.get(reverse("companies:detail", args=[company.slug]))

    shown = [p.title for p in response.context["postings"]]
    assert shown == [f"Role {age}" for age in range(COMPANY_ROLES_SHOWN)]
    html = response.content.decode()
    assert f"Open roles ({COMPANY_ROLES_SHOWN + 5})" in html
    link = f'href="{reverse("postings:list")}?company={company.slug}"'
    assert f"{link}>All {COMPANY_ROLES_SHOWN + 5} open roles at {company.name} →" in html
    listed = client.get(f"{reverse('postings:list')}?company={company.slug}").context["result"]
    assert listed.count == COMPANY_ROLES_SHOWN + 5


def test_a_member_invites_a_colleague_who_signs_up_and_joins(
    client, employer, company, django_capture_on_commit_callbacks, eager_tasks
):
    client.force_login(employer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("employers:team"), {"email": "Nora@Vector-Labs.example"})

    invitation = Invitation.objects.get()
    assert invitation.sent_at is not None
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["Nora@vector-labs.example"]
    link = re.search(r"http://testserver(/employers/invitations/\S+/)", mail.outbox[0].body)[1]

    client.post(reverse("accounts:logout"))
    nora = UserFactory(username="nora@vector-labs.example")
    client.force_login(nora)
    response = client.post(link)

    assert response.url == reverse("employers:dashboard")
    assert Membership.objects.get(user=nora).company == company
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert client.post(link).status_code == 404  # used


def test_an_invitation_is_only_for_the_address_it_was_sent_to(client, employer, company, seeker):
    invitation = Invitation.objects.create(company=company, email="nora@vector-labs.example")
    from postings.employers.services import invitation_token

    client.force_login(seeker)
    client.post(reverse("employers:invitation", args=[invitation_token(invitation)]))

    assert not Membership.objects.filter(user=seeker).exists()


def test_a_forged_invitation_link_is_404(client, seeker):
    client.force_login(seeker)
    assert client.get(reverse("employers:invitation", args=["forged:token"])).status_code == 404


def test_inviting_the_same_address_twice_resends_one_invitation(
    client, employer, django_capture_on_commit_callbacks, eager_tasks
):
    client.force_login(employer)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("employers:team"), {"email": "nora@vector-labs.example"})

    assert Invitation.objects.count() == 1
    assert len(mail.outbox) == 2


def test_inviting_a_member_is_refused(client, employer, colleague):
    client.force_login(employer)
    response = client.post(reverse("employers:team"), {"email": colleague.email})
    assert b"already a member" in response.content
    assert not Invitation.objects.exists()


def test_the_sweep_sends_invitations_whose_enqueue_was_lost(
    company, employer, django_capture_on_commit_callbacks, eager_tasks
):
    from datetime import timedelta

    from django.utils import timezone

    from postings.employers.tasks import sweep_unsent_invitations

    lost = Invitation.objects.create(
        company=company,
        email="lost@vector-labs.example",
        created_at=timezone.now() - timedelta(minutes=10),
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_unsent_invitations() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_unsent_invitations() == 0

    lost.refresh_from_db()
    assert lost.sent_at is not None
    assert (
        len(mail.outbox) == 1 and "http://127.0.0.1/employers/invitations/" in mail.outbox[0].body
    )

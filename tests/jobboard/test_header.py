"""The site header's links, for each kind of visitor (jobboard.context_processors.nav)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _header(client) -> tuple[list[str], list[str]]:
    html = client.get(reverse("salaries:insights")).content.decode()
    header = re.search(r'<header class="site-header">(.*?)</header>', html, re.S).group(1)
    return re.findall(r'href="([^"]*)"', header), re.findall(r'action="([^"]*)"', header)


def _public() -> list[str]:
    jobs = reverse("postings:list")
    return [jobs, jobs, reverse("match:match"), reverse("salaries:insights")]


def test_a_visitor_can_log_in_or_sign_up_to_post_a_job(client):
    links, forms = _header(client)
    sign_up = f"{reverse('accounts:signup')}?next={reverse('employers:company_create')}"
    assert links == [*_public(), reverse("accounts:login"), sign_up]
    assert forms == []


def test_a_seeker_sees_saved_jobs_account_and_log_out(client, seeker):
    client.force_login(seeker)
    links, forms = _header(client)
    assert links == [*_public(), reverse("seekers:saved_jobs"), reverse("accounts:account")]
    assert forms == [reverse("accounts:logout")]


def test_staff_also_see_moderation_and_the_admin(client, admin_user):
    client.force_login(admin_user)
    links, forms = _header(client)
    staff = [reverse("moderation:queue"), reverse("admin:index")]
    assert links == [*_public(), reverse("seekers:saved_jobs"), reverse("accounts:account"), *staff]
    assert forms == [reverse("accounts:logout")]

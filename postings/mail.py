"""Building and sending the board's e-mails: one place for templates, addresses and links.

Every mail is sent from a task (never from a request), rendered from
templates/emails/<name>_subject.txt, <name>.txt and optionally <name>.html. Any posting text in
the HTML part goes through autoescaping or markdown_to_html, like every page; the text part
is plain text, which no mail client runs.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def site_domain() -> str:
    hosts = [h for h in settings.ALLOWED_HOSTS if h not in {"*", ""}]
    return hosts[0].lstrip(".") if hosts else "localhost"


def absolute(domain: str, use_https: bool | None, path: str) -> str:
    """A link for a mail: the domain the request came in on, or the site's own."""
    if not domain:
        return site_url(path)
    secure = settings.HTTPS if use_https is None else use_https
    return f"{'https' if secure else 'http'}://{domain}{path}"


def site_url(path: str) -> str:
    """A link to the board for mails sent with no request behind them (alerts): SITE_URL,
    or the first allowed host."""
    base = settings.SITE_URL or f"{'https' if settings.HTTPS else 'http'}://{site_domain()}"
    return base.rstrip("/") + path


def build(
    template: str,
    to: list[str],
    context: dict[str, Any],
    *,
    html: bool = False,
    headers: dict[str, str] | None = None,
) -> EmailMultiAlternatives:
    subject = "".join(render_to_string(f"emails/{template}_subject.txt", context).splitlines())
    body = render_to_string(f"emails/{template}.txt", context)
    message = EmailMultiAlternatives(
        subject, body, settings.DEFAULT_FROM_EMAIL, to, headers=headers or {}
    )
    if html:
        message.attach_alternative(
            render_to_string(f"emails/{template}.html", context), "text/html"
        )
    return message


def send(template: str, to: list[str], context: dict[str, Any], *, html: bool = False) -> None:
    build(template, to, context, html=html).send()

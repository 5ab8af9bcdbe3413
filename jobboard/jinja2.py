"""The Jinja2 environment for the templates under templates/jinja2/.

Django's own templates render every page. The parts that cost most in Django's engine are
Jinja2 templates, which compile to Python, rendered through tags in postings_tags:
- the rows repeated twenty times on a results page (posting_cards and the save forms): a
  page of cards took 9-16 ms of a search's 45 in Django's engine and takes a quarter of that
  here;
- a posting page's content (posting_article; its body, posting_body, is also the employer's
  preview and the moderation queue's) and its head (posting_head): the page's render took
  3.6 ms in-process p50, and 2.5 with the content here; the head went 0.59 -> 0.47 ms.
They use the same filters as the Django templates, so each rule stays in one place
(postings_tags)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import jinja2
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.template.defaultfilters import date as date_format
from django.utils.timezone import template_localtime

from postings.paths import path_to
from postings.templatetags import postings_tags


def _date(value: object, fmt: str) -> str:
    """Django's date filter, in the current time zone as Django's templates give it ("" for
    no date)."""
    if isinstance(value, datetime):
        value = template_localtime(value)
    return date_format(value, fmt) if value else ""


def _plain_decimal(value: Decimal) -> str:
    """A Decimal without trailing zeros or an exponent ("1.0823", "10"), as Django's
    templates print `value.normalize`."""
    return f"{value.normalize():f}"


def environment(**options: object) -> jinja2.Environment:
    # A name a template gets wrong fails loudly (in the tests) instead of rendering empty.
    options["undefined"] = jinja2.StrictUndefined
    env = jinja2.Environment(**options)  # noqa: S701 - Django's backend sets autoescape=True
    env.filters.update(
        date=_date,
        isotime=postings_tags.isotime,
        ld_json=postings_tags.ld_json,
        markdown=postings_tags.markdown,
        percent=postings_tags.percent,
        plain_decimal=_plain_decimal,
        possessive=postings_tags.possessive,
        naturaltime=naturaltime,
        thousands=postings_tags.thousands,
        pay=postings_tags.pay,
    )
    env.globals["url"] = path_to  # reverse(name, args=args)
    return env

"""The Jinja2 environment for the templates under templates/jinja2/.

Django's own templates render every page. The rows repeated twenty times on a results page
(postings_tags.posting_cards and the save forms) are Jinja2 templates, which compile to
Python: a page of cards took 9-16 ms of a search's 45 in Django's engine and takes a quarter
of that here. They use the same filters as the Django templates, so each rule stays in one
place (postings_tags)."""

from __future__ import annotations

import jinja2
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.urls import reverse

from postings.templatetags import postings_tags


def url(name: str, *args: object) -> str:
    return reverse(name, args=args)


def environment(**options: object) -> jinja2.Environment:
    # A name a template gets wrong fails loudly (in the tests) instead of rendering empty.
    options["undefined"] = jinja2.StrictUndefined
    env = jinja2.Environment(**options)  # noqa: S701 - Django's backend sets autoescape=True
    env.filters.update(
        isotime=postings_tags.isotime,
        naturaltime=naturaltime,
        thousands=postings_tags.thousands,
        pay=postings_tags.pay,
    )
    env.globals["url"] = url
    return env

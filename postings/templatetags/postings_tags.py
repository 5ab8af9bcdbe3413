import json
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.template import engines
from django.template.backends.utils import csrf_input
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from postings.cards import Card, plain_cards
from postings.models import Posting
from postings.rendering import markdown_to_html
from postings.tagging import services as tagging
from postings.tagging.services import RetagProgress

register = template.Library()


@register.filter
def markdown(source: str) -> SafeString:
    # Safe to mark: markdown_to_html sanitizes with an allow-list (see postings/rendering.py).
    return mark_safe(markdown_to_html(source or ""))  # noqa: S308


# What keeps JSON inside a <script> element from closing it or opening a comment (as
# Django's json_script escapes, which only writes type="application/json"). Three passes of
# str.replace, not one str.translate: translate looks every character of a posting's JSON-LD
# (its description, with characters past ASCII) up in a dict: 0.2-0.4 ms a page, against
# 0.02 (a 5 KB description).
_SCRIPT_ESCAPES = ((">", "\\u003E"), ("<", "\\u003C"), ("&", "\\u0026"))


@register.filter
def ld_json(data: object) -> SafeString:
    """`data` as JSON for a <script type="application/ld+json"> element."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    for character, escaped in _SCRIPT_ESCAPES:
        text = text.replace(character, escaped)
    return mark_safe(text)  # noqa: S308 - escaped just above


@register.filter
def thousands(value: object) -> object:
    """12345 as "12,345", and an amount to the nearest whole unit, halves up ("95,124" for
    95123.5). Humanize's intcomma and floatformat do this through the localization
    machinery, which on a results page full of counts costs more than the rest of a row;
    the board is in English only. Anything else is returned as it is."""
    if isinstance(value, int):
        return f"{value:,}"
    try:
        return f"{int(Decimal(value).quantize(_UNIT, rounding=ROUND_HALF_UP)):,}"
    except (TypeError, ValueError, InvalidOperation):
        return value


_UNIT = Decimal(1)


@register.filter
def percent(value: float) -> str:
    """A share from 0 to 1 as a whole percentage ("82%"); rounded down, so only a share of
    exactly 1 reads 100%."""
    return f"{int(value * 100)}%"


@register.filter
def possessive(name: str) -> str:
    """ "Vector Labs'" and "Acme's": a name ending in s takes the apostrophe alone."""
    name = str(name)
    return f"{name}'" if name.endswith(("s", "S")) else f"{name}'s"


@register.filter
def isotime(value: object) -> str:
    """A time for <time datetime>, to the second: HTML's valid date strings allow at most
    three digits of a second's fraction, and Django's "c" format writes six."""
    if not hasattr(value, "isoformat"):
        return ""
    return value.replace(microsecond=0).isoformat()


@register.simple_tag(takes_context=True)
def retag_progress(context: template.Context) -> RetagProgress:
    """How far postings are re-tagged for the current taxonomy, for the taxonomy's admin
    pages (the skills app knows nothing of postings). Counted once per request."""
    request = context.get("request")
    progress = getattr(request, "_retag_progress", None)
    if progress is None:
        progress = tagging.retag_progress()
        if request is not None:
            request._retag_progress = progress
    return progress


@register.filter
def pay(posting: Posting) -> str:
    """A posting's pay as stated ("90,000 to 120,000 EUR a year", with an en dash), and in
    USD a year when it was stated otherwise. Formatted by hand, not with floatformat and
    format_html: it is on every card, and those cost more than the rest of the card."""
    if not posting.has_pay:
        return "Pay not stated"
    low, high = thousands(posting.salary_min), thousands(posting.salary_max)
    # The currency and period are codes from their choices; escaped all the same.
    stated = escape(f"{low}\u2013{high} {posting.salary_currency} ")
    stated += escape(posting.get_salary_period_display())
    if posting.pay_max_usd and (
        posting.salary_currency != "USD" or posting.salary_period != "year"
    ):
        usd = f"{thousands(posting.pay_min_usd)}\u2013{thousands(posting.pay_max_usd)}"
        stated += mark_safe(f' <span class="pay-usd">(≈ ${escape(usd)} a year)</span>')  # noqa: S308
    return stated


# The rows a list repeats are Jinja2 templates (see jobboard/jinja2.py).
def _jinja(name: str):
    return engines["jinja2"].env.get_template(name)


@register.simple_tag
def posting_cards(
    cards: list[Card] | None = None, *, postings=None, with_save: bool = False
) -> SafeString:
    """The <li> rows of a list of postings: `cards` (postings.cards), or `postings` plain.
    with_save: each card has its Save button (its form comes from save_forms)."""
    rows = cards if cards is not None else plain_cards(postings or ())
    html = _jinja("postings/_posting_cards.html").render(cards=rows, with_save=with_save)
    return mark_safe(html)  # noqa: S308 - Jinja2 escaped every value (autoescape)


def _facet_macros():
    return _jinja("postings/_facets.html").module


@register.simple_tag
def facet_options(facet, name: str) -> SafeString:
    """The checkbox rows of one filter (postings.search.Facet), sent as `name`."""
    return mark_safe(_facet_macros().options(facet, name))  # noqa: S308 - as above


@register.simple_tag
def facet_fieldsets(facets) -> SafeString:
    """A fieldset of checkbox rows for each of these filters."""
    return mark_safe(_facet_macros().fieldsets(facets))  # noqa: S308 - as above


@register.simple_tag
def posted_options(facet) -> SafeString:
    """The <option>s of the "posted within" filter, with their counts."""
    return mark_safe(_facet_macros().posted_options(facet))  # noqa: S308 - as above


# What the posting page's content (_posting_article.html) is given from the view's context.
_ARTICLE = (
    "posting", "back_url", "back_text", "apply_ping", "saved", "match", "skill_groups",
    "insight", "similar",
)  # fmt: skip


@register.simple_tag(takes_context=True)
def posting_article(context: template.Context) -> SafeString:
    """A public posting page's content: the posting and its similar roles (posting_detail)."""
    request = context["request"]
    values = {name: context[name] for name in _ARTICLE}
    html = _jinja("postings/_posting_article.html").render(
        values,
        similar_cards=plain_cards(values["similar"]),
        csrf_input=csrf_input(request),
        next=request.get_full_path(),
    )
    return mark_safe(html)  # noqa: S308 - as above


@register.simple_tag
def posting_body(posting: Posting, insight=None) -> SafeString:
    """The posting as seekers read it (facts, pay position, description), for the pages
    that show it inside their own: the employer's preview and the moderation queue."""
    html = _jinja("postings/_posting_body.html").render(posting=posting, insight=insight)
    return mark_safe(html)  # noqa: S308 - as above


def _head_macros():
    return _jinja("postings/_head_meta.html").module


@register.simple_tag
def posting_head(posting: Posting, job_posting: dict, description: str) -> SafeString:
    """A public posting page's canonical URL, Open Graph and JSON-LD (structured_data)."""
    return mark_safe(_head_macros().posting(posting, job_posting, description))  # noqa: S308 - as above


@register.simple_tag
def search_head(title: str, description: str, url: str) -> SafeString:
    """A search page's canonical URL and Open Graph."""
    return mark_safe(_head_macros().search(title, description, url))  # noqa: S308 - as above


def _save_macros():
    return _jinja("postings/seekers/_save.html").module


@register.simple_tag
def save_button(posting: Posting, saved: bool = False, label: str = "") -> SafeString:
    return mark_safe(_save_macros().save_button(posting, saved, label))  # noqa: S308 - as above


@register.simple_tag(takes_context=True)
def save_form(context: template.Context, posting: Posting, saved: bool = False) -> SafeString:
    return save_forms(context, [Card(posting, saved=saved)])


@register.simple_tag(takes_context=True)
def save_forms(context: template.Context, cards: list[Card]) -> SafeString:
    """The save forms of a list's cards, outside the search form (see _save.html)."""
    request = context["request"]
    # The token's field once for every form: each one masks the token afresh.
    forms = _save_macros().save_forms(cards, csrf_input(request), request.get_full_path())
    return mark_safe(forms)  # noqa: S308 - as above

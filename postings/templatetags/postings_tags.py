import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import SafeString, mark_safe

from postings.rendering import markdown_to_html_cached
from postings.tagging import services as tagging
from postings.tagging.services import RetagProgress

register = template.Library()


@register.filter
def markdown(source: str) -> SafeString:
    # Safe to mark: markdown_to_html sanitizes with an allow-list (see postings/rendering.py).
    return mark_safe(markdown_to_html_cached(source or ""))  # noqa: S308


# What keeps JSON inside a <script> element from closing it or opening a comment (as
# Django's json_script escapes, which only writes type="application/json").
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def ld_json(data: object) -> SafeString:
    """`data` as JSON for a <script type="application/ld+json"> element."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return mark_safe(text.translate(_SCRIPT_ESCAPES))  # noqa: S308 - escaped just above


@register.filter
def thousands(value: object) -> object:
    """12345 as "12,345". Humanize's intcomma does the same through the localization
    machinery, which on a results page full of counts costs more than the rest of a row;
    the board is in English only."""
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return value


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

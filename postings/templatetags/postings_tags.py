from django import template
from django.utils.safestring import SafeString, mark_safe

from postings.rendering import markdown_to_html_cached

register = template.Library()


@register.filter
def markdown(source: str) -> SafeString:
    # Safe to mark: markdown_to_html sanitizes with an allow-list (see postings/rendering.py).
    return mark_safe(markdown_to_html_cached(source or ""))  # noqa: S308


@register.filter
def thousands(value: object) -> object:
    """12345 as "12,345". Humanize's intcomma does the same through the localization
    machinery, which on a results page full of counts costs more than the rest of a row;
    the board is in English only."""
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return value

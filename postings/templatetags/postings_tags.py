from django import template
from django.utils.safestring import SafeString, mark_safe

from postings.rendering import markdown_to_html_cached

register = template.Library()


@register.filter
def markdown(source: str) -> SafeString:
    # Safe to mark: markdown_to_html sanitizes with an allow-list (see postings/rendering.py).
    return mark_safe(markdown_to_html_cached(source or ""))  # noqa: S308

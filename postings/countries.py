"""The country filter's options, shared by the search and match pages."""

from __future__ import annotations

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from salaries.geography import COUNTRY_NAMES

# The country filter's <option>s by name, rendered once: 250 of them through the template
# language cost more than the rest of a search page.
_COUNTRY_OPTIONS = [
    (code, format_html('<option value="{}">{}</option>', code, name))
    for code, name in sorted(COUNTRY_NAMES.items(), key=lambda item: item[1])
]


def country_options(selected: str) -> SafeString:
    return mark_safe(  # noqa: S308 - built with format_html above
        "".join(
            html.replace('">', '" selected>', 1) if code == selected else html
            for code, html in _COUNTRY_OPTIONS
        )
    )

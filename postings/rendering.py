"""Markdown from employers, rendered to HTML that cannot run script.

Every place a posting's description is shown goes through `markdown_to_html`: the list, the
detail page, previews, the admin and e-mails. Python-Markdown passes raw HTML through, so the
sanitizer runs on its output, not on the input.
"""

from __future__ import annotations

import functools
import hashlib

import markdown
import nh3
from django.core.cache import cache

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "b", "em", "i", "code", "pre", "blockquote",
    "ul", "ol", "li", "h2", "h3", "h4", "h5", "h6", "a",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
# No javascript:, data: or vbscript: links.
URL_SCHEMES = {"http", "https", "mailto"}


def markdown_to_html(source: str) -> str:
    html = markdown.markdown(source, extensions=["extra", "sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener ugc",
        strip_comments=True,
    )


# Rendered HTML is kept a day under a hash of its source: a description is read far more
# often than it changes, rendering costs a millisecond or two, and a key made of the text
# itself can never serve stale HTML (an edit is a new key) or another posting's.
RENDERED_TTL = 24 * 3600


def markdown_to_html_cached(source: str) -> str:
    key = "markdown:v1:" + hashlib.blake2b(source.encode(), digest_size=16).hexdigest()
    return _rendered_here(key, source)


# The same key always means the same HTML, so each process also keeps the most recent ones:
# a posting page asks three times (the body, its summary, its JSON-LD), a list of postings
# once per posting, and each ask of the shared cache is a round trip to Redis.
@functools.lru_cache(maxsize=1024)
def _rendered_here(key: str, source: str) -> str:
    html = cache.get(key)
    if html is None:
        html = markdown_to_html(source)
        cache.set(key, html, RENDERED_TTL)
    return html

"""Markdown from employers, rendered to HTML that cannot run script.

Every place a posting's description is shown goes through `markdown_to_html`: the list, the
detail page, previews, the admin, feeds and e-mails. The dialect is GitHub's (CommonMark with
tables, strikethrough and bare links made links), which is what employers write elsewhere.
The renderer passes raw HTML through, so the sanitizer runs on its output, not on the input.

cmark is C: a posting's description renders in a few hundredths of a millisecond, against
1.5-2 ms for Python-Markdown, which is why nothing keeps rendered HTML (a cache of it was a
Redis round trip, and a first view paid the whole render). Sanitizing costs more than
rendering (0.08 ms for a 5 KB description), and a posting page shows one description three
ways (the body, the JSON-LD and the meta description): so a process keeps its last few
renders, keyed by the source text itself.
"""

from __future__ import annotations

import functools
import html

import cmarkgfm
import nh3
from cmarkgfm.cmark import Options

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "b", "em", "i", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "h2", "h3", "h4", "h5", "h6", "a",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
# No javascript:, data: or vbscript: links.
URL_SCHEMES = {"http", "https", "mailto"}


# GitHub's extensions but its tag filter (which shows <script> as text): nh3 judges raw
# HTML instead, and drops a script with its content. No task lists: nh3 drops checkboxes.
EXTENSIONS = ["table", "autolink", "strikethrough"]


# A few pages' worth: the same description comes back within one page, not across pages.
@functools.lru_cache(maxsize=16)
def markdown_to_html(source: str) -> str:
    # UNSAFE passes raw HTML on for nh3 to judge (so <b> survives and <script> goes)
    # rather than cmark dropping all of it.
    html = cmarkgfm.markdown_to_html_with_extensions(
        source, options=Options.CMARK_OPT_UNSAFE, extensions=EXTENSIONS
    ).rstrip("\n")  # cmark ends with a line break; the API's description_html never did
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener ugc",
        strip_comments=True,
    )


def markdown_to_text(source: str) -> str:
    """The words of a description, for summaries (meta descriptions, feeds): tags dropped and
    entities decoded, so whatever writes it out escapes it once ("R&D", not "R&amp;D")."""
    return " ".join(html.unescape(nh3.clean(markdown_to_html(source), tags=set())).split())

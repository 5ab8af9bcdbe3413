"""A posting's Markdown cannot run script on the page that shows it."""

from __future__ import annotations

import pytest

from postings.rendering import markdown_to_html
from tests.factories import PostingFactory

ATTACKS = [
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
    "<svg onload=alert(1)>",
    '<iframe src="https://evil.example"></iframe>',
    '<p style="background:url(javascript:alert(1))" onclick="alert(1)">styled</p>',
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_no_script_survives_rendering(attack):
    html = markdown_to_html(f"Intro\n\n{attack}\n\nOutro").lower()
    for needle in ("<script", "onerror", "onload", "onclick", "javascript:", "data:", "<iframe"):
        assert needle not in html
    assert "intro" in html and "outro" in html


def test_ordinary_markdown_still_renders():
    html = markdown_to_html("## Team\n\n- **PyTorch**\n- [docs](https://pytorch.example)")
    assert "<h2>Team</h2>" in html
    assert "<strong>PyTorch</strong>" in html
    assert 'href="https://pytorch.example"' in html
    assert 'rel="nofollow noopener ugc"' in html


def test_github_flavoured_markdown_renders_as_employers_write_it():
    html = markdown_to_html(
        "We offer:\n"
        "- equity\n"
        "- ~~free lunch~~ a lunch budget\n\n"
        "| Level | Pay |\n| --- | ---: |\n| Senior | 150k |\n\n"
        "More at https://careers.example/ml and <b>bold</b> <u>kept as text</u>."
    )
    # A list straight after a line of text is a list (Python-Markdown wanted a blank line).
    assert "<p>We offer:</p>\n<ul>\n<li>equity</li>" in html
    assert "<del>free lunch</del>" in html
    assert "<th>Level</th>" in html and '<td align="right">150k</td>' in html
    assert (
        '<a href="https://careers.example/ml" rel="nofollow noopener ugc">'
        "https://careers.example/ml</a>"
    ) in html
    # Raw HTML reaches the sanitizer: allowed tags stay, others lose the tag, not the words.
    assert "<b>bold</b> kept as text." in html


@pytest.mark.django_db
def test_the_detail_page_shows_the_sanitized_description(client):
    posting = PostingFactory(description="Hi <script>alert(1)</script> [x](javascript:alert(1))")
    content = client.get(posting.get_absolute_url()).content.decode().lower()
    assert "alert(1)" not in content.split('class="posting-description"')[1]
    assert "javascript:" not in content


@pytest.mark.django_db
def test_a_posting_page_sanitizes_its_description_once_for_its_three_uses(client, monkeypatch):
    from postings import rendering

    posting = PostingFactory(description="We train **ranking models** for <i>search</i>.")
    rendering.markdown_to_html.cache_clear()
    real, kinds = rendering.nh3.clean, []

    def clean(html, **options):
        kinds.append("text" if options.get("tags") == set() else "html")
        return real(html, **options)

    monkeypatch.setattr(rendering.nh3, "clean", clean)
    page = client.get(posting.get_absolute_url()).content.decode()
    # Shown in the body, in the JSON-LD and as the meta description's words.
    assert "<strong>ranking models</strong> for <i>search</i>" in page
    assert "\\u003Cstrong\\u003Eranking models\\u003C/strong\\u003E" in page
    assert '<meta name="description" content="We train ranking models for search.">' in page
    assert sorted(kinds) == ["html", "text"]

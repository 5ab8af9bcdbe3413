from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers

from postings.cards import search_cards
from postings.countries import country_options
from postings.employers.counters import posting_record_view_when_sent
from postings.filters import SORT_CHOICES
from postings.market.pay import posting_pay_insight
from postings.matching.page import posting_coverage
from postings.matching.profiles import profile_of
from postings.matching.similar import similar_roles
from postings.matching.views import seeker_skills
from postings.models import Posting
from postings.search import RANK_CANDIDATES, SearchResult, search_postings
from postings.seekers.services import saved_posting_ids
from postings.structured_data import job_posting, summary
from postings.tagging.groups import skill_groups
from salaries.services import pay_data
from skills.services import SkillIndex, skill_index


def _get_public_posting(pk: int) -> Posting:
    """The posting with this id if the public may see it; 410 page if it has ended; else 404.

    Drafts, postings under review and rejected ones answer 404, as if they did not exist.
    """
    posting = Posting.objects.visible_one(pk)
    if posting is None:
        ended = Posting.objects.gone().select_related("company").filter(pk=pk).first()
        if ended is not None:
            raise PostingGone(ended)
        raise Http404("No such job posting.")
    return posting


class PostingGone(Exception):
    def __init__(self, posting: Posting) -> None:
        self.posting = posting


def posting_list(request: HttpRequest) -> HttpResponse:
    result = search_postings(request.GET)
    cards = search_cards(result, _query(result, drop={"page"}))
    saved = saved_posting_ids(user=request.user, posting_ids=[c.posting.pk for c in cards])
    for card in cards:
        card.saved = card.posting.pk in saved
    context = {
        "result": result,
        "cards": cards,
        "filter_form": _form_values(result),
        "active_filters": _active_filters(result),
        "suggestions": result.suggestions,
        "country_options": country_options(result.params.get("country", "")),
        "sort_choices": SORT_CHOICES,
        "rank_candidates": RANK_CANDIDATES,
        "page_query": _query(result, drop={"page"}),
        "save_query": _query(result, drop={"page"}).rstrip("&"),
        "any_company_query": _query(result, drop={"page", "company"}),
        **_search_meta(request, result),
    }
    # The script on the page asks for just the search area when filters change. Both
    # answers share a URL, so they say they vary by that header: otherwise the browser's
    # back button can be answered from its cache with the bare fragment.
    fragment = request.headers.get("X-Requested-With") == "search-fragment"
    template = "postings/_search_area.html" if fragment else "postings/posting_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["X-Requested-With"])
    return response


def _query(result: SearchResult, *, drop: set[str]) -> str:
    """The current query string without `drop`, ready for another parameter to follow."""
    kept = [(name, value) for name, values in result.params.lists() if name not in drop
            for value in values]  # fmt: skip
    encoded = urlencode(kept)
    return f"{encoded}&" if encoded else ""


def _active_filters(result: SearchResult) -> int:
    """How many filters are on (the text search and the settings not counted)."""
    ignored = {"q", "sort", "page", "match"}
    return sum(
        1 for name, values in result.params.lists() if name not in ignored for v in values if v
    )


def skill_names(request: HttpRequest) -> JsonResponse:
    """The active skills' names, for the "Another skill" box's suggestions. Fetched by the
    search script when the box is first used rather than sent with every page; the address
    carries the taxonomy version, so it may be kept a day."""
    index = skill_index()
    names = sorted((ref.name for ref in index.by_slug.values()), key=str.lower)
    response = JsonResponse(names, safe=False)
    patch_cache_control(response, public=True, max_age=24 * 3600)
    return response


def _search_meta(request: HttpRequest, result: SearchResult) -> dict:
    """Canonical URL and words for the head of a search page: the validated filters are
    part of what the page shows, so they stay in its canonical address."""
    shown = QueryDict(mutable=True)
    for name in result.params:
        if values := [v for v in result.params.getlist(name) if v.strip()]:
            shown.setlist(name, values)
    query = shown.urlencode()
    url = request.build_absolute_uri(reverse("postings:list") + (f"?{query}" if query else ""))
    text = result.params.get("q", "").strip()
    title = f"“{text}”: machine-learning jobs" if text else "Machine-learning jobs"
    count = f"{result.count:,}{'+' if result.count_capped else ''}"
    description = (
        f"{count} open machine-learning roles{f' matching “{text}”' if text else ''}, "
        "with pay ranges and where they sit in the market."
    )
    return {"search_url": url, "meta_title": title, "meta_description": description}


def _form_values(result: SearchResult) -> dict:
    names = ("q", "country", "location", "company", "salary_min", "posted_within", "match")
    return {name: result.params.get(name, "") for name in names}


def posting_detail(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    try:
        posting = _get_public_posting(pk)
    except PostingGone as gone:
        return render(request, "postings/posting_gone.html", {"posting": gone.posting}, status=410)
    if slug != posting.slug:
        return redirect(posting, permanent=True)
    # The taxonomy's and the pay data's versions came with the posting (visible_one).
    index = skill_index(read_with=posting)
    groups = skill_groups(index, posting.skill_ids, posting.preferred_skill_ids)
    similar = similar_roles(posting, index)
    back_url, back_text = _back_to_results(request)
    context = {
        "posting": posting,
        "back_url": back_url,
        "back_text": back_text,
        # The mail link's ping (it counts the click) must be an absolute http(s) address.
        "apply_ping": request.build_absolute_uri(reverse("posting_apply", args=[posting.pk])),
        "saved": posting.pk in saved_posting_ids(user=request.user, posting_ids=[posting.pk]),
        "insight": posting_pay_insight(posting, data=pay_data(read_with=posting)),
        "skill_groups": groups,
        "similar": similar,
        # Search engines' view of the page: schema.org JobPosting and a description.
        "job_posting": job_posting(
            posting,
            skills=[ref.name for ref in (*groups.required, *groups.preferred, *groups.soft)],
            absolute=request.build_absolute_uri,
        ),
        "meta_description": summary(posting.description),
        "match": _your_match(request, posting, index),
    }
    response = render(request, "postings/posting_detail.html", context)
    posting_record_view_when_sent(response, posting_id=posting.pk)  # a Redis increment
    return response


def _your_match(request: HttpRequest, posting: Posting, index: SkillIndex) -> dict | None:
    """ "You have 7 of its 9 required skills; missing: ..." for a seeker with skills: those the
    address names (links from /match/ carry them), else the account's saved ones."""
    read, _ = seeker_skills(request, index)
    if not read.refs:
        return None
    covered, text = posting_coverage(posting, profile_of(read.refs, index), index)
    have = urlencode([("have", ref.slug) for ref in read.refs])
    return {"coverage": covered, "text": text, "match_url": f"{reverse('match:match')}?{have}"}


def _back_to_results(request: HttpRequest) -> tuple[str, str]:
    """Where "back" leads from a posting, and its words: the search or the skill match the
    seeker came from (this site's own /jobs/ or /match/ address with its query, as the
    browser's Referer gives it), else all jobs."""
    jobs = reverse("postings:list")
    came_from = urlsplit(request.headers.get("Referer", ""))
    if came_from.netloc == request.get_host():
        query = f"?{came_from.query}" if came_from.query else ""
        if came_from.path == jobs and query:
            return f"{jobs}{query}", "Back to results"
        # A match with its skills in the address, or the account's (no query).
        if came_from.path == (matches := reverse("match:match")):
            return f"{matches}{query}", "Back to your matches"
    return jobs, "All jobs"

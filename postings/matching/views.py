"""/match/: a seeker's skills (picked, pasted or saved) against every open role. Thin: the
skills are read by postings.matching.profiles, the page is built by postings.matching.page."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from postings.countries import country_options
from postings.filters import MATCH_CHOICES, POSTED_WITHIN, PostingFilter, quoted
from postings.matching import services
from postings.matching.page import PAGE_SIZE, filter_params, match_page
from postings.matching.profiles import MAX_TEXT, ReadSkills, read_have, skills_in_text
from postings.matching.score import FIT_DENOMINATOR, FIT_NUMERATOR, PREFERRED, REQUIRED, SOFT
from postings.search import COLUMN_FACETS
from skills.services import SkillIndex, SkillRef, skill_index

# The search page's facets over plain columns, as checkboxes (visa is a box of its own).
_FACETS = [
    (param, PostingFilter.base_filters[param].label, choices)
    for param, _, choices in COLUMN_FACETS
    if param != "visa"
]


def seeker_skills(
    request: HttpRequest,
    skills: SkillIndex,
    params: QueryDict | None = None,
    *,
    account_ids: list[int] | None = None,
) -> tuple[ReadSkills, bool]:
    """The skills the address names (`have`, even empty), else the account's saved ones
    (`account_ids` when the caller has read them); and whether they are the saved ones."""
    params = request.GET if params is None else params
    if "have" in params:
        return read_have(params.getlist("have"), skills), False
    saved = services.account_skill_ids(request.user) if account_ids is None else account_ids
    return ReadSkills(refs=skills.active_refs(saved)), bool(saved)


@sensitive_post_parameters("text")
def match(request: HttpRequest) -> HttpResponse:
    """GET: the page. POST: skills found in pasted text join the address's, and the browser
    is sent to the address that names them all (the text is not kept: it is not in it)."""
    skills = skill_index()
    if request.method == "POST":
        return _read_pasted(request, skills)
    return _page(request, skills, request.GET)


def _page(
    request: HttpRequest, skills: SkillIndex, params: QueryDict, *, text_error: str = ""
) -> HttpResponse:
    account_ids = services.account_skill_ids(request.user)
    read, saved = seeker_skills(request, skills, params, account_ids=account_ids)
    asked = params.get("learn", "").strip()
    learn = skills.resolve(asked[:200]) if asked else None
    page = match_page(params, read.refs, skills, learn=learn)
    notices = [*read.notices, *page.notices]
    if asked and learn is None:
        notices.append("Ignored the skill to learn: it is not one we know.")
    filters = filter_params(params)
    filters.pop("page", None)
    have = [("have", ref.slug) for ref in read.refs]
    filter_pairs = list(_pairs(filters))
    query = urlencode(have + filter_pairs)
    context = {
        "page": page,
        "refs": read.refs,
        "notices": notices,
        "suggestions": [
            (quoted(typed), ref, _swap(params, typed, ref)) for typed, ref in read.suggestions
        ],
        "saved": saved,
        "saved_differ": request.user.is_authenticated
        and [ref.id for ref in read.refs] != account_ids,
        "chips": [(ref, _without(read.refs, ref, filter_pairs)) for ref in read.refs],
        "query": query,
        "page_query": query + ("&" if query else ""),
        "filter_pairs": filter_pairs,
        "have_pairs": have,
        "text_error": text_error,
        "max_text": MAX_TEXT,
        "weights": {"required": REQUIRED, "preferred": PREFERRED, "soft": SOFT},
        "fit_percent": 100 * FIT_NUMERATOR // FIT_DENOMINATOR,
        "facets": [
            (
                param,
                legend,
                [(v, label, v in page.parsed.params.getlist(param)) for v, label in choices],
            )
            for param, legend, choices in _FACETS
        ],
        "start_rank": (page.page - 1) * PAGE_SIZE + 1,
        "values": {
            name: page.parsed.params.get(name, "")
            for name in ("q", "location", "salary_min", "posted_within", "visa", "company", "match")
        },
        "posted_within": POSTED_WITHIN,
        "match_choices": MATCH_CHOICES,
        "skill_filters": [
            skills.by_slug[s] for s in page.parsed.params.getlist("skills") if s in skills.by_slug
        ],
        "country_options": country_options(page.parsed.params.get("country", "")),
        "learn_links": [
            (s, f"?{urlencode([*have, ('learn', s.skill.slug), *filter_pairs])}")
            for s in (page.learn.suggestions if page.learn else [])
        ],
        "add_learned": (
            f"?{urlencode([*have, ('have', page.learning.slug), *filter_pairs])}"
            if page.learning
            else ""
        ),
    }
    return render(request, "postings/match.html", context)


def _pairs(params: QueryDict):
    for name, values in params.lists():
        for value in values:
            if value.strip():
                yield name, value


def _without(refs: list[SkillRef], gone: SkillRef, filter_pairs: list) -> str:
    """The address of this match without one skill (an empty `have` when none is left, so
    the saved skills do not come back in its place)."""
    have = [("have", ref.slug) for ref in refs if ref != gone] or [("have", "")]
    return f"?{urlencode(have + filter_pairs)}"


def _swap(params: QueryDict, typed: str, ref: SkillRef) -> str:
    changed = params.copy()
    changed.setlist("have", [ref.slug if v == typed else v for v in params.getlist("have")])
    return f"?{changed.urlencode()}"


def _read_pasted(request: HttpRequest, skills: SkillIndex) -> HttpResponse:
    text = request.POST.get("text", "")
    filters = filter_params(QueryDict(request.POST.get("filters", "")[:2000]))
    if not text.strip():
        params = filters.copy()
        params.setlist("have", request.POST.getlist("have") or [""])
        return _page(
            request,
            skills,
            params,
            text_error="Paste some text first: a CV, a profile or a list of skills.",
        )
    found = skills_in_text(text, skills)
    del text  # nothing below needs it; it is never stored, sent on or logged
    kept = read_have(request.POST.getlist("have"), skills).refs
    new = [ref for ref in found.refs if ref not in kept]
    read = read_have([ref.slug for ref in [*kept, *new]], skills)
    for notice in [*found.notices, *read.notices]:
        messages.info(request, notice)
    if new:
        shown = ", ".join(ref.name for ref in new[:12]) + (" …" if len(new) > 12 else "")
        plural = "s" if len(new) != 1 else ""
        messages.success(request, f"Found {len(new)} skill{plural} in your text: {shown}.")
    elif found.refs:
        messages.info(request, "Your text names no skill you had not listed already.")
    else:
        messages.info(
            request,
            "We found no skill we know in your text. Add your skills by name below.",
        )
    have = [("have", ref.slug) for ref in read.refs] or [("have", "")]
    response = redirect(f"{reverse('match:match')}?{urlencode(have + list(_pairs(filters)))}")
    response.status_code = 303  # See Other: the page is fetched with GET, the text left behind
    return response


@require_POST
def my_skills(request: HttpRequest) -> HttpResponse:
    """Save the skills sent (names or slugs) as the account's "my skills"."""
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = reverse("match:match")
    if not request.user.is_authenticated:
        return redirect_to_login(back)
    skills = skill_index()
    read = read_have(request.POST.getlist("have"), skills)
    services.account_skills_save(user=request.user, skill_ids=[ref.id for ref in read.refs])
    for notice in read.notices:
        messages.info(request, notice)
    count = len(read.refs)
    saved = f"Saved {count} skill{'s' if count != 1 else ''} as your skills."
    messages.success(request, saved if count else "Your saved skills are cleared.")
    return redirect(back)

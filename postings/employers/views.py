"""Employer pages, account pages, company pages and the counted apply link. Thin: a form
validates, a service writes, the view renders. Access rules are in permissions.py."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from postings import ratelimits
from postings.employers import services, tokens
from postings.employers.counters import posting_record_apply_click
from postings.employers.forms import (
    ApiTokenForm,
    CloseForm,
    CompanyForm,
    DashboardFilterForm,
    InvitationForm,
    PostingForm,
    SkillChangeForm,
)
from postings.employers.permissions import employer_required, get_posting_for_company
from postings.market.pay import posting_pay_insight
from postings.models import (
    Company,
    Membership,
    Posting,
    PostingSkill,
    RevisionStatus,
    Source,
    Status,
)
from postings.tagging.groups import SkillGroups
from skills.services import SOFT_SKILL_CATEGORY, current_matcher

DASHBOARD_PAGE_SIZE = 50


def _error_message(error: ValidationError) -> str:
    return " ".join(error.messages)


# ---------------------------------------------------------------------------------------------
# Companies and members
# ---------------------------------------------------------------------------------------------


@login_required
def company_create(request: HttpRequest) -> HttpResponse:
    if services.membership_for(request.user) is not None:
        return redirect("employers:dashboard")
    form = CompanyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            company = services.company_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{company.name} is set up. Post your first role.")
            return redirect("employers:posting_create")
    return render(request, "postings/employer/company_form.html", {"form": form, "new": True})


@employer_required
def company_edit(request: HttpRequest, company: Company) -> HttpResponse:
    form = CompanyForm(request.POST or None, request.FILES or None, instance=company)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Company profile saved.")
        return redirect("employers:company_edit")
    return render(
        request, "postings/employer/company_form.html", {"form": form, "company": company}
    )


@employer_required
def team(request: HttpRequest, company: Company) -> HttpResponse:
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(
                company=company,
                email=form.cleaned_data["email"],
                invited_by=request.user,
                domain=request.get_host(),
                use_https=request.is_secure(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Invitation sent to {invitation.email}.")
            return redirect("employers:team")
    context = {
        "company": company,
        "form": form,
        "members": Membership.objects.filter(company=company).select_related("user"),
        "invitations": company.invitations.filter(accepted_at__isnull=True),
    }
    return render(request, "postings/employer/team.html", context)


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    found = services.invitation_from_token(token)
    if found is None:
        return render(request, "postings/employer/invitation_invalid.html", status=404)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('accounts:login')}?next={request.path}")
        try:
            services.invitation_accept(invitation=found, user=request.user)
        except ValidationError as error:
            messages.error(request, _error_message(error))
        else:
            messages.success(request, f"You are now a member of {found.company.name}.")
            return redirect("employers:dashboard")
    return render(request, "postings/employer/invitation.html", {"invitation": found})


@employer_required
def api_tokens(request: HttpRequest, company: Company) -> HttpResponse:
    """The company's employer-API tokens; a new one is shown once, in this response only
    (never through a redirect, a message or the session, which would store it)."""
    form = ApiTokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            token, plain = tokens.api_token_create(
                company=company, user=request.user, name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            created = {"token": token, "plain": plain}
            form = ApiTokenForm()
    context = {
        "company": company,
        "form": form,
        "created": created,
        "tokens": company.api_tokens.select_related("created_by"),
    }
    response = render(request, "postings/employer/api_tokens.html", context)
    response["Cache-Control"] = "no-store"  # the page may hold a token in plain text
    return response


@require_POST
@employer_required
def api_token_revoke(request: HttpRequest, company: Company, pk: int) -> HttpResponse:
    try:
        token = tokens.api_token_revoke(company=company, token_id=pk)
    except ValidationError:
        raise Http404("No such token.") from None
    messages.success(request, f"Revoked “{token.name}”. Requests with it now answer 401.")
    return redirect("employers:api_tokens")


# ---------------------------------------------------------------------------------------------
# Dashboard and postings
# ---------------------------------------------------------------------------------------------


@employer_required
def dashboard(request: HttpRequest, company: Company) -> HttpResponse:
    form = DashboardFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    postings = services.company_postings(company=company, status=status)
    page = Paginator(postings, DASHBOARD_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "posting": posting,
            "days_left": services.days_left(posting),
            "revision": posting.recent_revisions[0] if posting.recent_revisions else None,
            "can_renew": services.posting_can_renew(posting),
        }
        for posting in page.object_list
    ]
    context = {"company": company, "form": form, "page": page, "rows": rows}
    return render(request, "postings/employer/dashboard.html", context)


def _rate_limited_page(request: HttpRequest, *, back: str) -> HttpResponse:
    context = {"message": ratelimits.MESSAGE, "back": back}
    return render(request, "postings/employer/rate_limited.html", context, status=ratelimits.STATUS)


@employer_required
def posting_create(request: HttpRequest, company: Company) -> HttpResponse:
    form = PostingForm(request.POST or None, company=company)
    status = 200
    if request.method == "POST" and form.is_valid():
        if ratelimits.rate_limited(request, ratelimits.POSTING_CREATE, company_id=company.pk):
            form.add_error(None, ratelimits.MESSAGE)
            status = ratelimits.STATUS
        else:
            posting = services.posting_create(
                company=company, user=request.user, data=form.values()
            )
            messages.success(request, "Draft saved. Check the preview, then send it to review.")
            return redirect("employers:posting", pk=posting.pk)
    context = {"form": form, "mode": "new"}
    return render(request, "postings/employer/posting_form.html", context, status=status)


def _pending_revision(posting: Posting) -> Any:
    return posting.revisions.filter(status=RevisionStatus.PENDING).first()


def _edit(request: HttpRequest, company: Company, pk: int, *, renew: bool) -> HttpResponse:
    posting = get_posting_for_company(company, pk, action=request.method == "POST")
    if renew and not services.posting_can_renew(posting):
        messages.error(request, "This posting cannot be renewed yet.")
        return redirect("employers:posting", pk=posting.pk)
    pending = _pending_revision(posting)
    # A live posting with an edit waiting shows that edit, so editing again builds on it.
    shown = services.posting_with_revision(posting, pending)
    form = PostingForm(request.POST or None, instance=shown)
    if request.method == "POST" and form.is_valid():
        try:
            if renew:
                outcome = services.posting_renew(
                    posting=posting, user=request.user, data=form.values()
                )
            else:
                outcome = services.posting_update(
                    posting=posting, user=request.user, data=form.values()
                )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _OUTCOME_MESSAGES[outcome.result])
            return redirect("employers:posting", pk=posting.pk)
    context = {"form": form, "posting": posting, "pending": pending}
    context["mode"] = "renew" if renew else "edit"
    return render(request, "postings/employer/posting_form.html", context)


_OUTCOME_MESSAGES = {
    "saved": "Changes saved.",
    "review": "Your changes are waiting for review. The current version stays live until "
    "they are approved.",
    "submitted": "Changes saved and sent to review. It goes live for 30 days once approved.",
    "renewed": "Renewed: the posting is live for another 30 days.",
    "unchanged": "Nothing had changed.",
}


@employer_required
def posting_edit(request: HttpRequest, company: Company, pk: int) -> HttpResponse:
    return _edit(request, company, pk, renew=False)


@employer_required
def posting_renew(request: HttpRequest, company: Company, pk: int) -> HttpResponse:
    return _edit(request, company, pk, renew=True)


@employer_required
def posting_manage(request: HttpRequest, company: Company, pk: int) -> HttpResponse:
    """The posting as seekers will see it, with its status, skills and what can be done."""
    posting = get_posting_for_company(company, pk)
    pending = _pending_revision(posting)
    shown = services.posting_with_revision(posting, pending)
    if shown.published_at is None:  # what the dates will read once approved
        shown.published_at = timezone.now()
        shown.expires_at = None
    skill_rows = list(
        PostingSkill.objects.filter(posting=posting)
        .select_related("skill__category")
        .order_by("skill__name")
    )
    if pending is not None and pending.data.get("description") != posting.description:
        # The edit's skills, extracted by the same matcher the pipeline uses; stored when the
        # edit is approved and the pipeline tags the new text.
        _, matcher, _ = current_matcher()
        edit_skills = sorted({m.name for m in matcher.find(shown.description)})
    else:
        edit_skills = None
    last_rejected = posting.revisions.filter(status=RevisionStatus.REJECTED).first()
    context = {
        "posting": posting,
        "shown": shown,
        "insight": posting_pay_insight(shown),
        "pending": pending,
        "last_rejected_edit": last_rejected if pending is None else None,
        "skills": [row for row in skill_rows if row.source != Source.REMOVED],
        "skill_groups": _skill_row_groups(skill_rows),
        "removed_skills": [row for row in skill_rows if row.source == Source.REMOVED],
        "edit_skills": edit_skills,
        "skills_editable": posting.status in _SKILL_EDITABLE,
        "skill_form": SkillChangeForm(initial={"action": "add"}),
        "close_form": CloseForm(),
        "days_left": services.days_left(posting),
        "can_renew": services.posting_can_renew(posting),
    }
    return render(request, "postings/employer/posting_manage.html", context)


_SKILL_EDITABLE = {Status.DRAFT, Status.REJECTED, Status.PENDING_REVIEW}


def _skill_row_groups(rows: list[PostingSkill]) -> SkillGroups[PostingSkill]:
    """The posting's skill rows (removals left out) in the groups seekers will see."""
    groups: SkillGroups[PostingSkill] = SkillGroups()
    for row in rows:
        if row.source != Source.REMOVED:
            soft = row.skill.category.slug == SOFT_SKILL_CATEGORY
            groups.add(row, soft=soft, preferred=row.preferred)
    return groups


@require_POST
@employer_required
def posting_skills(request: HttpRequest, company: Company, pk: int) -> HttpResponse:
    posting = get_posting_for_company(company, pk, action=True)
    form = SkillChangeForm(request.POST)
    if posting.status not in _SKILL_EDITABLE:
        messages.error(request, "Skills can be changed before the posting is published.")
    elif form.is_valid():
        skill = form.cleaned_data["skill"]
        action = form.cleaned_data["action"]
        if action == "add":
            services.posting_skill_add(posting=posting, skill=skill)
            messages.success(request, f"Added {skill.name}.")
        elif action == "remove":
            services.posting_skill_remove(posting=posting, skill=skill)
            messages.success(request, f"Removed {skill.name}.")
        else:
            preferred = action == "prefer"
            try:
                services.posting_skill_move(posting=posting, skill=skill, preferred=preferred)
            except ValidationError as error:
                messages.error(request, _error_message(error))
            else:
                group = "nice to have" if preferred else "required"
                messages.success(request, f"Moved {skill.name} to {group}.")
    else:
        messages.error(request, "Choose a skill from the list.")
    return redirect(f"{reverse('employers:posting', kwargs={'pk': posting.pk})}#skills")


@require_POST
@employer_required
def posting_submit(request: HttpRequest, company: Company, pk: int) -> HttpResponse:
    posting = get_posting_for_company(company, pk, action=True)
    if ratelimits.rate_limited(request, ratelimits.POSTING_SUBMIT):
        return _rate_limited_page(request, back=reverse("employers:posting", args=[pk]))
    try:
        services.posting_submit(posting=posting, user=request.user)
    except ValidationError as error:
        messages.error(request, _error_message(error))
    else:
        messages.success(
            request, "Sent to review. You will see the decision here, usually within a day."
        )
    return redirect("employers:posting", pk=posting.pk)


@require_POST
@employer_required
def posting_close(request: HttpRequest, company: Company, pk: int) -> HttpResponse:
    posting = get_posting_for_company(company, pk, action=True)
    form = CloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose why you are closing the posting.")
    else:
        try:
            services.posting_close(posting=posting, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, _error_message(error))
        else:
            messages.success(request, f"“{posting.title}” is closed.")
    return redirect("employers:posting", pk=posting.pk)


@require_POST
@employer_required
def posting_renew_unchanged(request: HttpRequest, company: Company, pk: int) -> HttpResponse:
    posting = get_posting_for_company(company, pk, action=True)
    try:
        outcome = services.posting_renew(posting=posting, user=request.user)
    except ValidationError as error:
        messages.error(request, _error_message(error))
    else:
        messages.success(request, _OUTCOME_MESSAGES[outcome.result])
    return redirect("employers:posting", pk=posting.pk)


@require_POST
@employer_required
def posting_duplicate(request: HttpRequest, company: Company, pk: int) -> HttpResponse:
    posting = get_posting_for_company(company, pk, action=True)
    if ratelimits.rate_limited(request, ratelimits.POSTING_CREATE, company_id=company.pk):
        return _rate_limited_page(request, back=reverse("employers:posting", args=[pk]))
    copy = services.posting_duplicate(posting=posting, user=request.user)
    messages.success(request, "A copy was saved as a new draft.")
    return redirect("employers:posting_edit", pk=copy.pk)


# ---------------------------------------------------------------------------------------------
# Public: company pages and the counted apply link
# ---------------------------------------------------------------------------------------------


def company_detail(request: HttpRequest, slug: str) -> HttpResponse:
    company = get_object_or_404(Company, slug=slug)
    open_roles = Posting.objects.visible().filter(company=company)
    newest = open_roles.newest_first().select_related("company").defer("description")
    return render(
        request,
        "postings/employer/company_detail.html",
        {
            "company": company,
            "postings": list(newest[:COMPANY_ROLES_SHOWN]),
            "open_count": open_roles.count(),
        },
    )


# A company page shows its newest roles and links to the search for the rest (filtered to
# the company: pages, sorting, facets), where a large employer's page listed thousands.
COMPANY_ROLES_SHOWN = 20


def company_logo(request: HttpRequest, slug: str) -> HttpResponse:
    company = get_object_or_404(Company.objects.only("logo"), slug=slug)
    if not company.logo:
        raise Http404("No logo.")
    content_type = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg"}.get(
        company.logo.name.rsplit(".", 1)[-1].lower(), "image/webp"
    )
    response = FileResponse(company.logo.open("rb"), content_type=content_type)
    response["Cache-Control"] = "public, max-age=3600"
    # An image only: even if a file were not what it claims, nothing in it runs here.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# A POST here is the browser's ping for a click on "Apply by e-mail" (<a href="mailto:..."
# ping="...">): it carries no CSRF token, and all it can do is add one to a click count, as
# the GET of an "Apply" link already does.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def posting_apply(request: HttpRequest, pk: int) -> HttpResponse:
    """Count the click, then go to the employer's application page (or mail link)."""
    posting = get_object_or_404(Posting.objects.visible(), pk=pk)
    if not posting.apply_url and not posting.apply_email:
        raise Http404("This posting takes no applications here.")
    posting_record_apply_click(posting_id=posting.pk)
    if request.content_type == "text/ping":  # the mail link's ping: counted, nothing to show
        return HttpResponse(status=204)
    if posting.apply_url:
        return redirect(posting.apply_url)
    # Browsers follow mailto: from a page, not from a redirect.
    return render(request, "postings/employer/apply_by_email.html", {"posting": posting})

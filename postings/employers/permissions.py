"""Who may reach what on the employer side, in one place.

- Anonymous visitors are sent to log in.
- Signed-in users with no company (seekers, and staff acting as staff) get 403 on employer
  pages, with a way to set up a company.
- Employers reach only their own company's postings: another company's posting answers 404
  on pages (nothing about it is shown, not even that it exists) and 403 on actions (POSTs),
  whether or not the id exists, so actions are no oracle for ids either.
- Moderation is for staff only.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from postings.employers.services import membership_for
from postings.models import Company, Posting


def forbidden(request: HttpRequest, message: str, *, offer_company: bool = False) -> HttpResponse:
    context = {"message": message, "offer_company": offer_company}
    return render(request, "postings/employer/forbidden.html", context, status=403)


def employer_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Run `view(request, company, ...)` for a member of a company."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        membership = membership_for(request.user)
        if membership is None:
            return forbidden(
                request,
                "This page is for employers. Set up your company to post jobs.",
                offer_company=not request.user.is_staff,
            )
        try:
            return view(request, membership.company, *args, **kwargs)
        except PermissionDenied:
            return forbidden(request, "You can only manage your own company's postings.")

    return wrapper


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not (request.user.is_active and request.user.is_staff):
            return forbidden(request, "Only the board's staff can moderate postings.")
        return view(request, *args, **kwargs)

    return wrapper


def get_posting_for_company(company: Company, pk: int, *, action: bool = False) -> Posting:
    """The company's posting with this id. Otherwise 404 for a page, 403 for an action."""
    posting = Posting.objects.select_related("company").filter(pk=pk, company=company).first()
    if posting is None:
        if action:
            raise PermissionDenied
        raise Http404("No such posting.")
    return posting

"""Saved jobs (the Save button on results and posting pages, the Saved jobs page), saved
searches and their alerts: saving, renaming, e-mail frequency, subscribing without an
account, confirming and unsubscribing."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from postings import ratelimits
from postings.accounts.services import is_verified
from postings.models import Frequency, Posting, SavedJob, SavedSearch
from postings.seekers import services


def _back(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@require_POST
def saved_job(request: HttpRequest, pk: int) -> HttpResponse:
    """Save (or, with action=remove, forget) a posting; then back to where the button was."""
    if not request.user.is_authenticated:
        # After logging in the seeker comes back to the page they were on, and saves again.
        return redirect_to_login(_back(request, "/jobs/"))
    if request.POST.get("action") == "remove":
        services.saved_job_remove(user=request.user, posting_id=pk)
        messages.success(request, "Removed from your saved jobs.")
        return redirect(_back(request, "seekers:saved_jobs"))
    posting = Posting.objects.visible().filter(pk=pk).first()
    if posting is None:
        messages.error(request, "That role is no longer open, so it cannot be saved.")
    else:
        services.saved_job_add(user=request.user, posting=posting)
        messages.success(request, f"Saved “{posting.title}”. Find it under Saved jobs.")
    return redirect(_back(request, posting.get_absolute_url() if posting else "/jobs/"))


@login_required
def saved_jobs(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    visible = set(
        Posting.objects.visible(now)
        .filter(saved_by__user=request.user)
        .values_list("id", flat=True)
    )
    rows = (
        SavedJob.objects.filter(user=request.user)
        .select_related("posting__company")
        .defer("posting__description", "posting__search_vector")
        .order_by("-saved_at")
    )
    saved = [(row, row.posting_id in visible) for row in rows]
    return render(request, "postings/seekers/saved_jobs.html", {"saved": saved})


# ---------------------------------------------------------------------------------------------
# Saved searches and alerts
# ---------------------------------------------------------------------------------------------


class SavedSearchForm(forms.Form):
    name = forms.CharField(max_length=120, required=False, label="Name")
    frequency = forms.ChoiceField(choices=Frequency.choices, label="E-mail me")


class SubscribeForm(forms.Form):
    email = forms.EmailField(label="Your e-mail address")
    frequency = forms.ChoiceField(
        choices=[c for c in Frequency.choices if c[0] != Frequency.NEVER], label="E-mail me"
    )


_HOW_OFTEN = {
    Frequency.INSTANT: "you get an e-mail as soon as a matching role is published",
    Frequency.DAILY: "you get a daily e-mail of the new matching roles",
    Frequency.WEEKLY: "you get a weekly e-mail of the new matching roles",
    Frequency.NEVER: "no e-mails",
}


def _own_search(request: HttpRequest, pk: int) -> SavedSearch:
    """The user's own saved search; anyone else's is a 404, as if it did not exist."""
    return get_object_or_404(SavedSearch, pk=pk, user=request.user)


@login_required
def saved_searches(request: HttpRequest) -> HttpResponse:
    rows = SavedSearch.objects.filter(user=request.user).order_by("-created_at")
    context = {
        "searches": [(s, SavedSearchForm(initial={"name": s.name, "frequency": s.frequency},
                                        prefix=f"s{s.pk}")) for s in rows],
        "verified": is_verified(request.user),
    }  # fmt: skip
    return render(request, "postings/seekers/saved_searches.html", context)


@require_POST
def saved_search_create(request: HttpRequest) -> HttpResponse:
    """The "Save this search" button on /jobs/: saves the page's query under a name."""
    query = request.POST.get("query", "")[:2000]
    if not request.user.is_authenticated:
        return redirect(f"{reverse('seekers:subscribe')}?{urlencode({'query': query})}")
    form = SavedSearchForm(request.POST)
    frequency = form.data.get("frequency") if form.is_valid() else Frequency.DAILY
    try:
        search, created = services.saved_search_get_or_create(
            user=request.user, query=query, name=request.POST.get("name", ""),
            frequency=frequency or Frequency.DAILY,
        )  # fmt: skip
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(f"{reverse('postings:list')}?{query}")
    note = "" if search.confirmed_at else " Confirm your e-mail address to get them."
    saved = "Saved this search" if created else "You had already saved this search"
    messages.success(request, f"{saved} as {search.name}: {_HOW_OFTEN[search.frequency]}.{note}")
    return redirect("seekers:saved_searches")


@require_POST
@login_required
def saved_search_update(request: HttpRequest, pk: int) -> HttpResponse:
    search = _own_search(request, pk)
    form = SavedSearchForm(request.POST, prefix=f"s{pk}")
    if form.is_valid():
        services.saved_search_update(
            search=search, name=form.cleaned_data["name"] or search.name,
            frequency=form.cleaned_data["frequency"],
        )  # fmt: skip
        messages.success(request, f"Updated {search.name}: {_HOW_OFTEN[search.frequency]}.")
    else:
        messages.error(request, "Choose how often to be e-mailed.")
    return redirect("seekers:saved_searches")


@require_POST
@login_required
def saved_search_delete(request: HttpRequest, pk: int) -> HttpResponse:
    search = _own_search(request, pk)
    search.delete()
    messages.success(request, f"Deleted {search.name}; its alerts stop.")
    return redirect("seekers:saved_searches")


@require_POST
@login_required
def saved_search_resume(request: HttpRequest, pk: int) -> HttpResponse:
    search = services.saved_search_resume(search=_own_search(request, pk))
    messages.success(request, f"Alerts for {search.name} start again.")
    return redirect("seekers:saved_searches")


def subscribe(request: HttpRequest) -> HttpResponse:
    """Alerts for a search with just an e-mail address (no account): double opt-in."""
    query = (request.POST.get("query") or request.GET.get("query", ""))[:2000]
    form = SubscribeForm(request.POST or None, initial={"frequency": Frequency.DAILY})
    status = 200
    if request.method == "POST" and form.is_valid():
        if ratelimits.rate_limited(request, ratelimits.SUBSCRIBE):
            form.add_error(None, ratelimits.MESSAGE)
            status = ratelimits.STATUS
        else:
            try:
                search = services.saved_search_create(
                    query=query, email=form.cleaned_data["email"],
                    frequency=form.cleaned_data["frequency"],
                )  # fmt: skip
            except ValidationError as error:
                form.add_error(None, error)
            else:
                context = {"search": search}
                return render(request, "postings/seekers/subscribe_sent.html", context)
    _, name = services.search_canonical(query)
    context = {"form": form, "query": query, "name": name}
    return render(request, "postings/seekers/subscribe.html", context, status=status)


def subscription_confirm(request: HttpRequest, token: str) -> HttpResponse:
    search = services.subscription_confirm(token=token)
    if search is None:
        return render(request, "registration/verify_invalid.html", status=400)
    return render(request, "postings/seekers/subscription_confirmed.html", {"search": search})


@csrf_exempt  # RFC 8058: a mail client POSTs here with no session; the signed token is the proof
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The link in every alert: GET shows a button (link scanners must not unsubscribe
    anyone); a POST, the button's or a mail client's one-click, unsubscribes."""
    search = services.search_from_unsubscribe_token(token)
    if search is None:
        return render(request, "postings/seekers/unsubscribed.html", {"gone": True}, status=404)
    if request.method == "POST":
        services.saved_search_unsubscribe(search=search)
        return render(request, "postings/seekers/unsubscribed.html", {"search": search})
    return render(request, "postings/seekers/unsubscribe.html", {"search": search, "token": token})

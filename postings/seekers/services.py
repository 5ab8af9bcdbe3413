"""Writes for job seekers: saved jobs, saved searches and the subscriptions behind their
alerts (the digests themselves: alerts.py)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from postings import mail
from postings.accounts.services import is_verified
from postings.filters import parse_search
from postings.models import (
    DIGEST_EVERY,
    Frequency,
    Posting,
    RoleFamily,
    SavedJob,
    SavedSearch,
    Seniority,
    Workplace,
)
from postings.queueing import enqueue_on_commit
from salaries.geography import COUNTRY_NAMES
from skills.services import SkillIndex, skill_index


def saved_job_add(*, user: AbstractBaseUser, posting: Posting) -> SavedJob:
    """Save a visible posting for the user; saving twice keeps one (a unique constraint)."""
    try:
        with transaction.atomic():
            return SavedJob.objects.create(user=user, posting=posting)
    except IntegrityError:
        return SavedJob.objects.get(user=user, posting=posting)


def saved_job_remove(*, user: AbstractBaseUser, posting_id: int) -> bool:
    deleted, _ = SavedJob.objects.filter(user=user, posting_id=posting_id).delete()
    return bool(deleted)


def saved_posting_ids(*, user: AbstractBaseUser, posting_ids: list[int]) -> set[int]:
    """Which of these postings the user saved: one query for a page of results."""
    if not user.is_authenticated or not posting_ids:
        return set()
    return set(
        SavedJob.objects.filter(user=user, posting_id__in=posting_ids).values_list(
            "posting_id", flat=True
        )
    )


# ---------------------------------------------------------------------------------------------
# Saved searches
# ---------------------------------------------------------------------------------------------

# Parameters that say how results are shown, not which: a saved search keeps its sort (the
# page opens in it) but never a page number.
_NOT_SAVED = {"page"}
MAX_SAVED_SEARCHES = 50  # per account or e-mail address: a search is a mail a day at most


def describe_search(params: QueryDict, skills: SkillIndex | None = None) -> str:
    """A name for a search, from what it asks for: “pytorch” · PyTorch · Senior · Remote."""
    skills = skills or skill_index()
    parts = []
    if params.get("q"):
        parts.append(f"“{params['q'][:40]}”")
    parts += [skills.by_slug[s].name for s in params.getlist("skills") if s in skills.by_slug]
    labels = {"level": Seniority, "role": RoleFamily, "workplace": Workplace}
    for name, choices in labels.items():
        parts += [choices(v).label for v in params.getlist(name) if v in choices.values]
    if params.get("country"):
        parts.append(COUNTRY_NAMES.get(params["country"], params["country"]))
    if params.get("location"):
        parts.append(params["location"][:40])
    if params.get("salary_min"):
        parts.append(f"from {params['salary_min']} USD")
    return " · ".join(parts)[:120] or "All ML jobs"


def search_canonical(query: str) -> tuple[str, str]:
    """(query string, default name) for a /jobs/ query string as the page validates it: bad
    values dropped, skill names as slugs, no page number."""
    skills = skill_index()
    clean = parse_search(QueryDict(query), skills=skills).params
    for name in _NOT_SAVED:
        clean.pop(name, None)
    return clean.urlencode(), describe_search(clean, skills)


def _owned(*, user: AbstractBaseUser | None, email: str) -> QuerySet[SavedSearch]:
    if user is not None:
        return SavedSearch.objects.filter(user=user)
    return SavedSearch.objects.filter(user=None, email__iexact=email)


def saved_search_create(**fields: Any) -> SavedSearch:
    """saved_search_get_or_create, for callers that need only the search."""
    return saved_search_get_or_create(**fields)[0]


@transaction.atomic
def saved_search_get_or_create(
    *,
    query: str,
    user: AbstractBaseUser | None = None,
    email: str = "",
    name: str = "",
    frequency: str = Frequency.DAILY,
    now: datetime | None = None,
) -> tuple[SavedSearch, bool]:
    """Save a search for an account, or subscribe an e-mail address without one; return it
    and whether it is new.

    An account's search mails once its address is confirmed; an address alone must confirm
    this subscription by the link mailed to it (double opt-in). Roles published from now on
    are what its alerts will bring. The same search saved again by the same owner is the
    one saved before, left as it is (two copies would mail every role twice); an address
    subscribing again is sent the confirmation link again, so the page that says a link is
    on its way is true, and says nothing of whether the address had subscribed.
    """
    now = now or timezone.now()
    if user is None and not email:
        raise ValidationError({"email": "Enter the e-mail address the alerts should go to."})
    canonical, described = search_canonical(query)
    email = "" if user is not None else email.strip().lower()
    owned = _owned(user=user, email=email)
    search = owned.filter(query=canonical).first()
    created = search is None
    if created:
        if owned.count() >= MAX_SAVED_SEARCHES:
            raise ValidationError(
                f"You have {MAX_SAVED_SEARCHES} saved searches, the most one can keep. Delete "
                "one you no longer need first."
            )
        confirmed = user is not None and is_verified(user)
        try:
            with transaction.atomic():
                search = SavedSearch.objects.create(
                    user=user, email=email, name=(name.strip() or described)[:120],
                    query=canonical, frequency=frequency, created_at=now,
                    confirmed_at=now if confirmed else None, mark=now,
                    due_at=_next_due(frequency, now),
                )  # fmt: skip
        except IntegrityError:  # the same search saved at the same moment (a double click)
            search, created = owned.get(query=canonical), False
    if user is None:
        enqueue_on_commit("postings.seekers.tasks.send_subscription_confirmation", search.pk)
    return search, created


def _next_due(frequency: str, after: datetime) -> datetime:
    return after + DIGEST_EVERY.get(frequency, timedelta(0))


def saved_search_update(
    *, search: SavedSearch, name: str | None = None, frequency: str | None = None
) -> SavedSearch:
    """Rename, or change how often it mails. A new frequency starts from now; the mark stays,
    so no role published meanwhile is skipped."""
    changes: dict = {}
    if name is not None:
        if not name.strip():
            raise ValidationError({"name": "Give the search a name."})
        changes["name"] = name.strip()[:120]
    if frequency is not None and frequency != search.frequency:
        changes["frequency"] = frequency
        changes["due_at"] = _next_due(frequency, timezone.now())
    if changes:
        SavedSearch.objects.filter(pk=search.pk).update(**changes)
        search.refresh_from_db()
    return search


def saved_search_resume(*, search: SavedSearch) -> SavedSearch:
    """Start mailing a paused alert again (after a bounce was fixed)."""
    SavedSearch.objects.filter(pk=search.pk).update(
        paused_at=None, pause_reason="", failures=0, due_at=timezone.now()
    )
    search.refresh_from_db()
    return search


_SUBSCRIPTION_SALT = "postings.seekers.subscription"
_UNSUBSCRIBE_SALT = "postings.seekers.unsubscribe"
SUBSCRIPTION_MAX_AGE = timedelta(days=7)


def subscription_token(search: SavedSearch) -> str:
    return signing.dumps({"s": search.pk, "e": search.email}, salt=_SUBSCRIPTION_SALT)


def unsubscribe_token(search: SavedSearch) -> str:
    """For the link in every alert and its List-Unsubscribe header: it does not expire, since
    a mail may be read long after it was sent."""
    return signing.dumps({"s": search.pk}, salt=_UNSUBSCRIBE_SALT)


def subscription_send_confirmation(*, search_id: int) -> bool:
    search = SavedSearch.objects.filter(pk=search_id, user=None, confirmed_at=None).first()
    if search is None:
        return False
    link = mail.site_url(reverse("seekers:confirm", args=[subscription_token(search)]))
    context = {"search": search, "confirm_url": link, "search_url": mail.site_url(
        f"{reverse('postings:list')}?{search.query}")}  # fmt: skip
    mail.send("alert_confirm", [search.email], context)
    return True


def subscription_confirm(*, token: str, now: datetime | None = None) -> SavedSearch | None:
    try:
        data = signing.loads(
            token, salt=_SUBSCRIPTION_SALT, max_age=SUBSCRIPTION_MAX_AGE.total_seconds()
        )
    except signing.BadSignature:
        return None
    search = SavedSearch.objects.filter(pk=data.get("s"), email=data.get("e")).first()
    if search is None:
        return None
    now = now or timezone.now()
    # The alert brings roles published from the confirmation on.
    SavedSearch.objects.filter(pk=search.pk, confirmed_at=None).update(
        confirmed_at=now, mark=now, due_at=_next_due(search.frequency, now)
    )
    search.refresh_from_db()
    return search


def search_from_unsubscribe_token(token: str) -> SavedSearch | None:
    try:
        data = signing.loads(token, salt=_UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return SavedSearch.objects.filter(pk=data.get("s")).first()


def saved_search_unsubscribe(*, search: SavedSearch) -> None:
    """Stop the alert: an address-only subscription is deleted; an account's search is kept
    (it is still a saved search) with its e-mails turned off."""
    if search.user_id is None:
        search.delete()
    else:
        SavedSearch.objects.filter(pk=search.pk).update(frequency=Frequency.NEVER)

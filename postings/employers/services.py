"""Writes on the employer side: sign-up, companies and members, postings from draft to review,
closing, renewing and duplicating them, and the e-mails about them.

Every function that changes a posting's status does it with a conditional UPDATE on the status
it expects, so two clicks, two tabs or a moderator acting at the same moment cannot both win;
the loser gets a ValidationError that the view shows as a message.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from postings.mail import absolute, send, site_url
from postings.models import (
    CloseReason,
    Company,
    Invitation,
    Membership,
    Posting,
    PostingRevision,
    PostingSkill,
    RevisionStatus,
    Source,
    Status,
)
from postings.queueing import enqueue_on_commit
from postings.services import TEXT_FIELDS, posting_refresh_derived
from postings.tagging.services import postings_tag
from skills.models import Skill
from skills.services import taxonomy_version

User = get_user_model()

# How long a posting stays up once approved or renewed.
PUBLISH_DAYS = 30
# A published posting can be renewed in its last days; an expired one at any time.
RENEW_WINDOW_DAYS = 7
# The reminder goes out this long before expiry.
REMINDER_DAYS = 3
INVITATION_MAX_AGE = timedelta(days=14)
_INVITATION_SALT = "postings.employers.invitation"

# Every field an employer edits, in form order. A revision's `data` holds exactly these.
EDITABLE_FIELDS = (
    "title", "description", "seniority", "role_family", "employment_type", "workplace",
    "city", "region", "country", "remote_regions", "salary_min", "salary_max",
    "salary_currency", "salary_period", "visa_sponsorship", "apply_url", "apply_email",
)  # fmt: skip
# Changing any of these on a live posting waits for review; the live version stays up.
REVIEWED_FIELDS = frozenset(
    {"title", "description", "salary_min", "salary_max", "salary_currency", "salary_period"}
)
_DECIMAL_FIELDS = frozenset({"salary_min", "salary_max"})


# ---------------------------------------------------------------------------------------------
# Accounts
# ---------------------------------------------------------------------------------------------


# ---------------------------------------------------------------------------------------------
# Companies and members
# ---------------------------------------------------------------------------------------------


def membership_for(user: AbstractBaseUser) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.select_related("company").filter(user=user).first()


def _unique_company_slug(name: str) -> str:
    base = slugify(name)[:190] or "company"
    taken = set(
        Company.objects.filter(slug__startswith=base).values_list("slug", flat=True)
    )  # one query, not one per suffix tried
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def company_create(
    *,
    user: AbstractBaseUser,
    name: str,
    website: str = "",
    description: str = "",
    city: str = "",
    country: str = "",
    logo: UploadedFile | None = None,
) -> Company:
    """A new company with `user` as its first member."""
    if Membership.objects.filter(user=user).exists():
        raise ValidationError("You already belong to a company.")
    company = Company(
        name=name,
        slug=_unique_company_slug(name),
        website=website,
        description=description,
        city=city,
        country=country,
    )
    if logo:
        company.logo.save(logo.name, logo, save=False)
    company.save()
    Membership.objects.create(user=user, company=company)
    return company


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps(invitation.pk, salt=_INVITATION_SALT)


def invitation_from_token(token: str) -> Invitation | None:
    """The open invitation this link was made for; None if forged, too old or used."""
    try:
        pk = signing.loads(token, salt=_INVITATION_SALT, max_age=INVITATION_MAX_AGE.total_seconds())
    except signing.BadSignature:
        return None
    return (
        Invitation.objects.select_related("company").filter(pk=pk, accepted_at__isnull=True).first()
    )


def invitation_create(
    *,
    company: Company,
    email: str,
    invited_by: AbstractBaseUser,
    domain: str,
    use_https: bool,
) -> Invitation:
    """Invite a colleague; inviting the same address again re-sends the open invitation.
    `domain` and `use_https` come from the request, for the link in the e-mail."""
    email = User.objects.normalize_email(email).strip()
    if Membership.objects.filter(company=company, user__email__iexact=email).exists():
        raise ValidationError({"email": f"{email} is already a member of {company.name}."})
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .filter(company=company, email__iexact=email, accepted_at__isnull=True)
            .first()
        )
        if invitation is None:
            try:
                with transaction.atomic():
                    invitation = Invitation.objects.create(
                        company=company, email=email, invited_by=invited_by
                    )
            except IntegrityError:  # a concurrent invite of the same address won
                invitation = Invitation.objects.get(
                    company=company, email__iexact=email, accepted_at__isnull=True
                )
        Invitation.objects.filter(pk=invitation.pk).update(sent_at=None, invited_by=invited_by)
        enqueue_on_commit(
            "postings.employers.tasks.send_invitation", invitation.pk, domain, use_https
        )
    return invitation


def invitation_send(*, invitation_id: int, domain: str = "", use_https: bool | None = None) -> bool:
    """E-mail the invitation once. The row stays locked while the mail is sent: if sending
    fails, nothing is recorded and the task retries; a second run finds sent_at set.
    Without a request's domain (the sweep), the site's own address is used."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("company", "invited_by")
            .filter(pk=invitation_id, sent_at__isnull=True, accepted_at__isnull=True)
            .first()
        )
        if invitation is None:
            return False
        link = reverse("employers:invitation", kwargs={"token": invitation_token(invitation)})
        context = {
            "invitation": invitation,
            "accept_url": absolute(domain, use_https, link),
        }
        send("invitation", [invitation.email], context)
        invitation.sent_at = timezone.now()
        invitation.save(update_fields=["sent_at"])
    return True


def invitations_unsent(*, older_than: timedelta = timedelta(minutes=5)) -> list[int]:
    """Open invitations whose e-mail has not gone out: the enqueue failed, or the worker
    died. Only recent ones: a link older than INVITATION_MAX_AGE would not work anyway."""
    now = timezone.now()
    return list(
        Invitation.objects.filter(
            sent_at__isnull=True,
            accepted_at__isnull=True,
            created_at__lte=now - older_than,
            created_at__gt=now - INVITATION_MAX_AGE,
        ).values_list("id", flat=True)
    )


def invitation_accept(*, invitation: Invitation, user: AbstractBaseUser) -> Membership:
    if user.email.lower() != invitation.email.lower():
        raise ValidationError(
            f"This invitation was sent to {invitation.email}. Log in with that address to "
            "accept it."
        )
    with transaction.atomic():
        if Membership.objects.filter(user=user).exists():
            raise ValidationError("You already belong to a company.")
        claimed = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(
            accepted_at=timezone.now()
        )
        if not claimed:
            raise ValidationError("This invitation has already been used.")
        try:
            with transaction.atomic():
                return Membership.objects.create(
                    user=user, company=invitation.company, invited_by=invitation.invited_by
                )
        except IntegrityError:  # the same user accepting in two tabs
            raise ValidationError("You already belong to a company.") from None


# ---------------------------------------------------------------------------------------------
# Postings: writing, preview skills, submitting
# ---------------------------------------------------------------------------------------------


def _to_json(data: dict[str, Any]) -> dict[str, Any]:
    return {
        name: (str(data[name]) if isinstance(data[name], Decimal) else data[name])
        for name in EDITABLE_FIELDS
    }


def revision_values(revision: PostingRevision) -> dict[str, Any]:
    """A revision's fields with Python types again (decimals back from strings)."""
    values = dict(revision.data)
    for name in _DECIMAL_FIELDS:
        if values.get(name) not in (None, ""):
            values[name] = Decimal(values[name])
    return values


def posting_with_revision(posting: Posting, revision: PostingRevision | None) -> Posting:
    """An unsaved copy of `posting`, with the revision's fields if there is one: what it will
    look like. A copy, because a ModelForm writes its input onto its instance while it
    validates, and the services compare that input with the posting as stored."""
    shown = copy.copy(posting)
    if revision is not None:
        for name, value in revision_values(revision).items():
            setattr(shown, name, value)
    return shown


def assign_fields(posting: Posting, values: dict[str, Any], now: datetime) -> list[str]:
    """Copy form values onto the posting; return the names of the fields that changed."""
    changed = [name for name in EDITABLE_FIELDS if getattr(posting, name) != values[name]]
    for name in changed:
        setattr(posting, name, values[name])
    if "title" in changed:
        posting.slug = slugify(posting.title)[:200] or "job"
    if TEXT_FIELDS.intersection(changed):
        posting.text_updated_at = now  # skills and the search document are derived from it
    posting.updated_at = now
    return changed


def posting_create(
    *,
    company: Company,
    user: AbstractBaseUser | None,
    data: dict[str, Any],
    external_id: str | None = None,
    tag_now: bool = True,
) -> Posting:
    """A new draft from the form's cleaned data, tagged at once for the preview (or, with
    tag_now=False, by the pipeline after commit)."""
    now = timezone.now()
    posting = Posting(
        company=company,
        created_by=user,
        status=Status.DRAFT,
        created_at=now,
        external_id=external_id,
    )
    assign_fields(posting, data, now)
    with transaction.atomic():
        posting.save()
        posting_refresh_derived(posting_id=posting.pk, changed=EDITABLE_FIELDS, tag_now=tag_now)
    return posting


@dataclass
class EditOutcome:
    posting: Posting
    # "saved": applied now; "review": waits for review, live version stays up;
    # "submitted": applied and sent to review (an expired posting renewed with changes);
    # "renewed": another 30 days; "unchanged": nothing to save.
    result: str


def posting_update(
    *,
    posting: Posting,
    user: AbstractBaseUser | None,
    data: dict[str, Any],
    renew: bool = False,
    tag_now: bool = True,
) -> EditOutcome:
    """Save an employer's edit, according to where the posting is in its life.

    Not yet public (draft, rejected, under review): applied as it is. Published: changes to
    the title, description or pay (or any change made while renewing) wait in a revision and
    the approved version stays visible; other changes apply at once. Expired, renewed with
    changes: applied and sent back to review. Closed: not editable (duplicate it instead).
    """
    now = timezone.now()
    with transaction.atomic():
        live = Posting.objects.select_for_update().get(pk=posting.pk)
        if live.status == Status.CLOSED or (live.status == Status.EXPIRED and not renew):
            raise ValidationError(
                "A closed or expired posting cannot be edited. Renew it, or duplicate it as a "
                "new draft."
            )
        changed = [name for name in EDITABLE_FIELDS if getattr(live, name) != data[name]]
        pending = live.revisions.filter(status=RevisionStatus.PENDING).first()
        if live.status == Status.PUBLISHED and (
            pending is not None or renew or REVIEWED_FIELDS.intersection(changed)
        ):
            if not changed:
                # Edited back to the live version: nothing left to review.
                if pending is not None:
                    pending.status = RevisionStatus.WITHDRAWN
                    pending.reviewed_at = now
                    pending.save(update_fields=["status", "reviewed_at"])
                return EditOutcome(live, "unchanged")
            if pending is None:
                pending = PostingRevision(posting=live)
            pending.data = _to_json(data)
            pending.renew = pending.renew or renew
            pending.submitted_by = user
            pending.submitted_at = now
            pending.save()
            return EditOutcome(live, "review")
        if not changed:
            return EditOutcome(live, "unchanged")
        assign_fields(live, data, now)
        result = "saved"
        if live.status == Status.EXPIRED:
            live.status = Status.PENDING_REVIEW
            live.submitted_at = now
            result = "submitted"
        live.save()
        posting_refresh_derived(posting_id=live.pk, changed=changed, tag_now=tag_now)
    return EditOutcome(live, result)


def posting_skill_add(*, posting: Posting, skill: Skill) -> None:
    """The employer adds a skill from the taxonomy: kept whatever the text says."""
    with transaction.atomic():
        row = PostingSkill.objects.filter(posting=posting, skill=skill).first()
        if row is None:
            PostingSkill.objects.create(
                posting=posting,
                skill=skill,
                source=Source.EMPLOYER,
                taxonomy_version=taxonomy_version(),
            )
        elif row.source == Source.REMOVED:
            PostingSkill.objects.filter(pk=row.pk).update(source=Source.EMPLOYER)
        # Re-run the pipeline so the posting's indexed skill array includes it.
        postings_tag(posting_ids=[posting.pk])


def posting_skill_remove(*, posting: Posting, skill: Skill) -> None:
    """The employer removes a skill: a `removed` row stays, so re-extraction from the same
    text never adds it back."""
    with transaction.atomic():
        PostingSkill.objects.update_or_create(
            posting=posting,
            skill=skill,
            defaults={"source": Source.REMOVED},
            create_defaults={"source": Source.REMOVED, "taxonomy_version": taxonomy_version()},
        )
        postings_tag(posting_ids=[posting.pk])


def posting_submit(*, posting: Posting, user: AbstractBaseUser | None) -> Posting:
    """Send a draft (or a rejected posting, after changes) to review."""
    now = timezone.now()
    sent = Posting.objects.filter(pk=posting.pk, status__in=[Status.DRAFT, Status.REJECTED]).update(
        status=Status.PENDING_REVIEW, submitted_at=now, updated_at=now
    )
    if not sent:
        raise ValidationError("Only a draft or a rejected posting can be sent to review.")
    posting.refresh_from_db()
    return posting


# ---------------------------------------------------------------------------------------------
# Postings synced from an applicant tracking system (the employer API)
# ---------------------------------------------------------------------------------------------


def posting_sync(
    *, company: Company, user: AbstractBaseUser | None, external_id: str, data: dict[str, Any]
) -> EditOutcome:
    """Create or update the company's role with this external id, from the posting form's
    cleaned data: what `PUT /api/v1/employer/jobs/{external_id}/` does.

    A new role goes straight to review ("created"). An existing one is edited as on the
    site (posting_update: a live role's title, description or pay wait for review), and one
    taken back to draft, or rejected and now changed, is sent to review again
    ("submitted"). The same data again changes nothing at all ("unchanged"), so an ATS can
    send every role on every run. Tagging runs in the pipeline after commit.
    """
    existing = Posting.objects.filter(company=company, external_id=external_id).first()
    if existing is None:
        try:
            with transaction.atomic():
                posting = posting_create(
                    company=company, user=user, data=data, external_id=external_id, tag_now=False
                )
                return EditOutcome(posting_submit(posting=posting, user=user), "created")
        except IntegrityError:  # the same id created by a concurrent request
            existing = Posting.objects.get(company=company, external_id=external_id)
    pending = existing.revisions.filter(status=RevisionStatus.PENDING).first()
    if pending is not None and pending.data == _to_json(data):
        return EditOutcome(existing, "unchanged")  # the edit already waiting
    outcome = posting_update(posting=existing, user=user, data=data, tag_now=False)
    resubmit = outcome.posting.status == Status.DRAFT or (
        outcome.posting.status == Status.REJECTED and outcome.result != "unchanged"
    )
    if resubmit:
        return EditOutcome(posting_submit(posting=outcome.posting, user=user), "submitted")
    return outcome


def posting_remove(*, posting: Posting, reason: str = CloseReason.WITHDRAWN) -> Posting:
    """What an ATS's DELETE does: close a live role; take one waiting for review back to
    draft; leave one already ended or never public as it is, so DELETE twice is DELETE once."""
    if posting.status == Status.PUBLISHED:
        return posting_close(posting=posting, reason=reason)
    if posting.status == Status.PENDING_REVIEW:
        Posting.objects.filter(pk=posting.pk, status=Status.PENDING_REVIEW).update(
            status=Status.DRAFT, updated_at=timezone.now()
        )
        posting.refresh_from_db()
    return posting


# ---------------------------------------------------------------------------------------------
# Postings: closing, renewing, duplicating
# ---------------------------------------------------------------------------------------------


def posting_close(*, posting: Posting, reason: str) -> Posting:
    """Close a live posting as filled or withdrawn; an edit waiting for review is withdrawn."""
    now = timezone.now()
    with transaction.atomic():
        # published_at is set on every published row, so the closed row keeps the
        # posting_public_has_published_at constraint.
        closed = Posting.objects.filter(pk=posting.pk, status=Status.PUBLISHED).update(
            status=Status.CLOSED, closed_reason=reason, updated_at=now
        )
        if not closed:
            raise ValidationError("Only a published posting can be closed.")
        PostingRevision.objects.filter(posting=posting, status=RevisionStatus.PENDING).update(
            status=RevisionStatus.WITHDRAWN, reviewed_at=now
        )
    posting.refresh_from_db()
    return posting


def posting_can_renew(posting: Posting, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    if posting.status == Status.EXPIRED:
        return True
    return (
        posting.status == Status.PUBLISHED
        and posting.expires_at is not None
        and posting.expires_at <= now + timedelta(days=RENEW_WINDOW_DAYS)
    )


def posting_renew(
    *,
    posting: Posting,
    user: AbstractBaseUser,
    data: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> EditOutcome:
    """Renew a posting that is about to expire or has expired.

    Unchanged (no `data`, or the same values): another 30 days, from the current expiry if it
    has not passed, else from now, and the reminder may go out again. Changed: back to review
    (see posting_update); the 30 days restart when the change is approved.
    """
    now = now or timezone.now()
    stored = Posting.objects.get(pk=posting.pk)
    if not posting_can_renew(stored, now):
        raise ValidationError(
            f"A posting can be renewed in its last {RENEW_WINDOW_DAYS} days or once it has expired."
        )
    if data is not None and any(getattr(stored, name) != data[name] for name in EDITABLE_FIELDS):
        return posting_update(posting=stored, user=user, data=data, renew=True)
    with transaction.atomic():
        live = Posting.objects.select_for_update().get(pk=posting.pk)
        if not posting_can_renew(live, now):
            raise ValidationError(
                f"A posting can be renewed in its last {RENEW_WINDOW_DAYS} days or once it "
                "has expired."
            )
        if live.revisions.filter(status=RevisionStatus.PENDING).exists():
            raise ValidationError(
                "This posting has changes waiting for review; it is renewed when they are approved."
            )
        start = max(now, live.expires_at or now)
        live.status = Status.PUBLISHED
        live.expires_at = start + timedelta(days=PUBLISH_DAYS)
        live.expiry_reminder_sent_at = None
        live.updated_at = now
        live.save(update_fields=["status", "expires_at", "expiry_reminder_sent_at", "updated_at"])
    return EditOutcome(live, "renewed")


def posting_duplicate(*, posting: Posting, user: AbstractBaseUser) -> Posting:
    """A new draft with the same fields; the employer's own skill choices come along, the
    extracted ones are re-extracted by the pipeline."""
    data = {name: getattr(posting, name) for name in EDITABLE_FIELDS}
    with transaction.atomic():
        copy = posting_create(company=posting.company, user=user, data=data)
        own = PostingSkill.objects.filter(
            posting=posting, source__in=[Source.EMPLOYER, Source.REMOVED]
        )
        PostingSkill.objects.bulk_create(
            [
                PostingSkill(
                    posting=copy,
                    skill_id=row.skill_id,
                    source=row.source,
                    taxonomy_version=row.taxonomy_version,
                )
                for row in own
            ],
            update_conflicts=True,
            unique_fields=["posting", "skill"],
            update_fields=["source"],
        )
        postings_tag(posting_ids=[copy.pk])
    return copy


# ---------------------------------------------------------------------------------------------
# Expiry (Celery beat)
# ---------------------------------------------------------------------------------------------


def postings_expire(*, now: datetime | None = None) -> int:
    """Mark every published posting whose time is up as expired; return how many.

    One set-based UPDATE on the partial expiry index; running it twice changes nothing the
    second time. The public pages already hide these by the clock (PostingQuerySet.visible).
    """
    now = now or timezone.now()
    return Posting.objects.filter(status=Status.PUBLISHED, expires_at__lte=now).update(
        status=Status.EXPIRED, updated_at=now
    )


def postings_due_reminder(*, now: datetime | None = None) -> list[int]:
    now = now or timezone.now()
    return list(
        Posting.objects.filter(
            status=Status.PUBLISHED,
            expires_at__gt=now,
            expires_at__lte=now + timedelta(days=REMINDER_DAYS),
            expiry_reminder_sent_at__isnull=True,
        ).values_list("id", flat=True)
    )


def posting_send_expiry_reminder(*, posting_id: int, now: datetime | None = None) -> bool:
    """E-mail the company's members that the posting expires soon, once.

    The row is locked and re-checked while the mail goes out: a failed send records nothing
    (the task retries), a second run finds expiry_reminder_sent_at set and sends nothing.
    """
    now = now or timezone.now()
    with transaction.atomic():
        posting = (
            Posting.objects.select_for_update(of=("self",))
            .select_related("company")
            .filter(
                pk=posting_id,
                status=Status.PUBLISHED,
                expires_at__gt=now,
                expiry_reminder_sent_at__isnull=True,
            )
            .first()
        )
        if posting is None:
            return False
        recipients = list(
            User.objects.filter(memberships__company=posting.company, is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
        if recipients:
            context = {
                "posting": posting,
                "days_left": max(1, (posting.expires_at - now).days),
                "manage_url": site_url(reverse("employers:posting", kwargs={"pk": posting.pk})),
            }
            send("expiry_reminder", recipients, context, html=True)
        posting.expiry_reminder_sent_at = now
        posting.save(update_fields=["expiry_reminder_sent_at"])
    return True


# ---------------------------------------------------------------------------------------------
# Reads for the dashboard
# ---------------------------------------------------------------------------------------------


def company_postings(*, company: Company, status: str = "") -> Any:
    postings = Posting.objects.filter(company=company).order_by("-created_at", "-id")
    if status:
        postings = postings.filter(status=status)
    return postings.prefetch_related(
        _pending_revisions_prefetch(),
    )


def _pending_revisions_prefetch() -> Any:
    from django.db.models import Prefetch

    return Prefetch(
        "revisions",
        queryset=PostingRevision.objects.filter(
            Q(status=RevisionStatus.PENDING) | Q(status=RevisionStatus.REJECTED)
        ).order_by("-submitted_at"),
        to_attr="recent_revisions",
    )


def days_left(posting: Posting, now: datetime | None = None) -> int | None:
    """Whole days until expiry, rounded up; None when it does not apply."""
    if posting.status != Status.PUBLISHED or posting.expires_at is None:
        return None
    now = now or timezone.now()
    seconds = (posting.expires_at - now).total_seconds()
    return max(0, -(-int(seconds) // 86400))

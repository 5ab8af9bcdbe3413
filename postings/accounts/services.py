"""Accounts, for employers and seekers alike: signing up, password resets, proving an e-mail
address, and deleting an account with everything it owns."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from postings import mail
from postings.models import (
    Account,
    CloseReason,
    Membership,
    Posting,
    PostingRevision,
    RevisionStatus,
    SavedSearch,
    Status,
)
from postings.queueing import enqueue_on_commit

User = get_user_model()

_VERIFY_SALT = "postings.accounts.verify"
VERIFY_MAX_AGE = timedelta(days=7)


def user_sign_up(*, email: str, password: str) -> AbstractBaseUser:
    """A new account whose login is its e-mail address. The form has run the password
    validators; the unique username makes a double submit fail cleanly."""
    email = User.objects.normalize_email(email).lower()
    try:
        with transaction.atomic():
            return User.objects.create_user(username=email, email=email, password=password)
    except IntegrityError:
        raise ValidationError({"email": "An account with this e-mail already exists."}) from None


def password_reset_enqueue(*, email: str, domain: str, use_https: bool) -> int:
    """Queue a reset e-mail to each active account with this address; return how many.

    The task makes the token itself, so no token passes through the broker, and the page
    says the same thing whether or not the address has an account.
    """
    users = User.objects.filter(email__iexact=email, is_active=True).only("id", "password")
    ids = [user.pk for user in users if user.has_usable_password()]
    for user_id in ids:
        enqueue_on_commit("postings.accounts.tasks.send_password_reset", user_id, domain, use_https)
    return len(ids)


def password_reset_send(*, user_id: int, domain: str, use_https: bool) -> bool:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.has_usable_password():
        return False
    context = {
        "user": user,
        "reset_url": mail.absolute(
            domain,
            use_https,
            reverse(
                "accounts:password_reset_confirm",
                kwargs={
                    "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                    "token": default_token_generator.make_token(user),
                },
            ),
        ),
    }
    mail.send("password_reset", [user.email], context)
    return True


def account_for(user: AbstractBaseUser) -> Account:
    account, _ = Account.objects.get_or_create(user=user)
    return account


def is_verified(user: AbstractBaseUser) -> bool:
    return (
        user.is_authenticated
        and Account.objects.filter(user=user, email_verified_at__isnull=False).exists()
    )


def verification_token(user: AbstractBaseUser) -> str:
    """A signed link token naming the user and the address being proven: changing the
    address makes older links worthless."""
    return signing.dumps({"u": user.pk, "e": user.email}, salt=_VERIFY_SALT)


def verification_enqueue(*, user: AbstractBaseUser) -> None:
    """Mail the link that proves the address, after commit."""
    account_for(user)
    enqueue_on_commit("postings.accounts.tasks.send_verification", user.pk)


def verification_send(*, user_id: int) -> bool:
    """Mail the verification link, unless the address is proven already."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or is_verified(user):
        return False
    link = mail.site_url(reverse("accounts:verify", args=[verification_token(user)]))
    mail.send("verify_email", [user.email], {"user": user, "verify_url": link})
    return True


def account_verify(*, token: str, now: datetime | None = None) -> AbstractBaseUser | None:
    """Prove the address the link was made for; None if the link is forged, too old or the
    address changed since. Safe to click twice. The account's saved searches start mailing."""
    try:
        data = signing.loads(token, salt=_VERIFY_SALT, max_age=VERIFY_MAX_AGE.total_seconds())
    except signing.BadSignature:
        return None
    user = User.objects.filter(pk=data.get("u"), email=data.get("e"), is_active=True).first()
    if user is None:
        return None
    now = now or timezone.now()
    with transaction.atomic():
        account_for(user)
        Account.objects.filter(user=user, email_verified_at__isnull=True).update(
            email_verified_at=now
        )
        SavedSearch.objects.filter(user=user, confirmed_at__isnull=True).update(confirmed_at=now)
    return user


@transaction.atomic
def account_delete(*, user: AbstractBaseUser, now: datetime | None = None) -> None:
    """Delete the account and everything it owns: saved jobs, saved searches and their
    alerts, its membership of a company. A company's postings belong to the company, not to
    the member who wrote them; but when the last member leaves, nobody could answer for
    them any more, so its open postings are closed and its pending ones withdrawn."""
    now = now or timezone.now()
    for membership in Membership.objects.select_related("company").filter(user=user):
        company = membership.company
        if not Membership.objects.filter(company=company).exclude(user=user).exists():
            Posting.objects.filter(company=company, status=Status.PUBLISHED).update(
                status=Status.CLOSED, closed_reason=CloseReason.WITHDRAWN, updated_at=now
            )
            Posting.objects.filter(company=company, status=Status.PENDING_REVIEW).update(
                status=Status.DRAFT, submitted_at=None, updated_at=now
            )
            PostingRevision.objects.filter(
                posting__company=company, status=RevisionStatus.PENDING
            ).update(status=RevisionStatus.WITHDRAWN, reviewed_at=now)
    user.delete()  # cascades: account, saved jobs, saved searches, alert records, membership

"""Writes of the skill match: an account's "my skills"."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser

from postings.models import Account


def account_skills_save(*, user: AbstractBaseUser, skill_ids: list[int]) -> Account:
    """Keep `skill_ids` (in this order, once each) as the user's "my skills"."""
    account, _ = Account.objects.get_or_create(user=user)
    account.skill_ids = list(dict.fromkeys(skill_ids))
    account.save(update_fields=["skill_ids"])
    return account


def account_skill_ids(user: AbstractBaseUser) -> list[int]:
    """The user's saved skills; none for visitors without an account."""
    if not user.is_authenticated:
        return []
    saved = Account.objects.filter(user=user).values_list("skill_ids", flat=True).first()
    return list(saved or [])

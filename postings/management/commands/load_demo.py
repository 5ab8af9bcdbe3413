from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone

from postings.demo.accounts import DEMO_LOGINS
from postings.models import Account, Company, Membership
from postings.tagging.services import postings_tag, retag_ranges

DEMO_POSTINGS = 500
DEMO_SEED = 42


class Command(BaseCommand):
    help = "Load the demo logins and demo postings `make run` shows. Safe to run again."

    def handle(self, *args, **options) -> None:
        User = get_user_model()
        for login in DEMO_LOGINS:
            user, created = User.objects.get_or_create(
                username=login.email,
                defaults={"email": login.email, "is_staff": login.is_staff,
                          "is_superuser": login.is_staff},
            )  # fmt: skip
            if created:
                user.set_password(login.password)
                user.save(update_fields=["password"])
            # Demo addresses cannot receive the confirmation link: they count as confirmed.
            Account.objects.get_or_create(user=user, defaults={"email_verified_at": timezone.now()})
        call_command("seed_demo", postings=DEMO_POSTINGS, seed=DEMO_SEED, stdout=self.stdout)
        # Tagged here, not only by the worker: `make run` builds the skill-match board and
        # the search index next, and a new user's first /match/ or skill chips would
        # otherwise find no skills until the worker's first rounds (some 20-40 s).
        tagged = sum(postings_tag(id_range=ids, only_stale=True) for ids in retag_ranges())
        self.stdout.write(f"{tagged} postings tagged.")
        # The demo employer manages the first demo company, so it has postings to look after.
        employer = User.objects.get(username=DEMO_LOGINS[1].email)
        company = Company.objects.order_by("id").first()
        if company is not None:
            Membership.objects.get_or_create(user=employer, defaults={"company": company})

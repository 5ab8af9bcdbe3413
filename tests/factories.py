"""factory_boy factories: the one style of test data."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.text import slugify

from postings.models import Company, Posting, PostingSkill, Source, Status


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}@mljobs.example")
    email = factory.LazyAttribute(lambda u: u.username)
    password = factory.django.Password("correct horse battery staple")


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Vector Labs {n}")
    slug = factory.LazyAttribute(lambda c: slugify(c.name))
    website = factory.LazyAttribute(lambda c: f"https://{c.slug}.example")
    city = "Berlin"
    country = "DE"


class PostingFactory(factory.django.DjangoModelFactory):
    """A published, open posting with pay; traits give the other states."""

    class Meta:
        model = Posting

    company = factory.SubFactory(CompanyFactory)
    title = factory.Sequence(lambda n: f"Machine Learning Engineer {n}")
    slug = factory.LazyAttribute(lambda p: slugify(p.title))
    description = "We train **ranking models** in Python and PyTorch.\n\n- Ship models\n- Measure"
    seniority = "senior"
    role_family = "ml_engineer"
    employment_type = "full_time"
    workplace = "hybrid"
    city = "Berlin"
    country = "DE"
    salary_min = Decimal("80000")
    salary_max = Decimal("100000")
    salary_currency = "EUR"
    salary_period = "year"
    apply_url = "https://vector-labs.example/careers/1"
    status = Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=2))
    expires_at = factory.LazyAttribute(lambda p: p.published_at + timedelta(days=30))

    class Params:
        draft = factory.Trait(status=Status.DRAFT, published_at=None, expires_at=None)
        pending = factory.Trait(status=Status.PENDING_REVIEW, published_at=None, expires_at=None)
        rejected = factory.Trait(status=Status.REJECTED, published_at=None, expires_at=None)
        closed = factory.Trait(status=Status.CLOSED)
        expired = factory.Trait(
            status=Status.EXPIRED,
            published_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=40)),
        )
        # Still marked published, but its time is up and the expiry job has not run yet.
        lapsed = factory.Trait(
            published_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=31)),
        )
        unpaid = factory.Trait(
            salary_min=None, salary_max=None, salary_currency="", salary_period=""
        )


# Five skills with a parent, aliases and a context-dependent one (R), for taxonomy and
# tagging tests; the `taxonomy` fixture (tests/conftest.py) loads it.
SMALL_TAXONOMY = {
    "version": 1,
    "categories": [
        {"slug": "language", "name": "Programming language"},
        {"slug": "framework", "name": "ML framework"},
        {"slug": "technique", "name": "ML technique"},
        {"slug": "cloud", "name": "Cloud and MLOps"},
    ],
    "skills": [
        {"slug": "python", "name": "Python", "category": "language"},
        {
            "slug": "r",
            "name": "R",
            "category": "language",
            "aliases": [{"text": "R", "case_sensitive": True, "needs_context": True}],
        },
        {"slug": "deep-learning", "name": "Deep learning", "category": "technique"},
        {
            "slug": "pytorch",
            "name": "PyTorch",
            "category": "framework",
            "parent": "deep-learning",
            "aliases": ["torch"],
        },
        {"slug": "kubernetes", "name": "Kubernetes", "category": "cloud", "aliases": ["k8s"]},
    ],
}


def posting_skill_groups(posting: Posting) -> dict[str, tuple[bool, str]]:
    """The posting's skills (removals left out): slug -> (preferred, who chose the group)."""
    rows = PostingSkill.objects.filter(posting=posting).exclude(source=Source.REMOVED)
    return {
        slug: (preferred, group_source)
        for slug, preferred, group_source in rows.values_list(
            "skill__slug", "preferred", "preferred_source"
        )
    }

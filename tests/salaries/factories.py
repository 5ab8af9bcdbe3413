"""Factories for salary bands and exchange rates (postings come from tests.factories)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import factory
from django.utils import timezone

from salaries.models import ExchangeRate, SalaryBand


class SalaryBandFactory(factory.django.DjangoModelFactory):
    """Senior ML engineers in the US, any workplace, from a large sample."""

    class Meta:
        model = SalaryBand

    source = "ai-jobs.net"
    year = 2024
    role_family = "ml_engineer"
    seniority = "senior"
    scope = "country"
    area = "US"
    workplace = "any"
    sample_size = 4222
    p10 = Decimal("120000")
    p25 = Decimal("150000")
    p50 = Decimal("180000")
    p75 = Decimal("220000")
    p90 = Decimal("260000")
    computed_at = factory.LazyFunction(timezone.now)

    class Params:
        # Too few responses: a sample size and no figures (the database insists on both).
        thin = factory.Trait(sample_size=4, p10=None, p25=None, p50=None, p75=None, p90=None)


class ExchangeRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExchangeRate
        django_get_or_create = ("currency", "rate_date")

    currency = "EUR"
    usd_per_unit = Decimal("1.0825")
    rate_date = date(2024, 12, 31)
    source = "test"


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "skills.Category"
        django_get_or_create = ("slug",)

    slug = "frameworks"
    name = "Frameworks"


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "skills.Skill"
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Skill {n}")
    slug = factory.LazyAttribute(lambda s: s.name.lower().replace(" ", "-"))
    category = factory.SubFactory(CategoryFactory)

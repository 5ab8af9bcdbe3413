"""The survey's band charts for the /salaries/ page. Reads only.

The pay posted on the board, skill premiums and the calculator's postings are figures about
postings, so they live with them (postings.market)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from salaries.charts import RangeChart, range_chart
from salaries.geography import COUNTRY_NAMES, REGIONS
from salaries.models import BandWorkplace, SalaryBand, Scope
from salaries.services import SURVEYED_SENIORITIES
from salaries.vocabulary import RoleFamily, Seniority

SURVEY_LEVELS = [level for level in Seniority if level.value in SURVEYED_SENIORITIES]
# How many countries the country chart shows (those with the most responses).
TOP_COUNTRIES = 15


@dataclass(frozen=True)
class BandCharts:
    source_label: str
    by_role_and_level: RangeChart
    by_country: RangeChart
    by_region: RangeChart
    remote_vs_onsite: RangeChart

    @property
    def band_count(self) -> int:
        return sum(
            len(chart.rows)
            for chart in (
                self.by_role_and_level,
                self.by_country,
                self.by_region,
                self.remote_vs_onsite,
            )
        )


def band_charts() -> BandCharts | None:
    """The survey charts of /salaries/; None when no bands are loaded."""
    bands = list(
        SalaryBand.objects.current()
        .with_figures()
        .filter(
            # Only the groups the charts draw: a few hundred rows, not every band.
            Q(scope=Scope.WORLD, workplace=BandWorkplace.ANY)
            | Q(
                scope__in=[Scope.COUNTRY, Scope.REGION],
                role_family="",
                seniority="",
                workplace="any",
            )
            | (Q(scope=Scope.WORLD, role_family="") & ~Q(workplace=BandWorkplace.ANY))
        )
    )
    if not bands:
        return None
    index = {(b.role_family, b.seniority, b.scope, b.area, b.workplace): b for b in bands}

    def row(label: str, band: SalaryBand | None, group: str = ""):
        return (label, band.figures, band.sample_size, group) if band else None

    families = [("", "All roles"), *[(f.value, f.label) for f in RoleFamily]]
    by_role = [
        row(level.label, index.get((family, level.value, Scope.WORLD, "", "any")), label)
        for family, label in families
        for level in SURVEY_LEVELS
    ]
    countries = sorted(
        (b for b in bands if b.scope == Scope.COUNTRY and b.workplace == BandWorkplace.ANY),
        key=lambda b: -b.sample_size,
    )[:TOP_COUNTRIES]
    by_country = [row(COUNTRY_NAMES.get(b.area, b.area), b) for b in countries]
    by_region = [
        row(name, index.get(("", "", Scope.REGION, code, "any"))) for code, name in REGIONS.items()
    ]
    remote = [
        row(workplace.label, index.get(("", level.value, Scope.WORLD, "", workplace.value)),
            level.label)
        for level in SURVEY_LEVELS
        for workplace in (BandWorkplace.REMOTE, BandWorkplace.ONSITE)
    ]  # fmt: skip
    return BandCharts(
        source_label=bands[0].source_label,
        by_role_and_level=range_chart(
            "Annual pay by role family and level, worldwide", [r for r in by_role if r]
        ),
        by_country=range_chart(
            "Annual pay by country, all roles and levels", [r for r in by_country if r]
        ),
        by_region=range_chart(
            "Annual pay by region, all roles and levels", [r for r in by_region if r]
        ),
        remote_vs_onsite=range_chart(
            "Annual pay fully remote versus on-site or hybrid, by level, all roles, worldwide",
            [r for r in remote if r],
        ),
    )

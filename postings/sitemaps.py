"""sitemap.xml: every public posting (with its last change), the companies with open roles,
and the search and salary pages. Django's sitemaps framework serves an index of sections and
splits each into pages: the protocol allows 50,000 URLs a page; ours hold 10,000, which
render in about a second each (a million postings make a hundred pages)."""

from __future__ import annotations

from datetime import datetime

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, QuerySet
from django.urls import reverse

from postings.models import Company, Posting


class PostingSitemap(Sitemap):
    limit = 10_000
    changefreq = "daily"

    def items(self) -> QuerySet:
        # Only what a URL needs, in a stable order (the id) so pages do not shift about.
        return Posting.objects.visible().order_by("id").only("id", "slug", "updated_at")

    def lastmod(self, item: Posting) -> datetime:
        return item.updated_at

    def get_latest_lastmod(self) -> datetime | None:
        # What the index shows for the section: one aggregate, where Django's default would
        # read every posting to take the newest.
        return self.items().aggregate(latest=Max("updated_at"))["latest"]


class CompanySitemap(Sitemap):
    limit = 10_000
    changefreq = "weekly"

    def items(self) -> QuerySet:
        open_roles = Posting.objects.visible().values("company_id")
        return Company.objects.filter(id__in=open_roles).order_by("id").only("id", "slug")

    def location(self, item: Company) -> str:
        return reverse("companies:detail", args=[item.slug])


class PageSitemap(Sitemap):
    """The search page and the salary pages."""

    changefreq = "daily"

    def items(self) -> list[str]:
        return ["postings:list", "salaries:insights", "salaries:calculator"]

    def location(self, item: str) -> str:
        return reverse(item)


SITEMAPS = {"jobs": PostingSitemap, "companies": CompanySitemap, "pages": PageSitemap}

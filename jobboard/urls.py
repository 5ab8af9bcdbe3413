from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.views.decorators.cache import cache_page
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from jobboard import views
from postings.employers.views import posting_apply
from postings.sitemaps import SITEMAPS

SITEMAP_TTL = 3600

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="postings:list", permanent=False), name="home"),
    path("jobs/<int:pk>/apply/", posting_apply, name="posting_apply"),
    path("jobs/", include("postings.urls")),
    path("accounts/", include("postings.accounts.urls")),
    path("saved/", include("postings.seekers.urls")),
    path("match/", include("postings.matching.urls")),
    path("employers/", include("postings.employers.urls")),
    path("companies/", include("postings.employers.company_urls")),
    path("moderation/", include("postings.moderation.urls")),
    path("salaries/", include("postings.market.urls")),
    path("api/v1/", include("postings.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api_schema"), name="api_docs"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    # Kept an hour: crawlers read them rarely, and a page of 10,000 URLs takes a second.
    path(
        "sitemap.xml",
        cache_page(SITEMAP_TTL)(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        cache_page(SITEMAP_TTL)(sitemap_views.sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    path("admin/", admin.site.urls),
]

# Unknown addresses under /api/ answer JSON like the rest of the API.
handler404 = "jobboard.views.not_found"

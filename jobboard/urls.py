from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from jobboard import views
from postings.employers.views import posting_apply

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="postings:list", permanent=False), name="home"),
    path("jobs/<int:pk>/apply/", posting_apply, name="posting_apply"),
    path("jobs/", include("postings.urls")),
    path("accounts/", include("postings.accounts.urls")),
    path("saved/", include("postings.seekers.urls")),
    path("employers/", include("postings.employers.urls")),
    path("companies/", include("postings.employers.company_urls")),
    path("moderation/", include("postings.moderation.urls")),
    path("salaries/", include("postings.market.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]

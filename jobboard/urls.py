from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from jobboard import views

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="postings:list", permanent=False), name="home"),
    path("jobs/", include("postings.urls")),
    path("salaries/", include("salaries.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]

"""The API, under /api/v1/."""

from django.urls import path

from postings.api import views

app_name = "api"

urlpatterns = [
    path("jobs/", views.JobList.as_view(), name="jobs"),
    path("jobs/<int:pk>/", views.JobDetail.as_view(), name="job"),
    path("skills/", views.SkillTree.as_view(), name="skills"),
    path("salaries/bands/", views.BandList.as_view(), name="bands"),
    path("employer/jobs/", views.EmployerJobList.as_view(), name="employer_jobs"),
    # A path, not a str: an ATS's ids may contain slashes.
    path("employer/jobs/<path:external_id>/", views.EmployerJob.as_view(), name="employer_job"),
]

"""Employer pages, under /employers/."""

from django.urls import path

from postings.employers import views

app_name = "employers"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("company/new/", views.company_create, name="company_create"),
    path("company/", views.company_edit, name="company_edit"),
    path("team/", views.team, name="team"),
    path("api-tokens/", views.api_tokens, name="api_tokens"),
    path("api-tokens/<int:pk>/revoke/", views.api_token_revoke, name="api_token_revoke"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("postings/new/", views.posting_create, name="posting_create"),
    path("postings/<int:pk>/", views.posting_manage, name="posting"),
    path("postings/<int:pk>/edit/", views.posting_edit, name="posting_edit"),
    path("postings/<int:pk>/renew/", views.posting_renew, name="posting_renew"),
    path("postings/<int:pk>/renew/as-is/", views.posting_renew_unchanged, name="posting_extend"),
    path("postings/<int:pk>/skills/", views.posting_skills, name="posting_skills"),
    path("postings/<int:pk>/submit/", views.posting_submit, name="posting_submit"),
    path("postings/<int:pk>/close/", views.posting_close, name="posting_close"),
    path("postings/<int:pk>/duplicate/", views.posting_duplicate, name="posting_duplicate"),
]

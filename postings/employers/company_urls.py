"""Public company pages, under /companies/."""

from django.urls import path

from postings.employers import views

app_name = "companies"

urlpatterns = [
    path("<slug:slug>/", views.company_detail, name="detail"),
    path("<slug:slug>/logo", views.company_logo, name="logo"),
]

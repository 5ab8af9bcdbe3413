from django.urls import path

from postings import views
from postings.seekers.feeds import search_feed

app_name = "postings"

urlpatterns = [
    path("", views.posting_list, name="list"),
    path("skills.json", views.skill_names, name="skill_names"),
    path("feed/", search_feed, name="feed"),
    path("<int:pk>/<str:slug>/", views.posting_detail, name="detail"),
]

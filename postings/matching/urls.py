from django.urls import path

from postings.matching import views

app_name = "match"

urlpatterns = [
    path("", views.match, name="match"),
    path("my-skills/", views.my_skills, name="my_skills"),
]

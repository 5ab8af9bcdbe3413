from django.urls import path

from postings import views

app_name = "postings"

urlpatterns = [
    path("", views.posting_list, name="list"),
    path("skills.json", views.skill_names, name="skill_names"),
    path("<int:pk>/<str:slug>/", views.posting_detail, name="detail"),
]

"""The staff moderation queue, under /moderation/."""

from django.urls import path

from postings.moderation import views

app_name = "moderation"

urlpatterns = [
    path("", views.queue, name="queue"),
]

from django.urls import path

from postings.seekers import views

app_name = "seekers"

urlpatterns = [
    path("", views.saved_jobs, name="saved_jobs"),
    path("jobs/<int:pk>/", views.saved_job, name="saved_job"),
    path("searches/", views.saved_searches, name="saved_searches"),
    path("searches/new/", views.saved_search_create, name="saved_search_create"),
    path("searches/<int:pk>/", views.saved_search_update, name="saved_search_update"),
    path("searches/<int:pk>/delete/", views.saved_search_delete, name="saved_search_delete"),
    path("searches/<int:pk>/resume/", views.saved_search_resume, name="saved_search_resume"),
    path("alerts/subscribe/", views.subscribe, name="subscribe"),
    path("alerts/confirm/<str:token>/", views.subscription_confirm, name="confirm"),
    path("alerts/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]

from django.urls import path

from salaries import views

app_name = "salaries"

urlpatterns = [
    path("", views.salary_insights, name="insights"),
    path("calculator/", views.salary_calculator, name="calculator"),
]

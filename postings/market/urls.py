from django.urls import path

from postings.market import views

# The pages keep the "salaries" names they have always had: seekers know them by /salaries/.
app_name = "salaries"

urlpatterns = [
    path("", views.salary_insights, name="insights"),
    path("calculator/", views.salary_calculator, name="calculator"),
]

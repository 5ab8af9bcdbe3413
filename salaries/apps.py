from django.apps import AppConfig


class SalariesConfig(AppConfig):
    name = "salaries"

from django.urls import path  # noqa: F401

app_name = "designations"
urlpatterns: list = []

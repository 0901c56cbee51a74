from django.urls import path

from . import views  # noqa: F401

app_name = "tasks"
urlpatterns: list = []

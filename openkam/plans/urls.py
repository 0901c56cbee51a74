from django.urls import path

from . import views  # noqa: F401

app_name = "plans"
urlpatterns: list = []

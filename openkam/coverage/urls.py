from django.urls import path

from . import views

app_name = "coverage"
urlpatterns = [
    path("", views.overview, name="overview"),
]

"""The cross-account pipeline under /pipeline/ (see ``pipeline_views``)."""

from django.urls import path

from . import pipeline_views as views

app_name = "pipeline"
urlpatterns = [
    path("", views.board, name="board"),
    path("list/", views.pipeline_list, name="list"),
    path("export/", views.export, name="export"),
    path("forecast/", views.forecast_view, name="forecast"),
    path("<int:pk>/move/", views.move, name="move"),
]

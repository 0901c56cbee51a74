from django.urls import path

from . import views

app_name = "business"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("whitespace/cell/", views.cell_edit, name="cell"),
    path("whitespace/export/", views.export, name="export"),
    path("units/new/", views.unit_create, name="unit-create"),
    path("units/<int:pk>/", views.unit_edit, name="unit-edit"),
    path("units/<int:pk>/delete/", views.unit_delete, name="unit-delete"),
]

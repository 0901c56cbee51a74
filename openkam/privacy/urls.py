from django.urls import path

from . import views

app_name = "privacy"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("<int:pk>/", views.person, name="person"),
    path("<int:pk>/informed/", views.informed_create, name="informed-create"),
    path("<int:pk>/export.json", views.export_json, name="export-json"),
    path("<int:pk>/export.pdf", views.export_pdf, name="export-pdf"),
    path("<int:pk>/anonymise/", views.anonymise, name="anonymise"),
    path("<int:pk>/erase/", views.erase, name="erase"),
    path("<int:pk>/keep/", views.retention_keep, name="retention-keep"),
]

from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("", views.import_list, name="list"),
    path("export/", views.import_export, name="export"),
    path("upload/", views.import_upload, name="upload"),
    path("<uuid:pk>/", views.import_detail, name="detail"),
    path("<uuid:pk>/preview/", views.import_preview, name="preview"),
    path("<uuid:pk>/report/<str:fmt>/", views.import_report, name="report"),
    path("profiles/", views.profile_list, name="profiles"),
    path("profiles/new/", views.profile_create, name="profile-create"),
    path("profiles/<int:pk>/", views.profile_edit, name="profile-edit"),
    path("profiles/<int:pk>/delete/", views.profile_delete, name="profile-delete"),
]

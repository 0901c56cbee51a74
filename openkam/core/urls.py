from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("<uuid:job_id>/", views.job_detail, name="job-detail"),
    path("<uuid:job_id>/download/", views.job_download, name="job-download"),
]

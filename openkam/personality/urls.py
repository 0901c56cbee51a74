from django.urls import path

from . import views

app_name = "personality"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("<int:stakeholder_pk>/", views.edit, name="edit"),
    path("<int:stakeholder_pk>/delete/", views.delete, name="delete"),
    path("access/", views.access, name="access"),
    path("log/", views.log, name="log"),
]

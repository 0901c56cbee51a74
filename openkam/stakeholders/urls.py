from django.urls import path

from . import views

app_name = "stakeholders"
urlpatterns = [
    path("new/", views.stakeholder_create, name="create"),
    path("<int:pk>/", views.stakeholder_edit, name="edit"),
    path("<int:pk>/delete/", views.stakeholder_delete, name="delete"),
]

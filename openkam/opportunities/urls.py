from django.urls import path

from . import views

app_name = "opportunities"
urlpatterns = [
    path("", views.opportunity_list, name="list"),
    path("new/", views.opportunity_create, name="create"),
    path("export/", views.opportunity_export, name="export"),
    path("<int:pk>/", views.opportunity_detail, name="detail"),
    path("<int:pk>/edit/", views.opportunity_edit, name="edit"),
    path("<int:pk>/delete/", views.opportunity_delete, name="delete"),
    path("<int:pk>/move/", views.opportunity_move, name="move"),
    path("<int:pk>/checks/", views.check_toggle, name="check"),
    path("<int:pk>/participants/", views.participant_add, name="participant-add"),
    path("<int:pk>/participants/<int:participant_pk>/", views.participant_edit, name="participant-edit"),
    path(
        "<int:pk>/participants/<int:participant_pk>/remove/",
        views.participant_remove,
        name="participant-remove",
    ),
]

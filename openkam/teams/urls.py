from django.urls import path

from . import views

app_name = "teams"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("roles/assign/", views.role_assign, name="role-assign"),
    path("roles/<int:pk>/unassign/", views.role_unassign, name="role-unassign"),
    path("goals/new/", views.goal_create, name="goal-create"),
    path("goals/<int:pk>/", views.goal_edit, name="goal-edit"),
    path("goals/<int:pk>/delete/", views.goal_delete, name="goal-delete"),
    path("cadence/", views.cadence, name="cadence"),
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/lay-out/", views.lay_out, name="meetings-lay-out"),
    path("meetings/new/", views.meeting_create, name="meeting-create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting-edit"),
    path("meetings/<int:pk>/delete/", views.meeting_delete, name="meeting-delete"),
    path("meetings/<int:meeting_pk>/decisions/new/", views.decision_create, name="decision-create"),
    path(
        "meetings/<int:meeting_pk>/decisions/<int:pk>/delete/", views.decision_delete, name="decision-delete"
    ),
    path("meetings/<int:meeting_pk>/actions/new/", views.action_create, name="action-create"),
    path("meetings/<int:meeting_pk>/actions/<int:pk>/", views.action_edit, name="action-edit"),
    path("meetings/<int:meeting_pk>/actions/<int:pk>/status/", views.action_status, name="action-status"),
    path("meetings/<int:meeting_pk>/actions/<int:pk>/delete/", views.action_delete, name="action-delete"),
]

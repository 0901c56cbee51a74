from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("", views.account_list, name="list"),
    path("export/", views.account_export, name="export"),
    path("<int:pk>/", views.account_detail, name="detail"),
    path("<int:pk>/edit/", views.account_edit, name="edit"),
    path("<int:pk>/team/add/", views.team_add, name="team-add"),
    path("<int:pk>/team/<int:membership_pk>/", views.team_edit, name="team-edit"),
    path("<int:pk>/team/<int:membership_pk>/remove/", views.team_remove, name="team-remove"),
]

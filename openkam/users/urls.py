from django.urls import path

from . import views

app_name = "users"
urlpatterns = [
    path("me/", views.profile, name="profile"),
    path("me/language/", views.language, name="language"),
    path("me/password/", views.PasswordChangeView.as_view(), name="password"),
    path("me/tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
    path("admin/users/", views.admin_list, name="admin-list"),
    path("admin/users/new/", views.admin_create, name="admin-create"),
    path("admin/users/<int:pk>/", views.admin_edit, name="admin-edit"),
]

from django.urls import path

from . import views

app_name = "question-bank"
urlpatterns = [
    path("", views.bank_list, name="list"),
    path("new/", views.question_create, name="create"),
    path("<int:pk>/", views.question_edit, name="edit"),
    path("<int:pk>/deactivate/", views.question_deactivate, name="deactivate"),
    path("<int:pk>/reactivate/", views.question_reactivate, name="reactivate"),
    path("<int:pk>/move/", views.question_move, name="move"),
]

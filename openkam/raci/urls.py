from django.urls import path

from . import views

app_name = "raci"
urlpatterns = [
    path("", views.matrix, name="matrix"),
    path("tasks/new/", views.task_create, name="task-create"),
    path("tasks/<int:pk>/", views.task_edit, name="task-edit"),
    path("tasks/<int:pk>/delete/", views.task_delete, name="task-delete"),
    path("tasks/<int:pk>/move/", views.task_move, name="task-move"),
    path("tasks/<int:pk>/row/", views.row, name="row"),
    path("tasks/<int:pk>/letters/", views.row_edit, name="row-edit"),
    path("tasks/<int:pk>/cells/<int:user_pk>/", views.cell_edit, name="cell"),
    path("templates/", views.templates, name="templates"),
    path("templates/apply/", views.template_apply, name="template-apply"),
]

from django.urls import path

from . import views

app_name = "growth"
urlpatterns = [
    path("", views.answers, name="answers"),
    path("<slug:key>/", views.answer_edit, name="answer"),
]

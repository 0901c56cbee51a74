from django.urls import path

from . import views

app_name = "sales"
urlpatterns = [
    path("", views.customer_search, name="search"),
    path("<int:pk>/", views.customer_detail, name="detail"),
]

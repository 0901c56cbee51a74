from django.urls import path

from . import views

app_name = "competition"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("importance-performance.<slug:fmt>", views.chart, name="chart"),
    path("requirements/new/", views.requirement_create, name="requirement-create"),
    path("requirements/<int:pk>/", views.requirement_edit, name="requirement-edit"),
    path("requirements/<int:pk>/delete/", views.requirement_delete, name="requirement-delete"),
    path("competitors/new/", views.competitor_create, name="competitor-create"),
    path("competitors/<int:pk>/", views.competitor_edit, name="competitor-edit"),
    path("competitors/<int:pk>/delete/", views.competitor_delete, name="competitor-delete"),
    path("wallets/new/", views.wallet_create, name="wallet-create"),
    path("wallets/<int:pk>/", views.wallet_edit, name="wallet-edit"),
    path("wallets/<int:pk>/delete/", views.wallet_delete, name="wallet-delete"),
]

from django.urls import path

from . import views

app_name = "profiles"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("edit/", views.profile_edit, name="edit"),
    path("facts/new/", views.fact_create, name="fact-create"),
    path("facts/<int:pk>/", views.fact_edit, name="fact-edit"),
    path("facts/<int:pk>/delete/", views.fact_delete, name="fact-delete"),
    path("market/new/", views.market_create, name="market-create"),
    path("market/<int:pk>/", views.market_edit, name="market-edit"),
    path("market/<int:pk>/delete/", views.market_delete, name="market-delete"),
    path("swot/new/", views.swot_create, name="swot-create"),
    path("swot/<int:pk>/", views.swot_edit, name="swot-edit"),
    path("swot/<int:pk>/move/", views.swot_move, name="swot-move"),
    path("swot/<int:pk>/delete/", views.swot_delete, name="swot-delete"),
]

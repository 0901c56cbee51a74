from django.urls import path

from . import views

app_name = "stakeholders"
urlpatterns = [
    path("", views.stakeholder_list, name="list"),
    path("new/", views.stakeholder_create, name="create"),
    path("map/", views.stakeholder_map, name="map"),
    path("map.svg", views.stakeholder_map_svg, name="map-svg"),
    path("<int:pk>/", views.stakeholder_detail, name="detail"),
    path("<int:pk>/edit/", views.stakeholder_edit, name="edit"),
    path("<int:pk>/delete/", views.stakeholder_delete, name="delete"),
]

from django.urls import path

from . import views

app_name = "relationships"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("contacts/new/", views.contact_create, name="contact-create"),
    path("contacts/<int:pk>/", views.contact_detail, name="contact-detail"),
    path("contacts/<int:pk>/edit/", views.contact_edit, name="contact-edit"),
    path("contacts/<int:pk>/delete/", views.contact_delete, name="contact-delete"),
    path("contacts/<int:pk>/counterparts/", views.counterparts, name="counterparts"),
    path("contacts/<int:pk>/brief/", views.brief, name="brief"),
    path("contacts/<int:pk>/brief.pdf", views.brief_download, name="brief-pdf"),
    path("contacts/<int:contact_pk>/follow-ups/new/", views.follow_up_create, name="follow-up-create"),
    path("contacts/<int:contact_pk>/follow-ups/<int:pk>/", views.follow_up_edit, name="follow-up-edit"),
    path("contacts/<int:contact_pk>/follow-ups/<int:pk>/done/", views.follow_up_done, name="follow-up-done"),
    path(
        "contacts/<int:contact_pk>/follow-ups/<int:pk>/delete/",
        views.follow_up_delete,
        name="follow-up-delete",
    ),
    path("plan/", views.plan, name="plan"),
    path("plan/new/", views.link_create, name="link-create"),
    path("plan/<int:pk>/", views.link_edit, name="link-edit"),
    path("plan/<int:pk>/delete/", views.link_delete, name="link-delete"),
    path("touchpoints/", views.touchpoints, name="touchpoints"),
    path("touchpoints/new/", views.touchpoint_create, name="touchpoint-create"),
    path("touchpoints/<int:pk>/", views.touchpoint_edit, name="touchpoint-edit"),
    path("touchpoints/<int:pk>/delete/", views.touchpoint_delete, name="touchpoint-delete"),
    path("touchpoints/<int:year>.xlsx", views.touchpoints_export, name="touchpoints-export"),
]

from django.urls import path

from . import views

app_name = "portfolio"
urlpatterns = [
    path("", views.home, name="home"),
    path("runs/start/", views.run_start, name="run-start"),
    path("runs/<uuid:run_id>/", views.run_detail, name="run-detail"),
    path("runs/<uuid:run_id>/status/", views.run_status, name="run-status"),
    path("runs/<uuid:run_id>/abc/", views.run_abc, name="run-abc"),
    path("runs/<uuid:run_id>/matrix/", views.run_matrix, name="run-matrix"),
    path("runs/<uuid:run_id>/clv/", views.run_clv, name="run-clv"),
    path("runs/<uuid:run_id>/compare/", views.run_compare, name="run-compare"),
    path("runs/<uuid:run_id>/charts/<slug:name>.<slug:fmt>", views.run_chart, name="run-chart"),
    path("export/", views.export, name="export"),
    path("models/", views.model_list, name="models"),
    path("models/new/", views.model_create, name="model-create"),
    path("models/criterion-row/", views.model_criterion_row, name="model-criterion-row"),
    path("models/<int:pk>/", views.model_edit, name="model-edit"),
    path("models/<int:pk>/delete/", views.model_delete, name="model-delete"),
    path("rating-criteria/", views.rating_criterion_list, name="rating-criteria"),
    path("rating-criteria/new/", views.rating_criterion_create, name="rating-criterion-create"),
    path("rating-criteria/<int:pk>/", views.rating_criterion_edit, name="rating-criterion-edit"),
    path("rating-criteria/<int:pk>/delete/", views.rating_criterion_delete, name="rating-criterion-delete"),
    path("ratings/", views.ratings, name="ratings"),
    path("ratings/<int:customer_pk>/", views.customer_ratings_edit, name="customer-ratings"),
]

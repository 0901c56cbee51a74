from django.urls import path

from . import views

app_name = "designations"
urlpatterns = [
    path("", views.proposal_list, name="proposal-list"),
    path("export/", views.proposal_export, name="proposal-export"),
    path("propose/", views.proposal_create, name="proposal-create"),
    path("<int:pk>/", views.proposal_detail, name="proposal-detail"),
    path("<int:pk>/decide/", views.proposal_decide, name="proposal-decide"),
    path("<int:pk>/withdraw/", views.proposal_withdraw, name="proposal-withdraw"),
    path("reviews/", views.review_list, name="review-list"),
    path("reviews/export/", views.review_export, name="review-export"),
    path("reviews/<int:account_pk>/", views.review_complete, name="review-complete"),
    path("policy/", views.policy_edit, name="policy"),
    path("customers/<int:customer_pk>/", views.history, name="history"),
]

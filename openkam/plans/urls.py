from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("new/", views.plan_create, name="create"),
    path("<int:plan_pk>/", views.plan_detail, name="detail"),
    path("<int:plan_pk>/edit/", views.plan_edit, name="edit"),
    path("<int:plan_pk>/next/", views.next_cycle, name="next-cycle"),
    path("<int:plan_pk>/steps/<slug:step>/", views.step_edit, name="step-edit"),
    path("<int:plan_pk>/elements/<slug:element>/", views.element_edit, name="element-edit"),
    path("<int:plan_pk>/topics/new/", views.topic_create, name="topic-create"),
    path("<int:plan_pk>/topics/<int:pk>/", views.topic_edit, name="topic-edit"),
    path("<int:plan_pk>/topics/<int:pk>/delete/", views.topic_delete, name="topic-delete"),
    path("<int:plan_pk>/goals/new/", views.goal_create, name="goal-create"),
    path("<int:plan_pk>/goals/<int:pk>/", views.goal_edit, name="goal-edit"),
    path("<int:plan_pk>/goals/<int:pk>/delete/", views.goal_delete, name="goal-delete"),
    path("<int:plan_pk>/actions/new/", views.action_create, name="action-create"),
    path("<int:plan_pk>/actions/<int:pk>/", views.action_edit, name="action-edit"),
    path("<int:plan_pk>/actions/<int:pk>/done/", views.action_done, name="action-done"),
    path("<int:plan_pk>/actions/<int:pk>/delete/", views.action_delete, name="action-delete"),
    path("<int:plan_pk>/versions/", views.version_list, name="versions"),
    path("<int:plan_pk>/versions/freeze/", views.version_freeze, name="version-freeze"),
    path("<int:plan_pk>/versions/compare/", views.version_compare, name="compare"),
    path("<int:plan_pk>/versions/<int:pk>/", views.version_detail, name="version-detail"),
    path("<int:plan_pk>/reviews/new/", views.review_create, name="review-create"),
    path("<int:plan_pk>/reviews/<int:pk>/", views.review_detail, name="review-detail"),
    path("<int:plan_pk>/reviews/<int:pk>/edit/", views.review_edit, name="review-edit"),
    path("<int:plan_pk>/reviews/<int:pk>/actions/", views.review_action, name="review-action"),
    path("<int:plan_pk>/reviews/<int:pk>/complete/", views.review_complete, name="review-complete"),
]

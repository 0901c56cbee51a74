"""The account plans in the permission matrices (see openkam/testing/matrix.py).

Plans follow their account: the team and management read them, the owner and the core team
change them, everyone else gets 404. The owner of an action may also close it (the matrix action
belongs to the account owner, so the extended team gets 403). The personal task list is open to
everyone signed in and shows only their own actions.
"""

from datetime import date

from django.urls import reverse

from openkam.plans.choices import Element, Step
from openkam.plans.models import PlanStep, PlanVersion, StrategyElement
from openkam.plans.snapshots import plan_snapshot
from openkam.testing.matrix import CORE_WRITES, EVERYONE, READERS, Case, post_ok

from .factories import ActionFactory, AnnualReviewFactory, GoalFactory, PlanFactory, TopicFactory


def matrix_plan(world):
    """The plan of the world's account (shared with the growth app's matrix cases: the first plan,
    created when there is none), with its five steps and seven elements."""
    plan = world.account.plans.order_by("pk").first()
    if plan is None:
        return PlanFactory(account=world.account)
    if not plan.steps.exists():
        PlanStep.objects.bulk_create(PlanStep(plan=plan, step=s) for s in Step.values)
        StrategyElement.objects.bulk_create(StrategyElement(plan=plan, element=e) for e in Element.values)
    return plan


def _topic(w):
    return TopicFactory(plan=matrix_plan(w)).pk


def _goal(w):
    return GoalFactory(plan=matrix_plan(w)).pk


def _action(w):
    return ActionFactory(plan=matrix_plan(w), owner=w.owner).pk


def _review(w):
    return AnnualReviewFactory(plan=matrix_plan(w), results="Ziele bestätigt").pk


def _version(w):
    # Built directly: the API matrix counts audit entries after building the path ids.
    plan = matrix_plan(w)
    number = plan.versions.count() + 1
    return PlanVersion.objects.create(plan=plan, number=number, snapshot=plan_snapshot(plan)).pk


def _url(name, *extra):
    return lambda w, u: reverse(name, args=[w.account.pk, matrix_plan(w).pk, *[e(w) for e in extra]])


def _const(value):
    return lambda w: value


HTML_CASES = {
    "plans:list": Case(lambda w, u: reverse("plans:list", args=[w.account.pk]), READERS),
    "plans:create": Case(lambda w, u: reverse("plans:create", args=[w.account.pk]), CORE_WRITES),
    "plans:detail": Case(_url("plans:detail"), READERS),
    "plans:edit": Case(_url("plans:edit"), CORE_WRITES),
    "plans:next-cycle": Case(_url("plans:next-cycle"), CORE_WRITES),
    "plans:step-edit": Case(_url("plans:step-edit", _const(Step.STRATEGY)), CORE_WRITES),
    "plans:element-edit": Case(_url("plans:element-edit", _const(Element.POSITIONING)), CORE_WRITES),
    "plans:topic-create": Case(_url("plans:topic-create"), CORE_WRITES),
    "plans:topic-edit": Case(_url("plans:topic-edit", _topic), CORE_WRITES),
    "plans:topic-delete": Case(_url("plans:topic-delete", _topic), post_ok(CORE_WRITES), method="post"),
    "plans:goal-create": Case(_url("plans:goal-create"), CORE_WRITES),
    "plans:goal-edit": Case(_url("plans:goal-edit", _goal), CORE_WRITES),
    "plans:goal-delete": Case(_url("plans:goal-delete", _goal), post_ok(CORE_WRITES), method="post"),
    "plans:action-create": Case(_url("plans:action-create"), CORE_WRITES),
    "plans:action-edit": Case(_url("plans:action-edit", _action), CORE_WRITES),
    "plans:action-done": Case(
        _url("plans:action-done", _action), post_ok(CORE_WRITES), method="post", data={"version": 1}
    ),
    "plans:action-delete": Case(_url("plans:action-delete", _action), post_ok(CORE_WRITES), method="post"),
    "plans:versions": Case(_url("plans:versions"), READERS),
    "plans:version-freeze": Case(_url("plans:version-freeze"), post_ok(CORE_WRITES), method="post"),
    "plans:version-detail": Case(_url("plans:version-detail", _version), READERS),
    "plans:compare": Case(_url("plans:compare"), READERS),
    "plans:review-create": Case(_url("plans:review-create"), CORE_WRITES),
    "plans:review-detail": Case(_url("plans:review-detail", _review), READERS),
    "plans:review-edit": Case(_url("plans:review-edit", _review), CORE_WRITES),
    "plans:review-action": Case(_url("plans:review-action", _review), CORE_WRITES),
    "plans:review-complete": Case(
        _url("plans:review-complete", _review), post_ok(CORE_WRITES), method="post", data={"version": 1}
    ),
    "tasks:mine": Case(lambda w, u: reverse("tasks:mine"), EVERYONE),
}

API_OPERATIONS = {
    "plan_tasks_mine": ("GET", "/plans/tasks/mine"),
    "plans_list": ("GET", "/plans/accounts/{account_id}"),
    "plan_create": ("POST", "/plans/accounts/{account_id}"),
    "plan_get": ("GET", "/plans/{plan_id}"),
    "plan_update": ("PATCH", "/plans/{plan_id}"),
    "plan_next_cycle": ("POST", "/plans/{plan_id}/next-cycle"),
    "plan_step_update": ("PATCH", "/plans/{plan_id}/steps/{step}"),
    "plan_element_update": ("PATCH", "/plans/{plan_id}/elements/{element}"),
    "plan_topics_list": ("GET", "/plans/{plan_id}/topics"),
    "plan_topic_create": ("POST", "/plans/{plan_id}/topics"),
    "plan_topic_update": ("PATCH", "/plans/{plan_id}/topics/{topic_id}"),
    "plan_topic_delete": ("DELETE", "/plans/{plan_id}/topics/{topic_id}"),
    "plan_goals_list": ("GET", "/plans/{plan_id}/goals"),
    "plan_goal_create": ("POST", "/plans/{plan_id}/goals"),
    "plan_goal_update": ("PATCH", "/plans/{plan_id}/goals/{goal_id}"),
    "plan_goal_delete": ("DELETE", "/plans/{plan_id}/goals/{goal_id}"),
    "plan_actions_list": ("GET", "/plans/{plan_id}/actions"),
    "plan_action_create": ("POST", "/plans/{plan_id}/actions"),
    "plan_action_update": ("PATCH", "/plans/{plan_id}/actions/{action_id}"),
    "plan_action_delete": ("DELETE", "/plans/{plan_id}/actions/{action_id}"),
    "plan_versions_list": ("GET", "/plans/{plan_id}/versions"),
    "plan_version_freeze": ("POST", "/plans/{plan_id}/versions"),
    "plan_version_get": ("GET", "/plans/{plan_id}/versions/{version_id}"),
    "plan_compare": ("GET", "/plans/{plan_id}/compare"),
    "plan_reviews_list": ("GET", "/plans/{plan_id}/reviews"),
    "plan_review_create": ("POST", "/plans/{plan_id}/reviews"),
    "plan_review_get": ("GET", "/plans/{plan_id}/reviews/{review_id}"),
    "plan_review_update": ("PATCH", "/plans/{plan_id}/reviews/{review_id}"),
    "plan_review_action_create": ("POST", "/plans/{plan_id}/reviews/{review_id}/actions"),
    "plan_review_complete": ("POST", "/plans/{plan_id}/reviews/{review_id}/complete"),
}

# Completing a review changes it (and freezes a version): 200, not 201.
API_SUCCESS = {"plan_review_complete": 200}


def api_expected_status(operation_id: str, persona: str) -> int:
    method = API_OPERATIONS[operation_id][0]
    if operation_id == "plan_tasks_mine":
        return EVERYONE[persona]
    status = (READERS if method == "GET" else CORE_WRITES)[persona]
    if status != 200:
        return status
    return API_SUCCESS.get(operation_id, {"POST": 201, "DELETE": 204}.get(method, 200))


def api_sample_body(operation_id: str, world) -> dict | None:
    bodies = {
        "plan_create": {"fiscal_year": 2031, "plan_type": "emerging"},
        "plan_update": {"vision": "Bevorzugter Partner für Antriebstechnik"},
        "plan_next_cycle": {"fiscal_year": 2032},
        "plan_step_update": {"notes": "Kernteam steht", "state": "in_progress"},
        "plan_element_update": {"text": "Vom Lieferanten zum Technologiepartner"},
        "plan_topic_create": {
            "topic": "Energieeffizienz",
            "offering": "Servoantriebe",
            "status": "established",
        },
        "plan_topic_update": {"status": "in_discussion"},
        "plan_goal_create": {
            "title": "Umsatz steigern",
            "kpi": "Umsatz",
            "unit": "€",
            "baseline": "1000000",
            "target_value": "1200000",
            "target_date": "2026-12-31",
        },
        "plan_goal_update": {"current_value": "1150000"},
        "plan_action_create": {
            "title": "Werksbesuch",
            "owner_id": world.teammate.pk,
            "due_date": "2026-09-30",
        },
        "plan_action_update": {"status": "in_progress"},
        "plan_version_freeze": {"label": "Halbjahr"},
        "plan_review_create": {"date": "2026-11-20", "agenda": "Rückblick und Ziele"},
        "plan_review_update": {"results": "Ziele für 2027 vereinbart"},
        "plan_review_action_create": {
            "title": "Pilotprojekt starten",
            "owner_id": world.owner.pk,
            "due_date": date(2027, 2, 1).isoformat(),
        },
        "plan_review_complete": {},
    }
    return bodies.get(operation_id)


def api_path_ids(world) -> dict:
    return {
        "plan_id": matrix_plan(world).pk,
        "step": Step.RESEARCH,
        "element": Element.POSITIONING,
        "topic_id": _topic(world),
        "goal_id": _goal(world),
        "action_id": _action(world),
        "version_id": _version(world),
        "review_id": _review(world),
    }

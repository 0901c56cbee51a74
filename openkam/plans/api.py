"""API operations of the account plans (mounted under /plans).

See openkam/api.py for authentication and the error format, and docs/plans.md for the rules. A
plan is loaded only through its account (``permissions.get_plan_by_id_for_user``), so the id of a
plan of an account the caller may not see answers 404. Writes go through the services, which
check the edit right (403), validate (422) and refuse an edit from an old ``version`` (409 with
the values saved meanwhile). Every PATCH takes an optional ``version``: without one the last
writer wins.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Status

from openkam.accounts.permissions import get_account_for_user
from openkam.core.api import PatchSchema, refuse_unknown_query, with_errors
from openkam.users.models import User

from . import services
from .permissions import (
    get_action,
    get_element,
    get_goal,
    get_plan_by_id_for_user,
    get_review,
    get_step,
    get_topic,
    get_version,
)
from .rigour import requirements
from .schemas import (
    ActionIn,
    ActionOut,
    ActionPatch,
    CompareOut,
    CompareQuery,
    ElementOut,
    ElementPatch,
    FreezeIn,
    GoalIn,
    GoalOut,
    GoalPatch,
    NextCycleIn,
    PlanDetailOut,
    PlanIn,
    PlanPatch,
    PlanSummaryOut,
    ReviewCompleteIn,
    ReviewCompleteOut,
    ReviewDetailOut,
    ReviewIn,
    ReviewOut,
    ReviewPatch,
    StepOut,
    StepPatch,
    TaskOut,
    TopicIn,
    TopicOut,
    TopicPatch,
    VersionDetailOut,
    VersionOut,
)
from .selectors import (
    actions_for_plan,
    goals_for_plan,
    growth_panel,
    open_actions_for_user,
    ordered_elements,
    ordered_steps,
    plan_facts,
    plan_for_page,
    plans_for_account,
    reviews_for_plan,
    topics_for_plan,
    versions_for_account,
)
from .snapshots import compare_snapshots, plan_snapshot

router = Router(tags=["account plans"])


# Helpers ------------------------------------------------------------------------------------------


def _plan_detail(plan) -> dict:
    plan = plan_for_page(plan)
    growth = growth_panel(plan)
    facts = plan_facts(plan, growth=growth)
    return {
        **{
            f: getattr(plan, f)
            for f in ("id", "account_id", "fiscal_year", "plan_type", "vision", "strategy")
        },
        **{f: getattr(plan, f) for f in ("previous_id", "version", "created_at", "updated_at")},
        "steps": [
            {
                "step": s.step,
                "state": s.state,
                "notes": s.notes,
                "version": s.version,
                "completed_at": s.completed_at,
                "requirements": requirements(plan.plan_type, s.step, facts),
            }
            for s in ordered_steps(plan)
        ],
        "elements": ordered_elements(plan),
        "topics": list(topics_for_plan(plan)),
        "goals": list(goals_for_plan(plan)),
        "actions": list(actions_for_plan(plan)),
        "growth": {"percent": growth.percent, "categories": [vars(r) for r in growth.rows]},
    }


def _split(payload: PatchSchema) -> tuple[int | None, dict]:
    values = payload.changed()
    return values.pop("version", None), values


def _owner(user_id: int | None):
    owner = User.objects.filter(pk=user_id, is_active=True).first()
    if owner is None:
        raise ValidationError({"owner_id": [gettext("No active user with this id.")]})
    return owner


def _owner_field(exc: ValidationError) -> ValidationError:
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({("owner_id" if f == "owner" else f): e for f, e in exc.error_dict.items()})


# Task list (before /{plan_id}, which would otherwise take the path) -----------------------------


@router.get(
    "/tasks/mine",
    response=with_errors({200: list[TaskOut]}, 401),
    operation_id="plan_tasks_mine",
    summary=_("List my open actions"),
)
def tasks_mine(request):
    """Every open action you own on the accounts you can see, overdue ones first."""
    return list(open_actions_for_user(request.auth))


# Plans --------------------------------------------------------------------------------------------


@router.get(
    "/accounts/{account_id}",
    response=with_errors({200: list[PlanSummaryOut]}, 401, 404),
    operation_id="plans_list",
    summary=_("List the account plans of a key account"),
)
def plans_list(request, account_id: int):
    """Newest planning cycle first, each with the state of its five steps."""
    return list(plans_for_account(get_account_for_user(request.auth, account_id)))


@router.post(
    "/accounts/{account_id}",
    response=with_errors({201: PlanDetailOut}, 401, 403, 404, 422),
    operation_id="plan_create",
    summary=_("Create the account plan for a fiscal year"),
)
def plan_create(request, account_id: int, payload: PlanIn):
    """The plan starts with its five steps and the seven elements of the development strategy;
    the plan type defaults to the account's type."""
    account = get_account_for_user(request.auth, account_id)
    plan = services.plan_create(actor=request.auth, account=account, **payload.model_dump())
    return Status(201, _plan_detail(plan))


@router.get(
    "/{plan_id}",
    response=with_errors({200: PlanDetailOut}, 401, 404),
    operation_id="plan_get",
    summary=_("Show an account plan"),
)
def plan_get(request, plan_id: int):
    """The whole plan: steps with what each still needs, development strategy, topic map, goals,
    actions and the completeness of the growth-plan questions."""
    return _plan_detail(get_plan_by_id_for_user(request.auth, plan_id))


@router.patch(
    "/{plan_id}",
    response=with_errors({200: PlanDetailOut}, 401, 403, 404, 409, 422),
    operation_id="plan_update",
    summary=_("Change the plan type, vision or strategy"),
)
def plan_update(request, plan_id: int, payload: PlanPatch):
    plan = get_plan_by_id_for_user(request.auth, plan_id)
    version, values = _split(payload)
    services.plan_update(actor=request.auth, plan=plan, version=version, **values)
    return _plan_detail(plan)


@router.post(
    "/{plan_id}/next-cycle",
    response=with_errors({201: PlanDetailOut}, 401, 403, 404, 422),
    operation_id="plan_next_cycle",
    summary=_("Start the next planning cycle from a plan"),
)
def plan_next_cycle(request, plan_id: int, payload: NextCycleIn):
    """Copies vision, strategy, development strategy, topic map and the goals not reached yet."""
    plan = get_plan_by_id_for_user(request.auth, plan_id)
    new = services.plan_start_next_cycle(actor=request.auth, plan=plan, **payload.model_dump())
    return Status(201, _plan_detail(new))


@router.patch(
    "/{plan_id}/steps/{step}",
    response=with_errors({200: StepOut}, 401, 403, 404, 409, 422),
    operation_id="plan_step_update",
    summary=_("Change the state or notes of a process step"),
)
def plan_step_update(request, plan_id: int, step: str, payload: StepPatch):
    """A step can be set to `done` only when its required items are met (422 names what is missing)."""
    plan = get_plan_by_id_for_user(request.auth, plan_id)
    item = get_step(plan, step)
    version, values = _split(payload)
    services.plan_step_update(actor=request.auth, step=item, version=version, **values)
    return {
        **{f: getattr(item, f) for f in ("step", "state", "notes", "version", "completed_at")},
        "requirements": requirements(plan.plan_type, item.step, plan_facts(plan)),
    }


@router.patch(
    "/{plan_id}/elements/{element}",
    response=with_errors({200: ElementOut}, 401, 403, 404, 409, 422),
    operation_id="plan_element_update",
    summary=_("Write an element of the customer development strategy"),
)
def plan_element_update(request, plan_id: int, element: str, payload: ElementPatch):
    plan = get_plan_by_id_for_user(request.auth, plan_id)
    item = get_element(plan, element)
    version, values = _split(payload)
    if "text" in values:
        services.element_update(actor=request.auth, element=item, version=version, text=values["text"])
    return item


# Topic map ----------------------------------------------------------------------------------------


@router.get(
    "/{plan_id}/topics",
    response=with_errors({200: list[TopicOut]}, 401, 404),
    operation_id="plan_topics_list",
    summary=_("List the topic map of a plan"),
)
def plan_topics_list(request, plan_id: int):
    return list(topics_for_plan(get_plan_by_id_for_user(request.auth, plan_id)))


@router.post(
    "/{plan_id}/topics",
    response=with_errors({201: TopicOut}, 401, 403, 404, 422),
    operation_id="plan_topic_create",
    summary=_("Add a topic to the topic map"),
)
def plan_topic_create(request, plan_id: int, payload: TopicIn):
    plan = get_plan_by_id_for_user(request.auth, plan_id)
    return Status(201, services.topic_create(actor=request.auth, plan=plan, **payload.model_dump()))


@router.patch(
    "/{plan_id}/topics/{topic_id}",
    response=with_errors({200: TopicOut}, 401, 403, 404, 409, 422),
    operation_id="plan_topic_update",
    summary=_("Change a topic of the topic map"),
)
def plan_topic_update(request, plan_id: int, topic_id: int, payload: TopicPatch):
    topic = get_topic(get_plan_by_id_for_user(request.auth, plan_id), topic_id)
    version, values = _split(payload)
    return services.topic_update(actor=request.auth, topic=topic, version=version, **values)


@router.delete(
    "/{plan_id}/topics/{topic_id}",
    response=with_errors({204: None}, 401, 403, 404),
    operation_id="plan_topic_delete",
    summary=_("Remove a topic from the topic map"),
)
def plan_topic_delete(request, plan_id: int, topic_id: int):
    topic = get_topic(get_plan_by_id_for_user(request.auth, plan_id), topic_id)
    services.topic_delete(actor=request.auth, topic=topic)
    return Status(204, None)


# Goals --------------------------------------------------------------------------------------------


@router.get(
    "/{plan_id}/goals",
    response=with_errors({200: list[GoalOut]}, 401, 404),
    operation_id="plan_goals_list",
    summary=_("List the goals of a plan"),
)
def plan_goals_list(request, plan_id: int):
    return list(goals_for_plan(get_plan_by_id_for_user(request.auth, plan_id)))


@router.post(
    "/{plan_id}/goals",
    response=with_errors({201: GoalOut}, 401, 403, 404, 422),
    operation_id="plan_goal_create",
    summary=_("Add a goal with a measurable target"),
)
def plan_goal_create(request, plan_id: int, payload: GoalIn):
    plan = get_plan_by_id_for_user(request.auth, plan_id)
    return Status(201, services.goal_create(actor=request.auth, plan=plan, **payload.model_dump()))


@router.patch(
    "/{plan_id}/goals/{goal_id}",
    response=with_errors({200: GoalOut}, 401, 403, 404, 409, 422),
    operation_id="plan_goal_update",
    summary=_("Change a goal or record its current value"),
)
def plan_goal_update(request, plan_id: int, goal_id: int, payload: GoalPatch):
    goal = get_goal(get_plan_by_id_for_user(request.auth, plan_id), goal_id)
    version, values = _split(payload)
    return services.goal_update(actor=request.auth, goal=goal, version=version, **values)


@router.delete(
    "/{plan_id}/goals/{goal_id}",
    response=with_errors({204: None}, 401, 403, 404),
    operation_id="plan_goal_delete",
    summary=_("Remove a goal"),
)
def plan_goal_delete(request, plan_id: int, goal_id: int):
    goal = get_goal(get_plan_by_id_for_user(request.auth, plan_id), goal_id)
    services.goal_delete(actor=request.auth, goal=goal)
    return Status(204, None)


# Actions ------------------------------------------------------------------------------------------


@router.get(
    "/{plan_id}/actions",
    response=with_errors({200: list[ActionOut]}, 401, 404),
    operation_id="plan_actions_list",
    summary=_("List the actions of a plan"),
)
def plan_actions_list(request, plan_id: int):
    return list(actions_for_plan(get_plan_by_id_for_user(request.auth, plan_id)))


@router.post(
    "/{plan_id}/actions",
    response=with_errors({201: ActionOut}, 401, 403, 404, 422),
    operation_id="plan_action_create",
    summary=_("Add an action with owner and due date"),
)
def plan_action_create(request, plan_id: int, payload: ActionIn):
    """The owner must be the account owner or a member of the account team."""
    plan = get_plan_by_id_for_user(request.auth, plan_id)
    values = payload.model_dump()
    try:
        action = services.action_create(
            actor=request.auth, plan=plan, owner=_owner(values.pop("owner_id")), **values
        )
    except ValidationError as exc:
        raise _owner_field(exc) from exc
    return Status(201, action)


@router.patch(
    "/{plan_id}/actions/{action_id}",
    response=with_errors({200: ActionOut}, 401, 403, 404, 409, 422),
    operation_id="plan_action_update",
    summary=_("Change an action or its status"),
)
def plan_action_update(request, plan_id: int, action_id: int, payload: ActionPatch):
    """The owner and the core team change actions; the owner of an action also its status and notes."""
    action = get_action(get_plan_by_id_for_user(request.auth, plan_id), action_id)
    version, values = _split(payload)
    try:
        if "owner_id" in values:
            values["owner"] = _owner(values.pop("owner_id"))
        return services.action_update(actor=request.auth, action=action, version=version, **values)
    except ValidationError as exc:
        raise _owner_field(exc) from exc


@router.delete(
    "/{plan_id}/actions/{action_id}",
    response=with_errors({204: None}, 401, 403, 404),
    operation_id="plan_action_delete",
    summary=_("Remove an action"),
)
def plan_action_delete(request, plan_id: int, action_id: int):
    action = get_action(get_plan_by_id_for_user(request.auth, plan_id), action_id)
    services.action_delete(actor=request.auth, action=action)
    return Status(204, None)


# Versions -----------------------------------------------------------------------------------------


@router.get(
    "/{plan_id}/versions",
    response=with_errors({200: list[VersionOut]}, 401, 404),
    operation_id="plan_versions_list",
    summary=_("List the frozen versions of the account's plans"),
)
def plan_versions_list(request, plan_id: int):
    """Versions of every planning cycle of the account, newest first (comparisons may span cycles)."""
    return list(versions_for_account(get_plan_by_id_for_user(request.auth, plan_id).account))


@router.post(
    "/{plan_id}/versions",
    response=with_errors({201: VersionDetailOut}, 401, 403, 404, 422),
    operation_id="plan_version_freeze",
    summary=_("Freeze a version of the plan"),
)
def plan_version_freeze(request, plan_id: int, payload: FreezeIn):
    plan = get_plan_by_id_for_user(request.auth, plan_id)
    return Status(201, services.version_freeze(actor=request.auth, plan=plan, label=payload.label))


@router.get(
    "/{plan_id}/versions/{version_id}",
    response=with_errors({200: VersionDetailOut}, 401, 404),
    operation_id="plan_version_get",
    summary=_("Show a frozen version with its snapshot"),
)
def plan_version_get(request, plan_id: int, version_id: int):
    return get_version(get_plan_by_id_for_user(request.auth, plan_id).account, version_id)


@router.get(
    "/{plan_id}/compare",
    response=with_errors({200: CompareOut}, 401, 404, 422),
    operation_id="plan_compare",
    summary=_("Compare two versions of a plan"),
)
def plan_compare(request, plan_id: int, query: Query[CompareQuery]):
    """What changed per section from `a` to `b`, and which goals are reached or newly reached.
    Either side may be `current`, the plan as it is now."""
    plan = get_plan_by_id_for_user(request.auth, plan_id)
    refuse_unknown_query(request, CompareQuery)
    latest = plan.versions.order_by("-number").values_list("pk", flat=True).first()
    sides = []
    for name in ("a", "b"):
        key = getattr(query, name) or (str(latest) if name == "a" and latest else "current")
        if key == "current":
            sides.append(plan_snapshot(plan_for_page(plan)))
        elif key.isdigit():
            sides.append(get_version(plan.account, int(key)).snapshot)
        else:
            raise ValidationError({name: [gettext("A version id or “current”.")]})
    comparison = compare_snapshots(*sides)
    return {
        "sections": [vars(s) | {"changes": [vars(c) for c in s.changes]} for s in comparison.sections],
        "goals": [vars(g) | {"newly_reached": g.newly_reached} for g in comparison.goals],
    }


# Annual reviews -----------------------------------------------------------------------------------


@router.get(
    "/{plan_id}/reviews",
    response=with_errors({200: list[ReviewOut]}, 401, 404),
    operation_id="plan_reviews_list",
    summary=_("List the annual reviews of a plan"),
)
def plan_reviews_list(request, plan_id: int):
    return list(reviews_for_plan(get_plan_by_id_for_user(request.auth, plan_id)))


@router.post(
    "/{plan_id}/reviews",
    response=with_errors({201: ReviewDetailOut}, 401, 403, 404, 422),
    operation_id="plan_review_create",
    summary=_("Record an annual review with the customer"),
)
def plan_review_create(request, plan_id: int, payload: ReviewIn):
    plan = get_plan_by_id_for_user(request.auth, plan_id)
    return Status(201, services.review_create(actor=request.auth, plan=plan, **payload.model_dump()))


@router.get(
    "/{plan_id}/reviews/{review_id}",
    response=with_errors({200: ReviewDetailOut}, 401, 404),
    operation_id="plan_review_get",
    summary=_("Show an annual review with its agreed actions"),
)
def plan_review_get(request, plan_id: int, review_id: int):
    return get_review(get_plan_by_id_for_user(request.auth, plan_id), review_id)


@router.patch(
    "/{plan_id}/reviews/{review_id}",
    response=with_errors({200: ReviewDetailOut}, 401, 403, 404, 409, 422),
    operation_id="plan_review_update",
    summary=_("Change an annual review (date, participants, agenda, results)"),
)
def plan_review_update(request, plan_id: int, review_id: int, payload: ReviewPatch):
    review = get_review(get_plan_by_id_for_user(request.auth, plan_id), review_id)
    version, values = _split(payload)
    return services.review_update(actor=request.auth, review=review, version=version, **values)


@router.post(
    "/{plan_id}/reviews/{review_id}/actions",
    response=with_errors({201: ActionOut}, 401, 403, 404, 422),
    operation_id="plan_review_action_create",
    summary=_("Record an action agreed at the annual review"),
)
def plan_review_action_create(request, plan_id: int, review_id: int, payload: ActionIn):
    review = get_review(get_plan_by_id_for_user(request.auth, plan_id), review_id)
    values = payload.model_dump()
    try:
        action = services.review_add_action(
            actor=request.auth, review=review, owner=_owner(values.pop("owner_id")), **values
        )
    except ValidationError as exc:
        raise _owner_field(exc) from exc
    return Status(201, action)


@router.post(
    "/{plan_id}/reviews/{review_id}/complete",
    response=with_errors({200: ReviewCompleteOut}, 401, 403, 404, 409, 422),
    operation_id="plan_review_complete",
    summary=_("Complete an annual review and freeze a version of the plan"),
)
def plan_review_complete(request, plan_id: int, review_id: int, payload: ReviewCompleteIn):
    """The review's results must be recorded; a completed review cannot be completed again."""
    review = get_review(get_plan_by_id_for_user(request.auth, plan_id), review_id)
    frozen = services.review_complete(actor=request.auth, review=review, version=payload.version)
    review.refresh_from_db()
    return {"review": review, "frozen_version": frozen}

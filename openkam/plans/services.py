"""Writes of the plans app: account plans, their steps, elements, topic map, goals, actions,
frozen versions and annual reviews.

Every write checks the edit right again (the owner and the core team; ``actor=None`` is the system,
e.g. the demo generator), validates with ``full_clean``, saves editable objects through optimistic
locking (``openkam.core.locking``) and writes an audit entry on the account timeline.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from openkam.accounts.models import KeyAccount
from openkam.accounts.permissions import can_work_on_account
from openkam.core.editing import refuse_unknown
from openkam.core.locking import check_version, save_versioned
from openkam.core.services import apply_changes, audit_record

from . import rigour
from .choices import ActionSource, Element, PlanType, ReviewStatus, Step, StepState
from .models import Action, AnnualReview, Goal, Plan, PlanStep, PlanVersion, StrategyElement, Topic
from .selectors import plan_facts
from .snapshots import plan_snapshot


def _check(actor, account: KeyAccount) -> None:
    # actor=None is the system (demo generator); people need edit rights on the account.
    if actor is not None and not can_work_on_account(actor, account):
        raise PermissionDenied


def _strip(values: dict) -> dict:
    return {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}


def _versioned_update(
    *, actor, obj: Model, version: int | None, values: dict, account_id: int, action: str
) -> dict:
    """Lock the row, refuse a stale version, apply ``values``, validate, save and audit.

    Returns the diff (empty when nothing changed: resubmitting what is stored is no conflict).
    """
    fresh = type(obj).objects.select_for_update().get(pk=obj.pk)
    for name in values:
        setattr(obj, name, getattr(fresh, name))
    obj.version = fresh.version
    probe = {name: getattr(fresh, name) for name in values}
    if all(_same(probe[name], value) for name, value in values.items()):
        return {}
    check_version(fresh, version, values)
    diff = apply_changes(obj, values)
    obj.full_clean()
    save_versioned(obj, expected_version=version, update_fields=list(diff))
    audit_record(actor=actor, action=action, target=obj, account_id=account_id, changes=diff)
    return diff


def _same(stored, submitted) -> bool:
    if isinstance(stored, Decimal) and submitted is not None:
        try:
            return stored == Decimal(str(submitted))
        except ArithmeticError:
            return False
    return stored == submitted


# Plans --------------------------------------------------------------------------------------------

PLAN_FIELDS = ("plan_type", "vision", "strategy")


def _plan_type_for(account: KeyAccount) -> str:
    return account.account_type if account.account_type in PlanType.values else PlanType.EXISTING


@transaction.atomic
def plan_create(
    *,
    actor,
    account: KeyAccount,
    fiscal_year: int,
    plan_type: str | None = None,
    vision: str = "",
    strategy: str = "",
    previous: Plan | None = None,
) -> Plan:
    """Start the account plan of ``account`` for ``fiscal_year`` with its five steps (not started)
    and the seven empty elements of the development strategy.

    The plan type defaults to the account's type. Raises ValidationError when the account has a
    plan for that year already.
    """
    _check(actor, account)
    plan = Plan(
        account=account,
        fiscal_year=fiscal_year,
        plan_type=plan_type or _plan_type_for(account),
        vision=vision.strip(),
        strategy=strategy.strip(),
        previous=previous,
    )
    if Plan.objects.filter(account=account, fiscal_year=fiscal_year).exists():
        raise ValidationError(
            {"fiscal_year": _("The account has a plan for %(year)s already.") % {"year": fiscal_year}}
        )
    plan.full_clean()
    plan.save()
    PlanStep.objects.bulk_create(PlanStep(plan=plan, step=step) for step in Step.values)
    StrategyElement.objects.bulk_create(StrategyElement(plan=plan, element=e) for e in Element.values)
    audit_record(
        actor=actor,
        action="plans.plan.create",
        target=plan,
        account_id=account.pk,
        changes={"fiscal_year": plan.fiscal_year, "plan_type": plan.plan_type},
    )
    return plan


@transaction.atomic
def plan_update(*, actor, plan: Plan, version: int | None, **values) -> Plan:
    """Change the plan type, vision or strategy of a plan edited from ``version``."""
    _check(actor, plan.account)
    refuse_unknown(values, PLAN_FIELDS, "plan")
    _versioned_update(
        actor=actor,
        obj=plan,
        version=version,
        values=_strip(values),
        account_id=plan.account_id,
        action="plans.plan.update",
    )
    return plan


# What later apps carry into the next cycle's plan. This app may not import them (imports flow
# from ``plans`` to ``growth``, see docs/architecture.md), so they register a copier here from
# their ``AppConfig.ready`` and ``plan_start_next_cycle`` calls it in its own transaction.
NextCycleCopier = Callable[..., object]
_NEXT_CYCLE_COPIERS: dict[str, NextCycleCopier] = {}


def register_next_cycle_copier(key: str, copier: NextCycleCopier) -> None:
    """Have ``copier(actor=..., previous=..., plan=...)`` called whenever a next cycle starts.

    ``previous`` is the plan the cycle starts from, ``plan`` the new one (its own parts copied
    already). Copiers run in the order they were registered, inside the transaction of
    ``plan_start_next_cycle``: one that raises undoes the whole start. A key names the app's part
    (``"growth"``); registering another function under a key in use raises ValueError.
    """
    if _NEXT_CYCLE_COPIERS.get(key, copier) is not copier:
        raise ValueError(f"A next-cycle copier {key!r} is registered already")
    _NEXT_CYCLE_COPIERS[key] = copier


@transaction.atomic
def plan_start_next_cycle(
    *, actor, plan: Plan, fiscal_year: int | None = None, plan_type: str | None = None
) -> Plan:
    """Start the plan of the next planning cycle from ``plan``.

    Copies vision, strategy, the texts of the development strategy, the topic map and the goals
    not reached yet; a copied goal starts from the value it had reached (its new baseline). The
    steps start again; open actions stay with the old plan (they remain on the task lists).
    Then the registered copiers of later apps take over their parts (the growth app: the
    growth-plan answers), all in one transaction. Raises PermissionDenied for anyone but the
    owner and the core team, ValidationError when the account has a plan for that year already.
    """
    account = plan.account
    _check(actor, account)
    new = plan_create(
        actor=actor,
        account=account,
        fiscal_year=fiscal_year or plan.fiscal_year + 1,
        plan_type=plan_type or plan.plan_type,
        vision=plan.vision,
        strategy=plan.strategy,
        previous=plan,
    )
    texts = dict(plan.elements.values_list("element", "text"))
    for element in new.elements.all():
        if texts.get(element.element):
            element.text = texts[element.element]
            element.save(update_fields=["text"])
    Topic.objects.bulk_create(
        Topic(
            plan=new,
            topic=t.topic,
            relevance=t.relevance,
            offering=t.offering,
            status=t.status,
            notes=t.notes,
        )
        for t in plan.topics.order_by("pk")
    )
    for goal in plan.goals.order_by("target_date", "pk"):
        if goal.reached:
            continue
        Goal.objects.create(
            plan=new,
            title=goal.title,
            kpi=goal.kpi,
            unit=goal.unit,
            baseline=goal.current_value if goal.current_value is not None else goal.baseline,
            target_value=goal.target_value,
            target_date=_next_year(goal.target_date),
            notes=goal.notes,
        )
    audit_record(
        actor=actor,
        action="plans.plan.next_cycle",
        target=new,
        account_id=account.pk,
        changes={"previous": str(plan)},
    )
    for copier in _NEXT_CYCLE_COPIERS.values():
        copier(actor=actor, previous=plan, plan=new)
    return new


def _next_year(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


# Steps --------------------------------------------------------------------------------------------

STEP_FIELDS = ("state", "notes")


@transaction.atomic
def plan_step_update(
    *, actor, step: PlanStep, version: int | None, enforce: bool = True, **values
) -> PlanStep:
    """Change the state or the notes of a process step.

    A step can be marked done only when its required items for the plan type are met
    (``rigour.RULES``); otherwise ValidationError names what is missing. ``enforce=False`` is for
    the system alone (the demo records plans whose growth answers are seeded afterwards).
    """
    plan = step.plan
    _check(actor, plan.account)
    if not enforce and actor is not None:
        raise PermissionDenied
    refuse_unknown(values, STEP_FIELDS, "step")
    values = _strip(values)
    if values.get("state") == StepState.DONE and step.state != StepState.DONE and enforce:
        missing = rigour.missing(plan.plan_type, step.step, plan_facts(plan))
        if missing:
            items = "; ".join(f"{m.label} ({m.detail})" if m.detail else m.label for m in missing)
            raise ValidationError(
                {
                    "state": _("The step “%(step)s” cannot be marked done yet. Missing: %(items)s.")
                    % {"step": step.get_step_display(), "items": items}
                }
            )
    if "state" in values and values["state"] != step.state:
        done = values["state"] == StepState.DONE
        values["completed_at"] = timezone.now() if done else None
        values["completed_by"] = actor if done and getattr(actor, "pk", None) else None
    _versioned_update(
        actor=actor,
        obj=step,
        version=version,
        values=values,
        account_id=plan.account_id,
        action="plans.step.update",
    )
    return step


# Development strategy -----------------------------------------------------------------------------


@transaction.atomic
def element_update(*, actor, element: StrategyElement, version: int | None, text: str) -> StrategyElement:
    """Write the team's text of one element of the customer development strategy."""
    _check(actor, element.plan.account)
    _versioned_update(
        actor=actor,
        obj=element,
        version=version,
        values={"text": text.strip()},
        account_id=element.plan.account_id,
        action="plans.element.update",
    )
    return element


TOPIC_FIELDS = ("topic", "relevance", "offering", "status", "notes")


@transaction.atomic
def topic_create(
    *,
    actor,
    plan: Plan,
    topic: str,
    relevance: str = "medium",
    offering: str = "",
    status: str = "opportunity",
    notes: str = "",
) -> Topic:
    """Add a row to the topic map: a topic relevant to the customer, our offering and its status."""
    _check(actor, plan.account)
    row = Topic(
        plan=plan,
        topic=topic.strip(),
        relevance=relevance,
        offering=offering.strip(),
        status=status,
        notes=notes.strip(),
    )
    row.full_clean()
    row.save()
    audit_record(
        actor=actor,
        action="plans.topic.create",
        target=row,
        account_id=plan.account_id,
        changes={f: getattr(row, f) for f in TOPIC_FIELDS if getattr(row, f)},
    )
    return row


@transaction.atomic
def topic_update(*, actor, topic: Topic, version: int | None, **values) -> Topic:
    _check(actor, topic.plan.account)
    refuse_unknown(values, TOPIC_FIELDS, "topic")
    _versioned_update(
        actor=actor,
        obj=topic,
        version=version,
        values=_strip(values),
        account_id=topic.plan.account_id,
        action="plans.topic.update",
    )
    return topic


@transaction.atomic
def topic_delete(*, actor, topic: Topic) -> None:
    _check(actor, topic.plan.account)
    audit_record(actor=actor, action="plans.topic.delete", target=topic, account_id=topic.plan.account_id)
    topic.delete()


# Goals --------------------------------------------------------------------------------------------

GOAL_FIELDS = ("title", "kpi", "unit", "baseline", "target_value", "target_date", "current_value", "notes")


@transaction.atomic
def goal_create(
    *,
    actor,
    plan: Plan,
    title: str,
    kpi: str,
    target_value: Decimal,
    target_date: datetime.date,
    unit: str = "",
    baseline: Decimal | None = None,
    current_value: Decimal | None = None,
    notes: str = "",
) -> Goal:
    """Add a goal tied to a measurable target (KPI, unit, baseline, target value and date)."""
    _check(actor, plan.account)
    goal = Goal(
        plan=plan,
        title=title.strip(),
        kpi=kpi.strip(),
        unit=unit.strip(),
        baseline=baseline,
        target_value=target_value,
        target_date=target_date,
        current_value=current_value,
        notes=notes.strip(),
    )
    goal.full_clean()
    goal.save()
    audit_record(
        actor=actor,
        action="plans.goal.create",
        target=goal,
        account_id=plan.account_id,
        changes={f: getattr(goal, f) for f in GOAL_FIELDS if getattr(goal, f) not in (None, "")},
    )
    return goal


@transaction.atomic
def goal_update(*, actor, goal: Goal, version: int | None, **values) -> Goal:
    """Change a goal; recording the current value is how progress is tracked."""
    _check(actor, goal.plan.account)
    refuse_unknown(values, GOAL_FIELDS, "goal")
    _versioned_update(
        actor=actor,
        obj=goal,
        version=version,
        values=_strip(values),
        account_id=goal.plan.account_id,
        action="plans.goal.update",
    )
    return goal


@transaction.atomic
def goal_delete(*, actor, goal: Goal) -> None:
    _check(actor, goal.plan.account)
    audit_record(actor=actor, action="plans.goal.delete", target=goal, account_id=goal.plan.account_id)
    goal.delete()


# Actions ------------------------------------------------------------------------------------------

ACTION_FIELDS = ("title", "owner", "due_date", "status", "notes")
# What the owner of an action may change even without edit rights on the account (an
# extended-team member closing their own task).
OWN_ACTION_FIELDS = ("status", "notes")


def _check_action_owner(account: KeyAccount, owner) -> None:
    if owner is None:
        raise ValidationError({"owner": _("An action needs an owner.")})
    if owner.pk != account.owner_id and not account.team_memberships.filter(user=owner).exists():
        raise ValidationError(
            {"owner": _("The owner of an action must be the account owner or a team member.")}
        )


def may_update_action(user, action: Action) -> bool:
    """The owner and the core team change actions; the owner of an action its status and notes."""
    return can_work_on_account(user, action.plan.account) or action.owner_id == user.pk


@transaction.atomic
def action_create(
    *,
    actor,
    plan: Plan,
    title: str,
    owner,
    due_date: datetime.date,
    source: str = ActionSource.PLAN,
    notes: str = "",
) -> Action:
    """Add an action to ``plan``. The owner must be the account owner or a team member.

    Raises ValidationError for invalid data and PermissionDenied for anyone but the account's
    owner and core team.
    """
    account = plan.account
    _check(actor, account)
    _check_action_owner(account, owner)
    action = Action(
        plan=plan, title=title.strip(), owner=owner, due_date=due_date, source=source, notes=notes.strip()
    )
    action.full_clean()
    action.save()
    audit_record(
        actor=actor,
        action="plans.action.create",
        target=action,
        account_id=account.pk,
        changes={"title": action.title, "owner": owner, "due_date": due_date, "source": action.source},
    )
    return action


@transaction.atomic
def action_update(*, actor, action: Action, version: int | None, **values) -> Action:
    """Change an action (title, owner, due_date, status, notes) edited from ``version``.

    The owner of an action may change its status and notes without edit rights on the account.
    """
    account = action.plan.account
    refuse_unknown(values, ACTION_FIELDS, "action")
    if actor is not None and not may_update_action(actor, action):
        raise PermissionDenied
    if actor is not None and not can_work_on_account(actor, account) and set(values) - set(OWN_ACTION_FIELDS):
        raise PermissionDenied
    if "owner" in values and values["owner"] != action.owner:
        _check_action_owner(account, values["owner"])
    _versioned_update(
        actor=actor,
        obj=action,
        version=version,
        values=_strip(values),
        account_id=account.pk,
        action="plans.action.update",
    )
    return action


@transaction.atomic
def action_delete(*, actor, action: Action) -> None:
    _check(actor, action.plan.account)
    audit_record(actor=actor, action="plans.action.delete", target=action, account_id=action.plan.account_id)
    action.delete()


# Versions -----------------------------------------------------------------------------------------


@transaction.atomic
def version_freeze(*, actor, plan: Plan, label: str = "") -> PlanVersion:
    """Freeze the current state of ``plan`` as its next numbered version (immutable)."""
    _check(actor, plan.account)
    # Lock the plan so that two freezes at once cannot pick the same number.
    Plan.objects.select_for_update().filter(pk=plan.pk).first()
    number = (plan.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = PlanVersion(
        plan=plan,
        number=number,
        label=label.strip(),
        snapshot=plan_snapshot(plan),
        frozen_by=actor if getattr(actor, "pk", None) else None,
    )
    version.full_clean()
    version.save()
    audit_record(
        actor=actor,
        action="plans.version.freeze",
        target=version,
        account_id=plan.account_id,
        changes={"number": number, "label": version.label} if version.label else {"number": number},
    )
    return version


# Annual reviews -----------------------------------------------------------------------------------

REVIEW_FIELDS = ("date", "participants_ours", "participants_customer", "agenda", "results")


@transaction.atomic
def review_create(
    *,
    actor,
    plan: Plan,
    date: datetime.date,
    participants_ours: str = "",
    participants_customer: str = "",
    agenda: str = "",
    results: str = "",
) -> AnnualReview:
    """Schedule (or record) the annual review with the customer for ``plan``."""
    _check(actor, plan.account)
    review = AnnualReview(
        plan=plan,
        date=date,
        participants_ours=participants_ours.strip(),
        participants_customer=participants_customer.strip(),
        agenda=agenda.strip(),
        results=results.strip(),
    )
    review.full_clean()
    review.save()
    audit_record(
        actor=actor,
        action="plans.review.create",
        target=review,
        account_id=plan.account_id,
        changes={f: getattr(review, f) for f in REVIEW_FIELDS if getattr(review, f)},
    )
    return review


@transaction.atomic
def review_update(*, actor, review: AnnualReview, version: int | None, **values) -> AnnualReview:
    _check(actor, review.plan.account)
    refuse_unknown(values, REVIEW_FIELDS, "review")
    _versioned_update(
        actor=actor,
        obj=review,
        version=version,
        values=_strip(values),
        account_id=review.plan.account_id,
        action="plans.review.update",
    )
    return review


@transaction.atomic
def review_add_action(
    *, actor, review: AnnualReview, title: str, owner, due_date: datetime.date, notes: str = ""
) -> Action:
    """Record an action agreed with the customer at the review (an action of the plan with source
    "annual review")."""
    action = action_create(
        actor=actor,
        plan=review.plan,
        title=title,
        owner=owner,
        due_date=due_date,
        source=ActionSource.REVIEW,
        notes=notes,
    )
    Action.objects.filter(pk=action.pk).update(review=review)
    action.review = review
    return action


@transaction.atomic
def review_complete(*, actor, review: AnnualReview, version: int | None) -> PlanVersion:
    """Complete the annual review: its results must be recorded; freezes a version of the plan.

    Raises ValidationError for a review without results or one that is completed already.
    """
    plan = review.plan
    _check(actor, plan.account)
    fresh = AnnualReview.objects.select_for_update().get(pk=review.pk)
    check_version(fresh, version, {"status": ReviewStatus.COMPLETED})
    if fresh.status == ReviewStatus.COMPLETED:
        raise ValidationError(_("This annual review is completed already."))
    if not fresh.results.strip():
        raise ValidationError({"results": _("Record the results of the review before completing it.")})
    frozen = version_freeze(
        actor=actor,
        plan=plan,
        label=_("Annual review %(date)s") % {"date": review.date.strftime("%d.%m.%Y")},
    )
    review.status = ReviewStatus.COMPLETED
    review.completed_at = timezone.now()
    review.frozen_version = frozen
    review.version = fresh.version
    save_versioned(
        review, expected_version=fresh.version, update_fields=["status", "completed_at", "frozen_version"]
    )
    audit_record(
        actor=actor,
        action="plans.review.complete",
        target=review,
        account_id=plan.account_id,
        changes={"status": (ReviewStatus.PLANNED, ReviewStatus.COMPLETED), "frozen_version": frozen.number},
    )
    return frozen

"""Reads of the plans app: plans of an account, the facts the step rules look at, overdue and
open actions (the personal task list) and the growth-plan panel.

The growth-plan questions live in ``openkam.growth``; it is imported lazily in ``growth_selectors``
so that this app works (showing "no data") while that app is missing or has no data.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from openkam.accounts.choices import TeamScope
from openkam.accounts.models import TeamMembership
from openkam.accounts.permissions import accounts_visible_to

from .choices import OPEN_ACTION_STATUSES, ActionStatus, Element, ReviewStatus
from .models import Action, AnnualReview, Goal, Plan, PlanStep, PlanVersion, StrategyElement, Topic
from .rigour import PlanFacts


def today() -> datetime.date:
    return timezone.localdate()


def plans_for_account(account) -> QuerySet[Plan]:
    """The plans of an account loaded through its access helper, newest cycle first, with their
    steps and counts for the list."""
    return (
        Plan.objects.filter(account=account)
        .prefetch_related(Prefetch("steps", queryset=PlanStep.objects.order_by("pk")))
        .annotate(
            goal_count=Count("goals", distinct=True),
            open_action_count=Count(
                "actions", filter=Q(actions__status__in=OPEN_ACTION_STATUSES), distinct=True
            ),
            overdue_action_count=Count(
                "actions",
                filter=Q(actions__status__in=OPEN_ACTION_STATUSES, actions__due_date__lt=today()),
                distinct=True,
            ),
            version_count=Count("versions", distinct=True),
        )
        .order_by("-fiscal_year")
    )


def ordered_steps(plan: Plan) -> list[PlanStep]:
    """The five steps in process order (uses a prefetch when there is one)."""
    return sorted(plan.steps.all(), key=lambda s: s.order)


def ordered_elements(plan: Plan) -> list[StrategyElement]:
    return sorted(plan.elements.all(), key=lambda e: e.order)


def current_step(steps: list[PlanStep]) -> PlanStep | None:
    """The first step that is not done (None when all five are)."""
    return next((s for s in steps if s.state != "done"), None)


# Growth-plan questions (openkam.growth) --------------------------------------------------------


def growth_selectors():
    """The selectors module of the growth-plan questions, or None while that app is missing."""
    try:
        from openkam.growth import selectors
    except ImportError:
        return None
    return selectors


def _get(item: Any, name: str, default: Any = None) -> Any:
    return item.get(name, default) if isinstance(item, dict) else getattr(item, name, default)


@dataclass
class GrowthRow:
    label: str
    total: int
    answered: int
    not_applicable: int
    research: int
    open: int
    percent: int


@dataclass
class GrowthPanel:
    rows: list[GrowthRow]
    percent: int | None  # answered or not applicable, of all questions; None: no data

    @property
    def available(self) -> bool:
        return self.percent is not None


def growth_panel(plan: Plan) -> GrowthPanel:
    """Completeness of the growth-plan questions per category, and overall.

    The overall percentage is counted like the growth app counts a category: the share of the
    applicable questions (all but those marked not applicable) that are answered; a question
    turned into a research action is not answered yet. No data (app missing, no questions in the
    bank) gives ``None``.
    """
    module = growth_selectors()
    if module is None or not hasattr(module, "plan_completeness"):
        return GrowthPanel(rows=[], percent=None)
    rows = [
        GrowthRow(
            label=str(_get(item, "label", "")),
            total=int(_get(item, "total", 0) or 0),
            answered=int(_get(item, "answered", 0) or 0),
            not_applicable=int(_get(item, "not_applicable", 0) or 0),
            research=int(_get(item, "research", 0) or 0),
            open=int(_get(item, "open", 0) or 0),
            percent=round(float(_get(item, "percent", 0) or 0)),
        )
        for item in module.plan_completeness(plan) or []
    ]
    total = sum(r.total for r in rows)
    if not total:
        return GrowthPanel(rows=rows, percent=None)
    applicable = total - sum(r.not_applicable for r in rows)
    answered = sum(r.answered for r in rows)
    return GrowthPanel(rows=rows, percent=100 if applicable <= 0 else answered * 100 // applicable)


def growth_snapshot(plan: Plan) -> Any:
    """The growth-plan answers of a plan for a frozen version (None while the app is missing)."""
    module = growth_selectors()
    if module is None or not hasattr(module, "plan_snapshot"):
        return None
    return module.plan_snapshot(plan)


# The facts the step rules need ----------------------------------------------------------------


def plan_facts(
    plan: Plan, *, on: datetime.date | None = None, growth: GrowthPanel | None = None
) -> PlanFacts:
    """Count what the step rules (``rigour.RULES``) look at, in a handful of queries."""
    on = on or today()
    filled = {e.element for e in plan.elements.all() if e.text.strip()}
    topics = Topic.objects.filter(plan=plan).count()
    if topics:
        filled.add(Element.TOPIC_MAP)
    goals = Goal.objects.filter(plan=plan).aggregate(
        total=Count("pk"), without_value=Count("pk", filter=Q(current_value__isnull=True))
    )
    actions = Action.objects.filter(plan=plan).aggregate(
        total=Count("pk", filter=~Q(status=ActionStatus.CANCELLED)),
        done=Count("pk", filter=Q(status=ActionStatus.DONE)),
        overdue=Count("pk", filter=Q(status__in=OPEN_ACTION_STATUSES, due_date__lt=on)),
    )
    growth = growth if growth is not None else growth_panel(plan)
    return PlanFacts(
        vision=bool(plan.vision.strip()),
        strategy=bool(plan.strategy.strip()),
        core_team=TeamMembership.objects.filter(account_id=plan.account_id, scope=TeamScope.CORE).count(),
        filled_elements=filled,
        topics=topics,
        growth_percent=growth.percent,
        goals=goals["total"],
        goals_without_value=goals["without_value"],
        actions=actions["total"],
        actions_done=actions["done"],
        actions_overdue=actions["overdue"],
        completed_reviews=AnnualReview.objects.filter(plan=plan, status=ReviewStatus.COMPLETED).count(),
    )


# Actions ------------------------------------------------------------------------------------------


def actions_for_plan(plan: Plan) -> QuerySet[Action]:
    return Action.objects.filter(plan=plan).select_related("owner", "review").order_by("due_date", "pk")


def overdue_actions_for_account(account, *, on: datetime.date | None = None) -> QuerySet[Action]:
    """Open actions of every plan of the account whose due date has passed."""
    return (
        Action.objects.filter(
            plan__account=account, status__in=OPEN_ACTION_STATUSES, due_date__lt=on or today()
        )
        .select_related("owner", "plan")
        .order_by("due_date", "pk")
    )


def open_actions_for_user(user) -> QuerySet[Action]:
    """The personal task list: every open action ``user`` owns on an account they can see,
    overdue ones first (earliest due date first puts them there)."""
    return (
        Action.objects.filter(
            owner=user, status__in=OPEN_ACTION_STATUSES, plan__account__in=accounts_visible_to(user)
        )
        .select_related("plan", "plan__account", "plan__account__customer")
        .order_by("due_date", "pk")
    )


def goals_for_plan(plan: Plan) -> QuerySet[Goal]:
    return Goal.objects.filter(plan=plan).order_by("target_date", "pk")


def topics_for_plan(plan: Plan) -> QuerySet[Topic]:
    return Topic.objects.filter(plan=plan).order_by("pk")


def reviews_for_plan(plan: Plan) -> QuerySet[AnnualReview]:
    return (
        AnnualReview.objects.filter(plan=plan)
        .select_related("frozen_version")
        .annotate(action_count=Count("agreed_actions"))
        .order_by("-date", "-pk")
    )


def versions_for_account(account) -> QuerySet[PlanVersion]:
    """Frozen versions of every plan of the account, newest first (compare works across cycles)."""
    return (
        PlanVersion.objects.filter(plan__account=account)
        .select_related("plan", "frozen_by")
        .annotate(from_review=Exists(AnnualReview.objects.filter(frozen_version=OuterRef("pk"))))
        .order_by("-plan__fiscal_year", "-number")
    )


def action_owner_choices(account) -> QuerySet:
    """Who may own an action of the account: its owner and its team (core and extended), active
    people only, by name."""
    from openkam.users.models import User

    return (
        User.objects.filter(is_active=True)
        .filter(Q(pk=account.owner_id) | Q(team_memberships__account=account))
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


# The plan page ------------------------------------------------------------------------------------


@dataclass
class StepView:
    step: PlanStep
    hint: str
    requirements: list

    @property
    def missing(self) -> list:
        return [r for r in self.requirements if not r.met]


@dataclass
class ElementView:
    element: StrategyElement
    hint: str
    figures: Any  # figures.ElementFigures, or None for elements without live figures


@dataclass
class PlanOverview:
    plan: Plan
    steps: list[StepView]
    current: StepView | None
    elements: list[ElementView]
    topics: list[Topic]
    goals: list[Goal]
    actions: list[Action]
    overdue: list[Action]
    reviews: list[AnnualReview]
    version_count: int
    growth: GrowthPanel
    facts: PlanFacts
    today: datetime.date

    @property
    def goals_reached(self) -> int:
        return sum(1 for g in self.goals if g.reached)


def plan_for_page(plan: Plan) -> Plan:
    """Attach the steps and elements of ``plan`` in two queries (keeps its account)."""
    account = plan.account
    plan = (
        Plan.objects.select_related("previous")
        .prefetch_related("steps", "elements")
        .annotate(version_count=Count("versions"))
        .get(pk=plan.pk)
    )
    plan.account = account
    return plan


def plan_overview(plan: Plan, *, on: datetime.date | None = None) -> PlanOverview:
    """Everything the plan page shows: the five steps with what each still needs for the plan
    type, the development strategy with live figures, topic map, goals, actions (overdue ones
    marked), the growth-plan panel and the annual reviews."""
    from . import figures, rigour
    from .choices import ELEMENT_HINTS, STEP_HINTS

    on = on or today()
    plan = plan_for_page(plan)
    growth = growth_panel(plan)
    facts = plan_facts(plan, on=on, growth=growth)
    steps = [
        StepView(s, str(STEP_HINTS[s.step]), rigour.requirements(plan.plan_type, s.step, facts))
        for s in ordered_steps(plan)
    ]
    live = figures.account_figures(plan.account)
    elements = [
        ElementView(e, str(ELEMENT_HINTS[e.element]), live.get(e.element)) for e in ordered_elements(plan)
    ]
    actions = list(actions_for_plan(plan))
    for action in actions:
        action.overdue = action.is_overdue(on)
    overdue = list(overdue_actions_for_account(plan.account, on=on))
    return PlanOverview(
        plan=plan,
        steps=steps,
        current=next((s for s in steps if s.step.state != "done"), None),
        elements=elements,
        topics=list(topics_for_plan(plan)),
        goals=list(goals_for_plan(plan)),
        actions=actions,
        overdue=overdue,
        reviews=list(reviews_for_plan(plan)),
        version_count=plan.version_count,
        growth=growth,
        facts=facts,
        today=on,
    )

"""Request and response schemas of the account-plan API (``api.py``)."""

import datetime as dt
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import Field

from openkam.core.api import InputSchema, PatchSchema, UserRef

from .choices import (
    ActionSource,
    ActionStatus,
    Element,
    PlanType,
    Relevance,
    ReviewStatus,
    Step,
    StepState,
    TopicStatus,
)
from .selectors import actions_for_plan, ordered_steps, today

TEXT = 20_000


class RequirementOut(Schema):
    key: str
    label: str
    met: bool
    detail: str


class StepOut(Schema):
    step: Step
    state: StepState
    notes: str
    version: int
    completed_at: datetime | None
    requirements: list[RequirementOut] = Field(
        description="What the step needs for the plan type, met or not."
    )


class ElementOut(Schema):
    element: Element
    text: str
    version: int


class TopicOut(Schema):
    id: int
    topic: str
    relevance: Relevance
    offering: str
    status: TopicStatus
    notes: str
    version: int


class GoalOut(Schema):
    id: int
    title: str
    kpi: str
    unit: str
    baseline: Decimal | None
    target_value: Decimal
    target_date: date
    current_value: Decimal | None
    reached: bool
    notes: str
    version: int


class ActionOut(Schema):
    id: int
    plan_id: int
    title: str
    owner: UserRef
    due_date: date
    status: ActionStatus
    source: ActionSource
    review_id: int | None
    notes: str
    overdue: bool
    version: int

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return obj.is_overdue(today())


class TaskOut(ActionOut):
    account_id: int
    account_name: str
    fiscal_year: int

    @staticmethod
    def resolve_account_id(obj) -> int:
        return obj.plan.account_id

    @staticmethod
    def resolve_account_name(obj) -> str:
        return obj.plan.account.customer.display_name

    @staticmethod
    def resolve_fiscal_year(obj) -> int:
        return obj.plan.fiscal_year


class PlanOut(Schema):
    id: int
    account_id: int
    fiscal_year: int
    plan_type: PlanType
    vision: str
    strategy: str
    previous_id: int | None
    version: int
    created_at: datetime
    updated_at: datetime


class PlanSummaryOut(PlanOut):
    steps: list[dict[str, str]]

    @staticmethod
    def resolve_steps(obj) -> list[dict[str, str]]:
        return [{"step": s.step, "state": s.state} for s in ordered_steps(obj)]


class GrowthOut(Schema):
    percent: int | None = Field(description="Answered share of the applicable questions; null: no data.")
    categories: list[dict[str, Any]]


class PlanDetailOut(PlanOut):
    steps: list[StepOut]
    elements: list[ElementOut]
    topics: list[TopicOut]
    goals: list[GoalOut]
    actions: list[ActionOut]
    growth: GrowthOut


class PlanIn(InputSchema):
    fiscal_year: int = Field(ge=2000, le=2100)
    plan_type: PlanType | None = None
    vision: str = Field("", max_length=TEXT)
    strategy: str = Field("", max_length=TEXT)


class PlanPatch(PatchSchema):
    version: int | None = None
    plan_type: PlanType | None = None
    vision: str | None = Field(None, max_length=TEXT)
    strategy: str | None = Field(None, max_length=TEXT)


class NextCycleIn(InputSchema):
    fiscal_year: int | None = Field(None, ge=2000, le=2100)
    plan_type: PlanType | None = None


class StepPatch(PatchSchema):
    version: int | None = None
    state: StepState | None = None
    notes: str | None = Field(None, max_length=TEXT)


class ElementPatch(PatchSchema):
    version: int | None = None
    text: str | None = Field(None, max_length=TEXT)


class TopicIn(InputSchema):
    topic: str = Field(max_length=200)
    relevance: Relevance = Relevance.MEDIUM
    offering: str = Field("", max_length=300)
    status: TopicStatus = TopicStatus.OPPORTUNITY
    notes: str = Field("", max_length=TEXT)


class TopicPatch(PatchSchema):
    version: int | None = None
    topic: str | None = Field(None, max_length=200)
    relevance: Relevance | None = None
    offering: str | None = Field(None, max_length=300)
    status: TopicStatus | None = None
    notes: str | None = Field(None, max_length=TEXT)


class GoalIn(InputSchema):
    title: str = Field(max_length=300)
    kpi: str = Field(max_length=150)
    unit: str = Field("", max_length=30)
    baseline: Decimal | None = None
    target_value: Decimal
    target_date: date
    current_value: Decimal | None = None
    notes: str = Field("", max_length=TEXT)


class GoalPatch(PatchSchema):
    version: int | None = None
    title: str | None = Field(None, max_length=300)
    kpi: str | None = Field(None, max_length=150)
    unit: str | None = Field(None, max_length=30)
    baseline: Decimal | None = None
    target_value: Decimal | None = None
    target_date: date | None = None
    current_value: Decimal | None = None
    notes: str | None = Field(None, max_length=TEXT)


class ActionIn(InputSchema):
    title: str = Field(max_length=300)
    owner_id: int
    due_date: date
    notes: str = Field("", max_length=TEXT)


class ActionPatch(PatchSchema):
    version: int | None = None
    title: str | None = Field(None, max_length=300)
    owner_id: int | None = None
    due_date: date | None = None
    status: ActionStatus | None = None
    notes: str | None = Field(None, max_length=TEXT)


class VersionOut(Schema):
    id: int
    plan_id: int
    fiscal_year: int
    number: int
    label: str
    frozen_at: datetime
    frozen_by: UserRef | None

    @staticmethod
    def resolve_fiscal_year(obj) -> int:
        return obj.plan.fiscal_year


class VersionDetailOut(VersionOut):
    snapshot: dict[str, Any]


class FreezeIn(InputSchema):
    label: str = Field("", max_length=200)


class CompareQuery(InputSchema):
    a: str = Field(
        "",
        description="Id of the earlier version, or `current` for the plan as it is now; "
        "default: the plan's latest version.",
    )
    b: str = Field("current", description="Id of the later version, or `current`.")


class ChangeOut(Schema):
    kind: str
    name: str
    fields: list[tuple[str, Any, Any]]


class SectionOut(Schema):
    key: str
    label: str
    changes: list[ChangeOut]


class GoalOutcomeOut(Schema):
    title: str
    target_value: Decimal | None
    value_a: Decimal | None
    value_b: Decimal | None
    reached_a: bool
    reached_b: bool
    newly_reached: bool


class CompareOut(Schema):
    sections: list[SectionOut]
    goals: list[GoalOutcomeOut]


class ReviewOut(Schema):
    id: int
    plan_id: int
    date: date
    participants_ours: str
    participants_customer: str
    agenda: str
    results: str
    status: ReviewStatus
    completed_at: datetime | None
    frozen_version_id: int | None
    version: int


class ReviewDetailOut(ReviewOut):
    agreed_actions: list[ActionOut]

    @staticmethod
    def resolve_agreed_actions(obj) -> list:
        return list(actions_for_plan(obj.plan).filter(review=obj))


class ReviewIn(InputSchema):
    date: date
    participants_ours: str = Field("", max_length=TEXT)
    participants_customer: str = Field("", max_length=TEXT)
    agenda: str = Field("", max_length=TEXT)
    results: str = Field("", max_length=TEXT)


class ReviewPatch(PatchSchema):
    version: int | None = None
    date: dt.date | None = None
    participants_ours: str | None = Field(None, max_length=TEXT)
    participants_customer: str | None = Field(None, max_length=TEXT)
    agenda: str | None = Field(None, max_length=TEXT)
    results: str | None = Field(None, max_length=TEXT)


class ReviewCompleteIn(InputSchema):
    version: int | None = None


class ReviewCompleteOut(Schema):
    review: ReviewOut
    frozen_version: VersionOut

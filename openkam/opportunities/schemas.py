"""Request and response schemas of the opportunities API (``openkam.opportunities.api``).

Bodies name people and linked objects by id (``owner_id``, ``whitespace_cell_id``,
``plan_goal_id``, ``stakeholder_id``); answers name people with id and name. Unknown fields are
refused (422), null is refused except where a field may be cleared. ``OpportunityOut`` is shared
with the cross-account pipeline API.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, ClassVar

from django.utils.translation import gettext
from ninja import Schema
from pydantic import Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from openkam.core.api import InputSchema, PatchSchema, UserRef
from openkam.stakeholders.choices import BuyingRole

from .choices import CloseReason, CompetitivePosition, SellingApproach, Stage
from .rules import weighted_value

Text = Annotated[str, Field(max_length=4000)]
Name = Annotated[str, Field(max_length=200)]
Value = Annotated[Decimal, Field(ge=0, lt=10**12, max_digits=14, decimal_places=2)]
Probability = Annotated[int, Field(ge=0, le=100)]


class _NullableFieldsPatch(PatchSchema):
    """A patch in which the fields named in ``NULLABLE`` may be sent as null to clear them."""

    NULLABLE: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_null(cls, value, info: ValidationInfo):
        if value is None and info.field_name not in cls.NULLABLE:
            raise PydanticCustomError("null", gettext("Leave the field out instead of sending null."))
        return value


class LinkRef(Schema):
    id: int
    name: str

    @staticmethod
    def resolve_name(obj) -> str:
        return str(obj)


class OpportunityOut(Schema):
    id: int
    account_id: int
    title: str
    description: str
    product_group: str
    value: Decimal = Field(description="Order value in euros.")
    stage: Stage
    probability: int = Field(description="In per cent.")
    weighted_value: Decimal = Field(description="value × probability, in euros.")
    expected_close: dt.date
    competitive_position: CompetitivePosition
    main_competitor: str
    selling_approach: SellingApproach
    sales_strategy: str
    next_steps: str
    next_step_due: dt.date | None
    owner: UserRef
    whitespace_cell: LinkRef | None = Field(description="The whitespace cell the opportunity comes from.")
    plan_goal: LinkRef | None = Field(description="The goal of the account plan it serves.")
    closed_on: dt.date | None
    close_reason: CloseReason | None
    close_note: str
    stage_changed_at: dt.datetime | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_weighted_value(obj) -> Decimal:
        return weighted_value(obj)

    @staticmethod
    def resolve_close_reason(obj) -> str | None:
        return obj.close_reason or None


class CheckOut(Schema):
    stage: Stage
    item: str
    label: str
    checked: bool
    checked_by: UserRef | None = None
    checked_at: dt.datetime | None = None


class ParticipantOut(Schema):
    id: int
    stakeholder_id: int
    name: str
    function: str
    roles: list[BuyingRole] = Field(description="The person's roles in this decision.")
    attitude: int | None = Field(description="-2 (opponent) … 2 (champion); null: not assessed.")
    influence: int | None = Field(description="1 (very low) … 5 (very high); null: not assessed.")
    note: str

    @staticmethod
    def resolve_name(obj) -> str:
        return str(obj.stakeholder)

    @staticmethod
    def resolve_function(obj) -> str:
        return obj.stakeholder.function

    @staticmethod
    def resolve_attitude(obj) -> int | None:
        return obj.stakeholder.attitude

    @staticmethod
    def resolve_influence(obj) -> int | None:
        return obj.stakeholder.influence


class StageChangeOut(Schema):
    from_stage: Stage | None
    to_stage: Stage
    changed_by: UserRef | None
    changed_at: dt.datetime

    @staticmethod
    def resolve_from_stage(obj) -> str | None:
        return obj.from_stage or None


class OpportunityDetailOut(OpportunityOut):
    checklist: list[CheckOut] = Field(description="Every item of the qualification checklist, ticked or not.")
    missing_for_next_stage: list[str] = Field(
        description="Items that still block the move to the next stage (keys)."
    )
    participants: list[ParticipantOut] = Field(
        description="The buying center of this decision.", validation_alias="participant_list"
    )
    has_decision_maker: bool
    stage_changes: list[StageChangeOut] = Field(validation_alias="stage_change_list")


class OpportunityIn(InputSchema):
    title: Name | None = Field(None, description="Required unless created from a whitespace cell.")
    value: Value | None = Field(
        None, description="Required unless created from a whitespace cell (then its potential)."
    )
    expected_close: dt.date
    stage: Stage = Stage.IDENTIFIED
    probability: Probability | None = Field(None, description="Default: the stage's usual probability.")
    owner_id: int | None = Field(None, description="The KAM or a team member; default: you.")
    whitespace_cell_id: int | None = Field(
        None, description="An opportunity cell of the account's whitespace matrix to start from."
    )
    plan_goal_id: int | None = None
    description: Text = ""
    product_group: Name | None = Field(None, description="Default from the whitespace cell, if any.")
    competitive_position: CompetitivePosition = CompetitivePosition.UNKNOWN
    main_competitor: Name = ""
    selling_approach: SellingApproach = SellingApproach.NEED
    sales_strategy: Text = ""
    next_steps: Text = ""
    next_step_due: dt.date | None = None
    close_reason: CloseReason | None = Field(
        None, description="Only for an opportunity recorded as won or lost."
    )
    close_note: Text = ""
    closed_on: dt.date | None = None


class OpportunityPatch(_NullableFieldsPatch):
    NULLABLE: ClassVar[frozenset[str]] = frozenset(
        {"whitespace_cell_id", "plan_goal_id", "next_step_due", "closed_on"}
    )

    version: int | None = Field(None, ge=1, description="The version you read; 409 if it changed since.")
    title: Name | None = None
    value: Value | None = None
    probability: Probability | None = None
    expected_close: dt.date | None = None
    owner_id: int | None = None
    whitespace_cell_id: int | None = None
    plan_goal_id: int | None = None
    description: Text | None = None
    product_group: Name | None = None
    competitive_position: CompetitivePosition | None = None
    main_competitor: Name | None = None
    selling_approach: SellingApproach | None = None
    sales_strategy: Text | None = None
    next_steps: Text | None = None
    next_step_due: dt.date | None = None
    close_reason: CloseReason | None = None
    close_note: Text | None = None
    closed_on: dt.date | None = None


class MoveIn(InputSchema):
    stage: Stage
    version: int | None = Field(None, ge=1, description="The version you read; 409 if it changed since.")
    probability: Probability | None = Field(None, description="Default: the new stage's usual probability.")
    close_reason: CloseReason | None = Field(None, description="Required for won and lost.")
    close_note: Text = ""
    closed_on: dt.date | None = Field(None, description="For won and lost; default: today.")


class ParticipantIn(InputSchema):
    stakeholder_id: int
    roles: list[BuyingRole] = Field(default_factory=list)
    note: str = Field("", max_length=500)


class ParticipantPatch(PatchSchema):
    roles: list[BuyingRole] | None = None
    note: str | None = Field(None, max_length=500)

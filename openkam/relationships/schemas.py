"""Request and response schemas of the relationships API (``openkam.relationships.api``).

Bodies name people by id (``user_id``, ``stakeholder_id``, ``owner_id``; lists of ids for the
participants of a contact); answers name them with id and name. Unknown fields are refused
(422), null is refused except where a field may be cleared.
"""

import datetime as dt
from typing import Annotated, ClassVar

from django.utils.translation import gettext
from ninja import Schema
from pydantic import Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from openkam.core.api import InputSchema, PatchSchema, UserRef

from .choices import (
    FIRST_YEAR,
    LAST_YEAR,
    Cadence,
    ContactKind,
    ContactStatus,
    PlanStatus,
    TouchpointKind,
    TouchpointStatus,
)

Text = Annotated[str, Field(max_length=10000)]
Year = Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR)]
Quarter = Annotated[int, Field(ge=1, le=4)]


class _NullableFieldsPatch(PatchSchema):
    """A patch in which the fields named in ``NULLABLE`` may be sent as null to clear them."""

    NULLABLE: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_null(cls, value, info: ValidationInfo):
        if value is None and info.field_name not in cls.NULLABLE:
            raise PydanticCustomError("null", gettext("Leave the field out instead of sending null."))
        return value


class PersonRef(Schema):
    id: int
    name: str

    @staticmethod
    def resolve_name(obj) -> str:
        return str(obj)


class CounterpartOut(Schema):
    stakeholder_id: int
    user_id: int


class FollowUpOut(Schema):
    id: int
    description: str
    owner: UserRef | None
    due_on: dt.date | None
    done: bool
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class ContactOut(Schema):
    id: int
    kind: ContactKind
    status: ContactStatus
    date: dt.date
    time: dt.time | None
    title: str
    location: str
    topics: str
    outcomes: str
    stakeholders: list[PersonRef] = Field(description="Customer participants (stakeholders of the account).")
    participants: list[UserRef] = Field(description="Our participants (owner and team).")
    counterparts: list[CounterpartOut] = Field(
        description="Who of us looks after which customer participant."
    )
    follow_ups: list[FollowUpOut]
    created_by: UserRef | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_stakeholders(obj) -> list:
        return list(obj.stakeholders.all())

    @staticmethod
    def resolve_participants(obj) -> list:
        return list(obj.participants.all())

    @staticmethod
    def resolve_counterparts(obj) -> list:
        return list(obj.counterparts.all())

    @staticmethod
    def resolve_follow_ups(obj) -> list:
        return list(obj.follow_ups.all())


class CounterpartIn(InputSchema):
    stakeholder_id: int
    user_id: int | None = Field(description="One of our participants; null removes the assignment.")


class FollowUpIn(InputSchema):
    description: str = Field(max_length=300)
    owner_id: int | None = None
    due_on: dt.date | None = None
    done: bool = False


class FollowUpPatch(_NullableFieldsPatch):
    NULLABLE: ClassVar[frozenset[str]] = frozenset({"owner_id", "due_on"})

    version: int | None = Field(None, ge=1, description="The version you read; 409 if it changed since.")
    description: str | None = Field(None, max_length=300)
    owner_id: int | None = None
    due_on: dt.date | None = None
    done: bool | None = None


class ContactIn(InputSchema):
    title: str = Field(max_length=200)
    date: dt.date
    kind: ContactKind = ContactKind.MEETING
    status: ContactStatus = ContactStatus.HELD
    time: dt.time | None = None
    location: str = Field("", max_length=200)
    topics: Text = ""
    outcomes: Text = ""
    stakeholders: list[int] = Field([], description="Ids of stakeholders of the account.")
    participants: list[int] = Field([], description="Ids of the account owner or team members.")
    counterparts: list[CounterpartIn] = []
    follow_ups: list[FollowUpIn] = []


class ContactPatch(_NullableFieldsPatch):
    NULLABLE: ClassVar[frozenset[str]] = frozenset({"time"})

    version: int | None = Field(None, ge=1, description="The version you read; 409 if it changed since.")
    title: str | None = Field(None, max_length=200)
    date: dt.date | None = None
    kind: ContactKind | None = None
    status: ContactStatus | None = None
    time: dt.time | None = None
    location: str | None = Field(None, max_length=200)
    topics: Text | None = None
    outcomes: Text | None = None
    stakeholders: list[int] | None = Field(None, description="Replaces the customer participants.")
    participants: list[int] | None = Field(None, description="Replaces our participants.")
    counterparts: list[CounterpartIn] | None = Field(
        None, description="Assignments to set or (user_id null) remove; others stay."
    )


class ContactQuery(InputSchema):
    status: ContactStatus | None = None
    since: dt.date | None = Field(None, description="Only contacts on or after this date.")


class BriefStakeholderOut(Schema):
    id: int
    name: str
    function: str
    business_unit: str
    hierarchy_level: str
    buying_roles: list[str]
    attitude: int | None
    influence: int | None
    is_coach: bool
    relationship_owner: UserRef | None
    last_contact_on: dt.date | None


class LastContactOut(Schema):
    id: int
    date: dt.date
    kind: ContactKind
    title: str
    outcomes: str


class ColourHintOut(Schema):
    colour: str
    summary: str
    prepare: str
    open: str
    argue: str
    close: str
    avoid: str


class MotiveHintOut(Schema):
    motive: str
    appeal: str


class PersonalityOut(Schema):
    colours: list[str] = Field(description="The dominant colour first, in words.")
    strongest_motives: list[str]
    weakest_motives: list[str]
    colour_hints: list[ColourHintOut] = Field(description="How to prepare, open, argue and close.")
    motive_hints: list[MotiveHintOut]


class BriefParticipantOut(Schema):
    stakeholder: BriefStakeholderOut
    counterpart: UserRef | None
    last_contacts: list[LastContactOut]
    personality: PersonalityOut | None = Field(
        None, description="Only for callers with the personality permission; absent otherwise."
    )


class PlanActionOut(Schema):
    id: int
    title: str
    owner: UserRef
    due_date: dt.date
    plan_id: int


class BriefOut(Schema):
    contact: ContactOut
    participants: list[BriefParticipantOut]
    open_follow_ups: list[FollowUpOut]
    open_plan_actions: list[PlanActionOut]
    open_plan_actions_total: int


class LinkOut(Schema):
    id: int
    user: UserRef
    stakeholder: PersonRef
    cadence: Cadence
    occasion: str
    aim: str
    next_on: dt.date | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class LinkIn(InputSchema):
    user_id: int
    stakeholder_id: int
    cadence: Cadence = Cadence.QUARTERLY
    occasion: str = Field("", max_length=200)
    aim: str = Field("", max_length=300)
    next_on: dt.date | None = None


class LinkPatch(_NullableFieldsPatch):
    NULLABLE: ClassVar[frozenset[str]] = frozenset({"next_on"})

    version: int | None = Field(None, ge=1, description="The version you read; 409 if it changed since.")
    user_id: int | None = None
    stakeholder_id: int | None = None
    cadence: Cadence | None = None
    occasion: str | None = Field(None, max_length=200)
    aim: str | None = Field(None, max_length=300)
    next_on: dt.date | None = None


class PlanQuery(InputSchema):
    year: Year | None = Field(None, description="Default: the running year.")


class PlanLineOut(Schema):
    link: LinkOut
    planned: int = Field(description="Contacts due by today (pro rata in the running year).")
    planned_full_year: int
    actual: int = Field(description="Contacts held in the year with both people taking part.")
    status: PlanStatus
    overdue: bool = Field(description="The next date has passed.")
    last_held: dt.date | None


class PlanOut(Schema):
    year: int
    today: dt.date
    days_passed: int
    days_in_year: int
    lines: list[PlanLineOut]


class TouchpointOut(Schema):
    id: int
    stakeholder: PersonRef
    year: int
    quarter: int
    kind: TouchpointKind
    description: str
    owner: UserRef | None
    status: TouchpointStatus
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class TouchpointIn(InputSchema):
    stakeholder_id: int
    year: Year
    quarter: Quarter
    kind: TouchpointKind
    description: str = Field("", max_length=300)
    owner_id: int | None = None
    status: TouchpointStatus = TouchpointStatus.PLANNED


class TouchpointPatch(_NullableFieldsPatch):
    NULLABLE: ClassVar[frozenset[str]] = frozenset({"owner_id"})

    version: int | None = Field(None, ge=1, description="The version you read; 409 if it changed since.")
    stakeholder_id: int | None = None
    year: Year | None = None
    quarter: Quarter | None = None
    kind: TouchpointKind | None = None
    description: str | None = Field(None, max_length=300)
    owner_id: int | None = None
    status: TouchpointStatus | None = None


class TouchpointQuery(InputSchema):
    year: Year | None = Field(None, description="Only this year's touchpoints.")

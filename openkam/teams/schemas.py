"""Request and response schemas of the teams API (``openkam.teams.api``).

Bodies name people by id (``user_id``, ``owner_id``; a list of ids for the participants of a
meeting); answers name them with id and name. Unknown fields are refused (422), null is refused
except where a field may be cleared.
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
    AccountRole,
    ActionStatus,
    GoalStatus,
    MeetingCadence,
    MeetingFormat,
    MeetingStatus,
)

Text = Annotated[str, Field(max_length=20000)]
Year = Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR)]


def _version():
    return Field(None, ge=1, description="The version you read; 409 if it changed since.")


class _NullableFieldsPatch(PatchSchema):
    """A patch in which the fields named in ``NULLABLE`` may be sent as null to clear them."""

    NULLABLE: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_null(cls, value, info: ValidationInfo):
        if value is None and info.field_name not in cls.NULLABLE:
            raise PydanticCustomError("null", gettext("Leave the field out instead of sending null."))
        return value


# Roles ------------------------------------------------------------------------------------------


class RoleHolderOut(Schema):
    assignment_id: int
    user: UserRef
    on_team: bool = Field(description="False when the colleague has left the team since.")


class RoleCoverageOut(Schema):
    role: AccountRole
    label: str
    uncovered: bool = Field(description="Nobody on the team covers the role.")
    people: list[RoleHolderOut]


class RoleAssignmentOut(Schema):
    id: int
    role: AccountRole
    user: UserRef
    created_at: dt.datetime


class RoleAssignIn(InputSchema):
    role: AccountRole
    user_id: int = Field(description="The key account manager or a member of the account team.")


# Member goals -----------------------------------------------------------------------------------


class MemberGoalOut(Schema):
    id: int
    user: UserRef
    year: int
    title: str
    measure: str
    target: str
    status: GoalStatus
    result: str
    bonus_relevant: bool | None = Field(
        None,
        description="Only for the goal's member, the key account manager and management; absent otherwise.",
    )
    bonus_weight: int | None = Field(
        None,
        description="Per cent of the member's bonus on this account; absent like bonus_relevant.",
    )
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class MemberGoalIn(InputSchema):
    user_id: int | None = Field(
        None, description="Default: you. Only the key account manager sets goals of others."
    )
    year: Year
    title: str = Field(max_length=300)
    measure: str = Field("", max_length=200)
    target: str = Field("", max_length=100)
    bonus_relevant: bool = False
    bonus_weight: int | None = Field(None, ge=0, le=100)
    status: GoalStatus = GoalStatus.OPEN
    result: Text = ""


class MemberGoalPatch(_NullableFieldsPatch):
    NULLABLE: ClassVar[frozenset[str]] = frozenset({"bonus_weight"})

    version: int | None = _version()
    user_id: int | None = None
    year: Year | None = None
    title: str | None = Field(None, max_length=300)
    measure: str | None = Field(None, max_length=200)
    target: str | None = Field(None, max_length=100)
    bonus_relevant: bool | None = None
    bonus_weight: int | None = Field(None, ge=0, le=100)
    status: GoalStatus | None = None
    result: Text | None = None


class MemberGoalQuery(InputSchema):
    year: Year | None = Field(None, description="Only this year's goals.")
    user_id: int | None = Field(None, description="Only this member's goals.")


# Cadence ----------------------------------------------------------------------------------------


class MeetingRef(Schema):
    id: int
    title: str
    date: dt.date


class TeamCadenceOut(Schema):
    cadence: MeetingCadence
    notes: str
    stored: bool = Field(description="False while the quarterly default applies.")
    version: int
    last_held: MeetingRef | None = Field(description="The latest team meeting held.")
    next_due: dt.date = Field(description="The last meeting held plus the cadence; today without one.")
    overdue: bool = Field(description="The due date has passed without a meeting held.")
    next_planned: MeetingRef | None = Field(description="The earliest planned meeting from today on.")


class TeamCadencePatch(PatchSchema):
    version: int | None = _version()
    cadence: MeetingCadence | None = None
    notes: Text | None = None


# Meetings ---------------------------------------------------------------------------------------


class DecisionOut(Schema):
    id: int
    text: str
    created_at: dt.datetime


class MeetingActionOut(Schema):
    id: int
    title: str
    owner: UserRef
    due_on: dt.date | None
    status: ActionStatus
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class TeamMeetingOut(Schema):
    id: int
    date: dt.date
    meeting_format: MeetingFormat
    title: str
    status: MeetingStatus
    agenda: str
    minutes: str
    participants: list[UserRef]
    decisions: list[DecisionOut]
    actions: list[MeetingActionOut]
    created_by: UserRef | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_participants(obj) -> list:
        return list(obj.participants.all())

    @staticmethod
    def resolve_decisions(obj) -> list:
        return list(obj.decisions.all())

    @staticmethod
    def resolve_actions(obj) -> list:
        return list(obj.actions.all())


class TeamMeetingIn(InputSchema):
    title: str = Field(max_length=200)
    date: dt.date
    meeting_format: MeetingFormat = MeetingFormat.CALL
    status: MeetingStatus = MeetingStatus.PLANNED
    agenda: Text = ""
    minutes: Text = ""
    participants: list[int] = Field([], description="Ids of the key account manager or team members.")


class TeamMeetingPatch(PatchSchema):
    version: int | None = _version()
    title: str | None = Field(None, max_length=200)
    date: dt.date | None = None
    meeting_format: MeetingFormat | None = None
    status: MeetingStatus | None = None
    agenda: Text | None = None
    minutes: Text | None = None
    participants: list[int] | None = Field(None, description="Replaces the participants.")


class TeamMeetingQuery(InputSchema):
    year: Year | None = Field(None, description="Only meetings in this year.")
    status: MeetingStatus | None = None


class LayOutIn(InputSchema):
    year: Year


class DecisionIn(InputSchema):
    text: str = Field(min_length=1, max_length=5000)


class MeetingActionIn(InputSchema):
    title: str = Field(max_length=300)
    owner_id: int
    due_on: dt.date | None = None
    status: ActionStatus = ActionStatus.OPEN


class MeetingActionPatch(_NullableFieldsPatch):
    NULLABLE: ClassVar[frozenset[str]] = frozenset({"due_on"})

    version: int | None = _version()
    title: str | None = Field(None, max_length=300)
    owner_id: int | None = None
    due_on: dt.date | None = None
    status: ActionStatus | None = None

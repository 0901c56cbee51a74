"""Request and response schemas of the RACI API (``openkam.raci.api`` and ``api_me``).

Bodies name people by id (``user_id``); answers name them with id and name. Unknown fields are
refused (422), and so is null in a PATCH body.
"""

from typing import Annotated

from ninja import Schema
from pydantic import Field

from openkam.core.api import InputSchema, PatchSchema

from .choices import Direction, Letter

Title = Annotated[str, Field(min_length=1, max_length=200)]
Description = Annotated[str, Field(max_length=4000)]


class RaciLetterIn(InputSchema):
    user_id: int = Field(description="The key account manager or a member of the account team.")
    letter: Letter


class RaciLetterOut(Schema):
    user_id: int
    letter: Letter


class RaciPersonOut(Schema):
    id: int
    name: str
    internal_role: str = Field(
        description="The team member's internal role; empty for the KAM and former members."
    )
    is_kam: bool
    scope: str = Field(description="core or extended for team members; empty for the KAM and former members.")
    on_team: bool = Field(description="False for someone who left the team but still holds letters.")


class RaciTaskOut(Schema):
    id: int
    title: str
    description: str
    template_key: str = Field(
        description="The built-in template the task was created from; empty for own tasks."
    )
    position: int
    version: int
    letters: list[RaciLetterOut]
    problems: list[str] = Field(
        description="Rule breaks of the row: no_accountable, several_accountable, no_responsible, former_member."
    )


class RaciProblemOut(Schema):
    kind: str
    message: str
    task_id: int | None
    user_id: int | None


class RaciMatrixOut(Schema):
    people: list[RaciPersonOut] = Field(
        description="The columns: KAM, core team, extended team, former members."
    )
    tasks: list[RaciTaskOut]
    problems: list[RaciProblemOut]


class RaciTaskIn(InputSchema):
    title: Title
    description: Description = ""
    letters: list[RaciLetterIn] = Field(
        description="The row: exactly one A, at least one R, one letter per person, people on the team only."
    )


class RaciTaskPatch(PatchSchema):
    version: int | None = Field(None, ge=1, description="The task version you read; 409 if it changed since.")
    title: Title | None = None
    description: Description | None = None
    letters: list[RaciLetterIn] | None = Field(
        None, description="Replaces the whole row (people left out get an empty cell); checked as a whole."
    )


class RaciCellIn(InputSchema):
    letter: Letter
    version: int | None = Field(None, ge=1, description="The task version you read; 409 if it changed since.")
    move_accountable: bool = Field(
        False, description="With letter A: empty the cell of the current Accountable in the same edit."
    )


class RaciCellQuery(InputSchema):
    version: int | None = Field(None, ge=1, description="The task version you read; 409 if it changed since.")


class RaciMoveIn(InputSchema):
    direction: Direction


class RaciSuggestedOut(Schema):
    letter: Letter
    roles: str = Field(description="The internal roles the template gives this letter, readable.")


class RaciTemplateOut(Schema):
    key: str
    title: str
    description: str
    suggested: list[RaciSuggestedOut]
    for_team: list[RaciLetterOut] = Field(description="The letters the template would give the current team.")
    notes: list[str] = Field(description="What the team would have to adapt (missing roles).")
    possible: bool
    applied: bool = Field(description="The matrix has a task from this template already.")


class RaciTemplatesApplyIn(InputSchema):
    keys: list[str] | None = Field(
        None, description="Template keys; leave out to add every missing template."
    )


class RaciTemplatesApplyOut(Schema):
    created: list[RaciTaskOut]
    skipped: list[str] = Field(description="Templates the matrix had already.")
    notes: list[str]


class RaciDutyOut(Schema):
    task_id: int
    title: str
    letter: Letter


class RaciAccountDutiesOut(Schema):
    account_id: int
    account_name: str
    duties: list[RaciDutyOut]

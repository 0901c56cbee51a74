"""API operations on the opportunities of a key account (mounted under /accounts).

See openkam/api.py for authentication and the error format, docs/opportunities.md for the rules.
Opportunities are loaded only through their account's access helper (404 for what the caller may
not see); the services decide who may change them (the KAM and every team member: 403 for
others) and validate (422 with field messages, e.g. the missing checklist items of a refused
move). PATCH and move bodies may carry the ``version`` the client read; when someone else saved
in between, the answer is 409 with the stored version and values.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Status
from pydantic import Field

from openkam.accounts.permissions import get_account_for_user
from openkam.business.models import WhitespaceCell
from openkam.core.api import InputSchema, refuse_unknown_query, with_errors
from openkam.plans.models import Goal
from openkam.stakeholders.models import Stakeholder
from openkam.users.models import User

from . import services
from .choices import CLOSED_STAGES, OPEN_STAGES, QUALIFICATION, Stage
from .models import Opportunity
from .permissions import get_opportunity_for_user, get_participant_for_user
from .schemas import (
    CheckOut,
    MoveIn,
    OpportunityDetailOut,
    OpportunityIn,
    OpportunityOut,
    OpportunityPatch,
    ParticipantIn,
    ParticipantOut,
    ParticipantPatch,
)
from .selectors import (
    has_decision_maker,
    missing_for_next_stage,
    opportunities_for_account,
    opportunity_with_details,
)

router = Router(tags=["Opportunities"])

_OPP = "/{account_id}/opportunities/{opportunity_id}"


class OpportunityFilter(InputSchema):
    status: str | None = Field(None, pattern="^(open|closed)$", description="open or closed; default: all.")
    stage: Stage | None = None


def _detail(opportunity: Opportunity) -> dict:
    opportunity_with_details(opportunity)
    ticked = {check.item: check for check in opportunity.checks.all()}
    participants = list(opportunity.participants.all())
    checklist = [
        {
            "stage": stage,
            "item": key,
            "label": str(label),
            "checked": key in ticked,
            "checked_by": ticked[key].checked_by if key in ticked else None,
            "checked_at": ticked[key].checked_at if key in ticked else None,
        }
        for stage in OPEN_STAGES
        for key, label in QUALIFICATION[stage]
    ]
    # The detail schema reads these like the model's own fields.
    opportunity.checklist = checklist
    opportunity.missing_for_next_stage = [key for _stage, key, _label in missing_for_next_stage(opportunity)]
    opportunity.participant_list = participants
    opportunity.has_decision_maker = has_decision_maker(participants)
    opportunity.stage_change_list = list(opportunity.stage_changes.all())
    return opportunity


#: Service fields that the API names by their id.
_ID_FIELDS = {
    "owner": "owner_id",
    "whitespace_cell": "whitespace_cell_id",
    "plan_goal": "plan_goal_id",
    "stakeholder": "stakeholder_id",
}


@contextmanager
def _id_fields():
    """Name a rule break after the body's field (``owner_id``), not the service's (``owner``)."""
    try:
        yield
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise ValidationError(
            {_ID_FIELDS.get(field, field): errors for field, errors in exc.error_dict.items()}
        ) from exc


def _named(model, pk, field: str, message: str, **extra):
    """An object of the account named by id in a body, or a 422 naming the field."""
    obj = model.objects.filter(pk=pk, **extra).first()
    if obj is None:
        raise ValidationError({field: message})
    return obj


def _links(account, values: dict) -> dict:
    """Turn the ids of a body into the objects the services take (they check the account)."""
    if "owner_id" in values:
        pk = values.pop("owner_id")
        owner = None if pk is None else User.objects.filter(pk=pk).first()
        if pk is not None and owner is None:
            raise ValidationError(
                {
                    "owner": gettext(
                        "Choose the key account manager or a member of the account team as the owner."
                    )
                }
            )
        values["owner"] = owner
    if "whitespace_cell_id" in values:
        pk = values.pop("whitespace_cell_id")
        values["whitespace_cell"] = (
            None
            if pk is None
            else _named(
                WhitespaceCell,
                pk,
                "whitespace_cell",
                gettext("Choose a whitespace cell of this account."),
                account=account,
            )
        )
    if "plan_goal_id" in values:
        pk = values.pop("plan_goal_id")
        values["plan_goal"] = (
            None
            if pk is None
            else _named(
                Goal,
                pk,
                "plan_goal",
                gettext("Choose a goal of one of this account's plans."),
                plan__account=account,
            )
        )
    return values


@router.get(
    "/{account_id}/opportunities",
    response=with_errors({200: list[OpportunityOut]}, 401, 404, 422),
    operation_id="opportunities_list",
    summary=_("List the opportunities of a key account"),
)
def opportunities_list(request, account_id: int, filters: Query[OpportunityFilter]):
    """By expected close; ``status`` narrows to open or closed ones, ``stage`` to one stage."""
    refuse_unknown_query(request, OpportunityFilter)
    account = get_account_for_user(request.auth, account_id)
    rows = opportunities_for_account(account)
    if filters.status == "open":
        rows = rows.filter(stage__in=OPEN_STAGES)
    elif filters.status == "closed":
        rows = rows.filter(stage__in=CLOSED_STAGES)
    if filters.stage:
        rows = rows.filter(stage=filters.stage)
    return list(rows)


@router.post(
    "/{account_id}/opportunities",
    response=with_errors({201: OpportunityDetailOut}, 401, 403, 404, 422),
    operation_id="opportunity_create",
    summary=_("Add an opportunity"),
)
def opportunity_add(request, account_id: int, payload: OpportunityIn):
    """With ``whitespace_cell_id`` (an opportunity cell of the account) the title, product group
    and value default to the cell's ("<product group> for <unit>", its potential)."""
    account = get_account_for_user(request.auth, account_id)
    with _id_fields():
        values = _links(account, payload.dict())
    cell = values.get("whitespace_cell")
    if cell is not None:
        if values.get("title") is None:
            values["title"] = gettext("%(product_group)s for %(unit)s") % {
                "product_group": cell.product_group,
                "unit": cell.unit.name,
            }
        if values.get("product_group") is None:
            values["product_group"] = cell.product_group
        if values.get("value") is None and cell.potential is not None:
            values["value"] = cell.potential
    missing = {
        name: [gettext("This field is required.")] for name in ("title", "value") if values.get(name) is None
    }
    if missing:
        raise ValidationError(missing)
    if values.get("product_group") is None:
        values["product_group"] = ""
    if values.get("close_reason") is None:
        values["close_reason"] = ""
    with _id_fields():
        opportunity = services.opportunity_create(actor=request.auth, account=account, **values)
    opportunity.account = account
    return Status(201, _detail(opportunity))


@router.get(
    _OPP,
    response=with_errors({200: OpportunityDetailOut}, 401, 404),
    operation_id="opportunity_get",
    summary=_("Show an opportunity"),
)
def opportunity_get(request, account_id: int, opportunity_id: int):
    """With its qualification checklist, the buying center of the decision and the stage history."""
    return _detail(get_opportunity_for_user(request.auth, account_id, opportunity_id))


@router.patch(
    _OPP,
    response=with_errors({200: OpportunityDetailOut}, 401, 403, 404, 409, 422),
    operation_id="opportunity_update",
    summary=_("Change an opportunity"),
)
def opportunity_patch(request, account_id: int, opportunity_id: int, payload: OpportunityPatch):
    """Fields left out stay unchanged; the stage changes with the move operation only."""
    opportunity = get_opportunity_for_user(request.auth, account_id, opportunity_id)
    values = payload.changed()
    version = values.pop("version", None)
    if "close_reason" in values and values["close_reason"] is None:
        values["close_reason"] = ""
    with _id_fields():
        values = _links(opportunity.account, values)
        opportunity = services.opportunity_update(
            actor=request.auth, opportunity=opportunity, version=version, **values
        )
    return _detail(opportunity)


@router.delete(
    _OPP,
    response=with_errors({204: None}, 401, 403, 404),
    operation_id="opportunity_delete",
    summary=_("Remove an opportunity"),
)
def opportunity_remove(request, account_id: int, opportunity_id: int):
    opportunity = get_opportunity_for_user(request.auth, account_id, opportunity_id)
    services.opportunity_delete(actor=request.auth, opportunity=opportunity)
    return Status(204, None)


@router.post(
    f"{_OPP}/move",
    response=with_errors({200: OpportunityDetailOut}, 401, 403, 404, 409, 422),
    operation_id="opportunity_move",
    summary=_("Move an opportunity to another stage"),
)
def opportunity_move(request, account_id: int, opportunity_id: int, payload: MoveIn):
    """Forwards only when the qualification checklist of every stage being left is ticked (422
    naming the missing items under ``stage``); backwards always; won and lost need a
    ``close_reason``. The probability resets to the new stage's unless given."""
    opportunity = get_opportunity_for_user(request.auth, account_id, opportunity_id)
    values = payload.dict()
    values["close_reason"] = values["close_reason"] or ""
    opportunity = services.opportunity_move(actor=request.auth, opportunity=opportunity, **values)
    return _detail(opportunity)


def _checklist_item(item: str) -> str:
    if not any(key == item for items in QUALIFICATION.values() for key, _label in items):
        raise ValidationError({"item": gettext("Choose an item of the qualification checklist.")})
    return item


@router.put(
    f"{_OPP}/checks/{{check_item}}",
    response=with_errors({200: list[CheckOut]}, 401, 403, 404, 422),
    operation_id="opportunity_check_set",
    summary=_("Tick an item of the qualification checklist"),
)
def opportunity_check_set(request, account_id: int, opportunity_id: int, check_item: str):
    """Ticking a ticked item changes nothing. Answers the whole checklist."""
    opportunity = get_opportunity_for_user(request.auth, account_id, opportunity_id)
    services.check_set(
        actor=request.auth, opportunity=opportunity, item=_checklist_item(check_item), checked=True
    )
    return _detail(opportunity).checklist


@router.delete(
    f"{_OPP}/checks/{{check_item}}",
    response=with_errors({204: None}, 401, 403, 404, 422),
    operation_id="opportunity_check_clear",
    summary=_("Untick an item of the qualification checklist"),
)
def opportunity_check_clear(request, account_id: int, opportunity_id: int, check_item: str):
    opportunity = get_opportunity_for_user(request.auth, account_id, opportunity_id)
    services.check_set(
        actor=request.auth, opportunity=opportunity, item=_checklist_item(check_item), checked=False
    )
    return Status(204, None)


# Buying center of the decision ------------------------------------------------------------------


def _participants(opportunity) -> list:
    return list(
        opportunity.participants.select_related("stakeholder").order_by("stakeholder__last_name", "pk")
    )


@router.get(
    f"{_OPP}/participants",
    response=with_errors({200: list[ParticipantOut]}, 401, 404),
    operation_id="opportunity_participants_list",
    summary=_("List the buying center of an opportunity"),
)
def opportunity_participants_list(request, account_id: int, opportunity_id: int):
    return _participants(get_opportunity_for_user(request.auth, account_id, opportunity_id))


@router.post(
    f"{_OPP}/participants",
    response=with_errors({201: ParticipantOut}, 401, 403, 404, 422),
    operation_id="opportunity_participant_add",
    summary=_("Add a person to the buying center of an opportunity"),
)
def opportunity_participant_add(request, account_id: int, opportunity_id: int, payload: ParticipantIn):
    """``stakeholder_id`` names a stakeholder of the account; a person already in the decision
    gets the roles and note sent."""
    opportunity = get_opportunity_for_user(request.auth, account_id, opportunity_id)
    stakeholder = Stakeholder.objects.filter(pk=payload.stakeholder_id).first()
    if stakeholder is None or stakeholder.account_id != opportunity.account_id:
        raise ValidationError({"stakeholder_id": gettext("Choose a stakeholder of this account.")})
    with _id_fields():
        participant = services.participant_set(
            actor=request.auth,
            opportunity=opportunity,
            stakeholder=stakeholder,
            roles=payload.roles,
            note=payload.note,
        )
    return Status(201, participant)


@router.patch(
    f"{_OPP}/participants/{{participant_id}}",
    response=with_errors({200: ParticipantOut}, 401, 403, 404, 422),
    operation_id="opportunity_participant_update",
    summary=_("Change a person's roles in the decision"),
)
def opportunity_participant_update(
    request, account_id: int, opportunity_id: int, participant_id: int, payload: ParticipantPatch
):
    participant = get_participant_for_user(request.auth, account_id, opportunity_id, participant_id)
    values = payload.changed()
    return services.participant_set(
        actor=request.auth,
        opportunity=participant.opportunity,
        stakeholder=participant.stakeholder,
        roles=values.get("roles", participant.roles),
        note=values.get("note", participant.note),
    )


@router.delete(
    f"{_OPP}/participants/{{participant_id}}",
    response=with_errors({204: None}, 401, 403, 404),
    operation_id="opportunity_participant_remove",
    summary=_("Remove a person from the buying center of an opportunity"),
)
def opportunity_participant_remove(request, account_id: int, opportunity_id: int, participant_id: int):
    participant = get_participant_for_user(request.auth, account_id, opportunity_id, participant_id)
    services.participant_remove(actor=request.auth, participant=participant)
    return Status(204, None)

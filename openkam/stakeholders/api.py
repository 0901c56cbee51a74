"""API operations on the buying center of a key account (mounted under /accounts).

See openkam/api.py for authentication and the error format. Stakeholders are loaded only
through their account's access helper, so a stakeholder of an account the caller may not see
answers 404; the services decide who may change them (the owner and the core team).
"""

from datetime import datetime

from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema, Status

from openkam.accounts.permissions import get_account_for_user
from openkam.core.api import InputSchema, PatchSchema, with_errors

from .permissions import get_stakeholder_for_user
from .selectors import stakeholders_for_account
from .services import stakeholder_create, stakeholder_delete, stakeholder_update

router = Router(tags=["stakeholders"])


class StakeholderOut(Schema):
    id: int
    first_name: str
    last_name: str
    function: str
    business_unit: str
    email: str
    phone: str
    created_at: datetime
    updated_at: datetime


class StakeholderIn(InputSchema):
    first_name: str
    last_name: str
    function: str = ""
    business_unit: str = ""
    email: str = ""
    phone: str = ""


class StakeholderPatch(PatchSchema):
    first_name: str | None = None
    last_name: str | None = None
    function: str | None = None
    business_unit: str | None = None
    email: str | None = None
    phone: str | None = None


@router.get(
    "/{account_id}/stakeholders",
    response=with_errors({200: list[StakeholderOut]}, 401, 404),
    operation_id="stakeholders_list",
    summary=_("List the stakeholders of a key account"),
)
def stakeholders_list(request, account_id: int):
    """The people of the buying center, by last name."""
    return stakeholders_for_account(get_account_for_user(request.auth, account_id))


@router.post(
    "/{account_id}/stakeholders",
    response=with_errors({201: StakeholderOut}, 401, 403, 404, 422),
    operation_id="stakeholder_create",
    summary=_("Add a stakeholder to a key account"),
)
def stakeholder_add(request, account_id: int, payload: StakeholderIn):
    """The owner and the core team add people; the data is validated like in the form."""
    account = get_account_for_user(request.auth, account_id)
    return Status(201, stakeholder_create(actor=request.auth, account=account, **payload.model_dump()))


@router.get(
    "/{account_id}/stakeholders/{stakeholder_id}",
    response=with_errors({200: StakeholderOut}, 401, 404),
    operation_id="stakeholder_get",
    summary=_("Show a stakeholder"),
)
def stakeholder_get(request, account_id: int, stakeholder_id: int):
    return get_stakeholder_for_user(request.auth, account_id, stakeholder_id)


@router.patch(
    "/{account_id}/stakeholders/{stakeholder_id}",
    response=with_errors({200: StakeholderOut}, 401, 403, 404, 422),
    operation_id="stakeholder_update",
    summary=_("Change a stakeholder"),
)
def stakeholder_patch(request, account_id: int, stakeholder_id: int, payload: StakeholderPatch):
    """Fields left out stay unchanged; send an empty string to clear an optional field."""
    stakeholder = get_stakeholder_for_user(request.auth, account_id, stakeholder_id)
    return stakeholder_update(actor=request.auth, stakeholder=stakeholder, **payload.changed())


@router.delete(
    "/{account_id}/stakeholders/{stakeholder_id}",
    response=with_errors({204: None}, 401, 403, 404),
    operation_id="stakeholder_delete",
    summary=_("Remove a stakeholder"),
)
def stakeholder_remove(request, account_id: int, stakeholder_id: int):
    stakeholder = get_stakeholder_for_user(request.auth, account_id, stakeholder_id)
    stakeholder_delete(actor=request.auth, stakeholder=stakeholder)
    return Status(204, None)


settings_router = Router(tags=["stakeholders"])

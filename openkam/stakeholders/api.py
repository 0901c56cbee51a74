"""API operations on the buying center of a key account (mounted under /accounts) and on the
company's buying-center settings (``settings_router``, mounted under /buying-center-settings).

See openkam/api.py for authentication and the error format, docs/stakeholders.md for the rules.
Stakeholders are loaded only through their account's access helper, so a stakeholder of an
account the caller may not see answers 404; the services decide who may change them (the owner
and the core team: 403 for others) and validate (422). PATCH bodies may carry the ``version``
the client read; when someone else saved in between, the answer is 409. The settings exist for
administrators only (404 for everyone else).
"""

from datetime import date, datetime
from typing import Annotated, ClassVar

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema, Status
from pydantic import Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from openkam.accounts.permissions import get_account_for_user
from openkam.core.api import InputSchema, PatchSchema, UserRef, refuse_unknown_query, with_errors
from openkam.users.models import User

from . import services
from .choices import Attitude, BuyingRole, HierarchyLevel, Influence, RelationshipStrength
from .models import BuyingCenterSettings, Stakeholder
from .permissions import get_stakeholder_for_user, require_settings_admin
from .selectors import StakeholderFilter, buying_center_for_account, stakeholders_for_account

router = Router(tags=["stakeholders"])

Text = Annotated[str, Field(max_length=4000)]
# Level and roles are checked by the service, whose errors name the value that is wrong.
_LEVELS = "One of " + ", ".join(HierarchyLevel.values) + "; empty: not known."
_ROLES = "Roles in buying decisions, each of " + ", ".join(BuyingRole.values) + "."


class StakeholderOut(Schema):
    id: int
    first_name: str
    last_name: str
    function: str
    business_unit: str
    email: str
    phone: str
    hierarchy_level: str = Field(description=_LEVELS)
    reports_to_id: int | None = Field(description="The person this one reports to, of the same account.")
    buying_roles: list[str] = Field(description=_ROLES)
    is_coach: bool
    attitude: int | None = Field(description="2 champion, 1 supporter, 0 neutral, -1 sceptic, -2 opponent")
    influence: int | None = Field(description="1 (very low) to 5 (very high)")
    relationship_strength: int | None = Field(description="0 (none) to 5 (trusted)")
    relationship_owner: UserRef | None = Field(description="The colleague of ours who owns the relationship.")
    last_contact_on: date | None = Field(description="Maintained by the contact log; read only.")
    notes: str
    anonymised_at: datetime | None = Field(description="Set when the person was anonymised; read only then.")
    version: int
    created_at: datetime
    updated_at: datetime


def _resolve_links(account, values: dict) -> dict:
    """Replace the ids of a body by the people they name, checked (422 naming the field)."""
    if "reports_to_id" in values:
        boss_id = values.pop("reports_to_id")
        boss = None
        if boss_id is not None:
            # Only people of this account: an id of another account is as unknown as a missing one.
            boss = Stakeholder.objects.filter(account=account, pk=boss_id).first()
            if boss is None:
                raise ValidationError({"reports_to_id": gettext("Choose a person of this account.")})
        values["reports_to"] = boss
    if "relationship_owner_id" in values:
        owner_id = values.pop("relationship_owner_id")
        owner = None
        if owner_id is not None:
            owner = User.objects.filter(pk=owner_id, is_active=True).first()
            if owner is None:
                raise ValidationError(
                    {"relationship_owner_id": gettext("Choose the key account manager or a team member.")}
                )
        values["relationship_owner"] = owner
    return values


def _renamed(exc: ValidationError) -> ValidationError:
    """Name the API's fields in the services' errors (``reports_to`` → ``reports_to_id``)."""
    if not hasattr(exc, "error_dict"):
        return exc
    names = {"reports_to": "reports_to_id", "relationship_owner": "relationship_owner_id"}
    return ValidationError({names.get(field, field): errors for field, errors in exc.message_dict.items()})


class StakeholderIn(InputSchema):
    first_name: str = Field(max_length=100)
    last_name: str = Field(max_length=100)
    function: str = Field("", max_length=150)
    business_unit: str = Field("", max_length=150)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)
    hierarchy_level: str = Field("", max_length=20, description=_LEVELS)
    reports_to_id: int | None = None
    buying_roles: list[str] = Field(default_factory=list, max_length=20, description=_ROLES)
    is_coach: bool = False
    attitude: Attitude | None = None
    influence: Influence | None = None
    relationship_strength: RelationshipStrength | None = None
    relationship_owner_id: int | None = None
    notes: Text = ""


class StakeholderPatch(PatchSchema):
    NULLABLE: ClassVar[frozenset[str]] = frozenset(
        {"reports_to_id", "attitude", "influence", "relationship_strength", "relationship_owner_id"}
    )

    version: int | None = Field(None, ge=1, description="The version you read; 409 if it changed since.")
    first_name: str | None = Field(None, max_length=100)
    last_name: str | None = Field(None, max_length=100)
    function: str | None = Field(None, max_length=150)
    business_unit: str | None = Field(None, max_length=150)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=40)
    hierarchy_level: str | None = Field(None, max_length=20, description=_LEVELS)
    reports_to_id: int | None = Field(None, description="null: reports to nobody recorded.")
    buying_roles: list[str] | None = Field(None, max_length=20, description=_ROLES)
    is_coach: bool | None = None
    attitude: Attitude | None = None
    influence: Influence | None = None
    relationship_strength: RelationshipStrength | None = None
    relationship_owner_id: int | None = None
    notes: Text | None = None

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_null(cls, value, info: ValidationInfo):
        # Clearing a person link or a rating takes null; text fields are cleared with "".
        if value is None and info.field_name not in cls.NULLABLE:
            raise PydanticCustomError("null", gettext("Leave the field out instead of sending null."))
        return value


class StakeholderQuery(InputSchema):
    level: HierarchyLevel | None = None
    role: BuyingRole | None = None
    attitude: Attitude | None = None


@router.get(
    "/{account_id}/stakeholders",
    response=with_errors({200: list[StakeholderOut]}, 401, 404, 422),
    operation_id="stakeholders_list",
    summary=_("List the stakeholders of a key account"),
)
def stakeholders_list(request, account_id: int, filters: Query[StakeholderQuery]):
    """The people of the buying center, by last name; ``level``, ``role`` and ``attitude`` filter."""
    refuse_unknown_query(request, StakeholderQuery)
    account = get_account_for_user(request.auth, account_id)
    if not (filters.level or filters.role or filters.attitude is not None):
        return stakeholders_for_account(account)
    chosen = StakeholderFilter(level=filters.level or "", role=filters.role or "", attitude=filters.attitude)
    people = buying_center_for_account(account, chosen)
    return sorted(people, key=lambda s: (s.last_name, s.first_name, s.pk))


@router.post(
    "/{account_id}/stakeholders",
    response=with_errors({201: StakeholderOut}, 401, 403, 404, 422),
    operation_id="stakeholder_create",
    summary=_("Add a stakeholder to a key account"),
)
def stakeholder_add(request, account_id: int, payload: StakeholderIn):
    """The owner and the core team add people; the data is validated like in the form."""
    account = get_account_for_user(request.auth, account_id)
    values = _resolve_links(account, payload.model_dump())
    try:
        stakeholder = services.stakeholder_create(actor=request.auth, account=account, **values)
    except ValidationError as exc:
        raise _renamed(exc) from exc
    return Status(201, stakeholder)


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
    response=with_errors({200: StakeholderOut}, 401, 403, 404, 409, 422),
    operation_id="stakeholder_update",
    summary=_("Change a stakeholder"),
)
def stakeholder_patch(request, account_id: int, stakeholder_id: int, payload: StakeholderPatch):
    """Fields left out stay unchanged; send an empty string to clear a text field and null to
    clear a person link or a rating. An anonymised stakeholder cannot be changed (422)."""
    stakeholder = get_stakeholder_for_user(request.auth, account_id, stakeholder_id)
    values = _resolve_links(stakeholder.account, payload.changed())
    try:
        return services.stakeholder_update(actor=request.auth, stakeholder=stakeholder, **values)
    except ValidationError as exc:
        raise _renamed(exc) from exc


@router.delete(
    "/{account_id}/stakeholders/{stakeholder_id}",
    response=with_errors({204: None}, 401, 403, 404),
    operation_id="stakeholder_delete",
    summary=_("Remove a stakeholder"),
)
def stakeholder_remove(request, account_id: int, stakeholder_id: int):
    stakeholder = get_stakeholder_for_user(request.auth, account_id, stakeholder_id)
    services.stakeholder_delete(actor=request.auth, stakeholder=stakeholder)
    return Status(204, None)


# Buying-center settings -------------------------------------------------------------------------

settings_router = Router(tags=["stakeholders"])

Days = Annotated[int, Field(ge=7, le=730)]


class BuyingCenterSettingsOut(Schema):
    personality_enabled: bool
    decision_maker_contact_days: int
    blocker_influence_threshold: int
    blocker_engagement_days: int
    single_thread_share: int
    retention_months: int
    purge_grace_days: int
    personality_profiles: int = Field(description="How many personality profiles are stored.")
    version: int
    updated_at: datetime


class BuyingCenterSettingsPatch(PatchSchema):
    version: int | None = Field(None, ge=1, description="The version you read; 409 if it changed since.")
    personality_enabled: bool | None = Field(
        None, description="Switching off deletes every stored personality profile."
    )
    decision_maker_contact_days: Days | None = None
    blocker_influence_threshold: Influence | None = None
    blocker_engagement_days: Days | None = None
    single_thread_share: Annotated[int, Field(ge=30, le=100)] | None = None
    retention_months: Annotated[int, Field(ge=1, le=240)] | None = None
    purge_grace_days: Annotated[int, Field(ge=1, le=365)] | None = None
    confirm_delete_profiles: bool | None = Field(
        None, description="Required (true) to switch personality profiles off while profiles exist."
    )


def _settings_out(obj: BuyingCenterSettings) -> dict:
    return {
        **{field: getattr(obj, field) for field in services.SETTINGS_FIELDS},
        "personality_profiles": services.personality_profile_count(),
        "version": obj.version,
        "updated_at": obj.updated_at,
    }


@settings_router.get(
    "",
    response=with_errors({200: BuyingCenterSettingsOut}, 401, 404),
    operation_id="buying_center_settings_get",
    summary=_("Show the buying-center settings"),
)
def buying_center_settings_get(request):
    """Administrators only; everyone else gets 404."""
    require_settings_admin(request.auth)
    return _settings_out(BuyingCenterSettings.current())


@settings_router.patch(
    "",
    response=with_errors({200: BuyingCenterSettingsOut}, 401, 404, 409, 422),
    operation_id="buying_center_settings_update",
    summary=_("Change the buying-center settings"),
)
def buying_center_settings_update(request, payload: BuyingCenterSettingsPatch):
    """Switching personality profiles off while profiles exist needs ``"confirm_delete_profiles": true``
    (422 otherwise) and deletes them all."""
    require_settings_admin(request.auth)
    values = payload.changed()
    confirm = bool(values.pop("confirm_delete_profiles", False))
    obj = services.buying_center_settings_update(
        actor=request.auth, confirm_delete_profiles=confirm, **values
    )
    return _settings_out(obj)

"""API operations on the requirements, competitors and partners, and wallet estimates of a key
account, and on the shares computed from them (mounted under /accounts).

See openkam/api.py for authentication and the error format, docs/competition.md for the rules.
Objects are loaded only through their account's access helper (404 for what the caller may not
see); the services decide who may change them (the owner and the core team: 403 for others) and
validate (422). PATCH bodies may carry the ``version`` the client read; when someone else saved
in between, the answer is 409 with the stored version and values.
"""

from datetime import datetime
from decimal import Decimal
from typing import Annotated, ClassVar

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema, Status
from pydantic import Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from openkam.accounts.permissions import get_account_for_user
from openkam.core.api import InputSchema, PatchSchema, with_errors

from . import services
from .choices import SCALE_MAX, SCALE_MIN, CompetitorKind, Trend
from .models import FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR, Competitor
from .permissions import get_competitor_for_user, get_requirement_for_user, get_wallet_for_user
from .selectors import (
    competitors_for_account,
    main_competitor,
    relative_market_share,
    requirement_rows,
    requirements_for_account,
)

router = Router(tags=["Requirements and competitors"])

Rating = Annotated[int, Field(ge=SCALE_MIN, le=SCALE_MAX)]
Share = Annotated[Decimal, Field(ge=0, le=100, max_digits=4, decimal_places=1)]
Year = Annotated[int, Field(ge=FIRST_FISCAL_YEAR, le=LAST_FISCAL_YEAR)]
Amount = Annotated[Decimal, Field(gt=0, max_digits=16, decimal_places=2)]
Text = Annotated[str, Field(max_length=4000)]


class _NullableFieldsPatch(PatchSchema):
    """A patch in which the fields named in ``NULLABLE`` may be sent as null to clear them."""

    NULLABLE: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_null(cls, value, info: ValidationInfo):
        if value is None and info.field_name not in cls.NULLABLE:
            raise PydanticCustomError("null", gettext("Leave the field out instead of sending null."))
        return value


# Requirements -----------------------------------------------------------------------------------


class RequirementOut(Schema):
    id: int
    text: str
    importance: int
    our_performance: int
    competitor_id: int | None = Field(
        description="The competitor named for the comparison; null: the main one."
    )
    compared_with: str | None = Field(description="The competitor actually compared with (named or main).")
    competitor_performance: int | None
    gap: int | None = Field(
        description="Our performance minus the competitor's; positive where we are ahead."
    )
    quadrant: str = Field(description="concentrate, keep_up, low_priority or overkill")
    notes: str
    source: str
    version: int
    created_at: datetime
    updated_at: datetime


def _requirement_out(row) -> dict:
    req = row.requirement
    return {
        "id": req.pk,
        "text": req.text,
        "importance": req.importance,
        "our_performance": req.our_performance,
        "competitor_id": req.competitor_id,
        "compared_with": row.compared_with,
        "competitor_performance": req.competitor_performance,
        "gap": row.point.gap,
        "quadrant": row.point.quadrant,
        "notes": req.notes,
        "source": req.source,
        "version": req.version,
        "created_at": req.created_at,
        "updated_at": req.updated_at,
    }


def _rows(account, requirements=None):
    main = main_competitor(competitors_for_account(account))
    return requirement_rows(
        requirements if requirements is not None else requirements_for_account(account), main
    )


class RequirementIn(InputSchema):
    text: str = Field(max_length=300)
    importance: Rating
    our_performance: Rating
    competitor_id: int | None = None
    competitor_performance: Rating | None = None
    notes: Text = ""
    source: str = Field("", max_length=200)


class RequirementPatch(_NullableFieldsPatch):
    NULLABLE: ClassVar[frozenset[str]] = frozenset({"competitor_id", "competitor_performance"})

    version: int | None = Field(None, ge=1, description="The version you read; 409 if it changed since.")
    text: str | None = Field(None, max_length=300)
    importance: Rating | None = None
    our_performance: Rating | None = None
    competitor_id: int | None = None
    competitor_performance: Rating | None = None
    notes: Text | None = None
    source: str | None = Field(None, max_length=200)


def _competitor_of(account, competitor_id: int | None) -> Competitor | None:
    """The competitor a body names by id, or a 422 naming the field if it is not one of the account's."""
    if competitor_id is None:
        return None
    competitor = Competitor.objects.filter(account=account, pk=competitor_id).first()
    if competitor is None:
        raise ValidationError({"competitor_id": gettext("Choose a competitor of this account.")})
    return competitor


def _with_competitor(account, values: dict) -> dict:
    if "competitor_id" in values:
        values["competitor"] = _competitor_of(account, values.pop("competitor_id"))
    return values


@router.get(
    "/{account_id}/requirements",
    response=with_errors({200: list[RequirementOut]}, 401, 404),
    operation_id="requirements_list",
    summary=_("List the customer requirements of a key account"),
)
def requirements_list(request, account_id: int):
    """Most important first, each with the competitor it is compared with, the gap and its quadrant."""
    account = get_account_for_user(request.auth, account_id)
    return [_requirement_out(row) for row in _rows(account)]


@router.post(
    "/{account_id}/requirements",
    response=with_errors({201: RequirementOut}, 401, 403, 404, 422),
    operation_id="requirement_create",
    summary=_("Add a customer requirement"),
)
def requirement_add(request, account_id: int, payload: RequirementIn):
    """Ratings are whole numbers from 1 to 5; ``competitor_id`` names a competitor of the account."""
    account = get_account_for_user(request.auth, account_id)
    values = _with_competitor(account, payload.model_dump())
    requirement = services.requirement_create(actor=request.auth, account=account, **values)
    return Status(201, _requirement_out(_rows(account, [requirement])[0]))


@router.get(
    "/{account_id}/requirements/{requirement_id}",
    response=with_errors({200: RequirementOut}, 401, 404),
    operation_id="requirement_get",
    summary=_("Show a customer requirement"),
)
def requirement_get(request, account_id: int, requirement_id: int):
    requirement = get_requirement_for_user(request.auth, account_id, requirement_id)
    return _requirement_out(_rows(requirement.account, [requirement])[0])


@router.patch(
    "/{account_id}/requirements/{requirement_id}",
    response=with_errors({200: RequirementOut}, 401, 403, 404, 409, 422),
    operation_id="requirement_update",
    summary=_("Change a customer requirement"),
)
def requirement_patch(request, account_id: int, requirement_id: int, payload: RequirementPatch):
    """Fields left out stay unchanged; ``competitor_id`` or ``competitor_performance`` null clears them."""
    requirement = get_requirement_for_user(request.auth, account_id, requirement_id)
    values = payload.changed()
    version = values.pop("version", None)
    values = _with_competitor(requirement.account, values)
    requirement = services.requirement_update(
        actor=request.auth, requirement=requirement, version=version, **values
    )
    return _requirement_out(_rows(requirement.account, [requirement])[0])


@router.delete(
    "/{account_id}/requirements/{requirement_id}",
    response=with_errors({204: None}, 401, 403, 404),
    operation_id="requirement_delete",
    summary=_("Remove a customer requirement"),
)
def requirement_remove(request, account_id: int, requirement_id: int):
    requirement = get_requirement_for_user(request.auth, account_id, requirement_id)
    services.requirement_delete(actor=request.auth, requirement=requirement)
    return Status(204, None)


# Competitors and partners -----------------------------------------------------------------------


class CompetitorOut(Schema):
    id: int
    name: str
    kind: CompetitorKind
    supplies: str
    share_of_wallet: Decimal | None = Field(
        description="Estimated share of the customer's wallet in percent."
    )
    strengths: str
    threats: str
    trend: Trend | None
    forecast: str
    version: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_trend(obj) -> str | None:
        return obj.trend or None


class CompetitorIn(InputSchema):
    name: str = Field(max_length=150)
    kind: CompetitorKind = CompetitorKind.COMPETITOR
    supplies: Text = ""
    share_of_wallet: Share | None = None
    strengths: Text = ""
    threats: Text = ""
    trend: Trend | None = None
    forecast: Text = ""


class CompetitorPatch(_NullableFieldsPatch):
    NULLABLE: ClassVar[frozenset[str]] = frozenset({"share_of_wallet", "trend"})

    version: int | None = Field(None, ge=1, description="The version you read; 409 if it changed since.")
    name: str | None = Field(None, max_length=150)
    kind: CompetitorKind | None = None
    supplies: Text | None = None
    share_of_wallet: Share | None = None
    strengths: Text | None = None
    threats: Text | None = None
    trend: Trend | None = None
    forecast: Text | None = None


def _trend(values: dict) -> dict:
    # The model stores "no forecast" as an empty string; the API speaks null.
    if "trend" in values and values["trend"] is None:
        values["trend"] = ""
    return values


@router.get(
    "/{account_id}/competitors",
    response=with_errors({200: list[CompetitorOut]}, 401, 404),
    operation_id="competitors_list",
    summary=_("List the competitors and partners at a key account"),
)
def competitors_list(request, account_id: int):
    """Competitors first, then partners; each by estimated share of wallet, largest first."""
    return competitors_for_account(get_account_for_user(request.auth, account_id))


@router.post(
    "/{account_id}/competitors",
    response=with_errors({201: CompetitorOut}, 401, 403, 404, 422),
    operation_id="competitor_create",
    summary=_("Add a competitor or partner at a key account"),
)
def competitor_add(request, account_id: int, payload: CompetitorIn):
    """Estimated shares, ours included, may not add up to more than 100 % (422 naming the numbers)."""
    account = get_account_for_user(request.auth, account_id)
    competitor = services.competitor_create(
        actor=request.auth, account=account, **_trend(payload.model_dump())
    )
    return Status(201, competitor)


@router.get(
    "/{account_id}/competitors/{competitor_id}",
    response=with_errors({200: CompetitorOut}, 401, 404),
    operation_id="competitor_get",
    summary=_("Show a competitor or partner"),
)
def competitor_get(request, account_id: int, competitor_id: int):
    return get_competitor_for_user(request.auth, account_id, competitor_id)


@router.patch(
    "/{account_id}/competitors/{competitor_id}",
    response=with_errors({200: CompetitorOut}, 401, 403, 404, 409, 422),
    operation_id="competitor_update",
    summary=_("Change a competitor or partner"),
)
def competitor_patch(request, account_id: int, competitor_id: int, payload: CompetitorPatch):
    """Fields left out stay unchanged; ``share_of_wallet`` or ``trend`` null clears them."""
    competitor = get_competitor_for_user(request.auth, account_id, competitor_id)
    values = payload.changed()
    version = values.pop("version", None)
    return services.competitor_update(
        actor=request.auth, competitor=competitor, version=version, **_trend(values)
    )


@router.delete(
    "/{account_id}/competitors/{competitor_id}",
    response=with_errors({204: None}, 401, 403, 404),
    operation_id="competitor_delete",
    summary=_("Remove a competitor or partner"),
)
def competitor_remove(request, account_id: int, competitor_id: int):
    """Requirements compared with it are compared with the main competitor from then on."""
    competitor = get_competitor_for_user(request.auth, account_id, competitor_id)
    services.competitor_delete(actor=request.auth, competitor=competitor)
    return Status(204, None)


# Wallet estimates -------------------------------------------------------------------------------


class WalletOut(Schema):
    id: int
    fiscal_year: int
    amount: Decimal
    notes: str
    version: int
    created_at: datetime
    updated_at: datetime


class WalletIn(InputSchema):
    fiscal_year: Year
    amount: Amount
    notes: Text = ""


class WalletPatch(PatchSchema):
    version: int | None = Field(None, ge=1, description="The version you read; 409 if it changed since.")
    fiscal_year: Year | None = None
    amount: Amount | None = None
    notes: Text | None = None


@router.get(
    "/{account_id}/wallets",
    response=with_errors({200: list[WalletOut]}, 401, 404),
    operation_id="wallets_list",
    summary=_("List the wallet estimates of a key account"),
)
def wallets_list(request, account_id: int):
    """The customer's estimated spend in our categories per fiscal year, newest first."""
    account = get_account_for_user(request.auth, account_id)
    return account.wallet_estimates.order_by("-fiscal_year")


@router.post(
    "/{account_id}/wallets",
    response=with_errors({201: WalletOut}, 401, 403, 404, 422),
    operation_id="wallet_create",
    summary=_("Add a wallet estimate"),
)
def wallet_add(request, account_id: int, payload: WalletIn):
    """One per fiscal year; not less than our own revenue that year; shares within 100 %."""
    account = get_account_for_user(request.auth, account_id)
    return Status(201, services.wallet_create(actor=request.auth, account=account, **payload.model_dump()))


@router.get(
    "/{account_id}/wallets/{wallet_id}",
    response=with_errors({200: WalletOut}, 401, 404),
    operation_id="wallet_get",
    summary=_("Show a wallet estimate"),
)
def wallet_get(request, account_id: int, wallet_id: int):
    return get_wallet_for_user(request.auth, account_id, wallet_id)


@router.patch(
    "/{account_id}/wallets/{wallet_id}",
    response=with_errors({200: WalletOut}, 401, 403, 404, 409, 422),
    operation_id="wallet_update",
    summary=_("Change a wallet estimate"),
)
def wallet_patch(request, account_id: int, wallet_id: int, payload: WalletPatch):
    wallet = get_wallet_for_user(request.auth, account_id, wallet_id)
    values = payload.changed()
    version = values.pop("version", None)
    return services.wallet_update(actor=request.auth, wallet=wallet, version=version, **values)


@router.delete(
    "/{account_id}/wallets/{wallet_id}",
    response=with_errors({204: None}, 401, 403, 404),
    operation_id="wallet_delete",
    summary=_("Remove a wallet estimate"),
)
def wallet_remove(request, account_id: int, wallet_id: int):
    wallet = get_wallet_for_user(request.auth, account_id, wallet_id)
    services.wallet_delete(actor=request.auth, wallet=wallet)
    return Status(204, None)


# Shares -----------------------------------------------------------------------------------------


class SharesOut(Schema):
    fiscal_year: int | None = Field(description="The fiscal year of the wallet estimate used.")
    wallet: Decimal | None
    our_revenue: Decimal | None = Field(
        description="Our net revenue with the customer that year (sales ledger)."
    )
    our_share: Decimal | None = Field(description="Our share of wallet in percent.")
    largest_competitor: str | None
    largest_share: Decimal | None = Field(description="The largest competitor's estimated share in percent.")
    relative: Decimal | None = Field(
        description="Relative market share: our share ÷ the largest competitor's."
    )
    reason_missing: str | None = Field(description="Why ``relative`` is null, in the caller's language.")


@router.get(
    "/{account_id}/shares",
    response=with_errors({200: SharesOut}, 401, 404),
    operation_id="competition_shares",
    summary=_("Show our share of wallet and relative market share at a key account"),
)
def shares_get(request, account_id: int):
    """Our share of wallet and our relative market share (our share ÷ the largest competitor's)."""
    return relative_market_share(get_account_for_user(request.auth, account_id))

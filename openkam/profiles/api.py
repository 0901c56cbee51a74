"""API operations on the key account profile, the account's market and the SWOT (under /accounts).

See openkam/api.py for authentication and the error format, and docs/profiles.md for the rules.
The account is loaded through its access helper (404 for accounts the caller may not see) and
entries through their account; the services decide who may change them (the owner and the core
team: 403 for other readers). PATCH bodies may carry the ``version`` the client last read: when
someone else saved since, the answer is 409 with the stored version and values.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema, Status
from pydantic import BeforeValidator, Field

from openkam.accounts.models import KeyAccount
from openkam.accounts.permissions import get_account_for_user
from openkam.core.api import InputSchema, PatchSchema, refuse_unknown_query, with_errors

from . import services
from .choices import FactKind, MarketKind, Quadrant
from .models import MAX_SOURCE, MAX_SWOT_TEXT, MAX_TEXT, MAX_TITLE, MAX_TURNOVER_DIGITS, MIN_YEAR, ProfileFact
from .permissions import get_market_entry_for_user, get_profile_fact_for_user, get_swot_item_for_user
from .selectors import (
    facts_for_account,
    market_entries_for_account,
    profile_page,
    stale_cutoff,
    swot_items_for_account,
)

router = Router(tags=["Account profile and market"])


def _empty_to_none(value: Any) -> Any:
    return None if value == "" else value


# In a PATCH an empty string clears a date or a number (null is refused there, see PatchSchema).
ClearableDate = Annotated[date | None, BeforeValidator(_empty_to_none)]
Amount = Annotated[Decimal, Field(ge=0, max_digits=MAX_TURNOVER_DIGITS, decimal_places=2)]
ClearableAmount = Annotated[Amount | None, BeforeValidator(_empty_to_none)]
ClearableCount = Annotated[
    Annotated[int, Field(ge=0, le=2_147_483_647)] | None, BeforeValidator(_empty_to_none)
]
ClearableYear = Annotated[Annotated[int, Field(ge=MIN_YEAR, le=2200)] | None, BeforeValidator(_empty_to_none)]
ClearableId = Annotated[int | None, BeforeValidator(_empty_to_none)]


class CustomerRef(Schema):
    id: int
    number: str
    name: str
    legal_form: str
    city: str
    country: str


class ProfileOut(Schema):
    """The profile with the customer master's values where the team has recorded none."""

    account_id: int
    version: int = Field(description="Send it back with a PATCH; 1 while the profile has never been saved.")
    legal_name: str
    legal_form: str
    industry: str
    from_customer_master: list[str] = Field(description="Fields shown from the customer master.")
    entity_source: str
    entity_as_of: date | None
    turnover: Decimal | None
    employees: int | None
    size_year: int | None
    size_source: str
    size_as_of: date | None
    strategy: str
    strategy_source: str
    strategy_as_of: date | None
    stale_sections: list[str] = Field(
        description="Sections with content that are stale: entity, size, strategy."
    )
    stale_facts: int = Field(
        description="Stale facts of the profile and the market, these sections included."
    )
    parent: CustomerRef | None
    subsidiaries: list[CustomerRef]
    updated_at: datetime | None


class ProfilePatch(PatchSchema):
    version: int | None = Field(None, ge=1)
    legal_name: str | None = Field(None, max_length=200)
    legal_form: str | None = Field(None, max_length=40)
    industry: str | None = Field(None, max_length=120)
    entity_source: str | None = Field(None, max_length=MAX_SOURCE)
    entity_as_of: ClearableDate = None
    turnover: ClearableAmount = None
    employees: ClearableCount = None
    size_year: ClearableYear = None
    size_source: str | None = Field(None, max_length=MAX_SOURCE)
    size_as_of: ClearableDate = None
    strategy: str | None = Field(None, max_length=MAX_TEXT)
    strategy_source: str | None = Field(None, max_length=MAX_SOURCE)
    strategy_as_of: ClearableDate = None


class FactOut(Schema):
    id: int
    kind: FactKind
    title: str
    details: str
    source: str
    as_of: date | None
    stale: bool
    version: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_stale(obj, context) -> bool:
        return obj.is_stale(_cutoff(context))


class FactIn(InputSchema):
    kind: FactKind
    title: str = Field(max_length=MAX_TITLE)
    details: str = Field("", max_length=MAX_TEXT)
    source: str = Field(max_length=MAX_SOURCE)
    as_of: date | None = None


class FactPatch(PatchSchema):
    version: int | None = Field(None, ge=1)
    kind: FactKind | None = None
    title: str | None = Field(None, max_length=MAX_TITLE)
    details: str | None = Field(None, max_length=MAX_TEXT)
    source: str | None = Field(None, max_length=MAX_SOURCE)
    as_of: ClearableDate = None


class KindFilter(InputSchema):
    kind: FactKind | None = None


class MarketEntryOut(Schema):
    id: int
    kind: MarketKind
    title: str
    details: str
    initiative_id: int | None = Field(description="Hurdles: the strategic initiative (a profile fact).")
    how_we_help: str
    source: str
    as_of: date | None
    stale: bool
    version: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_stale(obj, context) -> bool:
        return obj.is_stale(_cutoff(context))


class MarketEntryIn(InputSchema):
    kind: MarketKind
    title: str = Field(max_length=MAX_TITLE)
    details: str = Field("", max_length=MAX_TEXT)
    initiative_id: int | None = None
    how_we_help: str = Field("", max_length=MAX_TEXT)
    source: str = Field(max_length=MAX_SOURCE)
    as_of: date | None = None


class MarketEntryPatch(PatchSchema):
    version: int | None = Field(None, ge=1)
    kind: MarketKind | None = None
    title: str | None = Field(None, max_length=MAX_TITLE)
    details: str | None = Field(None, max_length=MAX_TEXT)
    initiative_id: ClearableId = Field(None, description='"" unlinks the initiative.')
    how_we_help: str | None = Field(None, max_length=MAX_TEXT)
    source: str | None = Field(None, max_length=MAX_SOURCE)
    as_of: ClearableDate = None


class MarketKindFilter(InputSchema):
    kind: MarketKind | None = None


class SwotItemOut(Schema):
    id: int
    quadrant: Quadrant
    text: str
    position: int
    version: int
    created_at: datetime
    updated_at: datetime


class SwotItemIn(InputSchema):
    quadrant: Quadrant
    text: str = Field(max_length=MAX_SWOT_TEXT)
    position: int | None = Field(None, ge=1, description="1-based place in the list; default: at its end.")


class SwotItemPatch(PatchSchema):
    version: int | None = Field(None, ge=1)
    quadrant: Quadrant | None = None
    text: str | None = Field(None, max_length=MAX_SWOT_TEXT)
    position: int | None = Field(None, ge=1)


class QuadrantFilter(InputSchema):
    quadrant: Quadrant | None = None


def _as_api_fields(exc: ValidationError, names: dict[str, str]) -> ValidationError:
    """The service's ValidationError with its field names translated to those of the request."""
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({names.get(field, field): errors for field, errors in exc.error_dict.items()})


def _initiative(account: KeyAccount, pk: int | str | None) -> ProfileFact | None:
    """The strategic initiative ``pk`` of ``account`` (None for no id or ""); 422 for any other id."""
    if pk in (None, ""):
        return None
    initiative = facts_for_account(account, FactKind.STRATEGIC_INITIATIVE).filter(pk=pk).first()
    if initiative is None:
        raise ValidationError(
            {"initiative_id": gettext("Choose a strategic initiative of this key account.")}
        )
    return initiative


def _cutoff(context) -> date:
    """The stale cutoff, computed once per request so every entry of a list is judged alike."""
    request = context["request"]
    if not hasattr(request, "profile_stale_cutoff"):
        request.profile_stale_cutoff = stale_cutoff()
    return request.profile_stale_cutoff


# The profile --------------------------------------------------------------------------------------


def _profile_out(account: KeyAccount) -> dict:
    page = profile_page(account)
    profile = page.profile
    stored = {
        name: getattr(profile, name)
        for name in (
            "version",
            "entity_source",
            "entity_as_of",
            "turnover",
            "employees",
            "size_year",
            "size_source",
            "size_as_of",
            "strategy",
            "strategy_source",
            "strategy_as_of",
        )
    }
    return {
        "account_id": account.pk,
        "legal_name": page.legal_name,
        "legal_form": page.legal_form,
        "industry": page.industry,
        "from_customer_master": sorted(page.from_master),
        "stale_sections": sorted(page.stale),
        "stale_facts": page.stale_count,
        "parent": page.parent,
        "subsidiaries": page.subsidiaries,
        "updated_at": profile.updated_at if profile.pk else None,
        **stored,
    }


@router.get(
    "/{account_id}/profile",
    response=with_errors({200: ProfileOut}, 401, 404),
    operation_id="account_profile_get",
    summary=_("Show the key account profile"),
)
def profile_get(request, account_id: int):
    """Legal entity, industry, size and strategy with their sources, and the group structure."""
    return _profile_out(get_account_for_user(request.auth, account_id))


@router.patch(
    "/{account_id}/profile",
    response=with_errors({200: ProfileOut}, 401, 403, 404, 409, 422),
    operation_id="account_profile_update",
    summary=_("Change the key account profile"),
)
def profile_patch(request, account_id: int, payload: ProfilePatch):
    """Fields left out stay unchanged; "" clears a field. A section with content needs a source."""
    account = get_account_for_user(request.auth, account_id)
    values = payload.changed()
    services.profile_update(actor=request.auth, account=account, **({"version": None} | values))
    return _profile_out(account)


# Profile entries ----------------------------------------------------------------------------------


@router.get(
    "/{account_id}/profile/facts",
    response=with_errors({200: list[FactOut]}, 401, 404, 422),
    operation_id="account_profile_facts_list",
    summary=_("List the entries of the key account profile"),
)
def profile_facts_list(request, account_id: int, filters: Query[KindFilter]):
    """Sites, countries, business units, further group companies, strategic initiatives and key
    facts, by kind and title; ``kind`` filters."""
    refuse_unknown_query(request, KindFilter)
    return facts_for_account(get_account_for_user(request.auth, account_id), filters.kind or "")


@router.post(
    "/{account_id}/profile/facts",
    response=with_errors({201: FactOut}, 401, 403, 404, 422),
    operation_id="account_profile_fact_create",
    summary=_("Add an entry to the key account profile"),
)
def profile_fact_create(request, account_id: int, payload: FactIn):
    account = get_account_for_user(request.auth, account_id)
    return Status(201, services.fact_create(actor=request.auth, account=account, **payload.model_dump()))


@router.get(
    "/{account_id}/profile/facts/{profile_fact_id}",
    response=with_errors({200: FactOut}, 401, 404),
    operation_id="account_profile_fact_get",
    summary=_("Show an entry of the key account profile"),
)
def profile_fact_get(request, account_id: int, profile_fact_id: int):
    return get_profile_fact_for_user(request.auth, account_id, profile_fact_id)


@router.patch(
    "/{account_id}/profile/facts/{profile_fact_id}",
    response=with_errors({200: FactOut}, 401, 403, 404, 409, 422),
    operation_id="account_profile_fact_update",
    summary=_("Change an entry of the key account profile"),
)
def profile_fact_patch(request, account_id: int, profile_fact_id: int, payload: FactPatch):
    fact = get_profile_fact_for_user(request.auth, account_id, profile_fact_id)
    values = payload.changed()
    return services.fact_update(actor=request.auth, fact=fact, **({"version": None} | values))


@router.delete(
    "/{account_id}/profile/facts/{profile_fact_id}",
    response=with_errors({204: None}, 401, 403, 404, 422),
    operation_id="account_profile_fact_delete",
    summary=_("Remove an entry of the key account profile"),
)
def profile_fact_delete(request, account_id: int, profile_fact_id: int):
    """A strategic initiative that hurdles belong to is refused with 422."""
    fact = get_profile_fact_for_user(request.auth, account_id, profile_fact_id)
    services.fact_delete(actor=request.auth, fact=fact)
    return Status(204, None)


# The account's market ------------------------------------------------------------------------------


@router.get(
    "/{account_id}/market",
    response=with_errors({200: list[MarketEntryOut]}, 401, 404, 422),
    operation_id="market_entries_list",
    summary=_("List the entries on the key account's market"),
)
def market_entries_list(request, account_id: int, filters: Query[MarketKindFilter]):
    """Its customers, competitors, trends, drivers, external factors and hurdles, by kind and title."""
    refuse_unknown_query(request, MarketKindFilter)
    return market_entries_for_account(get_account_for_user(request.auth, account_id), filters.kind or "")


_MARKET_NAMES = {"initiative": "initiative_id"}


@router.post(
    "/{account_id}/market",
    response=with_errors({201: MarketEntryOut}, 401, 403, 404, 422),
    operation_id="market_entry_create",
    summary=_("Add an entry on the key account's market"),
)
def market_entry_create(request, account_id: int, payload: MarketEntryIn):
    """A hurdle needs ``initiative_id`` (a strategic initiative of the account); other kinds have
    neither an initiative nor ``how_we_help``."""
    account = get_account_for_user(request.auth, account_id)
    values = payload.model_dump()
    try:
        values["initiative"] = _initiative(account, values.pop("initiative_id"))
        entry = services.market_entry_create(actor=request.auth, account=account, **values)
    except ValidationError as exc:
        raise _as_api_fields(exc, _MARKET_NAMES) from exc
    return Status(201, entry)


@router.get(
    "/{account_id}/market/{market_entry_id}",
    response=with_errors({200: MarketEntryOut}, 401, 404),
    operation_id="market_entry_get",
    summary=_("Show an entry on the key account's market"),
)
def market_entry_get(request, account_id: int, market_entry_id: int):
    return get_market_entry_for_user(request.auth, account_id, market_entry_id)


@router.patch(
    "/{account_id}/market/{market_entry_id}",
    response=with_errors({200: MarketEntryOut}, 401, 403, 404, 409, 422),
    operation_id="market_entry_update",
    summary=_("Change an entry on the key account's market"),
)
def market_entry_patch(request, account_id: int, market_entry_id: int, payload: MarketEntryPatch):
    entry = get_market_entry_for_user(request.auth, account_id, market_entry_id)
    values = payload.changed()
    try:
        if "initiative_id" in values:
            values["initiative"] = _initiative(entry.account, values.pop("initiative_id"))
        entry = services.market_entry_update(actor=request.auth, entry=entry, **({"version": None} | values))
    except ValidationError as exc:
        raise _as_api_fields(exc, _MARKET_NAMES) from exc
    return entry


@router.delete(
    "/{account_id}/market/{market_entry_id}",
    response=with_errors({204: None}, 401, 403, 404),
    operation_id="market_entry_delete",
    summary=_("Remove an entry on the key account's market"),
)
def market_entry_delete(request, account_id: int, market_entry_id: int):
    entry = get_market_entry_for_user(request.auth, account_id, market_entry_id)
    services.market_entry_delete(actor=request.auth, entry=entry)
    return Status(204, None)


# SWOT ---------------------------------------------------------------------------------------------


@router.get(
    "/{account_id}/swot",
    response=with_errors({200: list[SwotItemOut]}, 401, 404, 422),
    operation_id="swot_items_list",
    summary=_("List the SWOT of our position at the key account"),
)
def swot_items_list(request, account_id: int, filters: Query[QuadrantFilter]):
    """Strengths, weaknesses, opportunities and threats, each list in its order."""
    refuse_unknown_query(request, QuadrantFilter)
    return swot_items_for_account(get_account_for_user(request.auth, account_id), filters.quadrant or "")


@router.post(
    "/{account_id}/swot",
    response=with_errors({201: SwotItemOut}, 401, 403, 404, 422),
    operation_id="swot_item_create",
    summary=_("Add a SWOT item"),
)
def swot_item_create(request, account_id: int, payload: SwotItemIn):
    account = get_account_for_user(request.auth, account_id)
    return Status(201, services.swot_item_create(actor=request.auth, account=account, **payload.model_dump()))


@router.get(
    "/{account_id}/swot/{swot_item_id}",
    response=with_errors({200: SwotItemOut}, 401, 404),
    operation_id="swot_item_get",
    summary=_("Show a SWOT item"),
)
def swot_item_get(request, account_id: int, swot_item_id: int):
    return get_swot_item_for_user(request.auth, account_id, swot_item_id)


@router.patch(
    "/{account_id}/swot/{swot_item_id}",
    response=with_errors({200: SwotItemOut}, 401, 403, 404, 409, 422),
    operation_id="swot_item_update",
    summary=_("Change or move a SWOT item"),
)
def swot_item_patch(request, account_id: int, swot_item_id: int, payload: SwotItemPatch):
    """``position`` moves the item within its list (1 = first); moving it does not change its
    version. An item moved to another ``quadrant`` goes to the end unless a position is sent."""
    item = get_swot_item_for_user(request.auth, account_id, swot_item_id)
    return services.swot_item_update(actor=request.auth, item=item, **({"version": None} | payload.changed()))


@router.delete(
    "/{account_id}/swot/{swot_item_id}",
    response=with_errors({204: None}, 401, 403, 404),
    operation_id="swot_item_delete",
    summary=_("Remove a SWOT item"),
)
def swot_item_delete(request, account_id: int, swot_item_id: int):
    item = get_swot_item_for_user(request.auth, account_id, swot_item_id)
    services.swot_item_delete(actor=request.auth, item=item)
    return Status(204, None)

"""API operations on personality profiles, the personality permission and the view log (mounted
under /accounts).

See openkam/api.py for authentication and the error format, docs/personality.md for the rules.
Every operation answers 404 unless the company has personality profiles switched on and the
caller holds the personality permission for the account — management and administrators not on
the team included. Profiles are read through ``profiles_for_viewer`` (every read logged with the
channel "api"); the owner and core-team members with the permission write (403 for the extended
team); only the owner grants and revokes the permission. PUT bodies may carry the ``version``
the client read; when someone else saved in between, the answer is 409.
"""

from datetime import date, datetime
from typing import Annotated

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import Field

from openkam.accounts.models import TeamMembership
from openkam.accounts.permissions import require
from openkam.core.api import InputSchema, UserRef, refuse_unknown_query, with_errors

from . import services
from .choices import Colour, Motive, ViewChannel
from .hints import hints_for_profile
from .models import PersonalityGrant
from .permissions import (
    can_edit_personality,
    can_grant_personality,
    get_account_with_personality,
    get_profile_for_change,
    get_stakeholder_for_personality,
    profiles_for_viewer,
)
from .selectors import views_for_account

router = Router(tags=["Personality and motives"])

Motives = Annotated[list[Motive], Field(max_length=3)]


class ColourHintOut(Schema):
    colour: Colour
    label: str
    summary: str
    prepare: str
    open: str
    argue: str
    close: str
    avoid: str


class MotiveHintOut(Schema):
    motive: Motive
    label: str
    appeal: str


class HintsOut(Schema):
    colours: list[ColourHintOut] = Field(description="Dominant colour first.")
    motives: list[MotiveHintOut] = Field(description="What to appeal to, for the strongest motives.")


class ProfileOut(Schema):
    stakeholder_id: int
    stakeholder_name: str
    primary_colour: Colour
    secondary_colour: Colour | None
    strongest_motives: list[Motive]
    weakest_motives: list[Motive]
    observations: str
    assessed_on: date | None
    version: int
    updated_at: datetime
    hints: HintsOut = Field(description="Communication hints in the language of the answer.")


def _profile_out(profile) -> dict:
    hints = hints_for_profile(profile)
    return {
        "stakeholder_id": profile.stakeholder_id,
        "stakeholder_name": str(profile.stakeholder),
        "primary_colour": profile.primary_colour,
        "secondary_colour": profile.secondary_colour or None,
        "strongest_motives": profile.strongest_motives,
        "weakest_motives": profile.weakest_motives,
        "observations": profile.observations,
        "assessed_on": profile.assessed_on,
        "version": profile.version,
        "updated_at": profile.updated_at,
        "hints": {
            "colours": [
                {"colour": h.colour, "label": str(h.label)}
                | {
                    step: str(getattr(h, step))
                    for step in ("summary", "prepare", "open", "argue", "close", "avoid")
                }
                for h in hints.colours
            ],
            "motives": [
                {"motive": h.motive, "label": str(h.label), "appeal": str(h.appeal)} for h in hints.motives
            ],
        },
    }


class ProfileIn(InputSchema):
    version: int | None = Field(
        None, ge=1, description="The version you read (1 for a new profile); 409 if it changed since."
    )
    primary_colour: Colour
    secondary_colour: Colour | None = None
    strongest_motives: Motives = []
    weakest_motives: Motives = []
    observations: str = Field("", max_length=4000)
    assessed_on: date | None = None


@router.get(
    "/{account_id}/personality/profiles",
    response=with_errors({200: list[ProfileOut]}, 401, 404),
    operation_id="personality_profiles_list",
    summary=_("List the personality profiles of a key account"),
)
def profiles_list(request, account_id: int):
    """Every recorded profile with its communication hints, by the stakeholder's name; each read is logged."""
    account = get_account_with_personality(request.auth, account_id)
    profiles = profiles_for_viewer(request.auth, account, channel=ViewChannel.API).values()
    ordered = sorted(profiles, key=lambda p: (p.stakeholder.last_name, p.stakeholder.first_name, p.pk))
    return [_profile_out(profile) for profile in ordered]


@router.get(
    "/{account_id}/personality/profiles/{stakeholder_id}",
    response=with_errors({200: ProfileOut}, 401, 404),
    operation_id="personality_profile_get",
    summary=_("Show the personality profile of a stakeholder"),
)
def profile_get(request, account_id: int, stakeholder_id: int):
    """404 when the stakeholder has no profile; the read is logged."""
    account = get_account_with_personality(request.auth, account_id)
    stakeholder = get_stakeholder_for_personality(account, stakeholder_id)
    profile = profiles_for_viewer(request.auth, account, [stakeholder], channel=ViewChannel.API).get(
        stakeholder.pk
    )
    if profile is None:
        raise Http404
    return _profile_out(profile)


@router.put(
    "/{account_id}/personality/profiles/{stakeholder_id}",
    response=with_errors({200: ProfileOut}, 401, 403, 404, 409, 422),
    operation_id="personality_profile_put",
    summary=_("Record or replace the personality profile of a stakeholder"),
)
def profile_put(request, account_id: int, stakeholder_id: int, payload: ProfileIn):
    """The whole profile: fields left out are cleared. Creates the profile if there is none."""
    account = get_account_with_personality(request.auth, account_id)
    stakeholder = get_stakeholder_for_personality(account, stakeholder_id)
    require(can_edit_personality(request.auth, account))
    values = payload.model_dump()
    values["secondary_colour"] = values["secondary_colour"] or ""
    profile = services.personality_profile_save(actor=request.auth, stakeholder=stakeholder, **values)
    return _profile_out(profile)


@router.delete(
    "/{account_id}/personality/profiles/{stakeholder_id}",
    response=with_errors({204: None}, 401, 403, 404),
    operation_id="personality_profile_delete",
    summary=_("Delete the personality profile of a stakeholder"),
)
def profile_delete(request, account_id: int, stakeholder_id: int):
    account = get_account_with_personality(request.auth, account_id)
    stakeholder = get_stakeholder_for_personality(account, stakeholder_id)
    profile = get_profile_for_change(request.auth, account, stakeholder)
    services.personality_profile_delete(actor=request.auth, profile=profile)
    return Status(204, None)


# The personality permission ---------------------------------------------------------------------


class GrantOut(Schema):
    user: UserRef
    granted_by: UserRef | None
    granted_at: datetime


def _grant_out(grant: PersonalityGrant) -> dict:
    return {"user": grant.membership.user, "granted_by": grant.granted_by, "granted_at": grant.granted_at}


class GrantIn(InputSchema):
    user_id: int = Field(description="A member of the account team.")


def _grants(account):
    return PersonalityGrant.objects.filter(membership__account=account).select_related(
        "membership__user", "granted_by"
    )


@router.get(
    "/{account_id}/personality/grants",
    response=with_errors({200: list[GrantOut]}, 401, 404),
    operation_id="personality_grants_list",
    summary=_("List who holds the personality permission"),
)
def grants_list(request, account_id: int):
    """The team members the owner granted the permission to; the owner holds it without a grant."""
    account = get_account_with_personality(request.auth, account_id)
    grants = _grants(account).order_by("membership__user__last_name", "membership__user__first_name")
    return [_grant_out(grant) for grant in grants]


@router.post(
    "/{account_id}/personality/grants",
    response=with_errors({201: GrantOut}, 401, 403, 404, 422),
    operation_id="personality_grant_add",
    summary=_("Give a team member the personality permission"),
)
def grant_add(request, account_id: int, payload: GrantIn):
    """Only the owner; ``user_id`` must be a member of the account team (422 otherwise)."""
    account = get_account_with_personality(request.auth, account_id)
    require(can_grant_personality(request.auth, account))
    membership = (
        TeamMembership.objects.filter(account=account, user_id=payload.user_id).select_related("user").first()
    )
    if membership is None:
        raise ValidationError({"user_id": gettext("Choose a member of the account team.")})
    membership.account = account
    try:
        grant = services.personality_grant_add(actor=request.auth, membership=membership)
    except ValidationError as exc:
        raise ValidationError({"user_id": exc.messages}) from exc
    return Status(201, _grant_out(grant))


@router.delete(
    "/{account_id}/personality/grants/{user_id}",
    response=with_errors({204: None}, 401, 403, 404),
    operation_id="personality_grant_remove",
    summary=_("Take the personality permission back from a team member"),
)
def grant_remove(request, account_id: int, user_id: int):
    """Only the owner; 404 when the person holds no grant."""
    account = get_account_with_personality(request.auth, account_id)
    require(can_grant_personality(request.auth, account))
    grant = _grants(account).filter(membership__user_id=user_id).first()
    if grant is None:
        raise Http404
    grant.membership.account = account
    services.personality_grant_remove(actor=request.auth, grant=grant)
    return Status(204, None)


# The view log -----------------------------------------------------------------------------------


class ViewOut(Schema):
    stakeholder_id: int
    stakeholder_name: str
    viewer_id: int | None
    viewer_name: str
    channel: str = Field(description="page, edit, api, meeting_brief or export")
    viewed_at: datetime

    @staticmethod
    def resolve_stakeholder_name(obj) -> str:
        return str(obj.stakeholder)


@router.get(
    "/{account_id}/personality/views",
    response=with_errors({200: list[ViewOut]}, 401, 404, 422),
    operation_id="personality_views_list",
    summary=_("List who viewed which personality profile"),
)
@paginate(LimitOffsetPagination)
def views_list(request, account_id: int):
    """Newest first."""
    refuse_unknown_query(request, LimitOffsetPagination.Input)
    account = get_account_with_personality(request.auth, account_id)
    return views_for_account(account)

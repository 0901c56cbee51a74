"""Writes of the opportunities app: opportunities, their moves through the pipeline, the
qualification checklist and the buying center of each decision.

Every function checks the edit right on the account again (``can_edit_opportunities``: the
account's KAM and every team member, core and extended; ``actor=None`` is the system, e.g. the
demo generator), validates before saving (ValidationError → form errors / 422), runs in one
transaction and writes an audit entry on the account timeline in it. Updates and moves take the
``version`` the editor started from and raise ``EditConflict`` when someone else saved in
between (``openkam.core.locking``); ``None`` means "not known" (last writer wins).

Rules (docs/opportunities.md):

- the owner is the account's KAM or on its team when assigned (one who has left the team since
  may stay the owner until someone chooses another);
- a whitespace cell linked to an opportunity is one of the account's cells marked "opportunity"
  when it is linked; a plan goal is a goal of one of the account's plans;
- moving forwards needs every qualification item of each stage being left ticked (the exit
  criteria, ``rules.missing_checks``); moving backwards is always allowed;
- won and lost opportunities have a close reason and a close date (today unless given, never in
  the future), a won one a probability of 100 %, a lost one 0 %; lost can be chosen from any
  open stage without the checklist; reopening clears the close fields;
- every stage change is recorded (``StageChange``), the creation as a change from "".
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openkam.accounts.models import KeyAccount
from openkam.accounts.selectors import is_on_team
from openkam.business.choices import CellStatus
from openkam.core.editing import refuse_unknown, stripped
from openkam.core.locking import check_version, save_versioned
from openkam.core.services import apply_changes, audit_record
from openkam.stakeholders.services import normalised_roles

from .choices import CLOSED_STAGES, DEFAULT_PROBABILITY, QUALIFICATION_ITEMS, Stage
from .models import MAX_VALUE, DecisionParticipant, Opportunity, QualificationCheck, StageChange
from .permissions import can_edit_opportunities
from .rules import missing_checks

#: What ``opportunity_create`` takes besides its named arguments.
OPTIONAL_FIELDS = (
    "description",
    "product_group",
    "competitive_position",
    "main_competitor",
    "selling_approach",
    "sales_strategy",
    "next_steps",
    "next_step_due",
    "close_reason",
    "close_note",
    "closed_on",
)
#: What ``opportunity_update`` may change (the stage only moves through ``opportunity_move``).
UPDATE_FIELDS = (
    "title",
    "value",
    "probability",
    "expected_close",
    "owner",
    "whitespace_cell",
    "plan_goal",
    *OPTIONAL_FIELDS,
)
#: Shown in an opportunity's creation entry on the timeline.
AUDIT_FIELDS = ("title", "stage", *UPDATE_FIELDS[1:])
PARTICIPANT_MASKED = ("note",)


def _check(actor, account: KeyAccount) -> None:
    # actor=None is the system (demo generator); people need edit rights on the account.
    if actor is not None and not can_edit_opportunities(actor, account):
        raise PermissionDenied


def _today() -> datetime.date:
    return timezone.localdate()


# Audit values -----------------------------------------------------------------------------------


def audit_value(field: str, value: Any) -> Any:
    """A value as the timeline shows it: money with its currency, probabilities in percent.
    Choice fields (stage, position, reason) and the buying roles (joined by commas) are stored
    as their codes and labelled in the reader's language by the timeline; people, cells and
    goals by their name."""
    if value is None or value == "":
        return value
    if field == "value" and isinstance(value, Decimal | int):
        return f"{Decimal(value):.2f} {settings.OPENKAM_CURRENCY}"
    if field == "probability":
        return f"{value} %"
    if field == "roles" and isinstance(value, list):
        # A list would be read as an (old, new) pair by the audit trail: store the role codes as
        # text; the timeline labels them in the reader's language.
        return ", ".join(value)
    return value


def _audit_diff(diff: Mapping[str, tuple[Any, Any]]) -> dict[str, tuple[Any, Any]]:
    return {field: (audit_value(field, old), audit_value(field, new)) for field, (old, new) in diff.items()}


# Checks -----------------------------------------------------------------------------------------


def _check_owner(account: KeyAccount, owner, *, keep: int | None = None) -> None:
    """The owner is the account's KAM or on its team (``keep``: allowed as the stored owner)."""
    if owner is None:
        raise ValidationError({"owner": _("Choose the owner of the opportunity.")})
    if keep is not None and owner.pk == keep:
        return
    if not is_on_team(account, owner):
        raise ValidationError(
            {"owner": _("Choose the key account manager or a member of the account team as the owner.")}
        )


def _check_cell(account: KeyAccount, cell, *, keep: int | None = None) -> None:
    """A linked whitespace cell is one of the account's, marked "opportunity" when linked."""
    if cell is None or (keep is not None and cell.pk == keep):
        return
    if cell.account_id != account.pk:
        raise ValidationError({"whitespace_cell": _("Choose a whitespace cell of this account.")})
    if cell.status != CellStatus.OPPORTUNITY:
        raise ValidationError(
            {
                "whitespace_cell": _(
                    "Only a whitespace cell marked as an opportunity can be linked. Mark the cell first."
                )
            }
        )


def _check_goal(account: KeyAccount, goal, *, keep: int | None = None) -> None:
    """A plan goal is a goal of one of the account's plans."""
    if goal is None or (keep is not None and goal.pk == keep):
        return
    if goal.plan.account_id != account.pk:
        raise ValidationError({"plan_goal": _("Choose a goal of one of this account's plans.")})


def _check_value(obj: Opportunity) -> None:
    if obj.value is not None and obj.value >= MAX_VALUE:
        raise ValidationError({"value": _("Enter a value below one trillion euros.")})


def _check_state(obj: Opportunity) -> None:
    """Open opportunities have no close fields; won and lost ones have a reason, a date that is
    not in the future and the probability of their stage."""
    errors: dict[str, str] = {}
    if obj.stage in CLOSED_STAGES:
        if not obj.close_reason:
            errors["close_reason"] = _("Give the reason why the opportunity was won or lost.")
        if obj.closed_on is None:
            errors["closed_on"] = _("Enter the date the opportunity was closed.")
        elif obj.closed_on > _today():
            errors["closed_on"] = _("The close date cannot lie in the future.")
        expected = DEFAULT_PROBABILITY[obj.stage]
        if obj.probability != expected:
            errors["probability"] = (
                _("A won opportunity has a probability of 100 %%, a lost one of 0 %%.") % {}
            )
    else:
        if obj.close_reason:
            errors["close_reason"] = _(
                "Only a won or lost opportunity has a close reason. Move it to won or lost instead."
            )
        if obj.closed_on is not None:
            errors["closed_on"] = _(
                "Only a won or lost opportunity has a close date. Move it to won or lost instead."
            )
    if errors:
        raise ValidationError(errors)


def _missing_message(target: str, missing: list[tuple[str, str, object]]) -> str:
    labels = dict(Stage.choices)
    by_stage: dict[str, list[str]] = {}
    for stage, _key, label in missing:
        by_stage.setdefault(stage, []).append(str(label))
    items = "; ".join(
        _("%(stage)s: %(items)s") % {"stage": labels[stage], "items": " ".join(texts)}
        for stage, texts in by_stage.items()
    )
    return _(
        "The opportunity cannot move to “%(target)s” yet. Tick these items of the qualification "
        "checklist first – %(items)s"
    ) % {"target": labels[target], "items": items}


# Opportunities ----------------------------------------------------------------------------------


def _record_stage(obj: Opportunity, *, actor, from_stage: str, when) -> StageChange:
    return StageChange.objects.create(
        opportunity=obj,
        from_stage=from_stage,
        to_stage=obj.stage,
        changed_by=actor if getattr(actor, "pk", None) else None,
        changed_at=when,
    )


@transaction.atomic
def opportunity_create(
    *,
    actor,
    account: KeyAccount,
    title: str,
    value: Decimal,
    expected_close: datetime.date,
    owner=None,
    stage: str = Stage.IDENTIFIED,
    probability: int | None = None,
    whitespace_cell=None,
    plan_goal=None,
    **fields,
) -> Opportunity:
    """Record an opportunity at ``account``.

    ``owner`` defaults to the actor (the account's KAM for the system) and must be on the team;
    ``probability`` defaults to the stage's (``DEFAULT_PROBABILITY``). ``fields`` are those of
    ``OPTIONAL_FIELDS``. An opportunity recorded as won or lost needs a close reason (its close
    date defaults to today). ``whitespace_cell`` must be an "opportunity" cell and ``plan_goal``
    a goal of the same account. Records the creation as a stage change from "".
    Raises ValidationError, PermissionDenied and TypeError (unknown fields).
    """
    _check(actor, account)
    refuse_unknown(fields, OPTIONAL_FIELDS, "opportunity")
    if owner is None:
        owner = actor if getattr(actor, "pk", None) else account.owner
    if stage in CLOSED_STAGES and fields.get("closed_on") is None:
        fields["closed_on"] = _today()
    now = timezone.now()
    obj = Opportunity(
        account=account,
        title=title,
        value=value,
        expected_close=expected_close,
        owner=owner,
        stage=stage,
        probability=DEFAULT_PROBABILITY.get(stage, 0) if probability is None else probability,
        whitespace_cell=whitespace_cell,
        plan_goal=plan_goal,
        stage_changed_at=now,
        created_by=actor if getattr(actor, "pk", None) else None,
        **stripped(fields),
    )
    obj.title = obj.title.strip() if isinstance(obj.title, str) else obj.title
    # The services name constraint violations on their field themselves.
    obj.full_clean(validate_constraints=False)
    _check_value(obj)
    _check_owner(account, owner)
    _check_cell(account, whitespace_cell)
    _check_goal(account, plan_goal)
    _check_state(obj)
    obj.save()
    _record_stage(obj, actor=actor, from_stage="", when=now)
    audit_record(
        actor=actor,
        action="opportunities.opportunity.create",
        target=obj,
        account_id=account.pk,
        changes={
            field: audit_value(field, getattr(obj, field))
            for field in AUDIT_FIELDS
            if getattr(obj, field) not in (None, "")
        },
    )
    return obj


def _locked(opportunity: Opportunity) -> Opportunity:
    # Lock only the opportunity's row: PostgreSQL cannot lock the nullable side of a join.
    obj = (
        Opportunity.objects.select_for_update(of=("self",))
        .select_related("owner", "whitespace_cell", "whitespace_cell__unit", "plan_goal", "plan_goal__plan")
        .get(pk=opportunity.pk)
    )
    obj.account = opportunity.account
    return obj


@transaction.atomic
def opportunity_update(
    *, actor, opportunity: Opportunity, version: int | None = None, **fields
) -> Opportunity:
    """Change an opportunity (fields of ``UPDATE_FIELDS``) edited from ``version``.

    Not for stage changes (``opportunity_move``). The close reason, note and date can be
    corrected on a won or lost opportunity only. Saving what is stored already changes nothing
    and is never a conflict. Raises ValidationError, EditConflict, PermissionDenied, TypeError.
    """
    account = opportunity.account
    _check(actor, account)
    refuse_unknown(fields, UPDATE_FIELDS, "opportunity")
    obj = _locked(opportunity)
    values = stripped(fields)
    if all(getattr(obj, field) == value for field, value in values.items()):
        return obj
    check_version(obj, version, values)
    old_owner, old_cell, old_goal = obj.owner_id, obj.whitespace_cell_id, obj.plan_goal_id
    diff = apply_changes(obj, values)
    obj.full_clean(validate_constraints=False)
    _check_value(obj)
    _check_owner(account, obj.owner, keep=old_owner)
    _check_cell(account, obj.whitespace_cell, keep=old_cell)
    _check_goal(account, obj.plan_goal, keep=old_goal)
    _check_state(obj)
    save_versioned(obj, expected_version=version, update_fields=list(diff))
    audit_record(
        actor=actor,
        action="opportunities.opportunity.update",
        target=obj,
        account_id=account.pk,
        changes=_audit_diff(diff),
    )
    return obj


@transaction.atomic
def opportunity_move(
    *,
    actor,
    opportunity: Opportunity,
    stage: str,
    version: int | None = None,
    probability: int | None = None,
    close_reason: str = "",
    close_note: str = "",
    closed_on: datetime.date | None = None,
) -> Opportunity:
    """Move an opportunity to ``stage``.

    Forwards (to a later open stage or to won) only when every qualification item of each stage
    being left is ticked: otherwise ValidationError({"stage": [a message naming the stages and
    the missing items]}). Backwards and to lost always. Won and lost need ``close_reason``;
    ``closed_on`` defaults to today. ``probability`` resets to the new stage's default unless
    given. Reopening a won or lost opportunity clears its close reason, note and date. Moving to
    the stage it is in changes nothing. Records a ``StageChange`` and an audit entry.
    """
    account = opportunity.account
    _check(actor, account)
    if stage not in Stage.values:
        raise ValidationError({"stage": _("Choose one of the stages of the pipeline.")})
    obj = _locked(opportunity)
    if obj.stage == stage:
        return obj
    check_version(obj, version, {"stage": stage})
    # Lost has no exit criteria: a deal can be lost at any stage.
    missing = missing_checks(obj, stage)
    if missing:
        raise ValidationError({"stage": [_missing_message(stage, missing)]})
    old_stage = obj.stage
    values: dict[str, Any] = {
        "stage": stage,
        "probability": DEFAULT_PROBABILITY[stage] if probability is None else probability,
    }
    if stage in CLOSED_STAGES:
        values |= {
            "close_reason": close_reason.strip(),
            "close_note": close_note.strip(),
            "closed_on": closed_on or _today(),
        }
    else:
        if close_reason or closed_on is not None:
            raise ValidationError(
                {"close_reason": _("Only a won or lost opportunity has a close reason and a close date.")}
            )
        values |= {"close_reason": "", "close_note": "", "closed_on": None}
    now = timezone.now()
    values["stage_changed_at"] = now
    diff = apply_changes(obj, values)
    obj.full_clean(validate_constraints=False)
    _check_state(obj)
    save_versioned(obj, expected_version=version, update_fields=list(diff))
    _record_stage(obj, actor=actor, from_stage=old_stage, when=now)
    diff.pop("stage_changed_at", None)
    audit_record(
        actor=actor,
        action="opportunities.opportunity.move",
        target=obj,
        account_id=account.pk,
        changes=_audit_diff(diff),
    )
    return obj


@transaction.atomic
def opportunity_delete(*, actor, opportunity: Opportunity) -> None:
    """Remove an opportunity with its checklist, buying center and stage history.

    The whitespace cell and the plan goal it was linked to stay as they are.
    """
    _check(actor, opportunity.account)
    audit_record(
        actor=actor,
        action="opportunities.opportunity.delete",
        target=opportunity,
        account_id=opportunity.account_id,
        changes={"value": audit_value("value", opportunity.value), "stage": opportunity.stage},
    )
    opportunity.delete()


# Qualification checklist ------------------------------------------------------------------------


@transaction.atomic
def check_set(*, actor, opportunity: Opportunity, item: str, checked: bool) -> QualificationCheck | None:
    """Tick (``checked``) or untick an item of the qualification checklist.

    Items of every stage can be ticked at any time (work often runs ahead of the stage) and
    unticked again. Returns the check (None once unticked). Ticking a ticked item or unticking
    an open one changes nothing and records nothing. ValidationError for an unknown item.
    """
    account = opportunity.account
    _check(actor, account)
    if item not in QUALIFICATION_ITEMS:
        raise ValidationError({"item": _("Choose an item of the qualification checklist.")})
    existing = QualificationCheck.objects.filter(opportunity=opportunity, item=item).first()
    if checked:
        if existing is not None:
            return existing
        check = QualificationCheck.objects.create(
            opportunity=opportunity, item=item, checked_by=actor if getattr(actor, "pk", None) else None
        )
        check.opportunity = opportunity
        audit_record(actor=actor, action="opportunities.check.tick", target=check, account_id=account.pk)
        return check
    if existing is None:
        return None
    existing.opportunity = opportunity
    audit_record(actor=actor, action="opportunities.check.untick", target=existing, account_id=account.pk)
    existing.delete()
    return None


# Buying center of the decision ------------------------------------------------------------------


def _check_stakeholder(account: KeyAccount, stakeholder) -> None:
    if stakeholder.account_id != account.pk:
        raise ValidationError({"stakeholder": _("Choose a stakeholder of this account.")})
    if stakeholder.anonymised_at is not None:
        raise ValidationError({"stakeholder": _("An anonymised stakeholder cannot be added.")})


@transaction.atomic
def participant_set(
    *, actor, opportunity: Opportunity, stakeholder, roles: Iterable[str], note: str = ""
) -> DecisionParticipant:
    """Put ``stakeholder`` into the buying center of this decision with ``roles`` (BuyingRole
    values), or change their roles and note if they are in it already.

    The person must be a (not anonymised) stakeholder of the opportunity's account. Their roles
    here may differ from their usual ones. Raises ValidationError and PermissionDenied.
    """
    account = opportunity.account
    _check(actor, account)
    roles = normalised_roles(roles)
    participant = (
        DecisionParticipant.objects.select_for_update()
        .filter(opportunity=opportunity, stakeholder=stakeholder)
        .first()
    )
    if participant is None:
        _check_stakeholder(account, stakeholder)
        participant = DecisionParticipant(
            opportunity=opportunity, stakeholder=stakeholder, roles=roles, note=note.strip()
        )
        participant.full_clean(validate_constraints=False)
        participant.save()
        action = "opportunities.participant.add"
        changes = {"roles": audit_value("roles", participant.roles)}
        if participant.note:
            changes["note"] = participant.note
    else:
        participant.stakeholder = stakeholder
        diff = apply_changes(participant, {"roles": roles, "note": note.strip()})
        if not diff:
            return participant
        participant.full_clean(validate_constraints=False)
        participant.save(update_fields=list(diff))
        action = "opportunities.participant.update"
        changes = _audit_diff(diff)
    participant.opportunity = opportunity
    audit_record(
        actor=actor,
        action=action,
        target=participant,
        account_id=account.pk,
        changes=changes,
        masked=PARTICIPANT_MASKED,
    )
    return participant


@transaction.atomic
def participant_remove(*, actor, participant: DecisionParticipant) -> None:
    """Take a person out of the buying center of the decision (the stakeholder stays)."""
    account = participant.opportunity.account
    _check(actor, account)
    audit_record(
        actor=actor, action="opportunities.participant.remove", target=participant, account_id=account.pk
    )
    participant.delete()

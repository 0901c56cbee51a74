"""Writes of the relationships app: contacts with their participants, counterparts and follow-up
actions, relationship plan entries and touchpoints.

Every function checks the edit right on the account again (``can_work_on_account``: the owner
and the core team; ``actor=None`` is the system, e.g. the demo generator), validates before
saving (ValidationError → form errors / 422), runs in one transaction and writes an audit entry
on the account timeline in it. Updates take the ``version`` the editor started from and raise
``EditConflict`` when someone else saved in between (``openkam.core.locking``); ``None`` means
"not known" (last writer wins).

People on a contact: customer participants are stakeholders of the contact's account who are
not anonymised; our participants, follow-up owners, plan colleagues and touchpoint owners are
the account's owner or members of its team. Someone already on a contact may stay on it when
they have left the team since (the log keeps its history).

``Stakeholder.last_contact_on`` is the date of the latest held contact with the person; every
write that adds, changes or removes a held contact recomputes it for the people concerned. A
held contact cannot lie in the future.

Topics, outcomes and the names of customer participants are personal data: the audit trail
records that they changed, never their content.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from openkam.accounts.models import KeyAccount
from openkam.accounts.permissions import can_work_on_account
from openkam.core.editing import created_values, joined_names, refuse_unknown, stripped, update_versioned
from openkam.core.locking import EditConflict, save_versioned
from openkam.core.services import apply_changes, audit_record
from openkam.stakeholders.models import Stakeholder

from .choices import Cadence, ContactKind, ContactStatus, TouchpointStatus
from .models import Contact, Counterpart, FollowUp, RelationshipLink, Touchpoint
from .permissions import can_complete_follow_up
from .selectors import participant_choices

CONTACT_FIELDS = ("kind", "status", "date", "time", "title", "location", "topics", "outcomes")
CONTACT_PEOPLE = ("stakeholders", "participants")
CONTACT_MASKED = ("topics", "outcomes", "stakeholders")
FOLLOW_UP_FIELDS = ("description", "owner", "due_on", "done")
LINK_FIELDS = ("user", "stakeholder", "cadence", "occasion", "aim", "next_on")
TOUCHPOINT_FIELDS = ("stakeholder", "year", "quarter", "kind", "description", "owner", "status")


def _check(actor, account: KeyAccount) -> None:
    # actor=None is the system (demo generator); people need edit rights on the account.
    if actor is not None and not can_work_on_account(actor, account):
        raise PermissionDenied


def _today() -> datetime.date:
    return timezone.localdate()


def _team_ids(account: KeyAccount) -> set[int]:
    return set(participant_choices(account).values_list("pk", flat=True))


def _check_colleague(account: KeyAccount, user, field: str, *, keep=None) -> None:
    """``user`` must be the account's owner or on its team (``keep``: allowed as the stored one)."""
    if user is None or (keep is not None and user.pk == keep):
        return
    if user.pk not in _team_ids(account):
        raise ValidationError({field: _("Choose the account owner or a member of the account team.")})


def _check_stakeholder(account: KeyAccount, stakeholder, field: str, *, keep=None) -> None:
    """``stakeholder`` must be a person of this account who is not anonymised (``keep``: the stored one)."""
    if keep is not None and stakeholder.pk == keep:
        return
    if stakeholder.account_id != account.pk:
        raise ValidationError({field: _("Choose a stakeholder of this account.")})
    if stakeholder.anonymised_at is not None:
        raise ValidationError({field: _("An anonymised stakeholder cannot be added.")})


# Last contact -------------------------------------------------------------------------------------


def stakeholder_last_contact_refresh(*, stakeholder_ids: Iterable[int]) -> None:
    """Set ``last_contact_on`` of the stakeholders to the date of their latest held contact that
    is not in the future (None without one), in one UPDATE.

    Derived data, so no audit entry and no new version of the stakeholder. Call it after any
    change to held contacts (``openkam.privacy`` too, after removing someone from contacts).
    """
    ids = set(stakeholder_ids)
    if not ids:
        return
    latest = (
        Contact.objects.filter(stakeholders=OuterRef("pk"), status=ContactStatus.HELD, date__lte=_today())
        .order_by("-date")
        .values("date")[:1]
    )
    Stakeholder.objects.filter(pk__in=ids).update(last_contact_on=Subquery(latest))


# Contacts -----------------------------------------------------------------------------------------


def _check_contact(contact: Contact) -> None:
    if contact.status == ContactStatus.HELD and contact.date > _today():
        raise ValidationError(
            {"date": _("A held contact cannot lie in the future. Plan it instead, or correct the date.")}
        )


def _check_people(
    account: KeyAccount,
    stakeholders: Iterable[Stakeholder],
    participants: Iterable,
    *,
    kept_stakeholders: set[int] = frozenset(),
    kept_participants: set[int] = frozenset(),
) -> None:
    for stakeholder in stakeholders:
        if stakeholder.pk in kept_stakeholders:
            continue
        if stakeholder.account_id != account.pk:
            raise ValidationError({"stakeholders": _("Choose stakeholders of this account.")})
        if stakeholder.anonymised_at is not None:
            raise ValidationError({"stakeholders": _("An anonymised stakeholder cannot be added.")})
    team = None
    for user in participants:
        if user.pk in kept_participants:
            continue
        team = team if team is not None else _team_ids(account)
        if user.pk not in team:
            raise ValidationError(
                {
                    "participants": _(
                        "Our participants must be the account owner or members of the account team."
                    )
                }
            )


def _check_counterparts(
    assignments: Mapping[Stakeholder, Any], stakeholder_ids: set[int], participant_ids: set[int]
) -> None:
    for stakeholder, user in assignments.items():
        if stakeholder.pk not in stakeholder_ids:
            raise ValidationError(
                {
                    "counterparts": _("%(name)s is not among the customer participants.")
                    % {"name": stakeholder}
                }
            )
        if user is not None and user.pk not in participant_ids:
            raise ValidationError(
                {"counterparts": _("%(name)s is not among our participants.") % {"name": user}}
            )


def _store_counterparts(contact: Contact, assignments: Mapping[Stakeholder, Any]) -> int:
    """Replace the counterparts named in ``assignments`` (None removes one); returns the count."""
    for stakeholder, user in assignments.items():
        if user is None:
            Counterpart.objects.filter(contact=contact, stakeholder=stakeholder).delete()
        else:
            Counterpart.objects.update_or_create(
                contact=contact, stakeholder=stakeholder, defaults={"user": user}
            )
    return Counterpart.objects.filter(contact=contact).count()


@transaction.atomic
def contact_create(
    *,
    actor,
    account: KeyAccount,
    title: str,
    date: datetime.date,
    kind: str = ContactKind.MEETING,
    status: str = ContactStatus.HELD,
    time: datetime.time | None = None,
    location: str = "",
    topics: str = "",
    outcomes: str = "",
    stakeholders: Iterable[Stakeholder] = (),
    participants: Iterable = (),
    counterparts: Mapping[Stakeholder, Any] | None = None,
    follow_ups: Iterable[Mapping[str, Any]] = (),
) -> Contact:
    """Log a held contact or plan one, with the people on both sides.

    ``counterparts`` maps customer participants to the one of our participants who looks after
    them; ``follow_ups`` are dicts of ``follow_up_create`` arguments. A held contact updates the
    last contact of its customer participants. ValidationError for a held contact in the future,
    people who may not take part (see the module docstring) or counterparts outside the
    participants; PermissionDenied for anyone but the owner and the core team.
    """
    _check(actor, account)
    stakeholders, participants = list(stakeholders), list(participants)
    contact = Contact(
        account=account,
        kind=kind,
        status=status,
        date=date,
        time=time,
        title=title.strip(),
        location=location.strip(),
        topics=topics.strip(),
        outcomes=outcomes.strip(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    contact.full_clean()
    _check_contact(contact)
    _check_people(account, stakeholders, participants)
    if counterparts:
        _check_counterparts(counterparts, {s.pk for s in stakeholders}, {u.pk for u in participants})
    contact.save()
    contact.stakeholders.set(stakeholders)
    contact.participants.set(participants)
    changes = created_values(contact, CONTACT_FIELDS)
    if stakeholders:
        changes["stakeholders"] = joined_names(stakeholders)
    if participants:
        changes["participants"] = joined_names(participants)
    if counterparts:
        changes["counterparts"] = _store_counterparts(contact, counterparts)
    audit_record(
        actor=actor,
        action="relationships.contact.create",
        target=contact,
        account_id=account.pk,
        changes=changes,
        masked=CONTACT_MASKED,
    )
    for values in follow_ups:
        follow_up_create(actor=actor, contact=contact, **values)
    if contact.status == ContactStatus.HELD:
        stakeholder_last_contact_refresh(stakeholder_ids=[s.pk for s in stakeholders])
    return contact


def _conflict(
    obj: Contact, version: int, values: dict, people: dict[str, set[int]], stored: dict
) -> EditConflict:
    """The conflict of a contact edit, naming the changed fields and the people saved meanwhile."""
    theirs = {f: getattr(obj, f) for f, v in values.items() if getattr(obj, f) != v}
    for name, wanted in people.items():
        if stored[name] != wanted:
            theirs[name] = joined_names(getattr(obj, name).all())
    return EditConflict(obj, expected_version=version, theirs=theirs)


@transaction.atomic
def contact_update(
    *,
    actor,
    contact: Contact,
    version: int | None = None,
    stakeholders: Iterable[Stakeholder] | None = None,
    participants: Iterable | None = None,
    counterparts: Mapping[Stakeholder, Any] | None = None,
    **values,
) -> Contact:
    """Change a contact (fields of ``CONTACT_FIELDS``, participants, counterparts) edited from
    ``version``. ``None`` for the people leaves them as they are; counterparts of people no
    longer on the contact are dropped. The same checks as ``contact_create``."""
    account = contact.account
    _check(actor, account)
    refuse_unknown(values, CONTACT_FIELDS, "contact")
    obj = Contact.objects.select_for_update().get(pk=contact.pk)
    obj.account = account
    values = stripped(values)
    stored = {
        "stakeholders": set(obj.stakeholders.values_list("pk", flat=True)),
        "participants": set(obj.participants.values_list("pk", flat=True)),
    }
    new_people = {}
    if stakeholders is not None:
        stakeholders = list(stakeholders)
        new_people["stakeholders"] = {s.pk for s in stakeholders}
    if participants is not None:
        participants = list(participants)
        new_people["participants"] = {u.pk for u in participants}
    stored_counterparts = dict(
        Counterpart.objects.filter(contact=obj).values_list("stakeholder_id", "user_id")
    )
    wanted_counterparts = {s.pk: getattr(u, "pk", None) for s, u in (counterparts or {}).items()}
    counterparts_change = any(stored_counterparts.get(s) != u for s, u in wanted_counterparts.items())
    fields_change = any(getattr(obj, f) != v for f, v in values.items())
    people_change = any(stored[name] != ids for name, ids in new_people.items())
    if not (fields_change or people_change or counterparts_change):
        return obj
    if version is not None and obj.version != version:
        raise _conflict(obj, version, values, new_people, stored)
    old_status = obj.status
    diff = apply_changes(obj, values)
    obj.full_clean()
    _check_contact(obj)
    _check_people(
        account,
        stakeholders or [],
        participants or [],
        kept_stakeholders=stored["stakeholders"],
        kept_participants=stored["participants"],
    )
    final = {name: new_people.get(name, stored[name]) for name in CONTACT_PEOPLE}
    if counterparts:
        _check_counterparts(counterparts, final["stakeholders"], final["participants"])
    save_versioned(obj, expected_version=version, update_fields=list(diff))
    if people_change:
        before = {
            "stakeholders": Stakeholder.objects.filter(pk__in=stored["stakeholders"]),
            "participants": obj.participants.model.objects.filter(pk__in=stored["participants"]),
        }
        if stakeholders is not None and new_people["stakeholders"] != stored["stakeholders"]:
            diff["stakeholders"] = (joined_names(before["stakeholders"]), joined_names(stakeholders))
            obj.stakeholders.set(stakeholders)
        if participants is not None and new_people["participants"] != stored["participants"]:
            diff["participants"] = (joined_names(before["participants"]), joined_names(participants))
            obj.participants.set(participants)
        # A counterpart is a pair of participants: it goes when one of them leaves the contact.
        Counterpart.objects.filter(contact=obj).exclude(
            stakeholder__in=final["stakeholders"], user__in=final["participants"]
        ).delete()
    if counterparts:
        before_count = len(stored_counterparts)
        after_count = _store_counterparts(obj, counterparts)
        if counterparts_change:
            diff["counterparts"] = (before_count, after_count)
    audit_record(
        actor=actor,
        action="relationships.contact.update",
        target=obj,
        account_id=account.pk,
        changes=diff,
        masked=CONTACT_MASKED,
    )
    if ContactStatus.HELD in (old_status, obj.status):
        stakeholder_last_contact_refresh(stakeholder_ids=stored["stakeholders"] | final["stakeholders"])
    return obj


@transaction.atomic
def contact_delete(*, actor, contact: Contact) -> None:
    """Remove a contact with its follow-up actions and counterparts; a held one no longer counts
    as the last contact of its customer participants."""
    _check(actor, contact.account)
    held = contact.status == ContactStatus.HELD
    stakeholder_ids = list(contact.stakeholders.values_list("pk", flat=True))
    audit_record(
        actor=actor, action="relationships.contact.delete", target=contact, account_id=contact.account_id
    )
    contact.delete()
    if held:
        stakeholder_last_contact_refresh(stakeholder_ids=stakeholder_ids)


@transaction.atomic
def counterparts_set(
    *, actor, contact: Contact, assignments: Mapping[Stakeholder, Any], version: int | None = None
) -> Contact:
    """Assign which of our participants looks after which customer participant (None: nobody).

    Counts as a change of the contact (its version goes up), so two people assigning at once
    see a conflict. ValidationError when a stakeholder is no customer participant or a user no
    participant of ours.
    """
    account = contact.account
    _check(actor, account)
    obj = Contact.objects.select_for_update().get(pk=contact.pk)
    obj.account = account
    stored = dict(Counterpart.objects.filter(contact=obj).values_list("stakeholder_id", "user_id"))
    wanted = {s.pk: getattr(u, "pk", None) for s, u in assignments.items()}
    if all(stored.get(s) == u for s, u in wanted.items()):
        return obj
    if version is not None and obj.version != version:
        names = {c.stakeholder_id: str(c.user) for c in obj.counterparts.select_related("user")}
        raise EditConflict(
            obj,
            expected_version=version,
            theirs={f"counterpart_{s}": names.get(s, "") for s, u in wanted.items() if stored.get(s) != u},
        )
    _check_counterparts(
        assignments,
        set(obj.stakeholders.values_list("pk", flat=True)),
        set(obj.participants.values_list("pk", flat=True)),
    )
    save_versioned(obj, expected_version=version, update_fields=[])
    count = _store_counterparts(obj, assignments)
    audit_record(
        actor=actor,
        action="relationships.counterparts.update",
        target=obj,
        account_id=account.pk,
        changes={"counterparts": (len(stored), count)},
    )
    return obj


# Follow-up actions --------------------------------------------------------------------------------


@transaction.atomic
def follow_up_create(
    *,
    actor,
    contact: Contact,
    description: str,
    owner=None,
    due_on: datetime.date | None = None,
    done: bool = False,
) -> FollowUp:
    """Add an action agreed in a contact; ``owner`` is the account owner or on the team."""
    account = contact.account
    _check(actor, account)
    follow_up = FollowUp(
        contact=contact, description=description.strip(), owner=owner, due_on=due_on, done=done
    )
    follow_up.full_clean()
    _check_colleague(account, owner, "owner")
    follow_up.save()
    audit_record(
        actor=actor,
        action="relationships.follow_up.create",
        target=follow_up,
        account_id=account.pk,
        changes=created_values(follow_up, FOLLOW_UP_FIELDS),
    )
    return follow_up


@transaction.atomic
def follow_up_update(*, actor, follow_up: FollowUp, version: int | None = None, **values) -> FollowUp:
    """Change a follow-up action (fields of ``FOLLOW_UP_FIELDS``) edited from ``version``.

    Its owner may tick it off (``done`` alone) without edit rights on the account.
    """
    account = follow_up.contact.account
    refuse_unknown(values, FOLLOW_UP_FIELDS, "follow-up")
    if actor is not None and not (set(values) <= {"done"} and can_complete_follow_up(actor, follow_up)):
        _check(actor, account)
    obj = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    obj.contact = follow_up.contact
    stored_owner = obj.owner_id
    diff = update_versioned(
        obj,
        version=version,
        values=stripped(values),
        validate=lambda: _check_colleague(account, obj.owner, "owner", keep=stored_owner),
    )
    if diff:
        audit_record(
            actor=actor,
            action="relationships.follow_up.update",
            target=obj,
            account_id=account.pk,
            changes=diff,
        )
    return obj


@transaction.atomic
def follow_up_delete(*, actor, follow_up: FollowUp) -> None:
    account = follow_up.contact.account
    _check(actor, account)
    audit_record(
        actor=actor, action="relationships.follow_up.delete", target=follow_up, account_id=account.pk
    )
    follow_up.delete()


# Relationship plan --------------------------------------------------------------------------------


def _check_unique_link(account: KeyAccount, link: RelationshipLink) -> None:
    others = RelationshipLink.objects.filter(account=account, user=link.user, stakeholder=link.stakeholder)
    if others.exclude(pk=link.pk).exists():
        raise ValidationError(
            {"stakeholder": _("The relationship plan has an entry for these two people already.")}
        )


@transaction.atomic
def relationship_link_create(
    *,
    actor,
    account: KeyAccount,
    user,
    stakeholder: Stakeholder,
    cadence: str = Cadence.QUARTERLY,
    occasion: str = "",
    aim: str = "",
    next_on: datetime.date | None = None,
) -> RelationshipLink:
    """Plan who of us meets whom of them, how often, on which occasion and with what aim.

    One entry per pair of people; ``user`` is the account owner or on the team, ``stakeholder``
    a person of this account who is not anonymised.
    """
    _check(actor, account)
    link = RelationshipLink(
        account=account,
        user=user,
        stakeholder=stakeholder,
        cadence=cadence,
        occasion=occasion.strip(),
        aim=aim.strip(),
        next_on=next_on,
    )
    link.full_clean(validate_constraints=False)
    _check_colleague(account, user, "user")
    _check_stakeholder(account, stakeholder, "stakeholder")
    _check_unique_link(account, link)
    link.save()
    audit_record(
        actor=actor,
        action="relationships.link.create",
        target=link,
        account_id=account.pk,
        changes=created_values(link, LINK_FIELDS),
    )
    return link


@transaction.atomic
def relationship_link_update(
    *, actor, link: RelationshipLink, version: int | None = None, **values
) -> RelationshipLink:
    """Change a relationship plan entry (fields of ``LINK_FIELDS``) edited from ``version``."""
    account = link.account
    _check(actor, account)
    refuse_unknown(values, LINK_FIELDS, "relationship plan")
    obj = (
        RelationshipLink.objects.select_for_update(of=("self",))
        .select_related("user", "stakeholder")
        .get(pk=link.pk)
    )
    stored_user, stored_stakeholder = obj.user_id, obj.stakeholder_id

    def validate():
        _check_colleague(account, obj.user, "user", keep=stored_user)
        _check_stakeholder(account, obj.stakeholder, "stakeholder", keep=stored_stakeholder)
        _check_unique_link(account, obj)

    diff = update_versioned(obj, version=version, values=stripped(values), validate=validate)
    if diff:
        audit_record(
            actor=actor, action="relationships.link.update", target=obj, account_id=account.pk, changes=diff
        )
    return obj


@transaction.atomic
def relationship_link_delete(*, actor, link: RelationshipLink) -> None:
    _check(actor, link.account)
    audit_record(actor=actor, action="relationships.link.delete", target=link, account_id=link.account_id)
    link.delete()


# Touchpoint plan ----------------------------------------------------------------------------------


@transaction.atomic
def touchpoint_create(
    *,
    actor,
    account: KeyAccount,
    stakeholder: Stakeholder,
    year: int,
    quarter: int,
    kind: str,
    description: str = "",
    owner=None,
    status: str = TouchpointStatus.PLANNED,
) -> Touchpoint:
    """Plan what a customer contact receives from us in a quarter (article, reference story, …).

    ``year`` between 2000 and 2100, ``quarter`` 1 to 4, ``stakeholder`` a person of this account
    who is not anonymised, ``owner`` the account owner or on the team (ValidationError otherwise).
    """
    _check(actor, account)
    touchpoint = Touchpoint(
        account=account,
        stakeholder=stakeholder,
        year=year,
        quarter=quarter,
        kind=kind,
        description=description.strip(),
        owner=owner,
        status=status,
    )
    touchpoint.full_clean()
    _check_stakeholder(account, stakeholder, "stakeholder")
    _check_colleague(account, owner, "owner")
    touchpoint.save()
    audit_record(
        actor=actor,
        action="relationships.touchpoint.create",
        target=touchpoint,
        account_id=account.pk,
        changes=created_values(touchpoint, TOUCHPOINT_FIELDS),
    )
    return touchpoint


@transaction.atomic
def touchpoint_update(*, actor, touchpoint: Touchpoint, version: int | None = None, **values) -> Touchpoint:
    """Change a touchpoint (fields of ``TOUCHPOINT_FIELDS``) edited from ``version``."""
    account = touchpoint.account
    _check(actor, account)
    refuse_unknown(values, TOUCHPOINT_FIELDS, "touchpoint")
    obj = (
        Touchpoint.objects.select_for_update(of=("self",))
        .select_related("stakeholder", "owner")
        .get(pk=touchpoint.pk)
    )
    stored_stakeholder, stored_owner = obj.stakeholder_id, obj.owner_id

    def validate():
        _check_stakeholder(account, obj.stakeholder, "stakeholder", keep=stored_stakeholder)
        _check_colleague(account, obj.owner, "owner", keep=stored_owner)

    diff = update_versioned(obj, version=version, values=stripped(values), validate=validate)
    if diff:
        audit_record(
            actor=actor,
            action="relationships.touchpoint.update",
            target=obj,
            account_id=account.pk,
            changes=diff,
        )
    return obj


@transaction.atomic
def touchpoint_delete(*, actor, touchpoint: Touchpoint) -> None:
    _check(actor, touchpoint.account)
    audit_record(
        actor=actor,
        action="relationships.touchpoint.delete",
        target=touchpoint,
        account_id=touchpoint.account_id,
    )
    touchpoint.delete()

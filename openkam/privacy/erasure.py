"""Anonymising and erasing a stakeholder across the system, history included (Art. 17 GDPR).

Both run in one transaction: either every trace listed below is gone or nothing changed.

**Anonymise** keeps the stakeholder row for the account's history — hierarchy level, reports-to,
roles in buying decisions, coach flag, attitude, influence, relationship strength, the colleague
who owns the relationship and the last-contact date stay, so the buying center and its history
remain countable — but the row no longer names a person: the name becomes a neutral label
(``scrub.anonymised_label``) and every other free-text column (e-mail, phone, function, business
unit, notes, and whatever text column the stakeholders app adds) is cleared. The personality
profile and its view log, the person's relationship-plan lines, touchpoints and retention flag
are deleted; information records keep date and channel (evidence that the duty was met) but lose
their note, as do the person's entries in the buying centers of opportunities (the roles stay).
Contacts stay, with the person still a participant.

**Erase** deletes the stakeholder row and with it everything that points to it (participations
in contacts, counterparts, relationship-plan lines, touchpoints, profile, view log, information
records, retention flag, and rows other apps link to it by cascade); direct reports lose their
``reports_to``.

**Both** then replace the person's name, e-mail and phone wherever it was typed in the buying
center's texts (contacts, follow-ups, other stakeholders' notes, plan lines, …; see ``scrub``
for what is recognised) and in the account's audit trail: entries about the person get the label
as their object and lose the values of identifying fields; every other entry of the account has
the name replaced in its object name and its changes. Finally one audit entry records the act
itself, without the name. Texts of other sections (account plans, profile, …) are not rewritten
but searched: ``mentions_elsewhere`` lists them so the owner can edit them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from openkam.core.locking import save_versioned
from openkam.core.models import AuditEntry
from openkam.core.services import MASK, audit_record
from openkam.opportunities.models import DecisionParticipant
from openkam.personality.models import PersonalityProfile, PersonalityView
from openkam.relationships.models import Contact, Counterpart, RelationshipLink, Touchpoint
from openkam.stakeholders.models import Stakeholder

from .models import InformationRecord, RetentionFlag
from .permissions import can_manage_privacy
from .scrub import NameMatcher, anonymised_label, erased_label, matcher_for
from .texts import SCRUBBED_APPS, rows_of, text_models

ANONYMISE = "anonymise"
ERASE = "erase"

#: Keys of audit changes whose values identify a person; masked in entries about the person.
IDENTIFYING_KEYS = frozenset(
    {
        "first_name",
        "last_name",
        "email",
        "phone",
        "function",
        "business_unit",
        "notes",
        "note",
        "observations",
    }
)
_KEPT_NAME_FIELDS = ("first_name", "last_name")


def cleared_fields() -> list[str]:
    """The stakeholder's free-text columns that anonymisation empties (all but the name)."""
    return [
        f.name
        for f in Stakeholder._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField)
        and not f.choices
        and f.name not in _KEPT_NAME_FIELDS
    ]


@dataclass(frozen=True)
class Mention:
    """A place outside the buying center where the person's name was typed."""

    section: str
    what: str
    field: str
    object_id: int
    excerpt: str


@dataclass
class ErasureReport:
    """What anonymising or erasing one stakeholder does (the preview) or did."""

    mode: str
    label: str
    contacts: int = 0
    counterparts: int = 0
    relationship_links: int = 0
    touchpoints: int = 0
    profile: bool = False
    profile_views: int = 0
    information_records: int = 0
    direct_reports: int = 0
    retention_flag: bool = False
    texts: dict[str, int] = field(default_factory=dict)
    audit_about: int = 0
    audit_mentions: int = 0
    elsewhere: list[Mention] = field(default_factory=list)

    @property
    def texts_total(self) -> int:
        return sum(self.texts.values())


def _excerpt(text: str, matcher: NameMatcher, width: int = 60) -> str:
    match = matcher.pattern.search(text)
    start, end = max(0, match.start() - width), min(len(text), match.end() + width)
    return ("…" if start else "") + text[start:end].strip() + ("…" if end < len(text) else "")


def _as_text(value) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def mentions_elsewhere(stakeholder: Stakeholder, matcher: NameMatcher | None = None) -> list[Mention]:
    """Where the person is named in texts of the account outside the buying center.

    These texts belong to other sections (plans, profile, competition, …); erasure does not
    rewrite them, the confirmation page and the export list them.
    """
    matcher = matcher or matcher_for(stakeholder, "")
    found = []
    for text_model in text_models():
        if text_model.model._meta.app_label in SCRUBBED_APPS:
            continue
        meta = text_model.model._meta
        for pk, *values in rows_of(text_model, stakeholder.account):
            for name, value in zip(text_model.fields, values, strict=True):
                text = _as_text(value) if value not in (None, "") else ""
                if matcher.find(text):
                    found.append(
                        Mention(
                            section=str(meta.app_config.verbose_name),
                            what=str(meta.verbose_name),
                            field=str(meta.get_field(name).verbose_name),
                            object_id=pk,
                            excerpt=_excerpt(text, matcher),
                        )
                    )
    return found


# What anonymising deletes along with the person (the rest of their rows stays and is rewritten).
_DELETED_ON_ANONYMISE = (PersonalityProfile, PersonalityView, RelationshipLink, Touchpoint, RetentionFlag)


def _gone_with_person(model: type[models.Model], stakeholder: Stakeholder, mode: str) -> Q:
    """Rows the operation deletes with the person (or clears): not counted as rewritten texts."""
    if model is Stakeholder:
        return Q(pk=stakeholder.pk)
    links = [
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, models.ForeignKey)
        and f.related_model is Stakeholder
        and (f.remote_field.on_delete is models.CASCADE if mode == ERASE else model in _DELETED_ON_ANONYMISE)
    ]
    query = Q(pk__in=[])
    for name in links:
        query |= Q(**{name: stakeholder.pk})
    return query


def _rewrite_texts(
    stakeholder: Stakeholder, matcher: NameMatcher, *, mode: str, apply: bool
) -> dict[str, int]:
    """Replace the person in the buying center's texts; returns rows changed per kind of object.

    Applied after the person's own rows are deleted; the preview leaves those out of its counts.
    """
    counts: dict[str, int] = {}
    for text_model in text_models():
        model = text_model.model
        if model._meta.app_label not in SCRUBBED_APPS:
            continue
        excluded = set(
            model._default_manager.filter(_gone_with_person(model, stakeholder, mode)).values_list(
                "pk", flat=True
            )
        )
        for pk, *values in rows_of(text_model, stakeholder.account):
            if pk in excluded:
                continue
            changed = {}
            for name, value in zip(text_model.fields, values, strict=True):
                new = matcher.replace_in(value)
                if new != value:
                    changed[name] = new
            if not changed:
                continue
            key = str(model._meta.verbose_name_plural)
            counts[key] = counts.get(key, 0) + 1
            if apply:
                if text_model.versioned:
                    changed["version"] = F("version") + 1
                model._default_manager.filter(pk=pk).update(**changed)
    return counts


def _about_person(stakeholder: Stakeholder, profile_pk: int | None) -> Q:
    """Audit entries whose object is the person, their profile or their privacy records."""
    query = Q(target_type="stakeholders.stakeholder", target_id=str(stakeholder.pk))
    if profile_pk is not None:
        query |= Q(target_type="personality.personalityprofile", target_id=str(profile_pk))
    records = [
        str(pk)
        for pk in InformationRecord.objects.filter(stakeholder=stakeholder).values_list("pk", flat=True)
    ]
    query |= Q(target_type="privacy.informationrecord", target_id__in=records)
    flags = [
        str(pk) for pk in RetentionFlag.objects.filter(stakeholder=stakeholder).values_list("pk", flat=True)
    ]
    query |= Q(target_type="privacy.retentionflag", target_id__in=flags)
    return query


def _masked(changes: dict) -> dict:
    return {
        key: ([MASK, MASK] if isinstance(value, list) else MASK) if key in IDENTIFYING_KEYS else value
        for key, value in changes.items()
    }


def _rewrite_audit(
    stakeholder: Stakeholder, matcher: NameMatcher, about: Q, *, apply: bool
) -> tuple[int, int]:
    """Rewrite the audit trail of the account; returns (entries about the person, other entries)."""
    about_ids = set(AuditEntry.objects.filter(about).values_list("pk", flat=True))
    rows = list(
        AuditEntry.objects.filter(Q(account_id=stakeholder.account_id) | Q(pk__in=about_ids))
        .order_by("pk")
        .values_list("pk", "target_repr", "changes")
    )
    about_count = mention_count = 0
    for pk, target_repr, changes in rows:
        if pk in about_ids:
            new_repr, new_changes = matcher.label, matcher.replace_in(_masked(changes or {}))
        else:
            new_repr, new_changes = matcher.replace(target_repr), matcher.replace_in(changes)
        if new_repr == target_repr and new_changes == changes:
            continue
        if pk in about_ids:
            about_count += 1
        else:
            mention_count += 1
        if apply:
            AuditEntry.objects.filter(pk=pk).update(target_repr=new_repr[:300], changes=new_changes)
    return about_count, mention_count


def _profile_pk(stakeholder: Stakeholder) -> int | None:
    # Only the key, to find and delete what belongs to the person; the profile is never read here.
    return PersonalityProfile.objects.filter(stakeholder=stakeholder).values_list("pk", flat=True).first()


def _report(stakeholder: Stakeholder, mode: str, label: str) -> ErasureReport:
    """The counts of what belongs to the person (before anything is changed)."""
    return ErasureReport(
        mode=mode,
        label=label,
        contacts=Contact.objects.filter(stakeholders=stakeholder).count(),
        counterparts=Counterpart.objects.filter(stakeholder=stakeholder).count(),
        relationship_links=RelationshipLink.objects.filter(stakeholder=stakeholder).count(),
        touchpoints=Touchpoint.objects.filter(stakeholder=stakeholder).count(),
        profile=_profile_pk(stakeholder) is not None,
        profile_views=PersonalityView.objects.filter(stakeholder=stakeholder).count(),
        information_records=InformationRecord.objects.filter(stakeholder=stakeholder).count(),
        direct_reports=Stakeholder.objects.filter(reports_to=stakeholder).count(),
        retention_flag=RetentionFlag.objects.filter(stakeholder=stakeholder).exists(),
    )


def _label(stakeholder: Stakeholder, mode: str) -> str:
    return anonymised_label(stakeholder.pk) if mode == ANONYMISE else erased_label(stakeholder.pk)


def erasure_preview(stakeholder: Stakeholder, mode: str) -> ErasureReport:
    """What ``stakeholder_anonymise`` or ``stakeholder_erase`` would do, without changing anything."""
    label = _label(stakeholder, mode)
    matcher = matcher_for(stakeholder, label)
    report = _report(stakeholder, mode, label)
    report.texts = _rewrite_texts(stakeholder, matcher, mode=mode, apply=False)
    report.audit_about, report.audit_mentions = _rewrite_audit(
        stakeholder, matcher, _about_person(stakeholder, _profile_pk(stakeholder)), apply=False
    )
    report.elsewhere = mentions_elsewhere(stakeholder, matcher)
    return report


def _check(actor, stakeholder: Stakeholder) -> None:
    # actor=None is the system (the retention job); people must own the account.
    if actor is not None and not can_manage_privacy(actor, stakeholder.account):
        raise PermissionDenied


def _locked(stakeholder: Stakeholder) -> Stakeholder:
    """The stakeholder as stored now, locked for the transaction (PostgreSQL)."""
    current = Stakeholder.objects.select_for_update().filter(pk=stakeholder.pk).first()
    if current is None:
        raise ValidationError(_("This stakeholder no longer exists."))
    current.account = stakeholder.account
    return current


@transaction.atomic
def stakeholder_anonymise(*, actor, stakeholder: Stakeholder) -> ErasureReport:
    """Anonymise ``stakeholder`` everywhere (see the module docstring); returns what was done.

    Raises PermissionDenied for anyone but the account owner (``actor=None``: the retention job)
    and ValidationError when the stakeholder is anonymised already.
    """
    _check(actor, stakeholder)
    person = _locked(stakeholder)
    if person.anonymised_at is not None:
        raise ValidationError(_("This stakeholder is anonymised already."))
    label = anonymised_label(person.pk)
    matcher = matcher_for(person, label)
    report = _report(person, ANONYMISE, label)
    about = _about_person(person, _profile_pk(person))
    report.audit_about, report.audit_mentions = _rewrite_audit(person, matcher, about, apply=True)

    PersonalityProfile.objects.filter(stakeholder=person).delete()
    PersonalityView.objects.filter(stakeholder=person).delete()
    RelationshipLink.objects.filter(stakeholder=person).delete()
    Touchpoint.objects.filter(stakeholder=person).delete()
    RetentionFlag.objects.filter(stakeholder=person).delete()
    InformationRecord.objects.filter(stakeholder=person).update(note="")
    # The roles in opportunities' buying decisions stay countable; our notes about the person go.
    DecisionParticipant.objects.filter(stakeholder=person).update(note="")

    cleared = [name for name in cleared_fields() if getattr(person, name)]
    person.first_name, person.last_name = "", label
    for name in cleared_fields():
        setattr(person, name, "")
    person.anonymised_at = timezone.now()
    save_versioned(
        person,
        expected_version=None,
        update_fields=["first_name", "last_name", *cleared_fields(), "anonymised_at"],
    )
    report.texts = _rewrite_texts(person, matcher, mode=ANONYMISE, apply=True)
    audit_record(
        actor=actor,
        action="privacy.anonymise",
        target=person,
        account_id=person.account_id,
        # Which fields were emptied, never what they held.
        changes={"first_name": (MASK, ""), "last_name": (MASK, label)} | dict.fromkeys(cleared, (MASK, "")),
        masked=["first_name", *cleared],
    )
    for name in ["first_name", "last_name", *cleared_fields(), "anonymised_at", "version"]:
        setattr(stakeholder, name, getattr(person, name))
    return report


def _refused(objects) -> ValidationError:
    kinds = sorted({str(obj._meta.verbose_name_plural) for obj in objects})
    return ValidationError(
        _("The stakeholder cannot be erased while these refer to them: %(kinds)s.")
        % {"kinds": ", ".join(kinds)}
    )


@transaction.atomic
def stakeholder_erase(*, actor, stakeholder: Stakeholder) -> ErasureReport:
    """Erase ``stakeholder`` and everything about them (see the module docstring).

    Raises PermissionDenied for anyone but the account owner, and ValidationError when another
    part of the system refuses the deletion (a protected reference); nothing is changed then.
    """
    _check(actor, stakeholder)
    person = _locked(stakeholder)
    label = erased_label(person.pk)
    matcher = matcher_for(person, label)
    report = _report(person, ERASE, label)
    about = _about_person(person, _profile_pk(person))
    report.audit_about, report.audit_mentions = _rewrite_audit(person, matcher, about, apply=True)

    Stakeholder.objects.filter(reports_to=person).update(reports_to=None, version=F("version") + 1)
    # What the audit entry of the erasure names: the label, never the person.
    stand_in = Stakeholder(pk=person.pk, account_id=person.account_id, first_name="", last_name=label)
    try:
        person.delete()
    except models.ProtectedError as exc:
        raise _refused(exc.protected_objects) from exc
    except models.RestrictedError as exc:
        raise _refused(exc.restricted_objects) from exc
    report.texts = _rewrite_texts(stand_in, matcher, mode=ERASE, apply=True)
    audit_record(actor=actor, action="privacy.erase", target=stand_in, account_id=stand_in.account_id)
    return report

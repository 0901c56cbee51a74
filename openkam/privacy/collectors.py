"""Everything stored about one stakeholder, collected section by section (right of access).

A **collector** takes the ``ExportContext`` of one person and returns a ``Section`` — a title and
either fields (one object) or rows (a table) — or ``None`` when the section does not apply to the
person or the requester. The JSON export is the list of sections, the PDF renders the same list.

Collectors are registered with ``@register(key, order=…)``. The buying-center sections are below;
an app added later registers its own in ``openkam/<app>/privacy_collectors.py``, which the
privacy app imports at start-up (``PrivacyConfig.ready``), so the export grows with the product.

Collectors read the models directly, except personality profiles: those come only through
``openkam.personality.permissions.profiles_for_viewer`` (once per export, logged with the channel
``privacy_export``), and their sections are left out for a requester without the permission.
Values are ready to show in the requester's language (choice labels, names), dates stay dates.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from openkam.accounts.models import KeyAccount
from openkam.core.models import AuditEntry
from openkam.core.templatetags.openkam import action_label, audit_changes
from openkam.personality.choices import Colour, Motive, ViewChannel
from openkam.personality.models import PersonalityProfile, PersonalityView
from openkam.personality.permissions import can_see_personality, profiles_for_viewer
from openkam.relationships.models import Contact, Counterpart, FollowUp, RelationshipLink, Touchpoint
from openkam.stakeholders.choices import BuyingRole
from openkam.stakeholders.models import BuyingCenterSettings, Stakeholder

from .choices import EXPORT_CHANNEL, RetentionState
from .erasure import mentions_elsewhere
from .models import InformationRecord, RetentionFlag
from .retention import basis_date, retention_cutoff, retention_state
from .scrub import NameMatcher, display_name, matcher_for


@dataclass
class Section:
    """One part of the export: ``fields`` as (name, label, value) or ``columns`` + ``rows``."""

    key: str
    title: str
    fields: list[tuple[str, str, Any]] = field(default_factory=list)
    columns: list[tuple[str, str]] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    note: str = ""

    @property
    def is_table(self) -> bool:
        return bool(self.columns)

    @property
    def table_rows(self) -> list[list[Any]]:
        """The rows as lists in column order, for templates."""
        return [[row.get(name) for name, _label in self.columns] for row in self.rows]

    def as_json(self) -> dict[str, Any]:
        return json.loads(
            json.dumps(
                {
                    "key": self.key,
                    "title": self.title,
                    "note": self.note,
                    "fields": [{"name": n, "label": label, "value": v} for n, label, v in self.fields],
                    "columns": [{"name": n, "label": label} for n, label in self.columns],
                    "rows": self.rows,
                },
                cls=DjangoJSONEncoder,
            )
        )


@dataclass
class ExportContext:
    """What every collector gets: the person, the account, who asks and the profile they may see."""

    stakeholder: Stakeholder
    account: KeyAccount
    viewer: Any
    may_see_personality: bool
    profile: PersonalityProfile | None
    matcher: NameMatcher


Collector = Callable[[ExportContext], Section | None]
_COLLECTORS: dict[str, tuple[int, Collector]] = {}


def register(key: str, *, order: int) -> Callable[[Collector], Collector]:
    """Add a collector; ``order`` places its section (buying center: 10–99, later apps: 100+)."""

    def decorator(collector: Collector) -> Collector:
        if key in _COLLECTORS and _COLLECTORS[key][1] is not collector:
            raise ValueError(f"Privacy collector {key!r} registered twice")
        _COLLECTORS[key] = (order, collector)
        return collector

    return decorator


def collectors() -> list[tuple[str, Collector]]:
    return [
        (key, fn) for key, (order, fn) in sorted(_COLLECTORS.items(), key=lambda item: (item[1][0], item[0]))
    ]


def collect(stakeholder: Stakeholder, *, viewer) -> list[Section]:
    """The sections about ``stakeholder`` that ``viewer`` may receive, in order.

    Reads the personality profile through ``profiles_for_viewer`` (which logs the read); the
    caller checks that ``viewer`` may export at all.
    """
    account = stakeholder.account
    profile = profiles_for_viewer(viewer, account, [stakeholder], channel=EXPORT_CHANNEL).get(stakeholder.pk)
    context = ExportContext(
        stakeholder=stakeholder,
        account=account,
        viewer=viewer,
        may_see_personality=can_see_personality(viewer, account),
        profile=profile,
        matcher=matcher_for(stakeholder, ""),
    )
    return [section for _key, fn in collectors() if (section := fn(context)) is not None]


def export_document(stakeholder: Stakeholder, sections: list[Section]) -> dict[str, Any]:
    """The JSON export: who it is about, when and in which language it was made, the sections."""
    return {
        "format": "openkam-personal-data/1",
        "generated_at": timezone.now().isoformat(),
        "language": get_language(),
        "key_account": {"id": stakeholder.account_id, "name": stakeholder.account.customer.name},
        "stakeholder_id": stakeholder.pk,
        "sections": [section.as_json() for section in sections],
    }


# Helpers ----------------------------------------------------------------------------------------


def _label(model: type[models.Model], name: str) -> str:
    return str(capfirst(model._meta.get_field(name).verbose_name))


def _person(user) -> str | None:
    return (user.get_full_name() or user.get_username()) if user is not None else None


def _choice_labels(choices: type[models.Choices], values) -> list[str]:
    labels = dict(choices.choices)
    return [str(labels.get(value, value)) for value in values or []]


def _value(obj: models.Model, model_field: models.Field) -> Any:
    """A field's value as a person reads it: choice labels, names of related objects."""
    if isinstance(model_field, models.ForeignKey):
        related = getattr(obj, model_field.name)
        if related is None:
            return None
        if isinstance(related, Stakeholder):
            return display_name(related)
        return _person(related) if hasattr(related, "get_full_name") else str(related)
    if model_field.choices:
        return str(getattr(obj, f"get_{model_field.name}_display")())
    return getattr(obj, model_field.attname)


def _table(key: str, title, model: type[models.Model], names: list[str], objects, **extra) -> Section:
    """A section with one row per object and the model's labels as column heads."""
    columns = [(name, _label(model, name)) for name in names]
    extra_columns = [(name, str(label)) for name, (label, _fn) in extra.items()]
    rows = []
    for obj in objects:
        row = {name: _value(obj, model._meta.get_field(name)) for name in names}
        row |= {name: fn(obj) for name, (_label_text, fn) in extra.items()}
        rows.append(row)
    return Section(key=key, title=str(title), columns=columns + extra_columns, rows=rows)


# The buying center ------------------------------------------------------------------------------

_SKIPPED_STAKEHOLDER_FIELDS = {"id", "account", "version"}


@register("stakeholder", order=10)
def stakeholder_section(context: ExportContext) -> Section:
    """Every stored field of the stakeholder, the org chart around them and the account."""
    person = context.stakeholder
    fields: list[tuple[str, str, Any]] = [("key_account", _("Key account"), context.account.customer.name)]
    for model_field in Stakeholder._meta.concrete_fields:
        if model_field.name in _SKIPPED_STAKEHOLDER_FIELDS:
            continue
        if model_field.name == "buying_roles":
            value: Any = _choice_labels(BuyingRole, person.buying_roles)
        else:
            value = _value(person, model_field)
        fields.append((model_field.name, _label(Stakeholder, model_field.name), value))
    reports = Stakeholder.objects.filter(reports_to=person).order_by("last_name", "first_name", "pk")
    fields.append(("direct_reports", _("Direct reports"), [display_name(s) for s in reports]))
    return Section(key="stakeholder", title=_("Stakeholder"), fields=fields)


@register("personality", order=20)
def personality_section(context: ExportContext) -> Section | None:
    """The four-colour type and motives; only for a requester who may see profiles."""
    if not context.may_see_personality:
        return None
    profile = context.profile
    section = Section(key="personality", title=_("Personality profile"))
    if profile is None:
        section.note = _("No personality profile is recorded.")
        return section
    for model_field in PersonalityProfile._meta.concrete_fields:
        name = model_field.name
        if name in ("id", "stakeholder", "version"):
            continue
        if name in ("strongest_motives", "weakest_motives"):
            value: Any = _choice_labels(Motive, getattr(profile, name))
        elif name in ("primary_colour", "secondary_colour"):
            value = _choice_labels(Colour, [getattr(profile, name)])[0] if getattr(profile, name) else ""
        else:
            value = _value(profile, model_field)
        section.fields.append((name, _label(PersonalityProfile, name), value))
    return section


@register("personality_views", order=21)
def personality_views_section(context: ExportContext) -> Section | None:
    """Who saw the profile, when and where (this export included)."""
    if not context.may_see_personality:
        return None
    # The personality app names the channels; this one is ours until it lists it too.
    channels = {EXPORT_CHANNEL: _("Data-protection export")} | dict(ViewChannel.choices)
    views = PersonalityView.objects.filter(stakeholder=context.stakeholder).order_by("-viewed_at", "-pk")
    return _table(
        "personality_views",
        _("Views of the personality profile"),
        PersonalityView,
        ["viewed_at", "viewer_name"],
        views,
        channel=(_("Where"), lambda v: str(channels.get(v.channel, v.channel))),
    )


def _contacts(context: ExportContext):
    return Contact.objects.filter(stakeholders=context.stakeholder).order_by("-date", "-pk")


@register("contacts", order=30)
def contacts_section(context: ExportContext) -> Section:
    """The contacts the person took part in."""
    return _table(
        "contacts",
        _("Contacts"),
        Contact,
        ["date", "kind", "status", "title", "location", "topics", "outcomes"],
        _contacts(context),
    )


@register("counterparts", order=31)
def counterparts_section(context: ExportContext) -> Section:
    """Which of our people was assigned to the person for a meeting."""
    rows = (
        Counterpart.objects.filter(stakeholder=context.stakeholder)
        .select_related("contact", "user")
        .order_by("-contact__date", "-pk")
    )
    return _table(
        "counterparts",
        _("Counterparts"),
        Counterpart,
        ["user"],
        rows,
        contact_date=(_("Date"), lambda c: c.contact.date),
        contact=(_("Contact"), lambda c: c.contact.title),
    )


@register("follow_ups", order=32)
def follow_ups_section(context: ExportContext) -> Section:
    """The follow-up actions agreed in those contacts."""
    rows = (
        FollowUp.objects.filter(contact__in=_contacts(context))
        .select_related("contact")
        .order_by("contact__date", "pk")
    )
    return _table(
        "follow_ups",
        _("Follow-up actions"),
        FollowUp,
        ["description", "due_on", "done"],
        rows,
        contact=(_("Contact"), lambda f: f.contact.title),
    )


@register("relationship_plan", order=40)
def relationship_plan_section(context: ExportContext) -> Section:
    rows = (
        RelationshipLink.objects.filter(stakeholder=context.stakeholder).select_related("user").order_by("pk")
    )
    return _table(
        "relationship_plan",
        _("Relationship plan"),
        RelationshipLink,
        ["user", "cadence", "occasion", "aim", "next_on"],
        rows,
    )


@register("touchpoints", order=41)
def touchpoints_section(context: ExportContext) -> Section:
    rows = Touchpoint.objects.filter(stakeholder=context.stakeholder).order_by("year", "quarter", "pk")
    return _table(
        "touchpoints",
        _("Touchpoints"),
        Touchpoint,
        ["year", "quarter", "kind", "description", "status"],
        rows,
    )


@register("information", order=50)
def information_section(context: ExportContext) -> Section:
    """When and how the person was informed that we store their data."""
    rows = InformationRecord.objects.filter(stakeholder=context.stakeholder).select_related("recorded_by")
    return _table(
        "information",
        _("Information of the person"),
        InformationRecord,
        ["informed_on", "channel", "note", "recorded_by", "created_at"],
        rows,
    )


@register("retention", order=51)
def retention_section(context: ExportContext) -> Section:
    """Where the person stands in the retention process."""
    today = timezone.localdate()
    settings = BuyingCenterSettings.current()
    flag = RetentionFlag.objects.filter(stakeholder=context.stakeholder).select_related("kept_by").first()
    state = retention_state(context.stakeholder, flag, today=today, cutoff=retention_cutoff(today, settings))
    fields: list[tuple[str, str, Any]] = [
        ("state", _("Retention"), str(RetentionState(state).label)),
        ("basis_on", _label(RetentionFlag, "basis_on"), basis_date(context.stakeholder)),
        ("retention_months", _("Retention period (months)"), settings.retention_months),
    ]
    if flag is not None:
        for name in ("flagged_at", "purge_after", "kept_until", "keep_reason", "kept_by"):
            fields.append(
                (name, _label(RetentionFlag, name), _value(flag, RetentionFlag._meta.get_field(name)))
            )
    return Section(key="retention", title=_("Retention"), fields=fields)


def _audit_about(context: ExportContext) -> Q:
    person = context.stakeholder
    query = Q(target_type="stakeholders.stakeholder", target_id=str(person.pk))
    if context.profile is not None:
        query |= Q(target_type="personality.personalityprofile", target_id=str(context.profile.pk))
    records = [
        str(pk) for pk in InformationRecord.objects.filter(stakeholder=person).values_list("pk", flat=True)
    ]
    flags = [str(pk) for pk in RetentionFlag.objects.filter(stakeholder=person).values_list("pk", flat=True)]
    return (
        query
        | Q(target_type="privacy.informationrecord", target_id__in=records)
        | Q(target_type="privacy.retentionflag", target_id__in=flags)
    )


def _changes_text(entry: AuditEntry) -> str:
    parts = []
    for label, old, new in audit_changes(entry):
        parts.append(f"{capfirst(label)}: {old} → {new}" if old is not None else f"{capfirst(label)}: {new}")
    return "; ".join(parts)


@register("audit", order=90)
def audit_section(context: ExportContext) -> Section:
    """The audit entries about the person or naming them (values masked there stay masked).

    Entries about the personality profile only for a requester who may see profiles.
    """
    about = set(AuditEntry.objects.filter(_audit_about(context)).values_list("pk", flat=True))
    candidates = AuditEntry.objects.filter(Q(pk__in=about) | Q(account_id=context.account.pk)).order_by(
        "created_at", "pk"
    )
    entries = [
        entry
        for entry in candidates
        if entry.pk in about
        or context.matcher.find(entry.target_repr)
        or context.matcher.find(json.dumps(entry.changes, ensure_ascii=False))
    ]
    if not context.may_see_personality:
        entries = [entry for entry in entries if not entry.action.startswith("personality.")]
    system = _("System")
    return Section(
        key="audit",
        title=_("Audit trail"),
        columns=[
            ("created_at", pgettext("audit trail", "Time")),
            ("actor", pgettext("audit trail", "By")),
            ("action", pgettext("audit trail", "Action")),
            ("object", pgettext("audit trail", "Object")),
            ("changes", pgettext("audit trail", "Changes")),
        ],
        rows=[
            {
                "created_at": entry.created_at,
                "actor": entry.actor_name or system,
                "action": str(action_label(entry.action)),
                "object": entry.target_repr,
                "changes": _changes_text(entry),
            }
            for entry in entries
        ],
    )


@register("mentions", order=95)
def mentions_section(context: ExportContext) -> Section:
    """Texts of other sections (plans, profile, …) that name the person."""
    mentions = mentions_elsewhere(context.stakeholder, context.matcher)
    return Section(
        key="mentions",
        title=_("Mentions in other sections of the account"),
        columns=[
            ("section", _("Section")),
            ("what", pgettext("audit trail", "Object")),
            ("field", _("Field")),
            ("excerpt", _("Text")),
        ],
        rows=[
            {"section": m.section, "what": m.what, "field": m.field, "excerpt": m.excerpt} for m in mentions
        ],
    )

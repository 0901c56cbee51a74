"""Reads of the relationships app: the contact log, the relationship plan against the contacts
held, the touchpoint plan, the meeting brief and open follow-up actions.

Every function takes an account the caller has loaded through its access helper
(``get_account_for_user``) or a user whose visible accounts it filters by; none checks rights
itself. Other apps may call ``held_contacts``, ``relationship_plan_status`` and
``open_follow_ups_for_user`` (docs/relationships.md).
"""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from openkam.accounts.models import KeyAccount
from openkam.accounts.permissions import accounts_visible_to
from openkam.stakeholders.choices import BuyingRole
from openkam.stakeholders.models import Stakeholder
from openkam.users.models import User

from .choices import CADENCE_MONTHS, QUARTERS, ContactStatus, PlanStatus
from .models import Contact, Counterpart, FollowUp, RelationshipLink, Touchpoint

#: How many held contacts the meeting brief lists per customer participant.
BRIEF_LAST_CONTACTS = 3
#: How many open plan actions the one-page brief lists (the most urgent first).
BRIEF_PLAN_ACTIONS = 8


def today() -> datetime.date:
    return timezone.localdate()


# People who may take part ------------------------------------------------------------------------


def participant_choices(account: KeyAccount) -> QuerySet[User]:
    """Our people who may take part in a contact, own a follow-up, a plan line or a touchpoint:
    the account's owner and its team (core and extended), active people only, by name."""
    return (
        User.objects.filter(is_active=True)
        .filter(Q(pk=account.owner_id) | Q(team_memberships__account=account))
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


def stakeholder_choices(account: KeyAccount) -> QuerySet[Stakeholder]:
    """The account's stakeholders who may be added to a contact or a plan (not anonymised)."""
    return Stakeholder.objects.filter(account=account, anonymised_at__isnull=True).order_by(
        "last_name", "first_name", "pk"
    )


# The contact log --------------------------------------------------------------------------------


def _people_prefetches(*, owners: bool = False) -> list[Prefetch]:
    stakeholders = Stakeholder.objects.order_by("last_name", "first_name", "pk")
    if owners:
        stakeholders = stakeholders.select_related("relationship_owner")
    return [
        Prefetch("stakeholders", queryset=stakeholders),
        Prefetch("participants", queryset=User.objects.order_by("last_name", "first_name", "pk")),
    ]


def contacts_for_account(account: KeyAccount, *, status: str = "") -> QuerySet[Contact]:
    """The contacts of an account for the log: newest first, with both sides' participants and
    the number of open follow-up actions; ``status`` limits them to planned, held or cancelled."""
    rows = Contact.objects.filter(account=account)
    if status:
        rows = rows.filter(status=status)
    return (
        rows.prefetch_related(*_people_prefetches())
        .annotate(open_follow_ups=Count("follow_ups", filter=Q(follow_ups__done=False)))
        .order_by("-date", F("time").desc(nulls_last=True), "-pk")
    )


def contact_for_page(contact: Contact) -> Contact:
    """``contact`` with its participants, follow-up actions and counterparts (keeps its account)."""
    account = contact.account
    contact = (
        Contact.objects.select_related("created_by")
        .prefetch_related(
            *_people_prefetches(owners=True),
            Prefetch("follow_ups", queryset=FollowUp.objects.select_related("owner")),
            Prefetch("counterparts", queryset=Counterpart.objects.select_related("user", "stakeholder")),
        )
        .get(pk=contact.pk)
    )
    contact.account = account
    return contact


def held_contacts(account: KeyAccount, since: datetime.date | None = None) -> QuerySet[Contact]:
    """Contacts held with the account's people (on or after ``since``), newest first, with both
    sides' participants prefetched. Planned and cancelled contacts are left out."""
    rows = Contact.objects.filter(account=account, status=ContactStatus.HELD)
    if since is not None:
        rows = rows.filter(date__gte=since)
    return rows.prefetch_related(*_people_prefetches()).order_by(
        "-date", F("time").desc(nulls_last=True), "-pk"
    )


def open_follow_ups_for_account(account: KeyAccount) -> QuerySet[FollowUp]:
    """Follow-up actions of the account's contacts that are not done, the earliest due first."""
    return (
        FollowUp.objects.filter(contact__account=account, done=False)
        .select_related("owner", "contact")
        .order_by(F("due_on").asc(nulls_last=True), "pk")
    )


def open_follow_ups_for_user(user) -> QuerySet[FollowUp]:
    """The follow-up actions ``user`` owns and has not done, on every account they can see, the
    earliest due first (overdue ones lead), with contact and account for a task list."""
    return (
        FollowUp.objects.filter(owner=user, done=False, contact__account__in=accounts_visible_to(user))
        .select_related("contact", "contact__account", "contact__account__customer")
        .order_by(F("due_on").asc(nulls_last=True), "pk")
    )


# The relationship plan --------------------------------------------------------------------------


def planned_per_year(cadence: str) -> int:
    """Contacts a plan line asks for in a full year: 12 for monthly, 4 for quarterly, …"""
    return 12 // CADENCE_MONTHS[cadence]


def year_share(year: int, on: datetime.date) -> tuple[int, int]:
    """(days of ``year`` up to and including ``on``, days in ``year``): the part of the year that
    has passed, 0 for a future year and all of it for a past one."""
    days = 366 if calendar.isleap(year) else 365
    if year < on.year:
        return days, days
    if year > on.year:
        return 0, days
    return on.timetuple().tm_yday, days


@dataclass
class PlanLine:
    """One relationship plan entry against the contacts held in the chosen year.

    ``planned`` counts the contacts due by ``today`` (pro rata for the running year, rounded
    down), ``planned_full_year`` those of the whole year; ``actual`` the held contacts of the
    year that both people took part in; ``last_held`` the latest of them in any year up to the
    end of the chosen one.
    """

    link: RelationshipLink
    planned_full_year: int
    planned: int
    actual: int
    status: str
    overdue: bool
    last_held: datetime.date | None

    @property
    def status_label(self) -> str:
        return str(PlanStatus(self.status).label)


@dataclass
class RelationshipPlan:
    """The relationship plan of an account for ``year``; iterating it yields its ``lines``."""

    year: int
    today: datetime.date
    days_passed: int
    days_in_year: int
    lines: list[PlanLine] = field(default_factory=list)

    def __iter__(self):
        return iter(self.lines)

    def __len__(self) -> int:
        return len(self.lines)

    @property
    def running(self) -> bool:
        return self.year == self.today.year

    def count(self, status: str) -> int:
        return sum(1 for line in self.lines if line.status == status)

    @property
    def on_track(self) -> int:
        return self.count(PlanStatus.ON_TRACK)

    @property
    def behind(self) -> int:
        return self.count(PlanStatus.BEHIND)

    @property
    def no_contact(self) -> int:
        return self.count(PlanStatus.NO_CONTACT)

    @property
    def overdue(self) -> int:
        return sum(1 for line in self.lines if line.overdue)


def plan_status(planned: int, actual: int) -> str:
    """No contact yet: none held although one was due; behind: fewer than due; else on track."""
    if actual == 0 and planned > 0:
        return PlanStatus.NO_CONTACT
    if actual < planned:
        return PlanStatus.BEHIND
    return PlanStatus.ON_TRACK


def relationship_plan_status(
    account: KeyAccount, year: int, today: datetime.date | None = None
) -> RelationshipPlan:
    """Planned against actual contacts for every relationship plan entry of ``account`` in ``year``.

    Planned: ``12 / CADENCE_MONTHS[cadence]`` contacts a year; in the running year only the
    share that is due by ``today`` (days passed ÷ days in the year, rounded down), in a future
    year none. Actual: contacts held in ``year`` (on or before ``today``) with the entry's
    colleague among our participants and its stakeholder among the customer's. A next date
    before ``today`` is overdue. Two queries whatever the number of entries.
    """
    today = today or timezone.localdate()
    days_passed, days_in_year = year_share(year, today)
    links = list(
        RelationshipLink.objects.filter(account=account)
        .select_related("user", "stakeholder")
        .order_by("stakeholder__last_name", "stakeholder__first_name", "user__last_name", "pk")
    )
    result = RelationshipPlan(year=year, today=today, days_passed=days_passed, days_in_year=days_in_year)
    if not links:
        return result
    end = min(datetime.date(year, 12, 31), today)
    # One row per (contact, our participant, their participant) of the entries' people.
    rows = (
        Contact.objects.filter(
            account=account,
            status=ContactStatus.HELD,
            date__lte=end,
            participants__in={link.user_id for link in links},
            stakeholders__in={link.stakeholder_id for link in links},
        )
        .values_list("pk", "date", "participants", "stakeholders")
        .order_by()
    )
    in_year: dict[tuple[int, int], set[int]] = defaultdict(set)
    last: dict[tuple[int, int], datetime.date] = {}
    for contact_id, date, user_id, stakeholder_id in rows:
        pair = (user_id, stakeholder_id)
        if date.year == year:
            in_year[pair].add(contact_id)
        if pair not in last or date > last[pair]:
            last[pair] = date
    for link in links:
        pair = (link.user_id, link.stakeholder_id)
        full = planned_per_year(link.cadence)
        planned = full * days_passed // days_in_year
        actual = len(in_year.get(pair, ()))
        result.lines.append(
            PlanLine(
                link=link,
                planned_full_year=full,
                planned=planned,
                actual=actual,
                status=plan_status(planned, actual),
                overdue=link.next_on is not None and link.next_on < today,
                last_held=last.get(pair),
            )
        )
    return result


# The touchpoint plan ----------------------------------------------------------------------------


@dataclass
class TouchpointRow:
    stakeholder: Stakeholder
    quarters: list[list[Touchpoint]]


def touchpoint_plan(account: KeyAccount, year: int) -> list[TouchpointRow]:
    """The touchpoint grid of ``year``: one row per stakeholder (anonymised people only when
    they have touchpoints that year), each with the touchpoints of Q1 to Q4. Two queries."""
    touchpoints = list(
        Touchpoint.objects.filter(account=account, year=year)
        .select_related("owner")
        .order_by("quarter", "pk")
    )
    with_touchpoints = {t.stakeholder_id for t in touchpoints}
    stakeholders = Stakeholder.objects.filter(account=account).filter(
        Q(anonymised_at__isnull=True) | Q(pk__in=with_touchpoints)
    )
    rows = {
        s.pk: TouchpointRow(stakeholder=s, quarters=[[] for _ in QUARTERS])
        for s in stakeholders.order_by("last_name", "first_name", "pk")
    }
    for touchpoint in touchpoints:
        row = rows[touchpoint.stakeholder_id]
        touchpoint.stakeholder = row.stakeholder
        row.quarters[touchpoint.quarter - 1].append(touchpoint)
    return list(rows.values())


def touchpoint_years(account: KeyAccount) -> list[int]:
    """The years the account has touchpoints in, ascending."""
    return list(
        Touchpoint.objects.filter(account=account).values_list("year", flat=True).distinct().order_by("year")
    )


# The meeting brief ------------------------------------------------------------------------------


@dataclass
class BriefParticipant:
    """One customer participant of a planned meeting, as the brief shows them.

    ``profile`` is the personality profile the viewer may see (None otherwise), ``hints`` its
    communication hints (``openkam.personality.hints.ProfileHints``; None without a profile).
    """

    stakeholder: Stakeholder
    roles: list[str]
    counterpart: User | None
    last_contacts: list[Contact]
    profile: object | None = None
    hints: object | None = None
    colours: list[str] = field(default_factory=list)
    strongest: list[str] = field(default_factory=list)
    weakest: list[str] = field(default_factory=list)


@dataclass
class MeetingBrief:
    contact: Contact
    participants: list[BriefParticipant]
    ours: list[User]
    follow_ups: list[FollowUp]
    plan_actions: list
    plan_actions_total: int
    personality_visible: bool
    today: datetime.date


def role_labels(stakeholder: Stakeholder) -> list[str]:
    labels = dict(BuyingRole.choices)
    return [str(labels.get(role, role)) for role in stakeholder.buying_roles or []]


def last_held_contacts(
    stakeholder_ids: list[int], *, before: datetime.date | None = None, per_person: int = BRIEF_LAST_CONTACTS
) -> dict[int, list[Contact]]:
    """The latest ``per_person`` held contacts with each stakeholder (on or before ``before``)."""
    through = Contact.stakeholders.through
    rows = through.objects.filter(stakeholder_id__in=stakeholder_ids, contact__status=ContactStatus.HELD)
    if before is not None:
        rows = rows.filter(contact__date__lte=before)
    found: dict[int, list[Contact]] = defaultdict(list)
    for row in rows.select_related("contact").order_by("-contact__date", "-contact_id"):
        if len(found[row.stakeholder_id]) < per_person:
            found[row.stakeholder_id].append(row.contact)
    return found


def _profile_labels(profile) -> dict[str, list[str]]:
    """The colours and motives of a personality profile in words (empty without a profile)."""
    if profile is None:
        return {}
    from openkam.personality.choices import Colour, Motive

    colours, motives = dict(Colour.choices), dict(Motive.choices)
    picked = [getattr(profile, "primary_colour", ""), getattr(profile, "secondary_colour", "")]
    return {
        "colours": [str(colours.get(c, c)) for c in picked if c],
        "strongest": [str(motives.get(m, m)) for m in getattr(profile, "strongest_motives", None) or []],
        "weakest": [str(motives.get(m, m)) for m in getattr(profile, "weakest_motives", None) or []],
    }


def _open_plan_actions(account: KeyAccount) -> tuple[list, int]:
    from openkam.plans.choices import OPEN_ACTION_STATUSES
    from openkam.plans.models import Action

    rows = Action.objects.filter(plan__account=account, status__in=OPEN_ACTION_STATUSES)
    return (
        list(rows.select_related("owner", "plan").order_by("due_date", "pk")[:BRIEF_PLAN_ACTIONS]),
        rows.count(),
    )


def meeting_brief(contact: Contact, viewer, *, channel: str, on: datetime.date | None = None) -> MeetingBrief:
    """Everything the one-page brief of a planned meeting shows, as ``viewer`` may see it.

    Personality profiles come only through ``openkam.personality.permissions.profiles_for_viewer``
    (which logs each one handed out with ``channel``); a viewer without the permission gets
    none and the brief shows no trace of them.
    """
    from openkam.personality.hints import hints_for_profile
    from openkam.personality.permissions import can_see_personality, profiles_for_viewer

    on = on or today()
    contact = contact_for_page(contact)
    account = contact.account
    stakeholders = list(contact.stakeholders.all())
    counterparts = {c.stakeholder_id: c.user for c in contact.counterparts.all()}
    history = last_held_contacts([s.pk for s in stakeholders], before=on)
    profiles = profiles_for_viewer(viewer, account, stakeholders, channel=channel) if stakeholders else {}
    participants = []
    for stakeholder in stakeholders:
        profile = profiles.get(stakeholder.pk)
        participants.append(
            BriefParticipant(
                stakeholder=stakeholder,
                roles=role_labels(stakeholder),
                counterpart=counterparts.get(stakeholder.pk),
                last_contacts=history.get(stakeholder.pk, []),
                profile=profile,
                hints=hints_for_profile(profile) if profile is not None else None,
                **_profile_labels(profile),
            )
        )
    actions, total = _open_plan_actions(account)
    visible = can_see_personality(viewer, account)
    return MeetingBrief(
        contact=contact,
        participants=participants,
        ours=list(contact.participants.all()),
        follow_ups=list(open_follow_ups_for_account(account)),
        plan_actions=actions,
        plan_actions_total=total,
        personality_visible=visible,
        today=on,
    )

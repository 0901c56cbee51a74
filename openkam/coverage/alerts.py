"""Coverage alerts: the rules that find gaps in our relationships with a key account's buying center.

Pure computation over plain data (``CoverageData``: the stakeholders, the held contacts of the
last twelve months, who has a line in the relationship plan, the names of our colleagues), the
thresholds of ``BuyingCenterSettings`` and a day ``today``. Nothing here reads the database, so
every rule can be tested at its boundary with a handful of objects; ``selectors.coverage_alerts``
loads the data for an account.

Each alert carries a stable code, a severity, a sentence that says why it fires with the concrete
names and numbers (translated when the alert is built, in the active language), and the page
where it is fixed. The rules and their settings are described in docs/coverage.md.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from openkam.stakeholders.choices import Attitude, BuyingRole, HierarchyLevel

from .choices import SEVERITY_RANK, SINGLE_THREAD_MINIMUM, AlertCode, Severity

# The pages that fix an alert: the buying center belongs to the stakeholders app, the contact log
# and the relationship plan to the relationships app.
BUYING_CENTER_URL = "stakeholders:list"
STAKEHOLDER_CREATE_URL = "stakeholders:create"
STAKEHOLDER_EDIT_URL = "stakeholders:edit"
CONTACT_CREATE_URL = "relationships:contact-create"
LINK_CREATE_URL = "relationships:link-create"
RELATIONSHIP_PLAN_URL = "relationships:plan"

_CODE_ORDER = {code: position for position, code in enumerate(AlertCode.values)}


# Input ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """What the rules need to know about one stakeholder."""

    id: int
    name: str
    hierarchy_level: str = ""  # a HierarchyLevel value, "" when not recorded
    buying_roles: tuple[str, ...] = ()
    is_coach: bool = False
    attitude: int | None = None
    influence: int | None = None
    relationship_strength: int | None = None
    relationship_owner_id: int | None = None
    last_contact_on: date | None = None
    anonymised: bool = False


@dataclass(frozen=True)
class HeldContact:
    """A contact that took place: when, and who took part on both sides."""

    date: date
    stakeholder_ids: frozenset[int] = frozenset()
    participant_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Thresholds:
    """The limits of the rules (``BuyingCenterSettings``); the defaults are the settings' defaults."""

    decision_maker_contact_days: int = 90
    blocker_influence_threshold: int = 4
    blocker_engagement_days: int = 90
    single_thread_share: int = 70

    @classmethod
    def from_settings(cls, settings) -> Thresholds:
        return cls(
            decision_maker_contact_days=settings.decision_maker_contact_days,
            blocker_influence_threshold=settings.blocker_influence_threshold,
            blocker_engagement_days=settings.blocker_engagement_days,
            single_thread_share=settings.single_thread_share,
        )


@dataclass(frozen=True)
class CoverageData:
    """Everything the rules look at for one account.

    ``contacts`` are held contacts; the rules themselves keep those of the last twelve months up
    to ``today``. ``colleagues`` names our people by user id (relationship owners, participants).
    """

    account_id: int
    people: list[Person] = field(default_factory=list)
    contacts: list[HeldContact] = field(default_factory=list)
    planned_stakeholder_ids: frozenset[int] = frozenset()
    colleagues: dict[int, str] = field(default_factory=dict)


# Output -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fix:
    """Where an alert is fixed: a page of OpenKAM, and whether doing it needs the edit right.

    A fix that needs the edit right is shown as a link only to the owner and the core team;
    the rest of the team sees what would fix it.
    """

    label: str
    url_name: str
    args: tuple = ()
    # Preselections for the form the fix opens (e.g. the stakeholder a contact is with).
    query: tuple[tuple[str, str | int], ...] = ()
    needs_edit: bool = True

    @property
    def url(self) -> str:
        url = reverse(self.url_name, args=self.args)
        return f"{url}?{urlencode(self.query)}" if self.query else url


@dataclass(frozen=True)
class Alert:
    """One gap in the coverage of an account, with its reason and its fix."""

    code: str
    severity: str
    message: str
    fix: Fix
    stakeholder_ids: tuple[int, ...] = ()
    level: str = ""
    user_id: int | None = None

    @property
    def label(self) -> str:
        return str(AlertCode(self.code).label)

    @property
    def severity_label(self) -> str:
        return str(Severity(self.severity).label)


# The rules --------------------------------------------------------------------------------------


def one_year_before(day: date) -> date:
    """The same day a year earlier (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def compute_alerts(data: CoverageData, thresholds: Thresholds, today: date) -> list[Alert]:
    """Every alert for the account, the most severe first (then in the order of ``AlertCode``).

    Anonymised stakeholders are left out: they no longer stand for a person we could talk to.
    """
    people = [p for p in data.people if not p.anonymised]
    window_start = one_year_before(today)
    recent = [c for c in data.contacts if window_start <= c.date <= today]
    last_contact = _last_contacts(people, recent)
    alerts = [
        *_no_coach(data, people),
        *_decision_makers(data, people, last_contact, thresholds, today),
        *_blockers(data, people, last_contact, thresholds, today),
        *_level_gaps(data, people, recent, window_start),
        *_single_threaded(data, people, recent, thresholds),
    ]
    # sorted() is stable: within one severity and code the rule's own order (by name) stays.
    return sorted(alerts, key=lambda a: (SEVERITY_RANK[a.severity], _CODE_ORDER[a.code]))


def _last_contacts(people: list[Person], recent: list[HeldContact]) -> dict[int, date | None]:
    """The last contact per person: the stored date, or a later held contact of the log."""
    last = {p.id: p.last_contact_on for p in people}
    for contact in recent:
        for stakeholder_id in contact.stakeholder_ids:
            if stakeholder_id in last and (
                last[stakeholder_id] is None or contact.date > last[stakeholder_id]
            ):
                last[stakeholder_id] = contact.date
    return last


def _days_without_contact(last: date | None, today: date) -> int | None:
    return None if last is None else (today - last).days


def _is_overdue(last: date | None, today: date, limit: int) -> bool:
    """Never contacted, or more than ``limit`` days ago (exactly ``limit`` days is still fine)."""
    return last is None or (today - last).days > limit


def _edit(data: CoverageData, person: Person, label: str) -> Fix:
    return Fix(label, STAKEHOLDER_EDIT_URL, (data.account_id, person.id))


def _no_coach(data: CoverageData, people: list[Person]) -> list[Alert]:
    if any(p.is_coach for p in people):
        return []
    why = _(
        "A coach is a person at the customer who guides us through its buying process: who decides, "
        "by which criteria and when. Every key account needs one; without a coach we learn of "
        "decisions after they are made."
    )
    if not people:
        reason = _("No stakeholder is recorded yet, so nobody can act as our coach.")
        fix = Fix(_("Add a stakeholder"), STAKEHOLDER_CREATE_URL, (data.account_id,))
        return [Alert(AlertCode.NO_COACH, Severity.HIGH, f"{reason} {why}", fix)]
    # The person who likes us most is the natural candidate; among equals the more influential.
    candidate = max(
        people,
        key=lambda p: (
            p.attitude if p.attitude is not None else Attitude.OPPONENT - 1,
            p.influence or 0,
            p.relationship_strength or 0,
        ),
    )
    if candidate.attitude is not None and candidate.attitude >= Attitude.SUPPORTER:
        reason = _(
            "Nobody in the buying center is marked as our coach. %(name)s has the best attitude "
            "towards us (%(attitude)s) and is the natural candidate."
        ) % {"name": candidate.name, "attitude": Attitude(candidate.attitude).label}
        fix = _edit(data, candidate, _("Mark %(name)s as coach") % {"name": candidate.name})
        return [Alert(AlertCode.NO_COACH, Severity.HIGH, f"{reason} {why}", fix, (candidate.id,))]
    reason = ngettext(
        "Nobody in the buying center is marked as our coach, and the %(count)s person recorded "
        "does not support us yet.",
        "Nobody in the buying center is marked as our coach, and none of the %(count)s people "
        "recorded supports us yet.",
        len(people),
    ) % {"count": len(people)}
    fix = Fix(_("Review the buying center"), BUYING_CENTER_URL, (data.account_id,), needs_edit=False)
    return [Alert(AlertCode.NO_COACH, Severity.HIGH, f"{reason} {why}", fix)]


def _decision_makers(data, people, last_contact, thresholds: Thresholds, today: date) -> list[Alert]:
    limit = thresholds.decision_maker_contact_days
    alerts = []
    for person in people:
        if BuyingRole.DECISION_MAKER not in person.buying_roles:
            continue
        last = last_contact[person.id]
        if not _is_overdue(last, today, limit):
            continue
        if last is None:
            reason = _("Nobody of us has been in contact with %(name)s, a decision maker, yet.") % {
                "name": person.name
            }
        else:
            reason = _(
                "Our last contact with %(name)s, a decision maker, was on %(date)s, %(days)s days ago."
            ) % {
                "name": person.name,
                "date": date_format(last, "SHORT_DATE_FORMAT"),
                "days": _days_without_contact(last, today),
            }
        why = _(
            "Decision makers should hear from us at least every %(limit)s days; otherwise they decide "
            "without our arguments."
        ) % {"limit": limit}
        fix = Fix(
            _("Log a contact with %(name)s") % {"name": person.name},
            CONTACT_CREATE_URL,
            (data.account_id,),
            query=(("stakeholder", person.id),),
        )
        alerts.append(
            Alert(
                AlertCode.DECISION_MAKER_NO_CONTACT,
                Severity.HIGH,
                f"{reason} {why}",
                fix,
                (person.id,),
                level=person.hierarchy_level,
            )
        )
    return alerts


def _blockers(data, people, last_contact, thresholds: Thresholds, today: date) -> list[Alert]:
    limit = thresholds.blocker_engagement_days
    alerts = []
    for person in people:
        if BuyingRole.BLOCKER not in person.buying_roles:
            continue
        if person.influence is None or person.influence < thresholds.blocker_influence_threshold:
            continue
        last = last_contact[person.id]
        if person.id in data.planned_stakeholder_ids or not _is_overdue(last, today, limit):
            continue
        values = {"name": person.name, "influence": person.influence}
        if last is None:
            reason = (
                _(
                    "%(name)s can block decisions (influence %(influence)s of 5), has never been in "
                    "contact with us and has no line in the relationship plan."
                )
                % values
            )
        else:
            reason = _(
                "%(name)s can block decisions (influence %(influence)s of 5), has had no contact with "
                "us for %(days)s days and has no line in the relationship plan."
            ) % (values | {"days": _days_without_contact(last, today)})
        why = _(
            "A blocker nobody of us engages with works against us unnoticed. Plan who of us meets this "
            "person (an influential blocker counts as not engaged after %(limit)s days without contact)."
        ) % {"limit": limit}
        fix = Fix(
            _("Plan who of us meets %(name)s") % {"name": person.name},
            LINK_CREATE_URL,
            (data.account_id,),
            query=(("stakeholder", person.id),),
        )
        alerts.append(
            Alert(
                AlertCode.BLOCKER_NOT_ENGAGED,
                Severity.HIGH,
                f"{reason} {why}",
                fix,
                (person.id,),
                level=person.hierarchy_level,
            )
        )
    return alerts


def _level_why(level: str) -> str:
    return {
        HierarchyLevel.EXECUTIVE: _(
            "Executives are the ones to talk to about business problems; without them we are not "
            "heard when strategy and budgets are set."
        ),
        HierarchyLevel.PROJECT: _(
            "Project leads are the ones to talk to about project problems; without them we learn of "
            "projects and tenders too late."
        ),
        HierarchyLevel.OPERATIONAL: _(
            "Operational staff are the ones to talk to about problems in everyday execution; without "
            "them we hear of trouble with our products last."
        ),
    }[level]


def _level_gaps(
    data: CoverageData, people: list[Person], recent: list[HeldContact], window_start: date
) -> list[Alert]:
    contacted = {stakeholder_id for c in recent for stakeholder_id in c.stakeholder_ids}
    alerts = []
    for level in HierarchyLevel:
        at_level = [p for p in people if p.hierarchy_level == level]
        values = {"level": level.label}
        if not at_level:
            reason = _("No stakeholder is recorded at the level “%(level)s”.") % values
            fix = Fix(
                _("Add a stakeholder at this level"),
                STAKEHOLDER_CREATE_URL,
                (data.account_id,),
                query=(("hierarchy_level", level.value),),
            )
            alerts.append(
                Alert(AlertCode.LEVEL_GAP, Severity.MEDIUM, f"{reason} {_level_why(level)}", fix, level=level)
            )
            continue
        if any(_has_relationship(p, contacted, window_start) for p in at_level):
            continue
        reason = ngettext(
            "Nobody of us has a relationship at the level “%(level)s”: %(names)s has no relationship "
            "owner and no contact with us in the last 12 months.",
            "Nobody of us has a relationship at the level “%(level)s”: %(names)s have no relationship "
            "owner and no contact with us in the last 12 months.",
            len(at_level),
        ) % (values | {"names": ", ".join(p.name for p in at_level)})
        most_influential = max(at_level, key=lambda p: p.influence or 0)
        fix = _edit(
            data,
            most_influential,
            _("Assign a relationship owner for %(name)s") % {"name": most_influential.name},
        )
        alerts.append(
            Alert(
                AlertCode.LEVEL_GAP,
                Severity.MEDIUM,
                f"{reason} {_level_why(level)}",
                fix,
                tuple(p.id for p in at_level),
                level=level,
            )
        )
    return alerts


def _has_relationship(person: Person, contacted: set[int], window_start: date) -> bool:
    """An owner on our side, or a contact in the last twelve months (in the log or as last contact)."""
    if person.relationship_owner_id is not None or person.id in contacted:
        return True
    return person.last_contact_on is not None and person.last_contact_on >= window_start


def _single_threaded(data, people, recent: list[HeldContact], thresholds: Thresholds) -> list[Alert]:
    limit = thresholds.single_thread_share
    sentences = []
    user_id = None

    owners = Counter(p.relationship_owner_id for p in people if p.relationship_owner_id is not None)
    total = sum(owners.values())
    if total >= SINGLE_THREAD_MINIMUM:
        top, count = owners.most_common(1)[0]
        if count * 100 >= limit * total:
            user_id = top
            sentences.append(
                _(
                    "%(name)s owns %(count)s of the %(total)s relationships with the customer's people "
                    "(%(share)s %%)."
                )
                % {
                    "name": _colleague(data, top),
                    "count": count,
                    "total": total,
                    "share": round(count * 100 / total),
                }
            )

    with_us = [c for c in recent if c.participant_ids]
    carried = Counter(user for c in with_us for user in c.participant_ids)
    if len(with_us) >= SINGLE_THREAD_MINIMUM:
        top, count = carried.most_common(1)[0]
        if count * 100 >= limit * len(with_us):
            user_id = user_id if user_id is not None else top
            sentences.append(
                _(
                    "%(name)s took part in %(count)s of the %(total)s contacts held in the last 12 months "
                    "(%(share)s %%)."
                )
                % {
                    "name": _colleague(data, top),
                    "count": count,
                    "total": len(with_us),
                    "share": round(count * 100 / len(with_us)),
                }
            )
    if not sentences:
        return []
    why = _(
        "When one person carries the account, it loses its access to the customer as soon as that person "
        "leaves or is away. OpenKAM calls an account single-threaded from a share of %(limit)s %%."
    ) % {"limit": limit}
    fix = Fix(
        _("Spread the relationships in the relationship plan"),
        RELATIONSHIP_PLAN_URL,
        (data.account_id,),
        needs_edit=False,
    )
    return [
        Alert(AlertCode.SINGLE_THREADED, Severity.MEDIUM, " ".join([*sentences, why]), fix, user_id=user_id)
    ]


def _colleague(data: CoverageData, user_id: int) -> str:
    return data.colleagues.get(user_id) or _("A former colleague")

"""Reads of the coverage app: the data of an account's alerts and level-selling matrix, loaded in a
fixed number of queries whatever the size of the buying center.

The caller has loaded the account through ``get_account_for_user``; everybody who may see the
account may see its coverage (the names in the alerts are those of the stakeholder list).
"""

from __future__ import annotations

from datetime import date

from django.db.models import Max, Min
from django.utils import timezone

from openkam.accounts.models import KeyAccount, TeamMembership
from openkam.relationships.choices import ContactStatus
from openkam.relationships.models import Contact, RelationshipLink
from openkam.stakeholders.models import BuyingCenterSettings, Stakeholder

from .alerts import Alert, CoverageData, HeldContact, Person, Thresholds, compute_alerts, one_year_before
from .choices import SEVERITY_RANK
from .level_selling import ContactPair, LevelSellingMatrix, PlanLine, build_matrix

ContactStakeholders = Contact.stakeholders.through
ContactParticipants = Contact.participants.through


def _today(today: date | None) -> date:
    return today if today is not None else timezone.localdate()


def _user_name(first_name: str, last_name: str, username: str) -> str:
    # The same as User.get_full_name() with the username as fallback, without loading the users.
    return f"{first_name} {last_name}".strip() or username


def coverage_data(account: KeyAccount, today: date) -> CoverageData:
    """The stakeholders (anonymised ones left out), the held contacts of the last twelve months,
    the stakeholders with a relationship-plan line and our colleagues' names: four queries."""
    people = []
    colleagues: dict[int, str] = {}
    stakeholders = (
        Stakeholder.objects.filter(account=account, anonymised_at__isnull=True)
        .select_related("relationship_owner")
        .order_by("last_name", "first_name", "pk")
    )
    for s in stakeholders:
        people.append(
            Person(
                id=s.pk,
                name=str(s),
                hierarchy_level=s.hierarchy_level,
                buying_roles=tuple(s.buying_roles or ()),
                is_coach=s.is_coach,
                attitude=s.attitude,
                influence=s.influence,
                relationship_strength=s.relationship_strength,
                relationship_owner_id=s.relationship_owner_id,
                last_contact_on=s.last_contact_on,
            )
        )
        if s.relationship_owner is not None:
            owner = s.relationship_owner
            colleagues[owner.pk] = _user_name(owner.first_name, owner.last_name, owner.username)

    held = {
        "contact__account": account,
        "contact__status": ContactStatus.HELD,
        "contact__date__gte": one_year_before(today),
        "contact__date__lte": today,
    }
    dates: dict[int, date] = {}
    theirs: dict[int, set[int]] = {}
    ours: dict[int, set[int]] = {}
    for contact_id, contact_date, stakeholder_id in ContactStakeholders.objects.filter(
        **held, stakeholder__anonymised_at__isnull=True
    ).values_list("contact_id", "contact__date", "stakeholder_id"):
        dates[contact_id] = contact_date
        theirs.setdefault(contact_id, set()).add(stakeholder_id)
    for contact_id, contact_date, user_id, first, last, username in ContactParticipants.objects.filter(
        **held
    ).values_list(
        "contact_id", "contact__date", "user_id", "user__first_name", "user__last_name", "user__username"
    ):
        dates[contact_id] = contact_date
        ours.setdefault(contact_id, set()).add(user_id)
        colleagues[user_id] = _user_name(first, last, username)
    contacts = [
        HeldContact(day, frozenset(theirs.get(pk, ())), frozenset(ours.get(pk, ())))
        for pk, day in sorted(dates.items())
    ]
    planned = frozenset(
        RelationshipLink.objects.filter(account=account).values_list("stakeholder_id", flat=True)
    )
    return CoverageData(
        account_id=account.pk,
        people=people,
        contacts=contacts,
        planned_stakeholder_ids=planned,
        colleagues=colleagues,
    )


def coverage_alerts(
    account: KeyAccount, today: date | None = None, *, settings: BuyingCenterSettings | None = None
) -> list[Alert]:
    """The coverage alerts of an account, the most severe first (five queries; four when the
    caller passes the ``BuyingCenterSettings`` it has loaded already).

    The thresholds are the company's ``BuyingCenterSettings``; ``today`` defaults to the local date.
    """
    today = _today(today)
    thresholds = Thresholds.from_settings(settings or BuyingCenterSettings.current())
    return compute_alerts(coverage_data(account, today), thresholds, today)


def alert_counts(alerts: list[Alert]) -> dict[str, int]:
    """How many alerts there are per severity (every severity present, most severe first)."""
    counts = dict.fromkeys(SEVERITY_RANK, 0)
    for alert in alerts:
        counts[alert.severity] += 1
    return {str(severity): count for severity, count in counts.items()}


def level_selling_matrix(
    account: KeyAccount, year: int | None, today: date | None = None
) -> LevelSellingMatrix:
    """The level-selling matrix of an account for ``year`` (default: the current year; five queries).

    Planned contacts come from the relationship plan (lines with anonymised stakeholders left
    out: nobody plans to meet an erased person). Held contacts of ``year`` count per pair of our
    participant and their participant; anonymised stakeholders keep their level for the history
    of the account, so their past contacts still count.
    """
    today = _today(today)
    year = year if year is not None else today.year
    internal_roles = dict(
        TeamMembership.objects.filter(account=account).values_list("user_id", "internal_role")
    )
    plan_lines = [
        PlanLine(user_id, level, cadence)
        for user_id, level, cadence in RelationshipLink.objects.filter(
            account=account, stakeholder__anonymised_at__isnull=True
        ).values_list("user_id", "stakeholder__hierarchy_level", "cadence")
    ]
    held = {
        "contact__account": account,
        "contact__status": ContactStatus.HELD,
        "contact__date__gte": date(year, 1, 1),
        "contact__date__lt": date(year + 1, 1, 1),
    }
    levels: dict[int, list[str]] = {}
    for contact_id, level in ContactStakeholders.objects.filter(**held).values_list(
        "contact_id", "stakeholder__hierarchy_level"
    ):
        levels.setdefault(contact_id, []).append(level)
    pairs = [
        ContactPair(user_id, level)
        for contact_id, user_id in ContactParticipants.objects.filter(**held).values_list(
            "contact_id", "user_id"
        )
        for level in levels.get(contact_id, ())
    ]
    span = Contact.objects.filter(account=account, status=ContactStatus.HELD).aggregate(
        first=Min("date"), last=Max("date")
    )
    first = span["first"].year if span["first"] else today.year
    last = max(span["last"].year if span["last"] else today.year, today.year)
    return build_matrix(
        year=year,
        today=today,
        owner_id=account.owner_id,
        internal_roles=internal_roles,
        plan_lines=plan_lines,
        contact_pairs=pairs,
        years=range(min(first, today.year), last + 1),
    )

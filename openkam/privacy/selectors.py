"""Reads of the privacy app: the status of every stakeholder of an account, one person's records."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import F, OuterRef, QuerySet, Subquery
from django.utils import timezone

from openkam.accounts.models import KeyAccount
from openkam.stakeholders.models import BuyingCenterSettings, Stakeholder

from .choices import INFORMATION_DEADLINE_DAYS, InformationChannel, RetentionState
from .models import InformationRecord, RetentionFlag
from .retention import retention_cutoff, retention_state
from .scrub import display_name


@dataclass
class PrivacyStatus:
    """Where one stakeholder stands: informed or not (and for how long not), retention."""

    stakeholder: Stakeholder
    name: str
    anonymised: bool
    informed_on: datetime.date | None
    informed_channel: str
    not_informed_since: datetime.date | None
    information_overdue: bool
    retention: str
    flag: RetentionFlag | None

    @property
    def retention_label(self) -> str:
        return str(RetentionState(self.retention).label)


def _flag_of(stakeholder: Stakeholder) -> RetentionFlag | None:
    try:
        return stakeholder.retention_flag
    except RetentionFlag.DoesNotExist:
        return None


def _latest(field: str) -> Subquery:
    return Subquery(
        InformationRecord.objects.filter(stakeholder=OuterRef("pk"))
        .order_by("-informed_on", "-pk")
        .values(field)[:1]
    )


def privacy_status(
    account: KeyAccount, *, today: datetime.date | None = None, stakeholder: Stakeholder | None = None
) -> list[PrivacyStatus]:
    """One row per stakeholder of ``account`` (by name, anonymised ones last), or only ``stakeholder``'s row.

    One query for the people with their latest information record and retention flag, one for
    the retention settings.
    """
    today = today or timezone.localdate()
    cutoff = retention_cutoff(today, BuyingCenterSettings.current())
    people = (
        Stakeholder.objects.filter(account=account)
        .select_related("retention_flag")
        .annotate(latest_informed_on=_latest("informed_on"), latest_channel=_latest("channel"))
        .order_by(F("anonymised_at").asc(nulls_first=True), "last_name", "first_name", "pk")
    )
    if stakeholder is not None:
        people = people.filter(pk=stakeholder.pk)
    channels = dict(InformationChannel.choices)
    rows = []
    for person in people:
        anonymised = person.anonymised_at is not None
        informed_on = person.latest_informed_on
        since = None if informed_on or anonymised else timezone.localdate(person.created_at)
        flag = _flag_of(person)
        rows.append(
            PrivacyStatus(
                stakeholder=person,
                name=display_name(person),
                anonymised=anonymised,
                informed_on=informed_on,
                informed_channel=str(channels.get(person.latest_channel, "")),
                not_informed_since=since,
                information_overdue=since is not None and (today - since).days > INFORMATION_DEADLINE_DAYS,
                retention=RetentionState.NONE
                if anonymised
                else retention_state(person, flag, today=today, cutoff=cutoff),
                flag=flag,
            )
        )
    return rows


def information_records_for(stakeholder: Stakeholder) -> QuerySet[InformationRecord]:
    """The person's information records, latest first, with who recorded them."""
    return InformationRecord.objects.filter(stakeholder=stakeholder).select_related("recorded_by")

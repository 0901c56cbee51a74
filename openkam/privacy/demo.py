"""Data-protection records of the demo company: who was informed, and who is due for deletion.

``seed_privacy`` runs after the stakeholders, personality and relationships of the demo key
accounts exist. Per account (``KeyAccount.objects.order_by("pk")``), every stakeholder except each
sixth (by primary key) gets an information record written by the account owner through the
service, with a channel and a German note drawn from ``random.Random(SEED)``. On the first
account the people left uninformed were recorded 40 days ago, so the page warns about them.

On the first two accounts one person without any contact is made a forgotten one: recorded
``retention_months`` + 3 months ago. The demo then runs the retention job for ``today``, which
flags them (and anyone else the contact log left without contact for too long); their grace
period starts today. Backdating ``created_at`` is the one write here that is not a service: no
service records the past, and the demo has to pretend the people were met years ago.

Equal databases and an equal ``today`` (default: the current date, like the plans demo) give
equal records. A database that holds information records or retention flags already is left alone.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from openkam.accounts.models import KeyAccount
from openkam.stakeholders.models import BuyingCenterSettings, Stakeholder
from openkam.users.models import User

from .choices import InformationChannel
from .models import InformationRecord, RetentionFlag
from .retention import add_months, retention_run
from .services import information_record_create

SEED = 5010
UNINFORMED_EVERY = 6
FORGOTTEN_ACCOUNTS = 2

NOTES = {
    InformationChannel.LETTER: (
        "Datenschutzhinweis nach Art. 14 DSGVO per Post an die Geschäftsadresse geschickt",
        "Informationsschreiben mit dem Angebot versandt",
    ),
    InformationChannel.EMAIL: (
        "Datenschutzhinweis per E-Mail geschickt, Lesebestätigung liegt vor",
        "Hinweis in der Terminbestätigung verlinkt und erläutert",
    ),
    InformationChannel.IN_PERSON: (
        "Hinweisblatt beim Erstgespräch übergeben",
        "Beim Werksbesuch mündlich informiert, Hinweisblatt ausgehändigt",
    ),
    InformationChannel.OTHER: ("Über die Datenschutzerklärung im Lieferantenportal informiert",),
}
CHANNELS = (
    InformationChannel.LETTER,
    InformationChannel.EMAIL,
    InformationChannel.EMAIL,
    InformationChannel.IN_PERSON,
    InformationChannel.OTHER,
)


@dataclass
class SeedResult:
    records: int = 0
    not_informed: int = 0
    forgotten: int = 0
    flagged: int = 0


def _backdate(stakeholder: Stakeholder, day: datetime.date) -> None:
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))
    Stakeholder.objects.filter(pk=stakeholder.pk).update(created_at=moment)


@transaction.atomic
def seed_privacy(
    *, users: Mapping[str, User] | None = None, today: datetime.date | None = None
) -> SeedResult:
    """Fill the privacy records of the demo key accounts (see the module docstring).

    ``users`` is accepted for the generator's uniform call and not needed: the account owners act.
    """
    result = SeedResult()
    if InformationRecord.objects.exists() or RetentionFlag.objects.exists():
        return result
    today = today or timezone.localdate()
    rng = random.Random(SEED)
    long_ago = add_months(today, -(BuyingCenterSettings.current().retention_months + 3))
    accounts = KeyAccount.objects.select_related("owner").order_by("pk")
    for index, account in enumerate(accounts):
        people = list(Stakeholder.objects.filter(account=account, anonymised_at__isnull=True).order_by("pk"))
        for position, person in enumerate(people):
            if position % UNINFORMED_EVERY == UNINFORMED_EVERY - 1:
                result.not_informed += 1
                if index == 0:
                    _backdate(person, today - datetime.timedelta(days=40))
                continue
            channel = rng.choice(CHANNELS)
            information_record_create(
                actor=account.owner,
                stakeholder=person,
                informed_on=today - datetime.timedelta(days=rng.randint(3, 180)),
                channel=channel,
                note=rng.choice(NOTES[channel]),
            )
            result.records += 1
        if index < FORGOTTEN_ACCOUNTS:
            never_met = [p for p in reversed(people) if p.last_contact_on is None]
            if never_met:
                _backdate(never_met[0], long_ago)
                result.forgotten += 1
    result.flagged = retention_run(today).flagged
    return result

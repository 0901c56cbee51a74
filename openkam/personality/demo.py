"""Personality profiles for the demo company.

``seed_personality`` runs after the stakeholders exist (``seed_stakeholders``) and before the
relationships, whose meeting briefs show the profiles. It switches profiles on for the company
through the buying-center settings service (as the system: the demo stands in for the works
council's and data-protection officer's decision), then writes through this app's services as
the account owners would: profiles for the central people of the first accounts (the first
people of each buying center: management, purchasing, engineering) and the personality
permission for the first core-team member of every other one of those accounts.

What an account gets depends only on its place in ``KeyAccount.objects.order_by("pk")`` and its
stakeholders' order, drawn with ``random.Random`` seeded per account, so equal demo companies
get equal profiles. The observations are German, like the rest of the demo data.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction

from openkam.accounts.choices import TeamScope
from openkam.accounts.models import KeyAccount
from openkam.sales.selectors import latest_fiscal_year
from openkam.stakeholders.models import BuyingCenterSettings
from openkam.stakeholders.services import buying_center_settings_update
from openkam.users.models import User

from . import services
from .choices import MAX_MOTIVES, Colour, Motive
from .models import PersonalityGrant, PersonalityProfile

# How many accounts get profiles, and how many people of each buying center at most.
ACCOUNTS = 6
PEOPLE = 4
SEED = 4711

# What the team noticed, by the dominant colour.
OBSERVATIONS = {
    Colour.RED: (
        "Beendet Termine pünktlich und fragt zuerst nach dem Ergebnis für das Werk.",
        "Entscheidet im Termin, wenn die Zahlen stimmen; lange Präsentationen bricht er ab.",
        "Will zwei Optionen mit Preis sehen und wählt selbst.",
    ),
    Colour.BLUE: (
        "Liest Datenblätter vollständig und fragt nach Prüfprotokollen und Normen.",
        "Bittet vor jedem Termin um die Unterlagen und bereitet schriftliche Fragen vor.",
        "Vergleicht Angebote Position für Position in einer eigenen Tabelle.",
    ),
    Colour.GREEN: (
        "Spricht zuerst über sein Team und bindet die Instandhaltung in jede Entscheidung ein.",
        "Legt Wert auf feste Ansprechpartner und fragt nach, wenn jemand wechselt.",
        "Braucht Zeit für Abstimmungen im Haus; Druck macht sie vorsichtig.",
    ),
    Colour.ORANGE: (
        "Bringt zu jedem Termin neue Ideen mit und erzählt gern von Messebesuchen.",
        "Begeistert sich für Pilotprojekte und stellt sie intern gern selbst vor.",
        "Lädt zu Werksführungen ein und kennt alle Ansprechpartner beim Kunden persönlich.",
    ),
}


@dataclass
class SeedResult:
    enabled: bool = False
    accounts: int = 0
    profiles: int = 0
    grants: int = 0


def _profile_values(rng: random.Random, reference: date) -> dict:
    colours = list(Colour.values)
    primary = rng.choice(colours)
    # Most people show a second colour; one in five is taken as a pure type.
    secondary = "" if rng.random() < 0.2 else rng.choice([c for c in colours if c != primary])
    motives = rng.sample(list(Motive.values), MAX_MOTIVES + 2)
    strongest = motives[: rng.randint(2, MAX_MOTIVES)]
    weakest = [m for m in motives if m not in strongest][: rng.randint(1, 2)]
    return {
        "primary_colour": primary,
        "secondary_colour": secondary,
        "strongest_motives": strongest,
        "weakest_motives": weakest,
        "observations": rng.choice(OBSERVATIONS[Colour(primary)]),
        "assessed_on": reference - timedelta(days=rng.randint(20, 330)),
    }


def _first_core_member(account: KeyAccount):
    return (
        account.team_memberships.filter(scope=TeamScope.CORE, user__is_active=True)
        .select_related("user", "account")
        .order_by("pk")
        .first()
    )


@transaction.atomic
def seed_personality(*, users: Mapping[str, User] | None = None) -> SeedResult:
    """Switch profiles on and give the first demo accounts profiles and grants (see the module
    docstring).

    ``users`` is accepted for the generator's uniform call and not needed: the account owners
    act. Does nothing twice: a database that holds profiles or grants already is left alone
    (apart from switching profiles on).
    """
    result = SeedResult()
    if not BuyingCenterSettings.current().personality_enabled:
        buying_center_settings_update(actor=None, personality_enabled=True)
        result.enabled = True
    if PersonalityProfile.objects.exists() or PersonalityGrant.objects.exists():
        return result
    reference = date(latest_fiscal_year() or 2025, 12, 31)
    accounts = KeyAccount.objects.select_related("owner").order_by("pk")[:ACCOUNTS]
    for index, account in enumerate(accounts):
        rng = random.Random(SEED + index)
        people = list(account.stakeholders.filter(anonymised_at__isnull=True).order_by("pk")[:PEOPLE])
        # The first three people are always assessed; the fourth only at every other account.
        for stakeholder in people[: 3 + index % 2]:
            stakeholder.account = account
            services.personality_profile_save(
                actor=account.owner, stakeholder=stakeholder, version=None, **_profile_values(rng, reference)
            )
            result.profiles += 1
        if people:
            result.accounts += 1
        member = _first_core_member(account) if index % 2 == 0 else None
        if member is not None:
            services.personality_grant_add(actor=account.owner, membership=member)
            result.grants += 1
    return result

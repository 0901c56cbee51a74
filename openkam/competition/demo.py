"""Requirements, competitors, partners and wallet estimates for the demo company's key accounts.

``seed_competition`` is meant to be called by the demo generator after the key accounts and the
ledger exist. It writes through the services, as the account owners would, so the timeline and
the checks (ratings 1–5, shares within 100 %) are exactly those of real use. The competitors
are invented German drive-technology suppliers. What an account gets depends only on its place
in ``KeyAccount.objects.order_by("pk")`` and on its revenue, so equal demo companies get equal
data. The accounts cycle through four states:

0. everything: requirements, three competitors with shares, a partner, wallets for two years;
   the largest competitor sells more than we do;
1. everything, and we are the leading supplier (relative market share above 1);
2. requirements and competitors, but no shares or wallet yet (the page explains what is missing);
3. nothing yet (a key account the team has not analysed).

The texts are German, like the rest of the demo data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from openkam.accounts.choices import TeamScope
from openkam.accounts.models import KeyAccount
from openkam.sales.models import CustomerRevenue
from openkam.sales.selectors import latest_fiscal_year
from openkam.users.models import User

from . import services
from .choices import SCALE_MAX, SCALE_MIN, CompetitorKind, Trend
from .models import Competitor, Requirement, WalletEstimate


@dataclass(frozen=True)
class _Supplier:
    name: str
    supplies: str
    strengths: str
    threats: str


COMPETITORS = (
    _Supplier(
        "Hallberg Antriebstechnik GmbH",
        "Getriebemotoren und Stirnradgetriebe aus dem Katalogprogramm",
        "Sehr kurze Lieferzeiten ab Zentrallager; dichtes Vertriebsnetz in Süddeutschland",
        "Bietet dem Einkauf einen Rahmenvertrag mit Staffelrabatten über alle Werke an",
    ),
    _Supplier(
        "Brunnhuber Getriebewerke AG",
        "Industrie- und Planetengetriebe, Getriebe-Sonderbau",
        "Große Konstruktionsabteilung; Referenzen in der Schwerindustrie",
        "Will über den Sonderbau auch das Seriengeschäft mit Getriebemotoren gewinnen",
    ),
    _Supplier(
        "Kettwig Elektromotoren GmbH",
        "Drehstrommotoren IE3 und IE4, Servomotoren",
        "Niedrige Stückpreise bei großen Mengen; eigene Wicklerei",
        "Aggressive Preise bei der nächsten Ausschreibung der Motorenplattform erwartet",
    ),
    _Supplier(
        "Steinhövel Automation GmbH",
        "Frequenzumrichter, Servoregler und Bewegungssteuerungen",
        "Durchgängige Engineering-Software; starke Stellung bei den Konstrukteuren",
        "Koppelt seine Antriebe an die Steuerungsplattform, die der Kunde gerade einführt",
    ),
    _Supplier(
        "Vellmar Drives SE",
        "Servoantriebe, Linearachsen und Elektrozylinder",
        "Internationale Präsenz mit eigenem Service in Asien und Nordamerika",
        "Begleitet den Kunden beim Aufbau des Werks in Mexiko",
    ),
)

PARTNERS = (
    _Supplier(
        "Fehrmann Schaltanlagenbau GmbH",
        "Schaltschränke, in die unsere Umrichter und Motorstarter eingebaut werden",
        "Langjähriger Partner des Kunden in der Elektrokonstruktion",
        "",
    ),
    _Supplier(
        "Lindqvist Systemintegration GmbH",
        "Inbetriebnahme, Steuerungsprogrammierung und IIoT-Anbindung",
        "Kennt die IT- und OT-Landschaft des Kunden genau",
        "Könnte Zustandsüberwachung künftig selbst anbieten",
    ),
)

FORECASTS = (
    (Trend.GROWING, "Gewinnt mit dem neuen Werk Anteile; der Einkauf lädt ihn zu allen Ausschreibungen ein."),
    (Trend.STABLE, "Hält seine Position über den bestehenden Rahmenvertrag bis Ende nächsten Jahres."),
    (Trend.DECLINING, "Verliert nach Lieferproblemen im letzten Jahr an Vertrauen bei der Instandhaltung."),
)

PARTNER_FORECASTS = (
    (
        Trend.GROWING,
        "Übernimmt die Elektroplanung der neuen Linie; gemeinsamer Auftritt beim Kunden geplant.",
    ),
    (Trend.STABLE, "Bleibt für Inbetriebnahmen gesetzt; wir stimmen Termine quartalsweise ab."),
)

# (requirement, importance, our performance, competitor's performance, source)
REQUIREMENTS = (
    ("Liefertreue bei Abrufaufträgen (mindestens 98 %)", 5, 3, 4, "Lieferantenbewertung des Kunden"),
    ("Ersatzteilversorgung innerhalb von 24 Stunden", 5, 4, 3, "Gespräch mit der Instandhaltungsleitung"),
    ("Technische Beratung in der Konstruktionsphase", 4, 5, 3, "Projektbesprechung Neukonstruktion"),
    ("Gesamtbetriebskosten (TCO) statt Stückpreis", 4, 2, 3, "Workshop zur Einkaufsstrategie"),
    ("Energieeffizienz der Antriebe (IE4 und besser)", 3, 4, 4, "Nachhaltigkeitsbericht des Kunden"),
    ("Service an den Auslandsstandorten", 3, 2, 4, "Besuch im Werk Polen"),
    ("CAD-Daten und Dokumentation im Format des Kunden", 2, 5, 3, "Anfrage der Konstruktion"),
    ("Preisstabilität über die Laufzeit des Rahmenvertrags", 4, 3, 2, "Jahresgespräch mit dem Einkauf"),
    ("Schulungen für das Instandhaltungspersonal", 2, 2, 3, "Anfrage der Instandhaltung"),
    ("Anbindung an die Steuerung über OPC UA", 3, 3, 5, "Lastenheft der neuen Linie"),
)

# Our share of wallet in the latest year and the competitors' estimated shares, per state.
_OUR_SHARE = {0: Decimal("0.28"), 1: Decimal("0.46")}
_COMPETITOR_SHARES = {
    0: (Decimal("36.0"), Decimal("17.5"), Decimal("8.0")),
    1: (Decimal("22.0"), Decimal("13.0"), Decimal("6.5")),
}
_ROUND_TO = Decimal("10000")


@dataclass
class SeedResult:
    accounts: int = 0
    requirements: int = 0
    competitors: int = 0
    partners: int = 0
    wallets: int = 0


def _clamp(value: int) -> int:
    return max(SCALE_MIN, min(SCALE_MAX, value))


def _wallet_for(revenue: Decimal, share: Decimal) -> Decimal:
    return (revenue / share / _ROUND_TO).quantize(Decimal(1), rounding=ROUND_HALF_UP) * _ROUND_TO


def _teammate(account: KeyAccount) -> User | None:
    membership = (
        account.team_memberships.filter(scope=TeamScope.CORE, user__is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def _seed_wallets(account: KeyAccount, state: int, year: int | None, result: SeedResult) -> None:
    if year is None:
        return
    revenues = dict(
        CustomerRevenue.objects.filter(
            customer_id=account.customer_id, fiscal_year__in=[year - 1, year]
        ).values_list("fiscal_year", "revenue")
    )
    for fiscal_year, share, basis in (
        (year - 1, _OUR_SHARE[state] - Decimal("0.03"), "Hochrechnung aus dem Einkaufsvolumen des Vorjahres"),
        (year, _OUR_SHARE[state], "Einkaufsvolumen laut Jahresgespräch mit der Einkaufsleitung"),
    ):
        revenue = revenues.get(fiscal_year)
        if revenue is None or revenue <= 0:
            continue
        services.wallet_create(
            actor=account.owner,
            account=account,
            fiscal_year=fiscal_year,
            amount=_wallet_for(revenue, share),
            notes=basis,
        )
        result.wallets += 1


def _seed_suppliers(account: KeyAccount, index: int, state: int, result: SeedResult) -> list[Competitor]:
    shares = _COMPETITOR_SHARES.get(state, (None, None, None))
    created = []
    for k in range(3):
        supplier = COMPETITORS[(index + k) % len(COMPETITORS)]
        trend, forecast = FORECASTS[(index + k) % len(FORECASTS)]
        created.append(
            services.competitor_create(
                actor=account.owner,
                account=account,
                name=supplier.name,
                kind=CompetitorKind.COMPETITOR,
                supplies=supplier.supplies,
                share_of_wallet=shares[k],
                strengths=supplier.strengths,
                threats=supplier.threats,
                trend=trend,
                forecast=forecast,
            )
        )
        result.competitors += 1
    if state in (0, 1):
        partner = PARTNERS[index % len(PARTNERS)]
        trend, forecast = PARTNER_FORECASTS[index % len(PARTNER_FORECASTS)]
        services.competitor_create(
            actor=account.owner,
            account=account,
            name=partner.name,
            kind=CompetitorKind.PARTNER,
            supplies=partner.supplies,
            strengths=partner.strengths,
            threats=partner.threats,
            trend=trend,
            forecast=forecast,
        )
        result.partners += 1
    return created


def _seed_requirements(account: KeyAccount, index: int, count: int, competitors, result: SeedResult) -> None:
    teammate = _teammate(account)
    for j in range(count):
        text, importance, ours, theirs, source = REQUIREMENTS[(index + j) % len(REQUIREMENTS)]
        # The same requirement is met a little differently at each customer.
        shift = (index + j) % 3 - 1
        services.requirement_create(
            actor=teammate if teammate is not None and j % 2 else account.owner,
            account=account,
            text=text,
            importance=importance,
            our_performance=_clamp(ours + shift),
            # The second requirement names the second competitor; the others use the main one.
            competitor=competitors[1] if j == 1 and len(competitors) > 1 else None,
            competitor_performance=_clamp(theirs - shift) if j != count - 1 else None,
            source=source,
        )
        result.requirements += 1


@transaction.atomic
def seed_competition(*, users: Mapping[str, User] | None = None) -> SeedResult:
    """Fill the requirements-and-competitors section of the demo key accounts (see the module
    docstring for the four states they cycle through).

    ``users`` is accepted for the generator's uniform call and not needed: the account owners
    and their core teams act. Does nothing twice: a database that holds requirements,
    competitors or wallet estimates already is left alone.
    """
    result = SeedResult()
    if Requirement.objects.exists() or Competitor.objects.exists() or WalletEstimate.objects.exists():
        return result
    year = latest_fiscal_year()
    accounts = KeyAccount.objects.select_related("customer", "owner").order_by("pk")
    for index, account in enumerate(accounts):
        state = index % 4
        if state == 3:
            continue
        result.accounts += 1
        if state in (0, 1):
            _seed_wallets(account, state, year, result)
        competitors = _seed_suppliers(account, index, state, result)
        _seed_requirements(account, index, 7 if state in (0, 1) else 5, competitors, result)
    return result

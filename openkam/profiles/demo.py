"""Profiles, markets and SWOTs for the key accounts of the demo company.

``seed_profiles`` is called by the demo generator (``manage.py demo_company``) after the key
accounts exist. It writes through the services as the account's owner, so the timeline shows
who recorded what, as it will in real use. Content depends only on the account's rank (order of
primary keys), its customer's industry, name, city and revenue, and today's date (the as-of dates
are relative to it, so "fresh" and "stale" mean the same whenever the demo is created). Accounts
come in three states, in turn: complete and current, partly filled with some stale facts, and
sparse with old or undated facts. The texts are German, like the rest of the demo.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from openkam.accounts.models import KeyAccount
from openkam.sales.models import CustomerRevenue
from openkam.users.models import User

from . import services
from .choices import FactKind, MarketKind, Quadrant
from .models import AccountProfile

COMPLETE, PARTIAL, SPARSE = "complete", "partial", "sparse"
STATES = (COMPLETE, PARTIAL, SPARSE)


@dataclass(frozen=True)
class Theme:
    """What the customers of one group of industries typically look like from a drive supplier's view."""

    strategy: str
    units: tuple[str, ...]
    countries: tuple[str, ...]
    # (title, details)
    initiatives: tuple[tuple[str, str], ...]
    # (index of the initiative, hurdle, how we help)
    hurdles: tuple[tuple[int, str, str], ...]
    customers: tuple[str, ...]
    competitors: tuple[str, ...]
    trends: tuple[str, ...]
    drivers: tuple[str, ...]
    external: tuple[str, ...]
    key_facts: tuple[str, ...]


MACHINERY = Theme(
    strategy=(
        "Vom Maschinenlieferanten zum Lösungsanbieter: das Service- und Digitalgeschäft soll bis 2030 "
        "30 % des Umsatzes bringen, die Fertigung konzentriert sich auf zwei Leitwerke, Wachstum vor "
        "allem in Nordamerika."
    ),
    units=("Werkzeugmaschinen", "Automationslösungen", "Service und Ersatzteile"),
    countries=("Deutschland", "Polen", "USA", "China"),
    initiatives=(
        (
            "Servicegeschäft auf 30 % des Umsatzes ausbauen",
            "Wartungsverträge, Retrofit und Ersatzteillogistik werden als eigener Geschäftsbereich geführt.",
        ),
        (
            "Neues Montagewerk in Nordamerika",
            "Standortentscheidung für South Carolina ist gefallen; Serienanlauf in etwa zwei Jahren.",
        ),
        (
            "Baukasten-Plattform für alle Maschinenreihen",
            "Weniger Varianten: gleiche Antriebs- und Steuerungskomponenten über alle Baureihen.",
        ),
    ),
    hurdles=(
        (
            0,
            "Zu wenige Servicetechniker für weltweite Einsätze",
            "Unser Technischer Service übernimmt Inbetriebnahme und Wartung der Antriebe im Auftrag des Kunden.",
        ),
        (
            1,
            "UL-/CSA-Zulassung aller Komponenten für den US-Markt",
            "Unsere Getriebemotoren und Umrichter sind UL-gelistet und in den USA ab Lager lieferbar.",
        ),
        (
            2,
            "Lange Umstellung der Konstruktion auf neue Standardkomponenten",
            "Unsere Anwendungstechnik unterstützt mit CAD-Daten, Auslegungssoftware und Musterantrieben.",
        ),
    ),
    customers=("Automobilhersteller und ihre Tier-1-Zulieferer", "Hersteller von Landmaschinen"),
    competitors=(
        "Italienische Maschinenbauer mit günstigen Standardmaschinen",
        "Asiatische Anbieter im unteren Preissegment",
    ),
    trends=(
        "Automatisierung der Fertigung wegen des Fachkräftemangels",
        "Vernetzte Maschinen und vorausschauende Wartung",
    ),
    drivers=("Investitionszyklen der Automobilindustrie", "Energieeffizienz-Anforderungen der Endkunden"),
    external=("Hohe Energiepreise in Deutschland", "Zölle und Handelskonflikte zwischen den USA und China"),
    key_facts=(
        "Familienunternehmen in dritter Generation",
        "Einkauf zentral am Hauptsitz, Freigaben durch die Konstruktion",
    ),
)

INTRALOGISTICS = Theme(
    strategy=(
        "Wachstum mit schlüsselfertigen Lager- und Distributionszentren für den Onlinehandel; "
        "standardisierte Fördertechnik-Module und ein Service rund um die Uhr."
    ),
    units=("Systemintegration", "Fördertechnik-Komponenten", "Kundendienst"),
    countries=("Deutschland", "Niederlande", "Frankreich", "Vereinigtes Königreich"),
    initiatives=(
        (
            "Modulares Baukastensystem für Förderstrecken",
            "Projekte sollen zu 80 % aus Standardmodulen bestehen, um Engineering-Stunden zu sparen.",
        ),
        (
            "Servicezentren in Benelux und Frankreich",
            "Zwei neue Servicestandorte mit Ersatzteillager für Kunden mit 24/7-Betrieb.",
        ),
        (
            "20 % weniger Energie je Neuanlage",
            "Zusage an die großen Handelskunden; Nachweis über Energiebilanzen je Anlage.",
        ),
    ),
    hurdles=(
        (
            0,
            "Viele Antriebsvarianten erschweren die Standardisierung",
            "Unser dezentrales Antriebssystem deckt die meisten Förderstrecken mit drei Baugrößen ab.",
        ),
        (
            1,
            "Ersatzteilversorgung in den neuen Ländern",
            "Konsignationslager beim Kunden und unser Ersatzteilservice mit 24-Stunden-Lieferung in der EU.",
        ),
        (
            2,
            "Nachweis der Energieeinsparung gegenüber den Endkunden",
            "IE4-Motoren und Umrichter mit Energiemessung; wir erstellen die Energiebilanz je Förderstrecke.",
        ),
    ),
    customers=("Onlinehändler und Fulfillment-Dienstleister", "Paket- und Kurierdienste"),
    competitors=(
        "Große Systemintegratoren aus Deutschland und den Niederlanden",
        "Spezialanbieter für Shuttle-Lager",
    ),
    trends=("Robotik in der Kommissionierung", "Immer kürzere Lieferzeiten im Onlinehandel"),
    drivers=("Wachstum des Onlinehandels", "Personalmangel in Lager und Logistik"),
    external=(
        "Zurückhaltende Investitionen bei hohen Zinsen",
        "EU-Vorgaben zur Energieeffizienz von Motoren",
    ),
    key_facts=("Über 300 installierte Anlagen in Europa", "Projektgeschäft mit 12 bis 18 Monaten Vorlauf"),
)

PROCESS = Theme(
    strategy=(
        "Linienlösungen aus einer Hand in Hygieneausführung: Wachstum bei Getränke- und Pharmakunden, "
        "automatisierte Formatwechsel und digitale Linienüberwachung."
    ),
    units=("Füll- und Verschließtechnik", "Verpackungslinien", "Service und Digitales"),
    countries=("Deutschland", "Schweiz", "Italien", "Brasilien"),
    initiatives=(
        ("Formatwechsel in unter zehn Minuten", "Alle neuen Maschinen ohne manuelle Verstellungen."),
        (
            "Hygieneausführung für alle Baureihen",
            "Edelstahl und abwaschbare Oberflächen für Nassbereiche in Molkereien und Pharma.",
        ),
        (
            "Linienleitsystem für die Gesamtanlageneffizienz",
            "Kennzahlen aller Maschinen einer Linie in einem System, auch von Fremdmaschinen.",
        ),
    ),
    hurdles=(
        (
            0,
            "Manuelle Verstellungen verhindern schnelle Formatwechsel",
            "Servomotoren und Servoregler mit gespeicherten Formatrezepten.",
        ),
        (
            1,
            "Antriebe in Hygieneausführung fehlen im bisherigen Lieferantenstamm",
            "Unsere Edelstahl-Getriebemotoren sind für Nassbereiche zertifiziert und ab Lager lieferbar.",
        ),
        (
            2,
            "Unterschiedliche Feldbusse der Maschinenlieferanten",
            "IIoT-Gateways und Feldbus-Module für alle gängigen Protokolle.",
        ),
    ),
    customers=("Getränkeabfüller und Brauereien", "Pharma- und Kosmetikhersteller"),
    competitors=(
        "Ein großer Linienanbieter aus Norddeutschland",
        "Spezialisierte Nischenanbieter aus Italien",
    ),
    trends=("Nachhaltige Verpackungen: Papier statt Folie", "Kleinere Chargen und mehr Varianten"),
    drivers=(
        "Regulatorik in der Pharmaindustrie (GMP, Serialisierung)",
        "Steigende Lohnkosten in der Verpackung",
    ),
    external=("EU-Verpackungsverordnung", "Preise für Edelstahl"),
    key_facts=("Weltmarktführer in einer Nische der Abfülltechnik", "Exportquote von rund 75 %"),
)

MOBILITY = Theme(
    strategy=(
        "Umbau für die Elektromobilität: Fertigung für Komponenten elektrischer Antriebe, "
        "Kostensenkung um 15 % und mehr Produktion in Osteuropa."
    ),
    units=("Antriebsstrang", "Fahrwerk und Karosserie", "Elektrische Systeme"),
    countries=("Deutschland", "Tschechien", "Ungarn", "Mexiko"),
    initiatives=(
        (
            "Drei Fertigungslinien auf E-Komponenten umstellen",
            "Umbau im laufenden Betrieb; die erste Linie läuft im nächsten Geschäftsjahr an.",
        ),
        ("Kostensenkungsprogramm 15 %", "Einkauf, Energie und Instandhaltung stehen im Mittelpunkt."),
        (
            "Werk in Ungarn als Leitwerk für Elektronik",
            "Verlagerung der Elektronikfertigung und Aufbau eines eigenen Instandhaltungsteams.",
        ),
    ),
    hurdles=(
        (
            0,
            "Kurze Umrüstfenster während der laufenden Serie",
            "Vormontierte Antriebspakete und Umbau am Wochenende durch unseren Service.",
        ),
        (
            1,
            "Druck auf die Anschaffungskosten",
            "Kostenvergleich über die Lebensdauer: weniger Energie und Wartung mit unseren IE4-Antrieben.",
        ),
        (
            2,
            "Instandhaltungs-Know-how am neuen Standort fehlt",
            "Schulungen für das Instandhaltungsteam vor Ort.",
        ),
    ),
    customers=("Europäische Automobilhersteller", "Hersteller von Nutzfahrzeugen"),
    competitors=(
        "Zulieferer aus Osteuropa mit niedrigeren Lohnkosten",
        "Chinesische Anbieter von E-Antriebskomponenten",
    ),
    trends=("Elektrifizierung des Antriebsstrangs", "Nearshoring der Lieferketten"),
    drivers=("CO₂-Flottengrenzwerte der EU", "Preisdruck der Fahrzeughersteller"),
    external=("Schwankende Nachfrage nach Elektrofahrzeugen", "Lieferengpässe bei Halbleitern"),
    key_facts=("Zertifiziert nach IATF 16949", "Jährliche Lieferantenbewertung; wir sind A-Lieferant"),
)

ENERGY = Theme(
    strategy=(
        "Wachstum mit der Energiewende: mehr Fertigungskapazität, längere Lebensdauer installierter "
        "Anlagen durch Service und Modernisierung, mehr Wertschöpfung in Europa."
    ),
    units=("Neuanlagen", "Service und Modernisierung", "Komponenten"),
    countries=("Deutschland", "Dänemark", "Spanien", "Indien"),
    initiatives=(
        ("Kapazitätsausbau um 40 % bis 2028", "Zweite Montagehalle und Ausbau des Werks in Spanien."),
        (
            "Modernisierungsprogramm für Bestandsanlagen",
            "Anlagen älter als 15 Jahre erhalten neue Antriebe und Steuerungen.",
        ),
        (
            "Zustandsüberwachung für alle Anlagen im Service",
            "Ausfälle sollen erkannt werden, bevor sie eintreten.",
        ),
    ),
    hurdles=(
        (
            0,
            "Lange Lieferzeiten großer Getriebe",
            "Rahmenvertrag mit reservierter Fertigungskapazität für Industriegetriebe.",
        ),
        (
            1,
            "Ersatzteile für Anlagen älter als 20 Jahre",
            "Getriebe-Sonderbau und Reparatur auch für Fremdfabrikate.",
        ),
        (
            2,
            "Daten aus unterschiedlichen Anlagengenerationen",
            "Unsere Zustandsüberwachung lässt sich an ältere Anlagen nachrüsten.",
        ),
    ),
    customers=("Energieversorger und Stadtwerke", "Projektierer von Windparks"),
    competitors=("Zwei große europäische Anbieter", "Chinesische Hersteller mit Preisvorteil"),
    trends=("Repowering alter Standorte", "Digitale Betriebsführung"),
    drivers=("Ausbauziele für erneuerbare Energien", "Förderprogramme von Bund und EU"),
    external=("Lange Genehmigungsverfahren", "Zinsniveau für Projektfinanzierungen"),
    key_facts=("Auftragsbestand für mehr als zwei Jahre", "Serviceverträge für über 5.000 Anlagen"),
)

THEMES = {
    "Fördertechnik und Intralogistik": INTRALOGISTICS,
    "Elektrogroßhandel": INTRALOGISTICS,
    "Verpackungsmaschinen": PROCESS,
    "Lebensmittel- und Getränketechnik": PROCESS,
    "Chemie und Pharma": PROCESS,
    "Medizintechnik": PROCESS,
    "Automobilzulieferer": MOBILITY,
    "Baumaschinen und Landtechnik": MOBILITY,
    "Bahntechnik": MOBILITY,
    "Windenergie": ENERGY,
    "Wasser- und Abwassertechnik": ENERGY,
}

SITES = (
    "Augsburg",
    "Chemnitz",
    "Bielefeld",
    "Ulm",
    "Regensburg",
    "Kassel",
    "Heilbronn",
    "Paderborn",
    "Zwickau",
)
FOREIGN_SITES = (
    "Breslau (Polen)",
    "Pilsen (Tschechien)",
    "Kecskemét (Ungarn)",
    "Suzhou (China)",
    "Querétaro (Mexiko)",
)

SWOT = {
    Quadrant.STRENGTH: (
        "Technischer Service mit kurzen Reaktionszeiten",
        "Antriebe, Steuerungen und Service aus einer Hand",
        "Langjährige Beziehung zur Konstruktion des Kunden",
        "Liefertreue über 97 %",
        "Anwendungstechnik vor Ort",
    ),
    Quadrant.WEAKNESS: (
        "Kaum Kontakte zur Geschäftsführung",
        "Höherer Preis als der Wettbewerb bei Standardmotoren",
        "Keine eigene Niederlassung an den Auslandsstandorten des Kunden",
        "Unsere Engineering-Software wird beim Kunden kaum genutzt",
    ),
    Quadrant.OPPORTUNITY: (
        "Modernisierung der Bestandsanlagen (Retrofit)",
        "Rahmenvertrag für alle Standorte",
        "Zustandsüberwachung als Dienstleistung",
        "Neue Baureihe des Kunden in Entwicklung",
        "Standardisierung auf unsere Umrichter-Plattform",
    ),
    Quadrant.THREAT: (
        "Wettbewerber mit Rahmenvertrag für Steuerungstechnik",
        "Zentraler Einkauf mit Fokus auf den Preis",
        "Kunde prüft Eigenfertigung von Getrieben",
        "Übernahme durch einen Konzern mit eigenen Lieferanten",
    ),
}

# How many SWOT items per list (S, W, O, T) each state gets.
SWOT_COUNTS = {COMPLETE: (3, 2, 3, 2), PARTIAL: (2, 1, 2, 1), SPARSE: (1, 0, 1, 1)}


@dataclass
class SeedResult:
    profiles: int = 0
    facts: int = 0
    market_entries: int = 0
    swot_items: int = 0


def _pick(options: tuple[str, ...], rank: int, count: int) -> list[str]:
    """``count`` entries of ``options``, starting at a place that depends on the rank."""
    return [options[(rank + i) % len(options)] for i in range(min(count, len(options)))]


def _size(account: KeyAccount, rank: int) -> tuple[Decimal, int]:
    """The customer's own turnover (a multiple of our revenue with it) and its head count."""
    latest = CustomerRevenue.objects.filter(customer=account.customer).order_by("-fiscal_year").first()
    ours = latest.revenue if latest is not None else Decimal(1_000_000)
    million = Decimal(1_000_000)
    turnover = max((ours * (40 + (rank * 7) % 60) / million).quantize(Decimal(1)), Decimal(20)) * million
    per_head = 210_000 + (rank * 9_000) % 70_000
    return turnover, int(turnover / per_head / 10) * 10


class _Writer:
    """Writes one account's entries as its owner and counts them."""

    def __init__(self, account: KeyAccount, result: SeedResult, today: date):
        self.account = account
        self.result = result
        self.today = today
        self.actor: User | None = account.owner if account.owner.is_active else None

    def ago(self, days: int | None) -> date | None:
        return None if days is None else self.today - timedelta(days=days)

    def fact(self, kind: str, title: str, source: str, days: int | None, details: str = ""):
        self.result.facts += 1
        return services.fact_create(
            actor=self.actor,
            account=self.account,
            kind=kind,
            title=title,
            details=details,
            source=source,
            as_of=self.ago(days),
        )

    def market(self, kind: str, title: str, source: str, days: int | None, **extra) -> None:
        self.result.market_entries += 1
        services.market_entry_create(
            actor=self.actor,
            account=self.account,
            kind=kind,
            title=title,
            source=source,
            as_of=self.ago(days),
            **extra,
        )


def _seed_account(account: KeyAccount, rank: int, result: SeedResult, today: date) -> None:
    state = STATES[rank % len(STATES)]
    customer = account.customer
    theme = THEMES.get(customer.industry, MACHINERY)
    year = today.year - 1
    write = _Writer(account, result, today)
    turnover, employees = _size(account, rank)

    profile: dict = {}
    if state == COMPLETE:
        profile |= {
            "legal_name": customer.name,
            "legal_form": customer.legal_form,
            "industry": customer.industry,
            "entity_source": "Handelsregisterauszug",
            "entity_as_of": write.ago(50 + rank % 30),
        }
    if state != SPARSE:
        profile |= {
            "turnover": turnover,
            "employees": employees,
            "size_year": year if state == COMPLETE else year - 1,
            "size_source": f"Geschäftsbericht {year}" if state == COMPLETE else "Creditreform-Auskunft",
            "size_as_of": write.ago(70 if state == COMPLETE else 460),
            "strategy": theme.strategy,
            "strategy_source": "Jahresgespräch mit der Geschäftsführung"
            if state == COMPLETE
            else "Website des Kunden",
            "strategy_as_of": write.ago(35 if state == COMPLETE else 120),
        }
    if profile:
        services.profile_update(actor=write.actor, account=account, version=None, **profile)
        result.profiles += 1

    # Group structure: the headquarters, further sites, countries and business units.
    sites = [customer.city or SITES[rank % len(SITES)]]
    sites += _pick(SITES, rank + 3, 1) + _pick(FOREIGN_SITES, rank, 1)
    site_count = {COMPLETE: 3, PARTIAL: 2, SPARSE: 1}[state]
    for i, site in enumerate(sites[:site_count]):
        title = f"Hauptsitz {site}" if i == 0 else f"Werk {site}"
        days = None if state == SPARSE or (state == PARTIAL and i == 1) else 60 + 20 * i
        write.fact(FactKind.SITE, title, "Website des Kunden", days)
    if state != SPARSE:
        for country in theme.countries[: 3 if state == COMPLETE else 2]:
            write.fact(
                FactKind.COUNTRY, country, f"Geschäftsbericht {year}", 70 if state == COMPLETE else 420
            )
        for unit in theme.units[: 3 if state == COMPLETE else 2]:
            write.fact(FactKind.BUSINESS_UNIT, unit, "Organigramm des Kunden", 90)

    # Strategic initiatives with the hurdles they face, and key facts.
    initiative_count = {COMPLETE: 3, PARTIAL: 2, SPARSE: 1}[state]
    initiatives = []
    for i, (title, details) in enumerate(theme.initiatives[:initiative_count]):
        days = {COMPLETE: 40, PARTIAL: 200 + 220 * i, SPARSE: 610}[state]
        source = "Interview mit dem technischen Geschäftsführer" if i == 0 else "Pressemitteilung des Kunden"
        initiatives.append(write.fact(FactKind.STRATEGIC_INITIATIVE, title, source, days, details))
    for index, hurdle, help_text in theme.hurdles:
        if index >= len(initiatives) or state == SPARSE:
            continue
        write.market(
            MarketKind.HURDLE,
            hurdle,
            "Gespräch mit dem Einkaufsleiter",
            45 if state == COMPLETE else None,
            initiative=initiatives[index],
            how_we_help=help_text if state == COMPLETE or index == 0 else "",
        )
    for i, key_fact in enumerate(theme.key_facts[: {COMPLETE: 2, PARTIAL: 1, SPARSE: 0}[state]]):
        write.fact(FactKind.KEY_FACT, key_fact, "Gespräch mit dem Einkaufsleiter", 30 if i == 0 else 430)

    # The account's market.
    count = {COMPLETE: 2, PARTIAL: 1, SPARSE: 0}[state]
    study = f"Branchenstudie VDMA {year}"
    for kind, entries, source in (
        (MarketKind.CUSTOMER, theme.customers, "Website des Kunden"),
        (MarketKind.COMPETITOR, theme.competitors, "Messegespräch auf der Hannover Messe"),
        (MarketKind.TREND, theme.trends, study),
        (MarketKind.DRIVER, theme.drivers, study),
        (MarketKind.EXTERNAL_FACTOR, theme.external, "Wirtschaftspresse"),
    ):
        for i, title in enumerate(entries[:count]):
            write.market(kind, title, source, 80 + 30 * i if state == COMPLETE else 400)
    if state == SPARSE:
        write.market(MarketKind.TREND, theme.trends[0], "Notiz aus einem Kundenbesuch", None)

    # SWOT of our position.
    for quadrant, how_many in zip(Quadrant.values, SWOT_COUNTS[state], strict=True):
        for text in _pick(SWOT[quadrant], rank, how_many):
            services.swot_item_create(actor=write.actor, account=account, quadrant=quadrant, text=text)
            result.swot_items += 1


@transaction.atomic
def seed_profiles(*, users: Mapping[str, User] | None = None) -> SeedResult:
    """Fill profile, market and SWOT of every key account that has none yet (see the module).

    ``users`` is accepted like the other seeders' arguments but not needed: each account's
    entries are written by its owner. Accounts that have a profile or any entry already are left
    alone, so a second call changes nothing.
    """
    result = SeedResult()
    today = timezone.localdate()
    accounts = KeyAccount.objects.order_by("pk").select_related("customer", "owner")
    for rank, account in enumerate(accounts):
        if (
            AccountProfile.objects.filter(account=account).exists()
            or account.profile_facts.exists()
            or account.market_entries.exists()
            or account.swot_items.exists()
        ):
            continue
        _seed_account(account, rank, result, today)
    return result

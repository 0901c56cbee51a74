"""The fixed facts of the demo company: what it sells, where, to whom, and who works there.

OpenKAM Demo Antriebstechnik GmbH is an invented German supplier of drives, controls and
service to machine builders. Everything random about it is drawn from these tables with a
seeded generator, so the tables are the place to change what the demo company looks like.
The content is German on purpose: it is data a German company would have, not interface text.
"""

from __future__ import annotations

from dataclasses import dataclass

from openkam.accounts.choices import InternalRole
from openkam.users.choices import Language, Role

COMPANY_NAME = "OpenKAM Demo Antriebstechnik GmbH"
CURRENCY = "EUR"

# Every demo login shares this password so a presenter can switch personas quickly; the
# installation it lives in is a demo, never a production system.
DEMO_PASSWORD = "demo-openkam-2026"  # noqa: S105
DEMO_EMAIL_DOMAIN = "openkam-demo.example"

BUSINESS_UNITS = ("Antriebe", "Steuerungen", "Service")


@dataclass(frozen=True)
class ProductGroup:
    """A product group of the catalogue with its typical net list price per unit.

    ``popularity`` says how many customers buy it at all (relative), ``cost_ratio`` is the
    standard cost as a share of the list price, so margins differ by group as they do in life.
    """

    name: str
    business_unit: int
    list_price: float
    cost_ratio: float
    popularity: float


PRODUCT_GROUPS: tuple[ProductGroup, ...] = (
    ProductGroup("Getriebemotoren", 0, 850, 0.64, 10.0),
    ProductGroup("Stirnradgetriebe", 0, 1_200, 0.63, 7.0),
    ProductGroup("Kegelradgetriebe", 0, 1_400, 0.62, 5.0),
    ProductGroup("Planetengetriebe", 0, 2_100, 0.60, 4.0),
    ProductGroup("Schneckengetriebe", 0, 480, 0.66, 4.5),
    ProductGroup("Hubgetriebe", 0, 690, 0.63, 1.5),
    ProductGroup("Industriegetriebe", 0, 18_500, 0.70, 0.8),
    ProductGroup("Getriebe-Sonderbau", 0, 32_000, 0.72, 0.4),
    ProductGroup("Drehstrommotoren IE3", 0, 420, 0.70, 8.0),
    ProductGroup("Drehstrommotoren IE4", 0, 610, 0.66, 4.0),
    ProductGroup("Synchron-Reluktanzmotoren", 0, 950, 0.61, 1.5),
    ProductGroup("Servomotoren", 0, 1_100, 0.58, 5.0),
    ProductGroup("Trommelmotoren", 0, 780, 0.64, 1.8),
    ProductGroup("Linearantriebe", 0, 1_350, 0.60, 2.0),
    ProductGroup("Elektrozylinder", 0, 1_900, 0.59, 1.2),
    ProductGroup("Kupplungen", 0, 160, 0.55, 6.0),
    ProductGroup("Bremsen", 0, 240, 0.57, 4.0),
    ProductGroup("Frequenzumrichter", 1, 640, 0.62, 8.5),
    ProductGroup("Servoregler", 1, 1_450, 0.57, 4.0),
    ProductGroup("Dezentrale Antriebsumrichter", 1, 980, 0.58, 2.5),
    ProductGroup("Motorstarter", 1, 210, 0.60, 5.0),
    ProductGroup("SPS-Steuerungen", 1, 1_800, 0.55, 3.5),
    ProductGroup("Bewegungssteuerungen", 1, 2_600, 0.52, 1.8),
    ProductGroup("Bedienterminals (HMI)", 1, 1_250, 0.56, 2.5),
    ProductGroup("Sicherheitssteuerungen", 1, 1_100, 0.54, 2.0),
    ProductGroup("Feldbus-Module", 1, 190, 0.50, 4.0),
    ProductGroup("Geber und Sensorik", 1, 260, 0.55, 5.0),
    ProductGroup("Kabel und Steckverbinder", 1, 45, 0.48, 9.0),
    ProductGroup("Netzfilter und Drosseln", 1, 130, 0.58, 3.0),
    ProductGroup("Engineering-Software", 1, 2_400, 0.20, 1.2),
    ProductGroup("IIoT-Gateways", 1, 890, 0.50, 0.8),
    ProductGroup("Ersatzteile", 2, 65, 0.45, 9.5),
    ProductGroup("Inbetriebnahme", 2, 125, 0.52, 3.0),
    ProductGroup("Reparatur", 2, 110, 0.55, 4.0),
    ProductGroup("Wartungsverträge", 2, 4_800, 0.48, 1.0),
    ProductGroup("Schulungen", 2, 950, 0.40, 1.2),
    ProductGroup("Zustandsüberwachung", 2, 1_600, 0.42, 0.7),
    ProductGroup("Retrofit", 2, 14_500, 0.62, 0.5),
    ProductGroup("Engineering-Dienstleistungen", 2, 135, 0.50, 1.5),
    ProductGroup("Notdienst 24/7", 2, 185, 0.46, 1.0),
)

SITES = ("Stuttgart", "Dortmund", "Hamburg", "Leipzig", "Wien", "Shanghai", "Charlotte")
# German customers are served by the regional sales office of their region.
GERMAN_SITE_WEIGHTS = (0.40, 0.28, 0.16, 0.16)


@dataclass(frozen=True)
class Country:
    """A customer country: how common it is, who serves it and how its companies are named."""

    code: str
    share: float
    locale: str
    site: int
    calling_code: str
    legal_forms: tuple[tuple[str, float], ...]
    # Big customers are public companies more often than small ones.
    large_legal_forms: tuple[str, ...]
    subsidiary_suffix: str
    name_words: tuple[str, ...]


COUNTRIES: tuple[Country, ...] = (
    Country(
        "DE",
        0.755,
        "de_DE",
        -1,
        "+49",
        (
            ("GmbH", 0.55),
            ("GmbH & Co. KG", 0.22),
            ("AG", 0.05),
            ("KG", 0.05),
            ("e.K.", 0.04),
            ("OHG", 0.02),
            ("UG (haftungsbeschränkt)", 0.03),
            ("SE", 0.01),
            ("GmbH & Co. KGaA", 0.01),
            ("AG & Co. KG", 0.02),
        ),
        ("AG", "SE", "GmbH & Co. KG", "AG & Co. KG"),
        "",
        (),
    ),
    Country(
        "AT",
        0.05,
        "de_AT",
        4,
        "+43",
        (("GmbH", 0.65), ("GmbH & Co KG", 0.2), ("AG", 0.1), ("KG", 0.05)),
        ("AG", "GmbH & Co KG"),
        "Austria",
        (),
    ),
    Country(
        "CH",
        0.04,
        "de_CH",
        0,
        "+41",
        (("AG", 0.6), ("GmbH", 0.3), ("SA", 0.1)),
        ("AG",),
        "Schweiz",
        (),
    ),
    Country(
        "FR",
        0.03,
        "fr_FR",
        0,
        "+33",
        (("SAS", 0.55), ("SA", 0.2), ("SARL", 0.25)),
        ("SA", "SAS"),
        "France",
        ("Industrie", "Automatismes", "Mécanique", "Systèmes", "Équipements"),
    ),
    Country(
        "IT",
        0.03,
        "it_IT",
        4,
        "+39",
        (("S.r.l.", 0.7), ("S.p.A.", 0.3)),
        ("S.p.A.",),
        "Italia",
        ("Meccanica", "Automazione", "Impianti", "Macchine", "Tecnologie"),
    ),
    Country(
        "PL",
        0.03,
        "pl_PL",
        3,
        "+48",
        (("Sp. z o.o.", 0.8), ("S.A.", 0.2)),
        ("S.A.",),
        "Polska",
        ("Maszyny", "Automatyka", "Technika", "Konstrukcje", "Systemy"),
    ),
    Country(
        "NL",
        0.015,
        "nl_NL",
        1,
        "+31",
        (("B.V.", 0.85), ("N.V.", 0.15)),
        ("N.V.",),
        "Nederland",
        ("Machinebouw", "Techniek", "Systems", "Industrie"),
    ),
    Country(
        "CZ",
        0.015,
        "cs_CZ",
        3,
        "+420",
        (("s.r.o.", 0.8), ("a.s.", 0.2)),
        ("a.s.",),
        "Czech",
        ("Strojírny", "Technika", "Automatizace", "Systémy"),
    ),
    Country(
        "US",
        0.02,
        "en_US",
        6,
        "+1",
        (("Inc.", 0.55), ("LLC", 0.35), ("Corp.", 0.1)),
        ("Inc.", "Corp."),
        "USA",
        ("Manufacturing", "Industries", "Automation", "Machinery", "Systems"),
    ),
    Country(
        "CN",
        0.02,
        "zh_CN",
        5,
        "+86",
        (("Co., Ltd.", 1.0),),
        ("Co., Ltd.",),
        "China",
        ("Machinery", "Automation", "Equipment", "Intelligent Technology"),
    ),
)

# Romanised syllables and industrial cities for Chinese customers; Faker's zh_CN company
# names are in Chinese characters, which a German sales team would not keep in its books.
CHINESE_SYLLABLES = (
    "Heng",
    "Li",
    "Da",
    "Xin",
    "Hua",
    "Tong",
    "Sheng",
    "Long",
    "Feng",
    "Yuan",
    "Jia",
    "Tai",
    "Kang",
    "Rui",
    "Bo",
    "Cheng",
)
CHINESE_CITIES = ("Shanghai", "Suzhou", "Ningbo", "Tianjin", "Shenzhen", "Wuxi", "Qingdao", "Changzhou")


@dataclass(frozen=True)
class Industry:
    """A customer industry, how common it is and how much it buys of each business unit."""

    name: str
    share: float
    affinity: tuple[float, float, float]
    name_words: tuple[str, ...]


INDUSTRIES: tuple[Industry, ...] = (
    Industry("Maschinenbau", 0.22, (1.0, 1.0, 1.0), ("Maschinenbau", "Maschinenfabrik", "Industrietechnik")),
    Industry("Fördertechnik und Intralogistik", 0.10, (1.4, 0.8, 0.9), ("Fördertechnik", "Logistiksysteme")),
    Industry("Verpackungsmaschinen", 0.07, (0.9, 1.4, 0.9), ("Verpackungstechnik", "Verpackungsmaschinen")),
    Industry("Lebensmittel- und Getränketechnik", 0.06, (1.1, 1.0, 1.2), ("Prozesstechnik", "Anlagenbau")),
    Industry("Automobilzulieferer", 0.08, (0.9, 1.3, 0.8), ("Fahrzeugtechnik", "Automotive")),
    Industry("Werkzeugmaschinen", 0.06, (0.8, 1.5, 0.9), ("Werkzeugmaschinen", "Präzisionstechnik")),
    Industry("Kunststofftechnik", 0.05, (1.0, 1.1, 0.9), ("Kunststofftechnik", "Kunststoffmaschinen")),
    Industry("Holzbearbeitung", 0.03, (1.2, 0.9, 0.8), ("Holztechnik", "Sägewerkstechnik")),
    Industry("Druck- und Papiermaschinen", 0.03, (1.0, 1.2, 1.1), ("Drucktechnik", "Papiertechnik")),
    Industry("Windenergie", 0.03, (1.6, 0.7, 1.3), ("Windtechnik", "Energiesysteme")),
    Industry("Chemie und Pharma", 0.04, (1.0, 0.9, 1.4), ("Verfahrenstechnik", "Chemieanlagen")),
    Industry("Baumaschinen und Landtechnik", 0.05, (1.3, 0.7, 0.8), ("Landtechnik", "Baumaschinen")),
    Industry("Bahntechnik", 0.02, (1.1, 0.9, 1.2), ("Bahntechnik", "Schienenfahrzeuge")),
    Industry("Wasser- und Abwassertechnik", 0.03, (1.2, 0.8, 1.3), ("Wassertechnik", "Umwelttechnik")),
    Industry("Stahl- und Metallverarbeitung", 0.05, (1.3, 0.8, 1.2), ("Stahlbau", "Metallverarbeitung")),
    Industry("Elektrogroßhandel", 0.04, (1.2, 1.2, 0.2), ("Elektrohandel", "Industriebedarf")),
    Industry("Medizintechnik", 0.02, (0.7, 1.3, 0.9), ("Medizintechnik", "Labortechnik")),
    Industry("Anlagenbau", 0.02, (1.2, 1.1, 1.2), ("Anlagenbau", "Systemtechnik")),
)

GENERIC_NAME_WORDS = (
    "Automation",
    "Antriebssysteme",
    "Technik",
    "Systemtechnik",
    "Werke",
    "Industrietechnik",
)


@dataclass(frozen=True)
class DemoUser:
    """A demo login: a persona of the KAM programme with a stable user name and a German name."""

    username: str
    first_name: str
    last_name: str
    role: str
    job_title: str
    language: str = Language.GERMAN
    internal_role: str = ""


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("admin", "Andreas", "Adler", Role.ADMIN, "IT-Administration"),
    DemoUser("leitung", "Claudia", "Lehmann", Role.MANAGEMENT, "Leiterin Key Account Management"),
    DemoUser("kam", "Katrin", "Kaiser", Role.KAM, "Key Account Managerin"),
    DemoUser("kam2", "Markus", "Brandt", Role.KAM, "Key Account Manager"),
    DemoUser("kam3", "Stefanie", "Vogt", Role.KAM, "Key Account Managerin"),
    DemoUser("kam4", "Jürgen", "Hartmann", Role.KAM, "Key Account Manager"),
    DemoUser("kam5", "Laura", "Bennett", Role.KAM, "Global Key Account Manager", Language.ENGLISH),
    DemoUser("kam6", "Thomas", "Neumann", Role.KAM, "Key Account Manager"),
    DemoUser("kam7", "Sabine", "Wolf", Role.KAM, "Key Account Managerin"),
    DemoUser("kam8", "Michael", "Berger", Role.KAM, "Key Account Manager"),
    DemoUser(
        "team",
        "Tobias",
        "Engel",
        Role.MEMBER,
        "Vertriebsinnendienst",
        internal_role=InternalRole.INSIDE_SALES,
    ),
    DemoUser(
        "team2", "Julia", "Schäfer", Role.MEMBER, "Anwendungstechnik", internal_role=InternalRole.ENGINEERING
    ),
    DemoUser(
        "team3", "Florian", "Krämer", Role.MEMBER, "Technischer Service", internal_role=InternalRole.SERVICE
    ),
    DemoUser(
        "team4",
        "Olivia",
        "Grant",
        Role.MEMBER,
        "Export Sales Manager",
        Language.ENGLISH,
        internal_role=InternalRole.COUNTRY_SALES,
    ),
    DemoUser(
        "team5",
        "Nina",
        "Lorenz",
        Role.MEMBER,
        "Auftragsabwicklung und Logistik",
        internal_role=InternalRole.LOGISTICS,
    ),
    DemoUser(
        "team6",
        "Patrick",
        "Roth",
        Role.MEMBER,
        "Produktmanager Steuerungen",
        internal_role=InternalRole.ENGINEERING,
    ),
    DemoUser(
        "team7",
        "Frank",
        "Meier",
        Role.MEMBER,
        "Bereichsleiter Antriebe",
        internal_role=InternalRole.MANAGEMENT_SPONSOR,
    ),
    DemoUser(
        "team8",
        "Melanie",
        "Koch",
        Role.MEMBER,
        "Vertriebsinnendienst",
        internal_role=InternalRole.INSIDE_SALES,
    ),
    DemoUser(
        "team9", "Sebastian", "Weber", Role.MEMBER, "Servicetechniker", internal_role=InternalRole.SERVICE
    ),
    DemoUser(
        "team10",
        "Lena",
        "Hofmann",
        Role.MEMBER,
        "Applikationsingenieurin",
        internal_role=InternalRole.ENGINEERING,
    ),
)


@dataclass(frozen=True)
class StakeholderFunction:
    """A function in the customer's buying center, in German and English, with its department."""

    male: str
    female: str
    english: str
    business_unit: str
    english_unit: str


# The first three are in every buying center: the decision maker, purchasing and engineering.
STAKEHOLDER_FUNCTIONS: tuple[StakeholderFunction, ...] = (
    StakeholderFunction(
        "Geschäftsführer", "Geschäftsführerin", "Managing Director", "Geschäftsleitung", "Management"
    ),
    StakeholderFunction("Einkaufsleiter", "Einkaufsleiterin", "Head of Purchasing", "Einkauf", "Purchasing"),
    StakeholderFunction(
        "Leiter Konstruktion", "Leiterin Konstruktion", "Head of Engineering", "Konstruktion", "Engineering"
    ),
    StakeholderFunction(
        "Strategischer Einkäufer", "Strategische Einkäuferin", "Strategic Buyer", "Einkauf", "Purchasing"
    ),
    StakeholderFunction(
        "Technischer Geschäftsführer", "Technische Geschäftsführerin", "CTO", "Geschäftsleitung", "Management"
    ),
    StakeholderFunction(
        "Konstrukteur Antriebstechnik",
        "Konstrukteurin Antriebstechnik",
        "Design Engineer",
        "Konstruktion",
        "Engineering",
    ),
    StakeholderFunction(
        "Leiter Elektrokonstruktion",
        "Leiterin Elektrokonstruktion",
        "Head of Electrical Engineering",
        "Elektrokonstruktion",
        "Engineering",
    ),
    StakeholderFunction(
        "Leiter Instandhaltung",
        "Leiterin Instandhaltung",
        "Maintenance Manager",
        "Instandhaltung",
        "Maintenance",
    ),
    StakeholderFunction("Werksleiter", "Werksleiterin", "Plant Manager", "Produktion", "Operations"),
    StakeholderFunction(
        "Produktionsleiter", "Produktionsleiterin", "Production Manager", "Produktion", "Operations"
    ),
    StakeholderFunction(
        "Leiter Qualitätssicherung", "Leiterin Qualitätssicherung", "Quality Manager", "Qualität", "Quality"
    ),
    StakeholderFunction("Leiter Logistik", "Leiterin Logistik", "Head of Logistics", "Logistik", "Logistics"),
    StakeholderFunction(
        "Projektleiter Automatisierung",
        "Projektleiterin Automatisierung",
        "Automation Project Manager",
        "Automatisierung",
        "Automation",
    ),
    StakeholderFunction(
        "Leiter Forschung und Entwicklung",
        "Leiterin Forschung und Entwicklung",
        "Head of R&D",
        "Forschung und Entwicklung",
        "R&D",
    ),
    StakeholderFunction("Kaufmännischer Leiter", "Kaufmännische Leiterin", "CFO", "Finanzen", "Finance"),
)

GERMAN_SPEAKING = frozenset({"DE", "AT", "CH"})

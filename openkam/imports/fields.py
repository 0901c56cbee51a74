"""OpenKAM's import fields, the guesses that map a file's headers onto them, and mapping checks.

A *mapping* is ``{target field: source column}``. Column names are the file's header cells as
the reader reports them (made unique and non-empty). Nothing here touches the database.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .choices import ImportKind

TEXT, DATE, DECIMAL, CURRENCY, COUNTRY = "text", "date", "decimal", "currency", "country"


@dataclass(frozen=True)
class TargetField:
    """One field of OpenKAM that a source column can fill.

    ``synonyms`` are normalised header names (see ``normalize_header``) in German and English;
    the first match wins, exact matches before prefix matches.
    """

    name: str
    label: str | Promise
    type: str = TEXT
    required: bool = False
    max_length: int | None = None
    scale: int = 0
    synonyms: tuple[str, ...] = ()
    help_text: str | Promise = ""


LEDGER_FIELDS: tuple[TargetField, ...] = (
    TargetField(
        "invoice_id",
        _("Invoice number"),
        required=True,
        max_length=64,
        synonyms=(
            "rechnungsnummer",
            "rechnungsnr",
            "rechnung",
            "belegnummer",
            "belegnr",
            "beleg",
            "fakturanummer",
            "fakturanr",
            "invoiceid",
            "invoicenumber",
            "invoiceno",
            "invoice",
            "documentnumber",
            "documentno",
        ),
    ),
    TargetField(
        "line_id",
        _("Invoice line"),
        max_length=32,
        synonyms=(
            "position",
            "positionsnummer",
            "positionsnr",
            "posnr",
            "pos",
            "belegposition",
            "zeile",
            "lineid",
            "lineno",
            "linenumber",
            "line",
            "item",
        ),
        help_text=_("Without it, lines are numbered in file order within each invoice."),
    ),
    TargetField(
        "invoice_date",
        _("Invoice date"),
        type=DATE,
        required=True,
        synonyms=(
            "rechnungsdatum",
            "belegdatum",
            "fakturadatum",
            "buchungsdatum",
            "datum",
            "invoicedate",
            "documentdate",
            "date",
        ),
    ),
    TargetField(
        "customer_number",
        _("Customer number"),
        required=True,
        max_length=40,
        synonyms=(
            "kundennummer",
            "kundennr",
            "kdnr",
            "debitorennummer",
            "debitorennr",
            "debitor",
            "kunde",
            "customernumber",
            "customerno",
            "customerid",
            "customer",
            "accountnumber",
        ),
    ),
    TargetField(
        "product",
        _("Product"),
        max_length=200,
        synonyms=(
            "artikelnummer",
            "artikelnr",
            "artikel",
            "materialnummer",
            "material",
            "produkt",
            "product",
            "productid",
            "sku",
        ),
    ),
    TargetField(
        "product_group",
        _("Product group"),
        required=True,
        max_length=200,
        synonyms=(
            "warengruppe",
            "produktgruppe",
            "artikelgruppe",
            "produktkategorie",
            "productgroup",
            "productcategory",
            "category",
        ),
    ),
    TargetField(
        "business_unit",
        _("Business unit"),
        required=True,
        max_length=200,
        synonyms=(
            "sparte",
            "geschaeftsbereich",
            "geschaeftsfeld",
            "bereich",
            "segment",
            "businessunit",
            "division",
        ),
    ),
    TargetField(
        "site",
        _("Site / region"),
        max_length=200,
        synonyms=(
            "niederlassung",
            "standort",
            "region",
            "vertriebsregion",
            "verkaufsbuero",
            "werk",
            "filiale",
            "site",
            "branch",
            "location",
        ),
    ),
    TargetField(
        "quantity",
        _("Quantity"),
        type=DECIMAL,
        scale=3,
        synonyms=("menge", "anzahl", "stueckzahl", "stueck", "quantity", "qty"),
    ),
    TargetField(
        "net_revenue",
        _("Net revenue"),
        type=DECIMAL,
        required=True,
        scale=2,
        synonyms=(
            "nettoumsatz",
            "umsatznetto",
            "umsatz",
            "nettobetrag",
            "netto",
            "erloes",
            "netrevenue",
            "revenue",
            "netsales",
            "sales",
            "amount",
        ),
        help_text=_("Credit notes are negative lines."),
    ),
    TargetField(
        "cost",
        _("Cost"),
        type=DECIMAL,
        scale=2,
        synonyms=(
            "einstandskosten",
            "einstandswert",
            "einstandspreis",
            "wareneinsatz",
            "herstellkosten",
            "kosten",
            "cost",
            "costs",
            "cogs",
        ),
        help_text=_("Map cost or contribution margin; cost = net revenue − margin."),
    ),
    TargetField(
        "margin",
        _("Contribution margin"),
        type=DECIMAL,
        scale=2,
        synonyms=(
            "deckungsbeitrag",
            "db1",
            "db",
            "rohertrag",
            "marge",
            "contributionmargin",
            "grossmargin",
            "margin",
        ),
    ),
    TargetField(
        "currency",
        _("Currency"),
        type=CURRENCY,
        max_length=3,
        synonyms=("waehrung", "wahrung", "whrg", "currency", "curr", "ccy"),
        help_text=_("Three letters (EUR); empty cells take the profile's default currency."),
    ),
)

CUSTOMER_FIELDS: tuple[TargetField, ...] = (
    TargetField(
        "number",
        _("Customer number"),
        required=True,
        max_length=40,
        synonyms=(
            "kundennummer",
            "kundennr",
            "kdnr",
            "debitorennummer",
            "debitor",
            "nummer",
            "customernumber",
            "customerno",
            "customerid",
            "number",
        ),
    ),
    TargetField(
        "name",
        _("Name"),
        required=True,
        max_length=200,
        synonyms=(
            "kundenname",
            "firmenname",
            "firma",
            "name1",
            "name",
            "customername",
            "companyname",
            "company",
        ),
    ),
    TargetField("legal_form", _("Legal form"), max_length=40, synonyms=("rechtsform", "legalform")),
    TargetField("industry", _("Industry"), max_length=120, synonyms=("branche", "industry", "sector")),
    TargetField(
        "country",
        _("Country"),
        type=COUNTRY,
        required=True,
        max_length=2,
        synonyms=("laenderkennzeichen", "laendercode", "land", "country", "countrycode"),
        help_text=_("ISO 3166 code with two letters (DE, AT, CH)."),
    ),
    TargetField("city", _("City"), max_length=120, synonyms=("ort", "stadt", "city", "town")),
    TargetField(
        "parent_number",
        _("Parent company number"),
        max_length=40,
        synonyms=(
            "muttergesellschaft",
            "konzernnummer",
            "konzern",
            "mutter",
            "parentnumber",
            "parentcustomer",
            "parent",
            "groupnumber",
        ),
        help_text=_("Must be in the file or the customer master already."),
    ),
)

FIELDS: dict[str, tuple[TargetField, ...]] = {
    ImportKind.LEDGER: LEDGER_FIELDS,
    ImportKind.CUSTOMERS: CUSTOMER_FIELDS,
}


def fields_for(kind: str) -> tuple[TargetField, ...]:
    """The target fields of ``kind``; KeyError for an unknown kind."""
    return FIELDS[kind]


def field_named(kind: str, name: str) -> TargetField:
    return next(f for f in fields_for(kind) if f.name == name)


_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def normalize_header(name: str) -> str:
    """A header reduced for comparison: lower case, umlauts spelt out, only letters and digits.

    ``"Kunden-Nr."`` → ``kundennr``, ``"Geschäftsbereich"`` → ``geschaeftsbereich``.
    """
    folded = name.strip().lower().translate(_FOLD)
    folded = unicodedata.normalize("NFKD", folded)
    return re.sub(r"[^a-z0-9]", "", folded.encode("ascii", "ignore").decode())


def guess_mapping(kind: str, columns: list[str]) -> dict[str, str]:
    """Propose a source column for every field whose synonyms match a header.

    Each column is used once; fields are served in their order, exact matches first, then a
    header that starts with a synonym of at least four letters (``Nettoumsatz EUR``).
    """
    normalized = [(column, normalize_header(column)) for column in columns]
    taken: set[str] = set()
    mapping: dict[str, str] = {}
    for exact in (True, False):
        for field in fields_for(kind):
            if field.name in mapping:
                continue
            for synonym in field.synonyms:
                match = next(
                    (
                        column
                        for column, norm in normalized
                        if column not in taken
                        and (norm == synonym if exact else len(synonym) >= 4 and norm.startswith(synonym))
                    ),
                    None,
                )
                if match is not None:
                    mapping[field.name] = match
                    taken.add(match)
                    break
    return mapping


def mapping_problems(kind: str, mapping: dict[str, str], columns: list[str]) -> dict[str, str]:
    """What is wrong with ``mapping`` for a file with ``columns``: ``{field or "__all__": message}``.

    Checks unknown fields, columns the file does not have, missing required fields and, for the
    ledger, that cost or contribution margin is mapped.
    """
    known = {f.name for f in fields_for(kind)}
    problems: dict[str, str] = {}
    for name, column in mapping.items():
        if name not in known:
            problems[name] = str(_("OpenKAM has no field of this name."))
        elif column not in columns:
            problems[name] = str(_("The file has no column “%(column)s”.") % {"column": column})
    for field in fields_for(kind):
        if field.required and not mapping.get(field.name):
            problems.setdefault(field.name, str(_("Choose the column that holds this field.")))
    if kind == ImportKind.LEDGER and not (mapping.get("cost") or mapping.get("margin")):
        problems.setdefault("cost", str(_("Choose a column for the cost or for the contribution margin.")))
    return problems

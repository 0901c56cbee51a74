"""The export of one account's opportunities (``opportunities:export``) as XLSX and CSV."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from openkam.opportunities.choices import CloseReason, CompetitivePosition, Stage

from .factories import OpportunityFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _url(account, fmt=None):
    url = reverse("opportunities:export", args=[account.pk])
    return f"{url}?format={fmt}" if fmt else url


@pytest.fixture
def pipeline(world):
    """Two open and two closed opportunities of the account, one of another account."""
    today = timezone.localdate()
    identified = OpportunityFactory(
        account=world.account,
        title="Servoachsen Halle 2",
        value=Decimal("100000.00"),
        expected_close=today + 10 * DAY,
        product_group="Servomotoren",
    )
    negotiation = OpportunityFactory(
        account=world.account,
        title="Retrofit Montagelinie",
        stage=Stage.NEGOTIATION,
        value=Decimal("1234.56"),
        probability=75,
        # Closes before the identified one, yet comes after it: the export follows the stages.
        expected_close=today + 5 * DAY,
        owner=world.teammate,
        competitive_position=CompetitivePosition.LEADING,
    )
    won = OpportunityFactory(
        account=world.account,
        title="Ersatzteilpaket",
        stage=Stage.WON,
        value=Decimal("5000.00"),
        expected_close=today - 10 * DAY,
        closed_on=today - 5 * DAY,
        close_reason=CloseReason.PRICE,
    )
    lost = OpportunityFactory(
        account=world.account,
        title="=Wartungsvertrag",
        stage=Stage.LOST,
        value=Decimal("333.33"),
        expected_close=today - 50 * DAY,
        closed_on=today - 40 * DAY,
        close_reason=CloseReason.COMPETITOR,
    )
    OpportunityFactory(account=world.other_account, title="Fremdes Projekt")
    return identified, negotiation, won, lost


def _xlsx(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = load_workbook(io.BytesIO(response.content))
    return workbook, workbook.active


def _csv(response, delimiter):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=delimiter))


def test_the_xlsx_export_lists_the_accounts_opportunities_typed_and_in_the_order_of_the_page(
    client, world, pipeline
):
    _identified, negotiation, won, _lost = pipeline
    client.force_login(world.owner)

    response = client.get(_url(world.account, "xlsx"))

    workbook, sheet = _xlsx(response)
    today = timezone.localdate()
    number = world.account.customer.number
    # The customer number as it is, the name slugified: file names stay ASCII.
    assert response["Content-Disposition"] == (
        f'attachment; filename="opportunities-{number}-alpha-maschinenbau-{today.isoformat()}.xlsx"'
    )
    assert workbook.sheetnames == ["Alpha Maschinenbau"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == [
        "Key account",
        "Customer number",
        "Key account manager",
        "Opportunity",
        "Stage",
        "Value (EUR)",
        "Probability (%)",
        "Weighted value (EUR)",
        "Expected close",
        "Owner",
        "Product group",
        "Our competitive position",
        "Closed on",
        "Reason",
    ]
    # Open ones by stage, then the closed ones, last closed first; nothing of the other account.
    assert [row[3] for row in rows[1:]] == [
        "Servoachsen Halle 2",
        "Retrofit Montagelinie",
        "Ersatzteilpaket",
        "'=Wartungsvertrag",
    ]
    line = dict(zip(rows[0], rows[2], strict=True))
    assert line["Key account"] == "Alpha Maschinenbau"
    assert line["Customer number"] == number
    assert line["Key account manager"] == "Katrin Amann"
    assert line["Stage"] == "Negotiation"
    assert line["Value (EUR)"] == 1234.56
    assert line["Probability (%)"] == 75
    assert line["Weighted value (EUR)"] == 925.92
    assert line["Expected close"] == datetime.datetime.combine(negotiation.expected_close, datetime.time())
    assert line["Owner"] == "Tom Teich"
    assert line["Our competitive position"] == "Preferred / leading"
    assert line["Closed on"] is None and line["Reason"] is None
    closed = dict(zip(rows[0], rows[3], strict=True))
    assert (closed["Stage"], closed["Reason"]) == ("Won", "Price")
    assert closed["Closed on"] == datetime.datetime.combine(won.closed_on, datetime.time())
    assert closed["Probability (%)"] == 100
    assert rows[4][4:6] == ["Lost", 333.33]
    value_cell, close_cell = sheet.cell(row=3, column=6), sheet.cell(row=3, column=9)
    assert value_cell.number_format == "#,##0.00"
    assert close_cell.is_date and close_cell.number_format == "yyyy-mm-dd"
    assert sheet.max_row == 5


def test_the_english_csv_export_has_every_line_of_the_account(client, world, pipeline):
    client.force_login(world.manager)

    response = client.get(_url(world.account, "csv"))

    assert response["Content-Disposition"].endswith(f'-{timezone.localdate().isoformat()}.csv"')
    rows = _csv(response, ",")
    assert rows[0][:5] == ["Key account", "Customer number", "Key account manager", "Opportunity", "Stage"]
    assert [(row[3], row[4]) for row in rows[1:]] == [
        ("Servoachsen Halle 2", "Identified"),
        ("Retrofit Montagelinie", "Negotiation"),
        ("Ersatzteilpaket", "Won"),
        ("'=Wartungsvertrag", "Lost"),
    ]
    assert rows[2][5:9] == ["1,234.56", "75", "925.92", pipeline[1].expected_close.isoformat()]
    assert rows[1][5:8] == ["100,000.00", "10", "10,000.00"]
    assert rows[4][12:] == [pipeline[3].closed_on.isoformat(), "Competitor's offer"]


def test_the_german_csv_export_has_german_headers_labels_and_decimal_commas(client, world, pipeline):
    world.extended.language = "de"
    world.extended.save()
    client.force_login(world.extended)

    rows = _csv(client.get(_url(world.account, "csv")), ";")

    assert rows[0] == [
        "Key Account",
        "Kundennummer",
        "Key-Account-Manager",
        "Verkaufschance",
        "Phase",
        "Wert (EUR)",
        "Wahrscheinlichkeit (%)",
        "Gewichteter Wert (EUR)",
        "Erwarteter Abschluss",
        "Verantwortlich",
        "Warengruppe",
        "Unsere Wettbewerbsposition",
        "Abgeschlossen am",
        "Grund",
    ]
    assert rows[2][4:8] == ["Verhandlung", "1.234,56", "75", "925,92"]
    assert (rows[3][4], rows[3][13]) == ("Gewonnen", "Preis")
    assert len(rows) == 5


def test_the_german_xlsx_export_has_german_headers(client, world, pipeline):
    world.teammate.language = "de"
    world.teammate.save()
    client.force_login(world.teammate)

    _workbook, sheet = _xlsx(client.get(_url(world.account)))  # XLSX without ?format

    assert [cell.value for cell in sheet[1]][3:6] == ["Verkaufschance", "Phase", "Wert (EUR)"]
    assert [cell.value for cell in sheet[2]][4:6] == ["Identifiziert", 100000]
    assert sheet.cell(row=3, column=12).value == "Bevorzugt / führend"


@pytest.mark.parametrize("persona", ["other_kam", "admin"])
def test_people_who_may_not_see_the_account_get_404(client, world, pipeline, persona):
    client.force_login(world.persona(persona))

    for fmt in ("xlsx", "csv"):
        assert client.get(_url(world.account, fmt)).status_code == 404


def test_an_account_export_never_holds_another_accounts_opportunities(client, world, pipeline):
    client.force_login(world.other_kam)

    rows = _csv(client.get(_url(world.other_account, "csv")), ",")

    assert [row[3] for row in rows[1:]] == ["Fremdes Projekt"]
    assert rows[1][0] == "Beta Antriebe"
    # The KAM of the first account cannot reach the other account's export either.
    client.force_login(world.owner)
    assert client.get(_url(world.other_account, "csv")).status_code == 404


def test_an_unknown_format_is_not_found(client, world):
    client.force_login(world.owner)
    assert client.get(_url(world.account, "pdf")).status_code == 404


def test_an_account_without_opportunities_exports_the_header_only(client, world):
    client.force_login(world.owner)

    rows = _csv(client.get(_url(world.account, "csv")), ",")

    assert len(rows) == 1 and rows[0][0] == "Key account"


def test_the_export_needs_a_fixed_number_of_queries(client, world, pipeline, django_assert_num_queries):
    client.force_login(world.owner)
    client.get(_url(world.account, "csv"))  # the first request of a session does some bookkeeping
    with django_assert_num_queries(4):  # session, user, account, opportunities with their owners
        client.get(_url(world.account, "xlsx"))
    for n in range(3):
        OpportunityFactory(account=world.account, owner=world.extended, title=f"Weitere {n}")
        OpportunityFactory(
            account=world.account,
            stage=Stage.LOST,
            closed_on=timezone.localdate(),
            close_reason=CloseReason.TIMING,
            owner=world.teammate,
        )
    with django_assert_num_queries(4):
        response = client.get(_url(world.account, "xlsx"))
    assert _xlsx(response)[1].max_row == 1 + 4 + 6


def test_the_list_page_links_both_exports_in_the_readers_language(client, world, pipeline):
    url = reverse("opportunities:list", args=[world.account.pk])
    export = reverse("opportunities:export", args=[world.account.pk])
    client.force_login(world.manager)

    html = client.get(url).content.decode()

    assert f'href="{export}?format=xlsx" download data-export="xlsx">Export XLSX</a>' in html
    assert f'href="{export}?format=csv" download data-export="csv">Export CSV</a>' in html
    world.owner.language = "de"
    world.owner.save()
    client.force_login(world.owner)
    html = client.get(url).content.decode()
    assert ">Als XLSX exportieren</a>" in html and ">Als CSV exportieren</a>" in html


def test_the_list_page_offers_no_export_while_there_is_nothing_to_export(client, world):
    client.force_login(world.owner)

    html = client.get(reverse("opportunities:list", args=[world.account.pk])).content.decode()

    assert "data-export=" not in html

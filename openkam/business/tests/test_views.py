"""The business pages: figures, the matrix with its htmx cell editing, units and the export."""

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from openkam.business.choices import CellStatus
from openkam.business.models import CustomerUnit, WhitespaceCell
from openkam.business.services import whitespace_cell_set
from openkam.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _overview(account, **query):
    url = reverse("business:overview", args=[account.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _cell_url(account, unit="Stuttgart", group="Servomotoren"):
    return reverse("business:cell", args=[account.pk]) + f"?unit={unit}&product_group={group}"


def _post_cell(client, account, *, htmx=True, **data):
    body = {"unit": "Stuttgart", "product_group": "Servomotoren", "version": "0", "note": ""} | data
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(reverse("business:cell", args=[account.pk]), body, **headers)


def test_the_page_shows_the_groups_figures_and_the_matrix(client, alpha, world):
    client.force_login(world.owner)

    response = client.get(_overview(alpha.account))

    assert response.status_code == 200
    business, matrix = response.context["business"], response.context["matrix"]
    assert business.current.revenue == Decimal("20000.00") and matrix.totals.cells == 12
    html = response.content.decode()
    assert "Our business with Alpha Maschinenbau" in html
    assert "€20,000" in html and "+33.3%" in html  # revenue 2025 and growth over 2024
    assert 'id="by-company"' in html and "Subsidiary" in html
    assert html.count('class="ws-cell ws-sold"') == 4
    assert 'data-chart-spec-id="business-years-spec"' in html
    # The owner edits: every cell links to its form, and units can be added.
    assert html.count('hx-get="/accounts/') >= 12
    assert reverse("business:unit-create", args=[alpha.account.pk]) in html


def test_readers_see_the_matrix_without_edit_links(client, alpha, world):
    client.force_login(world.extended)

    html = client.get(_overview(alpha.account)).content.decode()

    assert html.count("ws-cell ws-") == 12
    assert reverse("business:cell", args=[alpha.account.pk]) not in html
    assert reverse("business:unit-create", args=[alpha.account.pk]) not in html
    assert 'id="competitor-names"' not in html


def test_german_users_get_german_figures(client, alpha, world):
    world.owner.language = "de"
    world.owner.save()
    client.force_login(world.owner)

    html = client.get(_overview(alpha.account)).content.decode()

    assert "20.000\xa0€" in html and "+33,3\xa0%" in html


def test_another_year_is_chosen_with_the_query(client, alpha, world):
    client.force_login(world.owner)

    response = client.get(_overview(alpha.account, year=2024))

    assert response.context["business"].year == 2024 and response.context["matrix"].year == 2024
    assert response.context["matrix"].totals.cells_sold == 2
    # A year the ledger does not have falls back to the default.
    assert client.get(_overview(alpha.account, year=1999)).context["matrix"].year == 2025


def test_without_a_ledger_the_page_says_so(client, world):
    client.force_login(world.owner)

    response = client.get(_overview(world.account))

    assert response.status_code == 200
    assert "No sales ledger yet" in response.content.decode()


def test_the_page_needs_few_queries(client, alpha, world, django_assert_max_num_queries):
    whitespace_cell_set(
        actor=None, account=alpha.account, unit="Posen", product_group="Servomotoren", status="no_need"
    )
    client.force_login(world.owner)
    client.get(_overview(alpha.account))  # warms the ledger cache

    with CaptureQueriesContext(connection) as queries:
        response = client.get(_overview(alpha.account))

    assert response.status_code == 200
    # Session, user, account, ledger files, the group (two levels), units, marks, the competitor
    # names of the matrix and of the competition app: ten, whatever the size of the matrix.
    assert len(queries) <= 11, [q["sql"] for q in queries]


# Cells ------------------------------------------------------------------------------------------


def test_a_cell_form_opens_in_the_cell_and_saving_answers_with_the_whole_matrix(client, alpha, world):
    client.force_login(world.teammate)

    form = client.get(_cell_url(alpha.account), HTTP_HX_REQUEST="true")
    assert form.status_code == 200
    assert form.templates[0].name == "business/_cell_form.html"
    assert 'name="version" value="0"' in form.content.decode()

    response = _post_cell(client, alpha.account, status="opportunity", potential="25000")

    assert response.status_code == 200
    assert response["HX-Retarget"] == "#whitespace" and response["HX-Reswap"] == "outerHTML"
    html = response.content.decode()
    assert 'id="ws-potential">€25,000<' in html and 'id="ws-opportunities">1<' in html
    assert "Whitespace cell saved." in html
    cell = WhitespaceCell.objects.get()
    assert (cell.status, cell.potential, cell.updated_by) == (
        "opportunity",
        Decimal("25000.00"),
        world.teammate,
    )


def test_an_invalid_mark_comes_back_as_the_form(client, alpha, world):
    client.force_login(world.owner)

    response = _post_cell(client, alpha.account, status="opportunity", potential="-5")

    assert response.status_code == 200
    assert "HX-Retarget" not in response
    assert response.context["form"].errors["potential"]
    assert not WhitespaceCell.objects.exists()


def test_a_german_potential_is_read_with_german_separators(client, alpha, world):
    world.owner.language = "de"
    world.owner.save()
    client.force_login(world.owner)

    _post_cell(client, alpha.account, status="opportunity", potential="12.500,50")

    assert WhitespaceCell.objects.get().potential == Decimal("12500.50")


def test_fields_of_another_status_are_dropped_by_the_form(client, alpha, world):
    client.force_login(world.owner)

    _post_cell(client, alpha.account, status="no_need", potential="9000", competitor="Nordgetriebe")

    cell = WhitespaceCell.objects.get()
    assert (cell.status, cell.potential, cell.competitor) == ("no_need", None, "")


def test_without_javascript_the_cell_page_saves_and_returns_to_the_matrix(client, alpha, world):
    client.force_login(world.owner)

    page = client.get(_cell_url(alpha.account, group="Ersatzteile"))
    assert page.templates[0].name == "business/cell.html"
    response = _post_cell(
        client, alpha.account, htmx=False, product_group="Ersatzteile", status="competitor", competitor="Voss"
    )

    assert response.status_code == 302
    assert response.url == reverse("business:overview", args=[alpha.account.pk]) + "#whitespace"
    assert WhitespaceCell.objects.get().competitor == "Voss"


def test_a_conflicting_cell_edit_shows_what_was_saved_and_saves_on_top(client, alpha, world):
    client.force_login(world.owner)
    whitespace_cell_set(
        actor=world.teammate,
        account=alpha.account,
        unit="Stuttgart",
        product_group="Servomotoren",
        status="competitor",
        competitor="Kraemer Antriebe",
    )

    # The owner's form was loaded before the teammate saved (version 0).
    response = _post_cell(client, alpha.account, status="opportunity", potential="10000")

    assert response.status_code == 200 and "HX-Retarget" not in response
    html = response.content.decode()
    assert "Someone else saved this in the meantime" in html
    assert "Saved meanwhile" in html and "Bought from a competitor" in html
    assert 'name="version" value="1"' in html
    assert WhitespaceCell.objects.get().status == "competitor"

    again = _post_cell(client, alpha.account, status="opportunity", potential="10000", version="1")

    assert again["HX-Retarget"] == "#whitespace"
    cell = WhitespaceCell.objects.get()
    assert (cell.status, cell.version) == ("opportunity", 2)


def test_unknown_cells_answer_404(client, alpha, world):
    client.force_login(world.owner)

    assert client.get(_cell_url(alpha.account, unit="Berlin")).status_code == 404
    assert client.get(_cell_url(alpha.account, group="Kaffee")).status_code == 404
    assert _post_cell(client, alpha.account, product_group="Kaffee", status="no_need").status_code == 404


def test_the_matrix_alone_is_sent_for_htmx_reloads(client, alpha, world):
    client.force_login(world.owner)

    response = client.get(_overview(alpha.account), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="whitespace")

    assert response.templates[0].name == "business/_matrix.html"


# Units ------------------------------------------------------------------------------------------


def test_units_are_added_changed_and_removed_on_their_pages(client, alpha, world):
    client.force_login(world.teammate)
    create = reverse("business:unit-create", args=[alpha.account.pk])

    response = client.post(create, {"name": "Werk Zwickau", "kind": "unit", "country": "de"})

    assert response.status_code == 302
    unit = CustomerUnit.objects.get()
    assert (unit.name, unit.country) == ("Werk Zwickau", "DE")
    duplicate = client.post(create, {"name": "werk zwickau", "kind": "unit", "country": ""})
    assert duplicate.status_code == 200 and duplicate.context["form"].errors["name"]

    edit = reverse("business:unit-edit", args=[alpha.account.pk, unit.pk])
    assert (
        client.post(
            edit, {"name": "Werk Zwickau", "kind": "site", "country": "DE", "version": "1"}
        ).status_code
        == 302
    )
    stale = client.post(edit, {"name": "Werk Zwickau", "kind": "unit", "country": "CZ", "version": "1"})
    assert stale.status_code == 200 and "Saved meanwhile" in stale.content.decode()
    unit.refresh_from_db()
    assert (unit.kind, unit.country, unit.version) == ("site", "DE", 2)

    delete = reverse("business:unit-delete", args=[alpha.account.pk, unit.pk])
    assert client.post(delete).status_code == 302
    assert not CustomerUnit.objects.exists()
    assert AuditEntry.objects.filter(action__startswith="business.unit.").count() == 3


def test_a_unit_of_another_account_answers_404(client, alpha, world):
    client.force_login(world.owner)
    foreign = CustomerUnit.objects.create(account=world.other_account, name="Werk Beta")

    assert client.get(reverse("business:unit-edit", args=[alpha.account.pk, foreign.pk])).status_code == 404
    assert (
        client.post(reverse("business:unit-delete", args=[alpha.account.pk, foreign.pk])).status_code == 404
    )
    assert CustomerUnit.objects.filter(pk=foreign.pk).exists()


# Export -----------------------------------------------------------------------------------------


def _export(client, account, **query):
    url = reverse("business:export", args=[account.pk])
    return client.get(url, query)


def test_the_matrix_exports_as_xlsx_like_on_the_page(client, alpha, world):
    whitespace_cell_set(
        actor=None,
        account=alpha.account,
        unit="Stuttgart",
        product_group="Servomotoren",
        status=CellStatus.OPPORTUNITY,
        potential=Decimal("25000"),
    )
    client.force_login(world.manager)

    response = _export(client, alpha.account, format="xlsx")

    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'-{alpha.account.customer.number}-2025.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:8] == [
        "Unit or site",
        "Kind",
        "Country",
        "Group companies",
        *["Ersatzteile", "Frequenzumrichter", "Getriebemotoren", "Servomotoren"],
    ]
    assert rows[0][8:] == [
        "Cells with a need",
        "Cells where we sell",
        "Penetration (%)",
        "Open potential (EUR)",
    ]
    stuttgart = next(r for r in rows if r[0] == "Stuttgart")
    assert stuttgart[4:8] == [None, 4000, 12000, "Opportunity: €25,000"]
    assert stuttgart[8:] == [4, 2, 50, 25000]
    penetration, potential = rows[-2], rows[-1]
    assert penetration[0] == "Penetration (%)"
    assert penetration[4:] == [0, 66.7, 66.7, 0, 12, 4, 33.3, 25000]
    assert potential[0] == "Open potential (EUR)" and potential[4:8] == [0, 0, 0, 25000]


def test_the_csv_export_follows_the_language(client, alpha, world):
    world.owner.language = "de"
    world.owner.save()
    client.force_login(world.owner)

    response = _export(client, alpha.account, format="csv", year=2024)

    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    stuttgart = next(r for r in rows if r[0] == "Stuttgart")
    assert stuttgart[6:8] == ["10.000,00", "5.000,00"]  # Getriebemotoren and Servomotoren in 2024
    assert response["Content-Disposition"].endswith('-2024.csv"')


def test_a_bad_export_request_answers_400(client, alpha, world):
    client.force_login(world.owner)

    assert _export(client, alpha.account, format="pdf").status_code == 400
    assert _export(client, alpha.account, format="csv", year=1999).status_code == 400


def test_marks_appear_on_the_account_timeline(client, alpha, world):
    client.force_login(world.teammate)
    _post_cell(client, alpha.account, status="no_need")

    html = client.get(reverse("accounts:detail", args=[alpha.account.pk])).content.decode()

    assert "Tom Teich</strong> marked a whitespace cell: Stuttgart × Servomotoren" in html

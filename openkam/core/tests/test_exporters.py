from datetime import date
from decimal import Decimal

import openpyxl

from openkam.core.exporters import write_xlsx


def test_xlsx_keeps_numbers_and_dates_typed_and_guards_text_against_formulas(tmp_path):
    path = tmp_path / "export.xlsx"
    count = write_xlsx(
        path,
        ["Customer", "Revenue", "Since"],
        [['=HYPERLINK("http://evil")', Decimal("1234.50"), date(2025, 3, 31)], ["-1+1", 7, None]],
        sheet_title="Key accounts: 2025/26",
    )

    sheet = openpyxl.load_workbook(path).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert count == 2
    assert sheet.title == "Key accounts- 2025-26"
    assert rows[0] == ["Customer", "Revenue", "Since"]
    assert rows[1][0] == '\'=HYPERLINK("http://evil")'
    assert rows[1][1] == 1234.5 and sheet["B2"].number_format == "#,##0.00"
    assert rows[1][2].date() == date(2025, 3, 31)
    assert rows[2] == ["'-1+1", 7, None]
    assert sheet.auto_filter.ref == "A1:C3"


def test_xlsx_adds_each_image_on_a_sheet_of_its_own(tmp_path):
    import vl_convert

    png = vl_convert.vegalite_to_png({"mark": "point", "data": {"values": [{"x": 1}]}, "encoding": {}})
    path = tmp_path / "chart.xlsx"
    write_xlsx(path, ["x"], [[1]], sheet_title="Data", images=[("Pareto curve", png)])

    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["Data", "Pareto curve"]
    assert len(workbook["Pareto curve"]._images) == 1

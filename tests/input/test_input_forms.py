"""Form layouts, composite cells, merged documents, unknown columns, and the errors that remain errors."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from dualuse.input import InputError, load_shipments
from dualuse.input.tables import split_name_specification, split_price_total_currency, split_quantity_unit


def book(path: Path, sheets: dict[str, list[tuple[str, Any]]], merges: dict[str, list[str]] | None = None) -> Path:
    """A workbook from ``{sheet: [(cell, value), ...]}`` and ``{sheet: ["A1:C1", ...]}``."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, cells in sheets.items():
        ws = wb.create_sheet(title)
        for ref, value in cells:
            ws[ref] = value
        for rng in (merges or {}).get(title, []):
            ws.merge_cells(rng)
    wb.save(path)
    return path


def csv_file(path: Path, header: list[str], rows: list[list[Any]], encoding: str = "utf-8") -> Path:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


# --- composite cells ----------------------------------------------------------------------

@pytest.mark.parametrize("cell, expected", [
    ("500千克", [(500.0, "kg")]),
    ("500千克\n1000件", [(500.0, "kg"), (1000.0, "pcs")]),
    ("1,200个", [(1200.0, "pcs")]),
    ("２吨", [(2.0, "t")]),
    (25, [(25.0, None)]),
    ("12.5 KGS", [(12.5, "kg")]),
])
def test_quantity_and_unit(cell: Any, expected: list) -> None:
    assert split_quantity_unit(cell) == expected


@pytest.mark.parametrize("cell, expected", [
    ("12.5/6250/美元", (12.5, 6250.0, "USD")),
    ("12.5\n6250\n美元", (12.5, 6250.0, "USD")),
    ("1,250.00/62,500.00/人民币", (1250.0, 62500.0, "CNY")),
    ("97 / 48500 / USD", (97.0, 48500.0, "USD")),
    ("6250/円", (None, 6250.0, "JPY")),
    ("6250", (None, 6250.0, None)),
    ("6,250美元", (None, 6250.0, "USD")),
    (6250, (None, 6250.0, None)),
])
def test_price_total_currency(cell: Any, expected: tuple) -> None:
    assert split_price_total_currency(cell) == expected


@pytest.mark.parametrize("cell", ["12.5/6250/¥", "a/b/c", "1/2/3/4", "12.5/6250/dollars"])
def test_price_total_currency_refused(cell: str) -> None:
    with pytest.raises(ValueError, match="expected unit price/total/currency like 12.5/6250/美元"):
        split_price_total_currency(cell)


@pytest.mark.parametrize("cell, expected", [
    ("金属镝\n纯度≥99.9%|块状", ("金属镝", "纯度≥99.9%|块状")),
    ("金属镝\n3|0|镝\n纯度99.9%", ("金属镝", "3|0|镝 纯度99.9%")),
    ("金属镝|纯度99.9%|块状", ("金属镝", "纯度99.9%|块状")),
    ("塑料周转箱", ("塑料周转箱", None)),
    ("  \n", ("", None)),
])
def test_name_and_specification(cell: str, expected: tuple) -> None:
    assert split_name_specification(cell) == expected


DECL = ["预录入编号", "出口日期", "境内发货人", "境外收货人", "最终目的国（地区）", "项号", "商品编号", "商品名称及规格型号",
        "数量及单位", "单价/总价/币制"]


def test_composites_in_a_flat_file(tmp_path: Path) -> None:
    path = csv_file(tmp_path / "d.csv", DECL + ["币制", "数量"], [
        ["P1", "2026-03-02", "E", "C", "日本", 1, "2805301200", "金属镝\n纯度99.9%", "50千克", "101/5050/美元", "USD", "50"],
    ])
    (s,) = load_shipments(path).shipments
    line = s.lines[0]
    assert (line.description, line.specification) == ("金属镝", "纯度99.9%")
    assert (line.quantity, line.unit, line.unit_price, line.value, line.currency) == (50.0, "kg", 101.0, 5050.0, "USD")


def test_composite_contradicting_another_column_is_an_error(tmp_path: Path) -> None:
    path = csv_file(tmp_path / "d.csv", DECL + ["币制"], [
        ["P1", "2026-03-02", "E", "C", "日本", 1, "2805301200", "金属镝", "50千克", "101/5050/美元", "人民币"],
    ])
    with pytest.raises(InputError) as info:
        load_shipments(path)
    (item,) = info.value.issues
    assert (item.row, item.column, item.value) == (2, "单价/总价/币制", "101/5050/美元")
    assert item.message == "this cell gives currency 'USD', but another column of the line gives 'CNY'"


# --- the 17 labels of a flattened declaration, countries and dates as written ------------------

def test_flattened_declaration_labels(tmp_path: Path) -> None:
    header = ["境内发货人", "境外收货人", "运抵国(地区)", "贸易国(地区)", "商品名称及规格型号", "数量及单位", "单价/总价/币制",
              "原产国（地区）", "最终目的国（地区）", "境内货源地", "生产销售单位", "许可证号", "预录入编号", "征免", "项号",
              "商品编号", "出口日期"]
    row = ["宁波磁业贸易有限公司", "Tokyo Precision Parts Co., Ltd.", "韩国", "日本", "钕铁硼磁体\nN52", "1,000千克",
           "50/50000/美元", "中国", "日本", "宁波市", "宁波磁材厂", "26DL0099", "P-7", "照章征税", "1", "8505111000",
           "令和8年3月2日"]
    result = load_shipments(csv_file(tmp_path / "flat.csv", header, [row], encoding="gb18030"))
    (s,) = result.shipments
    assert result.unmapped == []
    assert (s.id, s.date, s.licence_number) == ("P-7", dt.date(2026, 3, 2), "26DL0099")
    assert (s.arrival_country, s.trade_country, s.destination_country) == ("KR", "JP", "JP")
    assert s.producer.name == "宁波磁材厂" and s.lines[0].domestic_source == "宁波市"
    assert s.lines[0].extra == {"征免": "照章征税"}


# --- unknown columns are kept, not fatal ----------------------------------------------------

def test_unknown_columns_are_kept_reported_once_and_carried_to_the_output(tmp_path: Path) -> None:
    from dualuse.decision.screen import Screener
    from dualuse.output.writers import csv_bytes, jsonl_bytes

    header = ["id", "date", "exporter", "consignee", "destination", "description", "hs code", "Warehouse Bin",
              "consigne country", "Remarks"]
    rows = [["S-1", "2026-03-02", "E", "C", "JP", "plastic crates", "392310", "B-17", "JP", "rush"],
            ["S-1", "2026-03-02", "E", "C", "JP", "more crates", "392310", "B-18", "JP", ""]]
    result = load_shipments(csv_file(tmp_path / "u.csv", header, rows))
    assert [h for h, _ in result.unmapped] == ["Warehouse Bin", "consigne country", "Remarks"]
    why = dict(result.unmapped)
    assert 'did you mean "consignee country"?' in why["consigne country"]
    (s,) = result.shipments
    assert [ln.extra for ln in s.lines] == [{"Warehouse Bin": "B-17", "consigne country": "JP", "Remarks": "rush"},
                                            {"Warehouse Bin": "B-18", "consigne country": "JP"}]
    decision = Screener().screen(s)
    out = list(csv.DictReader(io.StringIO(csv_bytes([decision]).decode("utf-8-sig"))))
    assert [(r["Warehouse Bin"], r["Remarks"]) for r in out] == [("B-17", "rush"), ("B-18", "")]
    assert '"Warehouse Bin": "B-17"' in jsonl_bytes([decision]).decode("utf-8").replace('":"', '": "')


# --- forms ---------------------------------------------------------------------------------------

INVOICE = [
    ("A1", "COMMERCIAL INVOICE"), ("A2", "商业发票"),
    ("A4", "Seller:"), ("B4", "Ningbo Magnet Trading Co., Ltd."), ("E4", "Invoice No.:"), ("F4", "INV-9"),
    ("A5", "Buyer:"), ("B5", "Osaka Motor Parts K.K."), ("E5", "Date:"), ("F5", "2026/3/2"),
    ("A6", "Consignee:"), ("B6", "Osaka Motor Parts K.K."), ("E6", "Destination:"), ("F6", "日本"),
    ("A7", "End use: household air conditioner motors"),
    ("A9", "No."), ("B9", "Description"), ("C9", "Control Code"), ("D9", "Quantity"), ("E9", "Unit Price"),
    ("F9", "Amount"),
    ("A10", 1), ("B10", "NdFeB magnets"), ("C10", "1C904.a.1"), ("D10", "100 KGS"), ("E10", 50), ("F10", "USD 5,000"),
    ("A11", 2), ("B11", "Plastic crates"), ("D11", "10 PCS"), ("E11", 3), ("F11", "USD 30"),
    ("A12", "TOTAL"), ("F12", "USD 5,030"),
    ("A14", "Remarks: rush order"), ("A15", "Signed for the seller"),
]


def test_invoice_form_header_block_title_and_footer(tmp_path: Path) -> None:
    result = load_shipments(book(tmp_path / "inv.xlsx", {"Invoice": INVOICE}))
    (s,) = result.shipments
    assert (s.id, s.date, s.destination_country) == ("INV-9", dt.date(2026, 3, 2), "JP")
    assert (s.exporter.name, s.consignee.name) == ("Ningbo Magnet Trading Co., Ltd.", "Osaka Motor Parts K.K.")
    assert s.end_use == "household air conditioner motors"
    assert [(ln.line, ln.quantity, ln.unit, ln.value, ln.currency) for ln in s.lines] == [
        (1, 100.0, "kg", 5000.0, "USD"), (2, 10.0, "pcs", 30.0, "USD")]   # the TOTAL row is not a line
    assert s.extra == {"Remarks": "rush order", "cell A15": "Signed for the seller"}
    table, _ = result.layouts[0]
    assert (table.layout, table.kind, table.title) == ("form", "invoice", "COMMERCIAL INVOICE / 商业发票")


def test_form_with_labels_above_values_merged_cells_sub_headers_and_continuation_rows(tmp_path: Path) -> None:
    cells = [
        ("A1", "出口货物报关单"),
        ("A3", "境内发货人"), ("C3", "出口日期"), ("E3", "运输方式"), ("G3", "境外收货人"),
        ("A4", "宁波磁业贸易有限公司"), ("C4", "20260302"), ("E4", "航空运输"), ("G4", "Osaka Motor Parts K.K."),
        ("A6", "预录入编号：P-88"), ("E6", "最终目的国（地区）"), ("G6", "JPN"),
        ("A8", "项号"), ("B8", "商品编号"), ("C8", "商品名称"), ("D8", "数量及单位"), ("F8", "币制"),
        ("D9", "数量"), ("E9", "单位"),
        ("A10", 1), ("B10", "8505111000"), ("C10", "钕铁硼磁体"), ("D10", 100), ("E10", "千克"), ("F10", "美元"),
        ("C11", "N52 镀镍"),  # the item's second line
        ("A12", 2), ("B12", "3923100000"), ("C12", "塑料周转箱"), ("D12", 10), ("E12", "个"), ("F12", "美元"),
        ("A14", "合计"), ("D14", 110),
    ]
    path = book(tmp_path / "decl.xlsx", {"报关单": cells}, {"报关单": ["A1:G1", "A3:B3", "A4:B4", "D8:E8"]})
    result = load_shipments(path)
    (s,) = result.shipments
    assert (s.id, s.date, s.destination_country) == ("P-88", dt.date(2026, 3, 2), "JP")
    assert (s.exporter.name, s.consignee.name) == ("宁波磁业贸易有限公司", "Osaka Motor Parts K.K.")
    assert s.extra == {"运输方式": "航空运输"}
    assert [(ln.line, ln.description, ln.quantity, ln.unit, ln.currency) for ln in s.lines] == [
        (1, "钕铁硼磁体\nN52 镀镍", 100.0, "kg", "USD"), (2, "塑料周转箱", 10.0, "pcs", "USD")]
    table, _ = result.layouts[0]
    assert any("sub-headers under the merged header cells of row 8" in n for n in table.notes)


def test_merged_header_cell_joins_its_columns(tmp_path: Path) -> None:
    cells = [("A1", "id"), ("B1", "date"), ("C1", "exporter"), ("D1", "consignee"), ("E1", "destination"),
             ("F1", "单价/总价/币制"),
             ("A2", "S-1"), ("B2", "2026-03-02"), ("C2", "E"), ("D2", "C"), ("E2", "JP"), ("F2", 2.5), ("G2", 25),
             ("H2", "美元")]
    (s,) = load_shipments(book(tmp_path / "m.xlsx", {"S": cells}, {"S": ["F1:H1"]})).shipments
    assert (s.lines[0].unit_price, s.lines[0].value, s.lines[0].currency) == (2.5, 25.0, "USD")


def test_title_row_and_blank_rows_above_a_flat_table(tmp_path: Path) -> None:
    cells = [("A1", "出口明细表 2026年3月"), ("A3", "货运编号"), ("B3", "日期"), ("C3", "出口商"), ("D3", "收货人"),
             ("E3", "目的国"), ("F3", "品名"), ("A4", "S-1"), ("B4", "2026/3/2"), ("C4", "E"), ("D4", "C"), ("E4", "日本"),
             ("F4", "bolts"), ("A6", "S-2"), ("B6", "2026/3/3"), ("C6", "E"), ("D6", "C2"), ("E6", "美国"), ("F6", "nuts")]
    result = load_shipments(book(tmp_path / "t.xlsx", {"明细": cells}, {"明细": ["A1:F1"]}))
    assert [(s.id, s.destination_country) for s in result.shipments] == [("S-1", "JP"), ("S-2", "US")]
    assert result.locations == {"S-1": [4], "S-2": [6]}
    table, _ = result.layouts[0]
    assert (table.layout, table.title, table.header_row) == ("table", "出口明细表 2026年3月", 3)


# --- several documents of one shipment --------------------------------------------------------

def _two_documents(destination_on_invoice: str, invoice_lines: int = 1) -> dict[str, list[tuple[str, Any]]]:
    declaration = [("A1", "报关单"), ("A2", "预录入编号：P-1"), ("A3", "境内发货人：宁波磁业贸易有限公司"),
                   ("A4", "境外收货人：Osaka Motor Parts K.K."), ("A5", "出口日期：2026-03-02"), ("A6", "最终目的国：日本"),
                   ("A8", "项号"), ("B8", "商品编号"), ("C8", "商品名称"), ("D8", "数量及单位"),
                   ("A9", 1), ("B9", "8505111000"), ("C9", "钕铁硼磁体"), ("D9", "100千克")]
    invoice = [("A1", "INVOICE"), ("A2", "Invoice No.: INV-1"), ("A3", f"Destination: {destination_on_invoice}"),
               ("A4", "End use: motors for air conditioners"),
               ("A6", "Description"), ("B6", "Control Code"), ("C6", "Quantity"), ("D6", "Amount")]
    for i in range(invoice_lines):
        invoice += [(f"A{7 + i}", "NdFeB magnets"), (f"B{7 + i}", "1C904.a.1"), (f"C{7 + i}", "100 kg"),
                    (f"D{7 + i}", "USD 5000")]
    return {"报关单": declaration, "发票": invoice}


def test_documents_merge_into_one_shipment(tmp_path: Path) -> None:
    (s,) = load_shipments(book(tmp_path / "two.xlsx", _two_documents("Japan"))).shipments
    assert (s.id, s.end_use, s.destination_country) == ("P-1", "motors for air conditioners", "JP")
    (line,) = s.lines
    assert (line.description, line.hs_code, line.control_code, line.value, line.currency) == (
        "钕铁硼磁体 / NdFeB magnets", "8505111000", "1C904.a.1", 5000.0, "USD")


def test_documents_that_disagree_on_the_destination_are_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        load_shipments(book(tmp_path / "two.xlsx", _two_documents("Korea")))
    (item,) = info.value.issues
    assert item.message == (
        "the documents disagree on the destination country: sheet '报关单' (declaration) row 6 \"报关单: 最终目的国\" "
        "says 'JP'; sheet '发票' (invoice) row 3 \"发票: Destination\" says 'KR'; correct the documents so they agree "
        "(dualuse does not choose one)")


def test_documents_with_different_goods_lines_are_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"the documents list a different number of goods lines \(sheet '报关单' "
                                         r"\(declaration\): 1, sheet '发票' \(invoice\): 2\)"):
        load_shipments(book(tmp_path / "two.xlsx", _two_documents("Japan", invoice_lines=2)))


def test_one_sheet_of_the_workbook(tmp_path: Path) -> None:
    (s,) = load_shipments(book(tmp_path / "two.xlsx", _two_documents("Korea")), sheet="报关单").shipments
    assert s.destination_country == "JP" and s.lines[0].control_code is None


# --- the errors that remain errors ------------------------------------------------------------

def test_missing_required_field_in_a_form(tmp_path: Path) -> None:
    docs = _two_documents("Japan")
    docs["报关单"] = [c for c in docs["报关单"] if not str(c[1]).startswith("最终目的国")]
    docs["发票"] = [c for c in docs["发票"] if not str(c[1]).startswith("Destination")]
    with pytest.raises(InputError) as info:
        load_shipments(book(tmp_path / "two.xlsx", docs))
    (item,) = info.value.issues
    assert item.message.startswith('no column for destination: add one headed "destination", "目的国"')
    assert "运抵国, the country of arrival, is not taken as the destination" in item.message


def test_unreadable_values_in_a_form_name_sheet_cell_row(tmp_path: Path) -> None:
    docs = _two_documents("Japan")
    docs["报关单"] = [(r, "出口日期：02/03/2026" if str(v).startswith("出口日期") else v) for r, v in docs["报关单"]]
    docs["发票"] = [(r, "USD 5000 ¥" if v == "USD 5000" else v) for r, v in docs["发票"]]
    path = book(tmp_path / "two.xlsx", docs)
    with pytest.raises(InputError) as info:
        load_shipments(path)
    got = [(i.row, i.column, i.value) for i in info.value.issues]
    assert got == [(5, "报关单: 出口日期", "02/03/2026"), (7, "发票: Amount", "USD 5000 ¥")]
    assert "could be day/month or month/day" in info.value.issues[0].message
    (s,) = load_shipments(path, date_order="dmy", sheet="报关单").shipments
    assert s.date == dt.date(2026, 3, 2)


def test_header_only_form_and_empty_sheet(tmp_path: Path) -> None:
    cells = [("A1", "Invoice No.: X"), ("A2", "Date: 2026-03-02"), ("A3", "Seller: E"), ("A4", "Consignee: C"),
             ("A5", "Destination: JP"), ("A7", "Description"), ("B7", "Quantity")]
    with pytest.raises(InputError, match="no goods lines below the goods table's header"):
        load_shipments(book(tmp_path / "h.xlsx", {"Invoice": cells}))
    with pytest.raises(InputError, match="sheet 'Empty' is empty"):
        load_shipments(book(tmp_path / "e.xlsx", {"Empty": []}))


def test_party_name_registration_code_is_kept_apart(tmp_path: Path) -> None:
    path = csv_file(tmp_path / "c.csv", ["预录入编号", "出口日期", "境内发货人", "境外收货人", "最终目的国", "商品名称"],
                    [["P-1", "2026-03-02", "(91330200MA2AXXXX1Y)宁波磁业贸易有限公司", "C", "日本", "bolts"]])
    (s,) = load_shipments(path).shipments
    assert s.exporter.name == "宁波磁业贸易有限公司" and s.documents["exporter_code"] == "91330200MA2AXXXX1Y"

"""The documents users already have, screened as they come (``examples/documents/``).

One fixture per kind of document - a declaration form sheet, a flattened
declaration, an invoice, a packing list, the four documents of one shipment
in one workbook, a Japanese Shift-JIS purchase order with 和暦 dates and an
ERP export with extra columns - each read and screened end to end with the
verdict a compliance officer expects.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from dualuse.decision.screen import Screener
from dualuse.input import load_shipments
from dualuse.input.headers import load_vocabulary
from dualuse.input.mapping import load_mapping

DOCS = Path(__file__).resolve().parents[2] / "examples" / "documents"


def _generator() -> ModuleType:
    name = "dualuse_examples_make_documents"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, DOCS / "make_documents.py")
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener()


def screen(screener: Screener, name: str, **kwargs):
    loaded = load_shipments(DOCS / name, **kwargs)
    return loaded, {s.id: screener.screen(s) for s in loaded.shipments}


def test_documents_are_current() -> None:
    for name, data in _generator().build().items():
        assert (DOCS / name).read_bytes() == data, f"{name} is stale: run examples/documents/make_documents.py"


# --- the declaration as a form sheet -------------------------------------------------------

def test_declaration_form_is_read_as_one_shipment() -> None:
    loaded = load_shipments(DOCS / "declaration_form.xlsx")
    (s,) = loaded.shipments
    assert loaded.unmapped == []  # every label of the 2018 form is known
    assert s.id == "020220260000318451"  # 预录入编号 "预录入编号：…" in one cell
    assert s.date == dt.date(2026, 3, 2)  # 出口日期 2026/3/2 (申报日期 20260301 is kept as a document date)
    assert s.documents["declaration_date"] == "2026-03-01"
    assert s.exporter.name == "包头金山磁材有限公司" and s.documents["exporter_code"] == "91150200MA0N7K3X2B"
    assert s.consignee.name == "三菱重工航空エンジン株式会社"
    assert s.producer is not None and s.producer.name == "内蒙古北方稀土冶炼有限公司"
    assert (s.arrival_country, s.trade_country, s.destination_country) == ("JP", "JP", "JP")  # JPN, 日本, 日本
    assert s.licence_number is None and s.end_user is None and s.end_use == ""
    (line,) = s.lines
    assert (line.line, line.hs_code, line.description) == (1, "2805301200", "金属镝")
    assert line.specification == "3|0|镝|纯度≥99.9%|块状|无品牌|无型号"
    assert (line.quantity, line.unit) == (500.0, "kg")                       # 数量及单位 500千克
    assert (line.unit_price, line.value, line.currency) == (97.0, 48500.0, "USD")  # 单价/总价/币制 over 3 merged cells
    assert (line.origin_country, line.domestic_source) == ("CN", "包头市")
    assert line.extra == {"征免": "照章征税", "数量及单位 (2)": "500 kg"}
    assert s.extra["运输方式"] == "水路运输" and s.extra["毛重（千克）"] == "520" and s.extra["申报单位"] == "包头金山磁材有限公司"


def test_declaration_without_end_use_says_so(screener: Screener) -> None:
    _, decisions = screen(screener, "declaration_form.xlsx")
    (decision,) = decisions.values()
    assert [h.role for h in decision.hits if h.list == "CN-ECL" and h.decision == "match"] == ["consignee"]
    assert decision.declared_licence is None


def test_dysprosium_declaration_to_a_control_list_entity_is_prohibited(screener: Screener) -> None:
    _, decisions = screen(screener, "declaration_form.xlsx")
    (decision,) = decisions.values()
    assert decision.verdict == "PROHIBITED"
    assert any(r.rule_id == "CN-ECL-CONTROL-LIST" and r.verdict == "PROHIBITED" for r in decision.reasons)
    (line,) = decision.lines
    assert line.item.status == "controlled" and line.item.control_code == "1C905.a.1"
    assert "classified from the HS code" in line.item.explanation


def test_dysprosium_declaration_to_a_control_list_entity_is_not_cleared_meanwhile(screener: Screener) -> None:
    """Before the HS code alone classifies the item, the listed consignee still stops the shipment for review."""
    _, decisions = screen(screener, "declaration_form.xlsx")
    (decision,) = decisions.values()
    assert decision.verdict in ("PROHIBITED", "REVIEW")
    assert any(r.rule_id == "CN-ECL-CONTROL-LIST" for r in decision.reasons)


# --- the declaration flattened -------------------------------------------------------------

def test_flattened_declaration(screener: Screener) -> None:
    loaded, decisions = screen(screener, "declaration_flat.csv")
    assert loaded.source.encoding == "gb18030"
    assert loaded.unmapped == []  # 征免 is a known field of the form, kept as written
    assert [s.id for s in loaded.shipments] == ["020220260000318452", "020220260000318453"]
    first, second = loaded.shipments
    assert (first.date, second.date) == (dt.date(2026, 3, 5), dt.date(2026, 3, 10))  # 2026/3/5, 2026年3月10日
    assert second.arrival_country == "JP" and second.trade_country == "JP"  # customs code 116, JPN
    assert [ln.origin_country for ln in second.lines] == ["CN", "CN"]       # customs code 142
    assert (first.lines[0].quantity, first.lines[0].unit, first.lines[0].unit_price) == (1200.0, "pcs", 2.5)
    assert decisions["020220260000318452"].verdict == "NOT_CONTROLLED"
    # dysprosium metal by HS code, no end user and no end use on the declaration: review either way
    assert decisions["020220260000318453"].verdict == "REVIEW"
    assert [ln.verdict for ln in decisions["020220260000318453"].lines] == ["REVIEW", "NOT_CONTROLLED"]


# --- invoice, packing list, the four documents of one shipment ----------------------------

def test_invoice_with_licence_number(screener: Screener) -> None:
    loaded, decisions = screen(screener, "invoice.xlsx")
    (s,) = loaded.shipments
    assert (s.id, s.date) == ("JS-INV-2026-0088", dt.date(2026, 3, 1))  # Invoice No., 日期 Date (2026年3月1日)
    assert s.consignee.name == s.end_user.name == "TDK株式会社" and s.exporter.name == "包头金山磁材有限公司"
    assert s.lines[0].control_code == "1C904.a.1" and s.lines[0].origin_country == "CN"
    decision = decisions["JS-INV-2026-0088"]
    assert decision.verdict == "LICENSE_REQUIRED"
    assert decision.licence is not None and decision.licence.allowed == ["individual"]  # watch list
    assert decision.declared_licence == "26DL0012345"
    assert decision.licence_check.startswith("licence 26DL0012345 is declared: check it is a MOFCOM dual-use export "
                                             "licence (individual) covering line 1")
    assert "input: exporter taken from the seller (包头金山磁材有限公司)" in decision.warnings


def test_packing_list(screener: Screener) -> None:
    loaded, decisions = screen(screener, "packing_list.xlsx")
    (s,) = loaded.shipments
    assert (s.id, s.date, s.destination_country) == ("JS-PL-2026-0412", dt.date(2026, 4, 12), "JP")
    assert s.lines[0].extra == {"箱号 Carton No.": "1-10", "净重 N.W. (kg)": "480", "毛重 G.W. (kg)": "500",
                                "尺码 Measurement": "1.2 CBM"}
    assert decisions["JS-PL-2026-0412"].verdict == "NOT_CONTROLLED"
    assert decisions["JS-PL-2026-0412"].lines[0].extra["净重 N.W. (kg)"] == "480"


def test_the_four_documents_of_one_shipment_are_merged(screener: Screener) -> None:
    loaded, decisions = screen(screener, "shipment_documents.xlsx")
    (s,) = loaded.shipments
    assert s.id == "020220260000318451"  # the declaration's number wins over the invoice's
    (line,) = s.lines
    assert line.control_code == "1C905.a.1"          # from the invoice and the contract
    assert line.hs_code == "2805301200"               # from the declaration, the invoice and the packing list
    assert line.description == "金属镝 Dysprosium metal"  # the declaration's 金属镝 is part of the invoice's words
    assert (line.quantity, line.unit, line.value) == (500.0, "kg", 48500.0)
    assert s.documents["invoice_number"] == "JS-INV-2026-0301" and s.documents["contract_date"] == "2026-02-20"
    assert s.notes[0].startswith("read as one shipment from 4 documents: sheet '报关草单' (declaration), "
                                 "sheet '发票' (invoice), sheet '装箱单' (packing list), sheet '合同' (contract)")
    assert any("unit: sheet '装箱单' (packing list) gives 'pcs', 'kg'" in n for n in s.notes)
    decision = decisions[s.id]
    assert decision.verdict == "PROHIBITED"
    assert {(h.role, h.name) for h in decision.hits if h.decision == "match"} >= {
        ("consignee", "Mitsubishi Heavy Industries Aero Engines, Ltd."),
        ("end_user", "Mitsubishi Heavy Industries Aero Engines, Ltd.")}


# --- a Japanese buyer's orders, Shift-JIS, 和暦 ------------------------------------------------

def test_japanese_purchase_orders(screener: Screener) -> None:
    loaded, decisions = screen(screener, "order_sjis.csv")
    assert loaded.source.encoding == "cp932"
    ihi, tokyo = loaded.shipments
    assert ihi.id == "PO-R8-0302"
    assert ihi.documents["order_date"] == "2026-03-02"   # 令和8年3月2日
    assert ihi.documents["delivery_date"] == "2026-04-15"  # R8.4.15
    assert ihi.date == dt.date(2026, 4, 15)
    assert "shipment date taken from the delivery date (2026-04-15): the document gives no export date" in ihi.notes
    assert ihi.consignee.name == "株式会社IHIエアロスペース" and ihi.exporter.name == "包頭金山磁材有限公司"
    assert (ihi.lines[0].quantity, ihi.lines[0].unit, ihi.lines[0].currency) == (800.0, "kg", "JPY")
    assert ihi.lines[0].extra == {"備考": "至急", "担当者": "佐藤"}
    assert tokyo.date == dt.date(2026, 4, 30) and tokyo.end_user is None   # 令和8年4月30日
    assert decisions["PO-R8-0302"].verdict == "PROHIBITED"
    assert decisions["PO-R8-0311"].verdict == "NOT_CONTROLLED"


# --- an ERP export with extra columns ----------------------------------------------------

def test_erp_export_needs_its_mapping() -> None:
    from dualuse.input import InputError

    with pytest.raises(InputError) as info:
        load_shipments(DOCS / "erp_export.csv")
    assert [i.message.split(":")[0] for i in info.value.issues] == ["no column for exporter", "no column for destination"]


def test_erp_export_with_mapping(screener: Screener) -> None:
    mapping = load_mapping(DOCS / "erp_mapping.yaml")
    loaded, decisions = screen(screener, "erp_export.csv", vocabulary=mapping.apply(load_vocabulary()),
                               date_order=mapping.date_order)
    first, second = loaded.shipments
    assert (first.id, first.date) == ("90012871", dt.date(2026, 3, 13))  # Billing Document, Billing Date 13/03/2026
    assert first.exporter.name == "包头金山磁材有限公司" and first.exporter.country == "CN"  # mapping defaults
    assert first.destination_country == "JP"                              # Ship-to Country JPN
    assert [(p.name, p.role) for p in first.intermediaries] == [("Shanghai Oriental Magnet Trading Co., Ltd.", "buyer")]
    assert second.intermediaries == []  # sold-to and ship-to are the same company
    assert first.lines[0].extra == {"Sales Org.": "CN10", "Material": "MAT-NDFEB-045", "Incoterms": "FOB",
                                    "Plant": "BT01", "Created By": "LIWEI"}
    assert {u for u, _ in loaded.unmapped} == set()  # the SAP fields are known and kept
    assert decisions["90012871"].verdict == "LICENSE_REQUIRED"
    assert decisions["90012872"].verdict == "NOT_CONTROLLED"
    assert decisions["90012871"].lines[0].extra["Plant"] == "BT01"

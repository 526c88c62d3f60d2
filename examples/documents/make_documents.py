"""Write the example shipping documents in ``examples/documents/``.

The documents a shipment already exists as, laid out the way exporters and
buyers keep them (the parties are real list entries or invented companies;
the goods use real control and HS codes):

* ``declaration_form.xlsx``: a Chinese export customs declaration (2018 form)
  kept in Excel: title row, header block of labels and values, goods table
  with merged header cells and composite cells (数量及单位, 单价/总价/币制,
  商品名称及规格型号), signatures below;
* ``declaration_flat.csv`` (GB18030): declarations flattened by a customs
  broker's system, one row per goods line with the form's own labels;
* ``invoice.xlsx``: a commercial invoice with bilingual labels (卖方 Seller ...);
* ``packing_list.xlsx``: a packing list;
* ``shipment_documents.xlsx``: one shipment's 发票, 装箱单, 合同 and 报关草单
  sheets (read as one shipment);
* ``order_sjis.csv`` (Shift-JIS): a Japanese buyer's purchase orders with
  和暦 dates (令和8年3月2日);
* ``erp_export.csv``: an ERP (SAP-style) billing export with columns dualuse
  does not read.

Run from the repository root (output is byte-identical on every run)::

    .venv/bin/python examples/documents/make_documents.py
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.styles import Alignment, Font

HERE = Path(__file__).resolve().parent

EXPORTER = "包头金山磁材有限公司"
EXPORTER_CODE = "(91150200MA0N7K3X2B)"
PRODUCER = "内蒙古北方稀土冶炼有限公司"
MHI_AERO = "三菱重工航空エンジン株式会社"   # on the control list (MOFCOM 2026 No. 11)
TDK = "TDK株式会社"                        # on the watch list (MOFCOM 2026 No. 12)
TOKYO_PARTS = "東京精密部品株式会社"        # invented, not listed
IHI_AERO = "株式会社IHIエアロスペース"       # on the control list
EXPORTER_JA = "包頭金山磁材有限公司"          # the exporter as a Japanese buyer writes it (頭, not 头)


def _pinned(wb: openpyxl.Workbook) -> bytes:
    fixed = dt.datetime(2026, 1, 1)
    wb.properties.created = fixed
    wb.properties.modified = fixed
    raw = io.BytesIO()
    wb.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2026-01-01T00:00:00Z", body)
            pinned = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            pinned.compress_type = zipfile.ZIP_DEFLATED
            pinned.external_attr = info.external_attr
            dst.writestr(pinned, body)
    return out.getvalue()


def _put(ws: Any, ref: str, value: Any, *, merge: str | None = None, bold: bool = False) -> None:
    ws[ref] = value
    if bold:
        ws[ref].font = Font(bold=True)
    if isinstance(value, str) and "\n" in value:
        ws[ref].alignment = Alignment(wrap_text=True, vertical="top")
    if merge:
        ws.merge_cells(f"{ref}:{merge}")


# --- the customs declaration as a form ----------------------------------------------------

def declaration_sheet(ws: Any, *, consignee: str, pre_entry: str, licence: str = "", draft: bool = False) -> None:
    """A 2018 export declaration: labels above their values, the goods table below."""
    _put(ws, "A1", "中华人民共和国海关出口货物报关单" + ("（草单）" if draft else ""), merge="L1", bold=True)
    _put(ws, "A2", f"预录入编号：{pre_entry}", merge="E2")
    _put(ws, "G2", "海关编号：", merge="H2")
    _put(ws, "I2", "页码/页数：1/1", merge="L2")
    header_block = [
        (("A", "C", "境内发货人"), ("D", "E", "出境关别"), ("F", "G", "出口日期"), ("H", "I", "申报日期"), ("J", "L", "备案号")),
        ((f"{EXPORTER_CODE}{EXPORTER}",), ("包头海关",), ("2026/3/2",), (20260301,), ("",)),
        (("A", "C", "境外收货人"), ("D", "E", "运输方式"), ("F", "G", "运输工具名称及航次号"), ("H", "I", "提运单号"), ("J", "L", "货物存放地点")),
        ((consignee,), ("水路运输",), ("MOL EXPRESS/0306E",), ("MOLU26030612",), ("天津港",)),
        (("A", "C", "生产销售单位"), ("D", "E", "监管方式"), ("F", "G", "征免性质"), ("H", "I", "许可证号"), ("J", "L", "启运港")),
        ((PRODUCER,), ("一般贸易",), ("一般征税",), (licence,), ("天津新港",)),
        (("A", "C", "合同协议号"), ("D", "E", "贸易国（地区）"), ("F", "G", "运抵国（地区）"), ("H", "I", "指运港"), ("J", "L", "离境口岸")),
        (("JSC-2026-0301",), ("日本",), ("JPN",), ("名古屋",), ("天津新港",)),
        (("A", "B", "包装种类"), ("C", "C", "件数"), ("D", "E", "毛重（千克）"), ("F", "G", "净重（千克）"), ("H", "I", "成交方式"), ("J", "L", "运费")),
        (("铁桶",), (10,), (520,), (500,), ("FOB",), ("",)),
    ]
    row = 3
    for index, cells in enumerate(header_block):
        if index % 2 == 0:
            labels = cells
            for first, last, text in labels:
                _put(ws, f"{first}{row}", text, merge=f"{last}{row}" if last != first else None)
        else:
            for (first, last, _), (value,) in zip(labels, cells, strict=True):
                if value != "":
                    _put(ws, f"{first}{row}", value, merge=f"{last}{row}" if last != first else None)
        row += 1
    _put(ws, f"A{row}", "标记唛码及备注：N/M", merge=f"L{row}")
    row += 1
    goods_header = row
    for ref, text, merge in (("A", "项号", None), ("B", "商品编号", None), ("C", "商品名称及规格型号", "D"),
                             ("E", "数量及单位", None), ("F", "单价/总价/币制", "H"), ("I", "原产国（地区）", None),
                             ("J", "最终目的国（地区）", None), ("K", "境内货源地", None), ("L", "征免", None)):
        _put(ws, f"{ref}{row}", text, merge=f"{merge}{row}" if merge else None, bold=True)
    row += 1
    for ref, value in (("A", 1), ("B", "2805301200"),
                       ("C", "金属镝\n3|0|镝|纯度≥99.9%|块状|无品牌|无型号"), ("E", "500千克\n500千克"),
                       ("F", 97), ("G", 48500), ("H", "美元"), ("I", "中国"), ("J", "日本"), ("K", "包头市"),
                       ("L", "照章征税")):
        _put(ws, f"{ref}{row}", value)
    row += 2
    assert row > goods_header
    _put(ws, f"A{row}", "报关人员：王明", merge=f"C{row}")
    _put(ws, f"D{row}", "报关人员证号：15020001", merge=f"F{row}")
    _put(ws, f"G{row}", "兹申明对以上内容承担如实申报、依法纳税之法律责任", merge=f"L{row}")
    row += 1
    _put(ws, f"A{row}", f"申报单位：{EXPORTER}", merge=f"F{row}")
    _put(ws, f"G{row}", "海关批注及签章", merge=f"L{row}")
    for col, width in zip("ABCDEFGHIJKL", (8, 14, 20, 10, 12, 10, 10, 10, 12, 12, 10, 10), strict=True):
        ws.column_dimensions[col].width = width


def declaration_form() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "报关单"
    declaration_sheet(ws, consignee=MHI_AERO, pre_entry="020220260000318451")
    return _pinned(wb)


# --- the declaration flattened, one row per goods line ------------------------------------

FLAT_HEADERS = ["预录入编号", "出口日期", "境内发货人", "境外收货人", "运抵国(地区)", "贸易国(地区)", "项号", "商品编号",
                "商品名称及规格型号", "数量及单位", "单价/总价/币制", "原产国（地区）", "最终目的国（地区）", "境内货源地",
                "生产销售单位", "许可证号", "征免"]


def declaration_flat() -> bytes:
    rows = [
        # plastic crates to an unlisted company: not controlled
        ["020220260000318452", "2026/3/5", EXPORTER, TOKYO_PARTS, "日本", "日本", "1", "3923100000",
         "塑料周转箱\n聚丙烯|600×400×300mm", "1,200个", "2.5/3000/美元", "中国", "日本", "包头市", PRODUCER, "", "照章征税"],
        # dysprosium metal by HS code only, no end use on a declaration: review
        ["020220260000318453", "2026年3月10日", EXPORTER, TOKYO_PARTS, "116", "JPN", "1", "2805301200",
         "金属镝\n纯度≥99.9%|块状", "50千克", "101/5050/USD", "142", "116", "包头市", PRODUCER, "", "照章征税"],
        ["020220260000318453", "2026年3月10日", EXPORTER, TOKYO_PARTS, "116", "JPN", "2", "3923100000",
         "塑料周转箱", "10个", "2.5/25/USD", "142", "116", "包头市", PRODUCER, "", "照章征税"],
    ]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(FLAT_HEADERS)
    writer.writerows(rows)
    return buffer.getvalue().encode("gb18030")


# --- invoice, packing list, contract as forms ----------------------------------------------

def invoice_sheet(ws: Any, *, consignee: str, number: str, code: str, licence: str | None, end_use: str,
                  description: str, quantity: float, price: float) -> None:
    _put(ws, "A1", "包头金山磁材有限公司 BAOTOU JINSHAN MAGNETIC MATERIALS CO., LTD.", merge="H1", bold=True)
    _put(ws, "A2", "商业发票 COMMERCIAL INVOICE", merge="H2", bold=True)
    rows = [
        ("卖方 Seller:", f"{EXPORTER}", "发票号 Invoice No.:", number),
        ("买方 Buyer:", consignee, "日期 Date:", "2026年3月1日"),
        ("收货人 Consignee:", consignee, "合同号 Contract No.:", "JSC-2026-0301"),
        ("最终用户 End User:", consignee, "目的国 Destination:", "Japan"),
        ("最终用途 End Use:", end_use, "许可证号 Licence No.:", licence or ""),
    ]
    for offset, (l1, v1, l2, v2) in enumerate(rows, start=4):
        _put(ws, f"A{offset}", l1)
        _put(ws, f"B{offset}", v1, merge=f"D{offset}")
        _put(ws, f"E{offset}", l2)
        if v2:
            _put(ws, f"F{offset}", v2, merge=f"H{offset}")
    header = 10
    for col, text in zip("ABCDEFGH", ("序号 No.", "品名 Description", "管制编码 Control Code", "HS Code", "数量 Quantity",
                                      "单位 Unit", "单价 Unit Price", "金额 Amount (USD)"), strict=True):
        _put(ws, f"{col}{header}", text, bold=True)
    for col, value in zip("ABCDEFGH", (1, description, code, "2805301200" if code.startswith("1C905") else "8505111000",
                                       quantity, "KGS", price, quantity * price), strict=True):
        _put(ws, f"{col}{header + 1}", value)
    _put(ws, f"A{header + 2}", "合计 TOTAL")
    _put(ws, f"H{header + 2}", quantity * price)
    _put(ws, f"A{header + 4}", "原产地 Country of Origin: 中国 China", merge=f"H{header + 4}")


def invoice() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Invoice"
    invoice_sheet(ws, consignee=TDK, number="JS-INV-2026-0088", code="1C904.a.1", licence="26DL0012345",
                  end_use="電子部品用フェライト・磁性材料の製造（民生用）", description="钕铁硼速凝薄片 NdFeB strip cast alloy",
                  quantity=200, price=65.0)
    return _pinned(wb)


def packing_sheet(ws: Any, *, consignee: str, description: str, quantity: float, hs_code: str,
                  with_header: bool = True) -> None:
    _put(ws, "A1", "装箱单 PACKING LIST", merge="G1", bold=True)
    if with_header:
        _put(ws, "A3", "发货人 Shipper:")
        _put(ws, "B3", EXPORTER, merge="D3")
        _put(ws, "E3", "装箱单号 Packing List No.:")
        _put(ws, "F3", "JS-PL-2026-0412", merge="G3")
        _put(ws, "A4", "收货人 Consignee:")
        _put(ws, "B4", consignee, merge="D4")
        _put(ws, "E4", "日期 Date:")
        _put(ws, "F4", dt.datetime(2026, 4, 12), merge="G4")
        ws["F4"].number_format = "yyyy-mm-dd"
        _put(ws, "A5", "目的地 Destination:")
        _put(ws, "B5", "日本", merge="D5")
    header = 7
    for col, text in zip("ABCDEFGH", ("箱号 Carton No.", "品名 Description", "HS编码 HS Code", "数量 Quantity",
                                      "单位 Unit", "净重 N.W. (kg)", "毛重 G.W. (kg)", "尺码 Measurement"), strict=True):
        _put(ws, f"{col}{header}", text, bold=True)
    for col, value in zip("ABCDEFGH", ("1-10", description, hs_code, quantity, "件", 480, 500, "1.2 CBM"), strict=True):
        _put(ws, f"{col}{header + 1}", value)
    _put(ws, f"A{header + 2}", "TOTAL")
    _put(ws, f"D{header + 2}", quantity)


def packing_list() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "装箱单"
    packing_sheet(ws, consignee=TOKYO_PARTS, description="办公椅 Office chairs", quantity=40, hs_code="9401300000")
    return _pinned(wb)


def contract_sheet(ws: Any, *, consignee: str) -> None:
    _put(ws, "A1", "销售合同 SALES CONTRACT", merge="F1", bold=True)
    _put(ws, "A3", "合同号 Contract No.: JSC-2026-0301", merge="C3")
    _put(ws, "D3", "签订日期 Date: 2026-02-20", merge="F3")
    _put(ws, "A4", f"卖方 Seller: {EXPORTER}", merge="F4")
    _put(ws, "A5", f"买方 Buyer: {consignee}", merge="F5")
    header = 7
    for col, text in zip("ABCDEF", ("序号", "品名", "管制编码", "数量", "单价", "总价"), strict=True):
        _put(ws, f"{col}{header}", text, bold=True)
    for col, value in zip("ABCDEF", (1, "金属镝 Dysprosium metal", "1C905.a.1", "500千克", 97, "48,500美元"), strict=True):
        _put(ws, f"{col}{header + 1}", value)
    _put(ws, f"A{header + 3}", "交货条款：FOB 天津新港", merge="F{0}".format(header + 3))


def shipment_documents() -> bytes:
    """The issue's workbook: 发票, 装箱单, 合同, 报关草单 of one shipment, read as one shipment."""
    wb = openpyxl.Workbook()
    inv = wb.active
    inv.title = "发票"
    invoice_sheet(inv, consignee=MHI_AERO, number="JS-INV-2026-0301", code="1C905.a.1", licence=None,
                  end_use="航空エンジン部品用磁石の製造", description="金属镝 Dysprosium metal", quantity=500, price=97.0)
    packing_sheet(wb.create_sheet("装箱单"), consignee=MHI_AERO, description="金属镝 Dysprosium metal", quantity=500,
                  hs_code="2805301200")
    contract_sheet(wb.create_sheet("合同"), consignee=MHI_AERO)
    declaration_sheet(wb.create_sheet("报关草单"), consignee=MHI_AERO, pre_entry="020220260000318451", draft=True)
    return _pinned(wb)


# --- a Japanese buyer's purchase orders (Shift-JIS CSV) ---------------------------------------

ORDER_HEADERS = ["注文番号", "注文日", "納期", "発注者", "発注者住所", "発注先", "仕向地", "最終需要者", "使用目的",
                 "行番号", "品名・仕様", "中国管制番号", "HSコード", "数量", "単位", "単価", "金額", "通貨", "原産国", "備考",
                 "担当者"]


def order_sjis() -> bytes:
    rows = [
        ["PO-R8-0302", "令和8年3月2日", "R8.4.15", IHI_AERO, "群馬県富岡市", EXPORTER_JA, "日本", IHI_AERO,
         "ロケットモーターケース用治具の製作", "1", "タングステン重合金棒 W≧97% φ120mm", "1C117.c", "8101999001",
         "800", "キログラム", "9,800", "7,840,000", "円", "中国", "至急", "佐藤"],
        ["PO-R8-0311", "令和8年3月11日", "令和8年4月30日", TOKYO_PARTS, "東京都大田区", EXPORTER_JA, "日本", "",
         "社内物流用", "1", "プラスチック製通い箱", "", "392310", "40", "個", "1,500", "60,000", "円", "中国", "",
         "鈴木"],
    ]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(ORDER_HEADERS)
    writer.writerows(rows)
    return buffer.getvalue().encode("cp932")


# --- an ERP billing export with columns dualuse does not read ---------------------------------

ERP_HEADERS = ["Billing Document", "Billing Date", "Sales Org.", "Sold-To Party", "Ship-To Party", "Ship-to Country",
               "Material", "Material Description", "Export Control Code", "Commodity Code", "Country of Origin",
               "Order Quantity", "Sales Unit", "Net Value", "Document Currency", "Incoterms", "Plant", "Intended Use",
               "Created By"]


def erp_export() -> bytes:
    rows = [
        ["90012871", "13/03/2026", "CN10", "Shanghai Oriental Magnet Trading Co., Ltd.", TOKYO_PARTS, "JPN",
         "MAT-NDFEB-045", "NdFeB strip cast alloy", "1C904.a.1", "8505111000", "CN", "1,000", "KG", "52,000.00",
         "USD", "FOB", "BT01", "Motors for household air conditioners", "LIWEI"],
        ["90012872", "16/03/2026", "CN10", TOKYO_PARTS, TOKYO_PARTS, "Japan", "MAT-CRATE-01",
         "Plastic packing crates", "", "3923100000", "China", "200", "PC", "600.00", "USD", "FOB", "BT01",
         "Warehouse logistics", "LIWEI"],
    ]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(ERP_HEADERS)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


FILES = {
    "declaration_form.xlsx": declaration_form,
    "declaration_flat.csv": declaration_flat,
    "invoice.xlsx": invoice,
    "packing_list.xlsx": packing_list,
    "shipment_documents.xlsx": shipment_documents,
    "order_sjis.csv": order_sjis,
    "erp_export.csv": erp_export,
}


def build() -> dict[str, bytes]:
    """Every document: file name -> bytes."""
    return {name: make() for name, make in FILES.items()}


def main() -> None:
    for name, data in build().items():
        (HERE / name).write_bytes(data)
        print(f"wrote examples/documents/{name} ({len(data)} bytes)")


if __name__ == "__main__":
    main()

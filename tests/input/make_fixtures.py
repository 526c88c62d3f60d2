"""Generate the input-stage test fixtures in ``tests/input/fixtures/``.

Run from the repository root::

    .venv/bin/python tests/input/make_fixtures.py

The output is deterministic (XLSX timestamps are pinned), so re-running it
gives byte-identical files. The same two shipments (``SHIPMENTS``) are written
as JSON Lines, a JSON array, CSV in UTF-8 / UTF-8 with BOM / GB18030 /
Shift-JIS (CP932) with English / traditional Chinese / simplified Chinese /
Japanese headers, TSV and XLSX; then one malformed file per kind of problem.
The text content is chosen to be encodable in CP932 as well as GB18030.

The tests import ``SHIPMENTS``, ``HEADERS``, ``flat_rows`` and the expected
error positions from this module.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import zipfile
from pathlib import Path
from typing import Any

# the standard library XML writer, whether or not lxml is installed (same bytes everywhere; see tests/conftest.py)
os.environ.setdefault("OPENPYXL_LXML", "False")

FIXTURES = Path(__file__).resolve().parent / "fixtures"

SHIPMENTS: list[dict[str, Any]] = [
    {
        "id": "S-101",
        "date": "2026-03-02",
        "exporter": {"name": "Baotou Jinshan Magnetic Materials Co., Ltd.", "country": "CN",
                     "address": "Baotou, Inner Mongolia"},
        "consignee": {"name": "三菱重工航空エンジン株式会社", "country": "JP", "address": "愛知県小牧市"},
        "end_user": None,
        "intermediaries": [],
        "destination_country": "JP",
        "end_use": "航空エンジン部品用磁石の製造",
        "lines": [
            {"line": 1, "description": "金属ジスプロシウム / Dysprosium metal, 99.9% min.",
             "control_code": "1C905.a.1", "hs_code": "2805301200", "origin_country": "CN",
             "china_origin_value_share": None, "quantity": 50, "unit": "kg", "value": 48500.0,
             "currency": "USD", "parameters": {"purity_percent": 99.9}},
        ],
    },
    {
        "id": "S-102",
        "date": "2026-04-15",
        "exporter": {"name": "Jiangxi Ruijin Tungsten Materials Trading Co., Ltd.", "country": "CN",
                     "address": "Ruijin, Jiangxi"},
        "consignee": {"name": "Kintetsu World Express, Inc.", "country": "JP", "address": "Minato-ku, Tokyo"},
        "end_user": {"name": "IHI AEROSPACE CO LTD", "country": "JP", "address": "Tomioka, Gunma"},
        "intermediaries": [{"name": "Kerry Logistics Network Limited", "country": "HK", "role": "forwarder"}],
        "destination_country": "JP",
        "end_use": "Rocket motor case tooling",
        "lines": [
            {"line": 1, "description": "Tungsten heavy alloy bars W>=97%, 120 mm (タングステン合金棒)",
             "control_code": "1C117.c", "hs_code": "8101999001", "origin_country": "CN",
             "china_origin_value_share": None, "quantity": 800, "unit": "kg", "value": 56000.0,
             "currency": "USD"},
            {"line": 2, "description": "Plastic packing crates (プラスチック通い箱)", "control_code": None,
             "hs_code": "392310", "origin_country": "JP", "china_origin_value_share": 0.35, "quantity": 40,
             "unit": "pcs", "value": 600.0, "currency": "USD"},
        ],
    },
]

# canonical flat column -> header, per header language
COLUMNS = [
    "id", "date", "exporter.name", "exporter.country", "exporter.address", "consignee.name",
    "consignee.country", "consignee.address", "end_user.name", "end_user.country", "end_user.address",
    "destination_country", "end_use", "intermediary.name", "intermediary.country", "intermediary.role",
    "lines.line", "lines.description", "lines.control_code", "lines.hs_code", "lines.origin_country",
    "lines.china_origin_value_share", "lines.quantity", "lines.unit", "lines.value", "lines.currency",
    "param.purity_percent",
]
HEADERS: dict[str, list[str]] = {
    "en": ["Shipment ID", "Date", "Exporter", "Exporter Country", "Exporter Address", "Consignee",
           "Consignee Country", "Consignee Address", "End User", "End User Country", "End User Address",
           "Destination", "End Use", "Intermediary 1 Name", "Intermediary 1 Country", "Intermediary 1 Role",
           "Line", "Description", "Control Code", "HS Code", "Origin", "China Origin Share", "Quantity", "Unit",
           "Value", "Currency", "param:purity_percent"],
    "zh": ["货运编号", "发货日期", "出口商", "出口商国家", "出口商地址", "收货人", "收货人国家", "收货人地址",
           "最终用户", "最终用户国家", "最终用户地址", "目的国", "最终用途", "中间商1名称", "中间商1国家",
           "中间商1角色", "序号", "品名", "管制编码", "海关编码", "原产国", "中国原产价值占比", "数量", "单位",
           "金额", "币种", "参数：purity_percent"],
    "zh_hant": ["貨運編號", "發貨日期", "出口商", "出口商國家", "出口商地址", "收貨人", "收貨人國家", "收貨人地址",
                "最終用戶", "最終用戶國家", "最終用戶地址", "目的國", "最終用途", "中間商1名稱", "中間商1國家",
                "中間商1角色", "序號", "貨物名稱", "管制編碼", "海關編碼", "原產國", "中國原產價值佔比", "數量",
                "單位", "金額", "幣種", "參數:purity_percent"],
    "ja": ["出荷番号", "出荷日", "輸出者", "輸出者国", "輸出者住所", "荷受人", "荷受人国", "荷受人住所",
           "最終需要者", "最終需要者国", "最終需要者住所", "仕向地", "最終用途", "仲介者1名", "仲介者1国",
           "仲介者1役割", "行番号", "品名・仕様", "管制コード", "HSコード", "原産国", "中国原産価値比率", "数量",
           "単位", "金額", "通貨", "パラメータ:purity_percent"],
}


def _date_text(iso: str, style: str) -> str:
    d = dt.date.fromisoformat(iso)
    return {"iso": iso, "slash": f"{d.year}/{d.month}/{d.day}", "ja": f"{d.year}年{d.month}月{d.day}日",
            "compact": d.strftime("%Y%m%d")}[style]


def flat_rows(shipments: list[dict[str, Any]], *, date_style: str = "iso", typed: bool = False,
              thousands: bool = False, percent: bool = False) -> list[list[Any]]:
    """One row per item line, in ``COLUMNS`` order.

    Args:
        date_style: ``iso``, ``slash``, ``ja`` or ``compact`` (text dates).
        typed: keep numbers as numbers and dates as ``date`` (for XLSX).
        thousands: write values like ``48,500.00``.
        percent: write the China-origin share as ``35%``.
    """
    rows = []
    for s in shipments:
        eu = s.get("end_user") or {}
        inter = (s.get("intermediaries") or [{}])[0] if s.get("intermediaries") else {}
        for line in s["lines"]:
            share = line.get("china_origin_value_share")
            value = line.get("value")
            if typed:
                date: Any = dt.date.fromisoformat(s["date"])
                share_cell: Any = share
                value_cell: Any = value
                qty: Any = line.get("quantity")
                number: Any = line["line"]
            else:
                date = _date_text(s["date"], date_style)
                share_cell = "" if share is None else (f"{share * 100:g}%" if percent else repr(share))
                value_cell = "" if value is None else (f"{value:,.2f}" if thousands else repr(value))
                qty = "" if line.get("quantity") is None else str(line["quantity"])
                number = str(line["line"])
            params = line.get("parameters") or {}
            rows.append([
                s["id"], date, s["exporter"]["name"], s["exporter"].get("country"),
                s["exporter"].get("address"), s["consignee"]["name"], s["consignee"].get("country"),
                s["consignee"].get("address"), eu.get("name"), eu.get("country"), eu.get("address"),
                s["destination_country"], s.get("end_use"), inter.get("name"), inter.get("country"),
                inter.get("role"), number, line.get("description"), line.get("control_code"),
                line.get("hs_code"), line.get("origin_country"), share_cell, qty, line.get("unit"), value_cell,
                line.get("currency"), params.get("purity_percent"),
            ])
    return rows


def csv_text(header: list[str], rows: list[list[Any]], delimiter: str = ",") -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return buffer.getvalue()


def xlsx_bytes(header: list[str], rows: list[list[Any]], *, sheet: str = "Shipments") -> bytes:
    """A workbook with ``header`` and ``rows``; timestamps pinned so output is reproducible."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(header)
    for row in rows:
        ws.append(row)
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    fixed = dt.datetime(2026, 1, 1)
    wb.properties.created = fixed
    wb.properties.modified = fixed
    raw = io.BytesIO()
    wb.save(raw)
    return _pin_zip(raw.getvalue())


def _pin_zip(data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2026-01-01T00:00:00Z", body)
            pinned = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            pinned.compress_type = zipfile.ZIP_DEFLATED
            pinned.external_attr = info.external_attr
            dst.writestr(pinned, body)
    return out.getvalue()


def _with(shipments: list[dict[str, Any]], sid: str, **changes: Any) -> list[dict[str, Any]]:
    out = json.loads(json.dumps(shipments))
    for s in out:
        if s["id"] == sid:
            for path, value in changes.items():
                target = s
                *parents, last = path.split("__")
                for p in parents:
                    target = target[int(p)] if p.isdigit() else target[p]
                target[last] = value
    return out


# Expected (row, column) of the error in each malformed file; the tests assert these.
MALFORMED: dict[str, list[tuple[int, str | None]]] = {
    "bad_date.csv": [(3, "Date")],
    "missing_party_name.csv": [(3, "Consignee")],
    "unknown_country.csv": [(3, "End User Country")],
    "undecodable.csv": [(3, None)],
    "conflicting.csv": [(4, "Consignee")],
    "not_json.jsonl": [(2, None)],
    "bad_fields.jsonl": [(2, "consignee.name"), (2, "lines[0].hs_code"), (2, "end_user.country")],
    "bad_values.xlsx": [(2, "Date"), (3, "Quantity"), (4, "China Origin Share")],
}


def build() -> dict[str, bytes]:
    """All fixture files: name -> bytes."""
    en, zh, hant, ja = HEADERS["en"], HEADERS["zh"], HEADERS["zh_hant"], HEADERS["ja"]
    files: dict[str, bytes] = {}

    jsonl = []
    for i, s in enumerate(SHIPMENTS):
        obj = dict(s)
        if i == 0:  # the evaluation key must be ignored
            obj["expected"] = {"verdict": "PROHIBITED", "citations": ["MOFCOM 2026 No. 11"]}
        jsonl.append(json.dumps(obj, ensure_ascii=False))
    files["two_shipments.jsonl"] = ("\n".join(jsonl) + "\n").encode("utf-8")
    files["two_shipments.json"] = (json.dumps(SHIPMENTS, ensure_ascii=False, indent=2) + "\n").encode("utf-8")

    files["two_shipments_utf8.csv"] = csv_text(en, flat_rows(SHIPMENTS)).encode("utf-8")
    files["two_shipments_utf8_bom.csv"] = csv_text(hant, flat_rows(SHIPMENTS, date_style="slash"),
                                                   delimiter=";").encode("utf-8-sig")
    files["two_shipments_gb18030.csv"] = csv_text(
        zh, flat_rows(SHIPMENTS, date_style="slash", thousands=True)).encode("gb18030")
    files["two_shipments_cp932.csv"] = csv_text(
        ja, flat_rows(SHIPMENTS, date_style="ja", percent=True)).encode("cp932")
    files["two_shipments.tsv"] = csv_text(en, flat_rows(SHIPMENTS, date_style="compact"),
                                          delimiter="\t").encode("utf-8")
    files["two_shipments.xlsx"] = xlsx_bytes(en, flat_rows(SHIPMENTS, typed=True))

    # --- malformed: rows are header=1, S-101=2, S-102=3 and 4
    bad = flat_rows(SHIPMENTS)
    for row in bad[1:]:
        row[1] = "02/04/2026"  # ambiguous day/month order: refused
    files["bad_date.csv"] = csv_text(en, bad).encode("utf-8")

    files["missing_party_name.csv"] = csv_text(
        en, flat_rows(_with(SHIPMENTS, "S-102", consignee__name=""))).encode("utf-8")
    files["unknown_country.csv"] = csv_text(
        en, flat_rows(_with(SHIPMENTS, "S-102", end_user__country="XX"))).encode("utf-8")

    good = csv_text(en, flat_rows(SHIPMENTS)).encode("utf-8")
    lines = good.split(b"\r\n")
    lines[2] = lines[2].replace(b"Jiangxi", b"Jiangxi \xff\xfe", 1)  # row 3: bytes no codec accepts
    files["undecodable.csv"] = b"\r\n".join(lines)

    rows = flat_rows(SHIPMENTS)
    files["unknown_header.csv"] = csv_text(
        en[:19] + ["ECCN"] + en[19:] + ["Remarks"],
        [r[:19] + ["1C997"] + r[19:] + ["urgent"] for r in rows]).encode("utf-8")

    rows = flat_rows(SHIPMENTS)
    rows[2][5] = "Kintetsu World Express (Japan)"  # S-102's second row names another consignee
    files["conflicting.csv"] = csv_text(en, rows).encode("utf-8")

    broken = jsonl[1][:-1]  # drop the closing brace
    files["not_json.jsonl"] = ("\n".join([jsonl[0], broken]) + "\n").encode("utf-8")

    bad_fields = _with(SHIPMENTS, "S-102", consignee__name="  ", lines__0__hs_code="81O1.99",
                       end_user__country="XX")
    files["bad_fields.jsonl"] = ("\n".join(json.dumps(s, ensure_ascii=False) for s in bad_fields)
                                 + "\n").encode("utf-8")

    rows = flat_rows(SHIPMENTS, typed=True)
    rows[0][1] = "2026-13-02"          # row 2: not a calendar date
    rows[1][22] = "eight hundred"      # row 3: quantity
    rows[2][21] = 1.5                  # row 4: share above 1
    files["bad_values.xlsx"] = xlsx_bytes(en, rows)
    return files


def main() -> None:
    FIXTURES.mkdir(exist_ok=True)
    for name, data in build().items():
        (FIXTURES / name).write_bytes(data)
        print(f"wrote {FIXTURES / name} ({len(data)} bytes)")


if __name__ == "__main__":
    main()

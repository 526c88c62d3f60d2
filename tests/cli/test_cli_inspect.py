"""``dualuse inspect`` and reading documents from the command line: mappings saved per layout, exit status 2."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dualuse.cli.app import app

DOCS = Path(__file__).resolve().parents[2] / "examples" / "documents"
runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture()
def mappings(tmp_path, monkeypatch) -> Path:
    directory = tmp_path / "mappings"
    monkeypatch.setenv("DUALUSE_MAPPINGS", str(directory))
    return directory


def test_inspect_shows_columns_fields_and_the_parsed_shipment(mappings) -> None:
    result = invoke("inspect", str(DOCS / "declaration_form.xlsx"), "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    (table,) = report["tables"]
    assert (table["sheet"], table["layout"], table["kind"], table["header_row"], table["goods_rows"]) == (
        "报关单", "form", "declaration", 14, 1)
    fields = {c["column"]: c["field"] for c in table["columns"]}
    assert fields["境内发货人"] == "exporter.name" and fields["运抵国（地区）"] == "arrival_country"
    assert fields["单价/总价/币制"] == "lines.price_total_currency" and fields["征免"] is None
    sources = {c["column"]: c.get("source") for c in table["columns"]}
    assert sources["许可证号"] == "cn-export-declaration-2018"
    assert report["unmapped"] == [] and report["errors"] == []
    (shipment,) = report["shipments"]
    assert shipment["id"] == "020220260000318451" and shipment["lines"][0]["quantity"] == 500.0


def test_inspect_table_output_names_unknown_columns_with_hints(tmp_path, mappings) -> None:
    path = tmp_path / "u.csv"
    path.write_text("id,date,exporter,consignee,destination,description,consigne country,Bin\n"
                    "S-1,2026-03-02,E,C,日本,bolts,JP,B7\n", encoding="utf-8")
    result = invoke("inspect", str(path))
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    assert "2 unknown column(s) kept as written (carried to the output, not read): consigne country, Bin" in text
    assert "\"destination_country\": \"JP\"" in text and "unknown:" in text
    report = json.loads(invoke("inspect", str(path), "--format", "json").output)
    assert [u["column"] for u in report["unmapped"]] == ["consigne country", "Bin"]
    assert 'did you mean "consignee country"?' in report["unmapped"][0]["why"]


def test_inspect_reports_problems_and_exits_2(tmp_path, mappings) -> None:
    result = invoke("inspect", str(DOCS / "erp_export.csv"), "--format", "json")
    assert result.exit_code == 2
    report = json.loads(result.output)
    assert any("no column for exporter" in e for e in report["errors"])
    assert report["tables"][0]["columns"][0] == {"column": "Billing Document", "where": "column", "example": "90012871",
                                                 "field": "documents.invoice_number", "source": "erp-export"}


def test_mapping_is_saved_for_the_layout_and_used_for_the_next_file(tmp_path, mappings) -> None:
    result = invoke("inspect", str(DOCS / "erp_export.csv"), "--mapping", str(DOCS / "erp_mapping.yaml"))
    assert result.exit_code == 0, result.output
    saved = list(mappings.glob("*.yaml"))
    assert len(saved) == 1 and "Ship-to Country: destination_country" in saved[0].read_text(encoding="utf-8")
    # the next export of the same layout: other rows, same columns, read with the saved mapping
    rows = list(csv.reader(io.StringIO((DOCS / "erp_export.csv").read_text(encoding="utf-8"))))
    rows[1][0] = "90013001"
    other = tmp_path / "next_month.csv"
    with other.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    out = tmp_path / "d.jsonl"
    result = invoke("screen", str(other), "--no-record", "--format", "jsonl", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "reading with the column mapping saved for this layout" in result.output
    decisions = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(d["id"], d["verdict"]) for d in decisions] == [("90013001", "LICENSE_REQUIRED"),
                                                             ("90012872", "NOT_CONTROLLED")]


def test_bad_mapping_file_is_exit_2(tmp_path, mappings) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("columns:\n  Ship-to Country: destinaton_country\ndate_order: ymd\n", encoding="utf-8")
    result = invoke("screen", str(DOCS / "erp_export.csv"), "--mapping", str(bad), "--no-record")
    assert result.exit_code == 2
    assert "'destinaton_country' is not a field dualuse reads; did you mean \"destination_country\"?" in result.output
    assert "expected dmy (02/03/2026 is 2 March) or mdy" in result.output
    assert not list(mappings.glob("*.yaml"))


def test_screen_a_declaration_as_it_comes(tmp_path, mappings) -> None:
    out = tmp_path / "d.csv"
    result = invoke("screen", str(DOCS / "shipment_documents.xlsx"), "--no-record", "--format", "csv", "-o", str(out))
    assert result.exit_code == 0, result.output
    (row,) = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert (row["shipment id"], row["shipment verdict"], row["control code"]) == ("020220260000318451", "PROHIBITED",
                                                                                   "1C905.a.1")
    assert row["运输方式"] == "水路运输" and row["净重 N.W. (kg)"] == "480"  # carried through as written
    assert "dualuse does not read" not in result.output  # every field of the four documents is known


def test_bad_value_in_a_document_is_exit_2_and_nothing_written(tmp_path, mappings) -> None:
    text = (DOCS / "order_sjis.csv").read_bytes().decode("cp932").replace("令和8年3月2日", "令和8年2月30日")
    path = tmp_path / "order.csv"
    path.write_bytes(text.encode("cp932"))
    out = tmp_path / "d.jsonl"
    result = invoke("screen", str(path), "--no-record", "--format", "jsonl", "-o", str(out))
    assert result.exit_code == 2
    assert 'row 2, column "注文日" (\'令和8年2月30日\'): expected a date like 2026-03-02 (令和8年2月30日 is not a calendar ' \
           "date)" in " ".join(result.output.split())
    assert not out.exists()


def test_as_of_and_date_order_use_the_one_date_parser(tmp_path, mappings) -> None:
    out = tmp_path / "d.jsonl"
    assert invoke("screen", str(DOCS / "invoice.xlsx"), "--no-record", "--as-of", "令和8年12月1日", "--format", "jsonl",
                  "-o", str(out)).exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["as_of"] == "2026-12-01"
    result = invoke("screen", str(DOCS / "invoice.xlsx"), "--no-record", "--as-of", "02/03/2026")
    assert result.exit_code == 2 and "could be day/month or month/day" in result.output
    assert invoke("screen", str(DOCS / "invoice.xlsx"), "--no-record", "--date-order", "ymd").exit_code == 2


def test_tests_never_touch_the_users_mappings() -> None:
    assert "dualuse-records" in os.environ["DUALUSE_MAPPINGS"] or "mappings" in os.environ["DUALUSE_MAPPINGS"]

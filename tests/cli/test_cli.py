"""The ``dualuse`` command: outputs, bad input (exit 2, nothing written), rejects."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from dualuse.cli.app import app
from dualuse.rules.loader import load_rules
from dualuse.rules.validate import validate_rules

FIXTURES = Path(__file__).resolve().parent.parent / "input" / "fixtures"
runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_screen_jsonl_output_has_the_decision_contract(tmp_path):
    out = tmp_path / "decisions.jsonl"
    result = invoke("screen", str(FIXTURES / "two_shipments.jsonl"), "--format", "jsonl", "-o", str(out))
    assert result.exit_code == 0
    decisions = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(decisions) == 2
    for decision in decisions:
        assert decision["verdict"] in ("PROHIBITED", "REVIEW", "LICENSE_REQUIRED", "NOT_CONTROLLED")
        assert decision["data_version"] and decision["rules_version"]
        assert all({"rule_id", "citation", "text_en", "text_zh"} <= set(r) for r in decision["reasons"])


@pytest.mark.parametrize("fixture", ["two_shipments_utf8.csv", "two_shipments_gb18030.csv", "two_shipments_cp932.csv", "two_shipments.xlsx"])
def test_every_format_and_encoding_screens_to_the_same_verdicts(tmp_path, fixture):
    reference = tmp_path / "ref.jsonl"
    invoke("screen", str(FIXTURES / "two_shipments.jsonl"), "--format", "jsonl", "-o", str(reference))
    out = tmp_path / "out.jsonl"
    assert invoke("screen", str(FIXTURES / fixture), "--format", "jsonl", "-o", str(out)).exit_code == 0
    verdicts = lambda p: [(d["id"], d["verdict"]) for d in map(json.loads, p.read_text(encoding="utf-8").splitlines())]  # noqa: E731
    assert verdicts(out) == verdicts(reference)


def test_screen_csv_and_xlsx_outputs(tmp_path):
    csv_out = tmp_path / "d.csv"
    xlsx_out = tmp_path / "d.xlsx"
    assert invoke("screen", str(FIXTURES / "two_shipments.jsonl"), "--format", "csv", "-o", str(csv_out)).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(csv_out.read_text(encoding="utf-8-sig"))))
    assert {"shipment id", "shipment verdict", "line verdict", "control code", "citations"} <= set(rows[0])
    assert invoke("screen", str(FIXTURES / "two_shipments.jsonl"), "--format", "xlsx", "-o", str(xlsx_out)).exit_code == 0
    workbook = openpyxl.load_workbook(xlsx_out)
    assert workbook.sheetnames == ["Decisions", "Lines", "Hits"]
    assert workbook["Decisions"].max_row == 3


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("bad_date.csv", ["row ", "column", "date"]),
        ("missing_party_name.csv", ["row ", "column", "name"]),
        ("unknown_country.csv", ["row 3", "End User Country", "expected a country: an ISO 3166-1 code"]),
        ("undecodable.csv", ["row ", "byte"]),
    ],
)
def test_malformed_input_exits_2_names_row_and_column_and_writes_nothing(tmp_path, fixture, expected):
    out = tmp_path / "decisions.jsonl"
    result = runner.invoke(app, ["screen", str(FIXTURES / fixture), "--format", "jsonl", "-o", str(out)])
    assert result.exit_code == 2
    message = result.output
    for fragment in expected:
        assert fragment.lower() in message.lower(), message
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_skip_invalid_screens_the_valid_rows_and_writes_the_rejected_ones(tmp_path):
    source = tmp_path / "mixed.csv"
    source.write_bytes((FIXTURES / "unknown_country.csv").read_bytes())
    out = tmp_path / "decisions.jsonl"
    rejects = tmp_path / "rejected.csv"
    result = invoke("screen", str(source), "--format", "jsonl", "-o", str(out), "--skip-invalid", "--rejects", str(rejects))
    assert result.exit_code == 3  # EXIT_SKIPPED: valid rows screened, invalid ones skipped
    rejected = list(csv.DictReader(io.StringIO(rejects.read_text(encoding="utf-8-sig"))))
    assert rejected and all(row["errors"] for row in rejected)
    assert any("expected a country: an ISO 3166-1 code" in row["errors"] for row in rejected)
    screened = out.read_text(encoding="utf-8").splitlines()
    assert len(screened) >= 1


def test_match_output_contract():
    result = invoke("match", "三菱重工航空エンジン株式会社", "--format", "jsonl")
    record = json.loads(result.output)
    assert record["query"] == "三菱重工航空エンジン株式会社"
    top = record["hits"][0]
    assert (top["list"], top["name"], top["decision"]) == ("CN-ECL", "Mitsubishi Heavy Industries Aero Engines, Ltd.", "match")
    assert 0.85 <= top["score"] <= 1.0


def test_match_file_keeps_input_order_and_ids(tmp_path):
    names = tmp_path / "names.csv"
    names.write_text("id,query,country\nA,Nitto Denko Corp.,JP\nB,Renesas Electronics Corporation,JP\n", encoding="utf-8")
    result = invoke("match", "--file", str(names), "--format", "jsonl")
    records = [json.loads(line) for line in result.output.splitlines()]
    assert [r["id"] for r in records] == ["A", "B"]
    assert records[0]["hits"][0]["name"] == "Nitto Denko Corporation"
    assert [h for h in records[1]["hits"] if h["decision"] == "match"] == []


def test_query_files_name_the_row_and_column_of_what_is_wrong(tmp_path):
    no_column = tmp_path / "names.csv"
    no_column.write_text("id,company\n1,Nitto Denko\n", encoding="utf-8")
    result = runner.invoke(app, ["match", "--file", str(no_column)])
    assert result.exit_code == 2 and "row 1: no name column" in result.output and "company" in result.output
    empty = tmp_path / "items.csv"
    empty.write_text("id,query\nq1,1C902\nq2,\n", encoding="utf-8")
    result = runner.invoke(app, ["item", "--file", str(empty), "--format", "jsonl"])
    assert result.exit_code == 2 and "row 3, column 'query': the query is empty" in result.output


def test_match_file_with_chinese_headers_in_gb18030(tmp_path):
    names = tmp_path / "names.csv"
    names.write_bytes("名称,国家\n三菱重工航空发动机株式会社,jp\n".encode("gb18030"))
    record = json.loads(invoke("match", "--file", str(names), "--format", "jsonl").output)
    assert record["hits"][0]["name"] == "Mitsubishi Heavy Industries Aero Engines, Ltd."


def test_match_against_a_list_file_and_a_bad_list_file(tmp_path):
    ftm = tmp_path / "own.jsonl"
    ftm.write_text(
        json.dumps({"id": "own-1", "schema": "Company", "properties": {"name": ["Kawamoto Seimitsu Kogyo K.K.", "川本精密工業株式会社"], "country": ["jp"]}}, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    record = json.loads(invoke("match", "川本精密工业有限公司", "--list-file", str(ftm), "--format", "jsonl").output)
    assert [(h["entry_id"], h["decision"]) for h in record["hits"]][:1] == [("own-1", "match")]
    broken = tmp_path / "broken.csv"
    broken.write_bytes(b"_id,name\n1,\xff\xfe\x00\xd8\x81\n")
    result = runner.invoke(app, ["match", "x", "--list-file", str(broken)])
    assert result.exit_code == 2 and "broken.csv: row 2" in result.output and "cannot be decoded" in result.output


def test_item_lookups():
    code = json.loads(invoke("item", "１Ｃ９０２", "--format", "jsonl").output)
    assert code["status"] == "controlled" and code["candidates"][0]["code"].startswith("1C902.")
    hs = json.loads(invoke("item", "2805301910", "--format", "jsonl").output)
    assert hs["status"] == "needs_parameters" and any(c["code"].startswith("1C90") for c in hs["candidates"])
    tea = json.loads(invoke("item", "030342", "--format", "jsonl").output)
    assert tea["status"] == "not_controlled"


def test_lists_and_rules_commands():
    lists = invoke("lists")
    assert lists.exit_code == 0 and "CN-ECL" in lists.output and "152" in lists.output
    rules = invoke("rules")
    assert rules.exit_code == 0 and "CN-2026-1-JP-MILITARY" in rules.output


def test_bad_options_exit_2():
    assert runner.invoke(app, ["screen", str(FIXTURES / "two_shipments.jsonl"), "--as-of", "yesterday"]).exit_code == 2
    assert runner.invoke(app, ["screen", str(FIXTURES / "two_shipments.jsonl"), "--format", "pdf"]).exit_code == 2
    assert runner.invoke(app, ["match", "x", "--list", "NOPE"]).exit_code == 2


def test_shipped_rules_are_valid_and_a_broken_rule_is_reported():
    rules = load_rules()
    assert validate_rules(rules) == []
    broken = rules.model_copy(deep=True)
    broken.rules[0].lists = ["CN-NOPE"]
    broken.rules[1].id = broken.rules[0].id
    problems = validate_rules(broken)
    assert any("unknown list 'CN-NOPE'" in p for p in problems)
    assert any("duplicate id" in p for p in problems)

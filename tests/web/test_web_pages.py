"""The pages of the web application through the service layer (no browser needed)."""

from __future__ import annotations

import datetime as dt
import re
import time

from tests.web.conftest import csrf_of

from dualuse.input.loader import load_shipments
from dualuse.models.shipment import Shipment
from dualuse.service.screening import screen_and_record


def review_shipment(shipment_id: str, consignee: str = "NIHON SEIKOSHO K.K.") -> Shipment:
    """Example EX-14 under another id: its consignee is only a possible match of a listed entity (JP-DEF), so it is REVIEW with alerts."""
    example = next(s for s in load_shipments("examples/shipments.csv").shipments if s.id == "EX-14")
    return example.model_copy(update={"id": shipment_id, "consignee": example.consignee.model_copy(update={"name": consignee})})


def _wait_for_job(client, url: str) -> str:
    for _ in range(600):
        page = client.get(url).text
        state = re.search(r'data-state="(\w+)"', page).group(1)
        if state in ("done", "failed"):
            return page
        time.sleep(0.5)
    raise AssertionError("the screening job did not finish")


def test_upload_the_example_csv_and_see_its_decisions(client_for):
    client = client_for("screener")
    form = client.get("/app/screen").text
    with open("examples/shipments.csv", "rb") as handle:
        answer = client.post("/app/screen", data={"csrf_token": csrf_of(form)}, files={"file": ("shipments.csv", handle.read(), "text/csv")}, follow_redirects=False)
    assert answer.status_code == 303
    page = _wait_for_job(client, answer.headers["location"])
    assert 'data-state="done"' in page
    assert "Screened and recorded 31 shipments." in page
    listing = client.get("/app/decisions", params={"verdict": "PROHIBITED"}).text
    assert 'data-shipment="EX-01"' in listing
    decision = client.get("/app/decisions/EX-01").text
    assert "CN-ECL-CONTROL-LIST" in decision
    assert "MOFCOM Announcement 2026 No. 11" in decision
    assert "Kawasaki Heavy Industries Aerospace Systems Company" in decision
    assert "{% block" not in decision


def test_input_errors_name_file_row_and_column(client_for):
    client = client_for("screener")
    form = client.get("/app/screen").text
    bad = b"shipment id,date,exporter,consignee,destination country,line no,description\nS1,not-a-date,A Co,B Co,JP,1,widgets\n"
    answer = client.post("/app/screen", data={"csrf_token": csrf_of(form)}, files={"file": ("bad.csv", bad, "text/csv")}, follow_redirects=False)
    page = _wait_for_job(client, answer.headers["location"])
    assert 'data-state="failed"' in page
    assert "bad.csv: invalid input, nothing was screened or written" in page
    assert re.search(r"<td>bad.csv</td><td class=\"num\">2</td><td>date</td>", page)


def test_decide_an_alert_and_whitelist_it_then_the_shipment_is_final(client_for, web_db):
    result = screen_and_record(web_db, [review_shipment("EX-REV-1")], actor="user:screener", channel="test")[0]
    assert result.open_alerts
    reviewer = client_for("reviewer")
    queue = reviewer.get("/app/review").text
    assert f'data-alert="{result.open_alerts[0]}"' in queue
    for alert_id in result.open_alerts:
        page = reviewer.get(f"/app/review/{alert_id}").text
        form = {"status": "false_positive", "reason": "different company (address)", "csrf_token": csrf_of(page)}
        if 'name="whitelist"' in page:
            form["whitelist"] = "on"
        answer = reviewer.post(
            f"/app/review/{alert_id}/decide", data=form,
            files={"attachment": ("note.txt", b"checked the register", "text/plain")}, follow_redirects=False,
        )
        assert answer.status_code == 303, answer.text
    whitelist = reviewer.get("/app/whitelist").text
    assert "NIHON SEIKOSHO K.K." in whitelist
    decision = reviewer.get("/app/decisions/EX-REV-1").text
    assert "final" in decision and "different company (address)" in decision


def test_four_eyes_stops_the_screener_deciding_their_own_alert(client_for, web_db):
    admin = client_for("admin")
    admin.post("/app/settings/four-eyes", data={"required": "on", "csrf_token": csrf_of(admin.get("/app/review").text)})
    result = screen_and_record(web_db, [review_shipment("EX-4E-1")], actor="user:reviewer", channel="test")[0]
    reviewer = client_for("reviewer")
    page = reviewer.get(f"/app/review/{result.open_alerts[0]}").text
    assert "another reviewer must decide it" in page and 'id="decide"' not in page
    answer = reviewer.post(f"/app/review/{result.open_alerts[0]}/decide", data={"status": "confirmed", "reason": "it is them", "csrf_token": csrf_of(page)})
    assert answer.status_code == 403
    assert admin.post(f"/app/review/{result.open_alerts[0]}/decide", data={"status": "confirmed", "reason": "it is them", "csrf_token": csrf_of(page)}).status_code == 403  # other session's token
    admin_page = admin.get(f"/app/review/{result.open_alerts[0]}").text
    assert admin.post(f"/app/review/{result.open_alerts[0]}/decide", data={"status": "confirmed", "reason": "it is them", "csrf_token": csrf_of(admin_page)}, follow_redirects=False).status_code == 303


def test_a_party_name_with_markup_is_shown_as_text(client_for, web_db):
    screen_and_record(web_db, [review_shipment("EX-XSS-1", consignee='<script>alert(1)</script> NIHON SEIKOSHO K.K.')], actor="user:admin", channel="test")
    client = client_for("screener")
    for url in ("/app/decisions/EX-XSS-1", "/app/decisions"):
        page = client.get(url).text
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_pages_in_chinese_and_japanese_with_local_dates(client_for, web_db):
    screen_and_record(web_db, [review_shipment("EX-LANG-1")], actor="user:admin", channel="test")
    client = client_for("screener")
    client.get("/app/lang/zh", follow_redirects=False)
    page = client.get("/app/decisions").text
    assert "审查队列" in page and "2026年5月27日" in page
    client.get("/app/lang/ja", follow_redirects=False)
    page = client.get("/app/decisions").text
    assert "審査キュー" in page and "2026/05/27" in page


def test_dashboard_counts_and_charts(client_for, web_db):
    screen_and_record(web_db, [review_shipment("EX-DASH-1"), review_shipment("EX-DASH-2")], actor="user:admin", channel="test")
    page = client_for("screener").get("/app/").text
    assert re.search(r"<b>2</b><span>shipments screened</span>", page)
    assert page.count("<svg") == 5


def test_audit_verify_shows_the_result(client_for, web_db):
    screen_and_record(web_db, [review_shipment("EX-AUD-1")], actor="user:admin", channel="test")
    page = client_for("reviewer").get("/app/audit", params={"verify": "1"}).text
    assert 'data-ok="yes"' in page and "The chain is intact" in page
    export = client_for("reviewer").get("/app/audit/export", params={"format": "jsonl"})
    assert export.status_code == 200 and b'"kind": "screening"' in export.content or b'"kind":"screening"' in export.content


def test_an_admin_sees_the_diff_of_an_update_before_it_is_applied(client_for, web_db):
    import json

    from dualuse.service import versions
    from tests.recordkit import NEW_JP_NAME, new_japanese_entity

    admin = client_for("admin")
    lists = admin.get("/app/lists").text
    before = versions.current(web_db).version
    body = (json.dumps(new_japanese_entity()) + "\n").encode()
    preview = admin.post("/app/lists/update", data={"csrf_token": csrf_of(lists)}, files={"file": ("update.ftm.jsonl", body, "application/x-ndjson")})
    assert preview.status_code == 200, preview.text
    assert NEW_JP_NAME in preview.text and 'id="apply"' in preview.text
    assert versions.current(web_db).version == before  # nothing applied yet
    token = re.search(r'name="token" value="([^"]+)"', preview.text).group(1)
    done = admin.post("/app/lists/update/apply", data={"csrf_token": csrf_of(preview.text), "token": token})
    assert done.status_code == 200 and "is live" in done.text
    assert versions.current(web_db).version != before
    assert admin.post("/app/lists/update/apply", data={"csrf_token": csrf_of(preview.text), "token": token}).status_code == 404


def test_an_invalid_update_is_refused_with_its_problems(client_for, web_db):
    admin = client_for("admin")
    lists = admin.get("/app/lists").text
    answer = admin.post("/app/lists/update", data={"csrf_token": csrf_of(lists)}, files={"file": ("bad.ftm.jsonl", b"not json\n", "application/x-ndjson")})
    assert answer.status_code == 422
    assert "bad.ftm.jsonl" in answer.text and "nothing was changed" in answer.text


def test_a_decision_page_issues_its_report_with_the_hash_in_the_audit_chain(client_for, web_db):
    import hashlib
    import io

    import openpyxl

    from dualuse.service import audit

    screen_and_record(web_db, [review_shipment("EX-REPORT-1")], actor="user:admin", channel="test")
    client = client_for("screener")
    page = client.get("/app/decisions/EX-REPORT-1").text
    assert 'action="/app/decisions/EX-REPORT-1/report"' in page and 'value="pdf"' in page and 'value="xlsx"' in page
    refused = client.post("/app/decisions/EX-REPORT-1/report", data={"fmt": "xlsx", "csrf_token": "forged"})
    assert refused.status_code == 403
    answer = client.post("/app/decisions/EX-REPORT-1/report", data={"fmt": "xlsx", "csrf_token": csrf_of(page)})
    assert answer.status_code == 200
    assert answer.headers["content-disposition"] == 'attachment; filename="EX-REPORT-1-report-en.xlsx"'
    digest = hashlib.sha256(answer.content).hexdigest()
    assert answer.headers["x-report-sha256"] == digest
    assert openpyxl.load_workbook(io.BytesIO(answer.content)).sheetnames  # a real workbook
    issued = list(audit.iter_records(web_db, kinds=["report_issued"]))
    assert [(r["payload"]["sha256"], r["actor"], r["channel"]) for r in issued] == [(digest, "user:screener", "web")]
    assert audit.verify(web_db).ok
    assert client.post("/app/decisions/NO-SUCH/report", data={"fmt": "pdf", "csrf_token": csrf_of(page)}).status_code == 404

"""The review queue: alerts open, are decided, close; whitelisted false positives stop repeat alerts (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from recordkit import POSSIBLE_ENTRY, POSSIBLE_NAME, shipment

from dualuse.service import alerts
from dualuse.service.alerts import ReviewError
from dualuse.service.screening import screen_and_record


def test_alert_lifecycle_possible_match_to_final_decision(db):
    first = screen_and_record(db, [shipment("R-1", POSSIBLE_NAME)], actor="alice", channel="cli")[0]
    assert first.decision.verdict == "REVIEW"
    assert first.status == "pending_review" and len(first.alerts_opened) == 1
    alert_id = first.alerts_opened[0]
    alert = alerts.get_alert(db, alert_id)
    assert alert["kind"] == "possible_match" and alert["entry_id"] == POSSIBLE_ENTRY and alert["status"] == "open"
    assert alert["party_name"] == POSSIBLE_NAME and alert["opened_seq"] == first.record_seq

    # screening the same shipment again does not open the alert twice
    again = screen_and_record(db, [shipment("R-1", POSSIBLE_NAME)], actor="alice", channel="cli")[0]
    assert again.alerts_opened == [] and again.open_alerts == [alert_id]

    # escalated: still open, the decision is not final
    outcome = alerts.decide_alert(db, alert_id, "escalated", "needs the export-control manager", "bob")
    assert outcome.alert["status"] == "escalated" and outcome.shipment_status == "pending_review" and outcome.final is None
    assert alerts.shipment_view(db, "R-1")["status"] == "pending_review"

    # false positive with an attachment: closed, final decision recorded with the hit dropped
    outcome = alerts.decide_alert(
        db, alert_id, "false_positive", "Sun Tectro Japan is a distributor unrelated to Sun Tectro Co., Ltd. (registry extract)", "carol",
        attachment=("registry.pdf", b"%PDF-1.4 extract", "application/pdf"),
    )
    assert outcome.alert["status"] == "false_positive" and outcome.alert["decided_by"] == "carol"
    assert outcome.shipment_status == "final" and outcome.final is not None
    assert outcome.final.decision.verdict == "LICENSE_REQUIRED"
    assert not outcome.final.decision.hits
    assert any("not counted (reviewed false positive)" in w for w in outcome.final.decision.warnings)
    view = alerts.shipment_view(db, "R-1")
    assert view["status"] == "final" and view["verdict"] == "LICENSE_REQUIRED" and view["latest_record"] == outcome.final.record_seq
    name, media_type, content = alerts.get_attachment(db, alert_id)
    assert (name, media_type, content) == ("registry.pdf", "application/pdf", b"%PDF-1.4 extract")
    history = alerts.get_alert(db, alert_id)["history"]
    assert [(h["previous_status"], h["status"], h["by"]) for h in history] == [("open", "escalated", "bob"), ("escalated", "false_positive", "carol")]

    # a closed alert is not decided again; the reason is required
    with pytest.raises(ReviewError, match="closed already") as error:
        alerts.decide_alert(db, alert_id, "confirmed", "second thoughts", "dave")
    assert error.value.status == 409
    # re-screening the shipment keeps the reviewed outcome
    third = screen_and_record(db, [shipment("R-1", POSSIBLE_NAME)], actor="alice", channel="cli")[0]
    assert third.decision.verdict == "LICENSE_REQUIRED" and third.status == "final" and third.alerts_opened == []


def test_confirmed_possible_match_becomes_a_match(db):
    result = screen_and_record(db, [shipment("R-2", POSSIBLE_NAME)], actor="alice", channel="cli")[0]
    outcome = alerts.decide_alert(db, result.alerts_opened[0], "confirmed", "same company, confirmed by its registered address", "bob")
    assert outcome.final is not None
    hit = next(h for h in outcome.final.decision.hits if h.entry_id == POSSIBLE_ENTRY)
    assert hit.decision == "match"
    assert outcome.final.decision.verdict == "LICENSE_REQUIRED"  # watch list: individual licence only
    assert outcome.final.decision.licence is not None and "general" not in outcome.final.decision.licence.allowed


def test_review_errors_name_what_is_expected(db):
    result = screen_and_record(db, [shipment("R-3", POSSIBLE_NAME)], actor="alice", channel="cli")[0]
    alert_id = result.alerts_opened[0]
    with pytest.raises(ReviewError, match="expected one of confirmed, false_positive, escalated"):
        alerts.decide_alert(db, alert_id, "dismissed", "not relevant", "bob")
    with pytest.raises(ReviewError, match="a reason is required"):
        alerts.decide_alert(db, alert_id, "false_positive", " ", "bob")
    with pytest.raises(ReviewError, match="only a false positive"):
        alerts.decide_alert(db, alert_id, "confirmed", "it is them", "bob", whitelist=True)
    with pytest.raises(ReviewError, match="no alert 999") as error:
        alerts.decide_alert(db, 999, "confirmed", "it is them", "bob")
    assert error.value.status == 404
    with pytest.raises(ReviewError, match="at most"):
        alerts.decide_alert(db, alert_id, "false_positive", "too big", "bob", attachment=("big.bin", b"x" * (alerts.MAX_ATTACHMENT_BYTES + 1), "application/octet-stream"))
    assert alerts.get_alert(db, alert_id)["status"] == "open"


def test_whitelisted_false_positive_stops_repeat_alerts(db):
    first = screen_and_record(db, [shipment("W-1", POSSIBLE_NAME)], actor="alice", channel="cli")[0]
    outcome = alerts.decide_alert(db, first.alerts_opened[0], "false_positive", "different company (checked the registry)", "bob", whitelist=True)
    assert outcome.whitelist_id is not None
    [entry] = alerts.list_whitelist(db)
    assert entry["status"] == "active" and entry["entry_id"] == POSSIBLE_ENTRY and entry["counterparty"] == POSSIBLE_NAME
    # a new shipment to the same counterparty: no alert, final, the whitelist named in the warnings
    second = screen_and_record(db, [shipment("W-2", POSSIBLE_NAME)], actor="alice", channel="api")[0]
    assert second.alerts_opened == [] and second.status == "final" and second.decision.verdict == "LICENSE_REQUIRED"
    assert any(f"whitelist #{outcome.whitelist_id}" in w for w in second.decision.warnings)
    # the same name spelled with other spacing, punctuation and case is the same counterparty
    third = screen_and_record(db, [shipment("W-3", "  SUN TECTRO JAPAN Co., Ltd. ")], actor="alice", channel="cli")[0]
    assert third.alerts_opened == []
    # another counterparty is not covered
    other = screen_and_record(db, [shipment("W-4", "Sun Tectro Osaka Co Ltd")], actor="alice", channel="cli")[0]
    assert len(other.alerts_opened) == 1
    # revoked: alerts come back
    alerts.revoke_whitelist(db, outcome.whitelist_id, "the registry extract was out of date", "carol")
    fifth = screen_and_record(db, [shipment("W-5", POSSIBLE_NAME)], actor="alice", channel="cli")[0]
    assert len(fifth.alerts_opened) == 1
    assert [w["status"] for w in alerts.list_whitelist(db, "all")] == ["revoked"]

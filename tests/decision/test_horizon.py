"""The knowledge horizon: decisions after it that turn on a change the data only expects are REVIEW, with both outcomes.

The packaged lists were checked up to 2026-08-05. The data schedules the end of
the suspension of clause 2 of Announcement 2024 No. 46 on 2026-11-27 and of
Announcements 2025 Nos. 55-57, 61, 62 (and of US list entries) on 2026-11-10;
nobody here has seen whether they ended.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from dualuse.decision.horizon import apply_measure_statuses
from dualuse.decision.screen import Screener
from dualuse.models.knowledge import Knowledge, MeasureStatus
from dualuse.models.reference import StatusInterval
from dualuse.models.shipment import Shipment
from dualuse.refdata import store
from dualuse.refdata.horizon import measure_key, pending_changes, same_measure, status_basis, without_change
from dualuse.rules.loader import load_rules

PACKAGE_DATA = Path(__file__).resolve().parents[2] / "src" / "dualuse" / "data"

GERMANIUM = {"line": 1, "description": "锗金属 germanium metal", "control_code": "3C002.a", "origin_country": "CN", "quantity": 10, "unit": "kg", "value": 20000.0, "currency": "USD"}
HOLMIUM = {"line": 1, "description": "金属钬 holmium metal", "control_code": "1C909", "origin_country": "CN", "quantity": 10, "unit": "kg", "value": 20000.0, "currency": "USD"}
TUNGSTEN = {"line": 1, "description": "Tungsten heavy alloy bars", "control_code": "1C117.c", "origin_country": "CN"}


def shipment(day: str, country: str, line: dict, consignee: str = "Acme Optics Inc.") -> Shipment:
    return Shipment.model_validate(
        {
            "id": f"H-{day}-{country}",
            "date": day,
            "exporter": {"name": "云南锗业股份有限公司", "country": "CN"},
            "consignee": {"name": consignee, "country": country},
            "end_user": None,
            "intermediaries": [],
            "destination_country": country,
            "end_use": "civil infrared optics",
            "lines": [line],
        }
    )


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener()


def horizon_reason(decision):
    return next(r for r in decision.reasons if r.rule_id == "CN-DATA-HORIZON")


# --- the germanium and holmium cases of the issue ----------------------------------------


def test_germanium_to_the_us_after_the_suspension_end_states_both_outcomes(screener):
    d = screener.screen(shipment("2026-12-07", "US", GERMANIUM))
    assert d.verdict == "REVIEW"
    reason = horizon_reason(d)
    assert reason.citation == "MOFCOM Announcement 2025 No. 72; MOFCOM Announcement 2024 No. 46 clause 2"
    assert (
        "If the suspension of MOFCOM Announcement 2024 No. 46 clause 2 ended on 2026-11-27: prohibited (CN-2024-46-US-ITEMS); "
        "if it was extended: licence required (CN-REGS-14-LICENCE, CN-REGS-24-END-USER)." in reason.text_en
    )
    assert "checked up to 2026-08-05" in reason.text_en and "Check whether MOFCOM has published a notice" in reason.text_en
    assert "若MOFCOM Announcement 2024 No. 46 clause 2的暂停实施已于2026-11-27结束：禁止" in reason.text_zh
    # the September statement is shown as a note, not applied
    assert "Note, not applied (2026-09-28" in reason.text_en and "2027-01-10" in reason.text_en
    # the clause-2 finding holds only if the suspension ended: held at REVIEW, and says so
    clause2 = next(r for r in d.reasons if r.rule_id == "CN-2024-46-US-ITEMS")
    assert clause2.verdict == "REVIEW" and "Only if the suspension ended on 2026-11-27" in clause2.text_en
    assert not [r for r in d.reasons if r.verdict == "PROHIBITED"]
    decisive = [p for p in d.knowledge.pending if p.decisive]
    assert [p.scheduled_by for p in decisive] == ["MOFCOM Announcement 2025 No. 72"]
    assert d.knowledge.horizon == dt.date(2026, 8, 5) and d.knowledge.days_after_horizon == 124


def test_germanium_to_the_us_before_the_horizon_gives_todays_verdict(screener):
    d = screener.screen(shipment("2026-07-01", "US", GERMANIUM))
    assert d.verdict == "LICENSE_REQUIRED"  # clause 2 suspended 2025-11-09 .. 2026-11-27: a licence is needed
    # the licence, and the end-user certificate it needs (the documents name no end user)
    assert {r.rule_id for r in d.reasons} == {"CN-REGS-14-LICENCE", "CN-REGS-24-END-USER"}
    assert d.warnings == [] and not any(p.decisive or p.passed for p in d.knowledge.pending)


def test_holmium_to_germany_after_the_no_70_end_states_both_outcomes(screener):
    d = screener.screen(shipment("2026-12-07", "DE", HOLMIUM, consignee="Magnetwerk GmbH"))
    assert d.verdict == "REVIEW"
    reason = horizon_reason(d)
    assert reason.citation == "MOFCOM/GAC Announcement 2025 No. 70; MOFCOM/GAC Announcement 2025 No. 57"
    assert (
        "If the suspension of MOFCOM/GAC Announcement 2025 No. 57 ended on 2026-11-10: licence required (CN-REGS-14-LICENCE, CN-REGS-24-END-USER); "
        "if it was extended: not controlled (CN-SCOPE-NOT-LISTED)." in reason.text_en
    )
    assert d.lines[0].verdict == "REVIEW"


def test_holmium_to_germany_before_the_horizon_gives_todays_verdict(screener):
    d = screener.screen(shipment("2026-07-01", "DE", HOLMIUM, consignee="Magnetwerk GmbH"))
    assert d.verdict == "NOT_CONTROLLED"  # No. 57 suspended by No. 70 on that day
    assert "CN-DATA-HORIZON" not in {r.rule_id for r in d.reasons}


def test_a_decision_that_does_not_turn_on_an_expected_change_stands_with_a_warning(screener):
    d = screener.screen(shipment("2026-12-07", "US", TUNGSTEN))
    assert d.verdict == "LICENSE_REQUIRED"
    assert "CN-DATA-HORIZON" not in {r.rule_id for r in d.reasons}
    assert d.warnings[0].startswith("The lists' sources were checked up to 2026-08-05, 124 days before 2026-12-07")
    assert {p.date for p in d.knowledge.pending if p.passed} == {dt.date(2026, 11, 10), dt.date(2026, 11, 27)}
    assert not any(p.decisive for p in d.knowledge.pending)


def test_a_listed_party_whose_suspension_ended_after_the_horizon(screener):
    # UEL Working Mechanism Announcement 2025 No. 7 entries: suspended 2025-11-10 .. 2026-11-10
    entry = next(e for e in screener.entries if e.id.startswith("CN-UEL:UEL-2025-7:"))
    d = screener.screen(shipment("2026-12-01", "US", {**TUNGSTEN, "description": "tungsten"}, consignee=entry.name))
    assert d.verdict == "REVIEW"
    reason = horizon_reason(d)
    assert reason.citation.startswith("UEL Working Mechanism notice of November 2025 on US entities; UEL Working Mechanism Announcement 2025 No. 7")
    assert "ended on 2026-11-10: prohibited (CN-UEL-UNRELIABLE-ENTITY)" in reason.text_en
    hit = next(h for h in d.hits if h.entry_id == entry.id)
    assert hit.status == "in_force" and hit.status_basis == "expected" and "2026-11-10" in hit.status_note


# --- the mechanism --------------------------------------------------------------------------


def test_pending_changes_of_the_packaged_data():
    knowledge = store.load_knowledge()
    assert knowledge.horizon == dt.date(2026, 8, 5)
    changes = pending_changes(store.load_entries(), store.load_catalogue(), load_rules(), knowledge)
    summary = {(c.date.isoformat(), c.scheduled_by): sorted({t.kind for t in c.targets}) for c in changes}
    assert summary == {
        ("2026-11-10", "MOFCOM/GAC Announcement 2025 No. 70"): ["control", "rule"],
        ("2026-11-10", "MOFCOM Order 2025 No. 7"): ["entry"],
        ("2026-11-10", "MOFCOM notice of November 2025 on the US entities of the control list"): ["entry"],
        ("2026-11-10", "UEL Working Mechanism notice of November 2025 on US entities"): ["entry"],
        ("2026-11-27", "MOFCOM Announcement 2025 No. 72"): ["rule"],
    }
    no70 = next(c for c in changes if c.scheduled_by == "MOFCOM/GAC Announcement 2025 No. 70")
    assert {t.id for t in no70.targets if t.kind == "rule"} == {"CN-2025-61-RE-CONTENT", "CN-2025-61-RE-ORIGIN"}
    assert "MOFCOM/GAC Announcement 2025 No. 57" in no70.measures
    assert len([t for t in no70.targets if t.kind == "control"]) == 16
    assert [n.id for n in no70.notes] == ["MOFCOM-2026-09-28-KL-EXTENSION"]
    counts = {c.scheduled_by: len(c.targets) for c in changes}
    assert counts["MOFCOM Order 2025 No. 7"] == 5 and counts["UEL Working Mechanism notice of November 2025 on US entities"] == 11


def test_status_basis_and_the_change_that_did_not_happen():
    entry = next(e for e in store.load_entries() if e.id == "CN-AFSL:ORDER-2025-6:1")
    horizon = dt.date(2026, 8, 5)
    assert status_basis(entry, dt.date(2026, 9, 1), horizon) == ("confirmed", None)  # suspended, as recorded
    basis, why = status_basis(entry, dt.date(2026, 11, 10), horizon)
    assert basis == "expected" and "the suspension ends (MOFCOM Order 2025 No. 7) on 2026-11-10" in why
    assert status_basis(entry, dt.date(2026, 11, 10), dt.date(2026, 11, 10))[0] == "confirmed"  # checked by then
    change = next(c for c in pending_changes([entry], [], load_rules(), store.load_knowledge()) if c.change == "status_ends")
    extended = without_change(entry, change)
    assert extended.status_on(dt.date(2027, 6, 1)) == "suspended" and entry.status_on(dt.date(2027, 6, 1)) == "in_force"


def test_measure_keys():
    assert measure_key("MOFCOM/GAC Announcement 2025 No. 57") == ("announcement", 2025, 57, None)
    assert measure_key("MOFCOM Announcement 2024 No. 46 clause 2") == ("announcement", 2024, 46, 2)
    assert measure_key("MOFCOM Order 2025 No. 5") == ("order", 2025, 5, None)
    assert measure_key("UEL Working Mechanism Announcement 2025 No. 7") == ("uel", 2025, 7, None)
    assert same_measure("MOFCOM Announcement 2025 No. 57", "MOFCOM/GAC Announcement 2025 No. 57")
    assert same_measure("MOFCOM Announcement 2024 No. 46", "MOFCOM Announcement 2024 No. 46 clause 2")
    assert not same_measure("MOFCOM Announcement 2024 No. 46 clause 2", "MOFCOM Announcement 2024 No. 46")
    assert not same_measure("MOFCOM Announcement 2025 No. 7", "UEL Working Mechanism Announcement 2025 No. 7")


def test_a_data_version_measure_status_replaces_the_rules_intervals(tmp_path):
    # as an imported notice extending the suspension of clause 2 to 2027-11-27 would record it
    for f in PACKAGE_DATA.iterdir():
        shutil.copy(f, tmp_path / f.name)
    knowledge = Knowledge.model_validate_json((tmp_path / store.KNOWLEDGE).read_text(encoding="utf-8"))
    interval = StatusInterval(status="suspended", start=dt.date(2025, 11, 9), end=dt.date(2027, 11, 27), instrument="a later notice")
    knowledge = knowledge.model_copy(update={"measures": [MeasureStatus(measure="MOFCOM Announcement 2024 No. 46 clause 2", status_intervals=[interval])]})
    (tmp_path / store.KNOWLEDGE).write_text(knowledge.model_dump_json(), encoding="utf-8")
    rules = apply_measure_statuses(load_rules(), knowledge)
    assert next(r for r in rules.rules if r.id == "CN-2024-46-US-ITEMS").status_intervals == [interval]
    assert next(r for r in rules.rules if r.id == "CN-2024-46-US-MILITARY").status_intervals == []  # clause 1 untouched
    try:
        d = Screener(data_dir=tmp_path).screen(shipment("2026-12-07", "US", GERMANIUM))
    finally:
        store.clear_cache()
    assert d.verdict == "LICENSE_REQUIRED"  # the suspension runs to 2027-11-27: nothing unconfirmed decides
    assert "CN-DATA-HORIZON" not in {r.rule_id for r in d.reasons}


def test_every_decision_records_the_horizon_and_the_pending_changes(screener):
    d = screener.screen(shipment("2026-03-02", "JP", TUNGSTEN))
    record = json.loads(d.model_dump_json())
    assert record["knowledge"]["horizon"] == "2026-08-05"
    assert len(record["knowledge"]["pending"]) == 5
    assert all(not p["passed"] for p in record["knowledge"]["pending"])


# --- newer facts ------------------------------------------------------------------------------


def test_drone_items_to_the_us_are_reviewed_case_by_case(screener):
    drone = {"line": 1, "description": "BVLOS fixed-wing UAV, 3 h endurance", "control_code": "9A012.a.1", "origin_country": "CN"}
    us = screener.screen(shipment("2026-09-01", "US", drone, consignee="Skyward Survey LLC"))
    assert us.verdict == "LICENSE_REQUIRED"
    reason = next(r for r in us.reasons if r.rule_id == "CN-2026-34-US-DRONES")
    assert reason.citation == "MOFCOM Announcement 2026 No. 34"
    assert us.licence.allowed == ["individual"] and any("case by case" in c for c in us.licence.conditions)
    jp = screener.screen(shipment("2026-09-01", "JP", drone, consignee="Skyward Survey KK"))
    assert "CN-2026-34-US-DRONES" not in {r.rule_id for r in jp.reasons}
    assert jp.licence.allowed == ["individual", "general", "registration"]


@pytest.mark.parametrize(("name", "day", "verdict"), [("古屋圭司", "2026-05-01", "PROHIBITED"), ("古屋圭司", "2026-03-01", "NOT_CONTROLLED"), ("Shigeru Iwasaki", "2026-01-10", "PROHIBITED")])
def test_mfa_countermeasures_on_japanese_persons(screener, name, day, verdict):
    books = {"line": 1, "description": "Printed books", "control_code": None, "hs_code": "490199", "origin_country": "CN"}
    d = screener.screen(shipment(day, "JP", books, consignee=name))  # countermeasures reach any goods
    assert d.verdict == verdict
    hit = next(h for h in d.hits if h.list == "CN-AFSL")
    assert hit.name in ("Keiji Furuya", "Shigeru Iwasaki")
    if verdict == "PROHIBITED":
        assert any(r.citation.startswith("MFA decision of 20") for r in d.reasons if r.rule_id == "CN-AFSL-COUNTERMEASURE")


def test_countermeasures_cancelled_by_order_2026_no_1(screener):
    before = screener.screen(shipment("2025-10-01", "LT", TUNGSTEN, consignee="UAB Urbo Bankas"))
    after = screener.screen(shipment("2026-05-01", "LT", TUNGSTEN, consignee="UAB Urbo Bankas"))
    assert before.verdict == "PROHIBITED" and "MOFCOM Order 2025 No. 5" in " ".join(r.citation for r in before.reasons)
    assert after.verdict == "LICENSE_REQUIRED"  # the tungsten still needs its licence; the countermeasure is gone
    assert next(h for h in after.hits if h.name == "UAB Urbo Bankas").status == "removed"


def test_order_2026_no_3_is_cited_by_its_number(screener):
    d = screener.screen(shipment("2026-09-01", "US", TUNGSTEN, consignee="Compliance Testing LLC"))
    assert d.verdict == "PROHIBITED"
    assert any(r.citation.startswith("MOFCOM Order 2026 No. 3") for r in d.reasons)

"""List updates: validated before anything changes, stored as versions, diffed, re-screened (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from recordkit import NEW_JP_NAME, NEW_JP_ZH, POSSIBLE_ENTRY, POSSIBLE_NAME, ftm_entity, new_japanese_entity, shipment, write_ftm

from dualuse.refdata import store
from dualuse.service import alerts, updates, versions
from dualuse.service.screening import live_screener, screen_and_record

TODAY = dt.date(2026, 11, 29)
SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
CURATED = Path(__file__).resolve().parents[2] / "data-sources" / "curated"


def _update(db, path, **kwargs):
    prepared = updates.prepare(db, path, as_of=kwargs.pop("as_of", TODAY), replace=kwargs.pop("replace", False))
    return updates.apply(db, prepared, actor="admin", today=TODAY, **kwargs)


def test_adding_a_japanese_entity_to_the_control_list_turns_a_cleared_shipment_into_an_alert(db, tmp_path):
    before = screen_and_record(db, [shipment("J-1", NEW_JP_NAME), shipment("J-2", "Kanazawa Seimitsu Kogyo K.K.")], actor="alice", channel="cli")
    assert [r.decision.verdict for r in before] == ["LICENSE_REQUIRED", "LICENSE_REQUIRED"]
    assert all(r.status == "final" and not r.alerts_opened for r in before)
    baseline = versions.current(db)

    report = _update(db, write_ftm(tmp_path / "no40.jsonl", [new_japanese_entity()]))

    assert report.new.seq == baseline.seq + 1 and report.new.current and report.old.version == baseline.version
    counts = report.diff.counts()
    assert (counts["added"], counts["removed"], counts["changed"]) == (1, 0, 0)
    [added] = report.diff.added
    assert added.list == "CN-ECL" and added.name == NEW_JP_NAME and added.legal_source.citation == "MOFCOM Announcement 2026 No. 40"
    assert {f.value for f in added.names} == {NEW_JP_NAME, NEW_JP_ZH}
    # re-screened only what could match: the one counterparty, the one shipment
    rescreen = report.rescreen
    assert rescreen.counterparties == 3 and rescreen.candidates <= 2 and rescreen.counterparties_hit == 1
    assert rescreen.shipments_rescreened == 1
    assert rescreen.verdict_changes == [{"shipment_id": "J-1", "old": "LICENSE_REQUIRED", "new": "PROHIBITED", "alerts": rescreen.shipment_alerts}]
    [alert_id] = rescreen.shipment_alerts
    alert = alerts.get_alert(db, alert_id)
    assert alert["kind"] == "list_change" and alert["shipment_id"] == "J-1" and alert["entry_id"] == added.id and alert["verdict"] == "PROHIBITED"
    view = alerts.shipment_view(db, "J-1")
    assert view["status"] == "pending_review" and view["verdict"] == "PROHIBITED" and view["data_version"] == report.new.version
    assert alerts.shipment_view(db, "J-2")["status"] == "final"

    # the screener now screens against the stored version, wherever the name is written
    info, screener = live_screener(db)
    assert info.version == report.new.version and screener.data_version == report.new.version
    later = screen_and_record(db, [shipment("J-3", NEW_JP_ZH)], actor="alice", channel="api")[0]
    assert later.decision.verdict == "PROHIBITED" and later.decision.data_version == report.new.version

    # history and diff
    history = versions.history(db)
    assert [v.seq for v in history] == [baseline.seq, report.new.seq] and history[-1].current
    assert history[-1].summary["diff"]["added"] == 1 and history[-1].summary["rescreen"]["shipments_rescreened"] == 1
    diff = updates.diff_versions(db, "previous", "current")
    assert [e.id for e in diff.added] == [added.id]
    assert updates.diff_versions(db, baseline.seq, baseline.seq).empty
    # the same file again changes nothing
    assert _update(db, tmp_path / "no40.jsonl").unchanged


def test_an_old_shipment_is_recent_by_its_last_screening(db, tmp_path):
    screen_and_record(db, [shipment("O-1", NEW_JP_NAME, date="2025-01-10")], actor="alice", channel="cli")
    report = _update(db, write_ftm(tmp_path / "no40.jsonl", [new_japanese_entity()]), recent_days=1)
    assert report.rescreen.shipments_rescreened == 1 and report.rescreen.counterparty_alerts == []
    # screened again as of today, so the listing (in force from 2026-11-20) applies
    assert report.rescreen.verdict_changes[0]["new"] == "PROHIBITED"


def test_counterparty_without_open_or_recent_shipment_gets_a_counterparty_alert(db, tmp_path):
    screen_and_record(db, [shipment("C-1", NEW_JP_NAME, date="2024-03-01")], actor="alice", channel="cli")
    from sqlalchemy import update

    from dualuse.storage.models import ShipmentRow

    with db.write() as session:  # make the shipment old: screened long ago
        session.execute(update(ShipmentRow).values(last_screened_at="2024-03-01T00:00:00.000000Z"))
    report = _update(db, write_ftm(tmp_path / "no40.jsonl", [new_japanese_entity()]))
    assert report.rescreen.shipments_rescreened == 0
    [alert_id] = report.rescreen.counterparty_alerts
    alert = alerts.get_alert(db, alert_id)
    assert alert["kind"] == "counterparty_list_change" and alert["shipment_id"] is None and alert["party_name"] == NEW_JP_NAME


def test_whitelist_lapses_when_the_list_entry_changes(db, tmp_path):
    first = screen_and_record(db, [shipment("L-1", POSSIBLE_NAME)], actor="alice", channel="cli")[0]
    outcome = alerts.decide_alert(db, first.alerts_opened[0], "false_positive", "different company (registry)", "bob", whitelist=True)
    wid = outcome.whitelist_id
    assert screen_and_record(db, [shipment("L-2", POSSIBLE_NAME)], actor="alice", channel="cli")[0].alerts_opened == []

    # an unrelated update leaves the whitelist entry alone
    report = _update(db, write_ftm(tmp_path / "other.jsonl", [new_japanese_entity()]))
    assert report.lapsed == [] and alerts.list_whitelist(db)[0]["id"] == wid

    # MOFCOM publishes a new name form for the watch-list entry: its fingerprint changes
    renamed = ftm_entity(POSSIBLE_ENTRY, ["Sun Tectro Co., Ltd.", "三泰克托株式会社", "サンテクトロ株式会社"], list_id="CN-WL", program="商务部公告2026年第12号", start="2026-02-24")
    report = _update(db, write_ftm(tmp_path / "renamed.jsonl", [renamed]), as_of=TODAY + dt.timedelta(days=1))
    assert [c.entry_id for c in report.diff.changed] == [POSSIBLE_ENTRY]
    assert report.diff.changed[0].fields["names"]["added"] == ["サンテクトロ株式会社"]
    assert [w["id"] for w in report.lapsed] == [wid]
    [lapsed] = alerts.list_whitelist(db, "lapsed")
    assert "changed in list version" in lapsed["end_reason"]
    assert alerts.list_whitelist(db) == []
    # the open or recent shipments of the counterparty are screened again: the hit is back, as a new alert
    assert report.rescreen.shipments_rescreened == 2
    assert len(report.rescreen.shipment_alerts) == 2
    assert all(alerts.shipment_view(db, s)["status"] == "pending_review" for s in ("L-1", "L-2"))
    # and new shipments raise it again
    assert len(screen_and_record(db, [shipment("L-3", POSSIBLE_NAME)], actor="alice", channel="cli")[0].alerts_opened) == 1


def test_status_change_is_reported_and_whitelist_lapses(db, tmp_path):
    first = screen_and_record(db, [shipment("S-1", POSSIBLE_NAME)], actor="alice", channel="cli")[0]
    alerts.decide_alert(db, first.alerts_opened[0], "false_positive", "different company", "bob", whitelist=True)
    removed = ftm_entity(POSSIBLE_ENTRY, ["Sun Tectro Co., Ltd."], list_id="CN-WL", program="商务部公告2026年第12号", start="2026-02-24", endDate=["2026-11-01"])
    report = _update(db, write_ftm(tmp_path / "removed.jsonl", [removed]))
    assert report.diff.status_changes[POSSIBLE_ENTRY]["old"] == "in_force"
    assert report.diff.status_changes[POSSIBLE_ENTRY]["new"] == "removed"
    assert len(report.lapsed) == 1


@pytest.mark.parametrize(
    "lines, expected",
    [
        (['{"id": "x", "schema": "Company", "properties": {"name": ["A"]}', "not json"], ["line 1: not valid JSON", "line 2: not valid JSON"]),
        ([{"id": "e1", "schema": "Company", "datasets": ["CN-ECL"], "properties": {"country": ["jp"]}}], ["line 1 (e1): no \"name\" property"]),
        ([ftm_entity("e2", ["Nowhere Co"], list_id="XX-NONE", program="商务部公告2026年第41号")], ["line 1 (e2): cannot tell which list"]),
        ([ftm_entity("e3", ["Dateless Co"], start="2026-13-45")], ["line 1 (e3): startDate '2026-13-45' is not a date"]),
        ([ftm_entity("e4", ["Urlless Co"], url="")], ["line 1 (e4): no sourceUrl"]),
        ([new_japanese_entity(), new_japanese_entity()], ["line 2 (mofcom-2026-40-1): id mofcom-2026-40-1 appears twice"]),
    ],
)
def test_malformed_update_leaves_the_live_version_live(db, tmp_path, lines, expected):
    screen_and_record(db, [shipment("M-1", NEW_JP_NAME)], actor="alice", channel="cli")
    live = versions.current(db)
    path = write_ftm(tmp_path / "bad.jsonl", lines)
    with pytest.raises(updates.UpdateError) as error:
        updates.prepare(db, path, as_of=TODAY)
    message = str(error.value)
    assert "nothing was changed, the live list version stays live" in message
    for fragment in expected:
        assert fragment in message
    assert versions.current(db) == live and len(versions.history(db)) == 1
    assert alerts.shipment_view(db, "M-1")["verdict"] == "LICENSE_REQUIRED"


def test_malformed_built_directory_is_refused(db, tmp_path):
    live = versions.current(db)
    target = tmp_path / "built"
    target.mkdir()
    for name, content in versions.packaged_files().items():
        (target / name).write_bytes(content)
    with (target / store.ENTITIES).open("a", encoding="utf-8") as handle:
        handle.write('{"id": "CN-ECL:broken:1", "list": "CN-ECL", "name": "Broken"}\n')
    with pytest.raises(updates.UpdateError) as error:
        updates.prepare(db, target)
    text = str(error.value)
    assert "CN-ECL:broken:1" in text and "sha256 of entities.jsonl does not match" in text
    assert versions.current(db) == live
    with pytest.raises(updates.UpdateError, match="expected a directory laid out like ../shared/data"):
        updates.prepare(db, tmp_path)
    with pytest.raises(updates.UpdateError, match="does not exist"):
        updates.prepare(db, tmp_path / "missing.jsonl")


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/data is not present")
def test_raw_directory_update_like_shared_data(db, tmp_path):
    """A newer snapshot in the converter's own layout: MOFCOM adds a Japanese entity (cn-lists.json)."""
    if db.dialect != "sqlite":
        pytest.skip("the conversion is the same on every database; SQLite is enough")
    screen_and_record(db, [shipment("D-1", NEW_JP_NAME)], actor="alice", channel="cli")
    source = tmp_path / "data"
    shutil.copytree(SHARED, source)
    lists = source / "raw" / "mofcom-lists" / "cn-lists.json"
    lists.chmod(0o644)
    data = json.loads(lists.read_text(encoding="utf-8"))
    data["stamps"][0]["asOf"] = "2026-12-01"
    data["entries"].append(
        {
            "id": "CN-ECL:MOFCOM-2026-40:1", "list": "CN-ECL", "name": NEW_JP_NAME, "altNames": [NEW_JP_ZH], "type": "Entity",
            "countries": ["JP"], "addresses": [], "programs": ["商务部公告2026年第40号 — 1 JP entity"], "startDate": "2026-11-20",
            "sourceUrl": "https://www.mofcom.gov.cn/zwgk/zcfb/art/2026/example-40.html", "cnStatus": "active",
        }
    )
    lists.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    prepared = updates.prepare(db, source, curated=CURATED)
    assert prepared.source_kind == "directory" and prepared.version.startswith("2026-12-01+")
    report = updates.apply(db, prepared, actor="admin", today=TODAY)
    assert [e.id for e in report.diff.added] == ["CN-ECL:MOFCOM-2026-40:1"]
    assert report.rescreen.verdict_changes[0]["new"] == "PROHIBITED"
    # a malformed snapshot (an entry without a source URL) is refused by the converter
    data["entries"][-1]["sourceUrl"] = ""
    lists.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(updates.UpdateError, match="missing sourceUrl"):
        updates.prepare(db, source, curated=CURATED)
    assert versions.current(db).version == report.new.version


def test_screening_reads_the_live_version_once_per_change_and_sees_an_update_made_elsewhere(db, tmp_path):
    from dualuse.storage.db import open_database

    first = versions.live_for_screening(db)
    assert versions.live_for_screening(db) is first  # no change: the version read before
    elsewhere = open_database(db.url)  # another process's connection to the same records
    report = _update(elsewhere, write_ftm(tmp_path / "no40.jsonl", [new_japanese_entity()]))
    now = versions.live_for_screening(db)
    assert now.seq == first.seq + 1 == report.new.seq and now.version == report.new.version
    assert live_screener(db)[0].seq == now.seq

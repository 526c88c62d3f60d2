"""Re-screening after a list update on worker processes records exactly what the serial re-screening records."""

from __future__ import annotations

import datetime as dt
import json

from recordkit import NEW_JP_NAME, new_japanese_entity, shipment, write_ftm

from dualuse.service import rescreen, updates
from dualuse.service.screening import screen_and_record
from dualuse.storage.db import open_database

TODAY = dt.date(2026, 11, 29)


def _after_update(url: str, tmp_path, workers: int):
    db = open_database(url)
    names = [NEW_JP_NAME, "Kanazawa Seimitsu Kogyo K.K.", NEW_JP_NAME, "Toyama Optics Co., Ltd."]
    screen_and_record(db, [shipment(f"J-{i}", name) for i, name in enumerate(names)], actor="alice", channel="cli")
    folder = tmp_path / f"update-{workers}"
    folder.mkdir()
    prepared = updates.prepare(db, write_ftm(folder / "no40.jsonl", [new_japanese_entity()]), as_of=TODAY)
    report = updates.apply(db, prepared, actor="admin", today=TODAY, workers=workers)
    with db.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT subject, channel, verdict, payload FROM audit_records WHERE kind = 'screening' ORDER BY seq").fetchall()
    screenings = [(s, c, v, json.loads(p)["decision"]) for s, c, v, p in rows]
    return report.rescreen, screenings


def test_parallel_rescreen_records_what_the_serial_one_records(tmp_path, monkeypatch):
    monkeypatch.setattr(rescreen, "PARALLEL_FROM", 2)  # the four shipments go to the pool
    serial, serial_records = _after_update(f"sqlite:///{tmp_path / 'serial.db'}", tmp_path, workers=1)
    parallel, parallel_records = _after_update(f"sqlite:///{tmp_path / 'parallel.db'}", tmp_path, workers=2)
    assert parallel.shipments_rescreened == serial.shipments_rescreened == 2
    assert [c["shipment_id"] for c in parallel.verdict_changes] == ["J-0", "J-2"]
    assert [(c["old"], c["new"]) for c in parallel.verdict_changes] == [(c["old"], c["new"]) for c in serial.verdict_changes]
    assert len(parallel.shipment_alerts) == len(serial.shipment_alerts) == 2
    assert [(s, c, v) for s, c, v, _ in parallel_records] == [(s, c, v) for s, c, v, _ in serial_records]
    assert [d for *_, d in parallel_records] == [d for *_, d in serial_records]
    assert [c for _, c, _, _ in parallel_records].count("rescreen") == 2

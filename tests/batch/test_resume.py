"""A batch killed with SIGKILL mid-way and run again with the same arguments gives the same output and records."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.batch.conftest import repeated_examples

ROOT = Path(__file__).resolve().parents[2]


def _screen(input_csv: Path, output: Path, db: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "DUALUSE_ACTOR": "pytest"}
    return subprocess.Popen([sys.executable, "-m", "dualuse", "screen", str(input_csv), "-o", str(output), "--db", str(db),
                             "--workers", "1"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _count(db: Path, sql: str) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return conn.execute(sql).fetchone()[0]
    except sqlite3.OperationalError:  # not migrated yet
        return 0


def _records(db: Path) -> dict[str, list[str]]:
    """Shipment id -> the decisions of its screening records (history), and the stored latest state."""
    with sqlite3.connect(db) as conn:
        found: dict[str, list[str]] = {}
        for subject, payload in conn.execute("SELECT subject, payload FROM audit_records WHERE kind = 'screening' ORDER BY seq"):
            found.setdefault(subject, []).append(json.dumps(json.loads(payload)["decision"], sort_keys=True))
        alerts = sorted(conn.execute("SELECT shipment_id, kind, dedupe_key, status FROM alerts").fetchall())
    return {"screenings": found, "alerts": alerts}


def test_a_batch_killed_mid_way_resumes_without_duplicates(tmp_path):
    source = repeated_examples(tmp_path / "shipments.csv", 5)  # 155 shipments: three batches of 64
    full_out, full_db = tmp_path / "full.jsonl", tmp_path / "full.db"
    run = _screen(source, full_out, full_db)
    assert run.wait(timeout=900) == 0, run.stderr.read().decode()

    out, db = tmp_path / "resumed.jsonl", tmp_path / "resumed.db"
    victim = _screen(source, out, db)
    deadline = time.monotonic() + 900
    # kill inside the second batch: after its first records, before its journal write (replayed on resume)
    while _count(db, "SELECT count(*) FROM batch_items") < 70 and time.monotonic() < deadline:
        assert victim.poll() is None, victim.stderr.read().decode()
        time.sleep(0.05)
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=60)
    killed_at = _count(db, "SELECT count(*) FROM batch_items")
    assert 70 <= killed_at < 155
    assert not out.exists()  # the output appears only complete

    again = _screen(source, out, db)
    assert again.wait(timeout=900) == 0, again.stderr.read().decode()
    assert "resumed an interrupted run" in again.stderr.read().decode()
    assert out.read_bytes() == full_out.read_bytes()
    resumed, uninterrupted = _records(db), _records(full_db)
    assert all(len(history) == 1 for history in resumed["screenings"].values())  # no shipment recorded twice
    assert len(resumed["screenings"]) == 155
    assert resumed == uninterrupted
    assert _count(db, "SELECT count(*) FROM batch_items") == 155
    assert not list(tmp_path.glob(".resumed.jsonl.dualuse-run"))  # the run's folder is gone once complete


def test_a_completed_run_started_again_is_a_new_screening(tmp_path, examples_csv):
    from dualuse.batch.run import Plan, screen_file, validate
    from dualuse.storage.db import open_database

    db = open_database(f"sqlite:///{tmp_path / 'records.db'}")
    total = validate(examples_csv).shipments
    plan = dict(path=examples_csv, format="jsonl", output=tmp_path / "out.jsonl", workers=1, db=db, record=True)
    first, _ = screen_file(Plan(**plan), total)
    second, _ = screen_file(Plan(**plan), total)
    assert (first.recorded, second.recorded, second.resumed) == (31, 31, 0)
    assert second.first_seq == first.last_seq + 1
    with db.engine.connect() as conn:
        runs = conn.exec_driver_sql("SELECT count(DISTINCT run_key), count(*) FROM batch_items").fetchone()
    assert tuple(runs) == (2, 62)

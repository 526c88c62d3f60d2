"""Killed at any instant (SIGKILL), a recording screen, a list update and an alert decision leave the
database before or after the operation, the audit chain verifying; a re-run does not duplicate (issue 15).

Each operation runs in a forked child (the parent has loaded the screener, so the child starts at once)
that the parent kills with SIGKILL after one of :data:`POINTS` delays spread over the operation's measured
duration (from before the first write to after the commit), on SQLite and PostgreSQL.

What "before or after" means per operation:

* screen: each shipment is its own transaction, so the recorded shipments are a prefix of the file, each
  with exactly one screening record and its shipment row; a re-run of the rest records each once. (A
  plain ``dualuse screen`` of the same file again is a new screening by design; batch runs resume
  without duplicates through their run id, tests/batch/test_resume.py.)
* list update: the live version is the old or the new one, with exactly one ``list_update`` record for a
  new version; applying the same file again changes nothing once it is live.
* alert decision: the alert is open without a decision record, or decided with exactly one; deciding
  again after a completed decision is refused (409), never recorded twice.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import time

import pytest
from recordkit import POSSIBLE_NAME, ftm_entity, shipment, write_ftm
from sqlalchemy import func, select

from dualuse.service import alerts, audit, updates, versions
from dualuse.service.alerts import ReviewError
from dualuse.service.screening import live_screener, screen_and_record
from dualuse.storage.db import Database
from dualuse.storage.models import Alert, AuditRecord, ShipmentRow

POINTS = 20
TODAY = dt.date(2026, 11, 29)


class Points:
    """:data:`POINTS` kill delays spread over the operation's duration, re-estimated as the shortest
    unkilled run seen so far (the machine's load varies; a kill after the end tests nothing new)."""

    def __init__(self, duration: float):
        self.duration = duration

    def __iter__(self):
        for i in range(POINTS):
            yield i, self.duration * 0.95 * (i + 0.5) / POINTS

    def finished(self, seconds: float) -> None:
        self.duration = min(self.duration, seconds)


def _run_killed(url: str, work, delay: float | None, points: Points | None = None) -> bool:
    """Run ``work(Database(url))`` in a forked child; SIGKILL it after ``delay`` s. True when it was killed before finishing."""
    pid = os.fork()
    if pid == 0:  # the child: its own engine and connections
        code = 0
        try:
            work(Database(url))
        except BaseException:  # noqa: BLE001
            code = 3
        os._exit(code)
    start = time.perf_counter()
    if delay is not None:
        time.sleep(delay)
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    killed = os.WIFSIGNALED(status)
    if not killed and points is not None:
        points.finished(time.perf_counter() - start)
    assert killed or os.WEXITSTATUS(status) == 0, f"the child failed (exit {os.WEXITSTATUS(status)})"
    return killed


def _timed(url: str, work, runs: int = 3) -> float:
    """The shortest of ``runs`` unkilled runs (the first warms the database's caches)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        _run_killed(url, work, None)
        times.append(time.perf_counter() - start)
    return min(times)


def _count(db, *where) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(AuditRecord).where(*where))


def _verifies(db) -> None:
    report = audit.verify(db)
    assert report.ok, [p.message for p in report.problems]


@pytest.fixture
def warm(db):
    live_screener(db)  # loaded in the parent, inherited by every child
    return db


def test_screen_killed_at_20_points(warm):
    db, url = warm, warm.url
    names = ["Kanazawa Seimitsu Kogyo K.K.", POSSIBLE_NAME, "Kanazawa Seimitsu Kogyo K.K.", POSSIBLE_NAME, "Tokyo Trading K.K."]

    def batch(tag):
        return [shipment(f"K-{tag}-{i}", name) for i, name in enumerate(names)]

    duration = _timed(url, lambda d: screen_and_record(d, batch(f"t{time.perf_counter_ns()}"), actor="alice", channel="cli"))
    outcomes = {"killed": 0, "finished": 0, "partial": 0}
    points = Points(duration)
    for point, delay in points:
        ids = [s.id for s in batch(point)]
        killed = _run_killed(url, lambda d, p=point: screen_and_record(d, batch(p), actor="alice", channel="cli"), delay, points)
        outcomes["killed" if killed else "finished"] += 1
        counts = [_count(db, AuditRecord.kind == "screening", AuditRecord.subject == sid) for sid in ids]
        assert all(c in (0, 1) for c in counts), (point, counts)
        done = sum(counts)
        assert counts == [1] * done + [0] * (len(ids) - done), (point, counts)  # a prefix, nothing half-done
        outcomes["partial"] += 0 < done < len(ids)
        with db.read() as session:
            rows = session.scalar(select(func.count()).select_from(ShipmentRow).where(ShipmentRow.shipment_id.in_(ids)))
        assert rows == done
        _verifies(db)
        rest = batch(point)[done:]
        if rest:
            screen_and_record(db, rest, actor="alice", channel="cli")  # the re-run of what was not recorded
        assert [_count(db, AuditRecord.kind == "screening", AuditRecord.subject == sid) for sid in ids] == [1] * len(ids)
    _verifies(db)
    assert outcomes["killed"] >= POINTS // 2, outcomes
    print(f"screen kill points: {outcomes}")


def test_list_update_killed_at_20_points(warm, tmp_path):
    db, url = warm, warm.url

    def update(d, path):
        prepared = updates.prepare(d, path, as_of=TODAY)
        updates.apply(d, prepared, actor="admin", today=TODAY)

    probe = write_ftm(tmp_path / "probe.jsonl", [ftm_entity("kill-probe", ["Probe Kogyo K.K."])])
    duration = _timed(url, lambda d: update(d, probe), runs=1)
    killed_count = 0
    points = Points(duration)
    rerun = {"before": False, "after": False}
    for point, delay in points:
        path = write_ftm(tmp_path / f"u{point}.jsonl", [ftm_entity(f"kill-{point}", [f"Killpoint {point} Seimitsu K.K."])])
        before = versions.current(db)
        history = len(versions.history(db))
        updates_before = _count(db, AuditRecord.kind == "list_update")
        killed_count += _run_killed(url, lambda d, p=path: update(d, p), delay, points)
        after = versions.current(db)
        added = len(versions.history(db)) - history
        assert added in (0, 1) and _count(db, AuditRecord.kind == "list_update") - updates_before == added
        assert (after == before) == (added == 0), point
        _verifies(db)
        state = "after" if added else "before"
        if not rerun[state]:  # the re-run (once for each outcome: a list update re-screens, it is slow)
            rerun[state] = True
            update(db, path)  # applies once, or changes nothing when the kill came after the commit
            assert len(versions.history(db)) == history + 1 and _count(db, AuditRecord.kind == "list_update") == updates_before + 1
            assert any(f"kill-{point}" in e.id for e in versions.entries_of(db, versions.current(db)))
    _verifies(db)
    print(f"kill points: {POINTS}, killed before finishing: {killed_count}")
    assert killed_count >= POINTS // 2


def test_alert_decision_killed_at_20_points(warm):
    db, url = warm, warm.url
    results = screen_and_record(db, [shipment(f"D-{i}", POSSIBLE_NAME) for i in range(POINTS + 1)], actor="alice", channel="cli")
    alert_ids = [r.alerts_opened[0] for r in results]

    def decide(d, alert_id):
        alerts.decide_alert(d, alert_id, "false_positive", "not the listed firm: registry extract", actor="bob")

    duration = _timed(url, lambda d: decide(d, alert_ids[-1]), runs=1)
    killed_count = 0
    points = Points(duration)
    for point, delay in points:
        alert_id = alert_ids[point]
        killed_count += _run_killed(url, lambda d, a=alert_id: decide(d, a), delay, points)
        with db.read() as session:
            status = session.get(Alert, alert_id).status
        records = _count(db, AuditRecord.kind == "alert_decision", AuditRecord.subject == f"alert:{alert_id}")
        assert (status, records) in (("open", 0), ("false_positive", 1)), (point, status, records)
        _verifies(db)
        if status == "open":
            decide(db, alert_id)  # the re-run
        with pytest.raises(ReviewError):
            decide(db, alert_id)  # a second decision is refused, never recorded twice
        assert _count(db, AuditRecord.kind == "alert_decision", AuditRecord.subject == f"alert:{alert_id}") == 1
    _verifies(db)
    print(f"kill points: {POINTS}, killed before finishing: {killed_count}")
    assert killed_count >= POINTS // 2

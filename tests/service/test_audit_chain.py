"""The audit chain: append-only, every edited or deleted record detected and named (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from recordkit import POSSIBLE_NAME, shipment
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from dualuse.service import audit
from dualuse.service.screening import screen_and_record
from dualuse.storage import chain


def _record_five(db) -> list[int]:
    results = screen_and_record(db, [shipment(f"A-{i}", POSSIBLE_NAME if i == 3 else "Kanazawa Seimitsu Kogyo K.K.") for i in range(1, 6)], actor="alice", channel="cli")
    return [r.record_seq for r in results]


def _tamper(db, statement: str, **params) -> None:
    """Change the table the way an intruder would: with the append-only trigger out of the way."""
    with db.engine.begin() as conn:
        if db.dialect == "postgresql":
            conn.execute(text("SET LOCAL session_replication_role = replica"))  # triggers off for this transaction
            conn.execute(text(statement), params)
        else:
            conn.execute(text("DROP TRIGGER IF EXISTS audit_records_no_update"))
            conn.execute(text("DROP TRIGGER IF EXISTS audit_records_no_delete"))
            conn.execute(text(statement), params)


def test_intact_chain_verifies(db):
    seqs = _record_five(db)
    report = audit.verify(db)
    assert report.ok, report.problems
    assert report.records == len(seqs) == 5 and report.head_seq == 5


def test_records_cannot_be_changed_or_deleted_through_the_database(db):
    _record_five(db)
    for statement in ("UPDATE audit_records SET actor = 'mallory' WHERE seq = 2", "DELETE FROM audit_records WHERE seq = 2"):
        with pytest.raises(DBAPIError, match="append-only"):
            with db.engine.begin() as conn:
                conn.execute(text(statement))
    assert audit.verify(db).ok


def test_an_edited_and_a_deleted_record_are_both_detected_and_named(db):
    _record_five(db)
    _tamper(db, "UPDATE audit_records SET payload = replace(payload, 'REVIEW', 'NOT_CONTROLLED'), verdict = 'NOT_CONTROLLED' WHERE seq = 3")
    _tamper(db, "DELETE FROM audit_records WHERE seq = 4")
    report = audit.verify(db)
    assert not report.ok
    kinds = {(p.kind, p.seq) for p in report.problems}
    assert ("altered", 3) in kinds
    assert ("missing", 4) in kinds
    messages = "\n".join(p.message for p in report.problems)
    assert "record 3 (screening of A-3" in messages and "was altered" in messages
    assert "record 4 deleted" in messages and "latest screening of shipment A-4" in messages


def test_an_edited_record_with_a_recomputed_hash_is_named_through_the_broken_link(db):
    _record_five(db)
    with db.read() as session:
        record = session.get(chain.AuditRecord, 2)
        fields = {name: getattr(record, name) for name in chain.HASHED_FIELDS}
    fields["actor"] = "mallory"
    forged = chain.record_hash(fields)
    _tamper(db, "UPDATE audit_records SET actor = 'mallory', hash = :h WHERE seq = 2", h=forged)
    report = audit.verify(db)
    assert [(p.kind, p.seq) for p in report.problems] == [("link", 2)]
    assert "record 2 was altered or replaced" in report.problems[0].message


def test_deleting_the_last_records_is_detected(db):
    _record_five(db)
    _tamper(db, "DELETE FROM audit_records WHERE seq >= 4")
    report = audit.verify(db)
    assert [(p.kind, p.seq, p.last_seq) for p in report.problems] == [("missing", 4, 5)]
    assert "records 4-5 deleted from the end of the chain" in report.problems[0].message


def test_a_rewritten_tail_is_caught_by_an_earlier_head(db):
    _record_five(db)
    head = audit.verify(db)
    assert audit.verify(db, (head.head_seq, head.head_hash)).ok
    _tamper(db, "DELETE FROM audit_records WHERE seq = 5")
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_head SET seq = 4, hash = (SELECT hash FROM audit_records WHERE seq = 4) WHERE id = 1"))
    assert audit.verify(db).ok  # consistent on its own ...
    report = audit.verify(db, (head.head_seq, head.head_hash))
    assert [p.kind for p in report.problems] == ["anchor"]  # ... but not with the head noted before


def test_export_round_trips_and_verifies_offline(db, tmp_path):
    _record_five(db)
    out = tmp_path / "audit.jsonl"
    assert audit.export_jsonl(db, out) == 5
    assert audit.verify_export(out).ok
    lines = out.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace('"actor": "alice"', '"actor": "mallory"')
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = audit.verify_export(out)
    assert [(p.kind, p.seq) for p in report.problems] == [("altered", 2)]
    xlsx = tmp_path / "audit.xlsx"
    assert audit.export_xlsx(db, xlsx) == 5
    import openpyxl

    book = openpyxl.load_workbook(xlsx, read_only=True)
    assert book.sheetnames == ["Records", "Screenings", "Alerts", "Whitelist", "List versions"]
    screenings = list(book["Screenings"].iter_rows(values_only=True))
    assert len(screenings) == 6 and screenings[3][4] == "A-3" and screenings[3][10] == "REVIEW"

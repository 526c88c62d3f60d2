"""Tampering with the audit table: edits, deletions, reorderings and a forged re-computed chain are detected;
the head anchored outside the database (signed) catches the forgery (SQLite and PostgreSQL)."""

from __future__ import annotations

import json

import pytest
from recordkit import POSSIBLE_NAME, shipment
from sqlalchemy import select, text
from typer.testing import CliRunner

from dualuse.cli.app import app as cli
from dualuse.service import anchor, audit
from dualuse.service.screening import screen_and_record
from dualuse.storage import chain
from dualuse.storage.models import AuditRecord


def _record_five(db):
    screen_and_record(db, [shipment(f"T-{i}", POSSIBLE_NAME if i == 3 else "Kanazawa Seimitsu Kogyo K.K.") for i in range(1, 6)], actor="alice", channel="cli")


def _tamper(db, *statements) -> None:
    with db.engine.begin() as conn:
        if db.dialect == "postgresql":
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        else:
            conn.execute(text("DROP TRIGGER IF EXISTS audit_records_no_update"))
            conn.execute(text("DROP TRIGGER IF EXISTS audit_records_no_delete"))
        for statement, params in statements:
            conn.execute(text(statement), params)


def _forge_from(db, seq: int) -> None:
    """Edit record ``seq`` and recompute every hash and link after it, and the head: a forged chain."""
    with db.read() as session:
        records = [{name: getattr(r, name) for name in chain.HASHED_FIELDS} | {"hash": r.hash}
                   for r in session.scalars(select(AuditRecord).order_by(AuditRecord.seq))]
    previous = chain.GENESIS
    statements = []
    for fields in records:
        if fields["seq"] == seq:
            fields["actor"] = "mallory"
        if fields["seq"] >= seq:
            fields["prev_hash"] = previous
            fields["hash"] = chain.record_hash(fields)
            statements.append(("UPDATE audit_records SET actor = :actor, prev_hash = :prev, hash = :hash WHERE seq = :seq",
                               {"actor": fields["actor"], "prev": fields["prev_hash"], "hash": fields["hash"], "seq": fields["seq"]}))
        previous = fields["hash"]
    statements.append(("UPDATE audit_head SET seq = :seq, hash = :hash WHERE id = 1", {"seq": records[-1]["seq"], "hash": previous}))
    _tamper(db, *statements)


def test_reordering_two_records_is_detected(db):
    _record_five(db)
    _tamper(db, ("UPDATE audit_records SET seq = 1000 WHERE seq = 2", {}), ("UPDATE audit_records SET seq = 2 WHERE seq = 3", {}),
            ("UPDATE audit_records SET seq = 3 WHERE seq = 1000", {}))
    report = audit.verify(db)
    assert {(p.kind, p.seq) for p in report.problems} >= {("altered", 2), ("altered", 3)}


def test_a_forged_recomputed_chain_passes_alone_and_fails_against_the_anchored_head(db, tmp_path):
    _record_five(db)
    key = b"k" * 32
    path = anchor.write_anchor(tmp_path / "head.json", anchor.head_statement(db), key)
    _forge_from(db, 2)
    assert audit.verify(db).ok  # consistent on its own: only an outside anchor can tell
    report = audit.verify(db, anchor.read_anchor(path, key))
    assert [p.kind for p in report.problems] == ["anchor"]


def test_a_changed_or_resigned_anchor_file_is_refused(tmp_path, db):
    _record_five(db)
    key = b"s" * 32
    path = anchor.write_anchor(tmp_path / "head.json", anchor.head_statement(db), key)
    document = json.loads(path.read_text())
    document["dualuse_audit_head"]["hash"] = "0" * 64
    path.write_text(json.dumps(document))
    with pytest.raises(anchor.AnchorError, match="signature does not match"):
        anchor.read_anchor(path, key)
    with pytest.raises(anchor.AnchorError, match="give the key"):
        anchor.read_anchor(path)
    unsigned = anchor.write_anchor(tmp_path / "plain.json", anchor.head_statement(db))
    with pytest.raises(anchor.AnchorError, match="not signed"):
        anchor.read_anchor(unsigned, key)


def test_cli_audit_head_and_verify_with_the_anchor(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    from dualuse.storage.db import Database

    db = Database(url)
    _record_five(db)
    key_file = tmp_path / "anchor.key"
    key_file.write_text("x" * 40)
    runner = CliRunner()
    head = runner.invoke(cli, ["audit", "head", "--db", url, "-o", str(tmp_path / "head.json"), "--key-file", str(key_file)])
    assert head.exit_code == 0, head.output
    seq, _, digest = head.output.strip().splitlines()[0].partition(":")
    assert int(seq) == 5 and len(digest) == 64
    ok = runner.invoke(cli, ["audit", "verify", "--db", url, "--anchor", str(tmp_path / "head.json"), "--key-file", str(key_file)])
    assert ok.exit_code == 0, ok.output
    _forge_from(db, 3)
    forged = runner.invoke(cli, ["audit", "verify", "--db", url, "--anchor", str(tmp_path / "head.json"), "--key-file", str(key_file)])
    assert forged.exit_code == 1, forged.output
    by_head = runner.invoke(cli, ["audit", "verify", "--db", url, "--expect-head", f"{seq}:{digest}"])
    assert by_head.exit_code == 1

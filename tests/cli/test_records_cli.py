"""The record commands: screen records by default, lists update/history/diff, alerts, whitelist, audit, keys."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from recordkit import NEW_JP_NAME, POSSIBLE_NAME, new_japanese_entity, shipment_json, write_ftm
from typer.testing import CliRunner

from dualuse.cli.app import app

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("DUALUSE_DB", str(tmp_path / "records.db"))
    monkeypatch.setenv("DUALUSE_ACTOR", "alice")
    return tmp_path


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def _shipments(path: Path, *items: dict) -> Path:
    path.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8")
    return path


def test_screen_records_by_default_and_not_with_no_record(env):
    file = _shipments(env / "s.jsonl", shipment_json("C-1", POSSIBLE_NAME), shipment_json("C-2", NEW_JP_NAME))
    result = invoke("screen", str(file), "--format", "jsonl")
    assert result.exit_code == 0
    assert "recorded 2 screening(s)" in result.stderr and "1 alert(s) opened" in result.stderr
    assert [json.loads(line)["verdict"] for line in result.stdout.splitlines()] == ["REVIEW", "LICENSE_REQUIRED"]
    result = invoke("screen", str(file), "--no-record", "--format", "jsonl")
    assert result.exit_code == 0 and "recorded 2" not in result.stderr and "not recorded (--no-record)" in result.stderr
    verify = invoke("audit", "verify")
    assert verify.exit_code == 0 and "2 records" in verify.stdout


def test_review_cycle_on_the_command_line(env):
    file = _shipments(env / "s.jsonl", shipment_json("C-3", POSSIBLE_NAME))
    invoke("screen", str(file))
    listed = invoke("alerts", "--format", "json")
    alerts = json.loads(listed.stdout)["alerts"]
    assert len(alerts) == 1 and alerts[0]["kind"] == "possible_match"
    evidence = env / "evidence.txt"
    evidence.write_text("registry extract", encoding="utf-8")
    decided = invoke("alerts", "decide", str(alerts[0]["id"]), "--status", "false_positive", "--reason", "different company", "--attach", str(evidence), "--whitelist")
    assert decided.exit_code == 0, decided.output
    assert "false positive by alice" in decided.stdout and "all alerts closed; final decision" in decided.stdout
    again = invoke("alerts", "decide", str(alerts[0]["id"]), "--status", "confirmed", "--reason", "again")
    assert again.exit_code == 2 and "closed already" in again.stderr
    assert json.loads(invoke("whitelist", "--format", "json").stdout)[0]["counterparty"] == POSSIBLE_NAME
    shown = json.loads(invoke("shipments", "show", "C-3", "--format", "json").stdout)
    assert shown["status"] == "final" and shown["verdict"] == "LICENSE_REQUIRED"
    bad = invoke("alerts", "decide", "1", "--status", "maybe", "--reason", "x y z")
    assert bad.exit_code == 2 and "expected one of confirmed, false_positive, escalated" in bad.stderr


def test_lists_update_history_diff_and_the_live_version_everywhere(env):
    invoke("screen", str(_shipments(env / "s.jsonl", shipment_json("C-4", NEW_JP_NAME))))
    update = write_ftm(env / "no40.jsonl", [new_japanese_entity()])
    dry = invoke("lists", "update", str(update), "--dry-run", "--format", "json")
    assert dry.exit_code == 0 and json.loads(dry.stdout)["diff"]["counts"]["added"] == 1
    assert len(json.loads(invoke("lists", "history", "--format", "json").stdout)) == 1
    result = invoke("lists", "update", str(update), "--as-of", "2026-11-29")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Added" in out and "List changes" in out
    assert "shipment C-4: LICENSE_REQUIRED → PROHIBITED" in out and "1 new alert(s)" in out
    history = json.loads(invoke("lists", "history", "--format", "json").stdout)
    assert [v["current"] for v in history] == [False, True]
    diff = json.loads(invoke("lists", "diff", "1", "2", "--format", "json").stdout)
    assert diff["counts"]["added"] == 1 and diff["added"][0]["name"] == NEW_JP_NAME
    # match, lists and screen read the live version
    matched = invoke("match", NEW_JP_NAME, "--format", "jsonl")
    assert json.loads(matched.stdout)["hits"][0]["name"] == NEW_JP_NAME
    assert "153" in invoke("lists").stdout
    bad = write_ftm(env / "bad.jsonl", ["{broken"])
    refused = invoke("lists", "update", str(bad))
    assert refused.exit_code == 2 and "line 1: not valid JSON" in refused.stderr and "stays live" in refused.stderr
    assert len(json.loads(invoke("lists", "history", "--format", "json").stdout)) == 2
    unknown = invoke("lists", "diff", "7")
    assert unknown.exit_code == 2 and "no list version '7'" in unknown.stderr


def test_audit_export_and_keys(env):
    invoke("screen", str(_shipments(env / "s.jsonl", shipment_json("C-5", NEW_JP_NAME))))
    key = invoke("keys", "create", "--role", "reviewer", "--name", "erp")
    assert key.exit_code == 0 and key.stdout.strip().startswith("du_") and "not shown again" in key.stderr
    keys = json.loads(invoke("keys", "list", "--format", "json").stdout)
    assert keys[0]["role"] == "reviewer" and keys[0]["prefix"] == key.stdout.strip()[:10]
    assert invoke("keys", "create", "--role", "root", "--name", "x").exit_code == 2
    jsonl, xlsx = env / "audit.jsonl", env / "audit.xlsx"
    assert invoke("audit", "export", "-o", str(jsonl)).exit_code == 0
    assert invoke("audit", "export", "-o", str(xlsx)).exit_code == 0 and xlsx.stat().st_size > 0
    kinds = [json.loads(line)["kind"] for line in jsonl.read_text(encoding="utf-8").splitlines()]
    assert kinds == ["screening", "key_create"]
    assert invoke("audit", "verify", "--file", str(jsonl)).exit_code == 0
    assert invoke("keys", "revoke", "1").exit_code == 0
    assert invoke("keys", "revoke", "1").exit_code == 2


def test_audit_verify_names_tampering_and_exits_1(env):
    import sqlite3

    invoke("screen", str(_shipments(env / "s.jsonl", *(shipment_json(f"T-{i}", NEW_JP_NAME) for i in range(4)))))
    connection = sqlite3.connect(env / "records.db")
    connection.execute("DROP TRIGGER audit_records_no_update")
    connection.execute("DROP TRIGGER audit_records_no_delete")
    connection.execute("UPDATE audit_records SET actor = 'mallory' WHERE seq = 1")
    connection.execute("DELETE FROM audit_records WHERE seq = 3")
    connection.commit()
    connection.close()
    result = invoke("audit", "verify")
    assert result.exit_code == 1
    assert "record 1 (screening of T-0" in result.stdout and "was altered" in result.stdout
    assert "record 3 deleted" in result.stdout and "T-2" in result.stdout


def test_a_bad_database_url_exits_2(env):
    result = invoke("screen", str(ROOT / "examples" / "shipments.csv"), "--db", "mysql://x@y/z")
    assert result.exit_code == 2 and "expected a sqlite:// or postgresql:// URL" in result.stderr

"""The command line shows what the data knows and until when: ``dualuse lists``, ``dualuse match``."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from dualuse.cli.app import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def _no_database(tmp_path, monkeypatch):
    monkeypatch.setenv("DUALUSE_DB", str(tmp_path / "none.db"))  # no records database: the packaged data


@pytest.fixture(autouse=True)
def _wide_console(monkeypatch):
    from dualuse.cli.common import console

    monkeypatch.setattr(console, "width", 250)  # the console fixes its width when first created: COLUMNS alone may come too late


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False, env={"COLUMNS": "250"})


def test_lists_shows_the_horizon_and_the_pending_changes():
    result = invoke("lists")
    assert result.exit_code == 0
    out = result.stdout
    assert "Knowledge horizon 2026-08-05" in out
    assert "Pending changes: scheduled after the horizon, expected, not confirmed" in out
    for text in ("2026-11-10", "2026-11-27", "MOFCOM Announcement 2025 No. 72", "MOFCOM/GAC Announcement 2025 No. 70", "MOFCOM Order 2025 No. 7", "16 control codes, 2 rules"):
        assert text in out, text
    assert "Kuala Lumpur joint" in out  # the September statement, as a note


@pytest.mark.parametrize(("query", "name", "listing"), [("古屋圭司", "Keiji Furuya", "MFA decision of 2026-03-30"), ("Shigeru Iwasaki", "Shigeru Iwasaki", "MFA decision of 2025-12-15")])
def test_match_finds_the_mfa_countermeasure_entries(query, name, listing):
    result = invoke("match", query, "--format", "jsonl", "--as-of", "2026-12-07")
    assert result.exit_code == 0
    hit = json.loads(result.stdout)["hits"][0]
    assert (hit["list"], hit["name"], hit["decision"], hit["listing"]) == ("CN-AFSL", name, "match", listing)
    assert (hit["status"], hit["status_on"], hit["status_basis"]) == ("in_force", "2026-12-07", "confirmed")


def test_match_says_when_a_status_is_only_expected():
    later = json.loads(invoke("match", "Hanwha Philly Shipyard Inc.", "--format", "jsonl", "--as-of", "2026-12-07").stdout)["hits"][0]
    assert (later["status"], later["status_basis"]) == ("in_force", "expected")
    assert "the suspension ends (MOFCOM Order 2025 No. 7) on 2026-11-10" in later["status_note"]
    earlier = json.loads(invoke("match", "Hanwha Philly Shipyard Inc.", "--format", "jsonl", "--as-of", "2026-07-01").stdout)["hits"][0]
    assert (earlier["status"], earlier["status_basis"]) == ("suspended", "confirmed")
    table = invoke("match", "Hanwha Philly Shipyard Inc.", "--as-of", "2026-12-07").stdout
    assert "in_force (expected, not confirmed)" in table

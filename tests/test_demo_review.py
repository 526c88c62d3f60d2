"""``examples/demo_review.py`` runs end to end: screen, list update, new alert, review, audit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_demo_runs_through_the_cli_on_sqlite(tmp_path):
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "demo_review.py"), "--keep", str(tmp_path / "demo")],
        capture_output=True, text=True, timeout=600, check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    out = result.stdout
    assert "shipment DEMO-1: LICENSE_REQUIRED → PROHIBITED" in out
    assert "1 new alert(s)" in out
    assert "confirmed by reviewer" in out and "final decision PROHIBITED" in out
    assert "audit chain intact" in out
    assert (tmp_path / "demo" / "records.db").is_file() and (tmp_path / "demo" / "audit.xlsx").is_file()

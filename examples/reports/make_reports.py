"""Write the example report of a PROHIBITED shipment (EX-01) and the audit records it is checked against.

    .venv/bin/python examples/reports/make_reports.py

In a fresh records database (a temporary folder), it screens EX-01 of
``examples/shipments.csv`` through the CLI, issues the report with
``dualuse report EX-01 --lang zh`` and exports the audit records. It writes
here:

* ``EX-01-report-zh.pdf``   the report (Chinese and English side by side)
* ``EX-01-audit.jsonl``     the audit export: the screening record, and the
  ``report_issued`` record carrying the PDF's sha256
* ``EX-01-snapshot.json``   what the report was rendered from (taken from
  those records), so ``tests/test_report_example.py`` can render it again
  and compare the bytes

Each run makes new records (new ids and times), so the files change
together; the test checks that they agree with each other.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SHIPMENT = "EX-01"


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        rows = list(csv.DictReader((ROOT / "examples" / "shipments.csv").open(encoding="utf-8", newline="")))
        chosen = work / "shipment.csv"
        with chosen.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(r for r in rows if r["shipment id"] == SHIPMENT)
        env = {**os.environ, "DUALUSE_DB": str(work / "records.db"), "DUALUSE_ACTOR": "compliance.officer", "PYTHONPATH": str(ROOT / "src")}
        env.pop("DUALUSE_DATA_DIR", None)

        def run(*args: str) -> None:
            subprocess.run([sys.executable, "-m", "dualuse", *args], check=True, env=env, cwd=work, stdout=subprocess.DEVNULL)

        run("screen", str(chosen))
        run("report", SHIPMENT, "--lang", "zh", "-o", str(HERE / f"{SHIPMENT}-report-zh.pdf"))
        run("audit", "export", "-o", str(HERE / f"{SHIPMENT}-audit.jsonl"))
        sys.path.insert(0, str(ROOT / "src"))
        from dualuse.reports.gather import shipment_snapshot
        from dualuse.storage.db import Database

        snapshot = shipment_snapshot(Database(env["DUALUSE_DB"]), SHIPMENT)
        (HERE / f"{SHIPMENT}-snapshot.json").write_text(json.dumps(snapshot, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {SHIPMENT}-report-zh.pdf, {SHIPMENT}-audit.jsonl and {SHIPMENT}-snapshot.json in {HERE}")


if __name__ == "__main__":
    main()

"""Demo: screen, update the lists, see the new alert, review it - all through the ``dualuse`` command.

    python examples/demo_review.py [--keep DIR]

Runs in a temporary directory on a SQLite file (nothing is written to your
own records). Steps:

1. screen the example shipments (``examples/shipments.csv``) and one more
   shipment to a Japanese company that is on no list: magnets to
   "Hokuriku Precision Optics Co., Ltd." need a licence, nothing more;
2. load a list update, written as FollowTheMoney JSON lines, in which a
   (hypothetical) MOFCOM Announcement 2026 No. 40 puts that company on the
   export-control control list; dualuse validates it, stores it as a new
   version, prints the diff and re-screens only what changed;
3. show the new alert: yesterday's licence case is now prohibited;
4. a reviewer confirms it with a reason; the shipment's decision is final;
5. verify the hash-chained audit records and export them for an auditor.

The company and the announcement are invented for the demo.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
COMPANY = "Hokuriku Precision Optics Co., Ltd."
COMPANY_ZH = "北陆精密光学株式会社"


def run(*args: str, actor: str = "officer", capture: bool = False) -> str:
    """Run ``dualuse ARGS`` as ``actor``, echoing the command; return stdout when ``capture``."""
    print(f"\n$ DUALUSE_ACTOR={actor} dualuse {shlex.join(args)}", flush=True)
    env = {**os.environ, "DUALUSE_ACTOR": actor, "COLUMNS": "150"}
    result = subprocess.run([sys.executable, "-m", "dualuse", *args], env=env, text=True, capture_output=capture, check=False)
    if result.returncode != 0:
        if capture:
            sys.stdout.write(result.stdout or "")
            sys.stderr.write(result.stderr or "")
        raise SystemExit(f"dualuse {' '.join(args)} failed with exit status {result.returncode}")
    if capture:
        return result.stdout
    return ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="work in this directory and keep it (default: a temporary one)")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="dualuse-demo-"))
    work.mkdir(parents=True, exist_ok=True)
    os.environ["DUALUSE_DB"] = str(work / "records.db")
    os.environ["DUALUSE_CACHE_DIR"] = str(work / "versions")
    print(f"working in {work} (records: {work / 'records.db'})")
    today = dt.date.today()

    # 1. screen the example shipments, and one more
    run("screen", str(HERE / "shipments.csv"), "--format", "jsonl", "-o", str(work / "decisions.jsonl"))
    shipment = {
        "id": "DEMO-1",
        "date": today.isoformat(),
        "exporter": {"name": "Ningbo Yinzhou Hengyuan Magnetics Co., Ltd.", "country": "CN"},
        "consignee": {"name": COMPANY, "country": "JP"},
        "end_user": None,
        "intermediaries": [],
        "destination_country": "JP",
        "end_use": "Actuators for optical inspection equipment",
        "lines": [{"line": 1, "description": "Samarium-cobalt magnets Sm2Co17 (钐钴永磁体)", "control_code": "1C902.a.4",
                   "hs_code": "2846901940", "origin_country": "CN", "quantity": 40, "unit": "kg", "value": 12800.0, "currency": "USD"}],
    }
    demo_file = work / "demo_shipment.jsonl"
    demo_file.write_text(json.dumps(shipment, ensure_ascii=False) + "\n", encoding="utf-8")
    run("screen", str(demo_file))

    # 2. the list update: a new control-list entry, as FollowTheMoney JSON lines
    update = work / "mofcom-2026-40.ftm.jsonl"
    entity = {
        "id": "mofcom-2026-40-1",
        "schema": "Company",
        "datasets": ["CN-ECL"],
        "properties": {
            "name": [COMPANY, COMPANY_ZH],
            "country": ["jp"],
            "program": ["商务部公告2026年第40号"],
            "sourceUrl": ["https://www.mofcom.gov.cn/zwgk/zcfb/art/2026/demo-announcement-40.html"],
            "startDate": [(today - dt.timedelta(days=1)).isoformat()],
            "notes": ["Invented for the dualuse demo."],
        },
    }
    update.write_text(json.dumps(entity, ensure_ascii=False) + "\n", encoding="utf-8")
    run("lists", "update", str(update), actor="admin")
    run("lists", "history")

    # 3. the new alert
    alerts = json.loads(run("alerts", "--status", "open", "--format", "json", capture=True))["alerts"]
    new = [a for a in alerts if a["kind"] == "list_change" and a["shipment_id"] == "DEMO-1"]
    if not new:
        raise SystemExit("expected a list_change alert on DEMO-1")
    alert_id = str(new[0]["id"])
    run("alerts", "show", alert_id)

    # 4. review it
    run("alerts", "decide", alert_id, "--status", "confirmed", "--reason",
        "Consignee is the entity listed by MOFCOM Announcement 2026 No. 40; shipment stopped, customer informed", actor="reviewer")
    run("shipments", "show", "DEMO-1")

    # 5. the records
    run("audit", "verify")
    run("audit", "export", "-o", str(work / "audit.xlsx"))
    print(f"\ndone: records in {work / 'records.db'}, audit workbook {work / 'audit.xlsx'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

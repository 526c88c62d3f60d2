#!/usr/bin/env python3
"""Score dualuse on the development evaluation sets in ``../shared/eval``.

Runs the same commands a user runs:

    dualuse match --file ../shared/eval/names_dev.csv --format jsonl
    dualuse screen ../shared/eval/shipments_dev.jsonl --format jsonl
    dualuse item --file ../shared/eval/items_dev.csv --format jsonl   (benchmarks/items_eval.py)

and scores their output with ``../shared/eval/score.py``, printing its
tables. Exit status 1 when a score is below the target of the end-to-end
issue (names: recall >= 0.90 and false-alert rate <= 0.03; shipments:
verdict accuracy >= 0.90, citations and hits complete on >= 90%) or of
issue 5 (items: status accuracy >= 0.90, code in top 3 >= 0.90, no
not-controlled row called controlled).

Usage: python benchmarks/eval_dev.py [--eval-dir DIR] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGETS = {"recall": 0.90, "false_alert": 0.03, "accuracy": 0.90, "complete": 0.90}


def run(cmd: list[str], out: Path) -> None:
    with out.open("wb") as handle:
        subprocess.run(cmd, check=True, stdout=handle)


def score(eval_dir: Path, kind: str, expected: str, output: Path) -> str:
    result = subprocess.run(
        [sys.executable, str(eval_dir / "score.py"), kind, str(eval_dir / expected), str(output)],
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=REPO.parent / "shared" / "eval")
    parser.add_argument("--keep", type=Path, help="keep the dualuse outputs in this directory")
    args = parser.parse_args()
    if not (args.eval_dir / "score.py").exists():
        print(f"no evaluation sets at {args.eval_dir}; nothing to score")
        return 0
    dualuse = [sys.executable, "-m", "dualuse"]
    workdir = Path(args.keep or tempfile.mkdtemp(prefix="dualuse-eval-"))
    workdir.mkdir(parents=True, exist_ok=True)
    # score the packaged lists, and keep the evaluation's screening records out of the user's own
    os.environ["DUALUSE_DB"] = str(workdir / "eval-records.db")

    names_out = workdir / "names_dev.out.jsonl"
    run([*dualuse, "match", "--file", str(args.eval_dir / "names_dev.csv"), "--format", "jsonl"], names_out)
    names_report = score(args.eval_dir, "names", "names_dev.csv", names_out)
    print(names_report)
    ship_out = workdir / "shipments_dev.out.jsonl"
    run([*dualuse, "screen", str(args.eval_dir / "shipments_dev.jsonl"), "--format", "jsonl"], ship_out)
    ship_report = score(args.eval_dir, "shipments", "shipments_dev.jsonl", ship_out)
    print(ship_report)

    ok = True
    if (args.eval_dir / "items_dev.csv").exists():
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from items_eval import run_dev as run_items

        items_report, items_ok = run_items(args.eval_dir, workdir)
        print(items_report)
        if not items_ok:
            print("items below target (status accuracy >= 0.90, code in top 3 >= 0.90, no uncontrolled row called controlled)")
            ok = False
    m = re.search(r"recall ([\d.]+).*false-alert rate ([\d.]+)", names_report)
    if not m or float(m.group(1)) < TARGETS["recall"] or float(m.group(2)) > TARGETS["false_alert"]:
        print(f"names below target (recall >= {TARGETS['recall']}, false-alert rate <= {TARGETS['false_alert']})")
        ok = False
    m = re.search(r"accuracy ([\d.]+) \((\d+)/(\d+)\), citations complete (\d+)/\d+, hits complete (\d+)/\d+", ship_report)
    if not m:
        ok = False
    else:
        n = int(m.group(3))
        if float(m.group(1)) < TARGETS["accuracy"] or int(m.group(4)) < TARGETS["complete"] * n or int(m.group(5)) < TARGETS["complete"] * n:
            print("shipments below target (accuracy >= 0.90, citations and hits complete on >= 90%)")
            ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

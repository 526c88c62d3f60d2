#!/usr/bin/env python3
"""Score ``dualuse item`` on ``../shared/eval/items_dev.csv``.

Runs what a user runs::

    dualuse item --file ../shared/eval/items_dev.csv --format jsonl

scores the output with ``../shared/eval/score.py items`` and prints its table
(status accuracy and code-in-top-3 per query kind and language), then the
headline. Exit status 1 when a target of issue 5 is missed: code among the
top 3 candidates for >= 90% of ``controlled`` rows, status accuracy >= 0.90,
and no ``not_controlled`` row returned as ``controlled``.

Usage: python benchmarks/items_eval.py [--eval-dir DIR] [--keep DIR] [-v]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGETS = {"accuracy": 0.90, "top3": 0.90, "uncontrolled_as_controlled": 0}


def run_items(eval_dir: Path, workdir: Path, verbose: bool = False) -> tuple[str, bool]:
    """Run the classifier and the scorer; return the report and whether the targets are met."""
    out = workdir / "items_dev.out.jsonl"
    with out.open("wb") as handle:
        subprocess.run(
            [sys.executable, "-m", "dualuse", "item", "--file", str(eval_dir / "items_dev.csv"), "--format", "jsonl"],
            check=True,
            stdout=handle,
        )
    cmd = [sys.executable, str(eval_dir / "score.py"), "items", str(eval_dir / "items_dev.csv"), str(out)]
    if verbose:
        cmd.append("-v")
    report = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    m = re.search(r"status accuracy ([\d.]+) .*code in top 3 ([\d.]+) .*uncontrolled called controlled (\d+)", report)
    ok = bool(m) and (
        float(m.group(1)) >= TARGETS["accuracy"]
        and float(m.group(2)) >= TARGETS["top3"]
        and int(m.group(3)) <= TARGETS["uncontrolled_as_controlled"]
    )
    return report, ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=REPO.parent / "shared" / "eval")
    parser.add_argument("--keep", type=Path, help="keep the dualuse output in this directory")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    args = parser.parse_args()
    if not (args.eval_dir / "items_dev.csv").exists():
        print(f"no item evaluation set at {args.eval_dir}; nothing to score")
        return 0
    workdir = Path(args.keep or tempfile.mkdtemp(prefix="dualuse-items-"))
    workdir.mkdir(parents=True, exist_ok=True)
    report, ok = run_items(args.eval_dir, workdir, args.verbose)
    print(report)
    if not ok:
        print("items below target (status accuracy >= 0.90, code in top 3 >= 0.90, no uncontrolled row called controlled)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

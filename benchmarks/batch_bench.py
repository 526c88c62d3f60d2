#!/usr/bin/env python3
"""Batch screening throughput: item lines per second of ``dualuse screen`` on the realistic everyday mix.

For each size (item lines) the same CSV file (``batch_files.py``: the mix of
``alert_load.py``) is screened by the whole command - start-up, validation
pass, screening, output - as a user runs it:

    dualuse screen mix.csv -o out.jsonl --no-record --workers 1
    dualuse screen mix.csv -o out.jsonl --no-record --workers 2
    dualuse screen mix.csv -o out.jsonl --no-record --dask local --workers 2
    (with --record: --db a temporary SQLite file instead of --no-record)

and the table gives seconds, lines/s, the 2-worker/1-worker ratio, the CPU
seconds of the command and its workers (lines per CPU-second does not
depend on what else the machine runs) and whether the three outputs are
byte-identical. The machine is shared: run it
when quiet, and read the ratio beside ``os.getloadavg()`` printed with it.

``--src A/src,B/src`` runs every configuration with each source tree in turn
(another revision's, e.g. ``git archive`` of main): side by side in one run,
``vs 1 worker`` compares each run with the same tree's 1-worker run and ``same output`` with
the first tree's 1-worker output.

Usage: python benchmarks/batch_bench.py [--sizes 1000,10000,100000,1000000] [--record] [--no-dask] [--src A/src,B/src]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from batch_files import mix_rows, write_mix_csv  # noqa: E402


def run(source: Path, out: Path, extra: list[str], src: Path = HERE.parent / "src") -> tuple[float, float, str]:
    """``(wall seconds, CPU seconds of the command and its workers, output digest)``."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "dualuse", "screen", str(source), "-o", str(out), *extra],
                             env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"dualuse screen failed:\n{stderr.decode()[-2000:]}")
    return seconds, usage.ru_utime + usage.ru_stime, hashlib.sha256(out.read_bytes()).hexdigest()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--record", action="store_true", help="record into a temporary SQLite database")
    parser.add_argument("--no-dask", action="store_true")
    parser.add_argument("--src", default=str(HERE.parent / "src"), help="comma-separated source trees, run side by side")
    args = parser.parse_args()
    trees = [Path(t) for t in args.src.split(",")]
    sizes = [int(s) for s in args.sizes.split(",")]
    base = mix_rows(max(sizes))
    configs = [("1 worker", ["--workers", "1"]), ("2 workers", ["--workers", "2"])]
    if not args.no_dask:
        configs.append(("Dask LocalCluster, 2 workers", ["--dask", "local", "--workers", "2"]))
    print(f"cores: {os.cpu_count()}  load average at start: {', '.join(f'{x:.1f}' for x in os.getloadavg())}  "
          f"mode: {'recorded' if args.record else '--no-record'}")
    if len(trees) > 1:
        print("trees: " + "  ".join(f"[{i}] {t}" for i, t in enumerate(trees)))
    print(f"{'lines':>9} {'run':34} {'seconds':>9} {'lines/s':>9} {'vs 1 worker':>12} {'CPU s':>8} {'lines/CPU-s':>12} {'same output':>12} {'load':>5}")
    with tempfile.TemporaryDirectory(prefix="dualuse-batch-") as tmp:
        root = Path(tmp)
        for size in sizes:
            source = root / f"mix-{size}.csv"
            write_mix_csv(source, size, base=base)
            first_hash = None
            one_worker: dict[int, float] = {}  # tree -> its 1-worker seconds
            for label, extra in configs:
                for number, tree in enumerate(trees):
                    out = root / f"out-{size}.jsonl"
                    record = ["--db", str(root / f"{size}-{label[:1]}-{number}.db")] if args.record else ["--no-record"]
                    seconds, cpu, digest = run(source, out, [*record, *extra], tree)
                    one_worker.setdefault(number, seconds)
                    first_hash = first_hash or digest
                    first_seconds = one_worker[number]
                    name = f"[{number}] {label}" if len(trees) > 1 else label
                    print(f"{size:>9} {name:34} {seconds:>9.1f} {size / seconds:>9.0f} {first_seconds / seconds:>11.2f}x "
                          f"{cpu:>8.1f} {size / cpu:>12.0f} {'yes' if digest == first_hash else 'NO':>12} "
                          f"{os.getloadavg()[0]:>5.1f}", flush=True)
    print(f"load average at end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

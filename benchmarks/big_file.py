#!/usr/bin/env python3
"""A big input file (about 200 MB of CSV): how soon the user hears something, and the peak memory.

The file is the everyday mix (``batch_files.py``) repeated to ``--mb``
megabytes, with bad dates planted on data rows 1,000 and the last row. It
is screened as a user would (``dualuse screen big.csv -o out.jsonl
--no-record``); the table gives the seconds until the first validation
error reaches standard error, until the command ends (it refuses the file:
exit status 2, nothing screened), and the peak resident memory of the
process (``ru_maxrss`` of the child). Issue 16's goal: errors or decisions
within 5 s, peak memory under 1 GiB.

Usage: python benchmarks/big_file.py [--mb 200] [--max-errors N]
"""

from __future__ import annotations

import argparse
import os
import selectors
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from batch_files import mix_rows, write_mix_csv  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=200)
    parser.add_argument("--max-errors", type=int, default=None)
    args = parser.parse_args()
    base = mix_rows(10_000)
    row_bytes = sum(len(",".join(r)) + 2 for r in base) / len(base)
    lines = int(args.mb * 1_000_000 / row_bytes)
    with tempfile.TemporaryDirectory(prefix="dualuse-big-") as tmp:
        source = Path(tmp) / "big.csv"
        write_mix_csv(source, lines, base=base, bad_rows={999: "2026-13-45", lines - 1: "31/02/2026"})
        size = source.stat().st_size
        command = [sys.executable, "-m", "dualuse", "screen", str(source), "-o", str(Path(tmp) / "out.jsonl"), "--no-record"]
        if args.max_errors:
            command += ["--max-errors", str(args.max_errors)]
        env = {**os.environ, "PYTHONPATH": str(HERE.parent / "src"), "COLUMNS": "120"}
        started = time.perf_counter()
        child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        first_error = None
        stderr = b""
        selector = selectors.DefaultSelector()
        selector.register(child.stderr, selectors.EVENT_READ)
        while True:
            if not selector.select(timeout=1):
                if child.poll() is not None:
                    break
                continue
            chunk = os.read(child.stderr.fileno(), 65536)
            if not chunk:
                break
            stderr += chunk
            if first_error is None and b"row 1001" in stderr:
                first_error = time.perf_counter() - started
        _, status, usage = os.wait4(child.pid, 0)
        total = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    print(f"file: {size / 1e6:.0f} MB, {lines:,} item lines, bad dates on data rows 1,000 and {lines:,}")
    print(f"{'first error shown (s)':>22} {'command ended (s)':>18} {'exit':>5} {'peak RSS (MiB)':>15}")
    print(f"{first_error if first_error is not None else float('nan'):>22.1f} {total:>18.1f} {code:>5} {usage.ru_maxrss / 1024:>15.0f}")
    tail = stderr.decode("utf-8", "replace").strip().splitlines()
    print("last lines of standard error:", *tail[-4:], sep="\n  ")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

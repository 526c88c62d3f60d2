#!/usr/bin/env python3
"""Start-up CPU of the command line, this tree side by side with a reference revision (default: ``main``).

Three commands, each a whole process as a user runs it, against a records
database made by a first ``dualuse screen`` (every command reads the live list
version from it):

    dualuse match "Huawei Technologies Co., Ltd."
    dualuse screen ONE_SHIPMENT.csv          (two item lines, recorded)
    dualuse screen --no-record ONE_SHIPMENT.csv   (a what-if against the same database)
    dualuse item 3A001

CPU seconds are user + system of the process and its children
(``os.wait4``), which does not depend much on what else a shared machine
runs (wall time does). **cold**: the first run with an empty artefact cache
(``DUALUSE_ARTEFACTS``: the indexes are built and stored); **warm**: the
median of ``--repeat`` later runs (loaded from the cache). Both have the
bytecode compiled, as ``pip install`` leaves a package: it goes to a
temporary ``PYTHONPYCACHEPREFIX`` per tree (``PYTHONDONTWRITEBYTECODE`` is
cleared for the children), written by the runs that make the records
database, so neither tree's ``__pycache__`` is touched and a shell that
disables bytecode writing does not make every run compile the package. The reference revision is exported
with ``git archive`` into a temporary directory (the reference worktree is not
touched) and measured the same way.

Usage: python benchmarks/startup_bench.py [--reference main] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SHIPMENT = ROOT / "examples" / "shipments.csv"


def one_shipment(directory: Path) -> Path:
    """The first shipment of ``examples/shipments.csv`` (its two item lines) as a CSV file."""
    lines = SHIPMENT.read_text(encoding="utf-8").splitlines(keepends=True)
    first_id = lines[1].split(",", 1)[0]
    path = directory / "one.csv"
    path.write_text(lines[0] + "".join(line for line in lines[1:] if line.split(",", 1)[0] == first_id), encoding="utf-8")
    return path


def export(revision: str, directory: Path) -> Path:
    """``src`` of ``revision`` extracted into ``directory`` (git archive)."""
    archive = directory / "ref.tar"
    with open(archive, "wb") as handle:
        subprocess.run(["git", "-C", str(ROOT), "archive", revision, "src"], stdout=handle, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(directory / "ref", filter="data")
    return directory / "ref" / "src"


def cpu_of(src: Path, args: list[str], env: dict[str, str]) -> float:
    """CPU seconds (user + system) of ``python -m dualuse ARGS`` with ``src`` on the path."""
    child = subprocess.Popen([sys.executable, "-m", "dualuse", *args], env={**env, "PYTHONPATH": str(src)},
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status) not in (0, 3):
        raise SystemExit(f"dualuse {' '.join(args)} failed:\n{stderr.decode()[-2000:]}")
    return usage.ru_utime + usage.ru_stime


def measure(src: Path, work: Path, shipment: Path, repeat: int) -> dict[str, tuple[float, float]]:
    """``{command: (cold CPU s, warm median CPU s)}`` for one source tree."""
    work.mkdir(parents=True)
    env = {
        **os.environ,
        "DUALUSE_DB": str(work / "records.db"),
        "DUALUSE_CACHE_DIR": str(work / "versions"),
        "DUALUSE_RUNS": str(work / "runs"),
        "DUALUSE_ARTEFACTS": str(work / "artefacts"),
        "DUALUSE_LANG": "en",
        "PYTHONPYCACHEPREFIX": str(work / "pycache"),
    }
    env.pop("DUALUSE_DATA_DIR", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    commands = {
        "match NAME": ["match", "Huawei Technologies Co., Ltd."],
        "screen 1 shipment": ["screen", str(shipment)],
        "screen --no-record 1 shipment": ["screen", "--no-record", str(shipment)],
        "item CODE": ["item", "3A001"],
    }
    # the records database exists (as after a user's first screening) and the bytecode is written (as pip
    # install does); no artefact is cached yet
    cpu_of(src, ["screen", str(shipment)], {**env, "DUALUSE_ARTEFACTS": "off"})
    cpu_of(src, ["item", "3A001"], {**env, "DUALUSE_ARTEFACTS": "off"})
    results = {}
    for label, args in commands.items():
        cold = cpu_of(src, args, env)
        warm = statistics.median(cpu_of(src, args, env) for _ in range(repeat))
        results[label] = (cold, warm)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", default="main", help="git revision to compare with (default: main)")
    parser.add_argument("--repeat", type=int, default=5, help="warm runs per command (median)")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="dualuse-startup-"))
    try:
        shipment = one_shipment(tmp)
        reference = measure(export(args.reference, tmp), tmp / "reference", shipment, args.repeat)
        current = measure(ROOT / "src", tmp / "current", shipment, args.repeat)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    ref = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", args.reference], capture_output=True, text=True).stdout.strip()
    print(f"start-up CPU seconds (user+sys), reference {args.reference} @ {ref} vs this tree @ {head}; "
          f"warm = median of {args.repeat}; load average {os.getloadavg()[0]:.2f}")
    print()
    print(f"| command | {args.reference}, cold | {args.reference}, warm | this tree, cold | this tree, warm | warm speed-up |")
    print("|---|---:|---:|---:|---:|---:|")
    for label in reference:
        ref_cold, ref_warm = reference[label]
        cold, warm = current[label]
        print(f"| `dualuse {label}` | {ref_cold:.2f} | {ref_warm:.2f} | {cold:.2f} | {warm:.2f} | {ref_warm / warm:.2f}x |")
    print()
    print(f"load average after the runs: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

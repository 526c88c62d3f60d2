"""The long fuzz run (issue 15): generated and mutated input files of every kind, and API requests across
every route and role; prints the counts.

    nice PYTHONPATH=src python benchmarks/fuzz_long.py [--inputs 100000] [--api 20000] [--seed 15]

Each input file goes through what ``dualuse screen`` does (load, screen every shipment, write JSON Lines,
CSV, XLSX and the rejects file: :func:`fuzzkit.run_case`); each API request goes to a random route of the
API or the web application (:func:`fuzzkit.all_routes`) as a random identity (no key, a bogus key, each
role's key, each role signed in to the web application). Printed: inputs by kind and outcome (decision,
clear error, traceback), cases over 10 s, the slowest case, API answers by status class, 5xx and answers
showing internals, and the process's peak memory (ru_maxrss). The address space is capped (``--max-gib``)
so a runaway allocation ends as a counted traceback, not a swapping machine. Failing cases are saved to
``--save`` for the regression corpus. Exit status 1 when any traceback, 5xx or leak was seen.
"""

from __future__ import annotations

import argparse
import collections
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OPENPYXL_LXML", "False")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "src"))

import fuzzkit  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=100_000)
    parser.add_argument("--api", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--slow", type=float, default=10.0, help="seconds over which a case counts as a hang")
    parser.add_argument("--max-gib", type=float, default=3.0)
    parser.add_argument("--save", type=Path, default=Path(tempfile.gettempdir()) / "dualuse-fuzz-failures")
    parser.add_argument("--progress", type=int, default=5000)
    args = parser.parse_args()
    limit = int(args.max_gib * 2 ** 30)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    os.environ.setdefault("DUALUSE_DB", str(Path(tempfile.mkdtemp()) / "records.db"))
    os.environ.setdefault("DUALUSE_CACHE_DIR", tempfile.mkdtemp())

    from dualuse.decision.screen import Screener

    rng = random.Random(args.seed)
    screener = Screener()
    folder = Path(tempfile.mkdtemp(prefix="dualuse-fuzz-"))
    args.save.mkdir(parents=True, exist_ok=True)
    outcomes: collections.Counter = collections.Counter()
    failures: collections.Counter = collections.Counter()
    slow = 0
    slowest = (0.0, "")
    start = time.time()
    cases = [(name, kind, data) for name, kind, data in fuzzkit.regressions()]
    total = args.inputs
    for i in range(total):
        if i < len(cases):
            name, kind, data = cases[i]
        else:
            kind = fuzzkit.KINDS[i % len(fuzzkit.KINDS)]
            name, data = f"case-{i}", fuzzkit.case(kind, rng)
        outcome = fuzzkit.run_case(kind, data, screener, folder, hang_seconds=max(60, int(args.slow * 6)))
        outcomes[(kind, outcome.result)] += 1
        if outcome.seconds > args.slow:
            slow += 1
        if outcome.seconds > slowest[0]:
            slowest = (outcome.seconds, f"{name} ({kind}, {len(data):,} bytes)")
        if outcome.result == "traceback":
            failures[outcome.detail.strip().splitlines()[-1][:160]] += 1
            (args.save / f"{name}{fuzzkit.EXTENSION[kind]}").write_bytes(data)
        if args.progress and (i + 1) % args.progress == 0:
            print(f"  {i + 1:,} inputs in {time.time() - start:,.0f} s; tracebacks {sum(v for (k, r), v in outcomes.items() if r == 'traceback')}, over {args.slow:g} s {slow}", flush=True)
    input_seconds = time.time() - start

    api_start = time.time()
    app, clients, db = fuzzkit.api_world(Path(tempfile.mkdtemp(prefix="dualuse-fuzz-api-")))
    routes = fuzzkit.all_routes(app)
    statuses: collections.Counter = collections.Counter()
    covered: set = set()
    api_problems: collections.Counter = collections.Counter()
    for i in range(args.api):
        identity, method, path, status, problem = fuzzkit.api_request(routes, clients, rng)
        statuses[f"{status // 100}xx"] += 1
        covered.add(identity)
        if problem:
            api_problems[f"{method} {path.split('?')[0][:60]} as {identity}: {problem[:160]}"] += 1
        if args.progress and (i + 1) % args.progress == 0:
            print(f"  {i + 1:,} API requests in {time.time() - api_start:,.0f} s; problems {sum(api_problems.values())}", flush=True)
    api_seconds = time.time() - api_start
    from dualuse.service import audit

    chain_ok = audit.verify(db).ok

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tracebacks = sum(v for (k, r), v in outcomes.items() if r == "traceback")
    print()
    print(f"fuzz run, seed {args.seed}")
    print(f"{'kind':8} {'inputs':>9} {'decision':>9} {'error':>9} {'traceback':>10}")
    for kind in fuzzkit.KINDS:
        n = {r: outcomes[(kind, r)] for r in ("decision", "error", "traceback")}
        print(f"{kind:8} {sum(n.values()):>9,} {n['decision']:>9,} {n['error']:>9,} {n['traceback']:>10,}")
    n = {r: sum(v for (k, rr), v in outcomes.items() if rr == r) for r in ("decision", "error", "traceback")}
    print(f"{'all':8} {sum(n.values()):>9,} {n['decision']:>9,} {n['error']:>9,} {n['traceback']:>10,}")
    print(f"inputs over {args.slow:g} s: {slow}; slowest {slowest[0]:.1f} s: {slowest[1]}; {input_seconds:,.0f} s in all")
    print(f"API requests: {args.api:,} over {len(routes)} routes as {len(covered)} identities in {api_seconds:,.0f} s; "
          + ", ".join(f"{k} {v:,}" for k, v in sorted(statuses.items())))
    print(f"API 5xx or internals shown: {sum(api_problems.values())}; audit chain after the run: {'verifies' if chain_ok else 'BROKEN'}")
    print(f"peak memory (ru_maxrss): {peak:,.0f} MiB (address space capped at {args.max_gib:g} GiB)")
    for text, count in failures.most_common(20):
        print(f"  traceback x{count}: {text}")
    for text, count in api_problems.most_common(20):
        print(f"  API x{count}: {text}")
    return 1 if tracebacks or api_problems or not chain_ok else 0


if __name__ == "__main__":
    sys.exit(main())

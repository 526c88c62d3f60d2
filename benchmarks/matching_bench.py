#!/usr/bin/env python3
"""Party matching: dualuse against OpenSanctions nomenklatura, side by side, in one run.

    python benchmarks/matching_bench.py                 # everything (1,000,000 synthetic entities)
    python benchmarks/matching_bench.py --entities 100000 --skip-nomenklatura
    python benchmarks/matching_bench.py --entities 0 --skip-quality   # the 453-entity speed table only

Prints three tables:

1. **Quality** on ``../shared/eval/names_dev.csv`` per category: dualuse and
   nomenklatura 4.17 (``logic-v1``, ``logic-v2``, ``name-based``; reference
   entities with every alias and the Chinese and Japanese names, a unique id
   per entity, ``Algorithm.default_config()``, match threshold 0.7; every
   query is compared with every entity).
2. **Speed on the shipped lists**: queries per second per core and p50/p99
   latency for the names_dev queries; dualuse's full ``match`` against
   nomenklatura ``logic-v2`` scoring the same candidates (the records
   dualuse's stage 1 scored for that query).
3. **Speed at scale**: the same on an index of the shipped lists plus N
   synthetic entities in mixed scripts (``benchmarks/synthetic.py``), with
   the index build time and peak RSS (measured in a separate process).

nomenklatura runs in its own virtual environment (``benchmarks/.venv-nk``,
created on first use with ``pip install 'nomenklatura>=4.17,<4.18'``) and
is driven by ``benchmarks/nk_runner.py``, so its dependencies never mix with
dualuse's. Timings are wall-clock on one core (``os.sched_setaffinity`` when
available).
"""

from __future__ import annotations

import argparse
import collections
import csv
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
EVAL = HERE.parent.parent / "shared" / "eval" / "names_dev.csv"
NK_VENV = HERE / ".venv-nk"
NK_ALGORITHMS = ("logic-v1", "logic-v2", "name-based")
NK_THRESHOLD = 0.7


def pin_one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def use_all_cores() -> None:
    """Undo an inherited one-core pin (the index build uses worker processes)."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, set(range(os.cpu_count() or 1)))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def ensure_nk() -> Path | None:
    python = NK_VENV / "bin" / "python"
    if python.exists():
        return python
    print(f"creating {NK_VENV} with nomenklatura 4.17 ...", file=sys.stderr)
    try:
        subprocess.run([sys.executable, "-m", "venv", str(NK_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "nomenklatura>=4.17,<4.18"], check=True)
    except subprocess.CalledProcessError as error:
        print(f"cannot install nomenklatura ({error}); its columns are left out", file=sys.stderr)
        return None
    return python


def run_nk(python: Path, mode: str, job: dict) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        job_path, out_path = Path(tmp) / "job.json", Path(tmp) / "out.json"
        job_path.write_text(json.dumps(job, ensure_ascii=False), encoding="utf-8")
        subprocess.run([str(python), str(HERE / "nk_runner.py"), mode, str(job_path), str(out_path)], check=True)
        return json.loads(out_path.read_text(encoding="utf-8"))


def entity_rows(entries) -> list[dict]:
    return [{"id": e.id, "names": [n.value for n in e.names], "countries": list(e.countries)} for e in entries]


def record_rows(records) -> list[dict]:
    return [{"id": r.id, "names": [v for v, _ in r.forms], "countries": list(r.countries)} for r in records]


# --- quality ------------------------------------------------------------------------------


def score_rows(rows: list[dict], predicted: list[set[tuple[str, str]]]) -> dict[str, collections.Counter]:
    """Per-category counts in the manner of ../shared/eval/score.py (recall, false-alert rows)."""
    per: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for row, got in zip(rows, predicted):
        c = per[row["category"]]
        c["rows"] += 1
        want = {(row["expected_list"], row["expected_name"].casefold())} if row["expected_list"] else set()
        got = {(lst, name.casefold()) for lst, name in got}
        if want:
            c["positives"] += 1
            c["found"] += want <= got
        c["false"] += bool(got - want)
    return per


def quality(rows: list[dict], matcher, nk_python: Path | None, entries) -> list[str]:
    dualuse = [{(r.entry.list, r.entry.name) for r in matcher.match(row["query"], country=row["country"] or None) if r.decision == "match"} for row in rows]
    columns = {"dualuse": score_rows(rows, dualuse)}
    if nk_python is not None:
        names = {e.id: (e.list, e.name) for e in entries}
        job = {
            "entities": entity_rows(entries),
            "queries": [{"query": row["query"], "country": row["country"]} for row in rows],
            "algorithms": list(NK_ALGORITHMS),
            "threshold": NK_THRESHOLD,
        }
        result = run_nk(nk_python, "quality", job)
        for algorithm in NK_ALGORITHMS:
            predicted = [{names[i] for i in hits} for hits in result["hits"][algorithm]]
            columns[f"nk {algorithm}"] = score_rows(rows, predicted)
    categories = sorted({row["category"] for row in rows})
    header = "| category | rows | " + " | ".join(f"{name} recall | {name} false alerts" for name in columns) + " |"
    lines = [header, "|" + "---|" * (2 + 2 * len(columns))]
    totals = {name: collections.Counter() for name in columns}
    for category in categories:
        cells = []
        for name, per in columns.items():
            c = per[category]
            totals[name].update(c)
            cells.append(f"{c['found']}/{c['positives']}" if c["positives"] else "-")
            cells.append(str(c["false"]))
        lines.append(f"| {category} | {columns['dualuse'][category]['rows']} | " + " | ".join(cells) + " |")
    cells = []
    for name in columns:
        t = totals[name]
        cells.append(f"**{t['found'] / max(t['positives'], 1):.3f}**")
        cells.append(f"**{t['false'] / max(t['rows'], 1):.3f}**")
    lines.append(f"| **all** (recall, false-alert rate) | {len(rows)} | " + " | ".join(cells) + " |")
    return lines


# --- speed ----------------------------------------------------------------------------------


def time_dualuse(matcher, queries: list[tuple[str, str | None]]) -> tuple[list[float], list[list[str]]]:
    import numpy as np

    from dualuse.matching.analyze import _analyze, analyze

    candidates = []
    for query, _ in queries:  # the records stage 1 scores (the candidates nomenklatura is given)
        found = matcher.index.search(analyze(query))
        candidates.append([matcher.index.records[int(i)].id for i in np.unique(found.record)])
    # every query is timed as an unseen name: the query analysis and the per-token
    # vocabulary look-ups of the pass above are forgotten (the index's own stored analysis stays)
    _analyze.cache_clear()
    matcher.index.__dict__.pop("_similar_memo", None)
    seconds = []
    for query, country in queries:
        start = time.perf_counter()
        matcher.match(query, country=country)
        seconds.append(time.perf_counter() - start)
    return seconds, candidates


def speed_line(label: str, seconds: list[float], candidates: list[list[str]] | None = None) -> str:
    qps = len(seconds) / sum(seconds)
    per = f" | {statistics.mean(len(c) for c in candidates):.0f}" if candidates is not None else " | "
    return f"| {label} | {qps:,.0f} | {percentile(seconds, 0.5) * 1e3:.2f} | {percentile(seconds, 0.99) * 1e3:.2f}{per} |"


def speed_table(rows: list[tuple[str, list[float], list[list[str]] | None]]) -> list[str]:
    lines = ["| engine | queries/s (1 core) | p50 ms | p99 ms | candidates/query |", "|---|---|---|---|---|"]
    for label, seconds, candidates in rows:
        lines.append(speed_line(label, seconds, candidates))
    if len(rows) >= 2:
        ratio = (sum(rows[1][1]) / len(rows[1][1])) / (sum(rows[0][1]) / len(rows[0][1]))
        lines.append(f"| **dualuse / nomenklatura logic-v2 throughput** | **{ratio:.1f}x** | | | |")
    return lines


def perturb(name: str, rng: random.Random) -> str:
    """A written variant of a name: a typo, other case, spacing or legal form."""
    choice = rng.randrange(4)
    if choice == 0 and len(name) > 6:
        i = rng.randrange(1, len(name) - 2)
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    if choice == 1:
        return name.upper()
    if choice == 2:
        return name.replace(" ", "  ").replace("Co., Ltd.", "Co Ltd")
    return name


def scale_worker(count: int, out: Path) -> None:
    """Build the big index in this process and time queries (for clean build-time and RSS figures)."""
    import datetime as dt

    from synthetic import synthetic_records

    from dualuse.matching.matcher import Matcher
    from dualuse.matching.records import ExternalList
    from dualuse.models.reference import LegalSource
    from dualuse.refdata import store

    use_all_cores()
    entries = store.load_entries()
    records = list(synthetic_records(count))
    meta = ExternalList("XX-SYNTHETIC", LegalSource(issuer="benchmark", kind="reference", citation="synthetic list"), dt.date(2026, 11, 29))
    start = time.perf_counter()
    matcher = Matcher(entries, records=records, external={meta.id: meta})
    build = time.perf_counter() - start
    rss_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    rss_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    pin_one_core()
    with EVAL.open(encoding="utf-8") as handle:
        dev = [(row["query"], row["country"] or None) for row in csv.DictReader(handle)]
    rng = random.Random(7)
    synthetic = [(perturb(rng.choice(records).name, rng), None) for _ in range(400)]
    queries = dev + synthetic
    seconds, candidates = time_dualuse(matcher, queries)
    by_id = {r.id: r for r in records}
    sample = rng.sample(range(len(queries)), 150)
    needed = {c for i in sample for c in candidates[i]}
    result = {
        "entities": count + len(entries),
        "build_seconds": build,
        "peak_rss_bytes": rss_self,
        "peak_rss_children_bytes": rss_children,
        "seconds": seconds,
        "candidates": candidates,
        "sample": sample,
        "queries": queries,
        "candidate_entities": record_rows([by_id[c] for c in needed if c in by_id]) + entity_rows([e for e in entries if e.id in needed]),
    }
    out.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=1_000_000, help="synthetic entities for the scale test (0: skip)")
    parser.add_argument("--skip-nomenklatura", action="store_true")
    parser.add_argument("--skip-quality", action="store_true", help="speed tables only")
    parser.add_argument("--scale-worker", nargs=2, metavar=("COUNT", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.scale_worker:
        scale_worker(int(args.scale_worker[0]), Path(args.scale_worker[1]))
        return 0

    from dualuse.matching.matcher import Matcher
    from dualuse.refdata import store

    with EVAL.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    nk_python = None if args.skip_nomenklatura else ensure_nk()
    entries = store.load_entries()
    matcher = Matcher(entries)

    if not args.skip_quality:
        print("## Quality on names_dev (match threshold: dualuse 0.85, nomenklatura 0.7)\n")
        print("\n".join(quality(rows, matcher, nk_python, entries)))

    pin_one_core()
    queries = [(row["query"], row["country"] or None) for row in rows]
    seconds, candidates = time_dualuse(matcher, queries)
    table = [("dualuse (full match)", seconds, candidates)]
    if nk_python is not None:
        job = {
            "entities": entity_rows(entries),
            "queries": [{"query": q, "country": c, "candidates": cand} for (q, c), cand in zip(queries, candidates)],
            "algorithms": ["logic-v2"],
        }
        table.append(("nomenklatura logic-v2 (same candidates)", run_nk(nk_python, "speed", job)["seconds"], candidates))
    print(f"\n## Speed on the shipped lists ({len(entries)} entities, {len(queries)} queries)\n")
    print("\n".join(speed_table(table)))

    if args.entities:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "scale.json"
            subprocess.run([sys.executable, __file__, "--scale-worker", str(args.entities), str(out)], check=True)
            scale = json.loads(out.read_text(encoding="utf-8"))
        sample = scale["sample"]
        table = [("dualuse (full match)", scale["seconds"], scale["candidates"])]
        if nk_python is not None:
            job = {
                "entities": scale["candidate_entities"],
                "queries": [{"query": scale["queries"][i][0], "country": scale["queries"][i][1], "candidates": scale["candidates"][i]} for i in sample],
                "algorithms": ["logic-v2"],
            }
            nk_seconds = run_nk(nk_python, "speed", job)["seconds"]
            table = [
                ("dualuse (full match, same sample)", [scale["seconds"][i] for i in sample], [scale["candidates"][i] for i in sample]),
                ("nomenklatura logic-v2 (same candidates)", nk_seconds, [scale["candidates"][i] for i in sample]),
                ("dualuse (all queries)", scale["seconds"], scale["candidates"]),
            ]
        print(f"\n## Speed at scale ({scale['entities']:,} entities: shipped lists + synthetic, {len(scale['seconds'])} queries)\n")
        print("\n".join(speed_table(table)))
        print(
            f"\nindex build: {scale['build_seconds']:.1f} s; peak RSS {scale['peak_rss_bytes'] / 2**30:.2f} GiB "
            f"(worker processes: {scale['peak_rss_children_bytes'] / 2**30:.2f} GiB each at most)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

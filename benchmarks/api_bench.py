#!/usr/bin/env python3
"""API latency and throughput: ``/screen`` of one shipment and ``/match/default``, on 127.0.0.1.

For each worker count (``--workers 1,2``) a ``dualuse serve --workers N`` is
started on a temporary SQLite records database with a screener API key, and
for each route two loads are run with a bounded load generator (asyncio +
httpx, in this process):

* **fixed rate** (``--rate``, default 200 req/s) for ``--seconds``: request i
  is due at ``start + i / rate``; its latency is measured from when it was
  due (a late start counts: no coordinated omission); at most ``--cap``
  requests are in flight (a request due while the cap is reached waits and
  its wait counts in its latency);
* **saturation**: ``--concurrency`` clients send back to back for
  ``--seconds``; requests/s is what the server completes.

``/screen`` requests screen and *record* (the default) the first shipment
of ``examples/shipments.csv`` under a new id each time, so every request is
a real recorded screening (audit record, batch of writes); ``/match/default``
sends one yente query (a Company name). The client and the server share the
machine: on 2 cores the load generator takes part of one.

Usage: python benchmarks/api_bench.py [--workers 1,2] [--rate 200] [--seconds 20] [--concurrency 16] [--src OTHER/src]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))

import httpx  # noqa: E402


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def shipment_json() -> dict:
    """The first shipment of ``examples/shipments.csv`` as the API's JSON."""
    from dualuse.input import load_shipments

    shipments = load_shipments(ROOT / "examples" / "shipments.csv").shipments
    return json.loads(shipments[0].model_dump_json())


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, int(round(q / 100 * len(ordered) + 0.5)) - 1))]


class Route:
    """A route and how to make its i-th request."""

    def __init__(self, name: str, path: str, body):
        self.name, self.path, self.body = name, path, body


async def fixed_rate(client: httpx.AsyncClient, route: Route, rate: float, seconds: float, cap: int) -> dict:
    total = int(rate * seconds)
    latencies: list[float] = []
    errors = 0
    slots = asyncio.Semaphore(cap)
    start = time.perf_counter() + 0.05

    async def one(i: int) -> None:
        nonlocal errors
        due = start + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        async with slots:
            response = await client.post(route.path, json=route.body(i))
        if response.status_code != 200:
            errors += 1
        latencies.append(time.perf_counter() - due)

    await asyncio.gather(*(one(i) for i in range(total)))
    elapsed = time.perf_counter() - start
    return {"requests": total, "errors": errors, "rps": total / elapsed, "latencies": latencies}


async def saturation(client: httpx.AsyncClient, route: Route, concurrency: int, seconds: float) -> dict:
    latencies: list[float] = []
    errors = 0
    counter = iter(range(10**9))
    stop = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal errors
        while time.perf_counter() < stop:
            began = time.perf_counter()
            response = await client.post(route.path, json=route.body(next(counter) + 10_000_000))
            if response.status_code != 200:
                errors += 1
            latencies.append(time.perf_counter() - began)

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - began
    return {"requests": len(latencies), "errors": errors, "rps": len(latencies) / elapsed, "latencies": latencies}


def start_server(workers: int, db_url: str, env: dict, port: int) -> subprocess.Popen:
    command = [sys.executable, "-m", "dualuse", "serve", "--db", db_url, "--port", str(port)]
    if workers > 1:
        command += ["--workers", str(workers)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 180
    while time.time() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        if server.poll() is not None:
            raise SystemExit(f"dualuse serve exited with {server.returncode}")
        time.sleep(0.3)
    server.kill()
    raise SystemExit("dualuse serve did not become ready in 180 s")


async def measure(port: int, key: str, routes: list[Route], args) -> list[tuple[str, str, dict]]:
    rows = []
    limits = httpx.Limits(max_connections=max(args.cap, args.concurrency), max_keepalive_connections=max(args.cap, args.concurrency))
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"ApiKey {key}"}, limits=limits, timeout=60) as client:
        for route in routes:
            for i in range(20):  # warm-up: connections, first-request paths
                await client.post(route.path, json=route.body(20_000_000 + i))
            rows.append((route.name, f"{args.rate:.0f} req/s", await fixed_rate(client, route, args.rate, args.seconds, args.cap)))
            rows.append((route.name, f"saturation ({args.concurrency} clients)", await saturation(client, route, args.concurrency, args.seconds)))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--cap", type=int, default=64, help="most requests in flight at the fixed rate")
    parser.add_argument("--src", type=Path, default=ROOT / "src", help="the dualuse source tree the server runs (e.g. another revision's)")
    args = parser.parse_args()

    from dualuse.service.keys import create_key
    from dualuse.storage.db import open_database

    base = shipment_json()

    def screen_body(i: int) -> dict:
        return {**base, "id": f"BENCH-{i:08d}"}

    def match_body(i: int) -> dict:
        return {"queries": {"q1": {"schema": "Company", "properties": {"name": ["Huawei Technologies Co., Ltd."], "country": ["cn"]}}}}

    routes = [Route("/screen (1 shipment, recorded)", "/screen", screen_body), Route("/match/default", "/match/default", match_body)]
    print(f"cores: {os.cpu_count()}  load average at start: {', '.join(f'{x:.1f}' for x in os.getloadavg())}  "
          f"{args.seconds:.0f} s per load; latencies in ms; server source {args.src}")
    print()
    print("| workers | route | load | requests | errors | req/s | p50 | p95 | p99 |")
    print("|---:|---|---|---:|---:|---:|---:|---:|---:|")
    for workers in [int(w) for w in args.workers.split(",")]:
        with tempfile.TemporaryDirectory(prefix="dualuse-api-") as tmp:
            root = Path(tmp)
            db_url = f"sqlite:///{root / 'records.db'}"
            env = {**os.environ, "PYTHONPATH": str(args.src), "DUALUSE_CACHE_DIR": str(root / "versions"), "DUALUSE_RUNS": str(root / "runs")}
            os.environ["DUALUSE_CACHE_DIR"] = env["DUALUSE_CACHE_DIR"]
            key, _ = create_key(open_database(db_url), "screener", "api-bench", "api-bench")
            port = free_port()
            server = start_server(workers, db_url, env, port)
            try:
                rows = asyncio.run(measure(port, key, routes, args))
            finally:
                server.terminate()
                try:
                    server.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    server.kill()
            for route, load, result in rows:
                ms = [x * 1000 for x in result["latencies"]]
                print(f"| {workers} | `{route}` | {load} | {result['requests']} | {result['errors']} | {result['rps']:.0f} | "
                      f"{statistics.median(ms):.1f} | {percentile(ms, 95):.1f} | {percentile(ms, 99):.1f} |", flush=True)
    print()
    print(f"load average at end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

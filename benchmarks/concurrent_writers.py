"""8 concurrent writers on one records database for 60 s: CLI processes and API workers (issue 15).

    nice PYTHONPATH=src python benchmarks/concurrent_writers.py [--seconds 60] [--writers 8] [--backend sqlite|postgresql|both]

Half the writers are CLI processes (``dualuse screen FILE --db URL`` through the CLI's own code, in a
loop), half are API worker processes (``POST /screen`` through the FastAPI app, each its own process
with its own connection pool). Every writer counts the screenings it was told were recorded, and every
error (a non-zero exit, an HTTP status other than 200, an exception such as "database is locked").
Printed per backend: screenings recorded by the writers, errors, screening records in the audit table,
and whether the chain verifies; the run passes when errors are 0, the count is exact and the chain verifies.
PostgreSQL: ``$DUALUSE_TEST_PG`` (default ``postgresql+psycopg://postgres@127.0.0.1:5432/test``), in a
fresh schema.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))
os.environ.setdefault("OPENPYXL_LXML", "False")


def _shipments(tag: str, n: int = 3) -> list[dict]:
    from recordkit import POSSIBLE_NAME, shipment_json

    return [shipment_json(f"{tag}-{i}", POSSIBLE_NAME if i == 0 else "Kanazawa Seimitsu Kogyo K.K.") for i in range(n)]


def _cli_writer(url: str, index: int, seconds: float, folder: str, out) -> None:
    from typer.testing import CliRunner

    from dualuse.cli.app import app

    runner = CliRunner()
    until = time.time() + seconds
    done = errors = run = 0
    messages = []
    while time.time() < until:
        run += 1
        path = Path(folder) / f"cli-{index}-{run}.jsonl"
        path.write_text("".join(json.dumps(s) + "\n" for s in _shipments(f"C{index}-{run}")), encoding="utf-8")
        result = runner.invoke(app, ["screen", str(path), "--db", url, "--actor", f"cli-{index}", "-f", "jsonl"])
        if result.exit_code == 0:
            done += 3
        else:
            errors += 1
            messages.append((result.output or repr(result.exception))[-300:])
    out.put(("cli", index, done, errors, messages[:3]))


def _api_writer(url: str, index: int, seconds: float, key: str, out) -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from dualuse.api.app import ApiSettings, create_app

    client = TestClient(create_app(url, ApiSettings(rate_per_minute=10 ** 6), web=False), raise_server_exceptions=False)
    until = time.time() + seconds
    done = errors = run = 0
    messages = []
    while time.time() < until:
        run += 1
        for body in _shipments(f"A{index}-{run}", 1):
            answer = client.post("/screen", json=body, headers={"X-API-Key": key})
            if answer.status_code == 200:
                done += 1
            else:
                errors += 1
                messages.append(f"{answer.status_code} {answer.text[:200]}")
    out.put(("api", index, done, errors, messages[:3]))


def _pg_url() -> str:
    import psycopg
    from sqlalchemy.engine import make_url

    base = os.environ.get("DUALUSE_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    url = make_url(base)
    schema = f"cw_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(host=url.host, port=url.port or 5432, user=url.username, password=url.password, dbname=url.database, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    return url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)


def run(backend: str, seconds: float, writers: int) -> bool:
    from sqlalchemy import func, select

    from dualuse.service import audit
    from dualuse.service.keys import create_key
    from dualuse.storage.db import Database
    from dualuse.storage.models import AuditRecord

    folder = tempfile.mkdtemp(prefix="dualuse-cw-")
    url = f"sqlite:///{folder}/records.db" if backend == "sqlite" else _pg_url()
    db = Database(url)
    key = create_key(db, "screener", "cw", "bench")[0]
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    procs = []
    for i in range(writers):
        target, args = (_cli_writer, (url, i, seconds, folder, out)) if i % 2 == 0 else (_api_writer, (url, i, seconds, key, out))
        procs.append(ctx.Process(target=target, args=args))
    for p in procs:
        p.start()
    results = [out.get() for _ in procs]
    for p in procs:
        p.join()
    told = sum(r[2] for r in results)
    errors = sum(r[3] for r in results)
    with db.read() as session:
        stored = session.scalar(select(func.count()).select_from(AuditRecord).where(AuditRecord.kind == "screening"))
    report = audit.verify(db)
    ok = errors == 0 and told == stored and report.ok
    kinds = {k: sum(r[2] for r in results if r[0] == k) for k in ("cli", "api")}
    print(f"{backend:10} {writers} writers ({sum(1 for r in results if r[0] == 'cli')} CLI, {sum(1 for r in results if r[0] == 'api')} API) "
          f"~{seconds:g} s: recorded {told} (CLI {kinds['cli']}, API {kinds['api']}), errors {errors}, screening records {stored}, "
          f"chain {'verifies' if report.ok else 'BROKEN'} ({report.records} records) -> {'PASS' if ok else 'FAIL'}", flush=True)
    for r in results:
        for message in r[4]:
            print(f"   {r[0]} {r[1]}: {message}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args()
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    results = [run(b, args.seconds, args.writers) for b in backends]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())

"""Score names with OpenSanctions nomenklatura (run inside the benchmark's nomenklatura venv).

    python nk_runner.py quality JOB.json OUT.json   # every query against every entity, each algorithm
    python nk_runner.py speed   JOB.json OUT.json   # logic-v2 on given candidate sets, timed per query

JOB.json: {"entities": [{"id", "names": [...], "countries": [...]}],
           "queries": [{"query", "country", "candidates": [entity ids]}],
           "algorithms": ["logic-v1", ...], "threshold": 0.7}

Entities are FollowTheMoney ``Organization`` entities with every written
name of the entry (English, Chinese, Japanese, aliases) as ``name`` and a
unique id, compared with each algorithm's ``default_config()``, as the
benchmark specification asks. This file imports nothing from dualuse.
"""

from __future__ import annotations

import json
import sys
import time

from followthemoney import model
from nomenklatura.matching import get_algorithm


def _entity(entity_id: str, names: list[str], countries: list[str]):
    proxy = model.make_entity("Organization")
    proxy.id = entity_id
    for name in names:
        proxy.add("name", name)
    for country in countries:
        proxy.add("country", country.lower())
    return proxy


def _config(algorithm):
    return algorithm.default_config()


def quality(job: dict) -> dict:
    entities = [_entity(e["id"], e["names"], e.get("countries", [])) for e in job["entities"]]
    threshold = job.get("threshold", 0.7)
    results: dict[str, list[list[str]]] = {}
    for name in job["algorithms"]:
        algorithm = get_algorithm(name)
        config = _config(algorithm)
        hits_per_query = []
        for number, query in enumerate(job["queries"]):
            # a unique id per query: logic-v2 caches name analysis by entity id
            probe = _entity(f"{name}-query-{number}", [query["query"]], [query["country"]] if query.get("country") else [])
            hits = [e.id for e in entities if algorithm.compare(probe, e, config).score >= threshold]
            hits_per_query.append(hits)
        results[name] = hits_per_query
    return {"hits": results}


def speed(job: dict) -> dict:
    by_id = {e["id"]: _entity(e["id"], e["names"], e.get("countries", [])) for e in job["entities"]}
    algorithm = get_algorithm(job["algorithms"][0])
    config = _config(algorithm)
    seconds = []
    for number, query in enumerate(job["queries"]):
        probe = _entity(f"query-{number}", [query["query"]], [query["country"]] if query.get("country") else [])
        candidates = [by_id[c] for c in query["candidates"] if c in by_id]
        start = time.perf_counter()
        for candidate in candidates:
            algorithm.compare(probe, candidate, config)
        seconds.append(time.perf_counter() - start)
    return {"seconds": seconds}


def main() -> int:
    mode, job_path, out_path = sys.argv[1:4]
    with open(job_path, encoding="utf-8") as handle:
        job = json.load(handle)
    result = quality(job) if mode == "quality" else speed(job)
    with open(out_path, "w", encoding="utf-8") as handle:
        json.dump(result, handle)
    return 0


if __name__ == "__main__":
    sys.exit(main())

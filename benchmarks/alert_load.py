#!/usr/bin/env python3
"""Alerts per 1,000 item lines on a realistic everyday mix of shipments.

A compliance officer at a Chinese exporter screens every shipment, not only
the suspicious ones, so the review queue must stay workable on an ordinary
day. This benchmark generates such a day (deterministic for a seed), screens
and records it in a temporary records database (the same path as
``dualuse screen``), and reports the alerts opened per 1,000 item lines, by
kind and by severity, and whether every planted true hit opened an alert or
a PROHIBITED decision.

The mix (``everyday_shipments``):

* parties: synthetic organisation names (``benchmarks/synthetic.py``,
  mixed scripts) as exporters (China), consignees and end users (Japan,
  Korea, Germany, the US ...); about 1% of the shipments name a real entry
  of the shipped lists (a written form of it) as consignee or end user:
  those are the true hits;
* item lines: everyday goods drawn from the HS 2022 six-digit headings of
  the chapters a Chinese manufacturer ships most (machinery, electrical
  goods, plastics, steel articles, furniture, textiles, paper and
  packaging, chemicals, base metals), with the heading's own description,
  declared as a 10-digit national code (60%), an 8-digit (15%) or a
  6-digit code (15%), or with no code (10%); 4% of the lines are listed
  dual-use items declared with their control code and reference HS code;
* declared end use: ordinary civil uses in Chinese, Japanese or English,
  blank on 10% of the shipments.

Usage: python benchmarks/alert_load.py [--lines 2000] [--seed N] [--json]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import synthetic_records  # noqa: E402

from dualuse.models.shipment import Shipment  # noqa: E402
from dualuse.refdata import store  # noqa: E402

CHAPTERS = {"84": 18, "85": 18, "39": 8, "73": 8, "94": 5, "40": 4, "48": 5, "90": 5, "61": 3, "62": 3, "63": 2, "28": 3, "29": 3, "38": 2, "72": 3, "76": 3, "81": 1, "87": 4, "95": 2}
COUNTRIES = ("JP", "JP", "JP", "KR", "DE", "US", "US", "SG", "VN", "TH", "FR", "GB", "IT", "MY")
END_USES = (
    "用于汽车零部件生产", "民用电子产品组装", "供经销商转售", "家用电器制造", "建筑工程使用",
    "自動車部品の製造に使用", "民生用電子機器の組立", "販売代理店向け在庫", "工場設備の保守部品",
    "For resale to distributors", "Production of consumer electronics", "Spare parts for factory maintenance",
    "Automotive component manufacturing", "Packaging of finished goods", "Laboratory use at a university",
)


def _goods(rng: random.Random, hs6: dict[str, str]) -> list[tuple[str, str]]:
    by_chapter: dict[str, list[tuple[str, str]]] = {}
    for code, text in hs6.items():
        if len(code) == 6:
            by_chapter.setdefault(code[:2], []).append((code, text))
    pool = []
    for chapter, weight in CHAPTERS.items():
        items = by_chapter.get(chapter, [])
        pool.extend(rng.sample(items, min(len(items), weight * 6)))
    return pool


def everyday_shipments(lines: int, seed: int = 20261207, start: dt.date = dt.date(2026, 3, 2)) -> tuple[list[Shipment], set[str]]:
    """``(shipments, ids of the shipments that name a listed entity)`` with about ``lines`` item lines."""
    rng = random.Random(seed)
    hs6 = store.load_hs6()
    goods = _goods(rng, hs6)
    controlled = [e for e in store.load_catalogue() if e.hs_codes and e.direction == "export"]
    listed = [e for e in store.load_entries() if e.list in ("CN-ECL", "CN-WL", "CN-UEL", "CN-AFSL")]
    names = synthetic_records(lines, seed=seed)
    names = [record.name for record in names]
    shipments: list[Shipment] = []
    planted: set[str] = set()
    made = 0
    number = 0
    while made < lines:
        number += 1
        sid = f"DAY-{number:05d}"
        count = min(lines - made, rng.choice((1, 1, 2, 2, 3, 3, 4, 5, 6)))
        item_lines = []
        for i in range(count):
            if rng.random() < 0.04:
                entry = rng.choice(controlled)
                item_lines.append({"line": i + 1, "description": entry.name_en or entry.name_zh or entry.code, "control_code": entry.code,
                                   "hs_code": entry.hs_codes[0], "origin_country": "CN", "quantity": 10, "unit": "kg", "value": 1000.0, "currency": "USD"})
                continue
            code, text = rng.choice(goods)
            roll = rng.random()
            hs = code + rng.choice(("0000", "9000", "1000", "9090")) if roll < 0.60 else code + "00" if roll < 0.75 else code if roll < 0.90 else None
            item_lines.append({"line": i + 1, "description": text, "control_code": None, "hs_code": hs, "origin_country": "CN",
                               "quantity": rng.randint(1, 500), "unit": "pcs", "value": float(rng.randint(100, 90000)), "currency": "USD"})
        made += count
        consignee = {"name": rng.choice(names), "country": rng.choice(COUNTRIES)}
        end_user = {"name": rng.choice(names), "country": consignee["country"]} if rng.random() < 0.3 else None
        if rng.random() < 0.01:
            entry = rng.choice(listed)
            forms = [entry.name, *[n.value for n in entry.names if not (n.source or "").startswith("generated")]]
            target = {"name": rng.choice(forms), "country": entry.countries[0] if entry.countries else None}
            if end_user is not None and rng.random() < 0.5:
                end_user = target
            else:
                consignee = target
            planted.add(sid)
        shipments.append(
            Shipment.model_validate(
                {
                    "id": sid,
                    "date": (start + dt.timedelta(days=rng.randint(0, 150))).isoformat(),
                    "exporter": {"name": rng.choice(names), "country": "CN"},
                    "consignee": consignee,
                    "end_user": end_user,
                    "intermediaries": [],
                    "destination_country": consignee["country"] or "JP",
                    "end_use": "" if rng.random() < 0.1 else rng.choice(END_USES),
                    "lines": item_lines,
                }
            )
        )
    return shipments, planted


def measure(lines: int, seed: int) -> dict:
    """Screen and record the mix in a temporary database; the alert figures."""
    from dualuse.service.alerts import list_alerts
    from dualuse.service.screening import screen_and_record
    from dualuse.storage.db import open_database

    shipments, planted = everyday_shipments(lines, seed)
    total_lines = sum(len(s.lines) for s in shipments)
    with tempfile.TemporaryDirectory(prefix="dualuse-alerts-") as tmp:
        db = open_database(str(Path(tmp) / "records.db"))
        started = time.perf_counter()
        results = screen_and_record(db, shipments, actor="benchmark", channel="benchmark")
        seconds = time.perf_counter() - started
        _total, alerts = list_alerts(db, status="all", limit=1000)
        while len(alerts) < _total:
            alerts += list_alerts(db, status="all", limit=1000, offset=len(alerts))[1]
    verdicts = Counter(r.decision.verdict for r in results)
    by_id = {r.shipment_id: r for r in results}
    # a planted name must come back as a match or possible match on a list entry (the hit is reported; whether a rule
    # fires depends on the goods: the control list restricts dual-use items only)
    missed = sorted(sid for sid in planted if not any(h.decision in ("match", "possible") and h.list.startswith("CN-") for h in by_id[sid].decision.hits))
    rules = Counter()
    for a in alerts:
        for reason in a["details"].get("reasons", []):
            rules[reason.get("rule_id")] += 1
    return {
        "lines": total_lines,
        "shipments": len(shipments),
        "alerts": len(alerts),
        "alerts_per_1000_lines": round(1000 * len(alerts) / total_lines, 1),
        "pending_shipments": sum(1 for r in results if r.status == "pending_review"),
        "by_kind": dict(Counter(a["kind"] for a in alerts)),
        "by_severity": dict(Counter((a.get("severity") or {}).get("level", "-") for a in alerts)),
        "by_rule": dict(rules.most_common()),
        "verdicts": dict(verdicts),
        "planted_true_hits": len(planted),
        "planted_missed": missed,
        "seconds": round(seconds, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=20261207)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = measure(args.lines, args.seed)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        for key, value in result.items():
            print(f"{key:24} {value}")
    return 0 if not result["planted_missed"] else 1


if __name__ == "__main__":
    raise SystemExit(main())

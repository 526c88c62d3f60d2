"""How long re-screening takes after a list update: 100,000 stored counterparties, 20 added entries.

    python benchmarks/rescreen.py [--counterparties 100000] [--added 20] [--db URL] [--seed 7]

Builds a fresh database (a temporary SQLite file, or ``--db`` e.g. a
PostgreSQL URL whose schema must be empty), stores synthetic counterparties
the way screening stores them (name, country, blocking keys), plus a few
hundred recent shipments, then loads a FollowTheMoney update that adds
``--added`` Japanese companies to the control list and times
``dualuse lists update``'s work: validation, storing the version and its
diff, and re-screening (blocking, matching, re-screening the shipments of
the counterparties hit). Among the counterparties are, for every new entry,
its name as listed, a variant spelling and a lookalike (a parent company),
so the run also shows what the re-screening finds.

For comparison it times the full matcher on a sample of counterparties and
extrapolates to all of them (what re-screening "everything" would cost).
Prints a table; exits 1 if re-screening misses a stored name that the full
matcher matches to an added entry.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROMAJI = (
    "Aki Asa Chiba Fuji Fuku Hama Hashi Hayashi Hira Hoku Ichi Ishi Iwa Kami Kana Kawa Kita Kiyo Kobe Koma Kuro Matsu Mina Miya Mori "
    "Naga Naka Nishi Oka Ono Saka Sawa Seki Shima Shin Suzu Taka Tama Tani Toku Toyo Tsuru Ume Wada Yama Yoko Yoshi Zen"
).split()
SUFFIX = "da hara moto kawa mura saki zawa no ta be ya gawa hashi yama".split()
INDUSTRY = (
    "Precision Optics Electric Electronics Chemical Trading Machinery Engineering Systems Materials Logistics Textiles Foods Pharma "
    "Industries Manufacturing Instruments Devices Components Metals Plastics Ceramics Semiconductor Robotics Motors Bearings Tools "
    "Software Solutions Shipping Marine Aviation Energy Coatings Filters Sensors Lasers Glass Paper Rubber Steel Valves Pumps"
).split()
LEGAL = ["Co., Ltd.", "K.K.", "Corporation", "Inc.", "Ltd.", "Kabushiki Kaisha", "Co Ltd", "Holdings Co., Ltd."]
PLACES = (
    "北陆 东北 九州 关西 大阪 京都 横滨 名古屋 神户 札幌 仙台 广岛 福冈 静冈 长野 新潟 冈山 熊本 千叶 埼玉 上海 深圳 苏州 宁波 "
    "杭州 天津 青岛 大连 厦门 无锡 常州 东莞 佛山 合肥 成都 重庆 武汉 长沙 南京 济南"
).split()
TERMS = (
    "精密 光学 电子 化工 贸易 机械 科技 材料 制造 仪器 重工 航空 海洋 能源 汽车 钢铁 玻璃 纸业 橡胶 半导体 物流 医药 食品 纺织 "
    "塑料 陶瓷 传感器 激光 阀门 泵业 轴承 电机 模具 涂料 过滤 工具 软件 船舶"
).split()
HAN = "宏泰昌盛兴达鑫源丰华瑞祥恒通宇鼎晟博创联信安康隆丽"
HAN_FORMS = ["株式会社", "有限公司", "股份有限公司"]
KATAKANA = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン"
COUNTRIES = ["JP"] * 6 + ["CN"] * 2 + ["SG", "KR", "US", "DE", None]


def romaji_word(rnd: random.Random) -> str:
    return rnd.choice(ROMAJI) + rnd.choice(SUFFIX)


def synthetic_name(rnd: random.Random) -> str:
    kind = rnd.random()
    if kind < 0.6:
        words = [romaji_word(rnd)] + rnd.sample(INDUSTRY, rnd.randint(1, 3))
        return " ".join(words) + " " + rnd.choice(LEGAL)
    if kind < 0.85:
        brand = "".join(rnd.sample(HAN, rnd.randint(0, 2)))
        return rnd.choice(PLACES) + brand + "".join(rnd.sample(TERMS, rnd.randint(1, 2))) + rnd.choice(HAN_FORMS)
    return "".join(rnd.choice(KATAKANA) for _ in range(rnd.randint(3, 8))) + "株式会社"


def new_entries(rnd: random.Random, count: int, taken: set[str]) -> list[tuple[str, str, str]]:
    """``(english name, chinese name, parent name)`` of the companies the update lists."""
    out = []
    while len(out) < count:
        base = f"{romaji_word(rnd)} {' '.join(rnd.sample(INDUSTRY, 2))}"
        if base in taken:
            continue
        taken.add(base)
        zh = rnd.choice(PLACES) + "".join(rnd.sample(HAN, 2)) + "".join(rnd.sample(TERMS, 2)) + "株式会社"
        out.append((f"{base} Co., Ltd.", zh, f"{base.split()[0]} Group Holdings Corporation"))
    return out


def variant(name: str, rnd: random.Random) -> str:
    """The name as an invoice might write it: upper case, one typo, no punctuation."""
    words = name.replace(",", "").replace(".", "").upper().split()
    i = rnd.randrange(len(words[0]) - 1) + 1
    words[0] = words[0][:i] + words[0][i + 1:] if len(words[0]) > 5 else words[0]
    return " ".join(words)


def main() -> int:
    parser = argparse.ArgumentParser(description="Time re-screening after a list update.")
    parser.add_argument("--counterparties", type=int, default=100_000)
    parser.add_argument("--added", type=int, default=20)
    parser.add_argument("--shipments", type=int, default=300, help="recent shipments stored (some to the new entries' names)")
    parser.add_argument("--db", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--sample", type=int, default=2000, help="counterparties matched with the full matcher for the comparison")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="dualuse-rescreen-"))
    os.environ.setdefault("DUALUSE_CACHE_DIR", str(work / "versions"))
    from sqlalchemy import insert

    from dualuse.decision.overrides import counterparty_key
    from dualuse.service import updates, versions
    from dualuse.service.counterparties import KEY_SEPARATOR, blocking_keys, key_hash, keys_version
    from dualuse.service.screening import live_screener, screen_and_record
    from dualuse.storage import chain
    from dualuse.storage.db import Database
    from dualuse.storage.models import Counterparty

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from recordkit import shipment

    rnd = random.Random(args.seed)
    db = Database(args.db or f"sqlite:///{work / 'records.db'}")
    versions.ensure_baseline(db)
    taken: set[str] = set()
    listed = new_entries(rnd, args.added, taken)
    planted = []
    for english, zh, parent in listed:
        planted += [(english, "JP", True), (variant(english, rnd), "JP", True), (zh, None, True), (parent, "JP", False)]

    # 1. store the counterparties (as screening does: name, country, blocking keys)
    t0 = time.perf_counter()
    names: dict[str, tuple[str, str | None]] = {}
    for name, country, _ in planted:
        names[counterparty_key(name, country)] = (name, country)
    while len(names) < args.counterparties:
        name, country = synthetic_name(rnd), rnd.choice(COUNTRIES)
        names.setdefault(counterparty_key(name, country), (name, country))
    now = chain.utc_now()
    version = keys_version()
    rows = [
        {"key_hash": key_hash(key), "key": key, "name": name, "country": country, "keys": KEY_SEPARATOR.join(sorted(blocking_keys(name))), "keys_version": version, "first_seen": now, "last_seen": now}
        for key, (name, country) in names.items()
    ]
    t1 = time.perf_counter()
    with db.write() as session:
        for start in range(0, len(rows), 5000):
            session.execute(insert(Counterparty), rows[start : start + 5000])
    t2 = time.perf_counter()

    # 2. recent shipments: some to the planted names, the rest to random stored counterparties
    targets = [name for name, _, _ in planted[: min(len(planted), args.shipments // 3)]]
    others = rnd.sample([n for n, _ in names.values()], max(0, args.shipments - len(targets)))
    screen_and_record(db, [shipment(f"B-{i:05d}", name) for i, name in enumerate(targets + others)], actor="benchmark", channel="cli")
    t3 = time.perf_counter()

    # 3. the update: --added companies on the control list
    today = dt.date.today()
    update = work / "update.ftm.jsonl"
    with update.open("w", encoding="utf-8") as handle:
        for i, (english, zh, _) in enumerate(listed, start=1):
            handle.write(
                json.dumps(
                    {"id": f"bench-{i}", "schema": "Company", "datasets": ["CN-ECL"],
                     "properties": {"name": [english, zh], "country": ["jp"], "program": ["商务部公告2026年第99号"],
                                    "sourceUrl": ["https://www.mofcom.gov.cn/benchmark/99.html"], "startDate": [(today - dt.timedelta(days=1)).isoformat()]}},
                    ensure_ascii=False,
                )
                + "\n"
            )
    t4 = time.perf_counter()
    prepared = updates.prepare(db, update, as_of=today)
    t5 = time.perf_counter()
    report = updates.apply(db, prepared, actor="benchmark", today=today)
    t6 = time.perf_counter()
    rescreen = report.rescreen

    # 4. for comparison: the full matcher over a sample of the counterparties
    _, screener = live_screener(db)
    sample = rnd.sample(list(names.values()), min(args.sample, len(names)))
    t7 = time.perf_counter()
    for name, country in sample:
        screener.matcher.match(name, country=country)
    brute = (time.perf_counter() - t7) / len(sample) * len(names)

    # every stored name the full matcher matches to an added entry must have been found
    added_ids = {e.id for e in report.diff.added}
    stored_planted = {names[counterparty_key(n, c)]: should for n, c, should in planted}  # as stored (spellings merge)
    expected = {name for (name, country) in stored_planted if any(r.entry.id in added_ids and r.decision in ("match", "possible") for r in screener.matcher.match(name, country=country, limit=20))}
    found = {h["counterparty"] for h in rescreen.hits}
    missed = sorted(expected - found)
    false = [name for (name, _), should in stored_planted.items() if not should and name in found]
    rows_out = [
        ("database", db.label.split("://")[0] + ("" if args.db else " (temporary file)")),
        ("stored counterparties", f"{rescreen.counterparties:,}"),
        ("entries added by the update", f"{report.diff.counts()['added']}"),
        ("candidates after blocking", f"{rescreen.candidates:,}"),
        ("counterparties with new hits", f"{rescreen.counterparties_hit} (planted names the matcher matches: {len(expected)}, missed: {len(missed)}; parent companies hit: {len(false)})"),
        ("open or recent shipments re-screened", f"{rescreen.shipments_rescreened} (alerts opened: {len(rescreen.shipment_alerts)} on shipments, {len(rescreen.counterparty_alerts)} on counterparties)"),
        ("", ""),
        ("validate the update (prepare)", f"{t5 - t4:8.2f} s"),
        ("  blocking (stored keys vs changed names)", f"{rescreen.seconds.get('blocking', 0):8.2f} s"),
        ("  full matcher on the candidates", f"{rescreen.seconds.get('matching', 0):8.2f} s"),
        ("  re-screen and record the shipments", f"{rescreen.seconds.get('shipments', 0):8.2f} s"),
        ("re-screening in all", f"{rescreen.seconds.get('total', 0):8.2f} s"),
        ("store version, diff, lapse whitelist + re-screening", f"{t6 - t5:8.2f} s"),
        ("update end to end (validate .. alerts)", f"{t6 - t4:8.2f} s"),
        ("", ""),
        ("for comparison: full matcher on every counterparty", f"{brute:8.1f} s (extrapolated from {len(sample):,})"),
        ("setup: blocking keys of the counterparties", f"{t1 - t0:8.2f} s"),
        ("setup: insert the counterparties", f"{t2 - t1:8.2f} s"),
        ("setup: screen and record the shipments", f"{t3 - t2:8.2f} s"),
    ]
    width = max(len(k) for k, _ in rows_out)
    print(f"Re-screening after a list update adding {args.added} entries ({os.cpu_count()} CPUs, Python {sys.version.split()[0]})")
    print("-" * (width + 40))
    for key, value in rows_out:
        print(f"{key:<{width}}  {value}")
    if missed:
        print(f"MISSED by re-screening (the matcher matches them): {missed}")
    db.dispose()
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Re-screening looks only at what changed, and misses nothing the matcher would find.

The blocking step (:class:`dualuse.service.rescreen.ChangeBlocker`) must pass
every stored name that the full matcher matches to a changed entry. Checked
on the entries' own written forms with typos, dropped words, acronyms, added
legal forms and addresses, and on the development name set when present.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest

from dualuse.decision.screen import Screener
from dualuse.service.counterparties import blocking_keys
from dualuse.service.rescreen import blocker_for

EVAL = Path(__file__).resolve().parents[3] / "shared" / "eval" / "names_dev.csv"


@pytest.fixture(scope="module")
def screener():
    return Screener()


def _variants(value: str, rnd: random.Random) -> set[str]:
    out = {value, value.upper() + " CO LTD", value + ", 1-2-3 Marunouchi, Chiyoda-ku, Tokyo"}
    if len(value) > 5:
        i = rnd.randrange(1, len(value) - 1)
        out.add(value[:i] + value[i + 1:])
        out.add(value[:i] + rnd.choice("aeiknrst") + value[i + 1:])
    words = value.split()
    if len(words) > 2:
        out.add(" ".join(words[:-1]))
        out.add("".join(w[0] for w in words[:3]).upper() + " " + " ".join(words[3:]))
    return out


def _misses(screener, queries) -> tuple[int, list]:
    blockers: dict[str, object] = {}
    pairs, misses = 0, []
    for query, country in queries:
        keys = blocking_keys(query)
        for result in screener.matcher.match(query, country=country, limit=20):
            if result.decision not in ("match", "possible"):  # "related" results are not name matches
                continue
            pairs += 1
            blocker = blockers.get(result.entry.id) or blockers.setdefault(result.entry.id, blocker_for(screener, {result.entry.id}))
            if not blocker.is_candidate(keys):
                misses.append((query, result.entry.id, result.score))
    return pairs, misses


def test_blocking_passes_every_name_the_matcher_matches(screener):
    rnd = random.Random(20261129)
    entries = sorted(screener.entries, key=lambda e: e.id)
    sample = rnd.sample(entries, 120)
    queries = sorted({(v, None) for e in sample for form in e.names for v in _variants(form.value, rnd)})
    pairs, misses = _misses(screener, queries)
    assert pairs > 1000
    assert misses == []


@pytest.mark.skipif(not EVAL.is_file(), reason="../shared/eval is not present")
def test_blocking_passes_the_development_names(screener):
    with EVAL.open(encoding="utf-8") as handle:
        queries = [(row["query"], row["country"] or None) for row in csv.DictReader(handle)]
    pairs, misses = _misses(screener, queries)
    assert pairs > 200 and misses == []


def test_blocking_leaves_out_unrelated_names(screener):
    blocker = blocker_for(screener, {"CN-ECL:MOFCOM-2026-11:2"})  # Mitsubishi Heavy Industries Aero Engines, Ltd.
    assert blocker.is_candidate(blocking_keys("MHI Aero Engines"))
    assert blocker.is_candidate(blocking_keys("三菱重工航空エンジン株式会社"))
    for name in ("Toyota Tsusho Corporation", "Acme Trading Co., Ltd.", "上海贸易有限公司", "Kanazawa Seimitsu Kogyo K.K."):
        assert not blocker.is_candidate(blocking_keys(name)), name


# Names that the matcher resolves through a unit kind or a named unit
# (military_units.yaml), not through the words of the entry's own names.
UNIT_NAMES = ("小松基地", "三沢基地", "第6航空団", "小松基地の第6航空団", "陸自第1師団", "ブルーインパルス", "Blue Impulse", "練馬駐屯地")


def test_blocking_passes_names_that_resolve_through_a_unit_kind_or_a_named_unit(screener):
    pairs, misses = _misses(screener, [(name, "JP") for name in UNIT_NAMES])
    assert pairs >= len(UNIT_NAMES)
    assert misses == []

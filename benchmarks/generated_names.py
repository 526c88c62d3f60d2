#!/usr/bin/env python3
"""Recall and false alerts on names generated from the packaged list entries (issue 9).

Every case is made from a listed name by a general transformation, never
from an evaluation row, and split by a hash of (entry id, kind) into a
``tune`` part and a ``held-out`` part (one third). Only the tune part may be
looked at while changing the matcher; the held-out part is reported as is.

Positive kinds (the listed entry must be a ``match``):

* ``in_document``: the name inside a longer document string
  ("Consignee: NAME, 1-2-3 Marunouchi, Tokyo"; "Messrs. NAME").
* ``ocr``: OCR-like errors in Latin names (O->0, l->1, m->rn, S->5 in one word).
* ``hiragana`` / ``halfwidth``: the kana reading in hiragana / half-width katakana.
* ``abbreviation``: English names in customs abbreviations (HVY IND, MFG, CORP...).
* ``word_order``: "NAME, LEGAL FORM" written legal form first ("Ltd. NAME" style: "Co., Ltd. ..." moved to the front).
* ``typo``: two neighbouring letters swapped or a letter doubled in the longest word.

Positive cases are matched with the entry's country, as a document gives the
party's address (a generic body such as "Air Staff Office" is a match only
with its country, :mod:`dualuse.matching.evidence`).

Negative kinds (the entry must not be a ``match``): ``foreign_entity``: the
name's distinctive part with another country's legal form, matched with that
other country; ``another_business``: the name with a word of another line of
business before its legal form ("X Foods Co., Ltd."), matched with the
entry's country.

Usage: python benchmarks/generated_names.py [--part tune|held-out|all]
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from dualuse.matching.matcher import Matcher  # noqa: E402
from dualuse.refdata import store  # noqa: E402

ABBREVIATIONS = {"heavy": "HVY", "industries": "IND", "industry": "IND", "manufacturing": "MFG", "corporation": "CORP", "technology": "TECH",
                 "systems": "SYS", "vehicle": "VEH", "services": "SVC", "company": "CO", "limited": "LTD", "electric": "ELEC", "engineering": "ENG"}
OCR = (("o", "0"), ("l", "1"), ("m", "rn"), ("s", "5"), ("i", "1"), ("e", "c"))
# words naming another line of business: "X Foods Co., Ltd." is another company than "X Co., Ltd."
OTHER_WORDS = ("Foods", "Textiles", "Real Estate", "Pharmaceutical", "Cosmetics", "Travel", "Insurance", "Apparel")
FOREIGN = (("GmbH", "DE"), ("plc", "GB"), ("S.p.A.", "IT"), ("B.V.", "NL"), ("OOO", "RU"), ("Pty Ltd", "AU"))
LATIN = re.compile(r"[A-Za-z0-9 .,&()'-]{6,}")
LEGAL_TAIL = re.compile(r"[, ]+(Co\.?,? ?Ltd\.?|Ltd\.?|Inc\.?|Corporation|Corp\.?|LLC|Limited|Company|AG|GmbH|K\.K\.)$", re.I)


NEGATIVE = ("foreign_entity", "another_business")


def part_of(key: str) -> str:
    return "held-out" if int(hashlib.sha256(key.encode()).hexdigest(), 16) % 3 == 0 else "tune"


def cases(entries) -> list[tuple[str, str, str, str | None, bool]]:
    """(kind, entry id, query, country, expected match)."""
    out = []
    for entry in entries:
        country = entry.countries[0] if entry.countries else None
        out.extend((k, i, q, country if e or k == "another_business" else c, e) for k, i, q, c, e in _cases_of(entry))
    return out


def _cases_of(entry) -> list[tuple[str, str, str, str | None, bool]]:
    out = []
    for entry in [entry]:
        latin = entry.name if LATIN.fullmatch(entry.name) else None
        country = entry.countries[0] if entry.countries else None
        if latin:
            out.append(("in_document", entry.id, f"Consignee: {latin}, 2-1 Marunouchi 1-chome, Chiyoda-ku, Tokyo 100-0005", None, True))
            out.append(("in_document", entry.id, f"Messrs. {latin}", None, True))
            words = latin.split()
            longest = max(range(len(words)), key=lambda i: len(words[i]))
            word = words[longest]
            for src, dst in OCR:
                if src in word[1:] and len(word) >= 6:
                    ocr = word[0] + word[1:].replace(src, dst, 1)
                    out.append(("ocr", entry.id, " ".join(words[:longest] + [ocr] + words[longest + 1 :]), None, True))
                    break
            if len(word) >= 6:
                k = len(word) // 2
                swapped = word[:k] + word[k + 1] + word[k] + word[k + 2 :]
                if swapped != word:
                    out.append(("typo", entry.id, " ".join(words[:longest] + [swapped] + words[longest + 1 :]), None, True))
            abbreviated = [ABBREVIATIONS.get(w.lower().strip(".,"), w) for w in words]
            if abbreviated != words:
                out.append(("abbreviation", entry.id, " ".join(abbreviated).upper(), None, True))
            tail = LEGAL_TAIL.search(latin)
            if tail and tail.start() > 3:
                out.append(("word_order", entry.id, f"{tail.group(1)} {latin[: tail.start()]}", None, True))
                core = latin[: tail.start()]
                form, other = FOREIGN[int(hashlib.sha256(entry.id.encode()).hexdigest(), 16) % len(FOREIGN)]
                if other == country:
                    other = "BR"
                if country:
                    out.append(("foreign_entity", entry.id, f"{core} {form}", other, False))
                word = OTHER_WORDS[int(hashlib.sha256(entry.id.encode()).hexdigest(), 16) % len(OTHER_WORDS)]
                out.append(("another_business", entry.id, f"{core} {word}{latin[tail.start():]}", None, False))
        for form in entry.names:
            if form.kind == "kana" and len(form.value) >= 4:
                import jaconv

                out.append(("hiragana", entry.id, jaconv.kata2hira(form.value), None, True))
                out.append(("halfwidth", entry.id, jaconv.z2h(jaconv.hira2kata(form.value), kana=True, ascii=False, digit=False), None, True))
                break
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("tune", "held-out", "all"), default="all")
    args = parser.parse_args()
    entries = store.load_entries()
    matcher = Matcher(entries)
    table: dict[tuple[str, str], collections.Counter] = collections.defaultdict(collections.Counter)
    misses: list[str] = []
    for kind, entry_id, query, country, expected in cases(entries):
        part = part_of(f"{entry_id}|{kind}")
        if args.part != "all" and part != args.part:
            continue
        twins = {entry_id} | {r.target_id for r in matcher.entries[entry_id].relations if r.relation == "same_as"}
        hit = any(r.decision == "match" and r.entry.id in twins for r in matcher.match(query, country=country, limit=10))
        counter = table[(part, kind)]
        counter["rows"] += 1
        counter["ok"] += hit == expected
        if hit != expected and part == "tune":
            misses.append(f"  {kind:14} {query} [{country}] -> {entry_id}")
    print(f"{'part':9} {'kind':15} {'rows':>5} {'correct':>8}")
    for (part, kind), c in sorted(table.items()):
        print(f"{part:9} {kind:15} {c['rows']:5d} {c['ok']:8d}")
    for part in ("tune", "held-out"):
        pos = [c for (p, k), c in table.items() if p == part and k not in NEGATIVE]
        neg = [c for (p, k), c in table.items() if p == part and k in NEGATIVE]
        rows, ok = sum(c["rows"] for c in pos), sum(c["ok"] for c in pos)
        nrows, nok = sum(c["rows"] for c in neg), sum(c["ok"] for c in neg)
        if rows:
            print(f"{part}: recall {ok / rows:.4f} ({ok}/{rows}), false-alert rate {(nrows - nok) / max(nrows, 1):.4f} ({nrows - nok}/{nrows})")
    if misses:
        print("tune-part misses:")
        print("\n".join(misses[:60]))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Pairwise checks on public peer test material (``tests/matching/peer_cases/``).

Each case is (query, reference, expected): the reference name is indexed as
the only record of its own external list, beside the packaged lists, the way
a user loads a list with ``--list-file``; the query is matched against that
list. A case passes when an expected match is a ``match`` and an expected
non-match is not a ``match`` (a ``possible`` is shown to a reviewer and
raises no alert). Results also say whether an expected match was at least
surfaced (``match`` or ``possible``).
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from dualuse.matching.matcher import Matcher
from dualuse.matching.records import ExternalList, NameRecord
from dualuse.models.reference import LegalSource
from dualuse.refdata import store

CASES = Path(__file__).resolve().parent / "peer_cases"


@dataclass(frozen=True)
class PeerCase:
    source: str
    group: str
    query: str
    reference: str
    expected: bool


@dataclass(frozen=True)
class Outcome:
    case: PeerCase
    decision: str  # best decision on the reference: match, possible or none
    score: float
    why: str

    @property
    def passed(self) -> bool:
        return (self.decision == "match") == self.case.expected

    @property
    def surfaced(self) -> bool:
        return self.decision in ("match", "possible")


def load_cases() -> list[PeerCase]:
    """Every case of the three peer files, in file order."""
    cases: list[PeerCase] = []
    with (CASES / "nomenklatura_name_bench_cases.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            cases.append(PeerCase("nomenklatura", f"{row['case_group']}/{row['schema']}", row["name1"], row["name2"], row["is_match"] == "true"))
    with (CASES / "rigour_legal_form_pairs.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            cases.append(PeerCase("rigour", row["test_file"].rsplit("/", 1)[-1], row["query"], row["reference"], row["is_match"] == "true"))
    with (CASES / "watchman_cross_script_pairs.csv").open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if line.strip() and not line.startswith("#")]
    for row in csv.reader(lines):
        cases.append(PeerCase("watchman", row[3], row[0], row[1], True))
    return cases


def run_cases(cases: list[PeerCase] | None = None) -> list[Outcome]:
    """Match every case's query against its reference (one index for all, one list per reference)."""
    cases = load_cases() if cases is None else cases
    references = sorted({case.reference for case in cases})
    list_of = {name: f"PEER-{i:03d}" for i, name in enumerate(references)}
    source = LegalSource(issuer="peer test material", kind="reference", citation="peer cases", url=None)
    published = dt.date(2026, 1, 1)
    records = [NameRecord(id=f"{list_of[name]}:1", list=list_of[name], name=name, forms=((name, "primary"),)) for name in references]
    external = {list_id: ExternalList(list_id, source, published) for list_id in list_of.values()}
    matcher = Matcher(store.load_entries(), records=records, external=external)
    outcomes: list[Outcome] = []
    for case in cases:
        results = [r for r in matcher.match(case.query, lists=[list_of[case.reference]]) if r.decision in ("match", "possible")]
        best = max(results, key=lambda r: (r.decision == "match", r.score), default=None)
        outcomes.append(
            Outcome(case, best.decision if best else "none", best.score if best else 0.0, best.explanation() if best else "")
        )
    return outcomes


def summary(outcomes: list[Outcome]) -> str:
    """A table per source: cases, passed, expected matches surfaced."""
    lines = [f"{'source':14} {'cases':>6} {'passed':>7} {'rate':>7} {'matches surfaced':>17}"]
    for source in ("nomenklatura", "rigour", "watchman", "all"):
        part = [o for o in outcomes if source in ("all", o.case.source)]
        positives = [o for o in part if o.case.expected]
        lines.append(
            f"{source:14} {len(part):6d} {sum(o.passed for o in part):7d} {sum(o.passed for o in part) / max(len(part), 1):7.3f}"
            f" {sum(o.surfaced for o in positives):8d}/{len(positives)}"
        )
    return "\n".join(lines)

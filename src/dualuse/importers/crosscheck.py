"""Compare our lists with OpenSanctions' China sanctions data: what each has that the other lacks.

A designation of the file and an entry of ours are the same when they are on
the same list and share a written form of the name (NFKC, case and
punctuation folded), or, failing that, when dualuse's matcher calls the
file's name a ``match`` of the entry. For each pair the listing date and the
end date are compared too.

The result (:class:`CrossCheck`) lists:

* ``only_theirs``: designations of ours lists' kinds that we do not have;
* ``only_ours``: our legal-list entries that no designation of the file names;
* ``other_list``: the same name on a different list;
* ``date_differs`` / ``end_differs``: the same entry with another listing date or end.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from dualuse.decision.overrides import normalise_name
from dualuse.importers.opensanctions import Designation, Read
from dualuse.models.reference import LEGAL_LISTS, ListEntry


@dataclass
class CrossCheck:
    """The comparison (see module docstring)."""

    file: str
    matched: list[tuple[Designation, ListEntry]] = field(default_factory=list)
    only_theirs: list[Designation] = field(default_factory=list)
    only_ours: list[ListEntry] = field(default_factory=list)
    other_list: list[tuple[Designation, ListEntry]] = field(default_factory=list)
    date_differs: list[tuple[Designation, ListEntry]] = field(default_factory=list)
    end_differs: list[tuple[Designation, ListEntry, str]] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)

    def counts(self) -> dict:
        """Counts overall and per list (theirs: per list and issuing body)."""
        theirs: dict[str, int] = {}
        for d in self.only_theirs:
            key = f"{d.list_id} ({d.body or 'no body'})"
            theirs[key] = theirs.get(key, 0) + 1
        ours: dict[str, int] = {}
        for e in self.only_ours:
            ours[e.list] = ours.get(e.list, 0) + 1
        return {
            "matched_designations": len(self.matched),
            "matched_entries": len({e.id for _, e in self.matched}),
            "only_theirs": len(self.only_theirs),
            "only_theirs_by_list": dict(sorted(theirs.items())),
            "only_ours": len(self.only_ours),
            "only_ours_by_list": dict(sorted(ours.items())),
            "other_list": len(self.other_list),
            "date_differs": len(self.date_differs),
            "end_differs": len(self.end_differs),
            "skipped": dict(self.skipped),
        }

    def as_dict(self) -> dict:
        """JSON-ready form with every row."""
        d = lambda x: {"row": x.row, "list": x.list_id, "name": x.name, "name_zh": x.name_zh, "body": x.body, "label": x.label, "start": x.start.isoformat() if x.start else None, "end": x.end.isoformat() if x.end else None, "url": x.url}  # noqa: E731
        e = lambda x: {"id": x.id, "list": x.list, "name": x.name, "listing": x.legal_source.citation, "effective": x.effective.isoformat() if x.effective else None}  # noqa: E731
        return {
            "file": self.file,
            "counts": self.counts(),
            "only_theirs": [d(x) for x in self.only_theirs],
            "only_ours": [e(x) for x in self.only_ours],
            "other_list": [{"theirs": d(a), "ours": e(b)} for a, b in self.other_list],
            "date_differs": [{"theirs": d(a), "ours": e(b)} for a, b in self.date_differs],
            "end_differs": [{"theirs": d(a), "ours": e(b), "what": w} for a, b, w in self.end_differs],
        }


def _ended(entry: ListEntry) -> dt.date | None:
    ends = [iv.start for iv in entry.status_intervals if iv.status in ("removed", "stopped") and iv.end is None]
    return min(ends) if ends else None


def same_entries(designation: Designation, entries_by_form: dict[str, list[ListEntry]], matcher=None) -> list[ListEntry]:
    """Our entries (any list) that the designation names: by a shared written form, else by a matcher ``match``."""
    found: dict[str, ListEntry] = {}
    for name in designation.names:
        for entry in entries_by_form.get(normalise_name(name), []):
            found[entry.id] = entry
    if not found and matcher is not None:
        for name in designation.names:
            for result in matcher.match(name, country=designation.country, limit=3):
                if result.decision == "match" and result.entry.list in LEGAL_LISTS:
                    found[result.entry.id] = result.entry
            if found:
                break
    return list(found.values())


def index_forms(entries: list[ListEntry]) -> dict[str, list[ListEntry]]:
    """``{normalised name form: entries}`` over the legal lists."""
    out: dict[str, list[ListEntry]] = {}
    for entry in entries:
        if entry.list not in LEGAL_LISTS:
            continue
        for form in entry.names:
            if form.kind in ("pinyin", "romaji") and form.source and form.source.startswith("generated"):
                continue  # generated readings are ours, not printed names
            out.setdefault(normalise_name(form.value), []).append(entry)
    return out


def crosscheck(read: Read, entries: list[ListEntry], use_matcher: bool = True) -> CrossCheck:
    """Compare the file's designations with our legal-list entries (see module docstring)."""
    from dualuse.matching.matcher import Matcher

    legal = [e for e in entries if e.list in LEGAL_LISTS]
    forms = index_forms(legal)
    matcher = Matcher(legal) if use_matcher else None
    result = CrossCheck(read.file, skipped=dict(read.skipped))
    seen: set[str] = set()
    for designation in read.designations:
        candidates = same_entries(designation, forms, matcher)
        same_list = [e for e in candidates if e.list == designation.list_id]
        if not same_list:
            if candidates:
                result.other_list.append((designation, candidates[0]))
            else:
                result.only_theirs.append(designation)
            continue
        for entry in same_list:
            seen.add(entry.id)
            result.matched.append((designation, entry))
        entry = same_list[0]
        if designation.start and entry.effective and all(designation.start != e.effective for e in same_list):
            result.date_differs.append((designation, entry))
        ours_end = _ended(entry)
        if designation.end != ours_end and not (designation.end is None and any(_ended(e) is None for e in same_list)):
            theirs = designation.end.isoformat() if designation.end else "none"
            result.end_differs.append((designation, entry, f"end: theirs {theirs}, ours {ours_end.isoformat() if ours_end else 'none'}"))
    result.only_ours = [e for e in legal if e.id not in seen]
    return result

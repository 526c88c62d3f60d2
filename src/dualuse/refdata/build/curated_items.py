"""Curated control-list data: item announcements, clean names, technical parameters.

Reads ``data-sources/curated/control_items.yaml`` (format documented at the
top of that file) and applies it to the catalogue entries built by
:mod:`.catalogue`:

* every entry under an announcement's code prefixes gets ``announcement`` and
  ``announcement_effective`` (and the announcement's suspension, if any);
* curated names replace untrusted extracted names (``name_source`` says so);
  names of parent headings (1C902 = samarium items) go to the descendants'
  ``family_zh``/``family_en``;
* codes that are not in the catalogue but were listed by a suspended
  announcement (1C909-1C914, 2B902, 2C902, 1E902, 2E902) become entries with
  ``in_catalogue=False``, dated by their announcement;
* curated parameter rows become :class:`ControlParameter` objects of the code
  and of its descendants.

Errors in the file (unknown keys, bad dates, an entry or parameter for a
code that is neither in the catalogue nor introduced by an announcement)
raise :class:`BuildError`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from dualuse.classification.codes import covers
from dualuse.models.reference import ControlEntry, ControlParameter, LegalSource, StatusInterval

from .common import BuildError

FILE = "control_items.yaml"
ANNOUNCEMENT_KEYS = {"id", "citation", "title_zh", "issuer", "year", "number", "published", "effective", "codes", "suspended", "source", "url"}
ENTRY_KEYS = {"code", "zh", "en", "in_catalogue", "hs", "note"}
PARAMETER_KEYS = {"code", "alt", "name", "op", "value", "unit", "citation", "text"}


@dataclass
class Announcement:
    """One item announcement as curated."""

    id: str
    source: LegalSource
    published: dt.date | None
    effective: dt.date | None
    codes: list[str]
    suspension: StatusInterval | None
    note: str


@dataclass
class CuratedItems:
    """The parsed curated file."""

    announcements: list[Announcement]
    entries: dict[str, dict]
    parameters: dict[str, list[ControlParameter]]
    applied: dict[str, int] = field(default_factory=dict)

    def announcement_for(self, code: str) -> Announcement | None:
        """The announcement whose code prefixes cover ``code`` (the most specific prefix wins)."""
        best: tuple[int, Announcement] | None = None
        for ann in self.announcements:
            for prefix in ann.codes:
                if covers(prefix, code) and (best is None or len(prefix) > best[0]):
                    best = (len(prefix), ann)
        return best[1] if best else None


def _date(value, where: str) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise BuildError(f"{FILE}: {where}: {value!r} is not a date (YYYY-MM-DD)") from None


def _unknown(keys, allowed: set[str], where: str) -> None:
    extra = set(keys) - allowed
    if extra:
        raise BuildError(f"{FILE}: {where}: unknown key(s) {sorted(extra)}")


def load(curated_dir: Path) -> CuratedItems:
    """Parse ``control_items.yaml``.

    Raises:
        BuildError: the file is missing or malformed.
    """
    path = Path(curated_dir) / FILE
    if not path.is_file():
        raise BuildError(f"curated control-item file {path} is missing")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise BuildError(f"{FILE}: not valid YAML: {error}") from None
    if not isinstance(data, dict):
        raise BuildError(f"{FILE}: expected a mapping at the top level")
    announcements = []
    for i, raw in enumerate(data.get("announcements") or []):
        where = f"announcements[{i}]"
        _unknown(raw, ANNOUNCEMENT_KEYS, where)
        suspension = None
        if raw.get("suspended"):
            s = raw["suspended"]
            suspension = StatusInterval(
                status="suspended",
                start=_date(s.get("start"), where + ".suspended.start"),
                end=_date(s.get("end"), where + ".suspended.end"),
                source_url=s.get("url"),
                note=f"Suspended by {s.get('by')} from {s.get('start')} until {s.get('end')} (regime.md §3.7).",
                instrument=s.get("by"),
            )
        announcements.append(
            Announcement(
                id=raw["id"],
                source=LegalSource(
                    issuer=raw["issuer"],
                    kind="announcement",
                    year=raw.get("year"),
                    number=raw.get("number"),
                    title_zh=raw.get("title_zh"),
                    citation=raw["citation"],
                    url=raw.get("url"),
                ),
                published=_date(raw.get("published"), where + ".published"),
                effective=_date(raw.get("effective"), where + ".effective"),
                codes=list(raw.get("codes") or []),
                suspension=suspension,
                note=raw.get("source") or "",
            )
        )
    entries: dict[str, dict] = {}
    for i, raw in enumerate(data.get("entries") or []):
        _unknown(raw, ENTRY_KEYS, f"entries[{i}]")
        code = str(raw.get("code") or "")
        if code in entries:
            raise BuildError(f"{FILE}: entries[{i}]: code {code} appears twice")
        entries[code] = raw
    parameters: dict[str, list[ControlParameter]] = {}
    for i, raw in enumerate(data.get("parameters") or []):
        where = f"parameters[{i}]"
        _unknown(raw, PARAMETER_KEYS, where)
        try:
            param = ControlParameter(
                name=raw["name"],
                op=raw["op"],
                value=raw.get("value"),
                unit=str(raw.get("unit") or ""),
                alternative=int(raw.get("alt") or 0),
                text=str(raw.get("text") or ""),
                source="curated",
                citation=str(raw.get("citation") or ""),
            )
        except (KeyError, ValueError) as error:
            raise BuildError(f"{FILE}: {where}: {error}") from None
        parameters.setdefault(str(raw["code"]), []).append(param)
    return CuratedItems(announcements, entries, parameters)


def apply(curated: CuratedItems, entries: list[ControlEntry]) -> list[ControlEntry]:
    """Apply the curated data to the catalogue entries; return them plus the added ones.

    Raises:
        BuildError: a curated code that is neither in the catalogue, a parent
            of catalogue codes, nor marked ``in_catalogue: false``.
    """
    by_code = {e.code: e for e in entries if e.direction == "export"}
    codes = sorted(by_code)
    counts = {"announcement": 0, "names": 0, "families": 0, "added": 0, "parameters": 0}

    # 1. entries outside the catalogue (suspended announcements)
    added: list[ControlEntry] = []
    for code, raw in curated.entries.items():
        if raw.get("in_catalogue", True) is not False:
            continue
        if code in by_code:
            raise BuildError(f"{FILE}: {code} is marked in_catalogue: false but the catalogue has it")
        ann = curated.announcement_for(code)
        if ann is None or ann.effective is None:
            raise BuildError(f"{FILE}: {code} is outside the catalogue and no dated announcement covers it")
        entry = ControlEntry(
            code=code,
            direction="export",
            name_zh=raw.get("zh"),
            name_en=raw.get("en"),
            name_trusted=True,
            hs_codes=sorted(str(h) for h in raw.get("hs") or []),
            legal_source=ann.source,
            published=ann.published or ann.effective,
            effective=ann.effective,
            status_intervals=[ann.suspension] if ann.suspension else [],
            quality_flags=["not_in_2026_catalogue: " + (raw.get("note") or "added from the announcement (regime.md §4.1)")],
            name_source=f"curated: {ann.source.citation}",
            announcement=ann.source,
            announcement_effective=ann.effective,
            in_catalogue=False,
        )
        added.append(entry)
        counts["added"] += 1
    all_entries = [*entries, *added]
    by_code.update({e.code: e for e in added})
    codes = sorted(by_code)

    # 2. names: own code -> name fields; parent heading -> family of descendants
    for code, raw in curated.entries.items():
        below = [c for c in codes if covers(code, c)]
        if not below:
            raise BuildError(f"{FILE}: entries: {code} is not a catalogue code or a parent of one")
        ann = curated.announcement_for(code)
        cite = ann.source.citation if ann else "the 2026 catalogue text of the code"
        if code in by_code:
            entry = by_code[code]
            if raw.get("zh") and (not entry.name_trusted or entry.name_zh != raw.get("zh")):
                if entry.in_catalogue:
                    was = "trusted" if entry.name_trusted else "untrusted"
                    entry.quality_flags.append(f"name_curated (extracted name was {was}): {raw['zh']} (from the catalogue text / {cite})")
                entry.name_zh = raw["zh"]
                entry.name_trusted = True
            if raw.get("en"):
                entry.name_en = raw["en"]
            entry.name_source = f"curated: {cite}; English name translated by dualuse"
            counts["names"] += 1
        for c in below:
            if c == code:
                continue
            target = by_code[c]
            if raw.get("zh") and raw["zh"] not in target.family_zh:
                target.family_zh.append(raw["zh"])
            if raw.get("en") and raw["en"] not in target.family_en:
                target.family_en.append(raw["en"])
            counts["families"] += 1

    # 3. announcements
    for entry in all_entries:
        if entry.direction != "export":
            continue
        ann = curated.announcement_for(entry.code)
        if ann is None:
            continue
        entry.announcement = ann.source
        entry.announcement_effective = ann.effective
        if ann.suspension and ann.suspension not in entry.status_intervals:
            entry.status_intervals.append(ann.suspension)
        counts["announcement"] += 1

    # 4. parameters: own code and descendants
    for code, params in curated.parameters.items():
        below = [c for c in codes if covers(code, c)]
        if not below:
            raise BuildError(f"{FILE}: parameters: {code} is not a catalogue code or a parent of one")
        for c in below:
            by_code[c].parameters = [p.model_copy() for p in params] + [
                p for p in by_code[c].parameters if p.source == "curated" and p not in params
            ]
        counts["parameters"] += len(params)
    curated.applied = counts
    return all_entries

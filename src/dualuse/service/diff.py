"""What changed between two versions of the list entries.

Entries are compared by id and fingerprint
(:func:`dualuse.decision.overrides.entry_fingerprint`):

* ``added``: ids only in the new version;
* ``removed``: ids only in the old version;
* ``changed``: same id, different fingerprint, with the fields that changed
  (``name``, ``names`` added/removed, ``legal_source`` - a new announcement -,
  ``effective``, ``published``, ``countries``, ``addresses``, ``status``,
  ``category``, ``military_user``, ``list``);
* ``status_changes``: the changed entries whose status intervals changed,
  with the status on the comparison day before and after.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from dualuse.decision.overrides import entry_fingerprint
from dualuse.models.reference import ListEntry


@dataclass(frozen=True)
class EntryChange:
    """One changed entry.

    Attributes:
        entry_id, list, name: the entry (new version).
        fields: ``{field: {"old": ..., "new": ...}}`` (``names``: ``{"added": [...], "removed": [...]}``).
    """

    entry_id: str
    list: str
    name: str
    fields: dict

    def summary(self) -> str:
        """``name, legal_source, status`` - the changed fields in a line."""
        return ", ".join(self.fields)


@dataclass
class VersionDiff:
    """The difference between two entry sets.

    Attributes:
        old_version, new_version: the version strings compared.
        added, removed: entries (new resp. old version).
        changed: per changed entry, what changed.
        status_changes: ``{entry id: {"old": status, "new": status, "day": ISO date}}``.
        day: the date statuses were compared on.
        item_changes: control entries and measures (rules) whose status changed
            (``control code 1C909``, ``measure MOFCOM Announcement 2025 No. 61``).
    """

    old_version: str
    new_version: str
    added: list[ListEntry] = field(default_factory=list)
    removed: list[ListEntry] = field(default_factory=list)
    changed: list[EntryChange] = field(default_factory=list)
    status_changes: dict[str, dict] = field(default_factory=dict)
    day: str = ""
    item_changes: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """True when nothing changed."""
        return not (self.added or self.removed or self.changed or self.item_changes)

    def changed_ids(self) -> set[str]:
        """Ids of entries added or changed (what re-screening must look at)."""
        return {e.id for e in self.added} | {c.entry_id for c in self.changed}

    def counts(self) -> dict:
        """Counts overall and per list."""
        per_list: dict[str, dict[str, int]] = {}
        for kind, items in (("added", [e.list for e in self.added]), ("removed", [e.list for e in self.removed]), ("changed", [c.list for c in self.changed])):
            for list_id in items:
                per_list.setdefault(list_id, {"added": 0, "removed": 0, "changed": 0})[kind] += 1
        return {
            "added": len(self.added),
            "removed": len(self.removed),
            "changed": len(self.changed),
            "status_changes": len(self.status_changes),
            "item_changes": len(self.item_changes),
            "per_list": per_list,
        }

    def as_dict(self) -> dict:
        """JSON-ready form (entries as id, list, name)."""
        brief = lambda e: {"id": e.id, "list": e.list, "name": e.name, "listing": e.legal_source.citation, "effective": e.effective.isoformat() if e.effective else None}  # noqa: E731
        return {
            "old_version": self.old_version,
            "new_version": self.new_version,
            "counts": self.counts(),
            "added": [brief(e) for e in self.added],
            "removed": [brief(e) for e in self.removed],
            "changed": [{"id": c.entry_id, "list": c.list, "name": c.name, "fields": c.fields} for c in self.changed],
            "status_changes": self.status_changes,
            "status_day": self.day,
            "item_changes": self.item_changes,
        }


def _status_text(entry: ListEntry) -> list[str]:
    return [f"{iv.status} {iv.start}..{iv.end or ''}" for iv in sorted(entry.status_intervals, key=lambda iv: iv.start)]


def _field_changes(old: ListEntry, new: ListEntry) -> dict:
    changes: dict = {}
    if old.list != new.list:
        changes["list"] = {"old": old.list, "new": new.list}
    if old.name != new.name:
        changes["name"] = {"old": old.name, "new": new.name}
    old_names = {f.value for f in old.names}
    new_names = {f.value for f in new.names}
    if old_names != new_names:
        changes["names"] = {"added": sorted(new_names - old_names), "removed": sorted(old_names - new_names)}
    if (old.legal_source.citation, old.legal_source.url) != (new.legal_source.citation, new.legal_source.url):
        changes["legal_source"] = {"old": old.legal_source.citation, "new": new.legal_source.citation}
    for name in ("published", "effective", "category", "military_user", "schema_"):
        a, b = getattr(old, name), getattr(new, name)
        if a != b:
            changes[name.rstrip("_")] = {"old": a.isoformat() if isinstance(a, dt.date) else a, "new": b.isoformat() if isinstance(b, dt.date) else b}
    for name in ("countries", "addresses"):
        if sorted(getattr(old, name)) != sorted(getattr(new, name)):
            changes[name] = {"old": sorted(getattr(old, name)), "new": sorted(getattr(new, name))}
    if _status_text(old) != _status_text(new):
        changes["status"] = {"old": _status_text(old), "new": _status_text(new)}
    return changes


def diff_entries(old: list[ListEntry], new: list[ListEntry], old_version: str = "", new_version: str = "", day: dt.date | None = None) -> VersionDiff:
    """Compare two versions' entries (see module docstring).

    Args:
        old, new: the entries of the two versions.
        old_version, new_version: labels for the report.
        day: the date statuses are compared on (default: today).
    """
    day = day or dt.date.today()
    old_by = {e.id: e for e in old}
    new_by = {e.id: e for e in new}
    result = VersionDiff(old_version=old_version, new_version=new_version, day=day.isoformat())
    result.added = [new_by[i] for i in new_by if i not in old_by]
    result.removed = [old_by[i] for i in old_by if i not in new_by]
    for entry_id, entry in new_by.items():
        before = old_by.get(entry_id)
        if before is None or entry_fingerprint(before) == entry_fingerprint(entry):
            continue
        fields = _field_changes(before, entry) or {"other": {"old": "", "new": ""}}
        result.changed.append(EntryChange(entry_id, entry.list, entry.name, fields))
        if "status" in fields or "effective" in fields:
            a, b = before.status_on(day), entry.status_on(day)
            result.status_changes[entry_id] = {"old": a, "new": b, "day": day.isoformat(), "intervals": fields.get("status")}
    return result

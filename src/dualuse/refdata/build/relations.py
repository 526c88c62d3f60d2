"""Cross-list relations, resolved once every list has been converted.

* ``parent_en`` of the listed Japanese entities -> ``Relation("parent")``,
  with ``target_id`` when the parent is itself in the reference data
  (JP-DEF first, then JP-MIL, then the MOFCOM lists; exact English name,
  case-insensitive, after removing the compiler's qualifiers such as
  ``(inferred)`` or ``- from memory``).
* ``same_as`` from JP-MIL to CN-ECL is mirrored on the CN-ECL entry.
"""

from __future__ import annotations

import re

from dualuse.models.reference import ListEntry, Relation

from .common import BuildError, name_key

_TRAILING_PAREN = re.compile(r"\s*\([^()]*\)\s*$")
_TRAILING_DASH = re.compile(r"\s+-\s+[^()]*$")


def clean_parent_name(raw: str) -> str | None:
    """Remove qualifiers: ``"KEMET Corporation (Yageo group) - from memory"`` -> ``"KEMET Corporation"``.

    Returns ``None`` when the cell is only a remark in brackets.
    """
    text = raw.strip()
    if text.startswith("("):
        return None
    previous = None
    while previous != text:
        previous = text
        text = _TRAILING_PAREN.sub("", text).strip()
        text = _TRAILING_DASH.sub("", text).strip()
    return text or None


def resolve_parents(parents: dict[str, str], by_id: dict[str, ListEntry], lists_in_order: list[list[ListEntry]]) -> int:
    """Attach parent relations to the entries named in ``parents``; return how many resolved to an id.

    ``lists_in_order`` gives the candidate targets by priority.

    Raises:
        BuildError: a parent name matches two different entries of the same priority.
    """
    indexes: list[dict[str, str]] = []
    for entries in lists_in_order:
        index: dict[str, str] = {}
        for entry in entries:
            key = name_key(entry.name)
            if key in index and index[key] != entry.id:
                raise BuildError(f"parent lookup: {entry.name!r} names both {index[key]} and {entry.id}")
            index[key] = entry.id
        indexes.append(index)
    resolved = 0
    for eid in sorted(parents):
        raw = parents[eid]
        entry = by_id[eid]
        name = clean_parent_name(raw)
        if name is None:
            entry.notes = _append(entry.notes, f"Parent/ownership per name knowledge base: {raw}.")
            continue
        target = next((ix[name_key(name)] for ix in indexes if name_key(name) in ix), None)
        if target == eid:
            raise BuildError(f"{eid}: parent {raw!r} resolves to itself")
        entry.relations.append(Relation(relation="parent", target_id=target, target_name=name))
        if name != raw:
            entry.notes = _append(entry.notes, f"Parent as given by the name knowledge base: {raw}.")
        resolved += target is not None
    return resolved


def mirror_same_as(same_as: dict[str, str], by_id: dict[str, ListEntry]) -> None:
    """Add the reverse ``same_as`` on each MOFCOM entry that a JP-MIL row points to."""
    for source_id in sorted(same_as):
        target = by_id[same_as[source_id]]
        origin = by_id[source_id]
        if not any(r.relation == "same_as" and r.target_id == source_id for r in target.relations):
            target.relations.append(Relation(relation="same_as", target_id=source_id, target_name=origin.name))


def _append(notes: str | None, text: str) -> str:
    return f"{notes} {text}" if notes else text

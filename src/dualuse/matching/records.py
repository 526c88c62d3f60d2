"""What the name index stores about a list entry: its names and little else.

A :class:`NameRecord` is the light form of a list entry used for matching:
identifier, list, primary name, every written form of the name, countries
and the key of the organisation it belongs to (entries of one organisation
on several lists share it). The shipped lists are converted from their
:class:`~dualuse.models.reference.ListEntry`; external lists (FollowTheMoney
JSON, the US Consolidated Screening List) are read straight into records, so
a million entities fit in memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import get_args

from dualuse.models.reference import LegalSource, ListEntry, NameForm, NameKind


@dataclass(frozen=True, slots=True)
class NameRecord:
    """One entity to match against.

    Attributes:
        id: the entity's identifier (unique across all indexed lists).
        list: list identifier (``CN-ECL``, ``US-CSL``, ``OS-…``).
        name: the primary name as printed by the source.
        forms: every written form as ``(value, kind)``, kinds as in
            :data:`dualuse.models.reference.NameKind` (``primary``,
            ``annex_zh``, ``alias``, ``romaji``...).
        countries: ISO alpha-2 codes.
        organisation: entries with the same value are one organisation
            (e.g. a Japanese military user that is also on the control list);
            ``None``: the record is its own organisation.
        parents: ids of parent organisations in the same index.
    """

    id: str
    list: str
    name: str
    forms: tuple[tuple[str, str], ...]
    countries: tuple[str, ...] = ()
    organisation: str | None = None
    parents: tuple[str, ...] = ()

    @classmethod
    def from_entry(cls, entry: ListEntry, extra_forms: tuple[tuple[str, str], ...] = ()) -> NameRecord:
        """The record of a packaged list entry (``same_as`` twins share an organisation key)."""
        twins = sorted(r.target_id for r in entry.relations if r.relation == "same_as" and r.target_id)
        organisation = min([entry.id, *twins]) if twins else None
        return cls(
            id=entry.id,
            list=entry.list,
            name=entry.name,
            forms=tuple((form.value, form.kind) for form in entry.names) + extra_forms,
            countries=tuple(entry.countries),
            organisation=organisation,
            parents=tuple(r.target_id for r in entry.relations if r.relation == "parent" and r.target_id),
        )


@dataclass(frozen=True)
class ExternalList:
    """Metadata of a list loaded from outside the package (for decisions and outputs).

    Attributes:
        id: list identifier, e.g. ``US-CSL`` or ``OS-SANCTIONS``.
        legal_source: what the list is (citation, URL).
        published: the list's data date.
    """

    id: str
    legal_source: LegalSource
    published: object


def record_entry(record: NameRecord, meta: ExternalList) -> ListEntry:
    """A :class:`ListEntry` for a record of an external list (built when a hit is reported)."""
    names = [NameForm(value=value, kind=kind if kind in FORM_KINDS else "alias") for value, kind in record.forms]
    return ListEntry(
        id=record.id,
        list=record.list,
        name=record.name,
        names=names,
        countries=list(record.countries),
        legal_source=meta.legal_source,
        published=meta.published,  # type: ignore[arg-type]
        provenance={"dataset": meta.id},
    )


FORM_KINDS: frozenset[str] = frozenset(get_args(NameKind))

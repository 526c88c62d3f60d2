"""Item classification: is an item line a listed dual-use item?

The classifier decides from what the document declares, in this order:

1. A declared control code: if the 2026 catalogue lists the code, one of
   its sub-items (a declared ``1C904`` covers ``1C904.a.1``...) or one of its
   ancestors, the item is ``controlled`` under that code. A code that is
   not in the catalogue is ``unknown_code`` (the exporter must check it).
2. No code, an HS code: a 10-digit code that the catalogue gives as a
   reference code, or a shorter prefix of such codes, makes the item
   ``needs_classification`` (the control code and technical parameters
   decide, not the HS code; regime.md §4.2). An HS code the catalogue does
   not know makes it ``not_controlled``.
3. Neither code: ``needs_classification`` - nothing on the document shows
   what the item is.

Suspension windows recorded on catalogue entries are honoured: an entry
suspended on the shipment date does not make the item controlled.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from dualuse.classification.codes import covers, normalise_code, parent_codes
from dualuse.models.reference import ControlEntry


@dataclass(frozen=True)
class ItemResult:
    """What the classifier found for one item.

    Attributes:
        status: ``controlled``, ``not_controlled``, ``needs_classification``
            or ``unknown_code``.
        code: the control code relied on, if any.
        source: ``declared``, ``hs_code`` or ``none``.
        entries: catalogue entries behind the finding (the code's own
            entry, or the candidates for an HS code).
        explanation: one sentence for the reviewer.
    """

    status: str
    code: str | None
    source: str
    entries: tuple[ControlEntry, ...]
    explanation: str

    @property
    def item_name(self) -> str | None:
        """The trusted Chinese item name of the entry relied on, if any."""
        for entry in self.entries:
            if entry.name_trusted and entry.name_zh:
                return entry.name_zh
        return None


def _in_force(entry: ControlEntry, day: dt.date) -> bool:
    """True unless the entry's items are suspended or stopped on ``day``.

    The catalogue's own effective date (2026-01-01) is not a limit: it
    re-publishes codes that were controlled before it (the control list of
    Announcement 2024 No. 51 and the item announcements). Shipments dated
    earlier are classified against it with a caveat.
    """
    return not any(i.start <= day and (i.end is None or day < i.end) for i in entry.status_intervals)


def _dating_caveat(entries: Iterable[ControlEntry], day: dt.date) -> str:
    earliest = min((e.effective for e in entries), default=None)
    if earliest is not None and day < earliest:
        return f" (classified against the licence catalogue in force from {earliest}; the list in force on {day} may differ)"
    return ""


class Catalogue:
    """Lookup over the export part of the dual-use licence catalogue.

    Args:
        entries: catalogue entries (import-part entries are ignored).
    """

    def __init__(self, entries: Iterable[ControlEntry]):
        self.by_code: dict[str, ControlEntry] = {}
        self.by_hs: dict[str, list[ControlEntry]] = defaultdict(list)
        for entry in entries:
            if entry.direction != "export":
                continue
            self.by_code[entry.code] = entry
            for hs in entry.hs_codes:
                self.by_hs[hs].append(entry)
        self._codes = sorted(self.by_code)

    def entries_for_code(self, code: str) -> list[ControlEntry]:
        """The catalogue entries ``code`` refers to: itself, its sub-items, or its nearest listed ancestor."""
        if code in self.by_code:
            return [self.by_code[code]]
        below = [self.by_code[c] for c in self._codes if covers(code, c)]
        if below:
            return below
        for ancestor in parent_codes(code):
            if ancestor in self.by_code:
                return [self.by_code[ancestor]]
        return []

    def entries_for_hs(self, hs_code: str) -> list[ControlEntry]:
        """Entries whose reference HS codes equal ``hs_code`` (10 digits) or start with it (shorter)."""
        if len(hs_code) >= 10:
            return list(self.by_hs.get(hs_code[:10], []))
        found: dict[str, ControlEntry] = {}
        for hs, entries in self.by_hs.items():
            if hs.startswith(hs_code):
                for entry in entries:
                    found[entry.code] = entry
        return [found[c] for c in sorted(found)]

    def classify(self, control_code: str | None, hs_code: str | None, day: dt.date) -> ItemResult:
        """Classify an item from its declared control code and HS code.

        Args:
            control_code: declared code in any written form, or ``None``.
            hs_code: declared customs code (digits only), or ``None``.
            day: the shipment date (suspended entries do not count).

        Returns:
            An :class:`ItemResult`.
        """
        if control_code:
            code = normalise_code(control_code)
            if code is None:
                return ItemResult("unknown_code", None, "declared", (), f"declared control code {control_code!r} is not a control code")
            entries = self.entries_for_code(code)
            if not entries:
                return ItemResult(
                    "unknown_code", code, "declared", (), f"declared control code {code} is not in the 2026 licence catalogue"
                )
            live = [e for e in entries if _in_force(e, day)]
            if not live:
                return ItemResult(
                    "not_controlled", code, "declared", tuple(entries), f"control code {code} is suspended or not yet in force on {day}"
                )
            return ItemResult(
                "controlled", code, "declared", tuple(live), f"declared control code {code} is a listed dual-use item" + _dating_caveat(live, day)
            )
        if hs_code:
            entries = [e for e in self.entries_for_hs(hs_code) if _in_force(e, day)]
            if entries:
                codes = ", ".join(e.code for e in entries[:6])
                return ItemResult(
                    "needs_classification",
                    None,
                    "hs_code",
                    tuple(entries),
                    f"HS code {hs_code} is a reference customs code of control code(s) {codes} in the 2026 licence catalogue, and no control code is declared",
                )
            return ItemResult("not_controlled", None, "hs_code", (), f"HS code {hs_code} is not a reference customs code in the 2026 licence catalogue")
        return ItemResult("needs_classification", None, "none", (), "neither a control code nor an HS code is declared")

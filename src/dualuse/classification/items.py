"""Item classification of a shipment line: is it a listed dual-use item, under which entry?

The classifier decides from what the document declares, in this order:

1. A declared control code: if the list has the code, one of its sub-items
   (a declared ``1C904`` covers ``1C904.a.1``...) or one of its ancestors,
   the item is ``controlled`` under that code - unless the line gives the
   technical parameters of the entry and they fail its thresholds
   (``not_controlled``, with the checks). A code that is not on the list is
   ``unknown_code`` (the exporter must check it); a code whose entry is
   suspended or not yet in force on the date is ``not_controlled``.
2. No code: the HS code and the description are looked up with
   :class:`dualuse.classification.search.CatalogueSearch`. The line is
   ``controlled`` only when the line's own parameters meet one entry's
   thresholds; ``not_controlled`` when nothing corresponds (or the given
   parameters fail every candidate); otherwise ``needs_classification``
   with the likely entries and the parameters that decide - the control
   code and technical parameters prevail over the HS code (regime.md §4.2),
   so an undeclared code is never assumed.
3. Neither code nor a usable description: ``needs_classification``.

Suspension windows and effective dates recorded on entries are honoured.
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
            entry, or the candidates for an HS code or description).
        explanation: one sentence for the reviewer.
        parameters_needed: technical parameters that would decide.
        parameter_checks: thresholds checked against the line's parameters, in words.
    """

    status: str
    code: str | None
    source: str
    entries: tuple[ControlEntry, ...]
    explanation: str
    parameters_needed: tuple[str, ...] = ()
    parameter_checks: tuple[str, ...] = ()

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
    return entry.status_on(day) == "in_force"


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

    def with_entries(self, replacements: dict[str, ControlEntry]) -> "Catalogue":
        """A catalogue with the entries of the given codes replaced (e.g. other status dates); ``self`` is untouched."""
        return Catalogue([replacements.get(code, entry) for code, entry in self.by_code.items()])

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

    def classify(
        self,
        control_code: str | None,
        hs_code: str | None,
        day: dt.date,
        description: str | None = None,
        parameters: dict | None = None,
        search=None,
    ) -> ItemResult:
        """Classify an item from its declared control code, HS code, description and parameters.

        Args:
            control_code: declared code in any written form, or ``None``.
            hs_code: declared customs code (digits only), or ``None``.
            day: the shipment date (suspended entries do not count).
            description: the goods description (any language).
            parameters: technical parameters of the line
                (``{"purity_percent": 99.95}``), canonical units.
            search: a :class:`~dualuse.classification.search.CatalogueSearch`
                over the same entries; without it, lines without a code are
                classified by HS code alone.

        Returns:
            An :class:`ItemResult`.
        """
        from dualuse.classification.parameters import evaluate

        parameters = parameters or {}
        if control_code:
            code = normalise_code(control_code)
            if code is None:
                return ItemResult("unknown_code", None, "declared", (), f"declared control code {control_code!r} is not a control code")
            entries = self.entries_for_code(code)
            if not entries:
                return ItemResult(
                    "unknown_code", code, "declared", (), f"declared control code {code} is not on the control list (2026 catalogue or item announcements)"
                )
            live = [e for e in entries if _in_force(e, day)]
            if not live:
                states = ", ".join(sorted({e.status_on(day) for e in entries}))
                return ItemResult(
                    "not_controlled", code, "declared", tuple(entries), f"control code {code} is {states.replace('_', ' ')} on {day}" + _suspension_note(entries, day)
                )
            if parameters:
                results = [(e, evaluate(e.parameters, parameters)) for e in live]
                checks = tuple(c.describe() for _, ev in results for c in ev.checks)
                if all(ev.result == "not_met" for _, ev in results):
                    return ItemResult(
                        "not_controlled", code, "declared", tuple(live),
                        f"declared control code {code}, but the line's parameters fail its thresholds ({'; '.join(checks)})",
                        parameter_checks=checks,
                    )
                if any(ev.result == "met" for _, ev in results):
                    return ItemResult(
                        "controlled", code, "declared", tuple(live),
                        f"declared control code {code}; its thresholds are met ({'; '.join(checks)})" + _dating_caveat(live, day),
                        parameter_checks=checks,
                    )
            return ItemResult(
                "controlled", code, "declared", tuple(live), f"declared control code {code} is a listed dual-use item" + _dating_caveat(live, day)
            )
        if search is not None and (hs_code or (description or "").strip()):
            return self._by_lookup(hs_code, description, day, parameters, search)
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

    def _by_lookup(self, hs_code, description, day, parameters, search) -> ItemResult:
        """No declared code: HS code first, then the description (see the module docstring)."""
        results = []
        text = (description or "").strip()
        if not hs_code and text:
            hs_code = search.tariff_code_of(text)  # the description is a subheading's tariff wording: as good as that code
        if hs_code:
            results.append(("hs_code", search.lookup(hs_code, as_of=day, parameters=parameters)))
        restated = bool(hs_code and text and search.restates_hs(text, hs_code))  # the tariff text of the declared code: no new evidence
        if text and not restated and (not results or results[0][1].status == "not_controlled"):
            found = search.lookup(text, as_of=day, parameters=parameters)
            strong = found.candidates and found.candidates[0].score >= 0.6
            if not results or found.status == "controlled" or strong:
                results.append(("description", found))
        source, lookup = next(((s, r) for s, r in results if r.status != "not_controlled"), results[-1])
        entries = tuple(e for c in lookup.candidates for e in [self.by_code.get(c.code)] if e is not None)
        checks = tuple(ch for c in lookup.candidates[:1] for ch in c.checks)
        where = f"HS code {hs_code}" if source == "hs_code" else f"the description \u201c{text[:60]}\u201d"
        if lookup.status == "not_controlled" and not hs_code and not checks:
            # a description alone that matches nothing does not clear an item: nothing identifies it
            return ItemResult(
                "needs_classification", None, "none", (),
                f"neither a control code nor an HS code is declared, and {where} matches no listed item ({lookup.explanation})",
            )
        if lookup.status == "not_controlled":
            return ItemResult("not_controlled", None, source, entries, f"{where}: {lookup.explanation}", parameter_checks=checks)
        top = lookup.candidates[0]
        if lookup.status == "controlled" and top.decision == "met":
            return ItemResult(
                "controlled", top.code, source, entries[:1],
                f"{where} matches {top.code} and the line's parameters meet its thresholds ({'; '.join(top.checks)}); no control code is declared",
                parameter_checks=top.checks,
            )
        needed = lookup.needed
        likely = ", ".join(c.code for c in lookup.candidates[:3])
        tail = f"; parameters that decide: {', '.join(needed)}" if needed else "; declare the control code"
        return ItemResult(
            "needs_classification", None, source, entries,
            f"{where} points to {likely} ({lookup.explanation}), and no control code is declared{tail}",
            parameters_needed=needed,
            parameter_checks=checks,
        )


def _suspension_note(entries: Iterable[ControlEntry], day: dt.date) -> str:
    for entry in entries:
        for interval in entry.status_intervals:
            if interval.start <= day and (interval.end is None or day < interval.end):
                return f" ({interval.note or 'suspended'})"
        if not entry.in_catalogue and day < entry.effective:
            return f" ({entry.legal_source.citation} takes effect on {entry.effective})"
    return ""

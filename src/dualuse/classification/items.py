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
   :class:`dualuse.classification.search.CatalogueSearch`, the classifier
   of ``dualuse item``, with the line's parameters. The line is
   ``controlled`` when the HS code is a reference code whose entries all
   decide the same way without parameters and the description does not
   contradict it ("classified from the HS code"), or when the description
   decides an entry (parameter-free, or its thresholds met); otherwise
   ``needs_classification`` with the likely entries and the parameters
   that decide, or ``not_controlled`` when nothing corresponds. Where the
   HS line and the description disagree the line goes to review: the
   control code and technical parameters prevail over the HS code
   (regime.md §4.2).
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
        reference: the English reference text of the entry relied on (or the
            best candidate), shown to the reviewer; it never decides.
        confidence: the classifier's confidence in the entry relied on (0..1), when found by lookup.
    """

    status: str
    code: str | None
    source: str
    entries: tuple[ControlEntry, ...]
    explanation: str
    parameters_needed: tuple[str, ...] = ()
    parameter_checks: tuple[str, ...] = ()
    reference: object | None = None  # dualuse.models.reference.ReferenceText
    confidence: float | None = None

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
        memo = self.__dict__.setdefault("_prefix_memo", {})  # a batch asks for the same prefixes again and again
        if hs_code in memo:
            return list(memo[hs_code])
        memo[hs_code] = self._entries_under(hs_code)
        return list(memo[hs_code])

    def _entries_under(self, hs_code: str) -> list[ControlEntry]:
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
        """No declared code: the same classifier as ``dualuse item``, HS code first, then the description.

        * The HS code carries as far as the catalogue allows: a reference
          code whose entries all decide the same way without parameters
          classifies the line as that entry ("classified from the HS code")
          when the description confirms that entry (or there is none); a
          description that reads as other goods, points to another entry,
          leaves a deciding parameter open or names nothing listed sends the
          line to review.
        * Otherwise the description decides with the same status and
          candidates as :meth:`CatalogueSearch.lookup`: ``controlled`` ->
          ``controlled``, ``needs_parameters`` -> ``needs_classification``
          (REVIEW, naming the parameters), ``not_controlled`` ->
          ``not_controlled`` when the HS code or the goods evidence clears
          it, else ``needs_classification`` (a description that matches
          nothing does not identify the item).
        * A description that is exactly a subheading's tariff wording stands
          for that code; one that restates the declared code's own tariff
          wording is not evidence (:meth:`CatalogueSearch.restates_hs`).
        """
        text = (description or "").strip()
        if not hs_code and text:
            hs_code = search.tariff_code_of(text)  # the description is a subheading's tariff wording: as good as that code
        by_hs = search.lookup(hs_code, as_of=day, parameters=parameters) if hs_code else None
        # the tariff text of the declared code adds no evidence of its own (it would only bring back
        # entries whose other reference codes share that wording)
        restated = bool(hs_code and text and search.restates_hs(text, hs_code))
        by_text = search.lookup(text, as_of=day, parameters=parameters) if text and not restated else None
        where_hs = f"HS code {hs_code}"
        where_text = f"the description \u201c{text[:60]}\u201d"

        if by_hs is not None and by_hs.status == "controlled":
            top = by_hs.candidates[0]
            conflict = self._conflict(top.code, by_text)
            if conflict is None:
                confirmed = f"; {where_text} confirms it" if by_text is not None else ""
                return self._result("controlled", top, "hs_code", by_hs, f"{by_hs.explanation}{confirmed}; no control code is declared")
            return self._result(
                "needs_classification", None, "hs_code", by_hs,
                f"{where_hs} points to {top.code} ({by_hs.explanation}), but {conflict}; declare the control code",
            )
        if by_text is not None and by_text.status == "controlled":
            top = by_text.candidates[0]
            checks = f" ({'; '.join(top.checks)})" if top.checks else ""
            return self._result("controlled", top, "description", by_text, f"classified from the description: {where_text} matches {top.code}{checks}; {by_text.explanation}; no control code is declared")
        cleared = self._heading_only_cleared(hs_code, text, by_hs, by_text, day, parameters, search)
        if cleared is not None:
            lookup, why = cleared
            return self._result(
                "not_controlled", None, "description", lookup,
                f"no entry lists a reference code under {where_hs} ({by_hs.explanation}), and {where_text} {why} ({lookup.explanation})",
            )
        pending = [r for r in (by_hs, by_text) if r is not None and r.status == "needs_parameters"]
        if pending:
            lookup = pending[0]
            source = "hs_code" if lookup is by_hs else "description"
            where = where_hs if source == "hs_code" else where_text
            likely = ", ".join(c.code for c in lookup.candidates[:3])
            needed = lookup.needed
            tail = f"; parameters that decide: {', '.join(needed)}" if needed else "; declare the control code"
            return self._result(
                "needs_classification", None, source, lookup,
                f"{where} points to {likely} ({lookup.explanation}), and no control code is declared{tail}", needed=needed,
            )
        # nothing listed corresponds
        found = by_hs if by_hs is not None else by_text
        assert found is not None
        if by_hs is None and by_text is not None and by_text.goods is None and not by_text.candidates:
            # a description alone that matches nothing does not clear an item: nothing identifies it
            return ItemResult(
                "needs_classification", None, "none", (),
                f"neither a control code nor an HS code is declared, and {where_text} matches no listed item ({by_text.explanation})",
            )
        where = where_hs if by_hs is not None else where_text
        extra = f"; {where_text}: {by_text.explanation}" if by_hs is not None and by_text is not None else ""
        return self._result("not_controlled", None, "hs_code" if by_hs is not None else "description", found, f"{where}: {found.explanation}{extra}")

    def _heading_only_cleared(self, hs_code, text, by_hs, by_text, day, parameters, search):
        """``(lookup, why)`` when the description clears a line whose HS prefix holds no entry, else ``None``.

        A 6- or 8-digit code under which no entry lists a reference line, in a
        heading that holds some, is ``needs_parameters`` on its own ("classify
        by what the item is", :meth:`CatalogueSearch._by_hs`). The description
        says what the item is: when it matches none of the heading's entries
        nor any other listed item (``not_controlled``: everyday goods, no
        entry covers its words, or it fails their thresholds), the line is
        ``not_controlled``. This holds also for a description that is the
        code's tariff wording: it names the goods of a subheading under which
        the catalogue lists no line. A description that leaves an entry open
        keeps the line in review; a prefix under which entries sit is never
        cleared this way.

        A description that is the tariff wording of the declared six-digit
        subheading itself (not merely of its heading) is cleared even when its
        words leave an entry open: HS subheadings are mutually exclusive, so
        the wording names the goods of a subheading under which the catalogue
        lists no line, and the entries it shares words with are classified
        under other subheadings (their reference codes). Such a line carries
        no evidence beyond the declared code (regime.md §4.2: the reference
        HS codes are how the catalogue maps entries to the tariff); it stays
        in review when the description adds words of its own (a model, a
        parameter), or only restates the heading's text.
        """
        if by_hs is None or by_hs.status != "needs_parameters" or not text or not hs_code or len(hs_code) >= 10:
            return None
        if self.entries_for_hs(hs_code):
            return None
        found = by_text if by_text is not None else search.lookup(text, as_of=day, parameters=parameters)
        if found.status == "not_controlled":
            return found, "matches none of its heading's entries nor any other listed item"
        # the six-digit subheading itself must hold no line: an eight-digit code such as 81089000 is the
        # subheading 8108.90 written out, and lines sit under 810890
        if found.status == "needs_parameters" and not self.entries_for_hs(hs_code[:6]) and search.restates_hs(text, hs_code, levels=(6,)):
            from dualuse.classification.search import Lookup  # search imports this module

            wording = Lookup(
                text, "description", "not_controlled", (),
                f"the description is the tariff wording of subheading {hs_code[:6]}, under which no entry lists a line",
                as_of=day,
            )
            return wording, f"names the goods of subheading {hs_code[:6]} only"
        return None

    @staticmethod
    def _conflict(code: str, by_text) -> str | None:
        """Why the description contradicts an HS classification as ``code``, or ``None`` when it does not."""
        if by_text is None:
            return None  # no description: the HS code stands
        codes = [c.code for c in by_text.candidates[:3]]
        same = any(c == code or c.startswith(code + ".") or code.startswith(c + ".") for c in codes)
        if by_text.status == "controlled" and same:
            return None
        if by_text.goods is not None:
            return f"the description reads as other goods (HS {by_text.goods.heading})"
        if by_text.status == "needs_parameters":
            return f"the description leaves the classification open ({by_text.explanation})"
        if by_text.status == "controlled":
            return f"the description points to {codes[0]}"
        return f"the description does not confirm {code} ({by_text.explanation})"

    def _result(self, status, top, source, lookup, explanation, needed=()) -> ItemResult:
        """An :class:`ItemResult` from a lookup: the entries of its candidates, the deciding checks and the reference text."""
        entries = tuple(e for c in lookup.candidates for e in [self.by_code.get(c.code)] if e is not None)
        best = top or (lookup.candidates[0] if lookup.candidates else None)
        if top is not None:
            entries = tuple(e for e in entries if e.code == top.code) or entries[:1]
        return ItemResult(
            status,
            top.code if top is not None else None,
            source,
            entries,
            explanation,
            parameters_needed=tuple(needed),
            parameter_checks=tuple(best.checks) if best is not None else (),
            reference=best.reference if best is not None else None,
            confidence=best.score if best is not None else None,
        )


def _suspension_note(entries: Iterable[ControlEntry], day: dt.date) -> str:
    for entry in entries:
        for interval in entry.status_intervals:
            if interval.start <= day and (interval.end is None or day < interval.end):
                return f" ({interval.note or 'suspended'})"
        if not entry.in_catalogue and day < entry.effective:
            return f" ({entry.legal_source.citation} takes effect on {entry.effective})"
    return ""

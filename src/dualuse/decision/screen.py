"""The screening pipeline: one shipment in, one reasoned decision out.

    parties --(matching)--> list hits
    lines   --(classification)--> item status, control code, nexus with China
    end use --(end-use analysis)--> military / civil / red-flag signals
    facts   --(rules)--> findings --> verdict per line --> verdict per shipment

A :class:`Screener` holds the reference data, the name index and the rule
set, so screening many shipments pays the set-up cost once. Every decision
records the versions of the data, rules and engine it was made with.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel

from dualuse import __version__
from dualuse.classification.end_use import analyse_end_use, military_organisations_named
from dualuse.classification.items import Catalogue
from dualuse.classification.search import CatalogueSearch, cached_search
from dualuse.classification.jurisdiction import jurisdiction
from dualuse.decision.horizon import HorizonCheck, apply_measure_statuses
from dualuse.decision.overrides import HitOverrides, entry_fingerprint
from dualuse.matching.matcher import Matcher
from dualuse.models.decision import (
    Decision,
    Hit,
    ItemFinding,
    LicenceRequirement,
    LineDecision,
    Reason,
    SEVERITY,
    most_severe,
)
from dualuse.models.reference import ControlEntry, ListEntry
from dualuse.models.shipment import Shipment
from dualuse.refdata import store
from dualuse.refdata.horizon import status_basis
from dualuse.rules.engine import Finding, evaluate
from dualuse.rules.facts import Facts, LineFacts, PartyFacts
from dualuse.rules.loader import load_rules
from dualuse.rules.model import RuleSet

_MISSING = object()


class Screener:
    """Screen shipments against the shipped (or given) reference data and rules.

    Args:
        entries: list entries; default: the packaged lists.
        catalogue: control-list entries; default: the packaged 2026 catalogue.
        rules: rule set; default: the packaged rules.
        data_version: label recorded in decisions; default: the packaged data's.
        data_dir: read the defaults above from this reference-data directory
            (e.g. a stored list version) instead of the packaged data.
    """

    def __init__(
        self,
        entries: Iterable[ListEntry] | None = None,
        catalogue: Iterable[ControlEntry] | None = None,
        rules: RuleSet | None = None,
        data_version: str | None = None,
        data_dir: str | Path | None = None,
    ):
        self.entries = list(entries) if entries is not None else store.load_entries(data_dir)
        self.matcher = Matcher(self.entries)
        control_entries = list(catalogue) if catalogue is not None else store.load_catalogue(data_dir)
        self.catalogue = Catalogue(control_entries)
        if catalogue is None:  # the data directory's own catalogue: its search index is cached on disk
            self.search = cached_search(data_dir)
        else:
            self.search = CatalogueSearch(control_entries, store.load_hs6(data_dir), store.load_reference_texts(data_dir))
        # the data's knowledge horizon; its measure statuses (imported notices) override the rules' own
        self.knowledge = store.load_knowledge(data_dir)
        self.rules = apply_measure_statuses(rules if rules is not None else load_rules(), self.knowledge)
        self.data_version = data_version or store.data_version(data_dir)
        self.horizon = HorizonCheck(self.knowledge, self.entries, control_entries, self.rules)
        self._fingerprints: dict[str, str] = {}

    def fingerprint(self, entry: ListEntry) -> str:
        """The entry's content fingerprint (see :func:`dualuse.decision.overrides.entry_fingerprint`), cached."""
        found = self._fingerprints.get(entry.id)
        if found is None:
            found = self._fingerprints[entry.id] = entry_fingerprint(entry)
        return found

    def facts(self, shipment: Shipment, as_of: dt.date | None = None, overrides: HitOverrides | None = None) -> Facts:
        """Gather the facts the rules are evaluated against (see :class:`Facts`).

        ``overrides`` (reviewed false positives to drop, confirmed possible
        matches to count as matches) are applied to each party's matches
        before any rule sees them.
        """
        day = as_of or shipment.date
        parties = tuple(
            PartyFacts(
                role,
                index,
                party,
                self._matches(role, index, party, overrides),
                self._memo("military", (party.name, party.country or shipment.destination_country), military_organisations_named),
            )
            for role, index, party in shipment.parties()
        )
        lines = []
        for line in shipment.lines:
            description = " ".join(part for part in (line.description, line.specification) if part)
            item = self._classify(line.control_code, line.hs_code, day, description, line.parameters)
            nexus, note = jurisdiction(shipment, line)
            lines.append(LineFacts(line, item, nexus, note))
        end_use = self._memo("end_use", (shipment.end_use or "", shipment.destination_country), analyse_end_use)
        return Facts(shipment, day, parties, tuple(lines), end_use, classify_component=lambda text: self._component_code(text, day))

    # A batch names the same parties and goods again and again: what depends only on the text (and, for
    # classification, the date) is computed once per Screener. The results are not changed by their users.
    MEMO_SIZE = 50_000

    def _memo(self, kind: str, key: tuple, compute):
        memos = self.__dict__.setdefault("_memos", {})
        table = memos.setdefault(kind, {})
        found = table.get(key, _MISSING)
        if found is _MISSING:
            if len(table) >= self.MEMO_SIZE:
                table.clear()
            found = table[key] = compute(*key)
        return found

    def _classify(self, control_code, hs_code, day, description, parameters):
        """The line's classification, memoised per text and *period* (see :meth:`_period`), not per day.

        Classification depends on the date only through the catalogue's dates (statuses, effective
        dates, suspension windows) and through the date written in an explanation ("... on 2026-04-10").
        A memoised result made on another day of the same period is reused unless its explanation
        writes that day; then the line is classified again, so the text always names its own date.
        """
        try:
            frozen = tuple(sorted((parameters or {}).items()))
            hash(frozen)
        except TypeError:  # unhashable parameter values: not memoised
            return self.catalogue.classify(control_code, hs_code, day, description=description, parameters=parameters, search=self.search)
        memos = self.__dict__.setdefault("_memos", {})
        table = memos.setdefault("classify", {})
        key = (control_code, hs_code, self._period(day), description, frozen)
        found = table.get(key)
        if found is not None:
            made_on, result = found
            if made_on == day or str(made_on) not in result.explanation:
                return result
        if len(table) >= self.MEMO_SIZE:
            table.clear()
        result = self.catalogue.classify(control_code, hs_code, day, description=description, parameters=dict(frozen), search=self.search)
        table[key] = (day, result)
        return result

    def _period(self, day: dt.date) -> int:
        """The index of the period between two consecutive dates of the catalogue that holds ``day``.

        The dates are every date any control entry (of the catalogue and of the search index) carries:
        published and effective dates, announcement dates, the starts and ends of status intervals.
        Two days of one period compare the same way with each of them, so every status and every
        date test of the classification comes out the same.
        """
        bounds = self.__dict__.get("_catalogue_dates")
        if bounds is None:
            dates: set[dt.date] = set()
            for entry in [*self.catalogue.by_code.values(), *getattr(self.search, "_docs", ())]:
                _collect_dates(entry, dates)
            bounds = self.__dict__["_catalogue_dates"] = sorted(dates)
        return bisect.bisect_right(bounds, day)

    def _component_code(self, text: str, day: dt.date) -> str | None:
        """Control code of a bill-of-materials component described in words, when the description decides it."""
        found = self.search.lookup(text, as_of=day)
        return found.candidates[0].code if found.status == "controlled" and found.candidates else None

    def _matches(self, role: str, index: int, party, overrides: HitOverrides | None) -> tuple:
        matches = self._memo("match", (party.name, party.country), lambda name, country: tuple(self.matcher.match(name, country=country)))
        if overrides:
            matches = overrides.apply(role, index, party, matches, self.fingerprint)
        return matches

    def screen(self, shipment: Shipment, as_of: dt.date | None = None, overrides: HitOverrides | None = None) -> Decision:
        """Screen one shipment.

        Args:
            shipment: the shipment.
            as_of: evaluate rules and list statuses at this date instead of
                the shipment date (e.g. to re-check an old shipment today).
            overrides: reviewer overrides (whitelisted false positives,
                confirmed matches) applied before the rules run; each one
                applied is named in the decision's ``warnings``.

        Returns:
            The :class:`Decision` with verdict, reasons, hits and per-line results.
        """
        start = len(overrides.applied) if overrides is not None else 0
        facts = self.facts(shipment, as_of, overrides)
        findings = evaluate(self.rules, facts)
        # a line that turns on a change the data only expects (after its horizon) is REVIEW
        findings, decisive, touched = self.horizon.review(self, facts, findings)
        decision = self._decision(facts, findings, decisive, touched)
        if overrides is not None:
            decision.warnings.extend(applied.note() for applied in overrides.applied[start:])
        return decision

    # --- assembly -------------------------------------------------------------

    def _decision(self, facts: Facts, findings: list[Finding], decisive: set[str] = frozenset(), touched: set[str] = frozenset()) -> Decision:
        lines = [self._line_decision(facts, line, findings) for line in facts.lines]
        verdict = most_severe([line.verdict for line in lines])
        reasons = sorted((_reason(f) for f in findings), key=lambda r: SEVERITY.index(r.verdict))
        licence = _combine_licences([f for f in findings if f.licence is not None and f.verdict == "LICENSE_REQUIRED"])
        if licence is not None:
            licence.conditions.extend(self._destination_conditions(facts))
        shipment = facts.shipment
        return Decision(
            id=facts.shipment.id,
            verdict=verdict,
            as_of=facts.as_of,
            reasons=reasons,
            hits=_hits(facts, self.horizon.horizon, self.knowledge),
            lines=lines,
            licence=licence if verdict in ("LICENSE_REQUIRED", "REVIEW") else None,
            end_use=facts.end_use.summary(),
            warnings=[*(f"input: {note}" for note in shipment.notes), *self.horizon.warnings(facts.as_of, touched)],
            knowledge=self.horizon.state(facts.as_of, decisive),
            declared_licence=shipment.licence_number,
            licence_check=licence_check(verdict, shipment.licence_number, licence, lines),
            documents=dict(shipment.documents),
            extra=dict(shipment.extra),
            data_version=self.data_version,
            rules_version=self.rules.version,
            engine_version=__version__,
        )

    def _line_decision(self, facts: Facts, line: LineFacts, findings: list[Finding]) -> LineDecision:
        own = [f for f in findings if f.line == line.line.line]
        verdict = most_severe([f.verdict for f in own])
        licence = _combine_licences([f for f in own if f.licence is not None and f.verdict == "LICENSE_REQUIRED"])
        if licence is not None:
            licence.conditions.extend(self._destination_conditions(facts))
        entry = line.item.entries[0] if line.item.entries and line.item.status == "controlled" else None
        ref = line.item.reference or (self.search.reference.get(line.item.code) if line.item.code else None)
        item = ItemFinding(
            status=line.item.status,
            control_code=line.item.code,
            source=line.item.source,
            item_name=line.item.item_name,
            candidates=[e.code for e in line.item.entries] if line.item.status != "controlled" else [],
            jurisdiction=line.jurisdiction,  # type: ignore[arg-type]
            explanation=f"{line.item.explanation}; {line.jurisdiction_note}",
            item_name_en=entry.name_en if entry else None,
            announcement=(entry.announcement or entry.legal_source).citation if entry else None,
            entry_status=entry.status_on(facts.as_of) if entry else None,
            parameters_needed=list(line.item.parameters_needed),
            parameter_checks=list(line.item.parameter_checks),
            reference_text=f"{ref.label()}: {ref.text_en[:400]}" if ref is not None else None,
            confidence=line.item.confidence,
        )
        return LineDecision(
            line=line.line.line,
            description=line.line.description,
            verdict=verdict,
            item=item,
            reasons=sorted((_reason(f) for f in own), key=lambda r: SEVERITY.index(r.verdict)),
            licence=licence if verdict == "LICENSE_REQUIRED" else None,
            specification=line.line.specification,
            extra=dict(line.line.extra),
        )

    def _destination_conditions(self, facts: Facts) -> list[str]:
        conditions: list[str] = []
        for rule in self.rules.rules:
            if rule.licence_conditions and rule.in_force(facts.as_of) and facts.shipment.destination_country in rule.countries:
                conditions.extend(rule.licence_conditions)
        return conditions

def _collect_dates(value, into: set) -> None:
    """Every :class:`datetime.date` held by ``value`` (a model, a list, a dict, nested), added to ``into``."""
    if isinstance(value, dt.date):
        into.add(value.date() if isinstance(value, dt.datetime) else value)
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            _collect_dates(getattr(value, name), into)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            _collect_dates(item, into)
    elif isinstance(value, dict):
        for item in value.values():
            _collect_dates(item, into)


def licence_check(verdict: str, declared: str | None, required: LicenceRequirement | None,
                  lines: list[LineDecision]) -> str | None:
    """The declared licence number (许可证号) against the licence the decision requires, in words.

    Customs must see the dual-use export licence (Regulations Arts. 21-22);
    a licence cannot authorise a prohibited export (Export Control Law Art. 18).
    """
    needing = [str(line.line) for line in lines if line.verdict == "LICENSE_REQUIRED" or line.licence is not None]
    if verdict == "PROHIBITED":
        return (f"licence {declared} is declared, but the export is prohibited: no licence authorises it "
                "(Export Control Law Art. 18)") if declared else None
    if required is None:
        if declared and verdict == "NOT_CONTROLLED":
            return f"licence {declared} is declared; the decision requires no dual-use export licence"
        if declared:
            return f"licence {declared} is declared; whether it covers the goods depends on the review"
        return None
    types = " or ".join(required.allowed) or "no type available"
    scope = f" covering line{'s' if len(needing) > 1 else ''} {', '.join(needing)}" if needing else ""
    if declared:
        return (f"licence {declared} is declared: check it is a MOFCOM dual-use export licence ({types}){scope}, "
                "valid on the export date, for this end user and end use (Regulations Arts. 15, 18, 21)")
    return (f"no licence number is declared: a MOFCOM dual-use export licence ({types}){scope} is required and "
            "customs must see it (Regulations Arts. 21-22)")


def _reason(finding: Finding) -> Reason:
    return Reason(
        rule_id=finding.rule.id,
        verdict=finding.verdict,  # type: ignore[arg-type]
        citation=finding.citation,
        text_en=finding.text_en,
        text_zh=finding.text_zh,
        line=finding.line,
        role=finding.role,
        entry_id=finding.entry_id,
        control_code=finding.code,
    )


def _combine_licences(findings: list[Finding]) -> LicenceRequirement | None:
    """The licence that satisfies every finding: allowed types intersect, conditions add up."""
    terms = [f.licence for f in findings if f.licence is not None]
    if not terms:
        return None
    allowed = [t for t in ("individual", "general", "registration") if all(t in term.allowed for term in terms)]
    excluded: dict[str, str] = {}
    conditions: list[str] = []
    for term in terms:
        excluded.update(term.excluded)
        conditions.extend(c for c in term.conditions if c not in conditions)
    return LicenceRequirement(
        allowed=allowed,  # type: ignore[arg-type]
        excluded=excluded,
        conditions=conditions,
        review_time_limit_applies=all(t.review_time_limit_applies for t in terms),
    )


def _hits(facts: Facts, horizon: dt.date, knowledge=None) -> list[Hit]:
    hits: list[Hit] = []
    for party in facts.parties:
        for match in party.matches:
            entry = match.entry
            basis, basis_note = status_basis(entry, facts.as_of, horizon, knowledge)
            hits.append(
                Hit(
                    role=party.role,
                    party_index=party.index,
                    query=party.party.name,
                    list=entry.list,
                    entry_id=entry.id,
                    name=entry.name,
                    matched_form=match.form.value,
                    matched_form_kind=match.form.kind,
                    score=match.score,
                    decision=match.decision,  # type: ignore[arg-type]
                    explanation=match.explanation(),
                    status=entry.status_on(facts.as_of),
                    listing=entry.legal_source.citation,
                    listed_on=entry.effective,
                    status_basis=basis,  # type: ignore[arg-type]
                    status_note=basis_note,
                )
            )
    return hits

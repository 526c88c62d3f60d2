"""Decisions after the data's knowledge horizon: say what is known, and until when.

The data schedules some changes after the date up to which its sources were
checked (its horizon): suspensions "until 2026-11-10", removals or listings
that take effect later. For a decision dated after such a change, the data's
own answer assumes the change happened; nobody has confirmed it. For every
such change that could bear on a shipment, :class:`HorizonCheck` evaluates
the shipment a second time **as if the change had not happened** (the
suspension extended, the removal or listing not made;
:func:`dualuse.refdata.horizon.without_change`):

* lines whose verdict is the same either way keep it; the decision carries a
  warning that the lists are N days older than the decision date;
* lines whose verdict differs become ``REVIEW``: a ``CN-DATA-HORIZON`` reason
  states both outcomes, cites the instrument that scheduled the change and
  the measures concerned, says what to check, and shows any note (a
  statement, never applied) that may concern it. Findings that hold only if
  the change happened say so; a ``PROHIBITED`` among them is held at
  ``REVIEW``.

Each change is tested on its own against the data's answer (not in
combination): a shipment that turns on two changes gets two reasons.

:func:`apply_measure_statuses` lets a data version's measure statuses
(``knowledge.json``, written by an imported suspension notice) replace the
intervals of the rules that implement the measure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import replace

from dualuse.models.decision import SEVERITY, KnowledgeState, PendingChangeRef
from dualuse.models.knowledge import Knowledge, PendingChange
from dualuse.models.reference import ControlEntry, ListEntry
from dualuse.refdata.horizon import measure_of, pending_changes, same_measure, without_change
from dualuse.rules.engine import Finding, evaluate, line_verdict
from dualuse.rules.facts import Facts, LineFacts
from dualuse.rules.model import Rule, RuleSet

HORIZON_RULE = "CN-DATA-HORIZON"

_VERDICT_WORDS = {
    "PROHIBITED": ("prohibited", "禁止"),
    "REVIEW": ("review", "须审查"),
    "LICENSE_REQUIRED": ("licence required", "须申请许可"),
    "NOT_CONTROLLED": ("not controlled", "不受管制"),
}
_STATUS_WORDS = {"suspended": ("suspension", "暂停实施"), "stopped": ("stop", "停止实施"), "removed": ("removal", "移出名单")}


def apply_measure_statuses(rules: RuleSet, knowledge: Knowledge) -> RuleSet:
    """The rule set with the intervals of every rule under a measure of ``knowledge.measures`` replaced by the measure's.

    A later measure record wins over an earlier one for the same rule.
    """
    if not knowledge.measures:
        return rules
    out: list[Rule] = []
    for rule in rules.rules:
        found = [m for m in knowledge.measures if same_measure(m.measure, measure_of(rule))]
        if found and rule.kind != "knowledge_horizon":
            rule = rule.model_copy(update={"status_intervals": list(found[-1].status_intervals)})
        out.append(rule)
    return RuleSet(version=rules.version, rules=out)


def _key(finding: Finding) -> tuple:
    return (finding.rule.id, finding.role, finding.entry_id, finding.verdict)


def _deciding(findings: list[Finding], line: int) -> tuple[str, list[str]]:
    """The line's verdict and the rules that give it."""
    verdict = line_verdict(findings, line)
    rules = sorted({f.rule.id for f in findings if f.line == line and f.verdict == verdict})
    return verdict, rules


class HorizonCheck:
    """What a screener's data knows, until when, and what it only expects.

    Args:
        knowledge: the data version's knowledge file.
        entries, catalogue: the screener's list and control entries.
        rules: the screener's rule set (measure statuses already applied).

    Attributes:
        horizon: the date up to which the data's sources were checked.
        changes: every change the data schedules after it (see :func:`pending_changes`).
    """

    def __init__(self, knowledge: Knowledge, entries: Iterable[ListEntry], catalogue: Iterable[ControlEntry], rules: RuleSet):
        self.knowledge = knowledge
        self.horizon = knowledge.horizon
        self.changes = pending_changes(entries, catalogue, rules, knowledge)
        self.rule = next((r for r in rules.rules if r.kind == "knowledge_horizon"), None)
        if self.rule is None:
            from dualuse.rules.loader import load_rules

            self.rule = next(r for r in load_rules().rules if r.kind == "knowledge_horizon")

    def due(self, day: dt.date) -> list[PendingChange]:
        """The changes due after the horizon and on or before ``day``."""
        return [c for c in self.changes if self.horizon < c.date <= day]

    # --- the second evaluation ------------------------------------------------------

    def _alternative(self, screener, facts: Facts, change: PendingChange) -> tuple[RuleSet, Facts] | None:
        """Rules and facts as if ``change`` had not happened; ``None`` when it cannot bear on this shipment."""
        rule_ids = {t.id for t in change.targets if t.kind == "rule"}
        entry_ids = {t.id for t in change.targets if t.kind == "entry"}
        codes = {t.id for t in change.targets if t.kind == "control"}
        matched = {m.entry.id for p in facts.parties for m in p.matches}
        if not rule_ids and not codes and not (entry_ids & matched):
            return None
        rules = screener.rules
        if rule_ids:
            rules = RuleSet(version=rules.version, rules=[without_change(r, change) if r.id in rule_ids else r for r in rules.rules])  # type: ignore[misc]
        parties = facts.parties
        if entry_ids & matched:
            parties = tuple(
                replace(p, matches=tuple(replace(m, entry=without_change(m.entry, change)) if m.entry.id in entry_ids else m for m in p.matches))
                for p in facts.parties
            )
        lines, classify_component = facts.lines, facts.classify_component
        if codes:
            replaced = {c: without_change(screener.catalogue.by_code[c], change) for c in codes if c in screener.catalogue.by_code}
            catalogue = screener.catalogue.with_entries(replaced)
            search = screener.search.with_entries(replaced)
            day = facts.as_of
            lines = tuple(
                LineFacts(
                    lf.line,
                    catalogue.classify(lf.line.control_code, lf.line.hs_code, day, description=lf.line.description, parameters=lf.line.parameters, search=search),
                    lf.jurisdiction,
                    lf.jurisdiction_note,
                )
                for lf in facts.lines
            )

            def classify_component(text: str) -> str | None:
                found = search.lookup(text, as_of=day)
                return found.candidates[0].code if found.status == "controlled" and found.candidates else None

        return rules, replace(facts, parties=parties, lines=lines, classify_component=classify_component)

    def review(self, screener, facts: Facts, findings: list[Finding]) -> tuple[list[Finding], set[str], set[str]]:
        """Findings with the lines that turn on an unconfirmed change put to ``REVIEW``.

        Returns:
            ``(findings, decisive, touched)``: the findings; the ids of the changes
            the verdict turns on; the ids of the changes that alter some finding
            without altering a verdict (named in the warnings).

        Args:
            screener: the :class:`~dualuse.decision.screen.Screener` (its rules, catalogue, search).
            facts: the shipment's facts on the decision date.
            findings: the data's own findings (every scheduled change taken as made).
        """
        due = self.due(facts.as_of)
        if not due:
            return findings, set(), set()
        decisive: set[str] = set()
        touched: set[str] = set()
        extra: list[Finding] = []
        dependent: dict[int, list[tuple[tuple, PendingChange]]] = {}
        for change in due:
            alternative = self._alternative(screener, facts, change)
            if alternative is None:
                continue
            rules, alt_facts = alternative
            alt_findings = evaluate(rules, alt_facts)
            if {_key(f) + (f.line,) for f in alt_findings} != {_key(f) + (f.line,) for f in findings}:
                touched.add(change.id)
            for lf, alt_lf in zip(facts.lines, alt_facts.lines):
                number = lf.line.line
                base_verdict, base_rules = _deciding(findings, number)
                alt_verdict, alt_rules = _deciding(alt_findings, number)
                if base_verdict == alt_verdict:
                    continue
                decisive.add(change.id)
                alt_keys = {_key(f) for f in alt_findings if f.line == number}
                for f in findings:
                    if f.line == number and _key(f) not in alt_keys:
                        dependent.setdefault(number, []).append((_key(f), change))
                involved = self._involved(change, number, lf, alt_lf, findings, alt_findings)
                extra.append(self._finding(change, involved, lf, facts.as_of, (base_verdict, base_rules), (alt_verdict, alt_rules)))
        if not decisive:
            return findings, decisive, touched
        out: list[Finding] = []
        for f in findings:
            marks = [c for key, c in dependent.get(f.line, []) if key == _key(f)] if f.line is not None else []
            if marks:
                f = self._conditional(f, marks[0])
            out.append(f)
        return out + extra, decisive, touched - decisive

    def _involved(self, change, number, lf, alt_lf, findings, alt_findings) -> PendingChange:
        """The change narrowed to the targets this line involves (for the wording)."""
        ids = {f.entry_id for f in [*findings, *alt_findings] if f.line == number and f.entry_id}
        ids |= {f.rule.id for f in [*findings, *alt_findings] if f.line == number}
        ids |= {e.code for e in [*lf.item.entries, *alt_lf.item.entries]}
        targets = [t for t in change.targets if t.id in ids] or change.targets
        measures = sorted({t.measure for t in targets})
        return change.model_copy(update={"targets": targets, "measures": measures})

    def _outcomes(self, change: PendingChange, happened: tuple[str, list[str]], not_happened: tuple[str, list[str]], zh: bool) -> str:
        (v1, r1), (v2, r2) = happened, not_happened
        w1, w2 = _VERDICT_WORDS[v1][1 if zh else 0], _VERDICT_WORDS[v2][1 if zh else 0]
        rules1, rules2 = ", ".join(r1), ", ".join(r2)
        measures = ("、" if zh else ", ").join(change.measures)
        status_en, status_zh = _STATUS_WORDS.get(change.status, (change.status, change.status))
        if zh:
            if change.change == "status_ends":
                return f"若{measures}的{status_zh}已于{change.date}结束：{w1}（{rules1}）；若已延期：{w2}（{rules2}）。"
            if change.change == "status_starts":
                return f"若{measures}已于{change.date}起{status_zh}：{w1}（{rules1}）；若未发生：{w2}（{rules2}）。"
            return f"若{measures}已于{change.date}起施行：{w1}（{rules1}）；若未施行：{w2}（{rules2}）。"
        if change.change == "status_ends":
            return f"If the {status_en} of {measures} ended on {change.date}: {w1} ({rules1}); if it was extended: {w2} ({rules2})."
        if change.change == "status_starts":
            return f"If the {status_en} of {measures} began on {change.date}: {w1} ({rules1}); if it did not: {w2} ({rules2})."
        return f"If {measures} took effect on {change.date}: {w1} ({rules1}); if it did not: {w2} ({rules2})."

    def _notes(self, change: PendingChange, zh: bool) -> str:
        parts = []
        for note in change.notes:
            quoted = f"; quoted by {note.quoted_by}" if note.quoted_by else ""
            if zh:
                parts.append(f" 附注（不适用于数据，{note.date}，{note.issuer}，可信度{note.confidence}）：{note.text_zh or note.text_en}（{note.source_url}）。")
            else:
                parts.append(f" Note, not applied ({note.date}, {note.issuer}, confidence {note.confidence}): {note.text_en} ({note.source_url}{quoted}). {note.caveat}".rstrip())
        return "".join(parts)

    def _finding(self, change: PendingChange, involved: PendingChange, lf: LineFacts, day: dt.date, happened, not_happened) -> Finding:
        from dualuse.rules.engine import _render

        rule = self.rule
        measures_en, measures_zh = ", ".join(involved.measures), "、".join(involved.measures)
        fields_en = {
            "line": str(lf.line.line),
            "day": day.isoformat(),
            "change": involved.describe(),
            "horizon": self.horizon.isoformat(),
            "outcomes": self._outcomes(involved, happened, not_happened, False),
            "check": f"whether MOFCOM has published a notice on {measures_en} since {self.horizon} (www.mofcom.gov.cn, 政策发布), then update the lists (dualuse lists import mofcom FILE).",
            "notes": self._notes(change, False),
        }
        fields_zh = {
            **fields_en,
            "change": involved.describe(zh=True),
            "outcomes": self._outcomes(involved, happened, not_happened, True),
            "check": f"自{self.horizon}以来商务部是否发布了关于{measures_zh}的公告（商务部网站“政策发布”栏目），并据此更新名单数据（dualuse lists import mofcom）。",
            "notes": self._notes(change, True),
        }
        entry = next((t.id for t in involved.targets if t.kind == "entry"), None)
        return Finding(
            rule=rule,  # type: ignore[arg-type]
            verdict="REVIEW",
            citation="; ".join([change.scheduled_by, *involved.measures]),
            text_en=_render(rule.text_en, fields_en),  # type: ignore[union-attr]
            text_zh=_render(rule.text_zh, fields_zh),  # type: ignore[union-attr]
            line=lf.line.line,
            entry_id=entry,
            code=lf.item.code,
        )

    def _conditional(self, finding: Finding, change: PendingChange) -> Finding:
        """A finding that holds only if ``change`` happened: say so; a PROHIBITED is held at REVIEW."""
        status_en, status_zh = _STATUS_WORDS.get(change.status, (change.status, change.status))
        what_en = {"status_ends": f"the {status_en} ended on {change.date}", "status_starts": f"the {status_en} began on {change.date}"}.get(
            change.change, f"it took effect on {change.date}"
        )
        what_zh = {"status_ends": f"{status_zh}已于{change.date}结束", "status_starts": f"已于{change.date}起{status_zh}"}.get(change.change, f"已于{change.date}起施行")
        verdict = "REVIEW" if SEVERITY.index(finding.verdict) < SEVERITY.index("REVIEW") else finding.verdict
        return replace(
            finding,
            verdict=verdict,
            text_en=f"{finding.text_en} (Only if {what_en} ({change.scheduled_by}), which the data expects but cannot confirm; see {HORIZON_RULE}.)",
            text_zh=f"{finding.text_zh}（仅当{what_zh}（{change.scheduled_by}）时成立；数据预期但无法确认，见{HORIZON_RULE}。）",
            licence=finding.licence if verdict == "LICENSE_REQUIRED" else None,
        )

    # --- what the decision records ------------------------------------------------

    def state(self, day: dt.date, decisive: set[str]) -> KnowledgeState:
        """The horizon and every pending change, marked as passed by ``day`` and as decisive here."""
        return KnowledgeState(
            horizon=self.horizon,
            days_after_horizon=max(0, (day - self.horizon).days),
            pending=[
                PendingChangeRef(
                    id=c.id,
                    date=c.date,
                    description=c.describe(),
                    scheduled_by=c.scheduled_by,
                    passed=c.date <= day,
                    decisive=c.id in decisive,
                    notes=[f"{n.date} {n.issuer}: {n.text_en} ({n.source_url}; not applied)" for n in c.notes],
                )
                for c in self.changes
            ],
        )

    def warnings(self, day: dt.date, touched: set[str] = frozenset()) -> list[str]:
        """The caveats of a decision on ``day``: how old the lists are, and the expected changes it took as made
        that alter a finding but not the verdict (``touched``)."""
        if day <= self.horizon:
            return []
        days = (day - self.horizon).days
        warnings = [
            f"The lists' sources were checked up to {self.horizon.isoformat()}, {days} days before {day.isoformat()}: "
            "announcements published after that date are not in the data. Update the lists before relying on a clearance."
        ]
        assumed = [c for c in self.due(day) if c.id in touched]
        if assumed:
            warnings.append(
                "Taken as scheduled (expected, not confirmed), without changing the verdict: "
                + "; ".join(c.describe() for c in assumed)
                + "."
            )
        return warnings


def knowledge_report(data_dir=None) -> dict:
    """The horizon of a data version, the changes it expects after it (with their notes) and the instruments it knows after it.

    Args:
        data_dir: a data directory (e.g. a stored version); default: the store's (``DUALUSE_DATA_DIR`` or the package).

    Returns:
        ``{"horizon", "horizon_basis", "pending": [PendingChange as JSON], "instruments_after_horizon": [...]}``.
    """
    from dualuse.refdata import store
    from dualuse.rules.loader import load_rules

    knowledge = store.load_knowledge(data_dir)
    rules = apply_measure_statuses(load_rules(), knowledge)
    changes = pending_changes(store.load_entries(data_dir), store.load_catalogue(data_dir), rules, knowledge)
    return {
        "horizon": knowledge.horizon.isoformat(),
        "horizon_basis": knowledge.horizon_basis,
        "pending": [c.model_dump(mode="json", exclude_none=True) for c in changes],
        "instruments_after_horizon": [i.model_dump(mode="json", exclude_none=True) for i in knowledge.instruments if i.published and i.published > knowledge.horizon],
    }

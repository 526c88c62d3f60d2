"""Evaluate the rule set against the facts of one shipment.

Each rule kind is one function that yields :class:`Finding` objects: the
rule, the verdict, the line and party concerned, the citation and the
explanation in English and Chinese. Two refinements apply to every kind
that looks at parties or items:

* a ``possible`` (not certain) list match turns the rule's verdict into
  ``REVIEW``: a person must decide whether the party is the listed entry;
* a line whose item is not yet classified (``needs_classification``,
  ``unknown_code``), or whose Chinese origin is unknown, turns a rule that
  depends on it into ``REVIEW``.

Explanatory rules (``not_listed``, ``reexport``, ``no_nexus``) only speak
for a line that no other rule restricts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from dualuse.classification.codes import covers
from dualuse.classification.content import compute as compute_content
from dualuse.matching.matcher import MatchResult, lists_of
from dualuse.models.decision import most_severe
from dualuse.models.reference import ListEntry
from dualuse.rules.facts import ROLE_LABELS, Facts, LineFacts, PartyFacts
from dualuse.rules.model import LicenceTerms, Rule, RuleSet

UNCERTAIN_ITEM = frozenset({"needs_classification", "unknown_code"})
EXPLANATORY_KINDS = frozenset({"not_listed", "reexport", "no_nexus"})
# kinds that explain themselves on dates when their rule is suspended or not yet effective
DATED_EXPLAINED = frozenset({"china_content_threshold", "china_origin_item"})


@dataclass(frozen=True)
class Finding:
    """One application of a rule.

    Attributes:
        rule: the rule applied.
        verdict: the verdict it leads to here (may be ``REVIEW`` where the
            rule's own verdict depends on an uncertain match or item).
        citation: legal citation (rule source, plus the listing instrument).
        text_en, text_zh: explanation.
        line: the item line number, or ``None``.
        role: the party role concerned, if any.
        entry_id: the list entry concerned, if any.
        code: the control code concerned, if any.
        licence: licence terms, for ``LICENSE_REQUIRED`` findings.
    """

    rule: Rule
    verdict: str
    citation: str
    text_en: str
    text_zh: str
    line: int | None = None
    role: str | None = None
    entry_id: str | None = None
    code: str | None = None
    licence: LicenceTerms | None = None


@dataclass
class _Context:
    facts: Facts
    findings: list[Finding] = field(default_factory=list)


class _Fields(dict):
    """Template fields; a missing placeholder renders empty instead of failing."""

    def __missing__(self, key: str) -> str:
        return ""


_SPACE_BETWEEN_WIDE = re.compile(r"(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])")


def _render(template: str, fields: dict[str, str]) -> str:
    """Fill a template; folded YAML line breaks become spaces, except between Chinese characters."""
    text = " ".join(template.format_map(_Fields(fields)).split())
    return _SPACE_BETWEEN_WIDE.sub("", text)


def _party_matches(rule: Rule, party: PartyFacts, facts: Facts) -> Iterator[MatchResult]:
    """Matches of ``party`` against the rule's lists whose entry is in force on the decision date.

    Results explained by a better-fitting entry (see ``MatchResult.explained_by``)
    are reported as hits but do not trigger rules.
    """
    if party.role not in rule.roles:
        return
    for match in party.matches:
        if match.decision == "related" or match.explained_by is not None:
            continue  # the name is accounted for by another entry (reported, but not acted on)
        if not (lists_of(match.entry) & set(rule.lists)):
            continue
        if match.entry.status_on(facts.as_of) != "in_force":
            continue
        yield match


def _line_scope(rule: Rule, line: LineFacts) -> str | None:
    """How a rule reaches a line: ``certain``, ``conditional`` (REVIEW) or ``None`` (not at all)."""
    if line.jurisdiction in rule.jurisdictions:
        scope = "certain"
    elif line.jurisdiction == "origin_unknown" and "cn_origin_transfer" in rule.jurisdictions:
        scope = "conditional"
    else:
        return None
    if rule.items == "dual_use":
        if line.item.status in UNCERTAIN_ITEM:
            return "conditional"
        if line.item.status != "controlled":
            return None
    return scope


def _party_fields(party: PartyFacts, match: MatchResult, zh: bool) -> dict[str, str]:
    role_en, role_zh = ROLE_LABELS[party.role]
    entry = match.entry
    return {
        "party": f"\u201c{party.party.name}\u201d",
        "role": role_zh if zh else role_en,
        "entry": f"\u201c{entry.name}\u201d" + ("" if match.decision == "match" else (" (可能匹配)" if zh else " (possible match)")),
        "listing": entry.legal_source.citation if not zh else (entry.legal_source.title_zh or entry.legal_source.citation),
        "listed_on": entry.effective.isoformat() if entry.effective else "",
    }


def _review_suffix(match_decision: str, scope: str, zh: bool) -> str:
    if match_decision != "match" and scope == "conditional":
        return " 名称仅为可能匹配，且物项或原产地尚待确认：须人工审查。" if zh else (
            " The name is only a possible match and the item or its origin is not yet established: review needed."
        )
    if match_decision != "match":
        return " 名称仅为可能匹配：须人工确认是否为该名单实体。" if zh else " The name is only a possible match: a reviewer must confirm whether it is the listed entity."
    if scope == "conditional":
        return " 物项是否为两用物项或是否原产于中国尚待确认：须审查。" if zh else (
            " Whether the item is a listed dual-use item (or of Chinese origin) is not yet established: review needed."
        )
    return ""


def _citation(rule: Rule, entry: ListEntry | None = None) -> str:
    if rule.cite_listing and entry is not None:
        return f"{entry.legal_source.citation}; {rule.legal_source.citation}"
    return rule.legal_source.citation


# --- rule kinds ---------------------------------------------------------------


def _listed_party(rule: Rule, ctx: _Context) -> None:
    facts = ctx.facts
    for party in facts.parties:
        for match in _party_matches(rule, party, facts):
            for line, scope in _scoped_lines(rule, facts):
                certain = match.decision == "match" and scope == "certain"
                fields_en = {**_party_fields(party, match, False), "line": str(line.line.line), "code": line.item.code or ""}
                fields_zh = {**_party_fields(party, match, True), "line": str(line.line.line), "code": line.item.code or ""}
                ctx.findings.append(
                    Finding(
                        rule=rule,
                        verdict=rule.verdict if certain else "REVIEW",
                        citation=_citation(rule, match.entry),
                        text_en=_render(rule.text_en, fields_en) + _review_suffix(match.decision, scope, False),
                        text_zh=_render(rule.text_zh, fields_zh) + _review_suffix(match.decision, scope, True),
                        line=line.line.line,
                        role=party.role,
                        entry_id=match.entry.id,
                        code=line.item.code,
                        licence=rule.licence if certain else None,
                    )
                )


def _military_evidence(rule: Rule, facts: Facts) -> list[tuple[str, str, str, str | None, str]]:
    """Evidence of a military user or use: ``(certainty, text_en, text_zh, entry_id, role)``."""
    evidence: list[tuple[str, str, str, str | None, str]] = []
    for party in facts.parties:
        matched = False
        for match in _party_matches(rule, party, facts):
            matched = matched or match.decision == "match"
            role_en, role_zh = ROLE_LABELS[party.role]
            how = "" if match.decision == "match" else " (possible match)"
            evidence.append(
                (
                    match.decision,
                    f"The {role_en} \u201c{party.party.name}\u201d is a military user: \u201c{match.entry.name}\u201d{how}",
                    f"{role_zh}\u201c{party.party.name}\u201d为军事用户：\u201c{match.entry.name}\u201d" + ("（可能匹配）" if how else ""),
                    match.entry.id,
                    party.role,
                )
            )
        if matched or party.role not in rule.roles:
            continue
        for signal in party.name_signals:
            if signal.country not in rule.countries:
                continue
            role_en, role_zh = ROLE_LABELS[party.role]
            # a bare acronym (SDF) could be part of an unrelated company name
            certainty = "match" if len(signal.matched_text) > 3 else "possible"
            evidence.append(
                (
                    certainty,
                    f"The {role_en} \u201c{party.party.name}\u201d names a military organisation ({signal.term}, {signal.country}): it is a unit of a military user",
                    f"{role_zh}\u201c{party.party.name}\u201d含军事组织名称（{signal.term}，{signal.country}）：属军事用户下属单位",
                    None,
                    party.role,
                )
            )
    for country in rule.countries:
        for signal in facts.end_use.military_use(country):
            evidence.append(
                (
                    "match",
                    f"The declared end use \u201c{facts.end_use.text}\u201d names a military use ({signal.term}: \u201c{signal.matched_text}\u201d, {country})",
                    f"申报最终用途\u201c{facts.end_use.text}\u201d属于军事用途（{signal.term}：\u201c{signal.matched_text}\u201d，{country}）",
                    None,
                    "end_use",
                )
            )
        if facts.end_use.destination_country == country or any(s.country == country for s in facts.end_use.military_possible()):
            for signal in facts.end_use.military_possible():
                if signal.country not in (None, country):
                    continue
                evidence.append(
                    (
                        "possible",
                        f"The declared end use \u201c{facts.end_use.text}\u201d may be military ({signal.term}: \u201c{signal.matched_text}\u201d)",
                        f"申报最终用途\u201c{facts.end_use.text}\u201d可能属于军事用途（{signal.term}：\u201c{signal.matched_text}\u201d）",
                        None,
                        "end_use",
                    )
                )
    return evidence


def _military_user(rule: Rule, ctx: _Context) -> None:
    facts = ctx.facts
    for certainty, text_en, text_zh, entry_id, role in _military_evidence(rule, facts):
        for line, scope in _scoped_lines(rule, facts):
            certain = certainty == "match" and scope == "certain"
            fields_en = {"evidence": text_en, "line": str(line.line.line), "code": line.item.code or ""}
            fields_zh = {"evidence": text_zh, "line": str(line.line.line), "code": line.item.code or ""}
            ctx.findings.append(
                Finding(
                    rule=rule,
                    verdict=rule.verdict if certain else "REVIEW",
                    citation=_citation(rule),
                    text_en=_render(rule.text_en, fields_en) + _review_suffix("match" if certainty == "match" else "possible", scope, False),
                    text_zh=_render(rule.text_zh, fields_zh) + _review_suffix("match" if certainty == "match" else "possible", scope, True),
                    line=line.line.line,
                    role=None if role == "end_use" else role,
                    entry_id=entry_id,
                    code=line.item.code,
                )
            )


def _capability_enhancing(rule: Rule, ctx: _Context) -> None:
    facts = ctx.facts
    if facts.end_use.civil_declared():
        return
    destination = facts.shipment.destination_country
    for party in facts.parties:
        country = party.party.country or destination
        if rule.countries and country not in rule.countries:
            continue
        for match in _party_matches(rule, party, facts):
            role_en, role_zh = ROLE_LABELS[party.role]
            text_en = f"The {role_en} \u201c{party.party.name}\u201d is \u201c{match.entry.name}\u201d, a Japanese defence-industry company"
            text_zh = f"{role_zh}\u201c{party.party.name}\u201d即\u201c{match.entry.name}\u201d，为日本防务产业企业"
            for line, scope in _scoped_lines(rule, facts):
                ctx.findings.append(
                    Finding(
                        rule=rule,
                        verdict="REVIEW",
                        citation=_citation(rule),
                        text_en=_render(rule.text_en, {"evidence": text_en}) + _review_suffix(match.decision, scope, False),
                        text_zh=_render(rule.text_zh, {"evidence": text_zh}) + _review_suffix(match.decision, scope, True),
                        line=line.line.line,
                        role=party.role,
                        entry_id=match.entry.id,
                        code=line.item.code,
                    )
                )


def _item_family(rule: Rule, ctx: _Context) -> None:
    facts = ctx.facts
    countries = {facts.shipment.destination_country}
    if facts.shipment.end_user is not None and facts.shipment.end_user.country:
        countries.add(facts.shipment.end_user.country)
    if not countries & set(rule.countries):
        return
    for line in facts.lines:
        code = line.item.code
        if _line_scope(rule, line) != "certain" or code is None:
            continue
        if not any(covers(prefix, code) or covers(code, prefix) for prefix in rule.item_codes):
            continue
        fields = {"line": str(line.line.line), "code": code}
        ctx.findings.append(
            Finding(
                rule, rule.verdict, _citation(rule), _render(rule.text_en, fields), _render(rule.text_zh, fields), line=line.line.line, code=code,
                licence=rule.licence if rule.verdict == "LICENSE_REQUIRED" else None,
            )
        )


def _listed_item(rule: Rule, ctx: _Context) -> None:
    for line in ctx.facts.lines:
        if _line_scope(rule, line) != "certain":
            continue
        fields = {"line": str(line.line.line), "code": line.item.code or ""}
        ctx.findings.append(
            Finding(
                rule,
                rule.verdict,
                _citation(rule),
                _render(rule.text_en, fields),
                _render(rule.text_zh, fields),
                line=line.line.line,
                code=line.item.code,
                licence=rule.licence,
            )
        )


def _end_use_statement(rule: Rule, ctx: _Context) -> None:
    """A listed dual-use item on documents that state no end use (REVIEW) or name no end user (a licence condition).

    A declared licence number turns the missing end use into a licence check: the
    licence was granted on the end user's certificates and must name this end use.
    """
    shipment = ctx.facts.shipment
    no_use = not (shipment.end_use or "").strip()
    no_user = shipment.end_user is None
    if not (no_use or no_user):
        return
    consignee = shipment.consignee.name
    for line, scope in _scoped_lines(rule, ctx.facts):
        if scope != "certain":
            continue
        if no_use and not shipment.licence_number:
            verdict, licence = "REVIEW", None
            what = "no end user and no end use" if no_user else "no end use"
            text_en = (f"the documents state {what}. An export licence needs end-user and end-use certificates "
                       "issued by the end user, so the end use must be established before a licence is sought.")
            text_zh = ("单证既未载明最终用户也未载明最终用途。" if no_user else "单证未载明最终用途。") + (
                "出口许可申请须附最终用户出具的最终用户和最终用途证明文件，申请许可前须查明最终用途。")
        elif no_use:
            verdict, licence = "LICENSE_REQUIRED", rule.licence
            text_en = (f"the documents state no end use; the declared licence {shipment.licence_number} must name the "
                       "end user and end use of this export.")
            text_zh = f"单证未载明最终用途；申报的许可证{shipment.licence_number}须载明本次出口的最终用户和最终用途。"
        else:
            verdict, licence = "LICENSE_REQUIRED", rule.licence
            text_en = (f"the documents name no end user; the consignee \u201c{consignee}\u201d is not necessarily the end "
                       "user, and the end-user and end-use certificates must come from the actual end user.")
            text_zh = f"单证未载明最终用户；收货人\u201c{consignee}\u201d不一定是最终用户，最终用户和最终用途证明文件须由实际最终用户出具。"
        fields = {"line": str(line.line.line), "code": line.item.code or ""}
        ctx.findings.append(
            Finding(rule, verdict, _citation(rule), _render(rule.text_en, {**fields, "evidence": text_en}),
                    _render(rule.text_zh, {**fields, "evidence": text_zh}), line=line.line.line, code=line.item.code,
                    licence=licence)
        )


def _classification_needed(rule: Rule, ctx: _Context) -> None:
    for line in ctx.facts.lines:
        if line.item.status not in UNCERTAIN_ITEM or line.jurisdiction not in rule.jurisdictions:
            continue
        fields = {"line": str(line.line.line), "evidence": line.item.explanation}
        zh_evidence = {
            "hs_code": f"海关编码为两用物项许可证管理目录所列参考编码（{', '.join(e.code for e in line.item.entries[:6])}），但未申报管制编码"
            + (f"；决定性技术参数：{', '.join(line.item.parameters_needed)}" if line.item.parameters_needed else ""),
            "declared": f"申报的管制编码{line.item.code or ''}不在2026年两用物项许可证管理目录中",
            "description": f"货物描述指向管制清单条目（{', '.join(e.code for e in line.item.entries[:6])}），但未申报管制编码"
            + (f"；决定性技术参数：{', '.join(line.item.parameters_needed)}" if line.item.parameters_needed else ""),
            "none": "既未申报管制编码也未申报海关编码",
        }.get(line.item.source, line.item.explanation)
        ctx.findings.append(
            Finding(
                rule,
                rule.verdict,
                _citation(rule),
                _render(rule.text_en, fields),
                _render(rule.text_zh, {**fields, "evidence": zh_evidence}),
                line=line.line.line,
                code=line.item.code,
            )
        )


def _catch_all(rule: Rule, ctx: _Context) -> None:
    flags = ctx.facts.end_use.red_flags()
    if not flags:
        return
    terms = ", ".join(f"{s.term} (\u201c{s.matched_text}\u201d)" for s in flags)
    for line in ctx.facts.lines:
        if _line_scope(rule, line) is None:
            continue
        ctx.findings.append(
            Finding(
                rule,
                rule.verdict,
                _citation(rule),
                _render(rule.text_en, {"evidence": f"The declared end use raises a red flag: {terms}"}),
                _render(rule.text_zh, {"evidence": f"申报最终用途存在风险信号：{terms}"}),
                line=line.line.line,
            )
        )


def _covered(codes: list[str], code: str | None) -> bool:
    return code is not None and any(covers(prefix, code) for prefix in codes)


def _item_in(rule: Rule, line: LineFacts) -> str | None:
    """``certain`` when the line's item is under the rule's item codes, ``conditional`` when a candidate is, else ``None``."""
    if _covered(rule.item_codes, line.item.code) and line.item.status == "controlled":
        return "certain"
    if line.item.status in UNCERTAIN_ITEM and any(_covered(rule.item_codes, e.code) for e in line.item.entries):
        return "conditional"
    return None


def _scoped_lines(
    rule: Rule, facts: Facts, scope_of: Callable[[Rule, LineFacts], str | None] = _line_scope, jurisdiction: str | None = None
) -> Iterator[tuple[LineFacts, str]]:
    """``(line, scope)`` for each line (under ``jurisdiction``, if given) that ``scope_of`` puts in the rule's scope."""
    for line in facts.lines:
        if jurisdiction is not None and line.jurisdiction != jurisdiction:
            continue
        scope = scope_of(rule, line)
        if scope is not None:
            yield line, scope


def _date_note(rule: Rule, day, zh: bool) -> str:
    state = rule.status_on(day)
    if state == "not_yet_in_force":
        return f"（{rule.legal_source.citation}自{rule.effective}起施行，{day}尚未施行）" if zh else f" ({rule.legal_source.citation} applies from {rule.effective}; not yet on {day})"
    for i in rule.status_intervals:
        if i.start <= day and (i.end is None or day < i.end):
            return f"（{day}处于暂停实施期间：{i.start}至{i.end}）" if zh else f" (suspended on {day}: {i.start} until {i.end}; {i.note or ''})".rstrip("; )") + ")"
    return ""


def _china_content_threshold(rule: Rule, ctx: _Context, active: bool = True) -> None:
    """Art. 49 designation by value share (e.g. Ann. 2025 No. 61 item (1)): compute and compare."""
    facts = ctx.facts
    threshold = rule.threshold if rule.threshold is not None else 0.0
    for line, scope in _scoped_lines(rule, facts, _item_in, "cn_content"):
        number = line.line.line
        try:
            content = compute_content(line.line, rule.content_codes, facts.classify_component)
        except ValueError as error:
            content, problem = None, str(error)
        else:
            problem = "China-origin content is not stated (neither a bill of materials nor a share)"
        if content is None:
            verdict, text_en, text_zh = "REVIEW", f"Line {number}: {problem}.", f"第{number}行：未说明中国原产成分（无物料清单或占比）。"
        else:
            computation = content.describe(threshold)
            above = content.share >= threshold
            if not active:
                verdict = "NOT_CONTROLLED"
            elif above and content.basis == "declared_share":
                verdict = "REVIEW"  # an upper bound: the specified share may be lower
            elif above and not content.unknown:
                verdict = rule.verdict if scope == "certain" else "REVIEW"
            elif above or content.unknown:
                verdict = "REVIEW"
            else:
                verdict = "NOT_CONTROLLED"
            text_en = _render(rule.text_en, {"line": str(number), "code": line.item.code or "", "evidence": computation})
            text_zh = _render(rule.text_zh, {"line": str(number), "code": line.item.code or "", "evidence": computation})
            if not active:
                text_en += _date_note(rule, facts.as_of, False) + " The designation does not apply on this date."
                text_zh += _date_note(rule, facts.as_of, True) + "该指定在此日期不适用。"
            elif verdict == "NOT_CONTROLLED":
                text_en += " Below the threshold: the designation does not reach this item."
                text_zh += "低于门槛：该指定不适用于此物项。"
            elif verdict == "REVIEW":
                text_en += " The share of the specified items cannot be established from the data: review."
                text_zh += "无法根据所给数据确定指定物项的占比：须审查。"
        ctx.findings.append(
            Finding(
                rule, verdict, _citation(rule), text_en, text_zh, line=number, code=line.item.code,
                licence=rule.licence if verdict == "LICENSE_REQUIRED" else None,
            )
        )


def _china_origin_item(rule: Rule, ctx: _Context, active: bool = True) -> None:
    """China-origin items of a designation transferred abroad (e.g. Ann. 2025 No. 61 item (3))."""
    facts = ctx.facts
    for line, scope in _scoped_lines(rule, facts, _item_in, "cn_origin_transfer"):
        number = line.line.line
        fields = {"line": str(number), "code": line.item.code or ", ".join(e.code for e in line.item.entries[:3])}
        text_en, text_zh = _render(rule.text_en, fields), _render(rule.text_zh, fields)
        if not active:
            verdict = "NOT_CONTROLLED"
            text_en += _date_note(rule, facts.as_of, False) + " The requirement does not apply on this date."
            text_zh += _date_note(rule, facts.as_of, True) + "该要求在此日期不适用。"
        else:
            verdict = rule.verdict if scope == "certain" else "REVIEW"
        ctx.findings.append(
            Finding(rule, verdict, _citation(rule), text_en, text_zh, line=number, code=line.item.code,
                    licence=rule.licence if verdict == "LICENSE_REQUIRED" else None)
        )


def _china_content(rule: Rule, ctx: _Context) -> None:
    """Foreign-made dual-use item with China-origin content that no specific designation assessed: review."""
    assessed = {f.line for f in ctx.findings if f.rule.kind == "china_content_threshold"}
    for line in ctx.facts.lines:
        if _line_scope(rule, line) is None or line.line.line in assessed:
            continue
        fields = {"line": str(line.line.line), "evidence": line.jurisdiction_note}
        ctx.findings.append(
            Finding(rule, rule.verdict, _citation(rule), _render(rule.text_en, fields), _render(rule.text_zh, fields), line=line.line.line, code=line.item.code)
        )


def _explanatory(rule: Rule, ctx: _Context) -> None:
    restricted = {f.line for f in ctx.findings if f.verdict != "NOT_CONTROLLED"}
    explained = {f.line for f in ctx.findings if f.rule.kind in EXPLANATORY_KINDS}
    for line in ctx.facts.lines:
        number = line.line.line
        if number in restricted or number in explained or line.jurisdiction not in rule.jurisdictions:
            continue
        if rule.kind == "not_listed" and line.item.status != "not_controlled":
            continue
        evidence = line.item.explanation if rule.kind == "not_listed" else line.jurisdiction_note
        fields = {"line": str(number), "evidence": evidence, "code": line.item.code or ""}
        ctx.findings.append(
            Finding(rule, rule.verdict, _citation(rule), _render(rule.text_en, fields), _render(rule.text_zh, fields), line=number, code=line.item.code)
        )


def _knowledge_horizon(rule: Rule, ctx: _Context) -> None:
    """Nothing to do on the facts alone: the screener compares the outcomes of a change the data only expects
    (see :mod:`dualuse.decision.horizon`) and uses this rule's texts for the reason."""


_KINDS = {
    "listed_party": _listed_party,
    "military_user": _military_user,
    "capability_enhancing": _capability_enhancing,
    "item_family": _item_family,
    "listed_item": _listed_item,
    "end_use_statement": _end_use_statement,
    "classification_needed": _classification_needed,
    "catch_all": _catch_all,
    "china_content": _china_content,
    "china_content_threshold": _china_content_threshold,
    "china_origin_item": _china_origin_item,
    "reexport": _explanatory,
    "no_nexus": _explanatory,
    "not_listed": _explanatory,
    "knowledge_horizon": _knowledge_horizon,
}


def implemented_kinds() -> frozenset[str]:
    """The rule kinds this engine can evaluate."""
    return frozenset(_KINDS)


def evaluate(rules: RuleSet, facts: Facts) -> list[Finding]:
    """Apply every rule in force on ``facts.as_of`` to ``facts``.

    Returns:
        Findings in rule order; explanatory findings only for lines that no
        other rule restricts.

    Raises:
        KeyError: a rule of a kind the engine does not implement (the
            validator rejects such rule sets before they are used).
    """
    ctx = _Context(facts)
    substantive = [r for r in rules.rules if r.kind not in EXPLANATORY_KINDS]
    explanatory = [r for r in rules.rules if r.kind in EXPLANATORY_KINDS]
    for rule in [*substantive, *explanatory]:
        if rule.in_force(facts.as_of):
            _KINDS[rule.kind](rule, ctx)
        elif rule.kind in DATED_EXPLAINED and facts.as_of >= rule.published:
            # published but suspended or not yet effective: say so, with the computation
            _KINDS[rule.kind](rule, ctx, active=False)
    return _dedupe(ctx.findings)


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple] = set()
    unique: list[Finding] = []
    for finding in findings:
        key = (finding.rule.id, finding.line, finding.role, finding.entry_id, finding.verdict, finding.text_en)
        if key not in seen:
            seen.add(key)
            unique.append(finding)
    return unique


def line_verdict(findings: list[Finding], line: int) -> str:
    """The most severe verdict of the findings for ``line``."""
    return most_severe([f.verdict for f in findings if f.line == line])

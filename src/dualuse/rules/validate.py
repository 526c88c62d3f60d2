"""Check a rule set before it is used: identifiers, sources, dates, kinds and list references."""

from __future__ import annotations

from dualuse.models.reference import LIST_IDS
from dualuse.rules.engine import implemented_kinds
from dualuse.rules.model import RuleSet


def validate_rules(rules: RuleSet) -> list[str]:
    """Problems with ``rules`` as human-readable strings (empty when valid).

    Checks: unique ids; a citation and a URL on every legal source; the
    kind implemented by the engine; list ids known; licence terms on every
    ``LICENSE_REQUIRED`` rule; well-formed suspension intervals; the
    explanation present in English and Chinese.
    """
    problems: list[str] = []
    seen: set[str] = set()
    kinds = implemented_kinds()
    for rule in rules.rules:
        where = f"rule {rule.id}"
        if rule.id in seen:
            problems.append(f"{where}: duplicate id")
        seen.add(rule.id)
        if not rule.legal_source.citation.strip():
            problems.append(f"{where}: legal source has no citation")
        if not rule.legal_source.url:
            problems.append(f"{where}: legal source has no URL")
        if rule.kind not in kinds:
            problems.append(f"{where}: kind {rule.kind!r} is not implemented by the engine")
        for list_id in rule.lists:
            if list_id not in LIST_IDS:
                problems.append(f"{where}: unknown list {list_id!r}")
        if rule.verdict == "LICENSE_REQUIRED" and rule.licence is None:
            problems.append(f"{where}: LICENSE_REQUIRED rule without licence terms")
        for interval in rule.status_intervals:
            if interval.end is not None and interval.end <= interval.start:
                problems.append(f"{where}: status interval ends ({interval.end}) before it starts ({interval.start})")
        if not rule.text_en.strip() or not rule.text_zh.strip():
            problems.append(f"{where}: explanation missing in English or Chinese")
    return problems

"""How urgent an alert is, and the filters a reviewer selects alerts with.

**Severity** orders the review queue so that the alerts that could stop a
shipment come first. It is computed from what the alert would mean if the
reviewer confirmed it:

1. ``if_confirmed`` - the verdict the alert's rules give when the uncertain
   fact is established: the rule's own verdict (``CN-ECL-CONTROL-LIST`` ->
   ``PROHIBITED``), and for the rules whose verdict is ``REVIEW`` what
   establishing the concern leads to (:data:`CONFIRMED_VERDICT`: a Japanese
   defence contractor with a military end use is prohibited, Announcement
   2026 No. 1; a catch-all red flag needs a licence, ECL Art. 12(3); an
   unclassified item that is listed needs a licence, Regulations Art. 14);
   a list-change alert takes the verdict of the list's rule;
2. the list (the control list, UEL and countermeasures before the watch
   list, before the military-user and defence-industry reference lists);
3. the name score of a hit (a 0.84 possible match before a 0.73 one).

``level`` names the first component: ``critical`` (would be PROHIBITED),
``high`` (a licence), ``medium`` (stays a review), ``low``.

**Filters** (``dualuse alerts --where`` and ``alerts decide --where``) are
space-separated ``key=pattern`` terms, all of which must hold; patterns
are shell-style (``4819*``), compared without case:

=============  ==========================================================
``reason``     a rule id among the alert's reasons (``CN-CLASSIFICATION-NEEDED``)
``hs``         an HS code of a line the alert is about (``4819*``)
``list``       the list of the entry hit (``CN-ECL``)
``kind``       ``possible_match``, ``review_hit``, ``review``, ``list_change`` ...
``severity``   ``critical``, ``high``, ``medium``, ``low``
``verdict``    the verdict if confirmed (``PROHIBITED``)
``shipment``   the shipment id (``EX-*``)
``party``      the party's name as written
``entry``      the list entry id
``score<N``    ``score>N``: the hit's name score below / above ``N``
=============  ==========================================================
"""

from __future__ import annotations

import fnmatch
import functools
import re

SEVERITY_ORDER = ("PROHIBITED", "LICENSE_REQUIRED", "REVIEW", "NOT_CONTROLLED")
LEVELS = {"PROHIBITED": "critical", "LICENSE_REQUIRED": "high", "REVIEW": "medium", "NOT_CONTROLLED": "low"}
# what a confirmed concern of a REVIEW rule leads to (see the module docstring for the sources)
CONFIRMED_VERDICT = {
    "CN-2026-1-JP-CAPABILITY": "PROHIBITED",
    "CN-ECL-12-3-CATCH-ALL": "LICENSE_REQUIRED",
    "CN-CLASSIFICATION-NEEDED": "LICENSE_REQUIRED",
    "CN-ART-49-CONTENT": "LICENSE_REQUIRED",
}
LIST_WEIGHT = {"CN-ECL": 5, "CN-UEL": 5, "CN-AFSL": 5, "CN-WL": 4, "JP-MIL": 3, "US-MIL": 3, "JP-DEF": 2}
LIST_RULE = {"CN-ECL": "CN-ECL-CONTROL-LIST", "CN-WL": "CN-WL-WATCH-LIST", "CN-UEL": "CN-UEL-UNRELIABLE-ENTITY", "CN-AFSL": "CN-AFSL-COUNTERMEASURE"}
KEYS = ("reason", "hs", "list", "kind", "severity", "verdict", "shipment", "party", "entry", "score")
_TERM = re.compile(r"^(?P<key>[a-z_]+)\s*(?P<op>=|<|>)\s*(?P<value>.+)$")


class SeverityError(ValueError):
    """A filter that cannot be read (the message names the term and the keys allowed)."""


@functools.lru_cache(maxsize=1)
def _rule_verdicts() -> dict[str, str]:
    from dualuse.rules.loader import load_rules

    return {rule.id: rule.verdict for rule in load_rules().rules}


def verdict_if_confirmed(rule_id: str | None) -> str:
    """The verdict a rule's finding gives once its uncertain fact is confirmed."""
    if not rule_id:
        return "REVIEW"
    verdict = _rule_verdicts().get(rule_id, "REVIEW")
    return CONFIRMED_VERDICT.get(rule_id, verdict) if verdict == "REVIEW" else verdict


def alert_severity(alert: dict) -> dict:
    """``{"level", "if_confirmed", "list", "score", "rank"}`` of an alert dict (as :func:`list_alerts` returns it).

    ``rank`` is one number, larger = more urgent: verdict (x100), list weight
    (x10), then the score.
    """
    rules = [r.get("rule_id") for r in alert.get("details", {}).get("reasons", [])]
    if not rules and alert.get("list") in LIST_RULE:
        rules = [LIST_RULE[alert["list"]]]
    verdicts = [verdict_if_confirmed(rule) for rule in rules] or ["REVIEW"]
    worst = min(verdicts, key=SEVERITY_ORDER.index)
    weight = LIST_WEIGHT.get(alert.get("list") or "", 0)
    score = float(alert.get("score") or 0.0)
    rank = (len(SEVERITY_ORDER) - SEVERITY_ORDER.index(worst)) * 100 + weight * 10 + score
    return {"level": LEVELS[worst], "if_confirmed": worst, "list": alert.get("list"), "score": alert.get("score"), "rank": round(rank, 4)}


def parse_where(where: str | None) -> list[tuple[str, str, str]]:
    """``"reason=X hs=4819*"`` -> ``[("reason", "=", "X"), ("hs", "=", "4819*")]``.

    Raises:
        SeverityError: a term that is not ``key=pattern`` with a known key (or ``score<N``/``score>N``).
    """
    terms = []
    for term in (where or "").split():
        match = _TERM.match(term)
        if match is None or match.group("key") not in KEYS:
            raise SeverityError(f"filter term {term!r}: expected key=pattern with a key among {', '.join(KEYS)}")
        key, op, value = match.group("key"), match.group("op"), match.group("value")
        if (key == "score") != (op in "<>"):
            raise SeverityError(f"filter term {term!r}: score takes < or > and a number (score<0.8); other keys take =")
        if key == "score":
            try:
                float(value)
            except ValueError:
                raise SeverityError(f"filter term {term!r}: expected a number after {op}") from None
        terms.append((key, op, value))
    return terms


def _values(alert: dict, key: str) -> list[str]:
    details = alert.get("details", {})
    if key == "reason":
        return [r.get("rule_id") or "" for r in details.get("reasons", [])]
    if key == "hs":
        return list(alert.get("hs_codes", []))
    if key in ("severity", "verdict"):
        severity = alert.get("severity") or alert_severity(alert)
        return [severity["level"] if key == "severity" else severity["if_confirmed"]]
    field = {"list": "list", "kind": "kind", "shipment": "shipment_id", "party": "party_name", "entry": "entry_id"}[key]
    return [alert.get(field) or ""]


def matches(alert: dict, terms: list[tuple[str, str, str]]) -> bool:
    """True when ``alert`` satisfies every term of a parsed filter."""
    for key, op, value in terms:
        if key == "score":
            score = alert.get("score")
            if score is None or not (score < float(value) if op == "<" else score > float(value)):
                return False
            continue
        pattern = value.casefold()
        if not any(fnmatch.fnmatchcase(v.casefold(), pattern) for v in _values(alert, key)):
            return False
    return True

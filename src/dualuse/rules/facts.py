"""The facts a rule set is evaluated against, gathered by the screening pipeline.

Everything a rule may look at is computed before the rules run, so rule
evaluation is a pure function of (rule set, facts) and can be replayed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from dualuse.classification.end_use import EndUseAnalysis, EndUseSignal
from dualuse.classification.items import ItemResult
from dualuse.matching.matcher import MatchResult
from dualuse.models.shipment import ItemLine, Party, Shipment

ROLE_LABELS = {
    "exporter": ("exporter", "出口经营者"),
    "consignee": ("consignee", "收货人"),
    "end_user": ("end user", "最终用户"),
    "intermediary": ("intermediary", "中间商"),
    "producer": ("production/sales unit", "生产销售单位"),
}


@dataclass(frozen=True)
class PartyFacts:
    """A party of the shipment and the list entries its name matched.

    Attributes:
        role: ``exporter``, ``consignee``, ``end_user``, ``intermediary`` or
            ``producer`` (the production/sales unit of a declaration).
        index: position among intermediaries (0 otherwise).
        party: the party as written.
        matches: match results (``match`` and ``possible``), best first.
        name_signals: military organisations named inside the party's name
            ("JASDF 2nd Air Wing" names the JASDF although the wing itself
            is not on a reference list), from the end-use lexicon.
    """

    role: str
    index: int
    party: Party
    matches: tuple[MatchResult, ...]
    name_signals: tuple[EndUseSignal, ...] = ()


@dataclass(frozen=True)
class LineFacts:
    """An item line with its classification and its nexus with China.

    Attributes:
        line: the item line as written.
        item: the classifier's finding.
        jurisdiction: ``cn_export``, ``cn_origin_transfer``, ``cn_content``,
            ``origin_unknown`` or ``outside``.
        jurisdiction_note: why.
    """

    line: ItemLine
    item: ItemResult
    jurisdiction: str
    jurisdiction_note: str


@dataclass(frozen=True)
class Facts:
    """Everything the rules are evaluated against.

    Attributes:
        shipment: the shipment.
        as_of: the date rules and list statuses are evaluated at.
        parties: one entry per party.
        lines: one entry per item line, in input order.
        end_use: the analysis of the declared end use.
        classify_component: ``description -> control code | None`` for
            bill-of-materials components given without a code (``None``:
            such components are not classified).
    """

    shipment: Shipment
    as_of: dt.date
    parties: tuple[PartyFacts, ...]
    lines: tuple[LineFacts, ...]
    end_use: EndUseAnalysis
    classify_component: Callable[[str], str | None] | None = None

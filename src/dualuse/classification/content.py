"""China-origin content of a foreign-made item (Regulations Art. 49).

Art. 49 lets MOFCOM reach foreign-made items that contain, integrate or are
mixed with specified China-origin dual-use items. Its first use, MOFCOM
Announcement 2025 No. 61 item (1), needs a licence for foreign-made Annex-1
items whose China-origin rare-earth content (Annex 1 Part 1) is worth at
least 0.1% of the item's value (regime.md §3.7). Which items and what
threshold are data of the rule (``rules.yaml``: ``content_codes``,
``threshold``); this module only computes the share.

A line states its content in one of two ways:

* a bill of materials (``ItemLine.bom``): each component with its control
  code (or a description, classified with the search), origin and value. The
  share is the value of China-origin components whose control code falls
  under the rule's ``content_codes``, divided by the item's value (the line's
  ``value``; else the sum of the components' values);
* ``china_origin_value_share`` alone: the China-origin share of *all*
  content; whether that content is of the specified items is not stated,
  so the share is an upper bound and the computation says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dualuse.classification.codes import covers, normalise_code
from dualuse.models.shipment import ItemLine

MAINLAND = "CN"


@dataclass(frozen=True)
class ComponentShare:
    """One BOM component as counted.

    Attributes:
        component: the component as written.
        code: its control code (declared, or found from its description).
        origin: ISO alpha-2 origin.
        value: value in the line's currency.
        counted: True when it is China-origin and under the specified codes.
        why: how the code was established or why it is not counted.
    """

    component: str
    code: str | None
    origin: str | None
    value: float
    counted: bool
    why: str


@dataclass(frozen=True)
class ContentComputation:
    """The China-origin share of specified content of one line.

    Attributes:
        basis: ``bom`` (computed from components) or ``declared_share``
            (``china_origin_value_share`` only; an upper bound).
        share: counted value / item value (0..1).
        counted_value: value of the counted components.
        item_value: the denominator (line value, else the sum of components).
        components: each component as counted (``bom`` basis).
        unknown: components whose code or origin could not be established.
    """

    basis: str
    share: float
    counted_value: float
    item_value: float
    components: tuple[ComponentShare, ...] = ()
    unknown: tuple[str, ...] = field(default_factory=tuple)

    def describe(self, threshold: float | None = None) -> str:
        """The computation in words, e.g. ``0.2500% = 30.00 / 12000.00 (Dy oxide, CN) >= 0.1000%``."""
        if self.basis == "declared_share":
            text = f"declared China-origin value share {self.share:.4%} (of all content; whether it is of the specified items is not stated)"
        else:
            parts = ", ".join(f"{c.component or c.code} ({c.code}, {c.origin}, {c.value:g})" for c in self.components if c.counted)
            text = (
                f"China-origin specified content {self.counted_value:g} / item value {self.item_value:g} = {self.share:.4%}"
                + (f" [{parts}]" if parts else " [no China-origin component of the specified items]")
            )
            if self.unknown:
                text += f"; not established: {', '.join(self.unknown)}"
        if threshold is not None:
            text += f" {'>=' if self.share >= threshold else '<'} threshold {threshold:.4%}"
        return text


def compute(line: ItemLine, content_codes: list[str], classify_description=None) -> ContentComputation | None:
    """China-origin share of the content under ``content_codes`` in ``line``.

    Args:
        line: the item line (``bom``, ``value``, ``china_origin_value_share``).
        content_codes: control-code prefixes of the specified China-origin
            items (e.g. the rare-earth codes of Ann. 2025 No. 61 Annex 1 Part 1).
        classify_description: optional ``description -> control code | None``
            used for components given without a code.

    Returns:
        The computation, or ``None`` when the line states neither a BOM nor
        a China-origin share.

    Raises:
        ValueError: the BOM's values add up to zero and the line has no value.
    """
    if line.bom:
        counted: list[ComponentShare] = []
        unknown: list[str] = []
        for comp in line.bom:
            code = normalise_code(comp.control_code) if comp.control_code else None
            why = "declared code" if code else ""
            if code is None and comp.description and classify_description is not None:
                code = classify_description(comp.description)
                why = f"classified from its description ({comp.description})" if code else "description matches no listed item"
            in_scope = code is not None and any(covers(prefix, code) or covers(code, prefix) for prefix in content_codes)
            china = comp.origin_country == MAINLAND
            if comp.origin_country is None and in_scope:
                unknown.append(f"origin of {comp.component or code}")
            if code is None and comp.origin_country == MAINLAND and not comp.description:
                unknown.append(f"what {comp.component or 'a component'} is")
            counted.append(ComponentShare(comp.component, code, comp.origin_country, comp.value, in_scope and china, why or "no code"))
        total = line.value if line.value else sum(c.value for c in counted)
        if not total:
            raise ValueError(f"line {line.line}: the bill of materials has no value and the line gives none")
        value = sum(c.value for c in counted if c.counted)
        return ContentComputation("bom", value / total, value, total, tuple(counted), tuple(unknown))
    if line.china_origin_value_share is not None:
        total = line.value or 0.0
        share = line.china_origin_value_share
        return ContentComputation("declared_share", share, share * total, total)
    return None

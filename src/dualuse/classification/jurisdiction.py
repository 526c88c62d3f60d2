"""Does Chinese export-control law reach an item line, and how?

* ``cn_export``          the exporter is in mainland China: a transfer from
  PRC territory (Regulations Art. 2; re-exports from China too, Art. 48).
* ``cn_origin_transfer`` an exporter abroad transfers a China-origin item:
  reached only by measures with an extraterritorial clause (control list,
  Announcement 2026 No. 1 clause 2, Announcement 2024 No. 46) and by items
  MOFCOM designates under Art. 49.
* ``cn_content``         an exporter abroad ships a foreign-made item with
  China-origin content (share > 0, or China-origin components in its bill
  of materials): Art. 49 designations only.
* ``origin_unknown``     an exporter abroad, and neither the origin nor the
  China-origin content is stated: whether Chinese law reaches the item
  must be established (rules that reach China-origin items then call for
  review instead of deciding).
* ``outside``            none of these: Chinese controls do not reach it.

Hong Kong and Macao have their own export regimes; an exporter there is
treated as abroad. Source: regime.md §3.2, §3.7.
"""

from __future__ import annotations

from dualuse.models.shipment import ItemLine, Shipment

MAINLAND = "CN"


def jurisdiction(shipment: Shipment, line: ItemLine) -> tuple[str, str]:
    """Classify the line's nexus with China.

    Returns:
        ``(jurisdiction, explanation)``.
    """
    exporter_country = shipment.exporter.country
    if exporter_country == MAINLAND:
        return "cn_export", "exported from mainland China"
    if exporter_country is None:
        # Nothing shows the exporter is abroad: the conservative reading.
        return "cn_export", "exporter's country not given: treated as an export from China"
    where = f"exported from {exporter_country}"
    if line.origin_country == MAINLAND:
        return "cn_origin_transfer", f"China-origin item {where}"
    share = line.china_origin_value_share
    if share is not None and share > 0:
        return "cn_content", f"foreign-made item with {share:.1%} China-origin content, {where}"
    china_parts = [c for c in line.bom if c.origin_country == MAINLAND]
    if china_parts:
        names = ", ".join(c.component or c.control_code or "component" for c in china_parts[:4])
        return "cn_content", f"foreign-made item with China-origin components ({names}), {where}"
    if line.origin_country is None and share is None and not line.bom:
        return "origin_unknown", f"{where}; origin and China-origin content not stated"
    origin = f"origin {line.origin_country}" if line.origin_country else "origin not given"
    content = "no China-origin content" if share == 0 else "China-origin content not stated"
    return "outside", f"{where}, {origin}, {content}"

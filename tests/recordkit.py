"""Builders shared by the record, review, list-update and API tests."""

from __future__ import annotations

import json
from pathlib import Path

from dualuse.models.shipment import Shipment

EXPORTER = {"name": "Ningbo Yinzhou Hengyuan Magnetics Co., Ltd.", "country": "CN"}
MAGNETS = {
    "line": 1,
    "description": "Samarium-cobalt magnets Sm2Co17 (钐钴永磁体)",
    "control_code": "1C902.a.4",
    "hs_code": "2846901940",
    "origin_country": "CN",
    "quantity": 10,
    "unit": "kg",
    "value": 3200.0,
    "currency": "USD",
}
# An invented Japanese company on no list: LICENSE_REQUIRED for the magnets.
NEW_JP_NAME = "Hokuriku Precision Optics Co., Ltd."
NEW_JP_ZH = "北陆精密光学株式会社"
# Scores "possible" against the watch-list entry Sun Tectro Co., Ltd.: REVIEW.
POSSIBLE_NAME = "Sun Tectro Japan Co Ltd"
POSSIBLE_ENTRY = "CN-WL:MOFCOM-2026-12:17"


def shipment(shipment_id: str, consignee: str, *, date: str = "2026-11-25", country: str = "JP", end_use: str = "Motors for industrial robots") -> Shipment:
    """A China-origin dual-use shipment (Sm-Co magnets, 1C902.a.4) to ``consignee``."""
    return Shipment.model_validate(
        {
            "id": shipment_id,
            "date": date,
            "exporter": EXPORTER,
            "consignee": {"name": consignee, "country": country},
            "end_user": None,
            "intermediaries": [],
            "destination_country": country,
            "end_use": end_use,
            "lines": [MAGNETS],
        }
    )


def shipment_json(shipment_id: str, consignee: str, **kwargs) -> dict:
    """The same shipment as a JSON object (API and JSON-lines input)."""
    return shipment(shipment_id, consignee, **kwargs).model_dump(mode="json")


def ftm_entity(entity_id: str, names: list[str], *, list_id: str = "CN-ECL", country: str = "jp", program: str = "商务部公告2026年第40号", start: str = "2026-11-20", url: str = "https://www.mofcom.gov.cn/zwgk/zcfb/art/2026/example-40.html", **extra) -> dict:
    """A FollowTheMoney Company entity listed on ``list_id``."""
    properties = {"name": names, "country": [country], "program": [program], "sourceUrl": [url], "startDate": [start]}
    properties.update(extra)
    return {"id": entity_id, "schema": "Company", "datasets": [list_id], "properties": properties}


def write_ftm(path: Path, entities: list[dict | str]) -> Path:
    """Write entities (or raw lines) as JSON lines."""
    lines = [e if isinstance(e, str) else json.dumps(e, ensure_ascii=False) for e in entities]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def new_japanese_entity() -> dict:
    """MOFCOM (hypothetical) Announcement 2026 No. 40 adds a Japanese company to the control list."""
    return ftm_entity("mofcom-2026-40-1", [NEW_JP_NAME, NEW_JP_ZH])

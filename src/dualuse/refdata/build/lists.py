"""Describe each shipped list (``lists.json``)."""

from __future__ import annotations

import datetime as dt

from dualuse.models.reference import LIST_IDS, ListEntry, ListInfo

from .mode import mofcom_data_date
from .sources import CN_LISTS, JP_DEFENSE, JP_KB_DATE, JP_MILITARY, OFFICIAL_LISTINGS, US_MILITARY

_MOFCOM_SOURCE = f"{CN_LISTS.dataset}; {CN_LISTS.upstream}"

LIST_META: dict[str, dict[str, str]] = {
    "CN-ECL": {
        "name_en": "Export control control list",
        "name_zh": "出口管制管控名单",
        "legal_basis": "Export Control Law Art. 18; Regulations on Export Control of Dual-Use Items Arts. 28-30",
        "source": _MOFCOM_SOURCE,
    },
    "CN-WL": {
        "name_en": "Export control watch list",
        "name_zh": "关注名单",
        "legal_basis": "Regulations on Export Control of Dual-Use Items Art. 26",
        "source": _MOFCOM_SOURCE,
    },
    "CN-UEL": {
        "name_en": "Unreliable Entity List",
        "name_zh": "不可靠实体清单",
        "legal_basis": "Provisions on the Unreliable Entity List (MOFCOM Order 2020 No. 4); Foreign Trade Law; National Security Law",
        "source": _MOFCOM_SOURCE,
    },
    "CN-AFSL": {
        "name_en": "Countermeasure list (Anti-Foreign Sanctions Law)",
        "name_zh": "反制清单",
        "legal_basis": "Anti-Foreign Sanctions Law Arts. 3-6, 9, 15",
        "source": f"{_MOFCOM_SOURCE}; MOFCOM and MFA notices recorded in {OFFICIAL_LISTINGS.path}",
    },
    "JP-MIL": {
        "name_en": "Japanese military users (reference)",
        "name_zh": "日本军事用户（参考）",
        "legal_basis": "MOFCOM Announcement 2026 No. 1 (reference list compiled for it; not a legal list)",
        "source": f"{JP_MILITARY.dataset} ({JP_MILITARY.path})",
    },
    "JP-DEF": {
        "name_en": "Japanese defence industry (reference)",
        "name_zh": "日本防务产业（参考）",
        "legal_basis": "MOFCOM Announcement 2026 No. 1, capability-enhancing limb (reference list; not a legal list)",
        "source": f"{JP_DEFENSE.dataset} ({JP_DEFENSE.path})",
    },
    "US-MIL": {
        "name_en": "US military users (reference)",
        "name_zh": "美国军事用户（参考）",
        "legal_basis": "MOFCOM Announcement 2024 No. 46, clause 1 (reference list compiled for it; not a legal list)",
        "source": f"{US_MILITARY.dataset} ({US_MILITARY.path})",
    },
}

# Dates of the reference lists' legal sources (the entries carry the compilation date instead).
_INSTRUMENT_DATES = {
    "MOFCOM Announcement 2026 No. 1": dt.date(2026, 1, 6),
    "MOFCOM Announcement 2024 No. 46": dt.date(2024, 12, 3),
}


def build(entries: list[ListEntry], us_as_of: dt.date) -> list[ListInfo]:
    """One :class:`ListInfo` per list in :data:`LIST_IDS` order."""
    mofcom = mofcom_data_date()
    data_dates = {
        "CN-ECL": mofcom,
        "CN-WL": mofcom,
        "CN-UEL": mofcom,
        "CN-AFSL": mofcom,
        "JP-MIL": JP_KB_DATE,
        "JP-DEF": JP_KB_DATE,
        "US-MIL": us_as_of.isoformat(),
    }
    infos = []
    for list_id in LIST_IDS:
        members = [e for e in entries if e.list == list_id]
        latest_cite, latest_date = None, None
        for e in members:
            day = e.effective or _INSTRUMENT_DATES.get(e.legal_source.citation)
            if day is None:
                continue
            if latest_date is None or (day, e.legal_source.citation) > (latest_date, latest_cite):
                latest_date, latest_cite = day, e.legal_source.citation
        infos.append(
            ListInfo(
                id=list_id,
                data_date=dt.date.fromisoformat(data_dates[list_id]),
                entries=len(members),
                latest_announcement=latest_cite,
                latest_date=latest_date,
                **LIST_META[list_id],
            )
        )
    return infos

"""Registry of the raw sources the converter reads, with origin and licence.

The facts here are copied from each folder's ``SOURCE.txt`` (and
``jp-defense/SOURCES.md``); they end up in ``manifest.json`` and in each
record's ``provenance``. Paths are relative to the source directory
(``../shared/data``) unless ``root`` is ``repo`` (curated files kept in this
repository under ``data-sources/curated``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RawSource:
    """One raw input file."""

    key: str
    path: str
    dataset: str
    upstream: str
    as_of: str
    licence: str
    root: str = "source"  # "source" (../shared/data) or "repo" (this repository)
    retrieved: str = "2026-11-29"
    required: bool = True


CN_LISTS = RawSource(
    key="cn-lists",
    path="raw/mofcom-lists/cn-lists.json",
    dataset="EyeWarnYou snapshot of MOFCOM designations (cn-lists.json)",
    upstream="github.com/OSUGIYAMA/EyeWarnYou data/snapshots/cn-lists.json @ 0980eccba249ecd333a2f072acecb0a36de1e36b",
    as_of="2026-08-05",
    licence="Apache-2.0 compilation (attribution: raw/mofcom-lists/NOTICE.EyeWarnYou.txt); "
    "MOFCOM announcements are not copyrighted (PRC Copyright Law Art. 5)",
)
CN_LISTS_NOTICE = RawSource(
    key="cn-lists-notice",
    path="raw/mofcom-lists/NOTICE.EyeWarnYou.txt",
    dataset="EyeWarnYou NOTICE (attribution text)",
    upstream="github.com/OSUGIYAMA/EyeWarnYou NOTICE @ ccedcaec4c89f6fb19a3e3cdc5f0bcccef3097aa",
    as_of="2026-08-05",
    licence="Apache-2.0",
)
JAPAN_2026 = RawSource(
    key="mofcom-japan-2026",
    path="raw/mofcom-japan-2026/mofcom_japan_entities_2026.csv",
    dataset="Transcription of the 80 Japanese entries of MOFCOM Ann. 2026 Nos. 11, 12, 27, 28",
    upstream="transcribed from github.com/OSUGIYAMA/EyeWarnYou data/snapshots/cn-lists.json @ 0980ecc; "
    "cross-checked against weiqi-kids/agent.cross-border-trade @ d00d628",
    as_of="2026-08-05",
    licence="Apache-2.0 compilation; MOFCOM announcements are not copyrighted (PRC Copyright Law Art. 5)",
)
JP_LISTED_NAMES = RawSource(
    key="jp-listed-names",
    path="jp-defense/listed_entity_names.csv",
    dataset="jp-defense knowledge base: names of the 80 MOFCOM-listed Japanese entities",
    upstream="compiled from public sources listed in jp-defense/SOURCES.md",
    as_of="2026-11-29",
    licence="project compilation (see jp-defense/SOURCES.md); per-row sources in the 'source' column",
)
JP_MILITARY = RawSource(
    key="jp-military-users",
    path="jp-defense/military_users.csv",
    dataset="jp-defense knowledge base: Japanese military users",
    upstream="compiled from public sources listed in jp-defense/SOURCES.md",
    as_of="2026-11-29",
    licence="project compilation (see jp-defense/SOURCES.md); per-row sources in the 'source' column",
)
JP_DEFENSE = RawSource(
    key="jp-defense-industry",
    path="jp-defense/defense_industry.csv",
    dataset="jp-defense knowledge base: Japanese defence-industry companies",
    upstream="compiled from public sources listed in jp-defense/SOURCES.md",
    as_of="2026-11-29",
    licence="project compilation (see jp-defense/SOURCES.md); per-row sources in the 'source' column",
)
CAT_INDEX = RawSource(
    key="catalogue-index",
    path="raw/cn-dual-use-catalogue-2026/catalogue_index_2026.json",
    dataset="2026 dual-use import/export licence catalogue, search index (machine extraction of the PDF)",
    upstream="github.com/chycici/dual-use-export-control-catalog "
    "skills/dual-use-export-control-catalog/data/2026年度两用物项进出口许可证检索索引.json @ 823ecadf0205f5e0cbfa3ba3209feb45ca0c00c2",
    as_of="2025-12-31",
    licence="MIT compilation of an official document (PRC Copyright Law Art. 5)",
)
CAT_KB = RawSource(
    key="catalogue-kb",
    path="raw/cn-dual-use-catalogue-2026/catalogue_kb_2026.json",
    dataset="2026 dual-use import/export licence catalogue, knowledge base with excerpts (machine extraction)",
    upstream="github.com/chycici/dual-use-export-control-catalog "
    "skills/dual-use-export-control-catalog/data/2026年度两用物项进出口许可证统一知识库.json @ 823ecadf0205f5e0cbfa3ba3209feb45ca0c00c2",
    as_of="2025-12-31",
    licence="MIT compilation of an official document (PRC Copyright Law Art. 5)",
)
HS2022 = RawSource(
    key="hs2022",
    path="raw/hs2022/harmonized-system.csv",
    dataset="HS 2022 nomenclature (chapters, headings, 6-digit subheadings; Comtrade short texts)",
    upstream="github.com/datasets/harmonized-system data/harmonized-system.csv @ 905e5a0fa29f5700d62cb3cc1265f21bc8a92329",
    as_of="2022-01-01",
    licence="ODC-PDDL-1.0",
)
US_MILITARY = RawSource(
    key="us-military-users",
    path="data-sources/curated/us_military_users.csv",
    dataset="curated reference list of US military users (MOFCOM Ann. 2024 No. 46)",
    upstream="this repository (curated from the organisations' official websites, see 'source' column)",
    as_of="2026-11-29",
    licence="Apache-2.0 (this project)",
    root="repo",
)
ENTITY_SUPPLEMENTS = RawSource(
    key="entity-supplements",
    path="data-sources/curated/entity_supplements.csv",
    dataset="curated extra name forms and countries for listed non-Japanese entries",
    upstream="this repository (each row cites a public source)",
    as_of="2026-11-29",
    licence="Apache-2.0 (this project)",
    root="repo",
    required=False,
)

CONTROL_ITEMS = RawSource(
    key="control-items",
    path="data-sources/curated/control_items.yaml",
    dataset="curated item announcements, clean item names (zh/en), technical parameters, suspended items (Ann. 2025 Nos. 55-57, 62)",
    upstream="this repository (each announcement and parameter row cites its source; regime.md §3.7, §4.1)",
    as_of="2026-11-29",
    licence="Apache-2.0 (this project)",
    root="repo",
)

KNOWLEDGE = RawSource(
    key="knowledge",
    path="data-sources/curated/knowledge.yaml",
    dataset="curated knowledge horizon, official instruments (numbers, URLs) and notes that are not instruments",
    upstream="this repository (each instrument and note cites its source; regime.md, updates-2026-08-to-10.md)",
    as_of="2026-12-07",
    licence="Apache-2.0 (this project)",
    root="repo",
)
OFFICIAL_LISTINGS = RawSource(
    key="official-listings",
    path="data-sources/curated/official_listings.yaml",
    dataset="curated list entries recorded from official notices the MOFCOM snapshot lacks (MFA countermeasures, Order 2025 No. 5)",
    upstream="this repository (each entry cites its instrument's official URL)",
    as_of="2026-12-07",
    licence="Apache-2.0 (this project); official notices are not copyrighted (PRC Copyright Law Art. 5)",
    root="repo",
    required=False,
)
CONTROL_ENGLISH = RawSource(
    key="control-list-english",
    path="raw/control-list-english/control_codes_en.jsonl",
    dataset="English reference text per control code: US Commerce Control List (15 CFR 774 Supp. 1) text under the same number, "
    "with the CCL paragraph it came from and its correspondence (same-code / doubtful)",
    upstream="github.com/IAPS-AI/commoditybench data/ccl/ccl_supp1.xml @ 5b938676c33f3a732d549503a4607af91b9621a7 "
    "(eCFR about 2026-06-24), parsed by raw/control-list-english/build.py",
    as_of="2026-06-24",
    licence="public domain (work of the US federal government, 17 U.S.C. 105); repository MIT. "
    "A retrieval aid only: not the Chinese legal text",
    retrieved="2026-12-07",
)

RIGOUR_ORG_TYPES = RawSource(
    key="rigour-org-types",
    path="raw/rigour-org-types/org_types.yml",
    dataset="rigour organisation types (legal forms, ISO 20275 based)",
    upstream="github.com/opensanctions/rigour resources/names/org_types.yml @ 8f4044dd6719d71e8ba59b5033818ff407e0efab",
    as_of="2026-07-19",
    licence="MIT (Copyright (c) 2023-2025 OpenSanctions Datenbanken GmbH)",
)

ALL_SOURCES: tuple[RawSource, ...] = (
    CN_LISTS,
    CN_LISTS_NOTICE,
    JAPAN_2026,
    JP_LISTED_NAMES,
    JP_MILITARY,
    JP_DEFENSE,
    CAT_INDEX,
    CAT_KB,
    HS2022,
    US_MILITARY,
    ENTITY_SUPPLEMENTS,
    CONTROL_ITEMS,
    KNOWLEDGE,
    OFFICIAL_LISTINGS,
    RIGOUR_ORG_TYPES,
    CONTROL_ENGLISH,
)

# Dates used across modules.
MOFCOM_DATA_DATE = "2026-08-05"
JP_KB_DATE = "2026-11-29"

"""Convert the 2026 dual-use licence catalogue into :class:`ControlEntry` records.

Inputs (same 906 records in the same order; export 754, import 152):

* ``catalogue_index_2026.json``: code, product name, keywords, HS codes.
* ``catalogue_kb_2026.json``: the same plus the catalogue's own text
  (``目录原文摘要``) for each record.

The extraction is noisy, so every record is checked and nothing is dropped
silently (see :class:`CatalogueResult` and ``catalogue_quality.md``):

* codes are normalised (full-width, stops, spaces, case); records whose
  code does not parse are reported as garbage and not emitted;
* the product name is checked against the record's own excerpt. A name
  found only in a neighbour's excerpt is *misaligned*; a name found in no
  excerpt and not close to its own is *unverified*; names that are
  obviously fragments are flagged. All of these get ``name_trusted=False``
  and ``name_zh=None`` (``name_zh_raw`` keeps the text);
* each HS code is looked up in the record's own excerpt; one found only in
  a neighbour's excerpt is flagged ``hs_on_neighbour`` (kept);
* duplicated 序号 are flagged; records with the same (direction, code) are
  merged.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from dualuse.models.reference import ControlEntry, LegalSource

from . import catalogue_hs, curated_items
from . import hs as hs_nomenclature
from .common import BuildError, natural_key, read_json, squeeze
from .sources import CAT_INDEX, CAT_KB

CODE_RE = re.compile(r"^\d[A-E]\d{3}(\.[a-z0-9]+)*$")
HS_RE = re.compile(r"^\d{10}$")
DIRECTIONS = {"出口": "export", "进口": "import"}
EXPECTED = {"export": 754, "import": 152}

PUBLISHED = dt.date(2025, 12, 31)
EFFECTIVE = dt.date(2026, 1, 1)
CATALOGUE_URL = "https://www.mofcom.gov.cn/zfxxgk/gkml/art/2025/art_14af6ed6ec0f43c8800f391a97b3f324.html"
LEGAL_SOURCE_NOTE = (
    "The announcement number (MOFCOM/GAC Announcement 2025 No. 91) comes from a single unattributed public source "
    "(regime.md §4.2); another MOFCOM page for the catalogue is "
    "https://www.mofcom.gov.cn/zcfb/zc/art/2025/art_1581bc90caa74fb097052505eb4dd040.html."
)


def catalogue_source() -> LegalSource:
    """Legal source of the 2026 licence catalogue."""
    return LegalSource(
        issuer="MOFCOM/GAC",
        kind="announcement",
        year=2025,
        number=91,
        title_zh="商务部 海关总署公告2025年第91号",
        citation="MOFCOM/GAC Announcement 2025 No. 91",
        articles=[],
        url=CATALOGUE_URL,
    )


def normalise_code(raw: str | None) -> str | None:
    """Normalise a control code or return ``None`` if it does not parse.

    ``'1c902 a 1'`` -> ``'1C902.a.1'``; ``'１Ｃ９０２．ａ'`` -> ``'1C902.a'``.
    """
    if raw is None:
        return None
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    text = text.replace("。", ".").replace("｡", ".")
    text = re.sub(r"\s+", ".", text)
    text = re.sub(r"\.{2,}", ".", text).strip(".")
    m = re.match(r"^(\d)([A-Ea-e])(\d{3})((?:\.[A-Za-z0-9]+)*)$", text)
    if not m:
        return None
    code = f"{m[1]}{m[2].upper()}{m[3]}{m[4].lower()}"
    return code if CODE_RE.match(code) else None


# ---------------------------------------------------------------------------
# name checks

_BAD_START = tuple("的和及或与于项所并而其以亦但则即如若凡从将把被向至且除个")
# characters that end words (料, 素, 器 ...) and so rarely open an item name
_WORD_END_START = tuple("料素毒病基度炎物进节性秒挥动真工设备置统体品部也接码炸")
_BAD_START_WORDS = ("说明", "注：", "注:", "注意", "技术说明", "非", "能够", "本清单", "实施", "管制", "事项", "有表面")
# purpose/characteristic openings that are fine when the phrase ends in an item noun
_SOFT_START_WORDS = ("具有以下", "用于", "为")
_ITEM_NOUN_END = tuple("炉设备机器统置件料材剂仪阀泵罐槽塔具软技术物品器械组源施管头")
_BAD_END = tuple("的和及或与、，,：:（(为以对于被在由其之所并基设装系形相大合生参驶发")
_BRACKETS = (("（", "）"), ("(", ")"), ("“", "”"), ("《", "》"), ("[", "]"))
_LOCANT = re.compile(r"^\d+(?:[,，]\d+)*[-－—]")
_CN_ENUM = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")


_BRACKETED = re.compile(r"[（(][^（）()]*[）)]")
_PAIRS = {"）": "（", ")": "(", "”": "“", "》": "《", "]": "["}


def _balanced(text: str) -> bool:
    """Brackets and curly quotes open before they close and all close."""
    stack: list[str] = []
    for ch in text:
        if ch in _PAIRS.values():
            stack.append(ch)
        elif ch in _PAIRS:
            if not stack or stack.pop() != _PAIRS[ch]:
                return False
    return not stack


def fragment_reasons(name: str) -> list[str]:
    """Why ``name`` looks like a fragment of the PDF text rather than an item name.

    Chemical names may start with a locant (``2-氯乙醇``); names may open
    with a balanced quotation (``“数控”单元``) or a purpose phrase ending in
    an item noun (``用于……的化学气相沉积炉``).
    """
    s = squeeze(name)
    reasons: list[str] = []
    if len(s) < 2:
        return ["too_short"]
    han = [c for c in s if "\u4e00" <= c <= "\u9fff"]
    locant = _LOCANT.match(s)
    if locant and len(s) - locant.end() < 2:
        reasons.append("too_short")
    first = s[0]
    opens_balanced = first in "“《（(" and all(s.count(a) == s.count(b) for a, b in _BRACKETS)
    if _CN_ENUM.match(s):
        reasons.append("section_heading")
    elif re.fullmatch(r"[\d\-－]+", s):
        reasons.append("cas_or_number_only")
    elif not locant and not opens_balanced and (first.isdigit() or unicodedata.category(first)[0] in "PS"):
        reasons.append("starts_with_punctuation_or_digit")
    if re.match(r"^[a-z][.．]", s):
        reasons.append("starts_with_enumerator")
    if s.startswith(_BAD_START) or s.startswith(_BAD_START_WORDS):
        reasons.append("starts_mid_phrase")
    elif s.startswith(_SOFT_START_WORDS) and not s.endswith(_ITEM_NOUN_END):
        reasons.append("starts_mid_phrase")
    if s.endswith(_BAD_END) or s.endswith("专用"):
        reasons.append("ends_mid_phrase")
    if re.match(r"^[a-z]{2,}", s):
        reasons.append("starts_mid_phrase")
    # squeeze() applies NFKC, so full-width ，； arrive as , ;
    if "。" in s[:-1] or ";" in s or "," in s:
        reasons.append("several_cells_or_clauses")
    half = len(s) // 2
    if len(s) >= 4 and len(s) % 2 == 0 and s[:half] == s[half:]:
        reasons.append("duplicated_text")
    if "千克" in s or re.search(r"(?<!千)克$", s) or "台/" in s or s.startswith(("台备", "台设备", "台子", "套/")):
        reasons.append("unit_column_text")
    if re.search(r"\d{8,}", s):
        reasons.append("contains_customs_number")
    if re.match(r"^\d[A-Ea-e]\d{3}", s):
        reasons.append("code_not_name")
    elif not han and re.search(r"[A-Za-z]", s):
        reasons.append("latin_only")
    if not _balanced(s):
        reasons.append("unbalanced_brackets")
    if s.startswith(_WORD_END_START):
        reasons.append("starts_with_word_ending")
    if s.startswith("包括") or s.count("、") >= 2 or (s.endswith("等") and "、" in s):
        reasons.append("list_fragment")
    if han and re.search(r"[A-Za-z]{3,}$", s):
        reasons.append("trailing_latin_fragment")
    if re.fullmatch(r"“[^”]*”", s):
        reasons.append("quoted_term_only")
    unbracketed = _BRACKETED.sub("", s)
    if re.search(r"\d\s*(?:nm|µm|μm|mm|kW|MW|W|MPa|kV|℃|°C|kg|g/h|帧|Hz)", unbracketed):
        reasons.append("parameter_text")
    if han and re.search(r".(?:\d+|[a-z])[.．](?!\d)", s):
        reasons.append("contains_enumeration")
    if "：" in s or ":" in s:
        reasons.append("contains_colon")
    if re.search(r"大于|小于|等于|超过|低于|高于", s):
        reasons.append("parameter_text")
    return list(dict.fromkeys(reasons))


def _bigrams(text: str) -> set[str]:
    t = "".join(ch for ch in text if ch.isalnum())
    return {t[i : i + 2] for i in range(len(t) - 1)}


def coverage(name: str, excerpt: str) -> float:
    """Share of the name's character bigrams that occur in ``excerpt``."""
    grams = _bigrams(squeeze(name))
    if not grams:
        return 0.0
    return len(grams & _bigrams(squeeze(excerpt))) / len(grams)


# ---------------------------------------------------------------------------


@dataclass
class Record:
    """One source record with its checks."""

    pos: int
    direction: str
    seq: int | None
    raw_code: str | None
    code: str | None
    name_raw: str
    index_name: str
    excerpt: str
    hs_codes: list[str]
    keywords: list[str]
    licence: str | None
    name_status: str = ""  # verbatim | paraphrase | misaligned | unverified | empty
    neighbour: str | None = None
    fragments: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.direction} 序号 {self.seq} ({self.raw_code})"

    @property
    def trusted(self) -> bool:
        return self.name_status in ("verbatim", "paraphrase") and not self.fragments


@dataclass
class CatalogueResult:
    """Entries plus everything the data-quality report needs."""

    entries: list[ControlEntry]
    records: list[Record]
    read: Counter
    garbage: list[Record]
    no_code: list[Record]
    merged: list[tuple[str, str, list[int]]]
    duplicate_seqs: dict[str, dict[int, int]]
    hs_moves: list[catalogue_hs.HsMove] = field(default_factory=list)
    curated: curated_items.CuratedItems | None = None
    added: list[ControlEntry] = field(default_factory=list)


def _neighbours(records: list[Record], i: int) -> list[Record]:
    out = []
    for j in (i - 1, i + 1):
        if 0 <= j < len(records) and records[j].direction == records[i].direction:
            out.append(records[j])
    return out


def _runs_on(name: str, excerpt: str) -> bool:
    """True if every occurrence of ``name`` in the raw excerpt is followed directly by more Chinese text.

    ``遥控机`` in ``遥控机械手`` or ``陀螺稳定平`` in ``陀螺稳定平台`` are cut-off names.
    """
    ends = [m.end() for m in re.finditer(re.escape(name), excerpt)]
    return bool(ends) and all(e < len(excerpt) and "\u4e00" <= excerpt[e] <= "\u9fff" for e in ends)


def _check_name(rec: Record, neighbours: list[Record]) -> None:
    name = squeeze(rec.name_raw)
    own = squeeze(rec.excerpt)
    if not name:
        rec.name_status = "empty"
        rec.flags.append("name_empty")
        return
    core = squeeze(_BRACKETED.sub("", rec.name_raw))
    if name in own:
        rec.name_status = "verbatim"
    else:
        hit = next((nb for nb in neighbours if name in squeeze(nb.excerpt)), None)
        if hit is not None:
            rec.name_status = "misaligned"
            rec.neighbour = hit.label
            rec.flags.append(f"name_misaligned: found only in the excerpt of {hit.label}")
        elif len(core) >= 2 and core != name and core in own:
            rec.name_status = "paraphrase"
            rec.flags.append(f"name_not_verbatim: without its bracketed qualifier ({core}) it occurs in its own excerpt")
        else:
            own_cov = coverage(rec.name_raw, rec.excerpt)
            nb_cov = max((coverage(rec.name_raw, nb.excerpt) for nb in neighbours), default=0.0)
            if own_cov >= 0.6 and own_cov >= nb_cov:
                rec.name_status = "paraphrase"
                rec.flags.append(f"name_not_verbatim: {own_cov:.0%} of its character pairs occur in its own excerpt")
            else:
                rec.name_status = "unverified"
                rec.flags.append(f"name_unverified: not in its own excerpt ({own_cov:.0%} of character pairs)")
    rec.fragments = fragment_reasons(rec.name_raw)
    if rec.name_status == "verbatim" and _runs_on(rec.name_raw, rec.excerpt):
        rec.fragments.append("runs_on_in_excerpt")
    if rec.fragments:
        rec.flags.append("name_fragment: " + ", ".join(rec.fragments))
    if rec.index_name and squeeze(rec.index_name) != name:
        where = "own excerpt" if squeeze(rec.index_name) in own else (
            "a neighbour's excerpt" if any(squeeze(rec.index_name) in squeeze(nb.excerpt) for nb in neighbours) else "no excerpt"
        )
        rec.flags.append(f"index_name_differs: index file has {rec.index_name!r} (found in {where})")


def _check_hs(rec: Record, neighbours: list[Record]) -> None:
    own = squeeze(rec.excerpt)
    for hs in rec.hs_codes:
        if not HS_RE.match(hs):
            rec.flags.append(f"hs_invalid: {hs!r}")
            continue
        if hs in own:
            continue
        hit = next((nb for nb in neighbours if hs in squeeze(nb.excerpt)), None)
        if hit is not None:
            rec.flags.append(f"hs_on_neighbour: {hs} found only in the excerpt of {hit.label}")
        else:
            rec.flags.append(f"hs_not_in_excerpt: {hs}")


def _load(source_dir: Path) -> list[Record]:
    index = read_json(source_dir / CAT_INDEX.path)
    kb = read_json(source_dir / CAT_KB.path)
    kb_records = kb.get("records") if isinstance(kb, dict) else None
    if not isinstance(index, list) or not isinstance(kb_records, list):
        raise BuildError("catalogue: unexpected file structure")
    if len(index) != len(kb_records):
        raise BuildError(f"catalogue: index has {len(index)} records, knowledge base {len(kb_records)}")
    records = []
    for pos, (a, b) in enumerate(zip(index, kb_records)):
        for key in ("目录类型", "序号", "管制编码", "参考HS编码", "监管条件"):
            if a.get(key) != b.get(key):
                raise BuildError(f"catalogue record {pos}: {key} differs between index ({a.get(key)!r}) and kb ({b.get(key)!r})")
        direction = DIRECTIONS.get(a.get("目录类型"))
        if direction is None:
            raise BuildError(f"catalogue record {pos}: unknown 目录类型 {a.get('目录类型')!r}")
        keywords: list[str] = []
        for kw in list(b.get("检索关键词") or []) + list(a.get("行业叫法") or []):
            kw = str(kw).strip()
            if kw and kw not in keywords:
                keywords.append(kw)
        records.append(
            Record(
                pos=pos,
                direction=direction,
                seq=a.get("序号"),
                raw_code=a.get("管制编码"),
                code=normalise_code(a.get("管制编码")),
                name_raw=str(b.get("推荐产品名称") or "").strip(),
                index_name=str(a.get("推荐产品名称") or "").strip(),
                excerpt=str(b.get("目录原文摘要") or "").strip(),
                hs_codes=[str(h).strip() for h in b.get("参考HS编码") or []],
                keywords=keywords,
                licence=(b.get("监管条件") or None),
            )
        )
    counts = Counter(r.direction for r in records)
    if dict(counts) != EXPECTED:
        raise BuildError(f"catalogue: record counts {dict(counts)} differ from the documented {EXPECTED}")
    stats = (kb.get("统计") or {}) if isinstance(kb, dict) else {}
    if stats and (stats.get("出口条目数"), stats.get("进口条目数")) != (EXPECTED["export"], EXPECTED["import"]):
        raise BuildError(f"catalogue: kb 统计 {stats} disagree with the records")
    return records


def convert(source_dir: Path, curated_dir: Path | None = None) -> CatalogueResult:
    """Check every record and return the control entries plus the findings.

    Args:
        source_dir: ``../shared/data``.
        curated_dir: ``data-sources/curated``; when given, ``control_items.yaml``
            adds the item announcements, clean names, parameters and the
            suspended entries outside the catalogue (see :mod:`.curated_items`).
    """
    records = _load(source_dir)
    seq_counts: dict[str, Counter] = {"export": Counter(), "import": Counter()}
    for rec in records:
        seq_counts[rec.direction][rec.seq] += 1
    for i, rec in enumerate(records):
        nbs = _neighbours(records, i)
        _check_name(rec, nbs)
        _check_hs(rec, nbs)
        if seq_counts[rec.direction][rec.seq] > 1:
            rec.flags.append(f"duplicate_seq: 序号 {rec.seq} occurs {seq_counts[rec.direction][rec.seq]} times in the {rec.direction} part")
    own = catalogue_hs.own_texts(records)
    hs_map = hs_nomenclature.convert(source_dir)
    hs_moves = catalogue_hs.reconcile(records, describe=lambda sub: hs_map.get(sub, ""))
    garbage = [r for r in records if r.code is None and r.raw_code is not None]
    no_code = [r for r in records if r.raw_code is None]

    groups: dict[tuple[str, str], list[Record]] = {}
    for rec in records:
        if rec.code is not None:
            groups.setdefault((rec.direction, rec.code), []).append(rec)
    entries: list[ControlEntry] = []
    merged: list[tuple[str, str, list[int]]] = []
    for (direction, code), group in groups.items():
        first = group[0]
        trusted = next((r for r in group if r.trusted), None)
        flags: list[str] = []
        for r in group:
            for f in r.flags:
                if f not in flags:
                    flags.append(f)
        if len(group) > 1:
            merged.append((direction, code, [r.seq for r in group]))
            flags.append("merged: records 序号 " + ", ".join(str(r.seq) for r in group))
        if first.raw_code != code:
            flags.append(f"code_normalised: {first.raw_code!r}")
        hs = sorted({h for r in group for h in r.hs_codes if HS_RE.match(h)})
        keywords: list[str] = []
        for r in group:
            keywords.extend(k for k in r.keywords if k not in keywords)
        entries.append(
            ControlEntry(
                code=code,
                direction=direction,
                name_zh=trusted.name_raw if trusted else None,
                name_zh_raw=(trusted or first).name_raw or None,
                name_trusted=trusted is not None,
                hs_codes=hs,
                excerpt="\n".join(r.excerpt for r in group if r.excerpt) or None,
                keywords=keywords,
                licence_condition=first.licence,
                catalogue_seq=first.seq,
                legal_source=catalogue_source(),
                published=PUBLISHED,
                effective=EFFECTIVE,
                quality_flags=flags,
            )
        )
    curated = None
    added: list[ControlEntry] = []
    if curated_dir is not None:
        curated = curated_items.load(curated_dir)
        before = {e.code for e in entries}
        entries = curated_items.apply(curated, entries)
        added = [e for e in entries if e.code not in before]
    own_by_code: dict[str, str] = {}
    for rec in records:
        if rec.code is not None and rec.direction == "export":
            own_by_code[rec.code] = (own_by_code.get(rec.code, "") + " " + own.get(rec.pos, "")).strip()
    _extract_parameters(entries, own_by_code)
    entries.sort(key=lambda e: (e.direction != "export", natural_key(e.code)))
    dup = {
        d: {s: n for s, n in sorted(c.items(), key=lambda kv: (kv[0] is None, kv[0] or 0)) if n > 1}
        for d, c in seq_counts.items()
    }
    return CatalogueResult(
        entries=entries,
        records=records,
        read=Counter(r.direction for r in records),
        garbage=garbage,
        no_code=no_code,
        merged=merged,
        duplicate_seqs=dup,
        hs_moves=hs_moves,
        curated=curated,
        added=added,
    )


def _extract_parameters(entries: list[ControlEntry], own_text: dict[str, str]) -> None:
    """Parse thresholds from the entry's own catalogue text (cut before the next row) when no curated parameters exist."""
    from dualuse.classification.parameters import extract_thresholds

    for entry in entries:
        text = own_text.get(entry.code)
        if entry.parameters or not entry.in_catalogue or not text:
            continue
        found = extract_thresholds(text)
        if found:
            entry.parameters = [p.model_copy(update={"citation": "2026 catalogue text (extracted)"}) for p in found]
            entry.quality_flags.append("parameters_extracted: " + ", ".join(f"{p.name} {p.op} {p.value}" for p in found))

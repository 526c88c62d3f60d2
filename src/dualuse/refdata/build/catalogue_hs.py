"""Reconcile reference HS codes that the PDF extraction put on the wrong row.

The catalogue is a table (code | name | description | HS codes | unit). The
machine extraction often attributes the *first line* of a row to the row
above: the next item's description starts (``a．氟化氢（CAS 7664-39-3）…``)
and its first HS code follows, all inside the previous record's excerpt. An
HS code is moved from record R to the next record N (same part of the
catalogue, N of type A, B or C: software and technology have no HS codes)
when the excerpt shows it sits on N's first line:

* ``after_next_marker``: the code comes after the opening of N's text in R's
  excerpt: N's own enumerator (``a．`` for 1C350.a, ``17．`` for
  1C450.c.17), the enumerator just before the one N's excerpt opens with
  (N opens with ``b．``: ``a．`` belongs to N too), or a category heading
  (``3C 材料``);
* ``before_next_marker``: the code is followed only by a unit cell
  (``千克``, ``台`` …) and then N's enumerator;
* ``next_name``: the code is directly preceded by a word of three or more
  Chinese characters that occurs in N's excerpt and not in R's name
  (``氧化镝及其混 2846901500`` on the row of 1C905.a.4, whose next row is
  ``b．氧化镝及其混合物``);
* ``same_subheading`` / ``same_chapter``: the code is the last code in R's
  excerpt, is not preceded by R's own name, and shares its 6-digit
  subheading with a code of N but not even its heading with R's other codes
  (or shares its chapter with N and nothing at all with R's other codes,
  R keeping a code of its own that N does not share).

The first three are vetoed when the customs numbering contradicts them: a
move that would leave R without any code for a code sharing nothing with N's,
or a move of a code of R's own subheading family (6 common digits with
another code of R) to a row with nothing of its chapter. A code N already carries is left alone. Every move is recorded and
reported (``hs_moved_to_next_row`` / ``hs_moved_from_previous_row`` flags and
the data-quality report); nothing else about a record changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

HS_TOKEN = re.compile(r"(?<!\d)\d{10}(?!\d)")
HEADING = re.compile(r"(?<![0-9A-Za-z])\d[A-E]\s*(?:材料|软件|技术|系统|设备|测试)")
UNIT_CELL = re.compile(r"^[\s千克台个套件架只米吨升/或万贝百]*$")
CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class HsMove:
    """One HS code moved from a record to the next."""

    hs: str
    from_code: str
    to_code: str
    from_seq: int | None
    to_seq: int | None
    rule: str


def common_prefix(a: str, b: str) -> int:
    """Length of the common leading digits of two HS codes."""
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def affinity(hs: str, others: list[str]) -> int:
    """Longest common prefix of ``hs`` with any of ``others`` (0 when none)."""
    return max((common_prefix(hs, o) for o in others if o != hs), default=0)


def _enumerators(code: str, next_excerpt: str) -> list[str]:
    """Enumerator tokens that open the next record's text: its own last part and the predecessor of its first one."""
    out = []
    parts = code.split(".")
    if len(parts) > 1:
        out.append(parts[-1])
    head = next_excerpt.strip()[:12]
    m = re.match(r"^\s*([a-z]|\d{1,2})[．.](?!\d)", head)
    if m and m.group(1) not in parts[1:]:
        tok = m.group(1)
        if tok.isdigit() and int(tok) > 1:
            out.append(str(int(tok) - 1))
        elif tok.isalpha() and tok > "a":
            out.append(chr(ord(tok) - 1))
    return out


def _marker_positions(excerpt: str, enumerators: list[str]) -> list[int]:
    found = [m.start() for m in HEADING.finditer(excerpt)]
    for tok in enumerators:
        hits = [m.start() for m in re.finditer(r"(?<![0-9A-Za-z.．])" + re.escape(tok) + r"[．.](?![0-9])", excerpt)]
        if hits:
            found.append(hits[-1])
    return found


def _token_before(excerpt: str, pos: int) -> str:
    words = excerpt[:pos].split()
    return words[-1] if words else ""


def own_texts(records: list) -> dict[int, str]:
    """Each record's excerpt cut where the next record's text starts (see the module docstring).

    Returns:
        ``{record position: own text}`` for records with a parsed code.
    """
    out: dict[int, str] = {}
    for i, rec in enumerate(records):
        if rec.code is None:
            continue
        text = rec.excerpt
        if i + 1 < len(records) and records[i + 1].code is not None and records[i + 1].direction == rec.direction:
            markers = _marker_positions(text, _enumerators(records[i + 1].code, records[i + 1].excerpt))
            if markers:
                text = text[: min(markers)]
        out[rec.pos] = text
    return out


def _element_table() -> tuple[dict[str, str], dict[str, str]]:
    from dualuse.classification.terminology import _concepts

    zh, en = {}, {}
    for c in _concepts():
        if c.element:
            zh[c.zh[0]] = c.en[0]
            en[c.en[0]] = c.en[0]
    return zh, en


def elements_zh(text: str) -> set[str]:
    """Chemical elements named in Chinese text (English names)."""
    zh, _ = _element_table()
    return {zh[ch] for ch in text if ch in zh and ch != "金"}


def elements_en(text: str) -> set[str]:
    """Chemical elements named in English text (``germanium oxides`` -> {germanium})."""
    _, en = _element_table()
    words = set(re.findall(r"[a-z]+", text.casefold()))
    return {e for e in en if e in words}


def reconcile(records: list, describe=None) -> list[HsMove]:
    """Move HS codes to the next record where the excerpt shows they belong there.

    Args:
        records: :class:`~dualuse.refdata.build.catalogue.Record` objects in
            source order; ``hs_codes`` and ``flags`` are updated in place.
        describe: ``6-digit HS -> HS 2022 description``; when given, a move by
            customs numbering alone is vetoed if the description names a
            chemical element of R's text and none of N's (``2825.60
            germanium oxides and zirconium dioxide`` stays on the zirconium row).

    Returns:
        The moves made, in source order.
    """
    moves: list[HsMove] = []
    own_text = own_texts(records)
    for i in range(len(records) - 1):
        rec, nxt = records[i], records[i + 1]
        if rec.code is None or nxt.code is None or rec.direction != nxt.direction or nxt.code[1] not in "ABC":
            continue
        excerpt = rec.excerpt
        positions = {m.group(): m.start() for m in reversed(list(HS_TOKEN.finditer(excerpt)))}
        own = [h for h in rec.hs_codes if h in positions]
        if not own:
            continue
        markers = _marker_positions(excerpt, _enumerators(nxt.code, nxt.excerpt))
        start = min(markers) if markers else None
        moved: dict[str, str] = {}
        name = rec.name_raw.strip()
        own_enum = rec.code.split(".")[-1] if "." in rec.code else None

        def is_own(word: str) -> bool:
            if name and ((len(word) >= 2 and word in name) or (len(name) >= 2 and name in word)):
                return True
            return bool(own_enum and re.match(re.escape(own_enum) + r"[．.]", word))

        # 1. where the code sits relative to the next row's opening
        candidates: dict[str, str] = {}
        for h in own:
            if h in nxt.hs_codes:
                continue
            pos = positions[h]
            between = excerpt[pos + 10 : start] if start is not None and pos < start else ""
            word = _token_before(excerpt, pos)
            if start is not None and pos > start:
                candidates[h] = "after_next_marker"
            elif between.strip() and UNIT_CELL.match(between):
                candidates[h] = "before_next_marker"
            elif len(CJK.findall(word)) >= 3 and word in nxt.excerpt and not is_own(word):
                candidates[h] = "next_name"
        # 2. the customs numbering must not contradict it: no move that leaves R without a
        #    code for one unrelated to N, nor of a code of R's own subheading family to a row
        #    with nothing of its chapter
        rest = [o for o in rec.hs_codes if o not in candidates]
        for h, rule in candidates.items():
            to_next, to_rest = affinity(h, nxt.hs_codes), affinity(h, rest)
            if (not rest and to_next == 0) or (to_next < 2 and to_rest >= 6):
                continue
            moved[h] = rule
        # the last remaining code in the excerpt, by customs numbering
        remaining = sorted((positions[h], h) for h in own if h not in moved and h not in nxt.hs_codes)
        if remaining:
            pos, h = remaining[-1]
            later = [p for p, o in sorted((positions[o], o) for o in own) if p > pos and o not in moved]
            rest = [o for o in rec.hs_codes if o != h and o not in moved]
            word = _token_before(excerpt, pos)
            to_next, to_rest = affinity(h, nxt.hs_codes), affinity(h, rest)
            named = elements_en(describe(h[:6])) if describe else set()
            names_r = named & elements_zh(own_text.get(rec.pos, excerpt))
            names_n = named & elements_zh(nxt.excerpt)
            if names_r and not names_n:
                continue  # the HS description names an element of R's item and none of N's
            if not later and not is_own(word):
                if to_next >= 6 and to_rest < 4:
                    moved[h] = "same_subheading"
                elif to_next >= 2 and to_rest == 0 and any(o not in nxt.hs_codes for o in rest):
                    moved[h] = "same_chapter"
        for h, rule in moved.items():
            rec.hs_codes = [o for o in rec.hs_codes if o != h]
            nxt.hs_codes = [*nxt.hs_codes, h]
            rec.flags.append(f"hs_moved_to_next_row: {h} -> {nxt.code} ({rule})")
            nxt.flags.append(f"hs_moved_from_previous_row: {h} <- {rec.code} ({rule})")
            moves.append(HsMove(h, rec.code, nxt.code, rec.seq, nxt.seq, rule))
    return moves

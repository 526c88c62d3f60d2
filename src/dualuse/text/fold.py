"""Per-character folding of Han characters across scripts.

Traditional Chinese, Japanese *shinjitai* and simplified Chinese write many
of the same words with different characters: 衛/衞 (trad.), 衛 (JP) and 卫
(simp.); 艦 / 舰; 総 (JP) / 總 (trad.) / 总 (simp.).  For matching a
vocabulary written in one script against text in another, both sides are
folded to one canonical form: **simplified Chinese**.

The fold is

* **per character and length-preserving** – ``len(fold_cjk(s)) == len(s)``,
  so an offset in folded text is the same offset in the input (callers that
  report spans in the original text rely on this);
* **context-free** – one character always folds to the same character.  That
  is deliberately coarser than a real converter (乾 folds to 干 even where
  simplified Chinese keeps 乾; 欠 folds to 缺 because Japanese uses 欠 for
  缺).  Both sides of a comparison are folded the same way, so the coarseness
  only merges, it never splits;
* **idempotent** – ``fold_cjk(fold_cjk(s)) == fold_cjk(s)``.

How a character ``c`` is mapped (table built once, lazily, from OpenCC):

1. if OpenCC ``t2s`` changes ``c``, ``c`` is a traditional form: use ``t2s(c)``;
2. else, if ``c`` is itself the simplified form of some traditional character
   (e.g. 沪 from 滬), it is already canonical: keep it (this stops Japanese
   readings hijacking simplified characters – ``jp2t`` turns 沪 into 濾);
3. else ``c`` may be a Japanese shinjitai: use ``t2s(jp2t(c))``
   (気→氣→气, 総→總→总, 県→縣→县, 駅→驛→驿);
4. then apply :data:`FIXES` – characters OpenCC leaves in a traditional or
   variant form (衞→卫, 闘/鬭→斗, 擧→举 …); a fix target is canonical, so
   ``jp2t`` detours such as 翻→飜, 研→硏 are dropped;
5. then follow the mapping to a fixed point, so the fold is idempotent.

Only single-character results are used; everything outside the Han blocks
(kana, Latin, digits, punctuation) passes through unchanged.  Compatibility
ideographs (U+F900–U+FAFF) are first mapped to their unified ideograph with
NFKC.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

__all__ = ["FIXES", "HAN_RANGES", "cjk_fold_table", "fold_char", "fold_cjk", "is_han"]

#: Code-point ranges (half-open) treated as Han ideographs.
HAN_RANGES: tuple[tuple[int, int], ...] = (
    (0x3400, 0x4DC0),    # CJK Extension A
    (0x4E00, 0xA000),    # CJK Unified Ideographs
    (0xF900, 0xFB00),    # CJK Compatibility Ideographs (via NFKC)
    (0x20000, 0x2A6E0),  # Extension B
    (0x2A700, 0x2EBF0),  # Extensions C–F
    (0x30000, 0x31350),  # Extension G
)

#: Corrections for characters OpenCC (``jp2t`` + ``t2s``) leaves in a
#: traditional or variant form.  Keys are the form OpenCC produces (or the
#: input character), values the simplified form.  Each entry is checked by
#: ``tests/test_text_fold.py``.
FIXES: dict[str, str] = {
    "衞": "卫",  # 衛 (JP/trad.) goes to 衞 via jp2t; t2s does not know 衞
    "鬭": "斗",  # 闘 (JP) → jp2t 鬭; t2s leaves it
    "鬪": "斗",
    "鬥": "斗",
    "闘": "斗",
    "槪": "概",  # 概 (JP) → jp2t 槪
    "擧": "举",  # 挙 (JP) → jp2t 擧
    "鄕": "乡",  # 郷 (JP) → jp2t 鄕
    "硏": "研",  # 研 (JP) → jp2t 硏
    "鑛": "矿",  # 鉱 (JP) → jp2t 鑛
    "澁": "涩",  # 渋 (JP) → jp2t 澁
    "緖": "绪",  # 緒 (JP) → jp2t 緖
    "敍": "叙",  # 叙 (JP) → jp2t 敍
    "愼": "慎",  # 慎 (JP) → jp2t 愼
    "甁": "瓶",  # 瓶 (JP) → jp2t 甁
    "倂": "并",  # 併 (JP) → jp2t 倂
    "竝": "并",  # 並 (JP) → jp2t 竝
    "襃": "褒",  # 褒 (JP) → jp2t 襃
    "飜": "翻",  # 翻 (JP) → jp2t 飜
    "郞": "郎",  # 郎 (JP) → jp2t 郞
    "卽": "即",
    "旣": "既",
    "黃": "黄",
    "戯": "戏",  # 戯 (JP) would otherwise stay (s2t treats it as a variant)
    "戱": "戏",
    "晄": "晃",  # jp2t turns the standard 晃 into the variant 晄
    "萠": "萌",  # likewise 萌 → 萠
    "予": "予",  # keep: 予 is standard simplified (给予); its Japanese sense is 预 (予定=预定), not 豫
}


def is_han(ch: str) -> bool:
    """True if the single character ``ch`` lies in one of :data:`HAN_RANGES`."""
    cp = ord(ch)
    return any(lo <= cp < hi for lo, hi in HAN_RANGES)


def _opencc_pair():
    import opencc  # imported lazily: the table is built once per process

    return opencc.OpenCC("jp2t"), opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def cjk_fold_table() -> dict[int, int]:
    """The fold as a ``str.translate`` table ``{code point: code point}``.

    Contains only characters that change.  Built from OpenCC (``jp2t`` then
    ``t2s``, see the module docstring) plus :data:`FIXES`, about 0.5 s, once
    per OpenCC and engine version: then read from the artefact cache
    (:mod:`dualuse.artefacts`) and kept for the process.
    """
    from dualuse.artefacts import cached

    return cached("cjk-fold", "", _build_fold_table)


def _build_fold_table() -> dict[int, int]:
    jp2t, t2s = _opencc_pair()
    raw: dict[str, str] = {}
    # pass 1: traditional → simplified, and the set of simplified images
    simplified_images: set[str] = set()
    candidates: list[str] = []
    for lo, hi in HAN_RANGES:
        for cp in range(lo, hi):
            ch = chr(cp)
            if 0xF900 <= cp < 0xFB00:
                base = unicodedata.normalize("NFKC", ch)
                if len(base) != 1:
                    continue
                if base != ch:
                    raw[ch] = base
                    continue
            s = t2s.convert(ch)
            if len(s) == 1 and s != ch:
                raw[ch] = s
                simplified_images.add(s)
            else:
                candidates.append(ch)
    # pass 2: Japanese shinjitai (only for characters that are not already
    # the simplified form of something)
    for ch in candidates:
        if ch in simplified_images:
            continue
        s = t2s.convert(jp2t.convert(ch))
        if len(s) == 1 and s != ch:
            raw[ch] = s
    for src, dst in FIXES.items():
        raw[src] = dst
    # a fix target is canonical: drop the jp2t detour that would send it back
    # to the variant (jp2t maps 翻→飜, 研→硏, 郎→郞 …)
    for dst in set(FIXES.values()):
        raw.pop(dst, None)
    # pass 3: close under composition so the fold is idempotent
    table: dict[int, int] = {}
    for src in raw:
        dst = raw[src]
        seen = {src}
        while dst in raw and dst not in seen:
            seen.add(dst)
            dst = raw[dst]
        if dst != src:
            table[ord(src)] = ord(dst)
    return table


def fold_cjk(text: str) -> str:
    """Fold traditional and Japanese Han characters in ``text`` to simplified.

    Length-preserving and idempotent; non-Han characters are unchanged.
    Examples: ``fold_cjk("陸上自衛隊") == "陆上自卫队"``,
    ``fold_cjk("護衛艦") == "护卫舰"``, ``fold_cjk("戦闘機") == "战斗机"``.
    """
    return text.translate(cjk_fold_table())


def fold_char(ch: str) -> str:
    """Fold one character (see :func:`fold_cjk`)."""
    return chr(cjk_fold_table().get(ord(ch), ord(ch))) if len(ch) == 1 else fold_cjk(ch)

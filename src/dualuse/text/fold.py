"""Fold traditional Chinese and Japanese shinjitai characters to simplified Chinese.

``fold_cjk("三菱重工業株式會社")`` gives ``三菱重工业株式会社``; ``fold_cjk("防衛")``
and ``fold_cjk("防衞")`` both give ``防卫``. The fold is one character to one
character, so string offsets are preserved.

The table is built once from OpenCC's dictionaries (``jp2t`` maps Japanese
shinjitai to traditional forms, ``t2s`` traditional to simplified; OpenCC is
Apache-2.0) applied character by character over the CJK blocks.
"""

from __future__ import annotations

from functools import lru_cache

import opencc

# CJK Unified Ideographs, Extension A, Compatibility Ideographs.
_RANGES = ((0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0xF900, 0xFAFF))


@lru_cache(maxsize=1)
def _table() -> dict[int, str]:
    jp2t = opencc.OpenCC("jp2t")
    t2s = opencc.OpenCC("t2s")
    table: dict[int, str] = {}
    for start, end in _RANGES:
        chars = "".join(chr(code) for code in range(start, end + 1))
        direct = t2s.convert(chars)
        via_japanese = t2s.convert(jp2t.convert(chars))
        for original, simple, shinjitai in zip(chars, direct, via_japanese):
            # A traditional form folds directly; a Japanese shinjitai form
            # (歩, 恵, 巻...) folds through its traditional form.
            target = simple if simple != original else shinjitai
            target = _KEEP.get(target, target)
            if target != original:
                table[ord(original)] = target
    table.update({ord(k): v for k, v in _FIXES.items()})
    return table


# jp2t turns some characters that are already simplified into rare variants
# that t2s does not reduce (研 -> 硏, 郎 -> 郞); map those variants back.
_KEEP = {
    "硏": "研", "敍": "叙", "愼": "慎", "晄": "晃", "槪": "概",
    "甁": "瓶", "飜": "翻", "萠": "萌", "襃": "褒", "郞": "郎",
    # traditional variants OpenCC's t2s does not reduce
    "擧": "举", "鑛": "矿", "澁": "涩", "鬭": "斗", "舗": "铺", "隷": "隶",
}

# Characters OpenCC leaves unfolded although they are variants of one
# simplified character, checked one by one.
_FIXES = {
    "衞": "卫",
}


def fold_cjk(text: str) -> str:
    """Map traditional and Japanese forms to simplified, one character for one.

    Args:
        text: any string; non-CJK characters pass through unchanged.

    Returns:
        A string of the same length.
    """
    return text.translate(_table())

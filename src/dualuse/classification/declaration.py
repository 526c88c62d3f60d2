"""Customs declaration elements (申报要素) in a goods description: the item apart from its specification.

A Chinese export declaration describes a goods line by its name (品名) and
the declaration elements of its tariff heading, written as one string with
``|`` between the elements, in the heading's order (General Administration
of Customs, 《中华人民共和国海关进出口商品规范申报目录》; the first two
elements of every heading are 品牌类型 - brand type, a code 0-4 - and
出口享惠情况 - export preference, a code 0-3):

    金属镝 3|0|镝|纯度≥99.9%|块状|无品牌|无型号

The name says what the item is; the elements say its brand, use,
composition, form and model. :func:`split_elements` separates the two so
that the classifier searches for the name and weighs the elements as
specification (numbers in them are still parameters): without the split the
brand and model placeholders (无品牌, 无型号) and form words dilute the match of
the name to nothing.
"""

from __future__ import annotations

import re
import unicodedata

# element values that say nothing about the item (no brand, no model, not known)
_PLACEHOLDERS = frozenset(
    "无 無 无品牌 無品牌 无牌 无牌号 无型号 無型号 无规格 无中文品牌 无英文品牌 无中文名称 无英文名称 不详 未知 暂无 没有 "
    "なし 無し ブランドなし n/a na none nil - -- / \\ 0 1 2 3 4".split()
)
# element names (written as "品牌:…") whose value names a brand or model, not what the item is
_BRAND_KEYS = ("品牌", "牌号", "型号", "品牌类型", "出口享惠情况", "享惠", "gtin", "brand", "model")
_SEPARATOR = re.compile(r"[|｜]")
_FIRST_ELEMENT = re.compile(r"(?:^|\s)([^\s|｜]*[|｜])")


def split_elements(text: str) -> tuple[str, str]:
    """Split a description into the item name and its declaration elements.

    Args:
        text: a goods description, possibly ending in ``|``-separated
            declaration elements (at least two separators).

    Returns:
        ``(item, specification)``: the text before the elements (or, when
        the string is elements only, the elements that are not codes or
        placeholders) and the remaining meaningful elements joined by
        spaces. A text without declaration elements is returned as
        ``(text, "")``.

    >>> split_elements("金属镝 3|0|镝|纯度≥99.9%|块状|无品牌|无型号")
    ('金属镝', '镝 纯度≥99.9% 块状')
    """
    norm = unicodedata.normalize("NFKC", text or "")
    if len(_SEPARATOR.findall(norm)) < 2:
        return text, ""
    m = _FIRST_ELEMENT.search(norm)
    if m is None:
        return text, ""
    head = norm[: m.start(1)].strip()
    kept: list[str] = []
    for raw in _SEPARATOR.split(norm[m.start(1):]):
        value = raw.strip()
        key = ""
        if re.match(r"^[^:：]{1,8}[:：]", value):
            key, value = (part.strip() for part in re.split(r"[:：]", value, maxsplit=1))
        if not value or value.casefold() in _PLACEHOLDERS or any(k in key.casefold() for k in _BRAND_KEYS):
            continue
        kept.append(value)
    if not head:
        return " ".join(kept) or text, ""
    return head, " ".join(kept)

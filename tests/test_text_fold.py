"""Tests for dualuse.text.fold (CJK per-character fold)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dualuse.text.fold import FIXES, cjk_fold_table, fold_char, fold_cjk, is_han

# (input character, expected simplified form) – Japanese shinjitai and
# traditional forms, checked one character at a time.
CHAR_CASES = [
    ("衛", "卫"), ("衞", "卫"), ("卫", "卫"),
    ("気", "气"), ("氣", "气"),
    ("豊", "丰"), ("豐", "丰"),
    ("沖", "冲"),
    ("業", "业"),
    ("電", "电"),
    ("機", "机"),
    ("艦", "舰"),
    ("隊", "队"),
    ("総", "总"), ("總", "总"),
    ("監", "监"),
    ("装", "装"), ("裝", "装"),
    ("備", "备"),
    ("護", "护"),
    ("軍", "军"),
    ("発", "发"), ("發", "发"),
    ("広", "广"), ("廣", "广"),
    ("県", "县"), ("縣", "县"),
    ("駅", "驿"), ("驛", "驿"),  # 駅 is the shinjitai of 驛, simplified 驿
    ("弾", "弹"), ("彈", "弹"),
    ("薬", "药"),
    ("戦", "战"), ("戰", "战"),
    ("闘", "斗"), ("鬭", "斗"), ("鬥", "斗"),
    ("団", "团"),
    ("陸", "陆"),
    ("庁", "厅"), ("廳", "厅"),
    ("済", "济"),
    ("転", "转"),
    ("検", "检"),
    ("験", "验"),
    ("両", "两"), ("兩", "两"),
    ("対", "对"),
    ("無", "无"),
    ("導", "导"),
    ("車", "车"),
    ("載", "载"),
    ("鉄", "铁"),
    ("図", "图"),
    ("圧", "压"),
    ("応", "应"),
    ("価", "价"),
    ("様", "样"),
    ("歴", "历"),
    ("労", "劳"),
    ("壊", "坏"),
    ("挙", "举"),
    ("郷", "乡"),
    ("鉱", "矿"),
    ("渋", "涩"),
    ("緒", "绪"),
    ("併", "并"), ("並", "并"),
    ("戯", "戏"),
    ("國", "国"),
    ("灣", "湾"),
    ("臺", "台"),
]

# simplified characters must stay as they are (no Japanese reading hijacks them)
STABLE = "卫气丰冲业电机舰队总监装备护军发广县驿弹药战斗团陆厅国台沪后余干翻研郎慎概瓶褒即既黄戏并举乡矿涩绪叙晃萌予"


@pytest.mark.parametrize(("src", "expected"), CHAR_CASES)
def test_character_fold(src: str, expected: str) -> None:
    assert fold_char(src) == expected
    assert fold_cjk(src) == expected


@pytest.mark.parametrize("ch", list(STABLE))
def test_simplified_is_fixed_point(ch: str) -> None:
    assert fold_char(ch) == ch


def test_shanghai_abbreviation_not_hijacked() -> None:
    # jp2t reads 沪 as the Japanese abbreviation of 濾 (filter); it is Shanghai in Chinese
    assert fold_cjk("沪") == "沪"
    assert fold_cjk("滬") == "沪"


@pytest.mark.parametrize("src", sorted(FIXES))
def test_fixes_applied(src: str) -> None:
    assert fold_char(src) == FIXES[src]
    assert fold_char(FIXES[src]) == FIXES[src]


@pytest.mark.parametrize(
    ("ja_or_trad", "simplified"),
    [
        ("陸上自衛隊", "陆上自卫队"),
        ("海上自衞隊", "海上自卫队"),
        ("航空自衛隊", "航空自卫队"),
        ("護衛艦", "护卫舰"),
        ("戦闘機", "战斗机"),
        ("戰鬥機", "战斗机"),
        ("弾薬", "弹药"),
        ("防衛装備庁", "防卫装备厅"),
        ("半導体", "半导体"),
        ("家電", "家电"),
        ("國防部", "国防部"),
        ("美國海軍", "美国海军"),
        ("駐日美軍", "驻日美军"),
        ("軍民両用", "军民两用"),
        ("軍民兩用", "军民两用"),
        ("恐怖主義", "恐怖主义"),
        ("無人機", "无人机"),
    ],
)
def test_word_fold(ja_or_trad: str, simplified: str) -> None:
    assert fold_cjk(ja_or_trad) == simplified
    assert fold_cjk(simplified) == simplified


def test_standard_simplified_never_maps_outside_gb2312() -> None:
    """A GB2312 (standard simplified) character never folds to a rare variant."""

    def gb(c: str) -> bool:
        try:
            c.encode("gb2312")
        except UnicodeEncodeError:
            return False
        return True

    bad = [(chr(k), chr(v)) for k, v in cjk_fold_table().items() if gb(chr(k)) and not gb(chr(v))]
    assert bad == []


def test_non_han_untouched() -> None:
    s = "ABC abc 123 ひらがな カタカナ ｶﾀｶﾅ -–— ß"
    assert fold_cjk(s) == s


def test_compatibility_ideograph() -> None:
    # U+F9DC 隆 (compat) → U+9686 隆
    assert fold_cjk("\uf9dc") == "隆"


def test_table_is_idempotent_and_single_char() -> None:
    table = cjk_fold_table()
    assert len(table) > 3000
    for src, dst in table.items():
        assert dst not in table, (chr(src), chr(dst))
        assert is_han(chr(src))


def test_is_han() -> None:
    assert is_han("軍") and is_han("军") and is_han("\U00020000")
    assert not is_han("a") and not is_han("カ") and not is_han("。")


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_length_preserving_and_idempotent(s: str) -> None:
    f = fold_cjk(s)
    assert len(f) == len(s)
    assert fold_cjk(f) == f

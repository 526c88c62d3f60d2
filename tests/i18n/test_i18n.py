"""dualuse.i18n: language detection, catalogues, templates, citations per language."""

from __future__ import annotations

import pytest

from dualuse import i18n
from dualuse.i18n import catalogue
from dualuse.i18n.citations import chinese_numeral, localise_citation


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "en"),
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "zh_TW.Big5"}, "zh"),
        ({"LANG": "ja_JP.UTF-8"}, "ja"),
        ({"LC_ALL": "C.UTF-8", "LANG": "ja_JP.UTF-8"}, "en"),  # LC_ALL wins, and C means English
        ({"LC_MESSAGES": "ja_JP.UTF-8", "LANG": "en_US.UTF-8"}, "ja"),
        ({"LANGUAGE": "de:ja:en"}, "ja"),
        ({"DUALUSE_LANG": "zh-Hans", "LANG": "ja_JP.UTF-8"}, "zh"),
        ({"DUALUSE_LANG": "klingon", "LANG": "ja_JP.UTF-8"}, "ja"),
    ],
)
def test_language_from_the_environment(environ, expected):
    assert i18n.detect(environ) == expected


def test_unknown_language_is_refused_with_the_choices():
    with pytest.raises(i18n.LanguageError, match="expected one of en, zh, ja"):
        i18n.check_language("fr")


def test_using_restores_the_previous_language():
    with i18n.using("ja"):
        assert i18n._("Screening decisions") == "審査結果"
        with i18n.using("zh"):
            assert i18n._("Screening decisions") == "审查结论"
        assert i18n.current() == "ja"
    with i18n.using("en"):
        assert i18n._("Screening decisions") == "Screening decisions"


@pytest.mark.parametrize(
    ("english", "zh", "ja"),
    [
        ("MOFCOM Announcement 2026 No. 11", "商务部公告2026年第11号", "商務部公告2026年第11号"),
        ("MOFCOM Order 2026 No. 2", "商务部令2026年第2号", "商務部令2026年第2号"),
        ("UEL Working Mechanism Announcement 2025 No. 2", "不可靠实体清单工作机制公告〔2025〕2号", "信頼できないエンティティ・リスト工作メカニズム公告〔2025〕2号"),
        ("Export Control Law Art. 12(3)", "《出口管制法》第十二条第三款", "輸出管理法第12条第3項"),
        (
            "MOFCOM Announcement 2026 No. 11; Export Control Law Art. 18; Regulations on Export Control of Dual-Use Items Arts. 28-29",
            "商务部公告2026年第11号；《出口管制法》第十八条；《两用物项出口管制条例》第二十八条至第二十九条",
            "商務部公告2026年第11号、輸出管理法第18条、両用品目輸出管理条例第28条～第29条",
        ),
        ("Anti-Foreign Sanctions Law Arts. 6, 15", "《反外国制裁法》第六条、第十五条", "反外国制裁法第6条、第15条"),
        (
            "Provisions on the Unreliable Entity List (MOFCOM Order 2020 No. 4) Art. 10",
            "《不可靠实体清单规定》（商务部令2020年第4号）第十条",
            "信頼できないエンティティ・リスト規定（商務部令2020年第4号）第10条",
        ),
        ("Something unknown", "Something unknown", "Something unknown"),
    ],
)
def test_citations_in_the_form_each_language_uses(english, zh, ja):
    assert localise_citation(english, "en") == english
    assert localise_citation(english, "zh") == zh
    assert localise_citation(english, "ja") == ja


@pytest.mark.parametrize(("number", "text"), [(1, "一"), (10, "十"), (12, "十二"), (20, "二十"), (49, "四十九"), (100, "一百"), (105, "一百零五"), (110, "一百一十")])
def test_chinese_numerals_for_articles(number, text):
    assert chinese_numeral(number) == text


def test_template_translation_carries_the_fields_and_translates_them():
    text = (
        "The list data is as of 2026-08-05; announcements published after that date (before 2026-09-15) are not in it. "
        "Update the lists before relying on a clearance."
    )
    assert i18n.translate(text, "zh") == "名单数据截至 2026-08-05；此后（2026-09-15 之前）发布的公告未包含在内。依据放行结论之前，请先更新名单。"
    # a rule explanation followed by a review note: both parts, the role and the citation translated too
    reason = (
        "“Sun Tectro Japan Co Ltd” (consignee) is “Sun Tectro Co., Ltd.” (possible match), on MOFCOM's watch list since 2026-01-06 "
        "(MOFCOM Announcement 2026 No. 12). Dual-use items may be exported only under an individual licence, with a risk-assessment "
        "report and a written commitment; no general licence or registration certificate may be used, and the 45-working-day review "
        "limit does not apply. The name is only a possible match: a reviewer must confirm whether it is the listed entity."
    )
    ja = i18n.translate(reason, "ja")
    assert ja.startswith("“Sun Tectro Japan Co Ltd”（荷受人）は“Sun Tectro Co., Ltd.”（一致の可能性）で、2026-01-06から商務部の注視リスト")
    assert "（商務部公告2026年第12号）" in ja and ja.endswith("掲載された主体かどうか審査者が確認する必要があります。")
    assert i18n.translate("a text no catalogue knows", "ja") == "a text no catalogue knows"


def test_every_message_is_translated_and_the_compiled_catalogues_are_fresh():
    pytest.importorskip("babel")
    assert catalogue.problems() == []


def test_catalogues_ship_with_the_package():
    from importlib import resources

    for lang in ("zh", "ja"):
        assert resources.files("dualuse").joinpath(f"i18n/locale/{lang}/LC_MESSAGES/dualuse.mo").is_file()
    import tomllib
    from pathlib import Path

    data = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml").read_text(encoding="utf-8"))
    assert "i18n/locale/*/LC_MESSAGES/*.mo" in data["tool"]["setuptools"]["package-data"]["dualuse"]

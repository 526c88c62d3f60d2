"""Parsing of Chinese instrument designations (no shared data needed)."""

from __future__ import annotations

import datetime as dt

import pytest

from dualuse.refdata.build.citations import BuildError, parse_designation, resolve

ECL = ["Export Control Law Art. 18", "Regulations on Export Control of Dual-Use Items Arts. 28-29"]


def test_mofcom_announcement_with_description():
    d = parse_designation("商务部公告2026年第11号 — 20 Japanese entities")
    assert (d.issuer, d.kind, d.year, d.number, d.date) == ("MOFCOM", "announcement", 2026, 11, None)
    assert d.printed == "商务部公告2026年第11号"
    assert d.description == "20 Japanese entities"
    src = resolve(d, articles=ECL, url="https://example.org/a").source
    assert src.citation == "MOFCOM Announcement 2026 No. 11"
    assert src.title_zh == "商务部公告2026年第11号"
    assert src.articles == ECL
    assert src.url == "https://example.org/a"


def test_uel_working_mechanism_bracket_year():
    d = parse_designation("不可靠实体清单工作机制公告〔2025〕7号 — 11 US entities")
    assert (d.issuer, d.kind, d.year, d.number) == ("UEL Working Mechanism", "announcement", 2025, 7)
    r = resolve(d, articles=[], url=None)
    assert r.source.citation == "UEL Working Mechanism Announcement 2025 No. 7"
    assert r.source.title_zh == "不可靠实体清单工作机制公告〔2025〕7号"
    assert r.note is None


def test_uel_without_description():
    d = parse_designation("不可靠实体清单工作机制公告〔2025〕5号")
    assert d.number == 5 and d.description is None


def test_mofcom_order():
    d = parse_designation("商务部令2026年第2号 — incl. Responsible Business Alliance")
    assert (d.issuer, d.kind, d.year, d.number) == ("MOFCOM", "order", 2026, 2)
    assert resolve(d, articles=[], url=None).source.citation == "MOFCOM Order 2026 No. 2"


def test_mofcom_gac_joint_announcement():
    d = parse_designation("商务部 海关总署公告2025年第91号")
    assert (d.issuer, d.number) == ("MOFCOM/GAC", 91)
    assert resolve(d, articles=[], url=None).source.citation == "MOFCOM/GAC Announcement 2025 No. 91"


@pytest.mark.parametrize(
    ("text", "citation", "title_zh", "number"),
    [
        ("商务部公告（2025-07-09）— 8 Taiwan entities", "MOFCOM Announcement 2025 No. 35", "商务部公告2025年第35号", 35),
        ("商务部公告(2025-07-09)", "MOFCOM Announcement 2025 No. 35", "商务部公告2025年第35号", 35),
        ("商务部公告（2025-09-25）— 3 US entities", "MOFCOM Announcement 2025 No. 51", "商务部公告2025年第51号", 51),
        (
            "不可靠实体清单工作机制公告（2025-09-25）",
            "UEL Working Mechanism Announcement 2025 No. 9",
            "不可靠实体清单工作机制公告〔2025〕9号",
            9,
        ),
        (
            "不可靠实体清单工作机制公告（2025-10-09）— 14 entities incl. TechInsights Japan KK",
            "UEL Working Mechanism Announcement 2025 No. 10",
            "不可靠实体清单工作机制公告〔2025〕10号",
            10,
        ),
    ],
)
def test_dated_forms_numbered_from_regime(text, citation, title_zh, number):
    d = parse_designation(text)
    assert d.number is None and d.date is not None
    r = resolve(d, articles=[], url=None)
    assert r.source.number == number
    assert r.source.citation == citation
    assert r.source.title_zh == title_zh
    assert "regime.md" in r.note and "not from the dataset" in r.note


def test_dated_form_without_known_number_keeps_date():
    d = parse_designation("不可靠实体清单工作机制公告（2025-02-04）")
    assert d.date == dt.date(2025, 2, 4)
    r = resolve(d, articles=[], url=None)
    assert r.source.number is None
    assert r.source.year == 2025
    assert r.source.citation == "UEL Working Mechanism Announcement of 2025-02-04"
    assert r.source.title_zh == "不可靠实体清单工作机制公告（2025-02-04）"
    assert "probably No. 4" in r.note


def test_mofcom_decision_dated():
    d = parse_designation("商务部决定（2026-08-05）— Compliance Testing LLC")
    assert (d.issuer, d.kind, d.number, d.date) == ("MOFCOM", "decision", None, dt.date(2026, 8, 5))
    r = resolve(d, articles=[], url=None)
    assert r.source.citation == "MOFCOM decision of 2026-08-05"
    assert r.source.number is None
    assert "no number is assigned" in r.note


@pytest.mark.parametrize("text", ["", "   ", "Announcement No. 3", "商务部通知2025年第1号", "商务部公告（2025-13-01）"])
def test_unknown_forms_fail_loudly(text):
    with pytest.raises(BuildError):
        parse_designation(text)

"""The one value parser: dates (和暦, day/month order), countries, numbers, quantities, units, currencies."""

from __future__ import annotations

import datetime as dt

import pytest

from dualuse import values
from dualuse.values import (
    normalise_unit,
    parse_amount,
    parse_country,
    parse_currency,
    parse_date,
    parse_number,
    parse_quantity,
)
from dualuse.values.countries import country_index

D = dt.date(2026, 3, 2)


# --- dates ------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "2026-03-02", "2026/3/2", "2026/03/02", "2026.3.2", "2026.03.02", "2026年3月2日", "2026 年 3 月 2 日", "2026年3月2号",
    "令和8年3月2日", "令和８年３月２日", "R8.3.2", "R08/03/02", "r8-3-2", "20260302", "２０２６－０３－０２",
    "2026/3/2 0:00", "2026-03-02T10:30:00", "2 March 2026", "2-Mar-2026", "March 2, 2026", "Mar. 2, 2026",
])
def test_date_forms(text: str) -> None:
    assert parse_date(text) == D


def test_date_cells() -> None:
    assert parse_date(20260302) == D
    assert parse_date(20260302.0) == D
    assert parse_date(dt.datetime(2026, 3, 2, 9, 30)) == D
    assert parse_date(D) == D


@pytest.mark.parametrize("text, expected", [
    ("令和元年5月1日", dt.date(2019, 5, 1)),
    ("平成31年4月30日", dt.date(2019, 4, 30)),
    ("H31.4.30", dt.date(2019, 4, 30)),
    ("平成元年1月8日", dt.date(1989, 1, 8)),
    ("昭和64年1月7日", dt.date(1989, 1, 7)),
    ("S64.1.7", dt.date(1989, 1, 7)),
])
def test_japanese_eras(text: str, expected: dt.date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("text, why", [
    ("平成31年5月1日", "outside the 平成 era, 1989-01-08 to 2019-04-30"),
    ("令和元年4月30日", "outside the 令和 era, from 2019-05-01"),
    ("昭和64年1月8日", "outside the 昭和 era"),
    ("令和0年3月2日", "years start at 1"),
    ("令和8年2月30日", "is not a calendar date"),
])
def test_japanese_era_limits(text: str, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        parse_date(text)


def test_day_and_month_first_only_when_unambiguous_or_configured() -> None:
    assert parse_date("13/03/2026") == dt.date(2026, 3, 13)      # 13 cannot be a month: day first
    assert parse_date("03/13/2026") == dt.date(2026, 3, 13)      # month first
    assert parse_date("03/03/2026") == dt.date(2026, 3, 3)       # the same either way
    assert parse_date("02.03.2026", order="dmy") == parse_date("02/03/2026", order="dmy") == D
    assert parse_date("03/02/2026", order="mdy") == D
    with pytest.raises(ValueError, match=r"02/03/2026 could be day/month or month/day; write it as 2026-03-02 or "
                                         r"2026-02-03, or give the date order \(dmy or mdy\)"):
        parse_date("02/03/2026")
    with pytest.raises(ValueError, match="not a calendar date"):
        parse_date("31/02/2026", order="dmy")


@pytest.mark.parametrize("value", ["", "2026-03", "2026-13-02", "Smarch 2, 2026", "next Tuesday", "46083", 46083,
                                   46083.5, True, None, [2026, 3, 2]])
def test_refused_dates(value: object) -> None:
    with pytest.raises(ValueError, match="expected a date like 2026-03-02"):
        parse_date(value)


# --- countries --------------------------------------------------------------------

@pytest.mark.parametrize("text, code", [
    ("JP", "JP"), ("jp", "JP"), ("ＪＰ", "JP"), ("JPN", "JP"), ("Japan", "JP"), ("JAPAN", "JP"), ("日本", "JP"),
    ("日本国", "JP"), ("日本（地区）", "JP"), ("116", "JP"), (116, "JP"), (116.0, "JP"), ("日本(JPN)", "JP"),
    ("JP - Japan", "JP"), ("JPN 日本", "JP"),
    ("中国", "CN"), ("中國", "CN"), ("CHN", "CN"), ("142", "CN"), ("China", "CN"), ("中华人民共和国", "CN"),
    ("People's Republic of China", "CN"), ("P.R. China", "CN"), ("中華人民共和国", "CN"),
    ("美国", "US"), ("美國", "US"), ("米国", "US"), ("アメリカ", "US"), ("アメリカ合衆国", "US"), ("USA", "US"),
    ("U.S.A.", "US"), ("United States of America", "US"), ("502", "US"),
    ("韩国", "KR"), ("韓国", "KR"), ("大韓民国", "KR"), ("South Korea", "KR"), ("Korea", "KR"), ("133", "KR"),
    ("朝鲜", "KP"), ("北朝鮮", "KP"), ("DPRK", "KP"),
    ("中国香港", "HK"), ("香港", "HK"), ("Hong Kong", "HK"), ("110", "HK"), ("HKG", "HK"),
    ("台湾", "TW"), ("台澎金马关税区", "TW"), ("143", "TW"), ("澳门", "MO"), ("マカオ", "MO"),
    ("英国", "GB"), ("イギリス", "GB"), ("UK", "GB"), ("303", "GB"), ("德国", "DE"), ("ドイツ", "DE"), ("Germany", "DE"),
    ("俄罗斯联邦", "RU"), ("Russia", "RU"), ("ロシア", "RU"), ("越南", "VN"), ("Viet Nam", "VN"), ("ベトナム", "VN"),
    ("新加坡", "SG"), ("シンガポール", "SG"), ("Singapore", "SG"), ("132", "SG"),
])
def test_country_forms(text: object, code: str) -> None:
    assert parse_country(text) == code


def test_customs_codes_are_not_iso_numeric_codes() -> None:
    # 116 is Japan in Chinese customs and Cambodia in ISO 3166-1; 392 is Japan's ISO numeric code
    assert parse_country("116") == "JP"
    with pytest.raises(ValueError):
        parse_country("392")


@pytest.mark.parametrize("value, hint", [
    ("XX", None), ("Japn", 'did you mean JP ("japan")'), ("Atlantis", None), ("", None), (None, None), (True, None),
    ("日本/韩国", "names different countries (JP, KR)"),
])
def test_refused_countries(value: object, hint: str | None) -> None:
    with pytest.raises(ValueError) as info:
        parse_country(value)
    assert str(info.value).startswith("expected a country: an ISO 3166-1 code (JP, JPN), a name in English, "
                                      "Chinese or Japanese (Japan, 日本, 米国) or a Chinese customs code (116)")
    if hint:
        assert hint in str(info.value)


def test_country_index_has_every_code_and_no_ambiguous_names() -> None:
    index = country_index()
    from dualuse.models.countries import ISO_3166_ALPHA2

    assert all(index.lookup(code) == code for code in ISO_3166_ALPHA2)
    assert index.ambiguous == {}
    # four languages of CLDR names: far more spellings than codes
    assert len(index.spellings) > 4 * 240


# --- numbers, quantities, amounts ------------------------------------------------

@pytest.mark.parametrize("text, number", [
    ("1234.5", 1234.5), ("1,234.5", 1234.5), ("1,234,567", 1234567.0), ("１，２３４．５", 1234.5), ("１２３", 123.0),
    ("1 234", 1234.0), (" 42 ", 42.0), ("-2", -2.0), ("1.5e3", 1500.0), (7, 7.0),
])
def test_numbers(text: object, number: float) -> None:
    assert parse_number(text) == number


@pytest.mark.parametrize("text", ["12,5", "1,23", "$5", "nan", "inf", "", "1 2x", "五百"])
def test_refused_numbers(text: str) -> None:
    with pytest.raises(ValueError):
        parse_number(text)


@pytest.mark.parametrize("text, expected", [
    ("500千克", (500.0, "kg")), ("500 KGS", (500.0, "kg")), ("1,000件", (1000.0, "pcs")), ("２５０ｋｇ", (250.0, "kg")),
    ("12.5吨", (12.5, "t")), ("3台", (3.0, "set")), ("40個", (40.0, "pcs")), ("20 キログラム", (20.0, "kg")),
    ("2 トン", (2.0, "t")), ("10 drums", (10.0, "drum")), ("500", (500.0, None)), ("1.5e3", (1500.0, None)),
    (8, (8.0, None)), ("7 widgets", (7.0, "widgets")),
])
def test_quantities(text: object, expected: tuple[float, str | None]) -> None:
    assert parse_quantity(text) == expected


def test_refused_quantities() -> None:
    for bad in ("kg 500", "", "about five"):
        with pytest.raises(ValueError, match="expected a quantity like 500 or 500千克"):
            parse_quantity(bad)


@pytest.mark.parametrize("text, expected", [
    ("6,250美元", (6250.0, "USD")), ("USD 6250", (6250.0, "USD")), ("6250", (6250.0, None)),
    ("1,000,000円", (1000000.0, "JPY")), ("人民币 3,000.50", (3000.5, "CNY")), ("US$ 12", (12.0, "USD")),
    ("48,500 美元", (48500.0, "USD")),
])
def test_amounts(text: str, expected: tuple[float, str | None]) -> None:
    assert parse_amount(text) == expected


@pytest.mark.parametrize("text, code", [
    ("美元", "USD"), ("美金", "USD"), ("USD", "USD"), ("usd", "USD"), ("US$", "USD"), ("米ドル", "USD"), ("ドル", "USD"),
    ("人民币", "CNY"), ("人民幣", "CNY"), ("RMB", "CNY"), ("元", "CNY"), ("人民元", "CNY"), ("CNY", "CNY"),
    ("円", "JPY"), ("日元", "JPY"), ("日圓", "JPY"), ("日本円", "JPY"), ("JPY", "JPY"), ("Japanese Yen", "JPY"),
    ("欧元", "EUR"), ("ユーロ", "EUR"), ("€", "EUR"), ("港币", "HKD"), ("HK$", "HKD"), ("英镑", "GBP"), ("韩元", "KRW"),
])
def test_currencies(text: str, code: str) -> None:
    assert parse_currency(text) == code


@pytest.mark.parametrize("text, why", [
    ("¥", "used for both the Japanese yen"), ("￥", "used for both the Japanese yen"), ("$", "dollar"),
    ("dollars", "expected a currency"), ("", "expected a currency"),
])
def test_refused_currencies(text: str, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        parse_currency(text)


@pytest.mark.parametrize("text, unit", [
    ("千克", "kg"), ("公斤", "kg"), ("KGS", "kg"), ("kg", "kg"), ("キログラム", "kg"), ("㎏", "kg"), ("克", "g"),
    ("吨", "t"), ("公吨", "t"), ("MT", "t"), ("トン", "t"), ("件", "pcs"), ("个", "pcs"), ("個", "pcs"), ("PCS", "pcs"),
    ("枚", "pcs"), ("本", "pcs"), ("套", "set"), ("台", "set"), ("セット", "set"), ("平方米", "m2"), ("升", "l"),
    ("箱", "box"), ("widgets", "widgets"), ("  Bündel ", "Bündel"),
])
def test_units(text: str, unit: str) -> None:
    assert normalise_unit(text) == unit


def test_one_parser_is_used_by_the_models_the_api_and_the_cli() -> None:
    from dualuse.cli.common import parse_date as cli_date
    from dualuse.input import tables
    from dualuse.models.shipment import Shipment

    shipment = Shipment.model_validate({
        "id": "S", "date": "令和8年3月2日", "exporter": {"name": "E", "country": "中国"},
        "consignee": {"name": "C", "country": "JPN"}, "destination_country": "116", "lines": [{"line": 1}]})
    assert (shipment.date, shipment.exporter.country, shipment.consignee.country, shipment.destination_country) == (
        D, "CN", "JP", "JP")
    assert tables.parse_date("R8.3.2") == cli_date("R8.3.2", "--as-of") == D
    assert values.parse_date is parse_date

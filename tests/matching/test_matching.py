"""Party matching across scripts, legal forms, typos; negatives for relatives and lookalikes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dualuse.matching.analyze import analyze
from dualuse.matching.matcher import MATCH_THRESHOLD, Matcher
from dualuse.matching.score import token_similarity
from dualuse.refdata import store


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(store.load_entries())


def best(matcher: Matcher, name: str, country: str | None = None):
    results = [r for r in matcher.match(name, country=country) if r.decision == "match"]
    return [(r.entry.list, r.entry.name) for r in results]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("三菱重工航空エンジン株式会社", ("CN-ECL", "Mitsubishi Heavy Industries Aero Engines, Ltd.")),  # Japanese official
        ("三菱重工航空发动机有限公司", ("CN-ECL", "Mitsubishi Heavy Industries Aero Engines, Ltd.")),  # zh, other legal form
        ("MITSUBISHI HVY IND AERO ENGINES LTD", ("CN-ECL", "Mitsubishi Heavy Industries Aero Engines, Ltd.")),  # customs abbreviation
        ("Mitsubishi Juko Koku Enjin KK", ("CN-ECL", "Mitsubishi Heavy Industries Aero Engines, Ltd.")),  # romaji
        ("東金株式會社", ("CN-WL", "Tokin Corporation")),  # traditional Chinese
        ("IHI航空航天株式会社", ("CN-ECL", "IHI Aerospace Co., Ltd.")),  # 航空航天 for 宇航
        ("NEC网络传感器株式会社", ("CN-ECL", "NEC Network and Sensor Systems, Ltd.")),  # NEC = 日本电气
        ("ＡＳＰＰ株式会社", ("CN-WL", "ASPP Co., Ltd.")),  # full width
        ("MITSUI E&SCo., Ltd.", ("CN-WL", "MITSUI E&S Co., Ltd.")),  # glued legal form
        ("Hitachi Afvanced Systems Corporation", ("CN-WL", "Hitachi Advanced Systems Corporation")),  # typo
        ("住友重机槭工业株式会社", ("CN-WL", "Sumitomo Heavy Industries, Ltd.")),  # OCR confusion 械/槭
        ("三菱重工マリタイムシステムス株式会社", ("CN-ECL", "Mitsubishi Heavy Industries Maritime Systems, Ltd.")),  # dropped dakuten
        ("細谷火工株式会社 東京都あきる野市菅生1847", ("CN-WL", "Hosoya Pyro-Engineering Co., Ltd.")),  # with address
        ("Fujitsu D&NS", ("CN-ECL", "Fujitsu Defense & National Security, Ltd.")),  # acronym
        ("JGSDF Northern Army", ("JP-MIL", "Northern Army")),  # service prefix
        ("防衛装備庁艦艇装備研究所", ("CN-ECL", "Naval Systems Research Center")),  # agency prefix, listed unit
        ("防衛大学校", ("CN-ECL", "National Defense Academy of Japan")),  # military user on the control list: once
    ],
)
def test_positive_matches(matcher, query, expected):
    assert best(matcher, query) == [expected]


@pytest.mark.parametrize(
    "query",
    [
        "Mitsubishi Heavy Industries Thermal Systems, Ltd.",  # unlisted subsidiary
        "Mitsubishi Heavy Industries Engineering, Ltd.",  # sibling
        "Kawasaki Heavy Industries Precision Machinery & Robot Company",  # another KHI internal company
        "Fujikura Ltd.",  # not The Fujikura Parachute
        "Tokai Carbon Co., Ltd.",  # resembles Tokin
        "YKK Corporation",  # one letter from YDK
        "NOK Corporation",  # one letter from NOF
        "Kowa Company, Ltd.",  # not KOWA KOGYO
        "三菱电机(中国)有限公司",  # China subsidiary
        "Mitsui & Co. (U.S.A.), Inc.",  # US subsidiary
        "Elbit Systems Ltd.",  # parent of a UEL entry
        "西部方面队",  # a different army: not Eastern/Middle Army
        "Nuclear Fuel Industries, Ltd.",  # not Japan Nuclear Fuel
    ],
)
def test_relatives_and_lookalikes_are_never_that_entity(matcher, query):
    assert [m for m in best(matcher, query) if m[0].startswith("CN-")] == []


def test_parent_matches_only_the_defence_industry_entry(matcher):
    assert best(matcher, "Mitsubishi Heavy Industries, Ltd.") == [("JP-DEF", "Mitsubishi Heavy Industries, Ltd.")]
    assert best(matcher, "三菱重工业株式会社") == [("JP-DEF", "Mitsubishi Heavy Industries, Ltd.")]


def test_an_exact_name_explains_away_its_near_neighbours(matcher):
    results = matcher.match("三菱重工海事技术株式会社")
    assert results[0].entry.name == "MHI Maritech, Co., Ltd." and results[0].decision == "match"
    assert all(r.decision in ("possible", "related") for r in results[1:])


def test_the_same_organisation_on_two_lists_is_reported_on_both(matcher):
    hits = {(r.entry.list, r.entry.name) for r in matcher.match("Anduril Industries") if r.decision == "match"}
    assert hits == {("CN-ECL", "Anduril Industries"), ("CN-UEL", "Anduril Industries")}


def test_explanation_names_the_form_and_the_differences(matcher):
    result = matcher.match("Hitachi Advanced Systems Corporation, 292 Yoshida-cho, Totsuka-ku, Yokohama")[0]
    text = result.explanation()
    assert "matched the primary form" in text
    assert "part of the query set aside (address, site or second name)" in text
    result = matcher.match("Mitsubishi Heavy Industries Thermal Systems, Ltd.", limit=10)
    assert all("only in the query: Thermal" in r.explanation() or "Thermal" in r.explanation() for r in result)


def test_country_is_supporting_evidence(matcher):
    same = matcher.match("Komatsu NTC Ltd.", country="JP")[0].score
    other = matcher.match("Komatsu NTC Ltd.", country="US")[0].score
    assert same > other


def test_short_codes_are_not_typo_tolerant():
    ydk, ykk = analyze("YDK")[0].tokens[0], analyze("YKK")[0].tokens[0]
    assert token_similarity(ydk, ykk) == 0.0
    materials, typo = analyze("Materials")[0].tokens[0], analyze("Msterials")[0].tokens[0]
    assert 0.85 < token_similarity(materials, typo) < 1.0


# --- properties -----------------------------------------------------------------------

LISTED = [
    "Mitsubishi Heavy Industries Aero Engines, Ltd.",
    "Hitachi Advanced Systems Corporation",
    "Terra Drone Corporation",
    "OKI Circuit Technology Co., Ltd.",
    "Japan Marine United Corporation",
]
LEGAL_FORMS = ["Co., Ltd.", "Co Ltd", "Corporation", "Corp.", "K.K.", "Kabushiki Kaisha", "Limited", "Inc.", ""]


def _core(name: str) -> str:
    for form in (", Ltd.", " Co., Ltd.", " Corporation"):
        if name.endswith(form):
            return name[: -len(form)]
    return name


@settings(max_examples=60, deadline=None)
@given(
    name=st.sampled_from(LISTED),
    form=st.sampled_from(LEGAL_FORMS),
    case=st.sampled_from(["upper", "lower", "as is"]),
    width=st.booleans(),
    spaces=st.integers(min_value=1, max_value=3),
)
def test_a_match_survives_width_case_spacing_and_legal_form(matcher, name, form, case, width, spaces):
    text = f"{_core(name)} {form}".strip()
    text = {"upper": text.upper(), "lower": text.lower(), "as is": text}[case]
    text = text.replace(" ", " " * spaces)
    if width:  # full-width Latin letters and digits, as typed with a Japanese IME
        text = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)
    assert (best(matcher, text) or [None])[0] == (
        next(e.list for e in matcher.entries.values() if e.name == name),
        name,
    )


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_no_unicode_string_crashes_the_analyser(text):
    variants = analyze(text)
    for variant in variants:
        assert variant.tokens
        assert all(token.text for token in variant.tokens)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(categories=["L", "N", "P", "Zs"]), max_size=40))
def test_no_unicode_string_crashes_the_matcher(matcher, text):
    for result in matcher.match(text):
        assert 0.0 <= result.score <= 1.0
        assert result.decision in ("match", "possible", "related")  # a string may be an alias ("MBA")
        assert MATCH_THRESHOLD <= result.score or result.decision == "possible"


def test_han_characters_in_another_order_are_another_name():
    from dualuse.matching.score import align

    class Weights:
        @staticmethod
        def weight(token, short=False):
            return 1.0

    same = align(analyze("仪松东上有限公司")[0], analyze("仪松东上株式会社")[0], Weights.weight)
    shuffled = align(analyze("松上东仪股份有限公司")[0], analyze("仪松东上株式会社")[0], Weights.weight)
    assert same.score == pytest.approx(1.0)
    assert shuffled.score == pytest.approx(0.85**2)  # two of four characters out of order


def test_katakana_folds_hiragana_with_jaconv() -> None:
    from dualuse.matching.text import katakana

    assert katakana("ゔぁいおりん ゝゞ 漢字ABC") == "ヴァイオリン ヽヾ 漢字ABC"


def test_hiragana_spelling_of_a_katakana_word_matches(matcher: Matcher) -> None:
    # マリタイムシステムズ written in hiragana, as kana input methods sometimes leave it
    assert best(matcher, "三菱重工まりたいむしすてむず株式会社") == [("CN-ECL", "Mitsubishi Heavy Industries Maritime Systems, Ltd.")]

"""Properties of issue 9's mechanisms: other scripts, series numbers, document strings, OCR.

Generated from the packaged entries and from the syllable tables, not from
any evaluation row.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from dualuse.matching.document import ocr_letters, strip_label
from dualuse.matching.matcher import Matcher
from dualuse.matching.records import ExternalList, NameRecord
from dualuse.matching.scripts import consonant_key, hangul_readings, hanja_name_readings
from dualuse.models.reference import LegalSource
from dualuse.refdata import store

ENTRIES = store.load_entries()
SOURCE = LegalSource(issuer="test", kind="reference", citation="generated", url=None)


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(ENTRIES)


def external(names: list[str]) -> Matcher:
    records = [NameRecord(id=f"XL-{i:03d}:1", list=f"XL-{i:03d}", name=n, forms=((n, "primary"),)) for i, n in enumerate(names)]
    return Matcher(ENTRIES, records=records, external={f"XL-{i:03d}": ExternalList(f"XL-{i:03d}", SOURCE, dt.date(2026, 1, 1)) for i in range(len(names))})


def test_hangul_readings_give_conventional_spellings():
    assert "kim jong un" in hangul_readings("김정은")
    assert "park ji sung" in hangul_readings("박지성")
    assert hangul_readings("이민호")[0] == "lee min ho"
    assert hangul_readings("Samsung") == ()


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="bcdfghklmnprstvz", min_size=3, max_size=8), st.text(alphabet="aeiou", min_size=1, max_size=8))
def test_consonant_key_ignores_vowels(consonants, vowels):
    word = "".join(c + (vowels[i % len(vowels)] if i % 2 else "") for i, c in enumerate(consonants))
    assert consonant_key(word) == consonant_key(consonants)


def test_korean_names_in_hanja_are_read_in_korean():
    assert "kim jong un" in hanja_name_readings("金正恩")  # 金 is 김 in names (Unihan kHangul N), 금 otherwise
    assert "kim il sung" in hanja_name_readings("金日成")
    assert "park geun hye" in hanja_name_readings("朴槿惠")
    assert hanja_name_readings("习近平") == ()  # 習 (습) is no Korean surname
    assert hanja_name_readings("三菱重工业株式会社") == ()


def test_abjad_and_korean_names_find_a_latin_only_list():
    m = external(["Mohamed Ali", "Kim Jong Un", "David"])
    for query, list_id in (("محمد علي", "XL-000"), ("김정은", "XL-001"), ("דוד", "XL-002"), ("金正恩", "XL-001")):
        results = [r for r in m.match(query, lists=[list_id]) if r.decision == "match"]
        assert results, query
        assert "consonants" in results[0].explanation() or "reading" in results[0].explanation()


LEGAL_WORDS = re.compile(r"\b(corporation|company|corp|inc|ltd|limited|llc|co)\b", re.I)
SERIES = sorted(
    e.name
    for e in ENTRIES
    if re.fullmatch(r"[A-Za-z ]{10,40}", e.name) and not LEGAL_WORDS.search(e.name) and max(len(w) for w in e.name.split()) >= 5
)
NUMERALS = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(SERIES), st.sampled_from(NUMERALS), st.sampled_from(NUMERALS))
def test_only_a_series_number_differs_is_a_match_said_in_why(name, a, b):
    m = external([f"{name} Fund {b} L.P."])
    best = max(m.match(f"{name} Fund {a} L.P.", lists=["XL-000"]), key=lambda r: r.score)
    assert best.decision == "match"
    if a != b:
        assert "series number differs" in best.explanation()


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(SERIES), st.sampled_from(NUMERALS), st.sampled_from(NUMERALS))
def test_a_series_number_does_not_hide_another_word(name, a, b):
    m = external([f"{name} Growth Fund {b} L.P."])
    assert not any(r.decision == "match" for r in m.match(f"{name} Income Fund {a} L.P.", lists=["XL-000"]))


LATIN = sorted((e.name, e.id) for e in ENTRIES if re.fullmatch(r"[A-Za-z0-9 .,&()'-]{6,}", e.name))


def found(matcher: Matcher, name: str, entry_id: str) -> bool:
    twins = {entry_id} | {r.target_id for r in matcher.entries[entry_id].relations if r.relation == "same_as"}
    return any(r.decision == "match" and r.entry.id in twins for r in matcher.match(name, limit=10))


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(LATIN), st.sampled_from(["Consignee: ", "Messrs. ", "SHIPPER: ", "M/s "]))
def test_a_listed_name_after_a_document_label_is_found(matcher, item, label):
    name, entry_id = item
    assume(found(matcher, name, entry_id))  # a name that is a match as written (not a generic body without country)
    assert found(matcher, label + name, entry_id), label + name
    assert strip_label(label + name)[0] == name


def test_ocr_digits_are_read_back_only_inside_words():
    assert ocr_letters("Techn0logies C0rporation") == "Technologies Corporation"
    assert ocr_letters("L3 Harris") is None
    assert ocr_letters("Trust 2004-1") is None
    assert ocr_letters("A350 XWB") is None


def test_korean_given_name_vowel_spellings_are_one_syllable_but_other_syllables_are_not():
    m = external(["Kim Jong Un", "Kim Jong Man"])
    assert [r.decision for r in m.match("Kim Jong On", lists=["XL-000"])][:1] == ["match"]  # 언: eon, on, un
    assert "match" in [r.decision for r in m.match("Kim Jung Un", lists=["XL-000"])]
    assert "match" not in [r.decision for r in m.match("Kim Jong Sik", lists=["XL-001"])]
    assert "match" not in [r.decision for r in m.match("Kim Jong Min", lists=["XL-001"])]

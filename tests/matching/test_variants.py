"""Properties: a listed name written another way is still found; another entity is not.

Generated from the packaged entries (not from the evaluation sets): romaji
with long-vowel marks added or removed, Kunrei-shiki for Hepburn, one
look-alike character swapped in a Japanese name, and - the other way - a
listed name with another country's legal form and another country.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dualuse.matching.matcher import Matcher
from dualuse.refdata import store

ENTRIES = store.load_entries()


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(ENTRIES)


def found(matcher: Matcher, name: str, entry_id: str, country: str | None = None) -> bool:
    """True when ``name`` is a match on the entry (or on its legal-list twin)."""
    twins = {entry_id} | {r.target_id for r in matcher.entries[entry_id].relations if r.relation == "same_as"}
    return any(r.decision == "match" and r.entry.id in twins for r in matcher.match(name, country=country, limit=10))


# curated romaji (the listed-entity file's romaji column), not generated readings
ROMAJI = sorted(
    (form.value, entry.id)
    for entry in ENTRIES
    for form in entry.names
    if form.kind == "romaji" and not (form.source or "").startswith("generated") and re.fullmatch(r"[A-Za-z ]{8,}", form.value)
)
MACRONS = {"ou": "ō", "oo": "ō", "uu": "ū", "aa": "ā", "o": "ô", "u": "û"}


def with_macrons(text: str, which: int) -> str:
    """Long vowels written with macrons or circumflexes (Hepburn/Nihon-shiki habits), one rule per ``which``."""
    rules = list(MACRONS.items())
    pattern, mark = rules[which % len(rules)]
    return re.sub(pattern, mark, text, count=2)


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(ROMAJI), st.integers(min_value=0, max_value=5))
def test_romaji_with_or_without_long_vowel_marks_is_found(matcher, item, which):
    value, entry_id = item
    assert found(matcher, with_macrons(value, which), entry_id), with_macrons(value, which)


HEPBURN_TO_KUNREI = [("shi", "si"), ("chi", "ti"), ("tsu", "tu"), ("fu", "hu"), ("ji", "zi"), ("sha", "sya"), ("shu", "syu"), ("sho", "syo"), ("cha", "tya"), ("chu", "tyu"), ("cho", "tyo"), ("ja", "zya"), ("ju", "zyu"), ("jo", "zyo")]


def kunrei(text: str) -> str:
    out = text.lower()
    for hepburn, kunrei_form in sorted(HEPBURN_TO_KUNREI, key=lambda kv: -len(kv[0])):
        out = out.replace(hepburn, kunrei_form)
    return out


@settings(max_examples=80, deadline=None)
@given(st.sampled_from([item for item in ROMAJI if kunrei(item[0]) != item[0].lower()]))
def test_kunrei_shiki_for_hepburn_is_found(matcher, item):
    value, entry_id = item
    assert found(matcher, kunrei(value), entry_id), kunrei(value)


LOOKALIKES = {"工": "エ", "力": "カ", "口": "ロ", "社": "杜"}
JAPANESE = sorted(
    (form.value, entry.id, i)
    for entry in ENTRIES
    if entry.list in ("CN-ECL", "CN-WL", "JP-MIL", "JP-DEF")
    for form in entry.names
    if form.kind == "official_ja"
    for i, ch in enumerate(form.value)
    if ch in LOOKALIKES and 0 < i < len(form.value) - 1 and "\u4e00" <= form.value[i - 1] <= "\u9fff" and "\u4e00" <= form.value[i + 1] <= "\u9fff"
)


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(JAPANESE))
def test_one_look_alike_character_swapped_is_found(matcher, item):
    value, entry_id, i = item
    typo = value[:i] + LOOKALIKES[value[i]] + value[i + 1 :]
    assert found(matcher, typo, entry_id), typo


FOREIGN_FORMS = {"GmbH": "DE", "plc": "GB", "S.p.A.": "IT", "B.V.": "NL", "Sp. z o.o.": "PL", "OOO": "RU", "Pty Ltd": "AU", "Sdn Bhd": "MY"}
LATIN_LISTED = sorted(
    (entry.name, entry.id, entry.countries[0])
    for entry in ENTRIES
    if entry.countries and re.fullmatch(r"[A-Za-z0-9 .,&()'-]{6,}", entry.name)
)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(LATIN_LISTED), st.sampled_from(sorted(FOREIGN_FORMS)))
def test_a_listed_name_with_another_country_and_legal_form_is_not_a_match(matcher, item, form):
    name, entry_id, country = item
    other = FOREIGN_FORMS[form]
    if other == country:
        other = "BR"
    core = re.sub(r"[, ]+(Co\.?,? ?Ltd\.?|Ltd\.?|Inc\.?|Corporation|Corp\.?|LLC|Limited|Company|AG|GmbH)$", "", name)
    assert not found(matcher, f"{core} {form}", entry_id, country=other), f"{core} {form} [{other}]"

"""Latin readings of Chinese and Japanese names: pinyin and Hepburn romaji.

Invoices and bank messages write a Japanese company in romaji ("Mitsubishi
Juko Koku Enjin") and a Chinese person in pinyin ("Xi Jinping"); lists loaded
by the user (US CSL, OpenSanctions) often carry only the Latin name. So a
name written in Han characters or kana is also compared through its reading:

* :func:`romaji` - Hepburn as read, by cutlet (MIT) with fugashi and
  unidic-lite; and with loanwords in their English spelling.
* :func:`checked_romaji` - a romaji reading that agrees with a known kana
  reading, or the kana reading itself: a generated reading is correct or
  not used (cutlet guesses the readings of rare words and splits kana into
  wrong words: "Mitsubi shijuu kou" for みつびしじゅうこう).
* :func:`pinyin` - Mandarin, by pypinyin (MIT), one syllable per character,
  given names glued as they are written in Latin ("xi jinping").
* :func:`query_readings` / :func:`record_readings` - the readings the
  matcher adds to a query and to a record of an external list; a Korean
  query in Hangul is read by :func:`dualuse.matching.scripts.hangul_readings`.
"""

from __future__ import annotations

import re
from functools import lru_cache

from dualuse.matching.scripts import hangul_readings, hanja_name_readings, is_hangul_syllable
from dualuse.matching.wade_giles import wade_giles_readings
from dualuse.matching.text import is_han, is_kana, loose_latin

_LATIN_WORD = re.compile(r"[a-z0-9]+")


@lru_cache(maxsize=1)
def _cutlets():
    import cutlet

    as_read = cutlet.Cutlet()
    as_read.use_foreign_spelling = False
    foreign = cutlet.Cutlet()
    return as_read, foreign


@lru_cache(maxsize=65536)
def romaji(value: str) -> tuple[str, ...]:
    """Hepburn readings of a Japanese name: as read, and with loanwords in English spelling (if different)."""
    as_read, foreign = _cutlets()
    readings = [as_read.romaji(value)]
    with_foreign = foreign.romaji(value)
    if with_foreign.casefold() != readings[0].casefold():
        readings.append(with_foreign)
    return tuple(r for r in readings if r.strip())


def _key(text: str) -> str:
    """Spelling key of a reading without spaces (long vowels and Kunrei spellings folded)."""
    return loose_latin("".join(_LATIN_WORD.findall(text.casefold())))


def _kana_letters(kana: str) -> str:
    """Hepburn letters of kana, kana by kana (jaconv): deterministic, unlike a reader that guesses words (は as "wa")."""
    import jaconv

    letters = jaconv.kana2alphabet(jaconv.kata2hira(kana))
    # the long-vowel mark lengthens the vowel before it: ターボ -> taabo
    return re.sub(r"([aeiou])-", r"\1\1", letters).replace("-", "")


def kana_reading(kana: str) -> str:
    """The Hepburn letters of a kana reading, one word per script run (ひらがな, カタカナ)."""
    runs = re.findall(r"[\u3040-\u309f]+|[\u30a0-\u30ff]+|[^\u3040-\u30ff]+", kana)
    as_read, _ = _cutlets()
    # hiragana kana by kana; katakana loanwords by cutlet, which spells ジェ/ティ/ファ as je/ti/fa
    words = [
        "".join(_LATIN_WORD.findall((as_read.romaji(run) if "\u30a0" <= run[0] <= "\u30ff" else _kana_letters(run)).casefold()))
        for run in runs
    ]
    return " ".join(w for w in words if w)


_CJK_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff々]+")
_JA_LEGAL_FORMS = ("株式会社", "有限会社", "合同会社", "合名会社", "合資会社", "(株)", "(有)")


def checked_romaji(value: str, kana: str | None, legal_forms: tuple[str, ...] = ()) -> tuple[str, ...]:
    """Romaji readings of ``value`` that are correct, given its curated kana reading.

    Args:
        value: the Japanese name (kanji and kana, maybe Latin letters: IHI, NEC, &).
        kana: the name's reading in kana (without legal form), or ``None``.
        legal_forms: unused romanised legal forms (kept for callers).

    Returns:
        cutlet's readings of ``value`` when the reading of each of its
        Japanese-script parts spells, in order, part of the kana reading
        (long vowels aside; Latin letters are spelt out in the kana and are
        not compared); else the kana reading itself, romanised one script run
        at a time; nothing when there is no kana to check against.
    """
    if not kana:
        return ()
    expected = _key(kana_reading(kana))
    core = value
    for form in _JA_LEGAL_FORMS:
        core = core.replace(form, " ")
    as_read, _ = _cutlets()
    position = 0
    for run in _CJK_RUN.findall(core):
        key = _key(as_read.romaji(run))
        found = expected.find(key, position) if key else position
        if found < 0:
            return (kana_reading(kana),) if expected else ()
        position = found + len(key)
    return romaji(value)


@lru_cache(maxsize=65536)
def pinyin(value: str) -> str:
    """Mandarin reading, one syllable per Han character; Latin parts and digits kept."""
    from pypinyin import lazy_pinyin

    return " ".join(part.strip() for part in lazy_pinyin(value) if part.strip())


def person_pinyin(value: str) -> str:
    """A two- to four-character Chinese personal name as written in Latin: surname, then the given name glued (习近平 -> xi jinping)."""
    syllables = pinyin(value).split()
    if len(syllables) < 2 or len(syllables) != len(value):
        return ""
    return f"{syllables[0]} {''.join(syllables[1:])}"


def has_cjk(value: str) -> bool:
    return any(is_han(ch) or is_kana(ch) for ch in value)


def needs_reading(value: str) -> bool:
    """True when a name is written in a script compared with Latin names through a reading (Han, kana, Hangul)."""
    return (
        has_cjk(value)
        or any(is_hangul_syllable(ch) for ch in value)
        or any("\uff66" <= ch <= "\uff9f" for ch in value)
        or bool(wade_giles_readings(value))
    )


# Japanese legal forms and their short and bank-transfer notations, set aside before a name is read
_JA_FORMS_TO_DROP = re.compile(r"株式会社|有限会社|合同会社|合名会社|合資会社|\((?:株|有|合|同|名|資)\)|(?:カ|ユ|ド)\)|\((?:カ|ユ|ド)(?![\u30a0-\u30ff]*\))")
# the bank-transfer notation writes small ャュョ as large ヤユヨ (シヨ for ショ)
_LARGE_YOON = re.compile(r"(?<=[キシチニヒミリギジビピ])[ヤユヨ]")
_SMALL = str.maketrans("ヤユヨ", "ャュョ")


def reading_input(value: str) -> str:
    """The name as a reader should see it: NFKC (half-width kana), variant kanji folded (髙 -> 高), legal forms set aside."""
    from dualuse.matching.text import nfkc
    from dualuse.matching.vocabulary import vocabulary

    text = vocabulary().folds.before_fold(nfkc(value))
    return " ".join(_JA_FORMS_TO_DROP.sub(" ", text).split())


def query_readings(value: str) -> tuple[str, ...]:
    """Readings to compare a query with Latin names: Hepburn (kana or kanji), pinyin (Han without kana), Korean (Hangul), pinyin of Wade-Giles (:mod:`dualuse.matching.wade_giles`).

    The name is read as :func:`reading_input` gives it; a katakana name in
    the bank-transfer notation (large ヤユヨ after an i-row kana) is also
    read with them small (ｼﾖ = ショ).
    """
    if any(is_hangul_syllable(ch) for ch in value):
        return hangul_readings(value)
    if wade_giles_readings(value):
        return wade_giles_readings(value)
    value = reading_input(value)
    if not has_cjk(value):
        return ()
    found: list[str] = list(romaji(value))
    if _LARGE_YOON.search(value):
        value = _LARGE_YOON.sub(lambda m: m.group(0).translate(_SMALL), value)
        found.extend(romaji(value))
    if any("\u30a1" <= ch <= "\u30fa" for ch in value):
        # a Japanese word in katakana (bank notation, half-width forms) read as
        # one loanword ("Tanakashouji"): read in hiragana too, split into words
        import jaconv

        found.extend(romaji(jaconv.kata2hira(value)))
    if not any(is_kana(ch) for ch in value):
        found.append(pinyin(value))
        glued = person_pinyin(value) if 2 <= len(value) <= 4 and all(is_han(ch) for ch in value) else ""
        if glued:
            found.append(glued)
        # a Korean name in Hanja is read in Korean (金正恩 = Kim Jong Un)
        found.extend(hanja_name_readings(value))
    return tuple(dict.fromkeys(r for r in found if r.strip()))


def record_readings(value: str, japanese: bool = False) -> tuple[str, ...]:
    """Readings added to a CJK name of an external list, cheap enough for a million records.

    Pinyin for a name in Han characters only; the Hepburn letters of the
    kana (kana by kana) for a name with kana. Kanji in a Japanese name are
    not read here (a dictionary reading costs about 0.5 ms a name); a
    Japanese query is read in full (:func:`query_readings`).
    """
    if not has_cjk(value):
        return ()
    found: list[str] = []
    if any(is_kana(ch) for ch in value):
        if all(is_kana(ch) or not is_han(ch) for ch in value):
            found.append(" ".join(_kana_letters(run) if run[:1] and is_kana(run[0]) else run for run in re.findall(r"[\u3040-\u30ff]+|[^\u3040-\u30ff]+", value)))
    else:
        found.append(pinyin(value))
        glued = person_pinyin(value) if 2 <= len(value) <= 4 and all(is_han(ch) for ch in value) else ""
        if glued:
            found.append(glued)
        # a Korean name in Hanja is read in Korean (金正恩 = Kim Jong Un)
        found.extend(hanja_name_readings(value))
    return tuple(dict.fromkeys(r for r in found if r.strip()))

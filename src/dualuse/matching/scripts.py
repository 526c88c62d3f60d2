"""Names in scripts without a one-to-one Latin spelling: Korean Hangul, abjads.

* Hanja (:func:`hanja_name_readings`): a Korean personal name in Han
  characters is read in Korean through Unihan's kHangul readings
  (``hanja_readings.tsv``) and then as Hangul: 金正恩 = 김정은 = Kim Jong Un.
* Hangul (:func:`hangul_readings`): a Korean name is written in Latin with
  conventional spellings, not letter by letter: 김정은 is "Kim Jong Un" (and
  "Kim Jeong Eun"), 박지성 "Park Ji Sung", 이민호 "Lee Min Ho". A reading
  is the Revised Romanization of each syllable (jamo decomposition, Unicode
  3.0 §3.12), the surname in the spellings of ``korean.yaml``, and the
  given name also with the popular vowel spellings (eo -> o or u, eu -> u).
* Abjads and scripts with inherent vowels (Arabic, Hebrew, Syriac, Thai,
  :func:`consonant_key`): the script does not write short vowels, so
  محمد علي transliterates as "mhmd ly" and can only agree with "Mohamed
  Ali" on its consonants. The key is the name's consonants, in order, with
  the letters that stand for long vowels (w, y), vowels, glottal marks and
  doubled letters dropped: "mhmd l" for both.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from functools import lru_cache
from importlib import resources

from dualuse import yamlio
from anyascii import anyascii

_INITIALS = ("g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h")
_MEDIALS = ("a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi", "yu", "eu", "ui", "i")
_FINALS = ("", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t")
# at most this many readings of one Korean name
MAX_HANGUL_READINGS = 12


def is_hangul_syllable(ch: str) -> bool:
    return "\uac00" <= ch <= "\ud7a3"


def _syllable(ch: str) -> str:
    """Revised Romanization of one precomposed Hangul syllable."""
    code = ord(ch) - 0xAC00
    initial, rest = divmod(code, 21 * 28)
    medial, final = divmod(rest, 28)
    return _INITIALS[initial] + _MEDIALS[medial] + _FINALS[final]


def _popular(syllable: str) -> tuple[str, ...]:
    """The syllable as names are often spelt: jeong -> jong, seong -> sung, eun -> un."""
    found = [syllable]
    if "eo" in syllable:
        found += [syllable.replace("eo", "o"), syllable.replace("eo", "u")]
    if "eu" in syllable:
        found.append(syllable.replace("eu", "u"))
    return tuple(dict.fromkeys(found))


@lru_cache(maxsize=1)
def _surnames() -> dict[str, tuple[str, ...]]:
    data = yamlio.safe_load(resources.files("dualuse.matching").joinpath("korean.yaml").read_text(encoding="utf-8"))
    return {str(k): tuple(str(v) for v in values) for k, values in data["surnames"].items()}


@lru_cache(maxsize=1)
def korean_surname_spellings() -> frozenset[str]:
    """Every Latin spelling of a Korean surname in ``korean.yaml`` (kim, lee, ri is not one: 리 is read 이)."""
    return frozenset(spelling for spellings in _surnames().values() for spelling in spellings)


def korean_vowel_key(syllable: str) -> str:
    """A romanised Korean syllable with ㅓ and ㅜ spelt alike: "on", "un" and "eon" all give "on".

    The vowel ㅓ is written eo (Revised Romanization), ŏ (McCune-Reischauer,
    o once the breve is lost) and, in popular spellings, o or u
    (정 Jeong/Jong/Jung, 철 Cheol/Chol/Chul), so a given-name syllable with o
    and one with u may be the same Hangul syllable.
    """
    return syllable.replace("eo", "o").replace("u", "o")


@lru_cache(maxsize=16384)
def hangul_readings(value: str) -> tuple[str, ...]:
    """Latin readings of a name written in Hangul (empty when it has none).

    Each Hangul word is read syllable by syllable; in a name of two to five
    syllables (a personal name) the first one or two are the surname when
    ``korean.yaml`` lists them, spelt its ways, and the given-name syllables
    are spaced apart ("kim jong un"). Other text is kept as written.
    At most ``MAX_HANGUL_READINGS`` readings, the Revised Romanization first.
    """
    value = unicodedata.normalize("NFC", value)
    if not any(is_hangul_syllable(ch) for ch in value):
        return ()
    words = value.split()
    options: list[list[str]] = []
    surnames = _surnames()
    for index, word in enumerate(words):
        if not all(is_hangul_syllable(ch) for ch in word):
            options.append([anyascii(word).lower()])
            continue
        syllables = [_syllable(ch) for ch in word]
        surname = next((word[:k] for k in (2, 1) if index == 0 and 2 <= len(word) <= 5 and len(word) > k and word[:k] in surnames), None)
        if surname is None and index == 0 and len(words) > 1 and word in surnames:
            options.append(list(surnames[word]))
            continue
        if surname is None:
            given = syllables
            heads = [""]
        else:
            given = syllables[len(surname) :]
            heads = [f"{s} " for s in surnames[surname]]
        plain = " ".join(given)
        popular = " ".join(_popular(s)[-1] if "eu" in s else _popular(s)[1] if "eo" in s else s for s in given)
        sung = " ".join(_popular(s)[2] if "eo" in s else _popular(s)[-1] for s in given)
        options.append([h + g for h, g in itertools.product(heads, dict.fromkeys((plain, popular, sung)))])
    readings = [" ".join(parts) for parts in itertools.islice(itertools.product(*options), MAX_HANGUL_READINGS)]
    return tuple(dict.fromkeys(readings))


@lru_cache(maxsize=1)
def _hanja() -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """``{Han character: (Hangul readings, readings for personal names)}`` from ``hanja_readings.tsv`` (Unihan kHangul)."""
    table: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    text = resources.files("dualuse.matching").joinpath("hanja_readings.tsv").read_text(encoding="utf-8")
    for number, line in enumerate(text.splitlines(), 1):
        if not line or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3 or len(parts[0]) != 1 or not parts[1]:
            raise ValueError(f"hanja_readings.tsv line {number}: expected 'character<TAB>readings<TAB>name readings', got {line!r}")
        table[parts[0]] = (tuple(parts[1].split()), tuple(parts[2].split()))
    return table


# a Korean personal name in Hanja has this many characters (surname and given name)
HANJA_NAME_LENGTHS = range(2, 5)


@lru_cache(maxsize=16384)
def hanja_name_readings(value: str) -> tuple[str, ...]:
    """Latin readings of a Korean personal name written in Han characters (金正恩 -> "kim jong un"), or ().

    Only a name of two to four Han characters whose first character (or
    first two) reads as a Korean surname of ``korean.yaml``: the surname in
    its reading for names (Unihan marks 金 김 for names, 금 otherwise; of
    several, one listed as a surname: 李 이 rather than 리), the given name
    in each character's first reading; then read as Hangul
    (:func:`hangul_readings`).
    """
    value = unicodedata.normalize("NFC", value).replace(" ", "")
    if len(value) not in HANJA_NAME_LENGTHS:
        return ()
    table, surnames = _hanja(), _surnames()
    if any(ch not in table for ch in value):
        return ()
    for size in (2, 1):
        if len(value) <= size:
            continue
        candidates = ["".join(p) for p in itertools.product(*((table[ch][1] + table[ch][0]) for ch in value[:size]))]
        surname = next((c for c in candidates if c in surnames), None)
        if surname is not None:
            given = "".join(table[ch][0][0] for ch in value[size:])
            return hangul_readings(surname + given)
    return ()


_ABJAD_RANGES = (
    ("\u0590", "\u05ff"),  # Hebrew
    ("\u0600", "\u06ff"),  # Arabic
    ("\u0700", "\u074f"),  # Syriac
    ("\u0750", "\u077f"),  # Arabic supplement
    ("\u08a0", "\u08ff"),  # Arabic extended-A
    ("\u0e00", "\u0e7f"),  # Thai
    ("\ufb1d", "\ufdff"),  # Hebrew and Arabic presentation forms
    ("\ufe70", "\ufeff"),
)
_NOT_CONSONANTS = re.compile(r"[aeiouwy'`\W\d_]+")
_REPEATED = re.compile(r"(.)\1+")
# fewer consonants than this say too little to stand for a name
MIN_CONSONANTS = 3


def _in_abjad(ch: str) -> bool:
    return any(lo <= ch <= hi for lo, hi in _ABJAD_RANGES)


def is_abjad_name(value: str) -> bool:
    """True when every letter of ``value`` is Arabic, Hebrew, Syriac or Thai."""
    letters = [ch for ch in value if unicodedata.category(ch)[0] == "L"]
    return bool(letters) and all(_in_abjad(ch) for ch in letters)


@lru_cache(maxsize=262144)
def consonant_key(value: str) -> str:
    """The consonants of a name in order, for comparing an abjad spelling with a Latin one.

    Transliterated by anyascii when not Latin; vowels, w and y (long-vowel
    letters of the abjads), glottal marks and separators dropped, doubled
    letters folded; "" when fewer than ``MIN_CONSONANTS`` remain.
    ``consonant_key("محمد علي") == consonant_key("Mohamed Ali") == "mhmdl"``.
    """
    latin = anyascii(unicodedata.normalize("NFKC", value)).casefold()
    key = _REPEATED.sub(r"\1", _NOT_CONSONANTS.sub("", latin))
    return key if len(key) >= MIN_CONSONANTS else ""

"""Character-level normalisation shared by the name analyser.

Everything here is a pure function of a string: Unicode NFKC (full-width
Latin, half-width katakana, ``㈱`` -> ``(株)``), case folding, camel-case
splitting for glued Latin words, folding of traditional Chinese and Japanese
shinjitai characters to simplified Chinese (``業``/``业``, ``電``/``电``,
``衛``/``卫``), and kana normalisation (hiragana to katakana; a "loose" key
without voicing marks, small kana or long-vowel marks for typo-tolerant
comparison).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import jaconv

from dualuse.text.fold import fold_cjk

__all__ = [
    "fold_cjk",
    "is_han",
    "is_kana",
    "katakana",
    "loose_kana",
    "loose_latin",
    "nfkc",
    "split_camel",
]

_CAMEL_LOWER_UPPER = re.compile(r"(?<=[a-z])(?=[A-Z])")
_CAMEL_ACRONYM_WORD = re.compile(r"(?<=[A-Z&])(?=[A-Z][a-z])")
_SMALL_KANA = str.maketrans("ァィゥェォッャュョヮヵヶ", "アイウエオツヤユヨワカケ")
_VOICING_MARKS = {"\u3099", "\u309a"}


def nfkc(text: str) -> str:
    """Unicode NFKC with a few typographic characters mapped to ASCII.

    Full-width Latin letters and digits become ASCII, half-width katakana
    become full-width, ``＆`` becomes ``&`` and ``㈱`` becomes ``(株)``.
    """
    text = unicodedata.normalize("NFKC", text)
    return text.translate(_PUNCT_TO_ASCII)


_PUNCT_TO_ASCII = str.maketrans(
    {
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
        "\u2212": "-", "\u30fc": "\u30fc", "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
        "\u00b7": "・", "\u2022": "・", "\u2027": "・", "\u30fb": "・", "\u3001": ",", "\u3002": ".",
        "\uff64": ",", "\uff61": ".",
    }
)


def split_camel(text: str) -> str:
    """Insert spaces where glued Latin words meet (``FUJIAerospace`` -> ``FUJI Aerospace``).

    Splits at a lower-to-upper case change (``HeavyIndustries``) and between
    an upper-case run and a capitalised word (``E&SCo`` -> ``E&S Co``). Run
    before case folding; it cannot split all-lower-case glued words (the
    analyser's compact key covers those).
    """
    text = _CAMEL_LOWER_UPPER.sub(" ", text)
    return _CAMEL_ACRONYM_WORD.sub(" ", text)


def is_han(ch: str) -> bool:
    """True for CJK unified ideographs (incl. extension A and compatibility forms) and 々."""
    code = ord(ch)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x2FA1F
        or ch == "々"
    )


def is_kana(ch: str) -> bool:
    """True for hiragana, katakana (incl. the long-vowel mark ー) and voicing marks."""
    code = ord(ch)
    return 0x3040 <= code <= 0x30FF or 0x31F0 <= code <= 0x31FF


def katakana(text: str) -> str:
    """Hiragana to full-width katakana (jaconv, incl. ゔ and the iteration marks ゝゞ); other characters unchanged."""
    return jaconv.hira2kata(text)


@lru_cache(maxsize=65536)
def loose_kana(text: str) -> str:
    """Katakana key that ignores voicing marks, small kana and long-vowel marks.

    ``システムズ`` and ``システムス`` (a dropped dakuten), ``ターボチャージャー`` and
    ``ターボチャージャ`` get the same key.
    """
    decomposed = unicodedata.normalize("NFD", katakana(text))
    stripped = "".join(ch for ch in decomposed if ch not in _VOICING_MARKS and ch != "ー")
    return unicodedata.normalize("NFC", stripped).translate(_SMALL_KANA)


_DOUBLE_VOWELS = re.compile(r"(ou|oo|uu|aa|ii|ee)")
_REPEATS = re.compile(r"(.)\1+")


@lru_cache(maxsize=262144)
def loose_latin(token: str) -> str:
    """Spelling-tolerant key for a lower-case Latin token.

    Collapses long vowels the way Hepburn romanisations differ (``juukou``,
    ``jukou``, ``juko`` -> ``juko``), repeated letters (``nippon``/``nipon``)
    and ``&``/``-``. Used only to recognise spelling variants, never for
    display.
    """
    token = token.replace("&", "").replace("-", "")
    token = _DOUBLE_VOWELS.sub(lambda m: m.group(0)[0], token)
    return _REPEATS.sub(r"\1", token)

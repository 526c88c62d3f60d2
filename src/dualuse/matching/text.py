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
from anyascii import anyascii

from dualuse.text.fold import fold_cjk

__all__ = [
    "CharacterFolds",
    "fold_characters",
    "fold_cjk",
    "latinise",
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


_DOUBLE_VOWELS = re.compile(r"(ou|oo|uu|aa|ii|ee|oh(?![aeiouy]))")
_REPEATS = re.compile(r"(.)\1+")
# Kunrei-shiki and Nihon-shiki spellings -> Hepburn (ISO 3602 vs the
# Hepburn of the Japanese passport rules): si/shi, ti/chi, tu/tsu, hu/fu,
# zi/di/ji, du/zu, sya/sha, tya/cha, zya/dya/jya/ja; and the moraic n
# written m before b, m, p (Shimbashi = Shinbashi).
_KUNREI = re.compile(r"sy(?=[auo])|ty(?=[auo])|zy(?=[auo])|dy(?=[auo])|jy(?=[auo])|si|ti|tu|(?<![cs])hu|zi|di|du|m(?=[bp])")
_KUNREI_HEPBURN = {"sy": "sh", "ty": "ch", "zy": "j", "dy": "j", "jy": "j", "si": "shi", "ti": "chi", "tu": "tsu", "hu": "fu", "zi": "ji", "di": "ji", "du": "zu", "m": "n"}


@lru_cache(maxsize=262144)
def loose_latin(token: str) -> str:
    """Spelling-tolerant key for a lower-case Latin token.

    Folds the ways romanised Japanese differs: Kunrei-shiki and Nihon-shiki
    to Hepburn (``zyuko``/``juko``, ``sibaura``/``shibaura``, ``kawajyu``/
    ``kawaju``), long vowels written doubled, with ``h`` or not at all
    (``juukou``, ``jukou``, ``juko``, ``ohno``/``ono`` -> ``juko``, ``ono``;
    macrons and circumflexes are already gone, see :func:`latinise`), then
    repeated letters (``nippon``/``nipon``) and ``&``/``-``. Used only to
    recognise spelling variants, never for display; both sides of a
    comparison get the same key, so English words are folded alike.
    """
    token = token.replace("&", "").replace("-", "")
    token = _KUNREI.sub(lambda m: _KUNREI_HEPBURN[m.group(0)], token)
    token = token.replace("x", "ks")  # transliterations of Cyrillic/Greek: Aleksandr = Alexander
    token = _DOUBLE_VOWELS.sub(lambda m: m.group(0)[0], token)
    return _REPEATS.sub(r"\1", token)


def _is_cjk_or_kana(ch: str) -> bool:
    return is_han(ch) or is_kana(ch) or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"


def _is_hangul(ch: str) -> bool:
    return "\uac00" <= ch <= "\ud7a3" or "\u1100" <= ch <= "\u11ff" or "\u3130" <= ch <= "\u318f"


@lru_cache(maxsize=8192)
def _latin_char(ch: str) -> str:
    """The Latin spelling of one letter, mark or digit of a script other than Latin or CJK ("" for a mark)."""
    return anyascii(ch)


def latinise(text: str) -> str:
    """Latin letters without accents, other alphabets transliterated; Han and kana unchanged.

    ``Société Générale`` -> ``Societe Generale``, ``Jūkō`` -> ``Juko``,
    ``Газпром`` -> ``Gazprom``, ``Αλέξανδρος`` -> ``Alexandros``. Abjads
    (Arabic, Hebrew) come out without the vowels they do not write. Hangul
    is kept: Korean names have conventional Latin spellings (Kim, Park, Lee)
    that a syllable transliteration (gim, bak, i) does not give, and one
    Hangul syllable in a word is a different name (김정은/김종은).
    Transliteration by anyascii (ISC licence); run after :func:`nfkc`.
    """
    if text.isascii():
        return text
    out: list[str] = []
    for i, ch in enumerate(text):
        if ch.isascii() or _is_cjk_or_kana(ch) or _is_hangul(ch) or unicodedata.category(ch)[0] not in "LMN":
            out.append(ch)
            continue
        latin = _latin_char(ch)
        if len(latin) > 1 and ch.isupper() and _upper_beside(text, i):
            # a capital in a word written in capitals: ОБЩЕСТВО is OBSHCHESTVO, not
            # OBShchESTVO (which would split as a camel-case word)
            latin = latin.upper()
        out.append(latin)
    return "".join(out)


def _upper_beside(text: str, i: int) -> bool:
    """The letter before or after position ``i`` is a capital (the word is written in capitals)."""
    return (i > 0 and text[i - 1].isupper()) or (i + 1 < len(text) and text[i + 1].isupper())


class CharacterFolds:
    """The variant and confusable folds of ``characters.yaml`` (see that file).

    Args:
        variants: variant character -> standard character (applied before the
            traditional/simplified fold).
        han: Han look-alike -> canonical Han character (everywhere).
        kana_among_han: katakana letter -> Han character, for a lone katakana
            letter next to Han characters.
        han_among_kana: Han character -> katakana letter, for a lone Han
            character inside a katakana word.
    """

    def __init__(self, variants: dict[str, str], han: dict[str, str], kana_among_han: dict[str, str], han_among_kana: dict[str, str]):
        self.variants = str.maketrans(variants)
        self.han = str.maketrans(han)
        self.kana_among_han = kana_among_han
        self.han_among_kana = han_among_kana
        self._variant_chars = frozenset(variants)

    def before_fold(self, text: str) -> str:
        """Variant characters to their standard form."""
        if not any(ch in self._variant_chars for ch in text):
            return text
        return text.translate(self.variants)

    def after_fold(self, text: str) -> str:
        """Look-alike characters to their canonical form, by context (text already folded and in katakana)."""
        text = text.translate(self.han)
        chars = list(text)
        for i, ch in enumerate(chars):
            before = chars[i - 1] if i > 0 else ""
            after = chars[i + 1] if i + 1 < len(chars) else ""
            if ch in self.kana_among_han:
                lone = not (before and is_kana(before)) and not (after and is_kana(after))
                if lone and ((before and is_han(before)) or (after and is_han(after))):
                    chars[i] = self.kana_among_han[ch]
            elif ch in self.han_among_kana:
                lone = not (before and is_han(before)) and not (after and is_han(after))
                if lone and ((before and is_kana(before)) or (after and is_kana(after))):
                    chars[i] = self.han_among_kana[ch]
        return "".join(chars)


def fold_characters(text: str, folds: CharacterFolds) -> str:
    """Variants, the traditional/simplified fold, look-alikes, then hiragana to katakana (text already case-folded).

    Look-alikes are folded before hiragana becomes katakana, so a hiragana
    particle (と, に, は) is never read as the Han character its katakana
    form resembles.
    """
    return katakana(folds.after_fold(fold_cjk(folds.before_fold(text))))

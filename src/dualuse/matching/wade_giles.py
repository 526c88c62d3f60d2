"""Wade-Giles romanisation of Chinese names read as pinyin ("Mao Tse-tung" -> "mao zedong").

Names of people and places from before pinyin (1958; ISO 7098 since 1982)
and from Taiwan are written in Wade-Giles: "Hsi Chin-p'ing", "Teng
Hsiao-p'ing". A name is read as pinyin only when every word is a
Wade-Giles syllable (or syllables joined by hyphens) and at least one
shows a mark pinyin never writes (hs, ts, tz, an apostrophe, -ih, -ung,
-ieh, -ien, -erh, ssu/szu, ü): ordinary English words are not read.

Rules (Wade-Giles to pinyin, as tabulated in the Library of Congress
Pinyin Conversion Project guidelines, 2000): initials ch'/ch -> q/j
before i and ü, else ch/zh; ts', tz' -> c; ts, tz -> z; hs -> x; k'/k ->
k/g; p'/p -> p/b; t'/t -> t/d; j -> r; finals -ih -> -i, ssu/szu -> si,
tzu -> zi, -ung -> -ong, -ieh -> -ie, -ien -> -ian, -ueh/-üeh -> -ue,
-erh -> er, o after k/h -> e, yu -> you, yü -> yu. Writers drop the
apostrophe, so an unmarked stop is read both ways (at most
``MAX_READINGS`` readings).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from functools import lru_cache

MAX_READINGS = 8
_MARKS = re.compile(r"hs|ts|tz|['’‘]|ih$|ung$|ieh$|ien$|erh$|ssu|szu|ü|ueh$")
_SYLLABLE = re.compile(
    r"^(ch['’]?|ts['’]?|tz['’]?|hs|k['’]?|p['’]?|t['’]?|sh|ss|sz|[bfhjlmnsswy])?"
    r"(a|ai|an|ang|ao|e|ei|en|eng|erh|ê|o|ou|ung|i|ia|iang|iao|ieh|ien|ih|in|ing|iu|iung|u|ua|uai|uan|uang|uei|ui|un|uo|ü|üan|üeh|ueh|ün|yu|u)$"
)


def _finals(initial: str, final: str) -> str:
    final = {"ung": "ong", "iung": "iong", "ieh": "ie", "ien": "ian", "ueh": "ue", "üeh": "ue", "ê": "e", "erh": "er", "uei": "ui", "ih": "i"}.get(final, final)
    if initial in ("k", "k'", "h", "g") and final == "o":
        final = "e"
    return final


def _syllable(word: str) -> list[str] | None:
    """Pinyin readings of one Wade-Giles syllable (None when it is not one)."""
    word = word.replace("’", "'").replace("‘", "'")
    if word in ("ssu", "szu"):
        return ["si"]
    if word in ("tzu", "tsu"):
        return ["zi", "ci"]
    if word in ("tz'u", "ts'u"):
        return ["ci"]
    if word == "erh":
        return ["er"]
    if word.startswith("yu") and word not in ("yu",):
        pass
    if word == "yu":
        return ["you"]
    if word == "yü":
        return ["yu"]
    m = _SYLLABLE.match(word)
    if m is None:
        return None
    initial, final = m.group(1) or "", m.group(2)
    front = final[:1] in ("i", "ü")
    options: list[str]
    if initial in ("ch'",):
        options = ["q" if front else "ch"]
    elif initial == "ch":
        options = ["j", "q"] if front else ["zh", "ch"]
    elif initial in ("ts'", "tz'"):
        options = ["c"]
    elif initial in ("ts", "tz"):
        options = ["z", "c"]
    elif initial == "hs":
        options = ["x"]
    elif initial in ("k'", "p'", "t'"):
        options = [initial[0]]
    elif initial in ("k", "p", "t"):
        options = [{"k": "g", "p": "b", "t": "d"}[initial], initial]
    elif initial == "j":
        options = ["r"]
    else:
        options = [initial]
    if final == "ih":
        final = "i"
    final = _finals(initial.rstrip("'"), final)
    if final.startswith("ü"):
        final = "u" + final[1:]
    return [o + final for o in options]


@lru_cache(maxsize=16384)
def wade_giles_readings(value: str) -> tuple[str, ...]:
    """Pinyin readings of a name written in Wade-Giles, or () when it is not one.

    ``wade_giles_readings("Mao Tse-tung")`` includes ``"mao zedong"``;
    ``"Hsi Chin-p'ing"`` gives ``"xi jinping"``. Syllables joined by a
    hyphen are glued, as pinyin writes a given name.
    """
    text = unicodedata.normalize("NFC", value).casefold()
    words = text.replace(",", " ").split()
    if not words or not text.isascii() and "ü" not in text and "ê" not in text:
        return ()
    if not any(_MARKS.search(part) for w in words for part in w.split("-")):
        return ()
    per_word: list[list[str]] = []
    for word in words:
        parts = [_syllable(part) for part in word.split("-")]
        if any(p is None for p in parts) or not parts:
            return ()
        per_word.append(["".join(c) for c in itertools.islice(itertools.product(*parts), MAX_READINGS)])  # type: ignore[arg-type]
    readings = [" ".join(c) for c in itertools.islice(itertools.product(*per_word), MAX_READINGS)]
    return tuple(dict.fromkeys(readings))

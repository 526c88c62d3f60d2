"""Script and language detection for name forms, alias parsing, deduplication.

``detect_lang`` decides a BCP-47-like tag from the characters alone:

* any kana                                   -> ``ja`` (``ja-Kana`` if no Han)
* Han with a Japanese-only form (発, 沢...)   -> ``ja``
* Han with a simplified-only form (发, 卫...)  -> ``zh-Hans``
* Han with a traditional-only form (國, 學...) -> ``zh-Hant``
* Han mixing traditional-and-Japanese forms (衛) with simplified-and-Japanese
  forms (学) -> ``ja`` (only Japanese mixes them)
* Han that is the same in every script (三菱造船) -> the caller's ``han_default``
* Latin -> ``en``, or ``ja-Latn`` when it contains a common romanised
  Japanese corporate word (Jukogyo, Kogyo, Zosen ...)

The per-character classes come from OpenCC's conversion tables (s2t, t2s,
t2jp, jp2t), so no hand-made character list is needed.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from dualuse.matching.text import is_han
from dualuse.models.reference import NameForm

from .common import name_key

try:  # OpenCC is a declared dependency; keep a crude fallback for safety.
    import opencc

    _S2T = opencc.OpenCC("s2t")
    _T2S = opencc.OpenCC("t2s")
    _T2JP = opencc.OpenCC("t2jp")
    _JP2T = opencc.OpenCC("jp2t")
except Exception:  # pragma: no cover - exercised only without OpenCC
    _S2T = _T2S = _T2JP = _JP2T = None


def _is_han(ch: str) -> bool:
    # 〆 (shime) occurs in Japanese company names only; it marks a name as Japanese here
    return is_han(ch) or ch == "〆"


def _is_kana(ch: str) -> bool:
    cp = ord(ch)
    # Hiragana, Katakana (without the middle dot U+30FB, which Chinese text
    # never uses but which is punctuation anyway), phonetic extensions,
    # half-width katakana.
    return (0x3041 <= cp <= 0x309F) or (0x30A0 <= cp <= 0x30FF and cp != 0x30FB) or (0x31F0 <= cp <= 0x31FF) or (
        0xFF66 <= cp <= 0xFF9F
    )


def _is_latin(ch: str) -> bool:
    return ch.isalpha() and unicodedata.name(ch, "").startswith(("LATIN", "FULLWIDTH LATIN"))


@lru_cache(maxsize=8192)
def _han_class(ch: str) -> str:
    """Classify one Han character: simp_only, trad_only, jp_only, trad_jp, simp_jp, common."""
    if _S2T is None:  # pragma: no cover
        return "common"
    s2t = _S2T.convert(ch)
    t2s = _T2S.convert(ch)
    if s2t != ch:  # a simplified form
        return "simp_jp" if _T2JP.convert(s2t) == ch else "simp_only"
    if t2s != ch:  # a traditional form
        return "trad_jp" if _T2JP.convert(ch) == ch else "trad_only"
    trad = _JP2T.convert(ch)
    # Japanese shinjitai (発) whose Chinese forms differ (發/发); variant-only
    # mappings such as 研 -> 硏 do not count.
    if trad != ch and _T2S.convert(trad) not in (ch, trad):
        return "jp_only"
    return "common"


_ROMAJI_HINTS = {
    "jukogyo", "kogyo", "zosen", "bussan", "shoji", "denki", "seikosho", "seisakusho", "kaisha",
    "kabushiki", "kenkyusho", "daigaku", "daigakko", "sangyo", "kako", "koku", "jidosha", "nenryo",
    "tokki", "shokai", "kosan", "seiki", "gennen", "boei", "jieitai",
}


def detect_lang(value: str, han_default: str = "zh-Hans") -> str:
    """Guess the language/script tag of ``value`` (see module docstring)."""
    has_kana = any(_is_kana(c) for c in value)
    hans = [c for c in value if _is_han(c)]
    if has_kana:
        return "ja" if hans else "ja-Kana"
    if hans:
        classes = {_han_class(c) for c in hans}
        if "jp_only" in classes:
            return "ja"
        if "simp_only" in classes:
            return "zh-Hans"
        if "trad_only" in classes:
            return "zh-Hant"
        if "trad_jp" in classes and "simp_jp" in classes:
            return "ja"
        if "trad_jp" in classes and han_default == "zh-Hans":
            return "zh-Hant"
        if "simp_jp" in classes and han_default == "zh-Hant":
            return "zh-Hans"
        return han_default
    if any(_is_latin(c) for c in value):
        words = {w.casefold() for w in re.findall(r"[A-Za-z]+", value)}
        return "ja-Latn" if words & _ROMAJI_HINTS else "en"
    if any(unicodedata.name(c, "").startswith("HANGUL") for c in value):
        return "ko"
    return "und"


def has_han(value: str) -> bool:
    """True if ``value`` contains a Han character."""
    return any(_is_han(c) for c in value)


# ---------------------------------------------------------------------------
# Alias annotations: "富士重工業 (Fuji Heavy Industries, former name to 2017)"

_ANNOT = re.compile(r"^(?P<value>.*?)\s*[（(](?P<note>[^()（）]*)[)）]\s*$")
_FORMER = re.compile(
    r"former|predecessor|merged|\bto \d{4}\b|\bbefore \d{4}|\b\d{4}\s*[-–]\s*\d{4}\b|\d{4}-\d{4} name|旧称",
    re.IGNORECASE,
)
_NAMEISH = re.compile(r"^[A-Z0-9][A-Za-z0-9&.,'’\- ]*$")


def parse_alias(raw: str) -> list[tuple[str, str, str | None]]:
    """Split one alias cell item into ``(value, kind, annotation)`` tuples.

    A trailing parenthetical is an annotation, not part of the name. If it
    says the name is a former one (``former``, ``predecessor``, ``merged``,
    ``to 2007``, ``2000-2008``...), the kind is ``former``, otherwise
    ``alias``. When such a former-name annotation starts with a Latin name
    (``Fuji Heavy Industries, former name to 2017``), that English form is
    returned as a second ``former`` name.
    """
    text = raw.strip()
    m = _ANNOT.match(text)
    if not m or not m.group("value").strip():
        return [(text, "alias", None)] if text else []
    value, note = m.group("value").strip(), m.group("note").strip()
    is_former = bool(_FORMER.search(note))
    out: list[tuple[str, str, str | None]] = [(value, "former" if is_former else "alias", note)]
    if is_former:
        head = re.split(r"[,;]", note, maxsplit=1)[0].strip()
        if head and _NAMEISH.match(head) and not _FORMER.search(head) and len(head) >= 3:
            out.append((head, "former", note))
    return out


# ---------------------------------------------------------------------------
# Deduplication

_KIND_RANK = {
    "primary": 0,
    "annex_zh": 1,
    "official_ja": 2,
    "local": 3,
    "kana": 4,
    "romaji": 5,
    "zh_variant": 6,
    "former": 7,
    "alias": 8,
}


def dedupe(forms: list[NameForm]) -> list[NameForm]:
    """Drop repeated written forms (case/width-insensitive), keeping the most authoritative kind.

    The surviving form keeps its first position; empty values are dropped.
    """
    best: dict[str, NameForm] = {}
    order: list[str] = []
    for form in forms:
        if not form.value.strip():
            continue
        key = name_key(form.value)
        if key not in best:
            best[key] = form
            order.append(key)
        elif _KIND_RANK[form.kind] < _KIND_RANK[best[key].kind]:
            best[key] = form
    return [best[k] for k in order]

"""Countries as people write them: ISO codes, names in four languages, customs codes.

:func:`parse_country` turns ``JP``, ``JPN``, ``Japan``, ``日本``, ``日本国``,
``米国``, ``美國``, ``116`` (the Chinese customs code) or ``日本(JPN)`` into
the ISO 3166-1 alpha-2 code. Sources:

* ISO 3166-1 alpha-2: :mod:`dualuse.models.countries`;
* alpha-3 codes and the names in English, simplified and traditional Chinese
  and Japanese: the Unicode CLDR as shipped by Babel (territory aliases of
  the "overlong" kind, and each locale's territory names);
* the Chinese customs numeric codes and the names CLDR does not print:
  ``countries.yaml`` next to this module (each group cites its source).

ISO 3166-1 numeric codes are not read (they clash with the customs codes).
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from importlib import resources
from typing import Any

from dualuse import yamlio

from dualuse.models.countries import ISO_3166_ALPHA2

COUNTRY_EXPECTED = (
    "expected a country: an ISO 3166-1 code (JP, JPN), a name in English, Chinese or Japanese "
    "(Japan, 日本, 米国) or a Chinese customs code (116)"
)
LOCALES = ("en", "zh", "zh_Hant", "ja")
"""CLDR locales whose territory names are accepted."""

# "日本（地区）", "中国(地区)": the customs form's own qualifier, not part of the name
_REGION_SUFFIX = re.compile(r"[(（]\s*地区\s*[)）]|[(（]\s*地區\s*[)）]")
_SPLIT = re.compile(r"[\s()（）\[\]【】/|,，、;；:：\-_]+")


def fold_country(text: str) -> str:
    """Fold a country spelling for lookup: NFKC, case, no spaces or punctuation.

    >>> fold_country(" U.S.A. ")
    'usa'
    """
    folded = _REGION_SUFFIX.sub("", unicodedata.normalize("NFKC", text)).casefold()
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] not in "PZSC")


class CountryIndex:
    """Folded spelling -> ISO alpha-2, with the spellings that name two countries kept out."""

    def __init__(self, spellings: dict[str, str], ambiguous: dict[str, set[str]]) -> None:
        self.spellings = spellings
        self.ambiguous = ambiguous

    def lookup(self, text: str) -> str | None:
        """The alpha-2 code ``text`` names, or ``None``."""
        return self.spellings.get(fold_country(text))

    def suggest(self, text: str) -> str | None:
        """A close spelling (for "did you mean"), or ``None``."""
        folded = fold_country(text)
        if len(folded) < 4:
            return None
        close = difflib.get_close_matches(folded, [k for k in self.spellings if len(k) >= 4], n=1, cutoff=0.85)
        return close[0] if close else None


def _add(target: dict[str, str], clashes: dict[str, set[str]], spelling: str, code: str) -> None:
    key = fold_country(spelling)
    if not key:
        return
    if key in clashes:
        clashes[key].add(code)
        return
    other = target.get(key)
    if other is not None and other != code:
        clashes[key] = {other, code}
        del target[key]
        return
    target[key] = code


@functools.lru_cache(maxsize=1)
def country_index() -> CountryIndex:
    """The packaged index (CLDR names and codes, customs codes, curated aliases), built once.

    Kept in the artefact cache (:mod:`dualuse.artefacts`: keyed by the Babel
    version and this package's source and ``countries.yaml``), so a command
    does not read four CLDR locales at every start.
    """
    from dualuse.artefacts import cached

    return cached("country-index", "", _build_country_index)


def _build_country_index() -> CountryIndex:
    """Build the :func:`country_index` from Babel's CLDR data and ``countries.yaml``."""
    from babel import Locale
    from babel.core import get_global

    names: dict[str, str] = {}
    clashes: dict[str, set[str]] = {}
    for locale in LOCALES:
        for code, name in Locale.parse(locale).territories.items():
            if code in ISO_3166_ALPHA2:
                _add(names, clashes, name, code)
    spec = yamlio.safe_load(resources.files("dualuse.values").joinpath("countries.yaml").read_text(encoding="utf-8"))
    curated: dict[str, str] = {}
    for group in spec.get("aliases") or ():
        for code, spellings in (group.get("names") or {}).items():
            if code not in ISO_3166_ALPHA2:
                raise ValueError(f"countries.yaml: {code!r} is not an ISO 3166-1 alpha-2 code")
            for spelling in spellings:
                key = fold_country(str(spelling))
                if curated.get(key, code) != code:
                    raise ValueError(f"countries.yaml: {spelling!r} is listed for {curated[key]} and {code}")
                curated[key] = code
    for key, code in curated.items():  # curated names settle CLDR clashes
        clashes.pop(key, None)
        names[key] = code
    codes: dict[str, str] = {}
    for alias, replacement in get_global("territory_aliases").items():
        if len(alias) == 3 and alias.isalpha() and len(replacement) == 1 and replacement[0] in ISO_3166_ALPHA2:
            codes[alias.casefold()] = replacement[0]
    for number, code in ((spec.get("customs_codes") or {}).get("codes") or {}).items():
        if str(code) not in ISO_3166_ALPHA2:
            raise ValueError(f"countries.yaml: customs code {number} maps to {code!r}, not an ISO alpha-2 code")
        codes[str(number)] = str(code)
    for code in ISO_3166_ALPHA2:
        codes[code.casefold()] = code
    # codes win over names of the same spelling ("AND" is Andorra's code; no name is that short)
    return CountryIndex({**names, **codes}, clashes)


def parse_country(value: Any) -> str:
    """The ISO 3166-1 alpha-2 code a cell or string names.

    A value that joins a code and a name (``日本(JPN)``, ``JP - Japan``) is
    accepted when every part names the same country.

    Raises:
        ValueError: empty, unknown, ambiguous, or parts naming different
            countries; the message says what was expected.
    """
    if type(value) is str:  # a file names the same few countries on every row: each spelling read once
        found = _PARSED.get(value)
        if found is None:
            found = _parse_country(value)
            if len(_PARSED) >= 10_000:
                _PARSED.clear()
            _PARSED[value] = found
        return found
    return _parse_country(value)


_PARSED: dict[str, str] = {}
"""Spellings already read by :func:`parse_country` -> their code (only spellings that name a country)."""


def _parse_country(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        raise ValueError(COUNTRY_EXPECTED)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text:
        raise ValueError(COUNTRY_EXPECTED)
    index = country_index()
    found = index.lookup(text)
    if found is not None:
        return found
    key = fold_country(text)
    if key in index.ambiguous:
        raise ValueError(f"{COUNTRY_EXPECTED}; {text!r} names more than one country "
                         f"({', '.join(sorted(index.ambiguous[key]))}): write the ISO code")
    parts = [p for p in _SPLIT.split(_REGION_SUFFIX.sub("", text)) if p]
    if len(parts) > 1:
        resolved = {index.lookup(p) for p in parts}
        if None not in resolved and len(resolved) == 1:
            return resolved.pop()  # type: ignore[return-value]
        if None not in resolved:
            raise ValueError(f"{COUNTRY_EXPECTED}; {text!r} names different countries ({', '.join(sorted(resolved))})")  # type: ignore[arg-type]
    suggestion = index.suggest(text)
    if suggestion is not None:
        return_hint = f'; did you mean {index.spellings[suggestion]} ("{suggestion}")?'
        raise ValueError(COUNTRY_EXPECTED + return_hint)
    raise ValueError(COUNTRY_EXPECTED)

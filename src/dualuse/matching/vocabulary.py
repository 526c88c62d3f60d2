"""The analyser's word lists, loaded once from the YAML files beside this module.

* ``legal_forms.yaml``  legal forms set aside before comparison (plus the
  forms of rigour's org-type table, converted into ``dualuse/data/legal_forms.json``)
* ``terms.yaml``        generic words, qualifiers, country words,
  abbreviations, spelling variants and CJK terms with concept tokens
* ``address_words.yaml`` words that mark an address tail
* ``characters.yaml``   variant and look-alike character folds

All CJK entries are folded to simplified characters on load so that the
files may be written in any script.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import json

import yaml

from dualuse import yamlio

from dualuse.matching.text import CharacterFolds, fold_characters, latinise, nfkc, split_camel


@dataclass(frozen=True, eq=False)
class Vocabulary:
    """Word lists used by :mod:`dualuse.matching.analyze`.

    Attributes:
        latin_legal_forms: token sequences (tuples of lower-case tokens),
            longest first.
        latin_leading: token sequences dropped only at the start of a name.
        cjk_legal_forms: folded CJK strings, longest first.
        generic: low-weight tokens.
        qualifiers: tokens that mark a different organisation of a group.
        latin_countries: country word (may be two tokens joined by a space)
            -> ISO code or region tag.
        cjk_countries: folded CJK country word -> code.
        abbreviations: short form -> expansion (one token).
        spellings: variant spelling -> canonical token.
        numbers: number word or ordinal word -> its value.
        cjk_terms: folded CJK term -> concept tokens (may be empty: the term
            is dropped), longest first.
        address_suffixes, address_words, address_places, cjk_address_markers:
            address recognition.
        site_words, cjk_site_words: words naming a site (plant, base) that
            end a part written after the name.
        latin_forms_by_first: Latin legal forms grouped by their first token
            (longest first), for fast lookup.
        latin_form_strings: Latin legal forms as space-joined strings.
        cjk_by_first_char: CJK terms (kind ``term``, with concept tokens) and
            country words (kind ``country``) by first character, longest first.
        folds: the character folds of ``characters.yaml``.
        government_latin, government_cjk: words of generic government-body
            names (``government_bodies`` in ``terms.yaml``), the CJK ones
            longest first.
        legal_form_classes: legal form without spaces -> (kind, countries of
            the legal systems that have it; empty: any), see ``legal_forms.yaml``.
    """

    latin_legal_forms: tuple[tuple[str, ...], ...]
    latin_leading: tuple[tuple[str, ...], ...]
    cjk_legal_forms: tuple[str, ...]
    generic: frozenset[str]
    qualifiers: frozenset[str]
    latin_countries: dict[str, str]
    cjk_countries: dict[str, str]
    abbreviations: dict[str, str]
    spellings: dict[str, str]
    numbers: dict[str, int]
    cjk_terms: dict[str, tuple[str, ...]]
    address_suffixes: tuple[str, ...]
    address_words: frozenset[str]
    address_places: frozenset[str]
    cjk_address_markers: tuple[str, ...]
    site_words: frozenset[str]
    cjk_site_words: tuple[str, ...]
    latin_forms_by_first: dict[str, tuple[tuple[str, ...], ...]]
    latin_form_strings: frozenset[str]
    cjk_by_first_char: dict[str, tuple[tuple[str, str, tuple[str, ...]], ...]]
    folds: CharacterFolds
    legal_form_classes: dict[str, tuple[str, frozenset[str]]]
    government_latin: frozenset[str]
    government_cjk: tuple[str, ...]
    cjk_places: frozenset[str] = frozenset()


def _by_first_token(forms: list[tuple[str, ...]]) -> dict[str, tuple[tuple[str, ...], ...]]:
    grouped: dict[str, list[tuple[str, ...]]] = {}
    for form in forms:  # already longest first
        grouped.setdefault(form[0], []).append(form)
    return {first: tuple(group) for first, group in grouped.items()}


def _cjk_by_first_char(
    cjk_terms: dict[str, tuple[str, ...]], countries: dict, fold
) -> dict[str, tuple[tuple[str, str, tuple[str, ...]], ...]]:
    """CJK terms and country words by first character, longest first; terms win over countries."""
    entries: list[tuple[str, str, tuple[str, ...]]] = [(t, "term", c) for t, c in cjk_terms.items()]
    entries += [(fold(str(w)), "country", ()) for w in countries]
    grouped: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {}
    for entry in sorted(entries, key=lambda e: (-len(e[0]), e[1] != "term")):
        grouped.setdefault(entry[0][0], []).append(entry)
    return {first: tuple(group) for first, group in grouped.items()}


def _is_cjk(ch: str) -> bool:
    return "\u3040" <= ch <= "\u30ff" or "\u3400" <= ch <= "\u9fff"


def _rigour_forms() -> list[str]:
    """Legal forms converted from rigour's org-type table (``dualuse/data/legal_forms.json``), if built."""
    path = resources.files("dualuse.data").joinpath("legal_forms.json")
    if not path.is_file():
        return []
    return list(json.loads(path.read_text(encoding="utf-8"))["forms"])


def _read(name: str) -> dict:
    return yamlio.safe_load(resources.files("dualuse.matching").joinpath(name).read_text(encoding="utf-8"))


# Locales whose one-word country names are country words too ("Schweiz",
# "España", "Nederland", "Россия" in transliteration), besides English.
COUNTRY_NAME_LOCALES = ("en", "de", "fr", "es", "it", "nl", "pt", "sv", "da", "nb", "fi", "pl", "ru")


def _babel_countries() -> dict[str, str]:
    """One-word country names -> ISO code, from the CLDR territory names that Babel ships (BSD licence)."""
    from babel import Locale

    from dualuse.models.countries import is_country_code

    found: dict[str, str] = {}
    for locale in COUNTRY_NAME_LOCALES:
        for code, name in Locale.parse(locale).territories.items():
            if len(code) != 2 or not is_country_code(code):
                continue
            words = latin_tokens(name)
            if len(words) == 1 and words[0].isalpha() and len(words[0]) >= 4:
                found.setdefault(words[0], code)
    return found


def _folds(data: dict) -> CharacterFolds:
    confusables = data.get("confusables") or {}
    return CharacterFolds(
        variants={str(k): str(v) for k, v in (data.get("variants") or {}).items()},
        han={str(k): str(v) for k, v in (confusables.get("han") or {}).items()},
        kana_among_han={str(k): str(v) for k, v in (confusables.get("kana_among_han") or {}).items()},
        han_among_kana={str(k): str(v) for k, v in (confusables.get("han_among_kana") or {}).items()},
    )


def latin_tokens(form: str) -> tuple[str, ...]:
    """A Latin-script vocabulary entry as the analyser's tokens (other alphabets transliterated)."""
    text = split_camel(latinise(nfkc(form))).casefold()
    return tuple(t for t in text.replace(".", " ").split() if t)


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """Load and cache the vocabulary (raises ``yaml.YAMLError`` on a malformed file).

    Built from the packaged YAML files, CLDR (babel) and rigour once per
    engine version (their contents and versions are in the engine key), then
    read from the artefact cache (:mod:`dualuse.artefacts`).
    """
    from dualuse.artefacts import cached

    return cached("vocabulary", "", _build_vocabulary)


def _build_vocabulary() -> Vocabulary:
    legal = _read("legal_forms.yaml")
    terms = _read("terms.yaml")
    address = _read("address_words.yaml")
    folds = _folds(_read("characters.yaml"))

    def fold_cjk(text: str) -> str:  # the analyser's own character fold, for CJK entries
        return fold_characters(nfkc(text).casefold(), folds)

    latin = {latin_tokens(" ".join(str(t) for t in form)) for form in legal["latin"]}
    cjk = {fold_cjk(str(f)) for f in legal["cjk"]}
    for form in _rigour_forms():
        if any(_is_cjk(ch) for ch in form):
            if len(form) >= 2 and " " not in form:
                cjk.add(fold_cjk(form))
        else:
            latin.add(latin_tokens(form))
    latin.discard(())
    latin_forms = sorted(latin, key=len, reverse=True)
    cjk_forms = sorted(cjk, key=len, reverse=True)
    cjk_terms = {
        fold_cjk(str(term)): tuple(str(concept).split()) for term, concept in (terms.get("cjk_terms") or {}).items()
    }
    return Vocabulary(
        latin_legal_forms=tuple(latin_forms),
        latin_leading=tuple(latin_tokens(" ".join(str(t) for t in form)) for form in legal.get("latin_leading", [])),
        cjk_legal_forms=tuple(cjk_forms),
        generic=frozenset(str(t) for t in terms["generic"]),
        qualifiers=frozenset(str(t) for t in terms["qualifiers"]),
        latin_countries={**_babel_countries(), **{str(k): str(v) for k, v in terms["countries"]["latin"].items()}},
        cjk_countries={fold_cjk(str(k)): str(v) for k, v in terms["countries"]["cjk"].items()},
        abbreviations={str(k): str(v) for k, v in terms["abbreviations"].items()},
        spellings={str(k): str(v) for k, v in terms["spellings"].items()},
        numbers={str(k): int(v) for k, v in (terms.get("numbers") or {}).items()},
        cjk_terms=dict(sorted(cjk_terms.items(), key=lambda kv: len(kv[0]), reverse=True)),
        address_suffixes=tuple(str(s).lstrip("-") for s in address["suffixes"]),
        address_words=frozenset(str(w) for w in address["words"]),
        address_places=frozenset(str(w) for w in address["places"]),
        cjk_places=frozenset(fold_cjk(str(w)) for w in address.get("cjk_places", [])),
        cjk_address_markers=tuple(fold_cjk(str(m)) for m in address["cjk_markers"]),
        site_words=frozenset(str(w) for w in address["site_words"]),
        latin_forms_by_first=_by_first_token(latin_forms),
        latin_form_strings=frozenset(" ".join(form) for form in latin_forms),
        cjk_by_first_char=_cjk_by_first_char(cjk_terms, terms["countries"]["cjk"], fold_cjk),
        cjk_site_words=tuple(fold_cjk(str(w)) for w in address["cjk_site_words"]),
        folds=folds,
        legal_form_classes={
            (fold_cjk(str(k)) if any(_is_cjk(ch) for ch in str(k)) else "".join(latin_tokens(str(k)))): (str(v[0]), frozenset(str(c) for c in v[1]))
            for k, v in (legal.get("classes") or {}).items()
        },
        government_latin=frozenset(str(w) for w in (terms.get("government_bodies") or {}).get("latin", [])),
        government_cjk=tuple(sorted({fold_cjk(str(w)) for w in (terms.get("government_bodies") or {}).get("cjk", [])}, key=len, reverse=True)),
    )

"""Query terms for item search: languages, the terminology bridge, chemical elements.

A description in Chinese, Japanese or English is analysed into the terms the
catalogue index uses (:mod:`dualuse.classification.search`):

* Chinese: character bigrams after folding traditional/Japanese characters
  to simplified (:func:`dualuse.text.fold.fold_cjk`), plus one ``el:`` term
  per chemical element named;
* Japanese: segmented with fugashi/UniDic; katakana loanwords give their
  English spelling (UniDic lemma, サマリウム -> samarium), kanji words are
  folded into Chinese bigrams, Latin words are kept;
* English: lower-cased, plural-stripped words;
* CAS registry numbers (``cas:7664-39-3``) in any language.

``terminology.yaml`` (element names and technical terms in the three
languages) bridges the languages: it translates words, never codes.

Term prefixes: ``~`` a term obtained through the terminology from another
language (weighs half); ``^`` a word that says little about what the item is
- a form, pack or grade word (bar, strain, vial, grade) or the stated purpose
("for MOCVD", "電池負極用") - (weighs 0.3); ``?`` a term that counts only if
some entry has it.
"""

from __future__ import annotations

import functools

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from dualuse import yamlio

from dualuse.text.fold import fold_cjk

_KANA = re.compile(r"[\u3040-\u30ff]")
_CJK = re.compile(r"[\u3400-\u9fff]")
_KATAKANA_WORD = re.compile(r"^[\u30a0-\u30ff]+$")

_STOP = frozenset(
    "a an and or of the for with in on by to its their including incl other others than more less not nor as at "
    "from into under over this that these those any all such be is are was were which whether than n e c nes "
    "high low grade type quality standard industrial pure goods good item items article articles product products "
    "sample samples various general misc part parts".split()
)

# --------------------------------------------------------------------------- terminology


@dataclass(frozen=True)
class _Concept:
    zh: tuple[str, ...]
    en: tuple[str, ...]
    ja: tuple[str, ...]
    element: bool
    symbol: str = ""


@lru_cache(maxsize=1)
def _concepts() -> tuple[_Concept, ...]:
    data = yamlio.safe_load(resources.files("dualuse.classification").joinpath("terminology.yaml").read_text(encoding="utf-8"))
    out = [_Concept((zh,), (en.lower(),), (ja,), True, symbol) for zh, en, ja, symbol in data["elements"]]
    for zh, en, ja in data["terms"]:
        out.append(_Concept(tuple(zh.split("|")), tuple(e.lower() for e in en.split("|")), tuple(ja.split("|")), False))
    return tuple(out)


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ses", "xes", "ches", "shes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


_JOINED = re.compile(r"[a-z0-9]+(?:[-,'’][a-z0-9]+)+")


def _en_terms(text: str) -> list[str]:
    low = unicodedata.normalize("NFKC", text).casefold()
    words = re.findall(r"[a-z][a-z0-9]*", low)
    out = ["en:" + _stem(w) for w in words if w not in _STOP and len(w) > 1]
    # chemical names are written with and without hyphens (di-isopropylamine, diisopropylamine)
    for run in _JOINED.findall(low):
        joined = re.sub(r"[-,'’]", "", run)
        if len(joined) > 5 and re.search(r"[a-z]{3}", joined):
            out.append("en:" + _stem(joined))
    return out


_CAS = re.compile(r"(?<![\d-])(\d{2,7})-(\d{2})-(\d)(?![\d-])")


def cas_terms(text: str) -> list[str]:
    """CAS registry numbers in a text as ``cas:`` terms (``CAS 7664-39-3`` -> ``cas:7664-39-3``)."""
    return [f"cas:{a}-{b}-{c}" for a, b, c in _CAS.findall(unicodedata.normalize("NFKC", text))]


def _zh_terms(text: str) -> list[str]:
    folded = fold_cjk(unicodedata.normalize("NFKC", text))
    folded = re.sub(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])", "", folded)
    terms: list[str] = []
    for run in re.findall(r"[\u3400-\u9fff]+", folded):
        if len(run) == 1:
            terms.append("zh:" + run)
        else:
            terms.extend("zh:" + run[i : i + 2] for i in range(len(run) - 1))
    elements = {c.zh[0] for c in _concepts() if c.element}
    terms.extend("el:" + ch for ch in folded if ch in elements and ch != "金")
    return terms


# English element name ending -> the stem its compounds are named from (oxygen -> oxide, tungsten -> tungstate)
_ELEMENT_STEMS = (("ygen", "") , ("ogen", ""), ("enum", ""), ("orus", ""), ("ium", ""), ("ine", ""), ("um", ""), ("en", ""), ("on", ""), ("ur", ""), ("ic", ""), ("y", ""))
# anion suffixes per stem; -ate/-ite of nitrogen (nitrate, nitrite: 硝酸, 亚硝酸) name no element in Chinese,
# and a "hydrate" is water of crystallisation (水合), not a hydrogen compound
_ANION_SUFFIXES = ("ide", "ate", "ite")
_NO_OXOANION = frozenset({"nitrogen", "hydrogen"})
_MULTIPLIER = r"(?:mono|di|tri|tetra|penta|hexa|hepta|octa|sesqui|per|hypo|sub)?"


@lru_cache(maxsize=None)
def element_compound_forms(name: str) -> tuple[str, ...]:
    """English words that name a compound of an element the way Chinese names do (氧化 oxide, 锗酸 germanate).

    ``oxygen`` -> ``oxide``; ``tungsten`` -> ``tungstide, tungstate, tungstite``; ``carbon`` -> ``carbide,
    carbonate ...``. Chinese compound names print the element of the anion (氧化钨, 锗酸铋, 碳化钨), so an
    English description must name it too for the elements to agree. Words of fewer than five letters
    and stems of fewer than three (iron: "irate"), the oxo-anions of nitrogen (硝酸 names no element) and
    "hydrate" are not formed.
    """
    stems = []
    for ending, _ in _ELEMENT_STEMS:
        if name.endswith(ending) and len(name) - len(ending) >= 3:
            stems.append(name[: -len(ending)])
            break
    if name.endswith(("on", "ur")) and len(name) > 4:
        stems.append(name)  # carbonate, sulfurate
    out = []
    for stem in stems:
        for suffix in _ANION_SUFFIXES:
            if name in _NO_OXOANION and suffix != "ide":
                continue
            word = stem + suffix
            if len(word) >= 5 and word != name:
                out.append(word)
    return tuple(dict.fromkeys(out))


@functools.lru_cache(maxsize=4)
def _concept_forms(lang: str) -> tuple[tuple[str, _Concept, re.Pattern[str], bool], ...]:
    """The forms :func:`_concept_hits` looks for in a ``lang`` text, longest first, with their compiled
    pattern and whether they are searched in the text as written (Japanese forms) rather than folded."""
    forms: list[tuple[str, _Concept]] = []
    for c in _concepts():
        if lang == "en":
            forms.extend((e, c) for e in c.en)
            if c.element:
                forms.extend((e, c) for e in element_compound_forms(c.en[0]))
        elif lang == "ja":
            forms.extend((j, c) for j in c.ja if j)
            forms.extend((z, c) for z in c.zh if len(z) > 1 or c.element)
        else:
            forms.extend((z, c) for z in c.zh if (len(z) > 1 or c.element) and z != "金")
            forms.extend((fold_cjk(j), c) for j in c.ja if len(j) > 1 and _CJK.search(j) and not _KANA.search(j))
    out = []
    for form, concept in sorted(forms, key=lambda fc: -len(fc[0])):
        if lang == "en":
            # element compound words may carry a multiplier (dioxide, trichloride): it precedes the form
            prefix = _MULTIPLIER if concept.element and form not in concept.en else ""
            pattern = r"(?<![a-z])" + prefix + re.escape(form) + r"s?(?![a-z])"
        else:
            pattern = re.escape(form)
        out.append((form, concept, re.compile(pattern), lang == "ja" and form in concept.ja))
    return tuple(out)


def _concept_hits(text: str, lang: str) -> list[tuple[_Concept, str]]:
    """Concepts of ``terminology.yaml`` named in ``text`` (longest forms first), with the form found."""
    hits: list[tuple[_Concept, str]] = []
    low = unicodedata.normalize("NFKC", text).casefold()
    folded = fold_cjk(unicodedata.normalize("NFKC", text))
    taken: list[tuple[int, int]] = []
    for form, concept, pattern, as_written in _concept_forms(lang):
        where = low if lang == "en" else text if as_written else folded
        if form not in where:  # every match of the pattern contains the form: skip the regex
            continue
        for m in pattern.finditer(where):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            taken.append((m.start(), m.end()))
            if all(h[0] is not concept for h in hits):
                hits.append((concept, form))
    return hits


def _concept_terms(concept: _Concept, with_en: bool) -> list[str]:
    """Catalogue-language terms of a concept: ``el:`` for an element, bigrams for words
    (a one-character word counts only where some entry has it: ``?zh:锭``)."""
    out: list[str] = []
    for z in concept.zh:
        if concept.element:
            out.append("el:" + z)
        elif len(z) == 1:
            out.append("?zh:" + z)
        else:
            out.extend(_zh_terms(z))
    if with_en:
        for e in concept.en[:1]:
            out.extend(_en_terms(e))
    return out


@lru_cache(maxsize=1)
def _tagger():
    import fugashi

    return fugashi.Tagger()


def _ja_terms(text: str) -> tuple[list[str], list[str]]:
    """Japanese: terminology forms -> their Chinese/English terms; katakana loanwords -> English
    (UniDic lemma spelling, サマリウム -> samarium); remaining kanji -> folded Chinese bigrams.

    Returns:
        ``(terms, covered)``: full-weight terms, and terms (marked ``?``) that
        count only if some entry has them.
    """
    terms: list[str] = []
    rest = text
    hits = _concept_hits(text, "ja")
    for concept, form in hits:
        # as in Chinese, a word the terminology explains counts only where some entry has it
        terms.extend(t if t.startswith("?") else "?" + t for t in _concept_terms(concept, True))
        if concept.element and _KATAKANA_WORD.match(form):
            # an element named before 酸 forms a compound name as in Chinese (ゲルマニウム酸 = 锗酸 germanate)
            rest = re.sub(re.escape(form) + r"(?=酸)", concept.zh[0], rest)
        rest = rest.replace(form, " ")
    # a katakana name of which the terminology explains only a part (サキシ|トキシン, ジ|イソプロピル|アミン):
    # the whole name in its English spelling too (cutlet: saxitoxin, diisopropylamine), where an entry has it
    for run in _KATAKANA_RUN.findall(text):
        if any(form in run and form != run for _, form in hits):
            terms.extend("?" + t for t in _en_terms(katakana_english(run)))
    kanji_runs: list[str] = []
    for word in _tagger()(rest):
        surface = word.surface
        lemma = getattr(word.feature, "lemma", None) or ""
        if _KATAKANA_WORD.match(surface):
            if "-" in lemma:
                terms.extend(_en_terms(lemma.split("-", 1)[1]))
            kanji_runs.append(" ")
        elif _CJK.search(surface):
            kanji_runs.append(surface)
        else:
            kanji_runs.append(" ")
    terms.extend(_zh_terms("".join(kanji_runs)))
    terms.extend(_en_terms(" ".join(re.findall(r"[A-Za-z][A-Za-z0-9-]*", unicodedata.normalize("NFKC", text)))))
    return terms, []


_KATAKANA_RUN = re.compile(r"[\u30a0-\u30ff]{4,}")


@lru_cache(maxsize=4096)
def katakana_english(word: str) -> str:
    """A katakana loanword in its English spelling where cutlet (MIT) knows it (サキシトキシン -> ``saxitoxin``),
    else its Hepburn reading; one word, lower case."""
    from dualuse.matching.readings import _cutlets

    _, foreign = _cutlets()
    return "".join(foreign.romaji(word).split()).casefold()


_SYMBOL_RUN = re.compile(r"(?<![A-Za-z])((?:[A-Z][a-z]?\d*[-–/]?){2,})(?![A-Za-z])")


def symbol_elements(text: str) -> set[str]:
    """Elements written as symbols in chemical notation (``NdFeB``, ``Tb-Dy-Fe``, ``GaAs``, ``Tb4O7``).

    Only runs of two or more symbols with at least one lower-case letter or a
    hyphen are read, so grades and acronyms (``N35``, ``45SH``, ``UAV``) are not.
    """
    symbols = {c.symbol: c.en[0] for c in _concepts() if c.element and c.symbol}
    found: set[str] = set()
    for run in _SYMBOL_RUN.findall(unicodedata.normalize("NFKC", text)):
        if not (re.search(r"[a-z]", run) or "-" in run):
            continue
        parts = re.findall(r"[A-Z][a-z]?", run)
        if parts and all(p in symbols for p in parts):
            found.update(symbols[p] for p in parts)
    return found


# English words that say how an item is packed, shaped or graded, not what it is
FORM_WORDS = frozenset(
    "bar bars rod rods round rounds sheet sheets plate plates strip strips block blocks piece pieces lump lumps "
    "granule granules pellet pellets chip chips bead beads shot strain strains culture cultures isolate isolates "
    "sample samples specimen specimens vial vials ampoule ampoules bottle bottles bag bags carton cartons drum drums "
    "box boxes set sets kit kits unit units model size sizes grade grades research reference commercial technical "
    "laboratory lab new used spare flakes forged cast rolled drawn demonstrator prototype live freeze dried "
    "anhydrous solution aqueous industrial electronic powder powders".split()
)
# the same in Chinese (and Japanese kanji, folded): how the item is dissolved, hydrated, packed or sampled
FORM_WORDS_ZH = ("水溶液", "溶液", "水合物", "样品", "试剂")
# English words for the appearance or hydration state of a substance, not what it is
APPEARANCE_WORDS = frozenset(
    "yellow white black red green blue grey gray brown colourless colorless crystalline amorphous "
    "hydrate hydrates monohydrate dihydrate trihydrate hexahydrate".split()
)
_PURPOSE_EN = re.compile(r"\b(?:for|used\s+(?:in|for)|intended\s+for|suitable\s+for)\b([^,;()]*)", re.I)
_PURPOSE_CJK = re.compile(r"(?:用于|用於|適用于|適用於)([^，,；;（(]*)|([\u3040-\u30ff\u3400-\u9fffA-Za-z0-9]{2,}?)(?:用|向け)(?=$|[\s，,、；;）)])")


def split_purpose(text: str) -> tuple[str, str]:
    """Split a description into the item and its stated purpose.

    ``trimethylindium for MOCVD`` -> (``trimethylindium``, ``MOCVD``);
    ``球状黒鉛 リチウムイオン電池負極用`` -> (``球状黒鉛``, ``リチウムイオン電池負極``).
    The purpose says where the item goes, not what it is, so it weighs less.
    """
    norm = unicodedata.normalize("NFKC", text)
    purpose: list[str] = []

    def take(m: re.Match) -> str:
        purpose.append(next(g for g in m.groups() if g is not None) if m.groups() else m.group(0))
        return " "

    item = _PURPOSE_CJK.sub(take, norm) if _CJK.search(norm) or _KANA.search(norm) else norm
    item = _PURPOSE_EN.sub(take, item)
    if not item.strip():
        return norm, ""
    return " ".join(item.split()), " ".join(" ".join(purpose).split())


def query_terms(text: str) -> tuple[str, list[str]]:
    """The language of a query and its search terms (see :func:`_query_terms`); memoised per text, because a
    batch repeats the same goods descriptions (and HS texts) thousands of times."""
    lang, terms = _memo_query_terms(text)
    return lang, list(terms)


@functools.lru_cache(maxsize=65536)
def _memo_query_terms(text: str) -> tuple[str, tuple[str, ...]]:
    lang, terms = _query_terms(text)
    return lang, tuple(terms)


def _query_terms(text: str) -> tuple[str, list[str]]:
    """The language of a query (``zh``, ``ja`` or ``en``) and its search terms.

    Prefixes: ``~`` marks a term obtained through ``terminology.yaml`` from
    another language (weighs half); ``^`` a form/pack/grade word or a word of
    the stated purpose (weighs 0.3, see :func:`split_purpose`); ``?`` marks a
    term that counts only if some entry has it (a word the terminology
    already explains, e.g. 锑锭 = 锑 + 锭).
    """
    item, purpose = split_purpose(text)
    lang, terms = _item_terms(item)
    terms = [("^" + t) if t.lstrip("~?").startswith("en:") and t.lstrip("~?")[3:] in _FORM_STEMS else t for t in terms]
    if lang in ("zh", "ja"):
        folded = fold_cjk(unicodedata.normalize("NFKC", item))
        forms = [f for f in FORM_WORDS_ZH if f in folded]
        terms = [("^" + t) if t.startswith(("zh:", "?zh:")) and any(t.lstrip("?")[3:] in f for f in forms) else t for t in terms]
    # two-letter words (symbols of a grade, Ti-6Al-4V) count only where some entry has them
    terms = [("?" + t) if t.startswith("en:") and len(t) <= 5 else t for t in terms]
    terms.extend(cas_terms(text))
    if purpose:
        _, extra = _item_terms(purpose)
        present = {t.lstrip("~?^") for t in terms}
        terms.extend("^" + t.lstrip("^") for t in extra if t.lstrip("~?^") not in present)
    if _KANA.search(text):
        lang = "ja"
    return lang, terms


def _item_terms(text: str) -> tuple[str, list[str]]:
    """:func:`query_terms` without the purpose split."""
    if _KANA.search(text):
        lang = "ja"
        terms, _ = _ja_terms(text)
        bridged: list[str] = []
    else:
        lang = "zh" if _CJK.search(text) else "en"
        hits = _concept_hits(text, lang)
        if lang == "zh":
            covered: dict[int, int] = {}  # position -> the concept hit covering it
            folded = fold_cjk(unicodedata.normalize("NFKC", text))
            for n, (_, form) in enumerate(hits):
                for m in re.finditer(re.escape(form), folded):
                    covered.update((p, n) for p in range(m.start(), m.end()) if p not in covered)
            terms = []
            for run in re.finditer(r"[\u3400-\u9fff]+", folded):
                chars = run.group()
                if len(chars) == 1:
                    terms.append("zh:" + chars)
                for k in range(len(chars) - 1):
                    gram = "zh:" + chars[k : k + 2]
                    pos = run.start() + k
                    if pos in covered and pos + 1 in covered:
                        # inside one concept's form: explained by it; across two (铪|金属 -> 铪金): a junction, no claim
                        gram = ("?" if covered[pos] == covered[pos + 1] else "^?") + gram
                    terms.append(gram)
            terms += [t for t in _zh_terms(folded) if t.startswith("el:")]
            terms += _en_terms(text)
            # the concept's other Chinese forms (金属 -> 海绵): a synonym the text does not write counts only where some entry has it
            synonyms = [t for c, _ in hits for t in _concept_terms(c, False) if t not in terms]
            terms += [t if t.startswith(("?", "el:")) or t[3:] in folded else "?" + t for t in dict.fromkeys(synonyms)]
            # Japanese kanji words written without kana (天然鱗状黒鉛) are explained by the terminology
            for c, form in hits:
                if form in {fold_cjk(j) for j in c.ja}:
                    terms = [("?" + t) if t.startswith("zh:") and t[3:] in form else t for t in terms]
            bridged = [t for c, _ in hits for t in _en_terms(c.en[0])]
        else:
            words = _en_terms(text)
            explained = {t for c, _ in hits for e in c.en for t in _en_terms(e)}
            terms = [("?" + w) if w in explained else w for w in words]
            bridged = [t for c, _ in hits for t in _concept_terms(c, False)] + [t for c, _ in hits for t in _en_terms(c.en[0])]
    for name in symbol_elements(text):
        concept = next(c for c in _concepts() if c.element and c.en[0] == name)
        bridged.extend(_zh_terms(concept.zh[0]) + _en_terms(name))
    plain = {t.lstrip("?") for t in terms}
    terms.extend("~" + t for t in dict.fromkeys(bridged) if t not in plain)
    return lang, terms


def term_elements(terms: Iterable[str]) -> set[str]:
    """The chemical elements a list of search terms names (as ``el:`` terms; purpose words excluded)."""
    return {t.lstrip("~?")[3:] for t in terms if not t.startswith("^") and t.lstrip("~?").startswith("el:")}


_FORM_STEMS = frozenset(_stem(w) for w in FORM_WORDS | APPEARANCE_WORDS)



@lru_cache(maxsize=1)
def one_character_words() -> frozenset[str]:
    """One-character Chinese words of the terminology (锭 ingot, 矿 ore, 靶 target, 炉 furnace ...)."""
    return frozenset(z for c in _concepts() if not c.element for z in c.zh if len(z) == 1)


def head_word(text: str) -> str | None:
    """The word that names an English item: the last content word of its first phrase.

    ``Ti-6Al-4V titanium alloy round bar, 120 mm`` -> ``alloy`` (form words,
    words with digits and stop words are skipped); ``None`` for Chinese or
    Japanese text with kanji, or when no such word is left.
    """
    if _CJK.search(text):
        return None
    item, _ = split_purpose(text)
    first = re.split(r"[,;(（]", unicodedata.normalize("NFKC", item))[0]
    words = re.findall(r"[A-Za-z][A-Za-z0-9-]*", first)
    phrases = {e for c in _concepts() for e in c.en if " " in e}
    for k in range(len(words) - 1, -1, -1):
        low = words[k].casefold()
        if k > 0 and f"{words[k - 1].casefold()} {low}" in phrases:
            return f"{words[k - 1]} {words[k]}"  # a terminology phrase (crystal bar, test stand) names the item as a whole
        if re.search(r"\d", low) or len(low) < 3 or low in _STOP or _stem(low) in _FORM_STEMS:
            continue
        return words[k]
    return None

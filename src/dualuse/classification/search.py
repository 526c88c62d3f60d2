"""Classify an item query: control code, HS code, or a description in Chinese, Japanese or English.

``CatalogueSearch().lookup(query)`` returns ranked candidate entries and a status:

* ``controlled``        the query is a listed item: a control code in force,
  an HS code tied to one parameter-free entry (or one family of them), or a
  description whose best entry is parameter-free or whose thresholds the
  query's numbers meet;
* ``needs_parameters``  candidates exist, but the technical parameters that
  decide (purity, endurance, range ...) are not given, or the HS code is
  shared by several entries or by listed and unlisted goods; the parameters
  still needed are reported;
* ``not_controlled``    nothing in the list corresponds, the query's
  parameters fail every candidate's thresholds, or the entry is suspended
  or not yet in force on the date.

**Retrieval method** (descriptions): Okapi BM25 (k1 = 1.2, b = 0.75;
Robertson and Zaragoza, "The Probabilistic Relevance Framework: BM25 and
Beyond", 2009) over one index of field-tagged terms per entry:

* Chinese: character bigrams of the entry's clean name (weight 3), its
  parent headings and keywords (1) and the catalogue text (1), after folding
  traditional/Japanese characters to simplified (:func:`fold_cjk`), plus one
  term per chemical element named;
* English: words (lower-cased, plural-stripped) of the curated English name
  (weight 3) and of the HS 2022 descriptions of the entry's reference HS codes.

A query is analysed into the same terms: Chinese text into bigrams;
Japanese text is segmented with fugashi/UniDic, katakana loanwords give their
English spelling (UniDic lemma, e.g. サマリウム -> samarium) and kanji words
are folded into Chinese bigrams; English text gives words. Every language is
also bridged through ``terminology.yaml`` (element names and material terms,
e.g. 酸化 -> 氧化 / oxide), which translates words, never codes. A
candidate's score is its *coverage*: the share of the query's information
(idf-weighted terms) the entry contains, times a chemical-element agreement
factor (an entry lacking an element the query names counts half); BM25
orders entries of equal coverage. Entries below
:data:`MIN_DESCRIPTION_SCORE` are not candidates, and a description decides
``controlled`` only above :data:`MIN_CONTROLLED_SCORE`.
Numbers with units are taken out of the text first and matched to the
candidates' thresholds (:mod:`dualuse.classification.parameters`).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources

import yaml

from dualuse.classification.codes import is_code, normalise_code
from dualuse.classification.items import Catalogue
from dualuse.classification.parameters import QueryParameters, assign, evaluate, parse_quantities
from dualuse.models.reference import ControlEntry
from dualuse.text.fold import fold_cjk

BM25_K1 = 1.2
BM25_B = 0.75
NAME_BOOST = 3
MIN_DESCRIPTION_SCORE = 0.35  # coverage of the query's information; below: not a candidate
CLOSE_SCORE = 0.85  # candidates within this share of the best one are kept together
COMPETE_SCORE = 0.9  # a candidate with thresholds this close to a threshold-free best one makes the result depend on parameters
MIN_CONTROLLED_SCORE = 0.4  # a description decides `controlled` only above this coverage
HS_TEXT_SCORE = 0.3  # an HS description must cover this share with an entry's *name* to make it a candidate
RESTATES_HS_SHARE = 0.8  # share of a description's words found in its own HS code's text for it to add nothing to the code
UNKNOWN_TERM_IDF = 6.0  # weight of a query term no entry has (it still counts in the best possible score)
_HS = re.compile(r"^\s*(?:HS\s*(?:code)?\s*[:：]?\s*)?(\d{4})[.\s]?(\d{2})(?:[.\s]?(\d{2}))?(?:[.\s]?(\d{2}))?\s*$", re.I)
_KANA = re.compile(r"[\u3040-\u30ff]")
_CJK = re.compile(r"[\u3400-\u9fff]")
_KATAKANA_WORD = re.compile(r"^[\u30a0-\u30ff]+$")
_STOP = frozenset(
    "a an and or of the for with in on by to its their including incl other others than more less not nor as at "
    "from into under over this that these those any all such be is are was were which whether than n e c nes "
    "high low grade type quality standard industrial pure goods good item items article articles product products "
    "sample samples various general misc part parts".split()
)


@dataclass(frozen=True)
class Candidate:
    """A control-list entry proposed for a query.

    Attributes:
        code: control code.
        score: relevance in [0, 1] (1 for an exact code or HS match).
        name: trusted Chinese item name, if any.
        hs_codes: the entry's reference HS codes.
        why: how the entry was found.
        name_en: English item name, if any.
        decision: the entry's thresholds against the query: ``met``,
            ``not_met``, ``unknown`` or ``none`` (no thresholds).
        needed: parameters still needed to decide the entry.
        checks: each threshold with the value used, in words.
        status_on_date: the entry's status on the lookup date.
    """

    code: str
    score: float
    name: str | None
    hs_codes: tuple[str, ...]
    why: str
    name_en: str | None = None
    decision: str = "none"
    needed: tuple[str, ...] = ()
    checks: tuple[str, ...] = ()
    status_on_date: str = "in_force"


@dataclass(frozen=True)
class Lookup:
    """Result of a lookup.

    Attributes:
        query: the query as given.
        kind: ``control_code``, ``hs_code`` or ``description``.
        status: ``controlled``, ``needs_parameters`` or ``not_controlled``.
        candidates: ranked candidates (best first).
        explanation: one sentence for the reviewer.
        needed: parameters that decide, when ``needs_parameters``.
        as_of: the date entry statuses were evaluated at.
    """

    query: str
    kind: str
    status: str
    candidates: tuple[Candidate, ...]
    explanation: str = ""
    needed: tuple[str, ...] = ()
    as_of: dt.date | None = None


def hs_digits(query: str) -> str | None:
    """The digits of an HS code written with or without dots (``2846.90.1500``, ``HS 2805301300``), else ``None``."""
    match = _HS.match(unicodedata.normalize("NFKC", query))
    if not match:
        return None
    return "".join(part for part in match.groups() if part)


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
    data = yaml.safe_load(resources.files("dualuse.classification").joinpath("terminology.yaml").read_text(encoding="utf-8"))
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


def _tariff_key(text: str) -> str:
    """Text reduced to its lower-case words, for comparing a description with the HS wording."""
    return " ".join(re.findall(r"[a-z0-9]+", unicodedata.normalize("NFKC", text or "").casefold()))


def _en_terms(text: str) -> list[str]:
    words = re.findall(r"[a-z][a-z0-9]*", unicodedata.normalize("NFKC", text).casefold())
    return ["en:" + _stem(w) for w in words if w not in _STOP and len(w) > 1]


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


def _concept_hits(text: str, lang: str) -> list[tuple[_Concept, str]]:
    """Concepts of ``terminology.yaml`` named in ``text`` (longest forms first), with the form found."""
    hits: list[tuple[_Concept, str]] = []
    low = unicodedata.normalize("NFKC", text).casefold()
    folded = fold_cjk(unicodedata.normalize("NFKC", text))
    forms: list[tuple[str, _Concept]] = []
    for c in _concepts():
        if lang == "en":
            forms.extend((e, c) for e in c.en)
        elif lang == "ja":
            forms.extend((j, c) for j in c.ja if j)
            forms.extend((z, c) for z in c.zh if len(z) > 1 or c.element)
        else:
            forms.extend((z, c) for z in c.zh if (len(z) > 1 or c.element) and z != "金")
            forms.extend((fold_cjk(j), c) for j in c.ja if len(j) > 1 and _CJK.search(j) and not _KANA.search(j))
    taken: list[tuple[int, int]] = []
    for form, concept in sorted(forms, key=lambda fc: -len(fc[0])):
        if lang == "en":
            pattern = r"(?<![a-z])" + re.escape(form) + r"s?(?![a-z])"
            where = low
        else:
            pattern = re.escape(form)
            where = text if lang == "ja" and form in concept.ja else folded
        for m in re.finditer(pattern, where):
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
    for concept, form in _concept_hits(text, "ja"):
        terms.extend(_concept_terms(concept, True))
        rest = rest.replace(form, " ")
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
    return terms, []


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


def query_terms(text: str) -> tuple[str, list[str]]:
    """The language of a query (``zh``, ``ja`` or ``en``) and its search terms.

    Prefixes: ``~`` marks a term obtained through ``terminology.yaml`` from
    another language (weighs half); ``?`` marks a term that counts only if
    some entry has it (a word the terminology already explains, e.g. 锑锭 =
    锑 + 锭).
    """
    if _KANA.search(text):
        lang = "ja"
        terms, _ = _ja_terms(text)
        bridged: list[str] = []
    else:
        lang = "zh" if _CJK.search(text) else "en"
        hits = _concept_hits(text, lang)
        if lang == "zh":
            covered = set()
            folded = fold_cjk(unicodedata.normalize("NFKC", text))
            for _, form in hits:
                for m in re.finditer(re.escape(form), folded):
                    covered.update(range(m.start(), m.end()))
            terms = []
            for run in re.finditer(r"[\u3400-\u9fff]+", folded):
                chars = run.group()
                if len(chars) == 1:
                    terms.append("zh:" + chars)
                for k in range(len(chars) - 1):
                    gram = "zh:" + chars[k : k + 2]
                    pos = run.start() + k
                    terms.append(("?" + gram) if pos in covered and pos + 1 in covered else gram)
            terms += [t for t in _zh_terms(folded) if t.startswith("el:")]
            terms += _en_terms(text)
            terms += [t for c, _ in hits for t in _concept_terms(c, False) if t not in terms]
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
    """The chemical elements a list of search terms names (as ``el:`` terms)."""
    return {t.lstrip("~?")[3:] for t in terms if t.lstrip("~?").startswith("el:")}


def _doc_terms(entry: ControlEntry, hs6: dict[str, str]) -> Counter[str]:
    terms: Counter[str] = Counter()
    names_zh = [entry.name_zh] if entry.name_trusted and entry.name_zh else []
    for name in names_zh:
        for t in _zh_terms(name):
            terms[t] += NAME_BOOST
    for text in [*entry.family_zh, *entry.keywords, entry.excerpt or ""]:
        for t in _zh_terms(text):
            terms[t] += 1
    if entry.name_en:
        for t in _en_terms(entry.name_en):
            terms[t] += NAME_BOOST
    for text in entry.family_en:
        for t in _en_terms(text):
            terms[t] += 1
    for sub in sorted({h[:6] for h in entry.hs_codes}):
        for t in set(_en_terms(hs6.get(sub, ""))):
            terms[t] += 1
    return terms


def _entry_elements(entry: ControlEntry) -> set[str]:
    """Chemical elements the entry's item name names (its own name, else its headings)."""
    names = [entry.name_zh] if entry.name_trusted and entry.name_zh else list(entry.family_zh)
    text = re.sub(r"非\s*\d[A-E]\d{3}\S*?项下(?:管制)?的?", "", " ".join(n for n in names if n))
    found = term_elements(_zh_terms(text))
    return found


# --------------------------------------------------------------------------- search


class CatalogueSearch:
    """Code, HS and description lookup over the control list.

    Args:
        entries: control entries (export part; import entries are ignored).
        hs6: HS 2022 descriptions ``{6-digit code: text}``; default: the packaged ones.
    """

    def __init__(self, entries: Iterable[ControlEntry], hs6: dict[str, str] | None = None):
        if hs6 is None:
            from dualuse.refdata import store

            hs6 = store.load_hs6()
        self.hs6 = hs6
        self._tariff_index: dict[str, str | None] | None = None
        self.catalogue = Catalogue(entries)
        self._docs: list[ControlEntry] = list(self.catalogue.by_code.values())
        self._tf = [_doc_terms(e, hs6) for e in self._docs]
        df: Counter[str] = Counter()
        for tf in self._tf:
            df.update(tf.keys())
        self._postings: dict[str, list[int]] = defaultdict(list)
        for i, tf in enumerate(self._tf):
            for term in tf:
                self._postings[term].append(i)
        n = max(len(self._docs), 1)
        self._idf = {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}
        self._lengths = [sum(tf.values()) for tf in self._tf]
        self._elements = [_entry_elements(e) for e in self._docs]
        self._name_terms = [
            set(_en_terms(" ".join([e.name_en or "", *e.family_en])))
            | set(_zh_terms(" ".join([e.name_zh or "" if e.name_trusted else "", *e.family_zh])))
            for e in self._docs
        ]
        self._complements = {}
        for e in self._docs:
            m = re.search(r"非\s*(\d[A-E]\d{3}(?:\.[a-z0-9]+)*)", e.name_zh or "")
            if m and e.name_trusted:
                self._complements.setdefault(m.group(1), set()).add(e.code)
        self._avg = sum(self._lengths) / n if self._lengths else 1.0

    # -- public -------------------------------------------------------------

    def tariff_code_of(self, description: str) -> str | None:
        """The HS 2022 subheading (6 digits) whose tariff wording ``description`` is, word for word; else None.

        A description that is exactly a subheading's text (case, spacing and
        punctuation aside) identifies the goods as precisely as declaring that
        6-digit code would; it is then classified as that code (entries whose
        reference codes lie under it are candidates). Any other description
        is searched as text.
        """
        key = _tariff_key(description)
        if not key:
            return None
        if self._tariff_index is None:
            index: dict[str, str | None] = {}
            for code, text in self.hs6.items():
                if len(code) == 6:
                    k = _tariff_key(text)
                    index[k] = None if k in index and index[k] != code else code  # a wording shared by two subheadings decides nothing
            self._tariff_index = index
        return self._tariff_index.get(key)

    def restates_hs(self, description: str, hs_code: str) -> bool:
        """True when ``description`` is the tariff wording of ``hs_code`` itself (its HS 2022 subheading or heading).

        Customs declarations often carry the tariff text as the goods
        description. Such a description adds nothing to the declared code:
        when the code is not a reference code of any entry, the description
        must not bring back the entries whose *other* reference codes share
        that wording (the national 10-digit codes are what tell a listed item
        from the rest of its subheading). At least 80% of the description's
        English words (stop words aside) must occur in the subheading's or
        heading's text; a description in Chinese or Japanese never restates
        the English HS text.
        """
        digits = re.sub(r"\D", "", hs_code or "")
        words = set(_en_terms(description))
        if len(digits) < 6 or not words or _CJK.search(description) or _KANA.search(description):
            return False
        tariff = set(_en_terms(" ".join(self.hs6.get(digits[:n], "") for n in (6, 4))))
        return len(words & tariff) >= RESTATES_HS_SHARE * len(words)

    def with_entries(self, replacements: dict[str, ControlEntry]) -> "CatalogueSearch":
        """The same index with the entries of the given codes replaced by versions with other dates or statuses.

        The index depends on the entries' texts only, so it is shared; only
        the status and date logic sees the replacements. ``self`` is untouched.
        """
        import copy

        clone = copy.copy(self)
        clone.catalogue = self.catalogue.with_entries(replacements)
        clone._docs = [replacements.get(e.code, e) for e in self._docs]
        return clone

    def lookup(self, query: str, limit: int = 5, as_of: dt.date | None = None, parameters: dict | None = None) -> Lookup:
        """Classify ``query`` (a control code, an HS code or a description).

        Args:
            query: the text as written.
            limit: maximum number of candidates returned.
            as_of: date for suspensions and entry dates (default: today).
            parameters: technical parameters known from elsewhere
                (``ItemLine.parameters``); they win over numbers in the text.

        Returns:
            A :class:`Lookup`.

        Raises:
            ValueError: the query is empty.
        """
        if not query or not query.strip():
            raise ValueError("the item query is empty")
        day = as_of or dt.date.today()
        if is_code(query):
            return self._by_code(query, limit, day, parameters or {})
        digits = hs_digits(query)
        if digits is not None:
            return self._by_hs(query, digits, limit, day, parameters or {})
        return self._by_description(query, limit, day, parameters or {})

    def search(self, text: str) -> list[tuple[ControlEntry, float]]:
        """Entries ranked by BM25 for a description (no status logic), best first."""
        _, terms = query_terms(text)
        return [(self._docs[i], s) for i, s in self._bm25(terms, term_elements(terms))]

    # -- kinds --------------------------------------------------------------

    def _candidate(self, entry: ControlEntry, score: float, why: str, day: dt.date, qp: QueryParameters | None, given: dict) -> Candidate:
        values = dict(assign(entry.parameters, qp)) if qp is not None else {}
        values.update({k: v for k, v in given.items() if v is not None})
        ev = evaluate(entry.parameters, values)
        return Candidate(
            code=entry.code,
            score=round(score, 4),
            name=entry.name_zh if entry.name_trusted else None,
            hs_codes=tuple(entry.hs_codes),
            why=why,
            name_en=entry.name_en,
            decision=ev.result,
            needed=ev.missing,
            checks=tuple(c.describe() for c in ev.checks),
            status_on_date=entry.status_on(day),
        )

    def _by_code(self, query: str, limit: int, day: dt.date, given: dict) -> Lookup:
        code = normalise_code(query) or query
        entries = self.catalogue.entries_for_code(code)
        if not entries:
            return Lookup(query, "control_code", "not_controlled", (), f"{code} is not a code of China's control list (2026 catalogue or item announcements)", as_of=day)
        qp = parse_quantities(query)
        cands = tuple(self._candidate(e, 1.0, f"control code {code}", day, qp, given) for e in entries)
        live = [c for c in cands if c.status_on_date == "in_force"]
        if not live:
            states = ", ".join(sorted({c.status_on_date for c in cands}))
            return Lookup(query, "control_code", "not_controlled", cands[:limit], f"{code} is a listed code but {states} on {day}", as_of=day)
        decided = [c for c in live if c.decision != "not_met"]
        if given and not decided:
            return Lookup(query, "control_code", "not_controlled", cands[:limit], f"{code}: the given parameters fail its thresholds", as_of=day)
        return Lookup(query, "control_code", "controlled", cands[:limit], f"{code} is a listed dual-use item in force on {day}", as_of=day)

    def _by_hs(self, query: str, digits: str, limit: int, day: dt.date, given: dict) -> Lookup:
        qp = QueryParameters()
        entries = self.catalogue.entries_for_hs(digits)
        if not entries and len(digits) < 10:
            return self._hs_description(query, digits, limit, day, given)
        if not entries:
            return Lookup(query, "hs_code", "not_controlled", (), f"HS {digits} is not a reference customs code of any listed entry", as_of=day)
        score = 1.0 if len(digits) >= 10 else 0.8
        cands = [self._candidate(e, score, f"reference HS code {digits}", day, qp, given) for e in entries]
        cands = [c for c in cands if c.status_on_date == "in_force"] or cands
        live = [c for c in cands if c.status_on_date == "in_force"]
        if not live:
            return Lookup(query, "hs_code", "not_controlled", tuple(cands[:limit]), f"HS {digits}: the entries are not in force on {day}", as_of=day)
        families = {c.code[:5] for c in live}
        open_ = [c for c in live if c.decision in ("none", "met")]
        if len(open_) == len(live) and len(families) == 1:
            status, why = "controlled", f"HS {digits} is a reference code of {', '.join(c.code for c in live[:4])} (no technical thresholds)"
        elif given and all(c.decision == "not_met" for c in live):
            status, why = "not_controlled", f"HS {digits}: the given parameters fail the thresholds of every entry"
        else:
            status = "needs_parameters"
            why = (
                f"HS {digits} is shared by {len(live)} entries ({', '.join(c.code for c in live[:6])})"
                if len(families) > 1 or len(live) > 1
                else f"HS {digits} is the reference code of {live[0].code}, which has technical thresholds"
            )
        needed = tuple(dict.fromkeys(n for c in live for n in c.needed))
        return Lookup(query, "hs_code", status, tuple(live[:limit]), why, needed if status == "needs_parameters" else (), day)

    def _hs_description(self, query: str, digits: str, limit: int, day: dt.date, given: dict) -> Lookup:
        """A 6/8-digit HS code no entry lists: search with the HS 2022 description of its subheading."""
        text = self.hs6.get(digits[:6])
        if not text:
            return Lookup(query, "hs_code", "not_controlled", (), f"HS {digits} is not a reference customs code of any listed entry", as_of=day)
        _, terms = query_terms(text)
        plain = {t.lstrip("~?") for t in terms}
        ceiling = sum(self._idf.get(t, UNKNOWN_TERM_IDF) for t in plain) or 1.0
        ranked = []
        for i, _ in self._bm25(terms, term_elements(terms)):
            cover = sum(self._idf[t] for t in plain & self._name_terms[i]) / ceiling  # the item *names*, not their HS texts
            if cover >= HS_TEXT_SCORE:
                ranked.append((i, cover))
        ranked.sort(key=lambda kv: -kv[1])
        if not ranked:
            return Lookup(query, "hs_code", "not_controlled", (), f"HS {digits} ({text[:60]}) is not a reference code of any entry and its description matches none", as_of=day)
        best = ranked[0][1]
        cands = [self._candidate(self._docs[i], s * 0.8, f"HS 2022 description of {digits[:6]}: {text[:60]}", day, None, given) for i, s in ranked if s >= CLOSE_SCORE * best]
        cands = [c for c in cands if c.status_on_date == "in_force"]
        if not cands:
            return Lookup(query, "hs_code", "not_controlled", (), f"HS {digits}: no entry in force", as_of=day)
        return Lookup(
            query, "hs_code", "needs_parameters", tuple(cands[:limit]),
            f"HS {digits} is not a reference code of any entry, but its description ({text[:60]}) matches listed items: classify by what the item is",
            tuple(dict.fromkeys(n for c in cands for n in c.needed)), day,
        )

    def _by_description(self, query: str, limit: int, day: dt.date, given: dict) -> Lookup:
        qp = parse_quantities(query)
        _, terms = query_terms(qp.text or query)
        elements = term_elements(terms)
        for name, flag in (("contains_tb", "铽"), ("contains_dy", "镝")):
            if flag in elements and name not in qp.flags:
                qp.flags[name] = True
        ranked = [(i, s) for i, s in self._bm25(terms, elements) if s >= MIN_DESCRIPTION_SCORE]
        if not ranked:
            return Lookup(query, "description", "not_controlled", (), "the description matches no listed item", as_of=day)
        cands = [self._candidate(self._docs[i], s, "description (BM25)", day, qp, given) for i, s in ranked[: max(limit, 10)]]
        cands = [c for c in cands if c.status_on_date == "in_force"]
        if not cands:
            return Lookup(query, "description", "not_controlled", (), f"the matching entries are not in force on {day}", as_of=day)
        best = cands[0].score
        alive_all = [c for c in cands if c.decision != "not_met"]
        best_alive = alive_all[0].score if alive_all else 0.0
        close = [c for c in cands if c.score >= CLOSE_SCORE * max(best_alive, 0.8 * best)]
        alive = [c for c in close if c.decision != "not_met"] if best_alive >= 0.8 * best else []
        ordered = alive + [c for c in cands if c not in alive]
        ordered = [replace(c, score=min(c.score, 1.0)) for c in ordered]
        if not alive:
            failed = "; ".join(f"{c.code}: {', '.join(c.checks)}" for c in close[:3])
            return Lookup(query, "description", "not_controlled", tuple(ordered[:limit]), f"the item fails the thresholds of the matching entries ({failed})", as_of=day)
        top = alive[0]
        rivals = [c for c in alive[1:] if c.score >= COMPETE_SCORE * top.score and c.decision == "unknown"]
        covered = self._complements.get(top.code, set())
        rivals = [c for c in rivals if c.code not in covered and top.code not in self._complements.get(c.code, set())]
        if top.decision == "met":
            status, why = "controlled", f"{top.code}: " + "; ".join(top.checks)
        elif top.score < MIN_CONTROLLED_SCORE:
            status, why = "needs_parameters", f"the description only partly matches {top.code}"
        elif top.decision == "none" and not rivals:
            status, why = "controlled", f"the description matches {top.code}, which has no technical thresholds"
        elif top.decision == "unknown" and any(c.code in self._complements.get(top.code, set()) for c in alive):
            status, why = "controlled", (
                f"the description matches {top.code} and its complement "
                f"{', '.join(sorted(self._complements[top.code]))}: listed either way"
            )
        else:
            status = "needs_parameters"
            why = f"the description matches {', '.join(c.code for c in [top, *rivals][:3])}; whether it is controlled depends on " + (
                ", ".join(dict.fromkeys(n for c in [top, *rivals] for n in c.needed)) or "what the item is exactly"
            )
        needed = tuple(dict.fromkeys(n for c in [top, *rivals] for n in c.needed)) if status == "needs_parameters" else ()
        return Lookup(query, "description", status, tuple(ordered[:limit]), why, needed, day)

    def _bm25(self, terms: list[str], query_elements: set[str] | None = None) -> list[tuple[int, float]]:
        """Entries with their *coverage* of the query, best first (ties broken by BM25 score).

        The value returned per entry is ``coverage x element agreement`` where
        coverage is the share of the query's information (sum of idf over its
        terms; a term no entry has counts :data:`UNKNOWN_TERM_IDF`) that the
        entry contains; among equal coverage, the BM25 score (times the same
        agreement factor) orders: it rewards terms in the item name and short entries. Bridged terms (``~``) weigh half. When the query
        names chemical elements, an entry whose item name lacks one of them is
        scored x0.5 per missing element, and x0.9 per element its name adds.
        """
        if not terms:
            return []
        counts: Counter[str] = Counter()
        optional: set[str] = set()
        for t in terms:
            if t.startswith("?"):
                optional.add(t[1:])
            counts[t.lstrip("~?")] += 0.5 if t.startswith("~") else 1.0
        scores: dict[int, float] = defaultdict(float)
        matched: dict[int, float] = defaultdict(float)
        ceiling = 0.0
        for term, weight in counts.items():
            weight = min(weight, 1.0)
            idf = self._idf.get(term)
            if idf is None and term in optional:
                continue
            ceiling += weight * (idf if idf is not None else UNKNOWN_TERM_IDF)
            if idf is None:
                continue
            for i in self._postings[term]:
                tf = self._tf[i][term]
                norm = tf + BM25_K1 * (1 - BM25_B + BM25_B * self._lengths[i] / self._avg)
                scores[i] += weight * idf * tf * (BM25_K1 + 1) / norm
                matched[i] += weight * idf
        if not scores:
            return []
        ceiling = ceiling or 1.0
        out = []
        for i, sc in scores.items():
            factor = 1.0
            if query_elements:
                own = self._elements[i]
                factor = 0.5 ** len(query_elements - own) * 0.9 ** len(own - query_elements)
            out.append((i, sc * factor, matched[i] / ceiling * factor))
        out.sort(key=lambda t: (-round(t[2], 3), -t[1], self._docs[t[0]].code))
        return [(i, cov) for i, _, cov in out]

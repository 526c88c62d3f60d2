"""Everyday-goods evidence: which HS heading a description's goods words belong to.

A description such as "leather office chair", "不锈钢汤锅" or "チタン製メガネフレーム"
names goods of an HS heading (9401 seats, 7323 household articles, 9003
spectacle frames). When that heading holds no reference code of any entry of
the control list, and no entry matches the item's own words, the goods are
plainly outside the list: :class:`dualuse.classification.search.CatalogueSearch`
then answers ``not_controlled`` and names the heading as the reason.

Two sources of evidence, both general:

* ``goods.yaml``: goods words in English, Chinese and Japanese by HS 2022
  heading (built heading by heading from the nomenclature, see the file);
* the HS 2022 descriptions themselves (``hs6.json``) for English words the
  table does not have: the 6-digit subheading whose description covers the
  description's words best.

Whether a heading is *listed* is decided at run time from the catalogue's
reference HS codes, never written into the table, so a goods word can never
clear an item whose heading holds a listed line.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from dualuse import yamlio

from dualuse.text.fold import fold_cjk

_KANA = re.compile(r"[\u3040-\u30ff]")
_KATAKANA = re.compile(r"[\u30a1-\u30ff]")
_CJK = re.compile(r"[\u3400-\u9fff]")
_HS_STOP = frozenset(
    "of and or the for other with a an in not nes n e c thereof whether than by its their articles article parts "
    "incl excl including excluding similar kind kinds used mainly such as be".split()
)


@dataclass(frozen=True)
class GoodsRow:
    """One row of ``goods.yaml``: HS headings and the words that name their goods."""

    headings: tuple[str, ...]
    en: tuple[str, ...]
    zh: tuple[str, ...]
    ja: tuple[str, ...]


@dataclass(frozen=True)
class GoodsEvidence:
    """A description read as goods of an HS heading.

    Attributes:
        heading: the 4-digit HS heading (or the 6-digit subheading found by description).
        words: the description's words that name the goods (as written).
        source: ``goods.yaml`` or ``HS 2022 description``.
        description: the HS 2022 text of the heading/subheading.
        share: the share of the description's text those words take (0..1).
    """

    heading: str
    words: tuple[str, ...]
    source: str
    description: str
    share: float


@lru_cache(maxsize=1)
def goods_rows() -> tuple[GoodsRow, ...]:
    """The rows of ``goods.yaml`` (cached).

    Raises:
        ValueError: a row is not ``[headings, en, zh, ja]`` with 4-digit headings.
    """
    data = yamlio.safe_load(resources.files("dualuse.classification").joinpath("goods.yaml").read_text(encoding="utf-8"))
    rows = []
    for i, raw in enumerate(data.get("goods") or []):
        if not (isinstance(raw, list) and len(raw) == 4):
            raise ValueError(f"goods.yaml: goods[{i}]: expected [headings, en, zh, ja]")
        headings = tuple(h.strip() for h in str(raw[0]).split("|"))
        if not all(re.fullmatch(r"\d{4}", h) for h in headings):
            raise ValueError(f"goods.yaml: goods[{i}]: headings {raw[0]!r} are not 4-digit HS headings")
        split = lambda cell: tuple(f.strip() for f in str(cell or "").split("|") if f.strip())  # noqa: E731
        english = tuple(dict.fromkeys(_singular(f.casefold()) for f in split(raw[1])))
        rows.append(GoodsRow(headings, english, tuple(fold_cjk(f) for f in split(raw[2])), split(raw[3])))
    return tuple(rows)


def _at_head(text: str, end: int) -> bool:
    """True when position ``end`` closes a run of CJK/kana characters (the head of a CJK noun phrase)."""
    return end >= len(text) or not re.match(r"[\u3040-\u30ff\u3400-\u9fff]", text[end])


def _singular(form: str) -> str:
    """``fishing rods`` -> ``fishing rod`` (the pattern adds the plural back)."""
    if form.endswith("ies") and len(form) > 4:
        return form[:-3] + "y"
    if form.endswith(("ches", "shes", "xes", "sses")):
        return form[:-2]
    if form.endswith("s") and not form.endswith("ss") and len(form) > 3:
        return form[:-1]
    return form


def _en_words(text: str) -> list[str]:
    return [w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in re.findall(r"[a-z][a-z0-9]*", text)]


_PATTERNS: dict[tuple[str, str], re.Pattern] = {}
"""Compiled goods-word patterns by (language, form): compiled once per process (not stored in the cached index)."""


def _needle(flang: str, form: str) -> str:
    """The literal text every match of the form's pattern contains (``battery`` -> ``batter``)."""
    return form[:-1] if flang == "en" and form.endswith("y") else form


def _pattern(flang: str, form: str) -> re.Pattern:
    """The form as a pattern: English words whole, with their plural (``-s``, ``-es``, ``-y``/``-ies``); CJK as written."""
    found = _PATTERNS.get((flang, form))
    if found is None:
        if flang == "en":
            text = r"(?<![a-z0-9])" + (re.escape(form[:-1]) + "(?:y|ie)" if form.endswith("y") else re.escape(form)) + r"(?:e?s)?(?![a-z])"
        else:
            text = re.escape(form)
        found = _PATTERNS[(flang, form)] = re.compile(text)
    return found


class GoodsReader:
    """Reads goods words of a description against the headings the catalogue lists.

    Args:
        listed_headings: 4-digit HS headings holding a reference code of some entry.
        hs6: HS 2022 descriptions ``{code: text}`` (2, 4 and 6 digits).
    """

    def __init__(self, listed_headings: set[str], hs6: dict[str, str]):
        self.listed = set(listed_headings)
        self.hs6 = hs6
        self._forms: list[tuple[str, str, GoodsRow]] = []  # (language, form, row)
        for row in goods_rows():
            self._forms.extend(("en", f, row) for f in row.en)
            self._forms.extend(("zh", f, row) for f in row.zh)
            self._forms.extend(("ja", f, row) for f in row.ja)
        self._forms.sort(key=lambda lf: -len(lf[1]))
        # a small BM25-like index of the 6-digit subheadings for English words
        self._sub: dict[str, set[str]] = {}  # words of a subheading, filled by _subheading_words
        self._sub_size: dict[str, int] = {}  # how many words each subheading has
        df: Counter[str] = Counter()
        for code in hs6:
            if len(code) != 6:
                continue
            words = self._subheading_words(code)
            self._sub_size[code] = len(words)
            df.update(words)
        n = max(len(self._sub_size), 1)
        self._idf = {w: math.log(1 + (n - d + 0.5) / (d + 0.5)) for w, d in df.items()}
        self._postings: dict[str, list[str]] = defaultdict(list)
        for code, words in self._sub.items():
            for w in words:
                self._postings[w].append(code)

    def _subheading_words(self, code: str) -> set[str]:
        """The English words of 6-digit subheading ``code``'s HS description (kept once read)."""
        found = self._sub.get(code)
        if found is None:
            text = self.hs6[code]
            found = self._sub[code] = {w for w in _en_words(unicodedata.normalize("NFKC", text).casefold()) if w not in _HS_STOP and len(w) > 2}
        return found

    def __getstate__(self) -> dict:
        """The reader without the word sets of the subheadings (rebuilt from ``hs6`` when asked): a third of
        the time of loading the catalogue search from the artefact cache, for words read in few subheadings."""
        return {**self.__dict__, "_sub": {}}

    def is_listed(self, heading: str) -> bool:
        """True when an entry's reference HS code lies under ``heading`` (its first 4 digits)."""
        return heading[:4] in self.listed

    def evidence(self, text: str) -> GoodsEvidence | None:
        """The goods heading the description names, when its heading holds no listed line.

        Returns ``None`` when the description names no goods of the table or
        of the HS descriptions, or when the heading found holds a listed line.
        """
        norm = unicodedata.normalize("NFKC", text)
        low = norm.casefold()
        folded = fold_cjk(norm)
        lang = "ja" if _KANA.search(norm) else ("zh" if _CJK.search(norm) else "en")
        taken: list[tuple[int, int]] = []
        found: list[tuple[int, str, GoodsRow]] = []
        texts = {"en": low, "zh": folded, "ja": norm}
        for flang, form, row in self._forms:
            if (lang == "en") != (flang == "en") or (lang == "zh" and flang == "ja"):
                continue
            where = texts[flang]
            if _needle(flang, form) not in where:
                continue  # the pattern holds this text literally: no match without it
            for m in _pattern(flang, form).finditer(where):
                if any(a < m.end() and m.start() < b for a, b in taken):
                    continue
                if flang != "en" and len(form) == 1 and not _at_head(where, m.end()):
                    continue  # a one-character word names the goods only as the last character of the phrase (汤锅, not 锅炉)
                if flang == "ja" and _KATAKANA.match(form[-1]) and m.end() < len(where) and _KATAKANA.match(where[m.end()]):
                    continue  # a katakana word names the goods only as the end of a loanword (オフィスチェア, not ワインディング)
                taken.append((m.start(), m.end()))
                found.append((m.end(), m.group(0), row))
        if found:
            # the goods word nearest the end names the goods (the head of the noun phrase)
            _, _, row = max(found, key=lambda f: f[0])
            headings = [h for h in row.headings if not self.is_listed(h)]
            if len(headings) != len(row.headings):
                return None  # some heading of these goods holds a listed line: no evidence
            content = len(re.sub(r"[\s\d.,;:/()%×x*+-]", "", norm)) or 1
            share = min(1.0, sum(b - a for a, b in taken) / content)
            heading = headings[0]
            return GoodsEvidence(heading, tuple(w for _, w, _ in sorted(found)), "goods.yaml", self.hs6.get(heading, ""), round(share, 3))
        if lang != "en":
            return None
        return self._by_hs_description(low)

    def _by_hs_description(self, low: str) -> GoodsEvidence | None:
        words = [w for w in _en_words(low) if w not in _HS_STOP and len(w) > 2]
        if not words:
            return None
        ceiling = sum(self._idf.get(w, 8.0) for w in words)
        scores: Counter[str] = Counter()
        for w in set(words):
            for code in self._postings.get(w, ()):
                scores[code] += self._idf[w]
        if not scores:
            return None
        code, score = max(scores.items(), key=lambda kv: (kv[1], -self._sub_size[kv[0]], kv[0]))
        share = score / ceiling
        if share < 0.75 or self.is_listed(code):
            return None
        subheading = self._subheading_words(code)
        matched = tuple(w for w in dict.fromkeys(words) if w in subheading)
        if len(matched) < 2:
            return None  # one shared word is no evidence of what the goods are
        return GoodsEvidence(code, matched, "HS 2022 description", self.hs6.get(code, ""), round(share, 3))


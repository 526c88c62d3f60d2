"""Look up the licence catalogue by control code, HS code or description.

``lookup("1C902")``, ``lookup("2805301910")``, ``lookup("金属钐")`` return
ranked candidate entries with a status:

* ``controlled``        the query is a control code of a listed item;
* ``needs_parameters``  candidates exist, but whether the item is controlled
  depends on what it is exactly (an HS code shared by listed and unlisted
  goods; a description);
* ``not_controlled``    nothing in the catalogue corresponds.

Descriptions are ranked with BM25 (k1 = 1.2, b = 0.75; Robertson and
Zaragoza, "The Probabilistic Relevance Framework: BM25 and Beyond", 2009)
over character bigrams of the catalogue's Chinese text (trusted item names
and keywords weigh three times the catalogue excerpt). Queries in Chinese
or Japanese kanji are folded to simplified characters first.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from dualuse.classification.codes import is_code, normalise_code
from dualuse.classification.items import Catalogue
from dualuse.models.reference import ControlEntry
from dualuse.text.fold import fold_cjk

BM25_K1 = 1.2
BM25_B = 0.75
NAME_BOOST = 3
MIN_DESCRIPTION_SCORE = 0.35  # of the best possible score for the query; below: not a candidate
_HS = re.compile(r"^\s*(\d{4})[.\s]?(\d{2})(?:[.\s]?(\d{2}))?(?:[.\s]?(\d{2}))?\s*$")


@dataclass(frozen=True)
class Candidate:
    """A catalogue entry proposed for a query.

    Attributes:
        code: control code.
        score: relevance in [0, 1] (1 for an exact code or HS match).
        name: trusted Chinese item name, if any.
        hs_codes: the entry's reference HS codes.
        why: how the entry was found.
    """

    code: str
    score: float
    name: str | None
    hs_codes: tuple[str, ...]
    why: str


@dataclass(frozen=True)
class Lookup:
    """Result of a catalogue lookup.

    Attributes:
        query: the query as given.
        kind: ``control_code``, ``hs_code`` or ``description``.
        status: ``controlled``, ``needs_parameters`` or ``not_controlled``.
        candidates: ranked candidates.
    """

    query: str
    kind: str
    status: str
    candidates: tuple[Candidate, ...]


def _bigrams(text: str) -> list[str]:
    text = fold_cjk(unicodedata.normalize("NFKC", text).casefold())
    runs = re.findall(r"[\u3040-\u30ff\u3400-\u9fff]+|[a-z0-9]+", text)
    grams: list[str] = []
    for run in runs:
        if run.isascii():
            grams.append(run)
        elif len(run) == 1:
            grams.append(run)
        else:
            grams.extend(run[i : i + 2] for i in range(len(run) - 1))
    return grams


def hs_digits(query: str) -> str | None:
    """The digits of an HS code written with or without dots (``2846.90.1500``), else ``None``."""
    match = _HS.match(unicodedata.normalize("NFKC", query))
    if not match:
        return None
    return "".join(part for part in match.groups() if part)


class CatalogueSearch:
    """Code, HS and description lookup over the export catalogue.

    Args:
        entries: catalogue entries.
    """

    def __init__(self, entries: Iterable[ControlEntry]):
        self.catalogue = Catalogue(entries)
        self._docs: list[ControlEntry] = []
        self._tf: list[Counter[str]] = []
        document_frequency: Counter[str] = Counter()
        for entry in self.catalogue.by_code.values():
            grams = Counter(_bigrams(entry.excerpt or ""))
            for text in [entry.name_zh or "", *entry.keywords] if entry.name_trusted else entry.keywords:
                for gram in _bigrams(text):
                    grams[gram] += NAME_BOOST
            self._docs.append(entry)
            self._tf.append(grams)
            document_frequency.update(grams.keys())
        self._postings: dict[str, list[int]] = defaultdict(list)
        for i, grams in enumerate(self._tf):
            for gram in grams:
                self._postings[gram].append(i)
        n = max(len(self._docs), 1)
        self._idf = {g: math.log(1 + (n - df + 0.5) / (df + 0.5)) for g, df in document_frequency.items()}
        self._lengths = [sum(tf.values()) for tf in self._tf]
        self._avg = sum(self._lengths) / n if self._lengths else 1.0

    def _candidate(self, entry: ControlEntry, score: float, why: str) -> Candidate:
        return Candidate(entry.code, round(score, 4), entry.name_zh if entry.name_trusted else None, tuple(entry.hs_codes), why)

    def lookup(self, query: str, limit: int = 5) -> Lookup:
        """Classify ``query`` (a control code, an HS code or a description)."""
        if is_code(query):
            code = normalise_code(query) or query
            entries = self.catalogue.entries_for_code(code)
            candidates = tuple(self._candidate(e, 1.0, f"control code {code}") for e in entries[:limit])
            return Lookup(query, "control_code", "controlled" if entries else "not_controlled", candidates)
        digits = hs_digits(query)
        if digits is not None:
            entries = self.catalogue.entries_for_hs(digits)
            candidates = tuple(self._candidate(e, 1.0 if len(digits) >= 10 else 0.8, f"reference HS code {digits}") for e in entries[:limit])
            return Lookup(query, "hs_code", "needs_parameters" if entries else "not_controlled", candidates)
        ranked = self._bm25(query)
        candidates = tuple(self._candidate(self._docs[i], s, "description") for i, s in ranked[:limit])
        return Lookup(query, "description", "needs_parameters" if candidates else "not_controlled", candidates)

    def _bm25(self, query: str) -> list[tuple[int, float]]:
        grams = _bigrams(query)
        if not grams:
            return []
        scores: dict[int, float] = defaultdict(float)
        for gram in grams:
            idf = self._idf.get(gram)
            if idf is None:
                continue
            for i in self._postings[gram]:
                tf = self._tf[i][gram]
                norm = tf + BM25_K1 * (1 - BM25_B + BM25_B * self._lengths[i] / self._avg)
                scores[i] += idf * tf * (BM25_K1 + 1) / norm
        if not scores:
            return []
        ceiling = sum(self._idf.get(g, 0.0) * (BM25_K1 + 1) for g in grams) or 1.0
        ranked = sorted(((i, s / ceiling) for i, s in scores.items()), key=lambda kv: -kv[1])
        return [(i, s) for i, s in ranked if s >= MIN_DESCRIPTION_SCORE]

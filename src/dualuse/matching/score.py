"""Token-aligned similarity between two analysed names.

The score is a weighted Dice coefficient over an alignment of tokens:

    score = sum(sim(q, c) * (w(q) + w(c)) for aligned pairs)
            / (sum(w(q) for all query tokens) + sum(w(c) for all entry tokens))

so every token that has no partner on the other side - an extra
"Thermal" in "Mitsubishi Heavy Industries Thermal Systems", a missing
"Parachute" in "Fujikura Ltd." - pulls the score down by its weight. Weights
come from how rare a token is among the listed names (inverse document
frequency) times a role factor: generic words (Industries, a leading
"Japan") weigh little, qualifiers (Holdings, a trailing country) weigh more.

Token similarity (``token_similarity``):

* equal text: 1.0; equal loose key (long vowels, voicing marks): 0.95;
* an abbreviation (``hvy``/``heavy``, ``eng``/``engineering``): 0.85;
* a doubled or dropped doubled letter (``uun``/``un``): 0.95, short words too;
  two neighbouring letters exchanged (``Appel``/``Apple``): 0.9;
* letters OCR misreads for one of the same shape (``rn``/``m``, ``vv``/``w``,
  ``cl``/``d``: ``Systerns``/``Systems``), words of five letters or more: 0.9;
* a typo (optimal-string-alignment distance 1 for words of 4-7 letters, up
  to 2 from 8 letters): ``1 - d / (length + 1)``; codes (three letters or
  fewer, consonant clusters: ``NOK`` is not ``NOF``) must be equal, and a
  typo in a four-letter word (``Benn``/``Benz``) counts only beside another
  word that agrees exactly;
* a Korean given-name syllable with o, u or eo for the vowel ㅓ (``Jong On``/
  ``Jong Un``), in names of a Korean surname and short syllables: 0.9;
* words split or glued differently (``Good Will``/``Goodwill``, romaji
  ``juko gyo``/``jukogyo``): two or three adjacent words against one with
  the same spelling key: 0.95;
* Han characters must be equal; where exactly one Han character differs
  on both sides of names of six or more characters and the two look alike
  (same radical: 械/槭), the pair earns half credit.

Series designators (a trailing roman numeral, number or numbered code:
"Partners V", "Trust 2004-1", "Trust 2005-AR16") that differ while every
other word of both names agrees are paired with ``SERIES_SIMILARITY``: the
names are another fund or trust of one series, which screening treats as
the same party family (nomenklatura's name_bench labels them matches); the
explanation says so. A series designator on one side only weighs like a
generic word.

Acronyms are aligned to the run of words they abbreviate (``MHI`` with
"Mitsubishi Heavy Industries", ``D&NS`` with "Defense & National Security").
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rapidfuzz.distance import OSA

from dualuse.matching.analyze import NameVariant, Token
from dualuse.matching.scripts import korean_surname_spellings, korean_vowel_key
from dualuse.matching.text import loose_latin

ACRONYM_SIMILARITY = 0.9
# Distinct words that name-writers use for the same thing (海事/海洋 rendered
# "maritime"/"marine"); symmetric.
_RELATED = {("maritime", "marine"): 0.8}
RELATED_TOKENS = {**_RELATED, **{(b, a): v for (a, b), v in _RELATED.items()}}
# Each token left without a partner multiplies the score by this factor
# (contiguous unmatched Han characters count once): an extra distinguishing
# word on either side counts against a match beyond its share of the weight.
UNMATCHED_PENALTY = {
    "normal": 0.88,
    "qualifier": 0.85,
    "country": 0.85,
    "generic": 0.93,
    "country_lead": 0.96,
}
HAN_MIN_FOR_SUBSTITUTION = 6
HAN_LOOKALIKE_DISTANCE = 400
HAN_ORDER_PENALTY = 0.85
ABBREVIATION_SIMILARITY = 0.85
LOOSE_SIMILARITY = 0.95
HAN_SUBSTITUTION_CREDIT = 0.5
# Words from this length may differ by a typo; below 5 letters only beside
# another word that agrees exactly (see ``align``).
SHORT_TYPO_LENGTH = 4
MERGED_SIMILARITY = 0.95
TRANSPOSITION_SIMILARITY = 0.9
_DOUBLED = re.compile(r"(.)\1+")
SERIES_SIMILARITY = 0.9
# a Korean given-name syllable spelt with o for u or eo (see scripts.korean_vowel_key)
KOREAN_VOWEL_SIMILARITY = 0.9
# Letter groups that OCR reads for one letter of the same shape ("Systerns",
# "Acaderny" for "Systems", "Academy"; "vv" for "w"; "cl" for "d"), folded
# to the letter in words of OCR_MIN_LENGTH letters or more.
OCR_LETTER_SHAPES = (("rn", "m"), ("vv", "w"), ("cl", "d"))
OCR_MIN_LENGTH = 5
OCR_SIMILARITY = 0.9
# weight of a series designator that only one side has (like a generic word's)
SERIES_LONE_WEIGHT = 1.0
_ROMAN = re.compile(r"^(?=[ivxl])(x{0,3}|xl|l)(ix|iv|v?i{0,3})$")
# roman numerals that are also syllables of personal names (Zhang Wei Li):
# series numbers only beside a numeral that is not one
_NUMERAL_SYLLABLES = frozenset({"li", "xi"})
_NUMBERED_CODE = re.compile(r"^[a-z]{0,3}\d+[a-z]{0,2}$")
_CONNECTORS = frozenset({"of", "for", "the", "and", "&", "de"})
_WORDISH = frozenset({"word", "num"})

WeightFn = Callable[[Token, bool], float]
_DISTINCTIVE_ROLES = frozenset({"normal", "qualifier", "country"})
_COUNTRY_ROLES = frozenset({"country", "country_lead"})


@dataclass(frozen=True)
class Alignment:
    """The result of comparing two variants.

    Attributes:
        score: weighted Dice similarity in [0, 1].
        pairs: aligned ``(query tokens, entry tokens, similarity)``; a side
            has several tokens when an acronym was aligned to a run of words.
        query_extra: query tokens without a partner.
        entry_extra: entry tokens without a partner.
    """

    score: float
    pairs: tuple[tuple[tuple[Token, ...], tuple[Token, ...], float], ...]
    query_extra: tuple[Token, ...]
    entry_extra: tuple[Token, ...]


_VOWELS = frozenset("aeiou")


_CONSONANT_RUN = re.compile(r"[^aeiouy\d]{3,}")
_LEADING_S_CLUSTER = re.compile(r"^s[ckpt][lr]?")


@lru_cache(maxsize=262144)
def acronym_like(text: str) -> bool:
    """Codes, not words: a one-letter change is another code.

    Three letters or fewer (NTC, YKK); up to six letters with no vowel
    (JGSDF); or with one vowel and a run of three consonants (JASDF, ASRC,
    ARDB), counted without doubled letters, ``h`` and an initial s-cluster,
    so that short words (Shell, Schell, Strip, Ford, Benz) are words.
    """
    if len(text) <= 3:
        return True
    if len(text) > 6:
        return False
    vowels = sum(ch in _VOWELS for ch in text)
    if vowels == 0:
        return True
    if vowels > 1:
        return False
    skeleton = _LEADING_S_CLUSTER.sub("s", re.sub(r"(.)\1+", r"\1", text)).replace("h", "")
    return _CONSONANT_RUN.search(skeleton) is not None


def _is_abbreviation(short: str, long: str) -> bool:
    """``short`` abbreviates ``long``: same first letter, letters in order, at most five letters, clearly shorter."""
    if not 3 <= len(short) <= 5 or len(long) < len(short) + 3 or short[0] != long[0] or not short.isalpha():
        return False
    if long.startswith(short):
        return True
    position = 0
    for ch in short:
        position = long.find(ch, position)
        if position < 0:
            return False
        position += 1
    return True


def token_similarity(a: Token, b: Token) -> float:
    """Similarity of two tokens in [0, 1] (0 when they cannot be compared)."""
    if a.kind == "han" or b.kind == "han":
        return 1.0 if a.kind == b.kind and a.text == b.text else 0.0
    if (a.kind == "kana") != (b.kind == "kana"):
        return 0.0
    if a.text == b.text:
        return 1.0
    if a.kind == "num" or b.kind == "num":
        return 0.0
    if a.loose == b.loose and len(a.loose) >= 2 and (a.kind == "kana" or not (_is_code(a) or _is_code(b))):
        return LOOSE_SIMILARITY
    if a.kind == "word" and _undoubled(a.text) == _undoubled(b.text) and len(_undoubled(a.text)) >= 2 and _VOWELS & set(a.text):
        # a doubled or dropped letter in a short word ("Jong-uun" for "Jong-un") is a typing error, not another code
        return LOOSE_SIMILARITY
    if a.kind == "word" and b.kind == "word" and _ocr_misread(a, b):
        return OCR_SIMILARITY
    if a.kind == "word" and (_is_abbreviation(a.text, b.text) or _is_abbreviation(b.text, a.text)):
        return ABBREVIATION_SIMILARITY
    related = RELATED_TOKENS.get((a.text, b.text))
    if related is not None:
        return related
    a_text = a.surface if a.role in _COUNTRY_ROLES else a.text
    b_text = b.surface if b.role in _COUNTRY_ROLES else b.text
    shorter = min(len(a_text), len(b_text))
    longer = max(len(a.loose), len(b.loose))
    if a.kind == "kana":
        if shorter < 3:
            return 0.0
    elif shorter < SHORT_TYPO_LENGTH or acronym_like(a_text) or acronym_like(b_text):
        return 0.0
    limit = 2 if shorter >= 8 else 1
    if a.role in _COUNTRY_ROLES or b.role in _COUNTRY_ROLES:
        # a country word's text is its code ("cn"): compare as written ("Chima" for "China")
        distance = OSA.distance(a.surface.lower(), b.surface.lower(), score_cutoff=limit)
        return 0.0 if distance > limit else 1.0 - distance / (max(len(a.surface), len(b.surface)) + 1)
    distance = OSA.distance(a.loose, b.loose, score_cutoff=limit)
    if distance > 0 and a.kind == "word" and not (a.concept or b.concept):
        # compare as written too: a typo in a plural ("Msterials") escapes
        # the spelling fold that turned "Materials" into "material"
        distance = min(distance, OSA.distance(a.surface.lower(), b.surface.lower(), score_cutoff=limit))
    if distance > limit:
        return 0.0
    if distance == 1 and _swapped(a.text, b.text):
        # two neighbouring letters typed the other way round ("Appel"): every letter is there
        return TRANSPOSITION_SIMILARITY
    return 1.0 - distance / (max(longer, len(a.text), len(b.text)) + 1)


def _ocr_key(text: str) -> str:
    for seen, meant in OCR_LETTER_SHAPES:
        text = text.replace(seen, meant)
    return text


def _ocr_misread(a: Token, b: Token) -> bool:
    """One word is the other with letters OCR reads for others of the same shape ("Systerns" for "Systems").

    Words of ``OCR_MIN_LENGTH`` letters or more, compared by their text and as
    written (a plural fold may have changed one side only).
    """
    for x, y in ((a.text, b.text), (a.surface.lower(), b.surface.lower())):
        if x != y and min(len(x), len(y)) >= OCR_MIN_LENGTH and _ocr_key(x) == _ocr_key(y):
            return True
    return False


@lru_cache(maxsize=262144)
def _undoubled(text: str) -> str:
    return _DOUBLED.sub(r"\1", text)


def _swapped(a: str, b: str) -> bool:
    """``b`` is ``a`` with two neighbouring letters exchanged."""
    if len(a) != len(b) or a == b:
        return False
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]


def _is_code(token: Token) -> bool:
    """A code (see :func:`acronym_like`), judged as written for country words (whose text is their ISO code)."""
    return acronym_like(token.surface if token.role in _COUNTRY_ROLES else token.text)


def _short_typo(a: Token, b: Token) -> bool:
    return a.kind == "word" and min(len(a.text), len(b.text)) < 5 and a.text != b.text and a.loose != b.loose


def _merges(
    q_tokens: Sequence[Token], used_q: set[int], e_tokens: Sequence[Token], used_e: set[int]
) -> list[tuple[tuple[int, ...], tuple[int, ...], float]]:
    """Runs of two or three adjacent unmatched words whose joined key equals one unmatched word on the other side.

    Marks the tokens used; returns the pairs (query indices, entry indices, similarity).
    """
    found: list[tuple[tuple[int, ...], tuple[int, ...], float]] = []
    for run_tokens, run_used, one_tokens, one_used, run_is_query in (
        (q_tokens, used_q, e_tokens, used_e, True),
        (e_tokens, used_e, q_tokens, used_q, False),
    ):
        if sum(i not in run_used and t.kind in _WORDISH for i, t in enumerate(run_tokens)) < 2:
            continue  # no run of two unmatched words on this side
        singles = {one_tokens[j].loose: j for j in range(len(one_tokens)) if j not in one_used and one_tokens[j].kind == "word" and len(one_tokens[j].loose) >= 4}
        if not singles:
            continue
        for start in range(len(run_tokens)):
            for size in (3, 2):
                run = range(start, start + size)
                if run.stop > len(run_tokens) or any(i in run_used or run_tokens[i].kind not in _WORDISH for i in run):
                    continue
                joined = loose_latin("".join(run_tokens[i].text for i in run))
                j = singles.get(joined)
                if j is None or j in one_used:
                    continue
                run_used.update(run)
                one_used.add(j)
                pair = (tuple(run), (j,), MERGED_SIMILARITY) if run_is_query else ((j,), tuple(run), MERGED_SIMILARITY)
                found.append(pair)
                break
    return found


def is_series_designator(token: Token) -> bool:
    """A roman numeral (i-lxxxix), a number or a numbered code ("ar16") that can number one of a series."""
    if token.kind == "num":
        return True
    if token.kind != "word" or token.concept:
        return False
    return bool(_ROMAN.match(token.text) or _NUMBERED_CODE.match(token.text))


def _series_run(tokens: Sequence[Token]) -> range:
    """Indices of the trailing series designators, after at least two other Latin words or numbers, one of five letters or more (else empty)."""
    start = len(tokens)
    while start > 0 and is_series_designator(tokens[start - 1]):
        start -= 1
    if start < 2 or start == len(tokens) or any(t.kind not in _WORDISH for t in tokens[:start]) or max(len(t.text) for t in tokens[:start]) < 5:
        return range(0)
    return range(start, len(tokens))


def is_series_pair(q_tokens: Sequence[Token], e_tokens: Sequence[Token]) -> bool:
    """The two sides of an aligned pair are series designators (for explanations)."""
    return bool(q_tokens) and bool(e_tokens) and all(is_series_designator(t) for t in (*q_tokens, *e_tokens))


def _initial(token: Token) -> str:
    """First letter as written ("nippon" -> "n" although its text is "jp"); concept tokens use their text."""
    return token.text[:1] if token.concept else (token.surface or token.text)[:1]


def _acronym_span(acronym: str, words: Sequence[Token], taken: set[int]) -> tuple[int, ...] | None:
    """Indices of a run of ``words`` whose initials spell ``acronym``.

    Connector words (of, for, the, and, &) may be skipped unless the acronym
    spells them (``D&NS``).
    """
    letters = acronym.replace(".", "")
    if not 2 <= len(letters) <= 6:
        return None
    for start in range(len(words)):
        if start in taken or words[start].kind != "word" or _initial(words[start]) != letters[0]:
            continue
        picked: list[int] = []
        position = 0
        i = start
        while i < len(words) and position < len(letters):
            word = words[i]
            if i in taken or word.kind != "word":
                break
            if _initial(word) == letters[position]:
                picked.append(i)
                position += 1
            elif word.text not in _CONNECTORS:
                break
            i += 1
        if position == len(letters) and len(picked) >= 2:
            return tuple(picked)
    return None


def _look_alike(a: str, b: str) -> bool:
    """Two Han characters likely confused in OCR or typing (械/槭).

    The CJK Unified Ideographs block is ordered by radical, then stroke
    count, so characters that share a radical lie close together; a
    substitution between them is a plausible misreading, while 海/陆 or
    东/西 (far apart) are different words.
    """
    return abs(ord(a) - ord(b)) <= HAN_LOOKALIKE_DISTANCE


def _han_order_factor(pairs: list[tuple[int, int]]) -> float:
    """Penalty for Han characters matched out of order (松上东仪 is not 仪松东上).

    Han characters are aligned as a bag; the characters of a name in another
    order make another name. Each matched character outside the longest
    in-order run costs ``HAN_ORDER_PENALTY``.
    """
    if len(pairs) < 2:
        return 1.0
    sequence = [entry for _, entry in sorted(pairs)]
    tails: list[int] = []  # patience sorting: length of the longest increasing subsequence
    for value in sequence:
        position = bisect_left(tails, value)
        if position == len(tails):
            tails.append(value)
        else:
            tails[position] = value
    return HAN_ORDER_PENALTY ** (len(sequence) - len(tails))


def _korean_person(tokens: Sequence[Token]) -> bool:
    """Two to four romanised syllables (at most six letters each), the first a Korean surname (Kim Jong Un, KO TAE HUN)."""
    return (
        2 <= len(tokens) <= 4
        and all(t.kind == "word" and t.text.isalpha() and len(t.text) <= 6 for t in tokens)
        and tokens[0].text in korean_surname_spellings()
    )


def is_short(tokens: Sequence[Token]) -> bool:
    """A name with at most one distinguishing token (Han characters count two to a word)."""
    words = sum(t.role in _DISTINCTIVE_ROLES and t.kind != "han" for t in tokens)
    han = sum(t.kind == "han" for t in tokens)
    return words + (han + 1) // 2 <= 1


def _unmatched_penalty(tokens: Sequence[Token], used: set[int]) -> float:
    factor = 1.0
    previous_unmatched_han = False
    for i, token in enumerate(tokens):
        if i in used:
            previous_unmatched_han = False
            continue
        if token.kind == "han":
            if not previous_unmatched_han:
                factor *= UNMATCHED_PENALTY["normal"]
            previous_unmatched_han = True
            continue
        previous_unmatched_han = False
        factor *= UNMATCHED_PENALTY.get(token.role, UNMATCHED_PENALTY["normal"])
    return factor


def align(query: NameVariant, entry: NameVariant, weight: WeightFn) -> Alignment:
    """Align ``query`` with ``entry`` and score the alignment.

    Args:
        query, entry: analysed variants of the same mode.
        weight: token weight function (see :class:`dualuse.matching.index.NameIndex`).

    Returns:
        An :class:`Alignment`; ``score`` is 0.0 when nothing aligns.
    """
    q_tokens, e_tokens = query.tokens, entry.tokens
    q_short = is_short(q_tokens)
    e_short = is_short(e_tokens)
    q_weights = [weight(t, q_short) for t in q_tokens]
    e_weights = [weight(t, e_short) for t in e_tokens]
    candidates: list[tuple[float, float, int, int]] = []
    for i, q in enumerate(q_tokens):
        for j, e in enumerate(e_tokens):
            sim = token_similarity(q, e)
            if sim > 0.0:
                candidates.append((sim * (q_weights[i] + e_weights[j]), sim, i, j))
    candidates.sort(key=lambda c: (-c[0], c[2], c[3]))
    used_q: set[int] = set()
    used_e: set[int] = set()
    pairs: list[tuple[tuple[int, ...], tuple[int, ...], float]] = []
    for _, sim, i, j in candidates:
        if i in used_q or j in used_e:
            continue
        used_q.add(i)
        used_e.add(j)
        pairs.append(((i,), (j,), sim))

    # Acronyms against runs of words, both ways.
    for acr_side, acr_tokens, acr_used, run_tokens, run_used in (
        ("q", q_tokens, used_q, e_tokens, used_e),
        ("e", e_tokens, used_e, q_tokens, used_q),
    ):
        for i, token in enumerate(acr_tokens):
            if i in acr_used or token.kind != "word":
                continue
            span = _acronym_span(token.text, run_tokens, run_used)
            if span is None:
                continue
            acr_used.add(i)
            run_used.update(span)
            pair = ((i,), span, ACRONYM_SIMILARITY) if acr_side == "q" else (span, (i,), ACRONYM_SIMILARITY)
            pairs.append(pair)

    # Korean personal names: a given-name syllable spelt with o for u (ㅓ is eo, o or u: "Jong On"/"Jong Un").
    if _korean_person(q_tokens) and _korean_person(e_tokens):
        for i, q in enumerate(q_tokens):
            if i in used_q or i == 0:
                continue
            j = next((j for j in range(1, len(e_tokens)) if j not in used_e and korean_vowel_key(e_tokens[j].text) == korean_vowel_key(q.text)), None)
            if j is not None:
                used_q.add(i)
                used_e.add(j)
                pairs.append(((i,), (j,), KOREAN_VOWEL_SIMILARITY))

    # A typo in a four-letter word counts only beside a word that agrees exactly
    # ("Mercedes-Benn" for "Mercedes-Benz", but "Benn" alone is another name).
    short_typos = [
        k for k, (qs, es, sim) in enumerate(pairs)
        if len(qs) == len(es) == 1 and sim < LOOSE_SIMILARITY and _short_typo(q_tokens[qs[0]], e_tokens[es[0]])
    ]
    if short_typos and not any(
        sim >= LOOSE_SIMILARITY and q_tokens[qs[0]].role in _DISTINCTIVE_ROLES and q_tokens[qs[0]].kind in _WORDISH
        for qs, es, sim in pairs
    ):
        for k in reversed(short_typos):
            (i,), (j,), _ = pairs.pop(k)
            used_q.discard(i)
            used_e.discard(j)

    # Words split or glued differently: two or three adjacent words against one.
    for merged in _merges(q_tokens, used_q, e_tokens, used_e):
        pairs.append(merged)

    # Half credit for Han characters substituted one for one (海事/海洋).
    q_han = [i for i, t in enumerate(q_tokens) if i not in used_q and t.kind == "han"]
    e_han = [j for j, t in enumerate(e_tokens) if j not in used_e and t.kind == "han"]
    if (
        len(q_han) == len(e_han) == 1
        and min(sum(t.kind == "han" for t in q_tokens), sum(t.kind == "han" for t in e_tokens)) >= HAN_MIN_FOR_SUBSTITUTION
        and _look_alike(q_tokens[q_han[0]].text, e_tokens[e_han[0]].text)
    ):
        used_q.add(q_han[0])
        used_e.add(e_han[0])
        pairs.append(((q_han[0],), (e_han[0],), HAN_SUBSTITUTION_CREDIT))

    # Series designators: differing ones paired when all else agrees, a lone one weighs little.
    q_series, e_series = _series_run(q_tokens), _series_run(e_tokens)
    q_open = [i for i in q_series if i not in used_q]
    e_open = [j for j in e_series if j not in used_e]
    rest_agrees = all(i in used_q for i in range(len(q_tokens)) if i not in q_series) and all(
        j in used_e for j in range(len(e_tokens)) if j not in e_series
    )
    lone: list[Token] = []
    if rest_agrees and (q_open or e_open):
        if q_open and e_open and not all(t.text in _NUMERAL_SYLLABLES for t in (q_tokens[q_open[-1]], e_tokens[e_open[-1]])):
            used_q.update(q_open)
            used_e.update(e_open)
            pairs.append((tuple(q_open), tuple(e_open), SERIES_SIMILARITY))
        else:
            q_weights = [min(w, SERIES_LONE_WEIGHT) if i in q_open else w for i, w in enumerate(q_weights)]
            e_weights = [min(w, SERIES_LONE_WEIGHT) if j in e_open else w for j, w in enumerate(e_weights)]
            lone = [q_tokens[i] for i in q_open] + [e_tokens[j] for j in e_open]

    total = sum(q_weights) + sum(e_weights)
    if total <= 0:
        return Alignment(0.0, (), q_tokens, e_tokens)
    order_factor = _han_order_factor([(qs[0], es[0]) for qs, es, _ in pairs if len(qs) == len(es) == 1 and q_tokens[qs[0]].kind == "han"])
    gained = sum(sim * (sum(q_weights[i] for i in qs) + sum(e_weights[j] for j in es)) for qs, es, sim in pairs)
    penalty = _unmatched_penalty(q_tokens, used_q) * _unmatched_penalty(e_tokens, used_e) * order_factor
    for token in lone:  # a lone series designator costs what a generic word costs
        penalty *= UNMATCHED_PENALTY["generic"] / UNMATCHED_PENALTY.get(token.role, UNMATCHED_PENALTY["normal"])
    return Alignment(
        score=min(1.0, gained / total) * penalty,
        pairs=tuple((tuple(q_tokens[i] for i in qs), tuple(e_tokens[j] for j in es), sim) for qs, es, sim in pairs),
        query_extra=tuple(t for i, t in enumerate(q_tokens) if i not in used_q),
        entry_extra=tuple(t for j, t in enumerate(e_tokens) if j not in used_e),
    )

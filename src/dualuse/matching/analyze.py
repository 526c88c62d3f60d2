"""Name analysis: turn a party or list name into comparable token sequences.

``analyze("三菱重工業株式会社")`` and ``analyze("MITSUBISHI HVY IND LTD")`` both
yield tokens that compare on what identifies the organisation:

1. NFKC, camel-case splitting of glued Latin words, case folding, folding of
   traditional/Japanese characters to simplified, hiragana to katakana.
2. Legal forms (株式会社, 有限公司, Co., Ltd., K.K., Kabushiki Kaisha...) are set
   aside wherever they stand, glued or spaced, prefix or suffix.
3. Latin words are split; customs abbreviations expanded (HVY -> heavy) and
   spelling variants folded (Defence -> defense). Chinese/Japanese runs are
   segmented: known terms become concept tokens shared with English
   (航空航天/航空宇宙/宇航 -> ``aerospace``), other Han characters stay single
   tokens, katakana runs become one token each.
4. Each token gets a role that sets its weight: ``generic`` (Industries,
   Japan at the start...), ``qualifier`` (Holdings, America in a non-leading
   position...) or ``normal``.
5. An address written after the name ("..., 1-11-1 Osaki, Shinagawa-ku,
   Tokyo") yields a second, truncated variant without it.

Names containing Han characters get an extra ``raw`` variant without concept
tokens, so that a one-character typo (住友重机槭工业) still compares
character by character.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from dualuse.matching.text import fold_cjk, is_han, is_kana, katakana, loose_kana, loose_latin, nfkc, split_camel
from dualuse.matching.vocabulary import Vocabulary, vocabulary

TokenKind = str  # "word" (Latin or concept), "num", "han", "kana"
TokenRole = str  # "normal", "generic", "qualifier", "country", "country_lead"


@dataclass(frozen=True, slots=True)
class Token:
    """One comparable unit of a name.

    Attributes:
        text: comparison form (lower case, folded, expanded).
        kind: ``word`` (Latin word or concept token), ``num``, ``han`` (one
            Han character), ``kana`` (a katakana run).
        role: weight class, see module docstring.
        surface: the text as written (for explanations).
        loose: typo-tolerant key (long vowels, voicing marks collapsed).
        concept: True when produced from a CJK term.
        segment: index of the comma-separated part of the name the token is
            in ("Ground Staff Office, JGSDF": 0 for the first three, 1 for JGSDF).
    """

    text: str
    kind: TokenKind
    role: TokenRole
    surface: str
    loose: str
    concept: bool = False
    segment: int = 0


@dataclass(frozen=True, slots=True)
class NameVariant:
    """One analysed reading of a name.

    Attributes:
        tokens: the tokens in written order.
        compact: the name without legal forms, spaces or punctuation (folded,
            lower case); two names with the same compact key are the same
            name written with different spacing.
        truncated: True when an address tail was cut off.
        mode: ``concept`` (CJK terms mapped to concept tokens) or ``raw``
            (every Han character a token). Only variants of the same mode
            are compared.
        text: the normalised text of this variant, for explanations.
    """

    tokens: tuple[Token, ...]
    compact: str
    truncated: bool
    mode: str
    text: str


_DOTTED_INITIALS = re.compile(r"\b(?:[a-z]\.){2,}")
_LATIN_CHAR = re.compile(r"[a-z0-9&]")
_DIGIT = re.compile(r"\d")


def _prepare(text: str) -> str:
    text = nfkc(text)
    text = split_camel(text)
    text = text.casefold()
    text = fold_cjk(text)
    text = katakana(text)
    # "U.S.A." -> "usa", "K.K." -> "kk" before punctuation is dropped
    return _DOTTED_INITIALS.sub(lambda m: m.group(0).replace(".", "") + " ", text)


@dataclass(slots=True)
class _Piece:
    """A raw token before roles are assigned: text, kind, surface, concept flag."""

    text: str
    kind: str
    surface: str
    concept: bool = False
    segment: int = 0


def _remove_cjk_legal_forms(text: str, vocab: Vocabulary) -> tuple[str, list[int]]:
    """Replace CJK legal forms by a space; return the text and the end offsets of removed forms."""
    ends: list[int] = []
    for form in vocab.cjk_legal_forms:
        start = text.find(form)
        while start != -1:
            text = text[:start] + " " * len(form) + text[start + len(form):]
            ends.append(start + len(form))
            start = text.find(form, start + len(form))
    return text, sorted(ends)


def _segment_han(run: str, vocab: Vocabulary, concepts: bool) -> list[_Piece]:
    pieces: list[_Piece] = []
    i = 0
    while i < len(run):
        matched = False
        if concepts:
            for term, concept in vocab.cjk_terms.items():
                if run.startswith(term, i):
                    pieces.extend(_Piece(c, "word", term, True) for c in concept)
                    i += len(term)
                    matched = True
                    break
        if not matched:
            for word in vocab.cjk_countries:
                if run.startswith(word, i):
                    pieces.append(_Piece(word, "country_word", word))
                    i += len(word)
                    matched = True
                    break
        if not matched:
            pieces.append(_Piece(run[i], "han", run[i]))
            i += 1
    return pieces


def _split_runs(text: str) -> list[tuple[str, str]]:
    """Split into (class, run) with classes ``latin``, ``han``, ``kana``, ``sep``."""
    runs: list[tuple[str, str]] = []
    current_class = ""
    current = []
    for ch in text:
        if _LATIN_CHAR.match(ch):
            cls = "latin"
        elif is_han(ch):
            cls = "han"
        elif is_kana(ch) and ch != "・":
            cls = "kana"
        elif ch == "'":
            continue  # "Minister's" -> "ministers"
        else:
            cls = "sep"
        if cls != current_class and current:
            runs.append((current_class, "".join(current)))
            current = []
        current_class = cls
        current.append(ch)
    if current:
        runs.append((current_class, "".join(current)))
    return runs


def _pieces(text: str, vocab: Vocabulary, concepts: bool) -> list[_Piece]:
    pieces: list[_Piece] = []
    segment = 0
    for cls, run in _split_runs(text):
        start = len(pieces)
        if cls == "sep" and ("," in run or ";" in run):
            segment += 1
        elif cls == "latin":
            word = run.strip("&")
            if run == "&":
                pieces.append(_Piece("&", "word", "&"))
            elif word:
                kind = "num" if word.isdigit() else "word"
                pieces.append(_Piece(word, kind, word))
        elif cls == "han":
            pieces.extend(_segment_han(run, vocab, concepts))
        elif cls == "kana":
            pieces.append(_Piece(run, "kana", run))
        for piece in pieces[start:]:
            piece.segment = segment
    return pieces


def _drop_latin_legal_forms(pieces: list[_Piece], vocab: Vocabulary) -> list[_Piece]:
    kept = list(pieces)
    for leading in vocab.latin_leading:
        if tuple(p.text for p in kept[: len(leading)]) == leading and len(kept) > len(leading):
            kept = kept[len(leading):]
    result: list[_Piece] = []
    i = 0
    while i < len(kept):
        for form in vocab.latin_legal_forms:
            n = len(form)
            if tuple(p.text for p in kept[i : i + n]) == form and all(p.kind == "word" for p in kept[i : i + n]):
                i += n
                break
        else:
            result.append(kept[i])
            i += 1
    return result if result else kept


def _normalise_words(pieces: list[_Piece], vocab: Vocabulary) -> list[_Piece]:
    out: list[_Piece] = []
    for piece in pieces:
        if piece.kind == "word" and not piece.concept:
            text = vocab.abbreviations.get(piece.text, piece.text)
            text = vocab.spellings.get(text, text)
            out.append(_Piece(text, "word", piece.surface, segment=piece.segment))
        else:
            out.append(piece)
    return out


def _assign_roles(pieces: list[_Piece], vocab: Vocabulary) -> tuple[Token, ...]:
    tokens: list[Token] = []
    for index, piece in enumerate(pieces):
        kind = piece.kind
        text = piece.text
        if kind == "country_word":  # a CJK country word
            kind = "word"
            text = vocab.cjk_countries[piece.text].lower()
            role = "country_lead" if index == 0 else "country"
        elif kind == "word" and text in vocab.latin_countries:
            text = vocab.latin_countries[text].lower()
            role = "country_lead" if index == 0 else "country"
        elif kind == "word" and text in vocab.generic:
            role = "generic"
        elif kind == "word" and text in vocab.qualifiers:
            role = "qualifier"
        else:
            role = "normal"
        loose = loose_kana(text) if kind == "kana" else loose_latin(text) if kind == "word" else text
        tokens.append(Token(text, kind, role, piece.surface, loose, piece.concept, piece.segment))
    return tuple(tokens)


def _compact(text: str, vocab: Vocabulary) -> str:
    pieces = _drop_latin_legal_forms(_pieces(text, vocab, concepts=False), vocab)
    return "".join(p.text for p in pieces if p.kind != "sep")


def _variant(text: str, vocab: Vocabulary, mode: str, truncated: bool) -> NameVariant | None:
    cleaned, _ = _remove_cjk_legal_forms(text, vocab)
    pieces = _drop_latin_legal_forms(_pieces(cleaned, vocab, concepts=mode == "concept"), vocab)
    pieces = [p for p in _normalise_words(pieces, vocab) if p.text]
    if not pieces:
        return None
    return NameVariant(
        tokens=_assign_roles(pieces, vocab),
        compact=_compact(cleaned, vocab),
        truncated=truncated,
        mode=mode,
        text=" ".join(p.surface for p in pieces),
    )


def _looks_like_address(tail: str, vocab: Vocabulary) -> bool:
    """True when ``tail`` (prepared text after the name) reads as an address."""
    cjk_markers = sum(tail.count(m) for m in vocab.cjk_address_markers)
    if cjk_markers >= 2 or (cjk_markers and _DIGIT.search(tail)):
        return True
    words = re.findall(r"[a-z0-9]+(?:-[a-z]+)?", tail)
    if not words:
        return False
    segments = [s.strip() for s in tail.split(",") if s.strip()]
    for segment in segments[1:]:  # a legal form after the first segment means this is still a name
        seg_words = segment.replace(".", " ").split()
        if seg_words and any(tuple(seg_words[-len(f):]) == f for f in vocab.latin_legal_forms if len(f) <= len(seg_words)):
            return False
    for word in words:
        if any(ch.isdigit() for ch in word):
            return True
        base, _, suffix = word.partition("-")
        if suffix and suffix in vocab.address_suffixes:
            return True
        if word in vocab.address_places or word in vocab.address_words or base in vocab.address_places:
            return True
    return False


def _address_split(prepared: str, vocab: Vocabulary) -> str | None:
    """Return the name part when the string ends in an address, else ``None``.

    Candidate cut points: commas and semicolons; the end of a legal form
    (Latin or CJK); whitespace after a CJK character. The earliest cut whose
    tail reads as an address wins.
    """
    _, legal_ends = _remove_cjk_legal_forms(prepared, vocab)
    cut_points = set(legal_ends)
    cut_points.update(m.start() for m in re.finditer(r"[,;]", prepared))
    cut_points.update(m.start() for m in re.finditer(r"(?<=[\u3040-\u30ff\u4e00-\u9fff)])\s+", prepared))
    latin_forms = {" ".join(form) for form in vocab.latin_legal_forms}
    for m in re.finditer(r"[a-z.]+", prepared):
        if m.group(0).replace(".", "") in latin_forms and m.end() < len(prepared):
            cut_points.add(m.end())
    for cut in sorted(cut_points):
        head, tail = prepared[:cut].strip(" ,;"), prepared[cut:].strip(" ,;")
        if head and tail and _looks_like_address(tail, vocab):
            return head
    return None


def analyze(name: str, vocab: Vocabulary | None = None) -> tuple[NameVariant, ...]:
    """Analyse a name into comparable variants.

    Args:
        name: a party or list name in any script; may include an address.
        vocab: the vocabulary to use (default: the built-in one); a matcher
            passes its own, extended with aliases learnt from its lists.

    Returns:
        One or more ``NameVariant``: the full name (``concept`` mode), a raw
        mode twin if it has Han characters, and the same again for the name
        without an address tail if one was recognised. Empty when the name
        has no letters, digits or CJK characters at all.
    """
    return _analyze(name, vocab if vocab is not None else vocabulary())


@lru_cache(maxsize=200_000)
def _analyze(name: str, vocab: Vocabulary) -> tuple[NameVariant, ...]:
    prepared = _prepare(name)
    texts: list[tuple[str, bool]] = [(prepared, False)]
    head = _address_split(prepared, vocab)
    if head is not None:
        texts.append((head, True))
    variants: list[NameVariant] = []
    for text, truncated in texts:
        has_han = any(is_han(ch) for ch in text)
        for mode in ("concept", "raw") if has_han else ("concept",):
            variant = _variant(text, vocab, mode, truncated)
            if variant is not None:
                variants.append(variant)
    return tuple(variants)

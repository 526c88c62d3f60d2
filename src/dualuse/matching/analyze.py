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
5. An address or a site written after the name ("..., 1-11-1 Osaki,
   Shinagawa-ku, Tokyo", "..., Gifu Works") yields truncated variants
   without it; a second name or an acronym in parentheses ("拉法特集团
   (LAFERT S.P.A.)", "... (JAXA)") yields the names on their own.

Names containing Han characters get an extra ``raw`` variant without concept
tokens, so that a one-character typo (住友重机槭工业) still compares
character by character.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from dualuse.matching.text import fold_characters, is_han, is_kana, latinise, loose_kana, loose_latin, nfkc, split_camel
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
        truncated: True when this is a part of the written name (an address
            or site tail cut off, or one of two names in parentheses).
        mode: ``concept`` (CJK terms mapped to concept tokens) or ``raw``
            (every Han character a token). Only variants of the same mode
            are compared.
        text: the normalised text of this variant, for explanations.
        legal_forms: the legal forms set aside (normalised: ``gmbh``,
            ``kabushiki kaisha``, ``株式会社``), in written order.
    """

    tokens: tuple[Token, ...]
    compact: str
    truncated: bool
    mode: str
    text: str
    legal_forms: tuple[str, ...] = ()


_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f\u3005]")
_DOTTED_INITIALS = re.compile(r"\b(?:[a-z]\.){2,}")
_LATIN_CHAR = re.compile(r"[a-z0-9&]")
_DIGIT = re.compile(r"\d")


_POSSESSIVE = re.compile(r"(?<=[a-z])['\u2019]s\b")
_KANJI_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_ORDINAL_KANJI = re.compile(r"(?<=第)[〇零一二三四五六七八九十百]+")


def _kanji_number(numeral: str) -> str:
    """``十五`` -> ``15``, ``二十一`` -> ``21``, ``一〇二`` -> ``102`` (numerals up to 999)."""
    if not any(ch in "十百" for ch in numeral):
        return "".join(str(_KANJI_DIGITS[ch]) for ch in numeral)
    total, current = 0, 0
    for ch in numeral:
        if ch in _KANJI_DIGITS:
            current = _KANJI_DIGITS[ch]
        else:
            total += (current or 1) * (10 if ch == "十" else 100)
            current = 0
    return str(total + current)


def _prepare(text: str, vocab: Vocabulary) -> str:
    if text.isascii():  # most list names: no width, script or kana folding to do
        text = split_camel(text).casefold()
    else:
        text = nfkc(text)
        text = latinise(text)
        text = split_camel(text)
        text = text.casefold()
        text = fold_characters(text, vocab.folds)
        # ordinals of units: 第十五旅団 = 第15旅団
        text = _ORDINAL_KANJI.sub(lambda m: _kanji_number(m.group(0)), text)
    # "Deutsche Bank's" -> "Deutsche Bank": a possessive is not part of the name
    text = _POSSESSIVE.sub("", text)
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


def _remove_cjk_legal_forms(text: str, vocab: Vocabulary, found: list[str] | None = None) -> tuple[str, list[int]]:
    """Replace CJK legal forms by a space; return the text and the end offsets of removed forms.

    The removed forms are appended to ``found`` when given.
    """
    ends: list[int] = []
    if text.isascii():
        return text, ends
    for form in vocab.cjk_legal_forms:
        start = text.find(form)
        while start != -1:
            text = text[:start] + " " * len(form) + text[start + len(form):]
            ends.append(start + len(form))
            if found is not None:
                found.append(form)
            start = text.find(form, start + len(form))
    return text, sorted(ends)


def _segment_han(run: str, vocab: Vocabulary, concepts: bool) -> list[_Piece]:
    """Split a Han run into CJK terms (concept tokens), country words and single characters."""
    pieces: list[_Piece] = []
    by_first = vocab.cjk_by_first_char
    i = 0
    while i < len(run):
        for term, kind, value in by_first.get(run[i], ()):
            if (concepts or kind == "country") and run.startswith(term, i):
                if kind == "country":
                    pieces.append(_Piece(term, "country_word", term))
                else:
                    pieces.extend(_Piece(c, "word", term, True) for c in value)
                i += len(term)
                break
        else:
            pieces.append(_Piece(run[i], "han", run[i]))
            i += 1
    return pieces


_CJK_CLASS = "\u3005\u3040-\u30fa\u30fc-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
# Words are letters and digits of any other script (Latin, Cyrillic, Greek,
# Hangul, Arabic...) and "&"; Han and kana runs are segmented separately.
_RUNS = re.compile(
    rf"(?P<latin>(?:(?![{_CJK_CLASS}])[^\W_]|&)+)"
    r"|(?P<han>[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f\u3005]+)"
    r"|(?P<kana>[\u3040-\u30fa\u30fc-\u30ff\u31f0-\u31ff]+)"
    r"|(?P<sep>(?:[^\w&]|_)+)"
)


def _split_runs(text: str) -> list[tuple[str, str]]:
    """Split into (class, run) with classes ``latin``, ``han``, ``kana``, ``sep`` (apostrophes dropped)."""
    return [(m.lastgroup or "sep", m.group(0)) for m in _RUNS.finditer(text.replace("'", ""))]


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


def _drop_latin_legal_forms(pieces: list[_Piece], vocab: Vocabulary, found: list[str] | None = None) -> list[_Piece]:
    """The pieces without Latin legal forms (all of them kept when nothing else is left).

    The dropped forms (space-joined tokens) are appended to ``found`` when given.
    """
    kept = pieces
    dropped: list[str] = []
    for leading in vocab.latin_leading:
        if len(kept) > len(leading) and tuple(p.text for p in kept[: len(leading)]) == leading:
            kept = kept[len(leading):]
    result: list[_Piece] = []
    i = 0
    by_first = vocab.latin_forms_by_first
    while i < len(kept):
        piece = kept[i]
        forms = by_first.get(piece.text) if piece.kind == "word" else None
        if forms:
            for form in forms:
                n = len(form)
                window = kept[i : i + n]
                if len(window) == n and all(p.kind == "word" and p.text == t for p, t in zip(window, form)):
                    dropped.append(" ".join(form))
                    i += n
                    break
            else:
                result.append(piece)
                i += 1
        else:
            result.append(piece)
            i += 1
    if result and found is not None:
        found.extend(dropped)
    return result if result else kept


_ORDINAL_DIGITS = re.compile(r"^(\d+)(?:st|nd|rd|th)$")


def _fold_numbers(pieces: list[_Piece], vocab: Vocabulary) -> list[_Piece]:
    """Number words and ordinals as digits: ``first``/``1st`` -> ``1``, ``forty four`` -> ``44``."""
    numbers = vocab.numbers
    if not any(p.kind == "word" and (p.text in numbers or p.text[:1].isdigit()) for p in pieces):
        return pieces
    out: list[_Piece] = []
    for piece in pieces:
        value: int | None = None
        if piece.kind == "word" and not piece.concept:
            if piece.text in numbers:
                value = numbers[piece.text]
            elif (m := _ORDINAL_DIGITS.match(piece.text)) is not None:
                value = int(m.group(1))
        elif piece.kind == "num":
            value = int(piece.text) if piece.text.isdigit() and len(piece.text) < 6 else None
        previous = out[-1] if out else None
        if (
            value is not None
            and 0 < value < 10
            and previous is not None
            and previous.kind == "num"
            and previous.text.isdigit()
            and previous.text.endswith("0")
            and len(previous.text) == 2
            and previous.surface.isalpha()
        ):
            out[-1] = _Piece(str(int(previous.text) + value), "num", f"{previous.surface}-{piece.surface}", segment=previous.segment)
            continue
        if value is not None and piece.kind == "word":
            out.append(_Piece(str(value), "num", piece.surface, segment=piece.segment))
        else:
            out.append(piece)
    return out


def _normalise_words(pieces: list[_Piece], vocab: Vocabulary) -> list[_Piece]:
    out: list[_Piece] = []
    for piece in _fold_numbers(pieces, vocab):
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
        if role in ("country", "country_lead"):
            loose = loose_latin(piece.surface.casefold())  # the word as written ("japan", "zyapan"), not its code
        else:
            loose = loose_kana(text) if kind == "kana" else loose_latin(text) if kind == "word" else text
        tokens.append(Token(text, kind, role, piece.surface, loose, piece.concept, piece.segment))
    return tuple(tokens)


_CONNECTOR_SPELLINGS = frozenset({"and", "und", "et"})


def _compact(pieces: list[_Piece], vocab: Vocabulary) -> str:
    """The compact key: the pieces' texts joined, numbers as digits and "and" as "&" (AT&T = AT and T)."""
    return "".join("&" if p.text in _CONNECTOR_SPELLINGS else p.text for p in _fold_numbers(pieces, vocab))


def _variant(pieces: list[_Piece], compact: str, vocab: Vocabulary, mode: str, truncated: bool) -> NameVariant | None:
    pieces = [p for p in _normalise_words(pieces, vocab) if p.text]
    if not pieces:
        return None
    return NameVariant(
        tokens=_assign_roles(pieces, vocab),
        compact=compact,
        truncated=truncated,
        mode=mode,
        text=" ".join(p.surface for p in pieces),
    )


def _latin_words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+(?:-[a-z]+)?", text)


def _is_legal_form_only(words: list[str], vocab: Vocabulary) -> bool:
    forms = vocab.latin_form_strings
    joined = " ".join(w.replace("-", " ") for w in words)
    return bool(words) and (joined in forms or all(w in forms for w in words))


def _segment_kind(segment: str, vocab: Vocabulary) -> str:
    """``address`` (a place, a number, a site), ``legal`` (only a legal form), ``name`` or ``unknown``."""
    words = _latin_words(segment.replace(".", " "))
    if not words:
        cjk_markers = sum(segment.count(m) for m in vocab.cjk_address_markers)
        if cjk_markers >= 2 or (cjk_markers and _DIGIT.search(segment)):
            return "address"
        if any(segment.rstrip(" )").endswith(w) for w in vocab.cjk_site_words):
            return "address"
        return "unknown"
    if _is_legal_form_only(words, vocab):
        return "legal"
    forms = vocab.latin_form_strings
    if any(w in forms for w in words[1:]):
        return "name"  # "Ltd. Aerospace Systems Company": still the name
    if words[-1] in vocab.site_words:
        return "address"
    if any(w in vocab.generic or w in vocab.qualifiers for w in words if w not in ("&", "and", "of")):
        return "name"  # "Kawasaki Heavy Industries": a company, although Kawasaki is also a city
    for word in words:
        base, _, suffix = word.partition("-")
        if any(ch.isdigit() for ch in word) or (suffix and suffix in vocab.address_suffixes):
            return "address"
        if word in vocab.address_places or word in vocab.address_words or base in vocab.address_places:
            return "address"
    return "unknown"


def _looks_like_address(tail: str, vocab: Vocabulary) -> bool:
    """True when ``tail`` (prepared text after the name) is an address or a site, not more of the name.

    The tail is split at commas; leading legal-form parts ("Ltd.") are
    transparent; no part may read as a name (a legal form after its first
    word); at least one part must be an address (a place, a number, an
    address word) or a site ("Gifu Works", "筑波宇宙センター").
    """
    if tail.startswith("("):
        inside = tail[1:].split(")", 1)[0].replace(".", "").strip()
        if inside.replace(" ", "") in {k.replace(" ", "") for k in vocab.latin_countries} or inside in vocab.cjk_countries:
            return False  # "Mitsui & Co. (U.S.A.)": a subsidiary, not an address
    segments = [seg.strip(" ()") for seg in re.split(r"[,;]", tail) if seg.strip(" ()")]
    kinds = [_segment_kind(seg, vocab) for seg in segments]
    if not kinds or "name" in kinds:
        return False
    return "address" in kinds


def _address_heads(prepared: str, vocab: Vocabulary) -> list[str]:
    """Every name part that is followed by an address or site tail, longest first.

    Candidate cut points: commas and semicolons, an opening parenthesis,
    the end of a legal form (Latin or CJK), whitespace after a CJK
    character. All valid cuts are kept: the matcher prefers the longest
    name part that matches.
    """
    if not _MAY_HAVE_TAIL.search(_TRAILING_LEGAL_FORMS.sub("", prepared)):
        return []
    _, legal_ends = _remove_cjk_legal_forms(prepared, vocab)
    cut_points = set(legal_ends)
    cut_points.update(m.start() for m in re.finditer(r"[,;(]", prepared))
    cut_points.update(m.start() for m in re.finditer(r"(?<=[\u3040-\u30ff\u4e00-\u9fff)])\s+", prepared))
    latin_forms = vocab.latin_form_strings
    for m in re.finditer(r"[a-z.]+", prepared):
        if m.group(0).replace(".", "") in latin_forms and m.end() < len(prepared):
            cut_points.add(m.end())
    heads: list[str] = []
    for cut in sorted(cut_points, reverse=True):
        head, tail = prepared[:cut].strip(" ,;("), prepared[cut:].strip(" ,;")
        if _BARE_NUMBER.fullmatch(tail):
            continue  # a number alone names no place ("Management Company 23" is another company)
        if head and tail and _looks_like_address(tail, vocab) and head not in heads:
            heads.append(head)
    return heads


_BARE_NUMBER = re.compile(r"\d{1,4}")
# a comma, a parenthesis, whitespace after CJK, or a word after a legal form
_MAY_HAVE_TAIL = re.compile(r"[,;(]|[\u3040-\u30ff\u4e00-\u9fff)]\s+\S|\b(?:co|ltd|inc|corp|corporation|limited|company|llc|kk|ag|gmbh|sa)\b\.?\s+\S")
# legal forms at the end of a name (", Co., Ltd."), whose commas start no tail
_TRAILING_LEGAL_FORMS = re.compile(r"(?:[\s,]*\b(?:co|ltd|inc|corp|corporation|limited|company|llc|kk|k\.k|gmbh|sa|ag|plc|pte)\b\.?)+[\s.]*$")
_PARENTHESES = re.compile(r"\(([^()]*)\)")


def _script(text: str) -> str:
    if any(is_han(ch) or is_kana(ch) for ch in text):
        return "cjk"
    return "latin" if re.search(r"[a-z]", text) else "other"


def _parenthetical_names(prepared: str, vocab: Vocabulary) -> list[str]:
    """Names written with a second name or an acronym in parentheses.

    "拉法特集团(lafert s.p.a.)" is two names of one company in two scripts:
    both halves become variants. "japan aerospace exploration agency (jaxa)"
    carries its acronym: the name without it becomes a variant. A country
    in parentheses ("mitsui & co. (u.s.a.)", "三菱电机(中国)") names a
    subsidiary and is kept; a city ("lenovo (beijing) co., ltd.", "联想(北京)")
    is set aside like an address (``address_words.yaml``).
    """
    names: list[str] = []
    for match in _PARENTHESES.finditer(prepared):
        inside = match.group(1).strip()
        outside = (prepared[: match.start()] + " " + prepared[match.end():]).strip()
        if not inside or not outside:
            continue
        inside_words = _latin_words(inside.replace(".", ""))
        is_country = inside.replace(".", "").replace(" ", "") in {k.replace(" ", "") for k in vocab.latin_countries} or any(
            inside == c for c in vocab.cjk_countries
        )
        if is_country:
            continue
        if inside.replace(" ", "") in vocab.address_places or inside in vocab.cjk_places:
            names.append(outside)  # a city: where the company is registered, set aside like an address
            continue
        if _script(inside) != _script(outside) and _script(inside) != "other":
            names.extend([outside, inside])
        elif len(inside_words) == 1 and 2 <= len(inside_words[0]) <= 6 and inside_words[0].isalpha():
            names.append(outside)  # an acronym after the full name
    return names


_SLASH = re.compile(r"\s*/\s*")
# a lone の between Han characters or digits: "小松基地の第6航空団" = the 6th Air Wing at Komatsu
_NO_PARTICLE = re.compile(r"(?<=[\u3400-\u9fff\d])ノ(?=[\u3400-\u9fff\d])")


# a label before the name on a document ("consignee: ...", "收货人：...", "c/o ...")
_LABEL = re.compile(r"^[^:]{1,30}:\s*(?=\S)|^\s*c\s*/\s*o\s+")


def _joined_names(prepared: str) -> list[str]:
    """The parts of names joined by a slash or by の ("Nagoya Airport / JASDF Komaki Air Base", "岐阜基地の飛行開発実験団").

    A slash inside a legal form or code ("A/S", "M/V") joins nothing: both
    sides must have at least three letters.
    """
    parts: list[str] = []
    label = _LABEL.match(prepared)
    if label is not None:
        rest = prepared[label.end():].strip()
        if len(re.sub(r"[\W_]", "", rest)) >= 2:
            parts.append(rest)
            prepared = rest
    if "/" in prepared:
        pieces = [p.strip(" ,;") for p in _SLASH.split(prepared)]
        if len(pieces) > 1 and all(len(re.sub(r"[\W_]", "", p)) >= 3 for p in pieces):
            parts.extend(pieces)
    if "ノ" in prepared:
        pieces = [p.strip() for p in _NO_PARTICLE.split(prepared)]
        if len(pieces) > 1 and all(pieces):
            parts.extend(reversed(pieces))  # the head of a Japanese noun phrase comes last
    return parts


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
    prepared = _prepare(name, vocab)
    texts: list[tuple[str, bool]] = [(prepared, False)]
    for alternative in _parenthetical_names(prepared, vocab) + _joined_names(prepared):
        if all(alternative != text for text, _ in texts):
            texts.append((alternative, True))
    for head in _address_heads(prepared, vocab):
        if all(head != text for text, _ in texts):
            texts.append((head, True))
    variants: list[NameVariant] = []
    for text, truncated in texts:
        forms: list[str] = []
        cleaned, _ = _remove_cjk_legal_forms(text, vocab, forms)
        raw = _drop_latin_legal_forms(_pieces(cleaned, vocab, concepts=False), vocab, forms)
        compact = _compact(raw, vocab)
        if _HAN.search(text) is not None:
            concept = _drop_latin_legal_forms(_pieces(cleaned, vocab, concepts=True), vocab)
            modes = (("concept", concept), ("raw", raw))
        else:  # without Han characters both segmentations are the same
            modes = (("concept", raw),)
        for mode, pieces in modes:
            variant = _variant(pieces, compact, vocab, mode, truncated)
            if variant is not None:
                variants.append(replace(variant, legal_forms=tuple(dict.fromkeys(forms))) if forms else variant)
    return tuple(variants)

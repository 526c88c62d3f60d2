"""A party's name as documents write it: a leading label set aside.

``strip_label("Consignee: Kawasaki Heavy Industries, Ltd., 1-1 Higashi
Kawasaki-cho")`` returns ``("Kawasaki Heavy Industries, Ltd., 1-1 Higashi
Kawasaki-cho", "Consignee:")``: the labels of ``document_labels.yaml``
(party boxes of bills of lading and invoices, "Messrs.", 收货人, 荷受人) are
not part of the name. The address tail is left to the name analyser.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from importlib import resources

from dualuse import yamlio


@lru_cache(maxsize=1)
def _label_pattern() -> re.Pattern[str]:
    data = yamlio.safe_load(resources.files("dualuse.matching").joinpath("document_labels.yaml").read_text(encoding="utf-8"))
    labels = sorted((str(label) for label in data["labels"]), key=len, reverse=True)
    alternatives = "|".join(re.escape(label) for label in labels)
    # a label, then ":" / "." / "：" (with optional spaces), or at least one space; then the name
    return re.compile(rf"^\s*(?:{alternatives})(?:\s*[:：.]\s*|\s+)(?=\S)", re.IGNORECASE)


def strip_label(name: str) -> tuple[str, str | None]:
    """``(name without a leading document label, the label as written or None)``.

    A label without a separator is set aside only when followed by a
    space (Latin labels) and at least one more word; CJK labels need ":"
    or "：" (收货人：中国航空工业集团). Nothing is removed from a name that
    is only a label.
    """
    text = unicodedata.normalize("NFC", name)
    match = _label_pattern().match(text)
    if match is None:
        return name, None
    label = match.group(0).strip()
    rest = text[match.end() :]
    if not rest.strip() or (not label[-1:] in ":：." and not label.isascii()):
        return name, None
    if label.isascii() and label[-1:] not in ":." and label.casefold() in ("to", "notify", "manufacturer", "buyer", "seller", "shipper", "importer", "exporter", "applicant", "beneficiary"):
        # an English word that can begin a name ("To-A Corporation"): only with ":" or "."
        return name, None
    return rest, label


_OCR_DIGITS = {"0": "o", "1": "l", "5": "s"}
_MIXED_WORD = re.compile(r"[A-Za-z]*[015][A-Za-z015]*")


def ocr_letters(name: str) -> str | None:
    """The name with OCR's digits-for-letters read back in Latin words (``Techn0logies`` -> ``Technologies``), or None.

    Only in a word of at least four letters where every digit is 0, 1 or 5
    and stands between letters or ends the word: codes and numbers
    (``L3 Harris``, ``A350``, ``2004-1``) are left alone.
    """

    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        letters = sum(ch.isalpha() for ch in word)
        if letters < 4 or word[0].isdigit() or not any(ch.isdigit() for ch in word):
            return word
        return "".join(_OCR_DIGITS.get(ch, ch) for ch in word)

    fixed = _MIXED_WORD.sub(fix, name)
    return fixed if fixed != name else None


# legal-form words are long and typed in a hurry: a word this long or longer
# one typo away from one of them is read as it
LEGAL_WORD_MIN = 7


@lru_cache(maxsize=1)
def _legal_words() -> tuple[str, ...]:
    # the curated forms of legal_forms.yaml only: rigour's table holds words of
    # many languages one letter from English name words (institut, internationale)
    data = yamlio.safe_load(resources.files("dualuse.matching").joinpath("legal_forms.yaml").read_text(encoding="utf-8"))
    words = {str(token) for form in data["latin"] + data.get("latin_leading", []) for token in form if len(str(token)) >= LEGAL_WORD_MIN and str(token).isalpha()}
    return tuple(sorted(words))


_WORD = re.compile(r"[A-Za-z]{%d,}" % LEGAL_WORD_MIN)


def legal_form_spelling(name: str) -> str | None:
    """The name with a misspelt legal-form word written right ("Corpoartion" -> "Corporation"), or None.

    A Latin word of ``LEGAL_WORD_MIN`` letters or more that is not itself a
    legal-form word and is one edit (optimal string alignment: a letter
    changed, added, dropped or two neighbours swapped) from exactly one of
    the legal-form words of ``legal_forms.yaml`` (its ``latin`` lists) is read
    as that word, in the case it was written in.
    """
    from rapidfuzz.distance import OSA

    words = _legal_words()

    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        lower = word.casefold()
        if lower in words:
            return word
        close = [w for w in words if abs(len(w) - len(lower)) <= 1 and w[0] == lower[0] and OSA.distance(w, lower, score_cutoff=1) <= 1]
        if len(close) != 1:
            return word
        right = close[0]
        return right.upper() if word.isupper() else right.capitalize() if word[0].isupper() else right

    fixed = _WORD.sub(fix, name)
    return fixed if fixed != name else None

"""Control codes (管制编码): parsing, normalisation and hierarchy.

A control code is a digit (category 0-9), a capital letter (type A-E) and
three digits, optionally followed by sub-item parts: ``1C902.a.1``. Codes
arrive written in many ways - ``1c902 a 1``, ``1C902.A.1``, full-width
``１Ｃ９０２``, with Chinese full stops ``1C908．a．2．e`` or a label
``管制编码：1C906.a.3`` - and all normalise to the same form.

Sources: the code format of the dual-use export control list, MOFCOM
Announcement 2024 No. 51 (regime.md §4.1): category digit (1 special
materials ... 9 aerospace, 0 other), type letter (A systems/equipment,
B test and production equipment, C materials, D software, E technology).
"""

from __future__ import annotations

import re
import unicodedata

CATEGORIES = {
    "0": "other items",
    "1": "special materials and related equipment, chemicals, microorganisms and toxins",
    "2": "materials processing",
    "3": "electronics",
    "4": "computers",
    "5": "telecommunications and information security",
    "6": "sensors and lasers",
    "7": "navigation and avionics",
    "8": "marine",
    "9": "aerospace and propulsion",
}
TYPES = {
    "A": "systems, equipment and components",
    "B": "test, inspection and production equipment",
    "C": "materials",
    "D": "software",
    "E": "technology",
}

_CODE = re.compile(r"(?<![0-9A-Za-z])([0-9])\s*([A-Ea-e])\s*([0-9]{3})((?:\s*[.\s]\s*[A-Za-z0-9]{1,3})*)(?![0-9A-Za-z])")
_PART = re.compile(r"[A-Za-z0-9]{1,3}")


def normalise_code(text: str) -> str | None:
    """Normalise a control code written in any common form.

    Args:
        text: e.g. ``"1c902 a 1"``, ``"１Ｃ９０２"``, ``"管制编码：1C906.a.3"``.

    Returns:
        The code in canonical form (``1C902.a.1``), or ``None`` when the text
        holds no control code.
    """
    if not text:
        return None
    folded = unicodedata.normalize("NFKC", text).replace("．", ".").replace("。", ".")
    match = _CODE.search(folded)
    if match is None:
        return None
    category, kind, number, rest = match.groups()
    parts = [p.lower() for p in _PART.findall(rest or "")]
    return ".".join([f"{category}{kind.upper()}{number}", *parts])


def is_code(text: str) -> bool:
    """True when ``text`` is (only) a control code in some written form."""
    code = normalise_code(text)
    if code is None:
        return False
    stripped = re.sub(r"[\s.．:：]|管制编码|管制編碼|control\s*code", "", unicodedata.normalize("NFKC", text), flags=re.I)
    return len(stripped) == len(code.replace(".", ""))


def parent_codes(code: str) -> list[str]:
    """Ancestors of ``code`` from the nearest up: ``1C902.a.1`` -> ``["1C902.a", "1C902"]``."""
    parts = code.split(".")
    return [".".join(parts[:i]) for i in range(len(parts) - 1, 0, -1)]


def covers(ancestor: str, code: str) -> bool:
    """True when ``ancestor`` is ``code`` or one of its ancestors (1C902 covers 1C902.a.1)."""
    return code == ancestor or code.startswith(ancestor + ".")


def describe(code: str) -> str:
    """Category and type of a code in words, e.g. ``materials (special materials ...)``."""
    category, kind = code[0], code[1]
    return f"{TYPES.get(kind, '?')} ({CATEGORIES.get(category, '?')})"

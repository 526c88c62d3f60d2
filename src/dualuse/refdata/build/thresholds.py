"""Technical thresholds of entries without a curated table, read with the help of the reference text.

The Chinese catalogue text (目录原文摘要) states each entry's thresholds, but
the machine extraction mixes neighbouring rows, so a number in an entry's
excerpt may belong to the next item. The English reference text of the same
number (US CCL, :mod:`.reference_text`) says which numbers belong to which
item. This module combines the two, per entry that has no curated or
extracted parameters:

* a threshold the reference text states (``greater than 900 MPa``, ``75 mm
  or more``, ``between 75 mm and 650 mm``) whose number and unit the Chinese
  text of the entry or of its two neighbouring rows (same code group) also prints becomes a
  deciding threshold (``source="extracted"``): the Chinese text decides, the
  reference text only tells what the number is;
* a threshold the Chinese text does not confirm becomes an open parameter
  (``source="reference"``, ``value=None``): the entry turns on it, so a
  description that does not settle it is ``needs_parameters``, but its number
  never decides;
* a reference heading or paragraph that states characteristics without a
  number this module can read (``having all of the following
  characteristics``, ``capable of measuring ions of 230 u or greater``) marks
  the entry with an open ``characteristics`` parameter.

Only reference texts that describe the same item are used (``same-code``, or
``doubtful`` only by numbering with the paragraph matched by CAS number,
organism name or a manual cross-walk); content thresholds of mixtures
("containing more than 2% by weight") are not read: they do not limit the
substance itself.
"""

from __future__ import annotations

import re
import unicodedata

from dualuse.models.reference import ControlEntry, ControlParameter, ReferenceText

# English unit spellings -> canonical units of dualuse.classification.parameters.UNITS
_EN_UNITS: dict[str, str] = {
    "%": "%", "percent": "%", "ppm": "ppm", "parts per million": "ppm",
    "nm": "nm", "µm": "µm", "μm": "µm", "micrometer": "µm", "micrometers": "µm", "mm": "mm", "cm": "cm", "m": "m", "km": "km",
    "w": "W", "kw": "kW", "mw": "MW", "mpa": "MPa", "gpa": "GPa", "kpa": "kPa", "pa": "Pa",
    "g/cm^3": "g/cm3", "g/cm3": "g/cm3", "°c": "°C", "ºc": "°C", "k": "K", "n": "N", "kn": "kN",
    "hz": "Hz", "khz": "kHz", "mhz": "MHz", "ghz": "GHz", "kg": "kg", "g": "g",
    "° per hour": "°/h", "degree per hour": "°/h", "degrees per hour": "°/h", "°/hr": "°/h", "°/h": "°/h", "º/h": "°/h",
    "l": "L", "liters": "L", "litres": "L", "m^3": "m3", "m3": "m3", "cm^3": "cm3", "cm3": "cm3",
    "ns": "ns", "µs": "µs", "μs": "µs", "ms": "ms", "s": "s", "seconds": "s", "min": "min", "minutes": "min", "h": "h", "hours": "h", "hour": "h",
    "v": "V", "kv": "kV", "a": "A", "ka": "kA", "j": "J", "kj": "kJ", "mm/µs": "mm/µs", "mm/μs": "mm/µs", "kg/h": None,  # noqa: E501
}
_UNIT_ALT = "|".join(sorted((re.escape(u) for u in _EN_UNITS), key=len, reverse=True))
_NUMBER = r"(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
_BEFORE = (
    r"(greater than or equal to|equal to or greater than|equal to or more than|not less than|at least|in excess of|exceeding|"
    r"greater than|more than|higher than|above|less than or equal to|equal to or less than|not more than|not exceeding|less than|below|"
    r"lower than|better than)"
)
_OP_BEFORE = {
    "greater than or equal to": ">=", "equal to or greater than": ">=", "equal to or more than": ">=", "not less than": ">=", "at least": ">=",
    "in excess of": ">", "exceeding": ">", "greater than": ">", "more than": ">", "higher than": ">", "above": ">",
    "less than or equal to": "<=", "equal to or less than": "<=", "not more than": "<=", "not exceeding": "<=",
    "less than": "<", "below": "<", "lower than": "<", "better than": None,
}
_AFTER = r"(or more|or greater|or higher|or above|or larger|or less|or lower|or smaller|or better)"
_OP_AFTER = {"or more": ">=", "or greater": ">=", "or higher": ">=", "or above": ">=", "or larger": ">=", "or less": "<=", "or lower": "<=", "or smaller": "<=", "or better": None}
_UNIT_END = r"(?![a-z0-9])"
_PAT_BEFORE = re.compile(_BEFORE + r"\s+" + _NUMBER + r"\s*(" + _UNIT_ALT + r")" + _UNIT_END)
_PAT_AFTER = re.compile(_NUMBER + r"\s*(" + _UNIT_ALT + r")" + _UNIT_END + r"\s*" + _AFTER)
_PAT_BETWEEN = re.compile(r"between\s+" + _NUMBER + r"\s*(" + _UNIT_ALT + r")?\s*and\s+" + _NUMBER + r"\s*(" + _UNIT_ALT + r")" + _UNIT_END)
_CHARACTERISTICS = re.compile(r"having (?:all|both|any|either|one or more) of the following|having the following|\b\d+(?:\.\d+)? ?\w+ or (?:greater|more|less)\b|(?:greater|more|less) than \d|exceeding \d|better than \d")
_CONTENT = re.compile(r"contain\w*\s+(?:more|less) than\s+[\d.]+\s*%[^,;.]*|[\d.]+\s*%\s*(?:\(?by weight\)?)")
_MIXTURE = re.compile(r"contain\w*\s+(?:more|less) than\s*$|by weight\s*$")
_QUALIFIER = re.compile(r"\s*\((?:1|one|3|three)\s+sigma[^()]{0,20}\)|\s*\(rms\)")
_SYSTEM = re.compile(r"\b(?:rockets?|missiles?|unmanned aerial vehicles?|uavs?)\b[^.;]*\bcapable of\b")
_CONTEXT_WORDS = (
    "thrust", "drift", "bias", "tensile strength", "diameter", "length", "width", "thickness", "depth", "pressure", "temperature", "power", "frequency",
    "voltage", "current", "energy", "mass", "weight", "volume", "capacity", "purity", "speed", "velocity", "density", "strength",
    "resolution", "accuracy", "range", "endurance", "altitude", "flow", "wavelength", "time", "delay", "rate", "area", "size",
)
_SUFFIX = {
    "%": "percent", "ppm": "ppm", "nm": "nm", "µm": "um", "mm": "mm", "cm": "cm", "m": "m", "km": "km", "W": "kw", "kW": "kw", "MW": "kw",
    "MPa": "mpa", "GPa": "mpa", "kPa": "mpa", "Pa": "mpa", "g/cm3": "g_cm3", "°C": "c", "K": "c", "N": "kn", "kN": "kn",
    "Hz": "mhz", "kHz": "mhz", "MHz": "mhz", "GHz": "mhz", "kg": "kg", "g": "kg", "°/h": "deg_h", "L": "m3", "m3": "m3", "cm3": "m3",
    "ns": "us", "µs": "us", "ms": "us", "s": "h", "min": "h", "h": "h", "V": "kv", "kV": "kv", "A": "a", "kA": "a", "J": "j", "kJ": "j", "mm/µs": "mm_us",
}
# the canonical unit each suffix stores its value in
_STORE = {"percent": "%", "ppm": "ppm", "nm": "nm", "um": "µm", "mm": "mm", "cm": "cm", "m": "m", "km": "km", "kw": "kW", "mpa": "MPa",
          "g_cm3": "g/cm3", "c": "°C", "kn": "kN", "mhz": "MHz", "kg": "kg", "deg_h": "°/h", "m3": "m3", "h": "h", "us": "µs", "kv": "kV", "a": "A",
          "j": "J", "mm_us": "mm/µs"}


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def english_thresholds(text: str) -> list[tuple[str | None, float, str, str, str]]:
    """Thresholds an English text states: ``(op, value, canonical unit, context word, snippet)``.

    ``op`` is ``None`` when the direction is not stated in a comparable way
    ("better than"). Content thresholds of mixtures are skipped.
    """
    low = unicodedata.normalize("NFKC", text).casefold().replace("μ", "µ")
    # a statistical qualifier inside a unit ("0.5 degrees (1 sigma or rms) per hour") is not part of it
    low = _QUALIFIER.sub("", low)
    found: list[tuple[int, str | None, float, str, str]] = []
    for m in _PAT_BETWEEN.finditer(low):
        unit = _EN_UNITS.get(m.group(4))
        if unit is None or (m.group(2) and _EN_UNITS.get(m.group(2)) != unit):
            continue
        found.append((m.start(), ">=", _number(m.group(1)), unit, m.group(0)))
        found.append((m.start(), "<=", _number(m.group(3)), unit, m.group(0)))
    for m in _PAT_BEFORE.finditer(low):
        unit = _EN_UNITS.get(m.group(3))
        if unit is None or _MIXTURE.search(low[max(0, m.start() - 30) : m.start() + len(m.group(1))]):
            continue
        if unit == "%" and re.match(r"\s*(?:by weight|of\b|\w+ by weight)", low[m.end() : m.end() + 20]):
            continue
        found.append((m.start(), _OP_BEFORE[m.group(1)], _number(m.group(2)), unit, m.group(0)))
    for m in _PAT_AFTER.finditer(low):
        unit = _EN_UNITS.get(m.group(2))
        if unit is None:
            continue
        found.append((m.start(), _OP_AFTER[m.group(3)], _number(m.group(1)), unit, m.group(0)))
    out = []
    for start, op, value, unit, snippet in sorted(found):
        before = low[max(0, start - 90) : start]
        if unit == "g" and re.search(r"accelerat\w*[^.;]*$", before):
            continue  # "acceleration levels greater than 100 g": g is the acceleration of gravity, not grams
        if re.search(r"\brange\b[^.;]*$", before) and _SYSTEM.search(before):
            continue  # "usable in rockets, missiles ... capable of a range of 300 km": the system the item is used in, not the item
        words = [w for w in _CONTEXT_WORDS if re.search(r"\b" + w + r"\b", before)]
        word = max(words, key=lambda w: (before.rfind(w) + len(w), len(w))) if words else ""
        out.append((op, value, unit, word, snippet))
    return out


_CN_NUMBER_UNIT = re.compile(r"(\d+(?:\.\d+)?)\s*(%|ppm|nm|µm|mm|cm|km|m|kW|MW|W|MPa|GPa|kPa|Pa|g/cm3|°C|K|kN|N|kHz|MHz|GHz|Hz|kg|g|°/h|L|m3|cm3|ns|µs|ms|s|min|h|kV|V|kA|A|kJ|J|mm/µs)(?![A-Za-z])")
_CN_ALIASES = (("μ", "µ"), ("º", "°"), ("℃", "°C"), ("°/hr", "°/h"), ("m³", "m3"), ("cm³", "cm3"), ("g/cm³", "g/cm3"), ("Mpa", "MPa"), ("千瓦", "kW"), ("毫米", "mm"), ("微米", "µm"), ("小时", "h"), ("分钟", "min"))


def chinese_numbers(text: str) -> set[tuple[float, str]]:
    """Numbers with units printed in a Chinese text, in canonical units of their dimension."""
    from dualuse.classification.parameters import UNITS, convert

    norm = text or ""
    for a, b in _CN_ALIASES:  # before NFKC, which turns º (the ordinal indicator printed for degrees) into "o"
        norm = norm.replace(a, b)
    norm = unicodedata.normalize("NFKC", norm)
    out: set[tuple[float, str]] = set()
    for value, unit in _CN_NUMBER_UNIT.findall(norm):
        if unit in UNITS:
            base = _base_unit(unit)
            out.add((round(convert(float(value), unit, base), 9), base))
    return out


def _base_unit(unit: str) -> str:
    from dualuse.classification.parameters import UNITS

    dim = UNITS[unit][0]
    return next(u for u, (d, f) in UNITS.items() if d == dim and (f == 1.0 or d == "temperature"))


def _usable(ref: ReferenceText | None) -> bool:
    if ref is None:
        return False
    if not ref.doubtful:
        return True
    basis = ref.match_basis.casefold()
    return ("cas " in basis and "not found" not in basis) or ("organism name" in basis and "not matched" not in basis) or "cross-walk" in basis


def derive(entries: list[ControlEntry], references: dict[str, ReferenceText]) -> int:
    """Add reference-guided thresholds to export entries that have no parameters yet (in place).

    Returns:
        The number of entries given parameters.
    """
    from dualuse.classification.parameters import UNITS, convert

    export = [e for e in entries if e.direction == "export"]
    changed = 0
    for pos, entry in enumerate(export):
        ref = references.get(entry.code)
        if entry.parameters or not entry.in_catalogue or not _usable(ref) or (entry.name_source or "").startswith("curated"):
            # curated entries (the item announcements) carry their own parameter table: an empty one means none
            continue
        assert ref is not None
        body = ref.text_en if ref.level == "sub-item" else ref.text_en
        # the neighbouring rows of the same group (7A101 | 7A102): the extraction mixes rows across the columns of a page
        near = " ".join(e.excerpt or "" for e in export[max(0, pos - 1) : pos + 2] if e.code[:3] == entry.code[:3] or e is entry)
        printed = chinese_numbers(near)
        alternatives = bool(re.search(r"having any of the following|any of the following characteristics|either of the following", body, re.I))
        params: list[ControlParameter] = []
        for k, (op, value, unit, word, snippet) in enumerate(english_thresholds(body)):
            if unit not in UNITS or unit not in _SUFFIX:
                continue
            suffix = _SUFFIX[unit]
            store_unit = _STORE[suffix]
            try:
                stored = round(convert(value, unit, store_unit), 9)
                base = (round(convert(value, unit, _base_unit(unit)), 9), _base_unit(unit))
            except ValueError:
                continue
            name = f"{word or UNITS[unit][0]}_{suffix}".replace(" ", "_")  # e.g. tensile_strength_mpa, diameter_mm (canonical names)
            if name == "purity_percent" or (word == "" and suffix == "percent"):
                name = "purity_percent" if "purity" in word or word == "" else name
            confirmed = op is not None and base in printed
            params.append(
                ControlParameter(
                    name=name,
                    op=op or ">=",
                    value=stored if confirmed else None,
                    unit=store_unit,
                    alternative=k if alternatives else 0,
                    text=snippet,
                    source="extracted" if confirmed else "reference",
                    citation=(
                        f"2026 catalogue text of {entry.code} (the number, read with the reference text of the same number, {ref.source} {ref.en_code})"
                        if confirmed
                        else f"{ref.source} {ref.en_code} (reference text; the Chinese text does not confirm the number, so it cannot decide)"
                    ),
                )
            )
        whole = "whole entry" in ref.match_basis and ref.level == "sub-item"
        if whole and any(p.source == "reference" for p in params):
            continue  # the undivided entry text mixes the thresholds of several sub-items: only numbers the Chinese text confirms for all
        # the heading of a sub-item's entry states conditions for all its sub-items (mass spectrometers "capable of 230 u or greater")
        described = _CONTENT.sub(" ", (ref.heading_en + " " + ref.text_en).casefold())
        if not params and not whole and _CHARACTERISTICS.search(described):
            params.append(
                ControlParameter(
                    name="characteristics", op="==", value=None, unit="", text=ref.text_en[:160], source="reference",
                    citation=f"{ref.source} {ref.en_code} (the entry is limited by technical characteristics; check them in the Chinese text)",
                )
            )
        if params:
            seen: set[tuple] = set()
            entry.parameters = [p for p in params if not ((p.name, p.op, p.value, p.alternative) in seen or seen.add((p.name, p.op, p.value, p.alternative)))]
            entry.quality_flags.append(
                "parameters_from_reference: " + ", ".join(f"{p.name} {p.op} {p.value if p.value is not None else '?'}" for p in entry.parameters)
            )
            changed += 1
    return changed

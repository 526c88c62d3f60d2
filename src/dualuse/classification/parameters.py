"""Technical parameters: the numbers that decide whether an item is controlled.

Three jobs, one vocabulary (:data:`PARAMETERS`: canonical name, unit,
dimension and the words that name it in English, Chinese and Japanese):

* :func:`extract_thresholds` reads thresholds from catalogue text
  (``纯度大于 99.9%`` -> ``purity_percent > 99.9``), used by the data build
  for entries without a curated parameter table;
* :func:`parse_quantities` reads the quantities a query or an item
  description gives (``2 h endurance``, ``续航60分钟``, ``飛行時間45分``,
  ``650 mm cylinder bore``, ``W80Cu20 150×150×60mm``), with their dimension
  and the words around them;
* :func:`evaluate` decides an entry's thresholds against given parameters
  (``ItemLine.parameters`` such as ``{"purity_percent": 99.95}``, or values
  assigned from a description by :func:`assign`): ``met``, ``not_met`` or
  ``unknown`` with the parameters still needed.

Units: every parameter has one canonical unit (the suffix of its name:
``_percent``, ``_mm``, ``_um``, ``_h``, ``_kw``, ``_km``, ``_gpa``, ``_mpa``,
``_g_cm3``, ``_cm2``, ``_m3``, ``_ns``, ``_us``, ``_kmh``, ``_ppm``, ``_a``);
booleans have none. Conversions between units of one dimension are in
:data:`UNITS`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from dualuse import yamlio

from dualuse.models.reference import ControlParameter

# unit -> (dimension, factor to the dimension's base unit)
UNITS: dict[str, tuple[str, float]] = {
    "%": ("percent", 1.0),
    "ppm": ("ppm", 1.0),
    "nm": ("length", 1e-6), "µm": ("length", 1e-3), "um": ("length", 1e-3), "mm": ("length", 1.0),
    "cm": ("length", 10.0), "m": ("length", 1000.0), "km": ("length", 1e6), "inch": ("length", 25.4),
    "ns": ("time", 1e-9 / 3600), "µs": ("time", 1e-6 / 3600), "s": ("time", 1 / 3600), "min": ("time", 1 / 60), "h": ("time", 1.0),
    "W": ("power", 1e-3), "kW": ("power", 1.0), "MW": ("power", 1e3),
    "MPa": ("pressure", 1.0), "GPa": ("pressure", 1e3), "kPa": ("pressure", 1e-3),
    "g/cm3": ("density", 1.0),
    "cm2": ("area", 1.0), "m2": ("area", 1e4),
    "m3": ("volume", 1.0), "L": ("volume", 1e-3),
    "km/h": ("speed", 1.0),
    "A": ("current", 1.0), "kA": ("current", 1e3),
    "V": ("voltage", 1e-3), "kV": ("voltage", 1.0),
    "cN/dtex": ("tenacity", 1.0),
    "ms": ("time", 1e-3 / 3600),
    "Hz": ("frequency", 1e-6), "kHz": ("frequency", 1e-3), "MHz": ("frequency", 1.0), "GHz": ("frequency", 1e3),
    "N": ("force", 1e-3), "kN": ("force", 1.0),
    "g": ("mass", 1e-3), "kg": ("mass", 1.0), "t": ("mass", 1e3),
    "°/h": ("drift", 1.0), "°/s": ("drift", 3600.0),
    "°C": ("temperature", 1.0), "K": ("temperature", 1.0),  # K is converted with its offset in convert()
    "Pa": ("pressure", 1e-6),
    "J": ("energy", 1.0), "kJ": ("energy", 1e3),
    "per cm2": ("areal_density", 1.0), "per mm2": ("areal_density", 100.0),  # dislocations (etch pits) per area
    "cm3": ("volume", 1e-6),
    "mm/µs": ("writing_speed", 1.0),
}


@dataclass(frozen=True)
class ParameterSpec:
    """A canonical parameter: its unit and the words that name it."""

    name: str
    unit: str
    words: tuple[str, ...] = ()


def _spec(name: str, unit: str, *words: str) -> ParameterSpec:
    return ParameterSpec(name, unit, words)


PARAMETERS: dict[str, ParameterSpec] = {
    s.name: s
    for s in (
        _spec("purity_percent", "%", "purity", "pure", "纯度", "純度", "n"),
        _spec("transmittance_percent", "%", "transmittance", "transmission", "透过率", "透過率"),
        _spec("tungsten_percent", "%", "tungsten content", "钨含量", "w"),
        _spec("elongation_percent", "%", "elongation", "伸长率", "伸び"),
        _spec("tensile_strain_percent", "%", "tensile strain", "拉伸断裂应变"),
        _spec("silver_ppm", "ppm", "silver", "ag", "银含量"),
        _spec("particle_size_um", "µm", "particle", "grain", "粒度", "颗粒", "粒径"),
        _spec("bore_mm", "mm", "bore", "cylinder", "缸径", "シリンダ"),
        _spec("diameter_mm", "mm", "diameter", "dia", "ø", "直径", "外径", "inch", "英寸"),
        _spec("block_mm", "mm", "×", "x", "block", "块"),
        _spec("range_km", "km", "range", "jamming", "射程", "航程", "范围", "距离", "レンジ"),
        _spec("range_m", "m", "range", "射程"),
        _spec("endurance_h", "h", "endurance", "flight time", "续航", "続航", "飛行時間", "滞空"),
        _spec("rise_time_ns", "ns", "rise time", "上升时间"),
        _spec("delay_us", "µs", "delay", "延迟"),
        _spec("power_kw", "kW", "power", "output", "功率", "出力", "输出"),
        _spec("pressure_gpa", "GPa", "pressure", "压力", "圧力"),
        _spec("flexural_strength_mpa", "MPa", "flexural", "抗折"),
        _spec("tensile_strength_mpa", "MPa", "tensile", "uts", "抗拉", "引張"),
        _spec("elastic_limit_mpa", "MPa", "elastic", "弹性极限"),
        _spec("density_g_cm3", "g/cm3", "density", "密度"),
        _spec("area_cm2", "cm2", "area", "photocathode", "面积", "光电阴极"),
        _spec("volume_m3", "m3", "volume", "capacity", "容积", "容量"),
        _spec("gust_kmh", "km/h", "gust", "阵风", "突風"),
        _spec("peak_current_a", "A", "current", "电流"),
        _spec("tenacity_cn_dtex", "cN/dtex", "tenacity", "断裂强度"),
        _spec("modulus_cn_dtex", "cN/dtex", "modulus", "模量"),
        _spec("dislocation_density_cm2", "per cm2", "dislocation", "位错"),
        _spec("thermal_expansion_e6_per_c", "1e-6/C", "thermal expansion", "热膨胀"),
        _spec("specific_modulus_m", "m", "specific modulus", "比模量"),
        _spec("specific_strength_m", "m", "specific strength", "比抗拉强度"),
        _spec("flow_rate_l_min", "L/min", "flow", "流量"),
        _spec("dredger_capacity", "", "hopper", "power", "depth", "舱容", "挖深"),
        _spec("bvlos", "", "beyond visual line of sight", "bvlos", "视距外", "超视距", "目視外"),
        _spec("contains_tb", "", "terbium", "tb", "铽"),
        _spec("contains_dy", "", "dysprosium", "dy", "镝"),
        _spec("untwisted", "", "untwisted", "未加捻"),
        _spec("specially_designed_uav", "", "specially designed", "专门设计"),
    )
}


# English words that only name a parameter (taken out of the text that is searched)
_PARAMETER_WORDS = ("purity", "diameter", "endurance", "transmittance", "average output", "output power", "jamming range", "range", "rise time", "visible")


def dimension(unit: str) -> str | None:
    """The dimension of a unit (``mm`` -> ``length``), ``None`` for booleans and unknown units."""
    return UNITS[unit][0] if unit in UNITS else None


def convert(value: float, from_unit: str, to_unit: str) -> float:
    """Convert ``value`` between two units of one dimension.

    Raises:
        ValueError: the units are unknown or of different dimensions.
    """
    if from_unit == to_unit:
        return value
    if from_unit not in UNITS or to_unit not in UNITS or UNITS[from_unit][0] != UNITS[to_unit][0]:
        raise ValueError(f"cannot convert {from_unit!r} to {to_unit!r}")
    if UNITS[from_unit][0] == "temperature":  # 0 °C = 273.15 K
        celsius = value - 273.15 if from_unit == "K" else value
        return celsius + 273.15 if to_unit == "K" else celsius
    return value * UNITS[from_unit][1] / UNITS[to_unit][1]


# --------------------------------------------------------------------------- catalogue text

_OPS_ZH = {
    "大于等于": ">=", "不小于": ">=", "不低于": ">=", "以上": ">=", "≥": ">=",
    "小于等于": "<=", "不大于": "<=", "不超过": "<=", "≤": "<=",
    "大于": ">", "超过": ">", "高于": ">", ">": ">",
    "小于": "<", "低于": "<", "<": "<",
}
_TERMS_ZH = {
    "纯度": "purity_percent",
    "粒度": "particle_size_um",
    "颗粒尺寸": "particle_size_um",
    "续航时间": "endurance_h",
    "密度": "density_g_cm3",
    "抗折强度": "flexural_strength_mpa",
    "抗拉强度": "tensile_strength_mpa",
    "伸长率": "elongation_percent",
    "容积": "volume_m3",
    "输出功率": "power_kw",
    "平均输出功率": "power_kw",
    "干扰范围": "range_km",
    "缸径": "bore_mm",
    "设计压力": "pressure_gpa",
    "可见光透过率": "transmittance_percent",
}
_UNIT_ALIASES = {
    "μm": "µm", "微米": "µm", "毫米": "mm", "千米": "km", "公里": "km", "米": "m", "瓦": "W", "千瓦": "kW",
    "小时": "h", "分钟": "min", "Mpa": "MPa", "mpa": "MPa", "gpa": "GPa", "立方米": "m3", "m³": "m3",
    "g/cm³": "g/cm3", "cm²": "cm2", "平方厘米": "cm2", "升": "L", "％": "%",
    "千牛": "kN", "牛": "N", "千克": "kg", "公斤": "kg", "克": "g", "吨": "t", "兆赫": "MHz", "吉赫": "GHz",
    "°/hr": "°/h", "º/h": "°/h", "度/小时": "°/h", "℃": "°C", "摄氏度": "°C", "cm³": "cm3", "khz": "kHz", "mhz": "MHz", "ghz": "GHz",
    "/cm2": "per cm2", "/cm²": "per cm2", "cm-2": "per cm2", "cm⁻²": "per cm2", "per cm²": "per cm2", "个/平方厘米": "per cm2",
    "/平方厘米": "per cm2", "个/cm2": "per cm2", "个/cm²": "per cm2", "/mm2": "per mm2", "per mm²": "per mm2", "/mm²": "per mm2",
    "kn": "kN", "hz": "Hz", "µs": "µs", "μs": "µs", "微秒": "µs", "纳秒": "ns", "毫秒": "ms", "千伏": "kV", "伏": "V", "安": "A", "千安": "kA",
}
_NUM = r"(\d+(?:\.\d+)?)"
_UNIT_RE = (
    r"(per\s?cm2|per\s?cm²|个/平方厘米|/平方厘米|个/cm2|个/cm²|/cm2|/cm²|cm-2|cm⁻²|per\s?mm2|per\s?mm²|/mm2|/mm²|%|％|ppm|nm|µm|μm|um|mm/µs|mm|cm2|cm²|cm3|cm³|cm|km/h|km|m3|m³|m2|°/h|°/hr|º/h|°/s|°C|℃|m|inch|ns|µs|μs|us|ms|min|h|"
    r"kW|MW|W|MPa|Mpa|GPa|kPa|Pa|g/cm3|g/cm³|cN/dtex|kA|A|kV|V|kN|N|kHz|MHz|GHz|Hz|kg|t|g|kJ|J|K|L|"
    r"微米|毫米|千米|公里|米|千瓦|瓦|小时|分钟|立方米|平方厘米|升|千牛|千克|公斤|兆赫|吉赫|摄氏度|度/小时|微秒|纳秒|毫秒|千伏)"
)


def _unit(raw: str) -> str:
    return _UNIT_ALIASES.get(raw, raw)


def extract_thresholds(text: str) -> list[ControlParameter]:
    """Thresholds stated in catalogue text (``纯度大于 99.9%``, ``缸径尺寸大于等于 500 mm``).

    Only terms of :data:`_TERMS_ZH` directly followed (within 8 characters) by
    a comparison and a number with a unit of the parameter's dimension are
    read; every result has ``source="extracted"`` and alternative 0.

    Returns:
        The thresholds found, at most one per parameter name.
    """
    flat = re.sub(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", "", unicodedata.normalize("NFKC", text or ""))
    found: dict[str, ControlParameter] = {}
    ops = "|".join(sorted(map(re.escape, _OPS_ZH), key=len, reverse=True))
    for term, name in sorted(_TERMS_ZH.items(), key=lambda kv: -len(kv[0])):
        pattern = re.escape(term) + r"[^，。；,;\d]{0,8}?(" + ops + r")\s*" + _NUM + r"\s*" + _UNIT_RE
        for m in re.finditer(pattern, flat):
            if name in found:
                break
            op, number, unit = _OPS_ZH[m.group(1)], float(m.group(2)), _unit(m.group(3))
            spec = PARAMETERS[name]
            try:
                value = convert(number, unit, spec.unit)
            except ValueError:
                continue
            found[name] = ControlParameter(
                name=name, op=op, value=round(value, 6), unit=spec.unit, text=m.group(0), source="extracted"
            )
    return list(found.values())


# --------------------------------------------------------------------------- queries


@dataclass(frozen=True)
class Quantity:
    """A number with a unit found in a query.

    Attributes:
        value: in ``unit``.
        unit: canonical unit symbol (see :data:`UNITS`).
        context: lower-cased text around the number (for choosing the parameter).
        dims: for ``150×150×60mm``, the three dimensions in mm.
    """

    value: float
    unit: str
    context: str
    dims: tuple[float, ...] = ()

    @property
    def dimension(self) -> str | None:
        """Dimension of the unit."""
        return dimension(self.unit)


@dataclass
class QueryParameters:
    """What a query says about technical parameters.

    Attributes:
        quantities: numbers with units.
        flags: booleans stated in words (``bvlos``, ``contains_dy`` ...).
        named: values tied to a parameter by a pattern (``W80Cu20`` ->
            ``tungsten_percent`` 80; ``6N`` -> ``purity_percent`` 99.9999;
            an alloy designation such as ``7075`` or ``Ti-6Al-4V`` ->
            ``tensile_strength_mpa``, see ``materials.yaml``).
        text: the query with numbers, units and these patterns removed
            (what the retrieval should search for).
        sources: where a named value comes from (the designation and its standard).
        labels: the words that name a quantity written after an earlier
            phrase (``零偏稳定性`` in ``光纤陀螺 零偏稳定性0.01°/h``, ``drift rate``
            in ``MEMS gyroscope, drift rate 10°/h``): they say which parameter
            the number is, not what the item is, and are taken out of ``text``.
    """

    quantities: list[Quantity] = field(default_factory=list)
    flags: dict[str, bool] = field(default_factory=dict)
    named: dict[str, float] = field(default_factory=dict)
    text: str = ""
    sources: dict[str, str] = field(default_factory=dict)
    labels: list[str] = field(default_factory=list)


_FLAG_PATTERNS: tuple[tuple[str, bool, str], ...] = (
    ("bvlos", True, r"beyond (?:the )?(?:operator'?s? )?(?:natural )?visual line of sight|\bbvlos\b|超视距|视距外|目視外|超視距"),
    ("contains_dy", False, r"dysprosium[- ]free|\bdy[- ]free|无镝|不含镝|ジスプロシウムフリー|dyフリー"),
    ("contains_tb", False, r"terbium[- ]free|\btb[- ]free|无铽|不含铽|テルビウムフリー|tbフリー"),
    ("untwisted", True, r"\buntwisted\b|未加捻|無撚"),
)
_PURITY_N = re.compile(r"(?<![0-9a-z])([3-9])\s?n(?![a-z])", re.I)
_ALLOY_W = re.compile(r"\bW\s?(\d{2})\s?(?:Cu|Ag|Ni)\s?\d{0,2}", re.I)
_DIMS = re.compile(r"(\d+(?:\.\d+)?)\s*[×xX*]\s*(\d+(?:\.\d+)?)(?:\s*[×xX*]\s*(\d+(?:\.\d+)?))?\s*(mm|cm|m)\b")
_QUANTITY = re.compile(r"(?<![A-Za-z0-9])" + _NUM + r"\s*(千瓦|瓦|ワット|キロワット|分間|分钟|分|時間|小时|h(?:ours?|rs?)?\b|min(?:utes?|s)?\b|" + _UNIT_RE[1:-1] + r")(?![A-Za-z])", re.I)
_JA_UNITS = {"ワット": "W", "キロワット": "kW", "分間": "min", "分": "min", "時間": "h"}


@lru_cache(maxsize=1)
def material_grades() -> tuple[tuple[re.Pattern, str, float, str], ...]:
    """Alloy designations with the strength they are capable of (``materials.yaml``): (pattern, parameter, value, note)."""
    data = yamlio.safe_load(resources.files("dualuse.classification").joinpath("materials.yaml").read_text(encoding="utf-8"))
    out = []
    for name, rows in data.items():
        for i, row in enumerate(rows):
            if not (isinstance(row, list) and len(row) == 3):
                raise ValueError(f"materials.yaml: {name}[{i}]: expected [pattern, value, note]")
            out.append((re.compile(row[0], re.I), name, float(row[1]), str(row[2])))
    return tuple(out)


def _canonical_unit(raw: str) -> str | None:
    raw = re.sub(r"^per\s?", "per ", raw, flags=re.I)
    raw_l = raw.lower()
    if raw in _JA_UNITS:
        return _JA_UNITS[raw]
    if raw in _UNIT_ALIASES:
        return _UNIT_ALIASES[raw]
    if re.fullmatch(r"h(?:ours?|rs?)?", raw_l):
        return "h"
    if re.fullmatch(r"min(?:utes?|s)?", raw_l):
        return "min"
    for unit in UNITS:
        if unit.lower() == raw_l and (unit == raw or raw_l not in ("m", "mm")):
            return unit
    return raw if raw in UNITS else None


# drift rates as written: º/h (the ordinal indicator, which NFKC turns into "o"), deg/h, degrees per hour, °/hour, 度/时
_DEGREES_PER_HOUR = re.compile(r"\s?(?:º\s?/\s?h(?:our|r)?|°\s?/\s?hour|deg(?:rees?)?\.?\s?(?:/|per)\s?h(?:ours?|r)?|度\s?/\s?(?:小?时|時間?))(?![A-Za-z])", re.I)


def parse_quantities(text: str) -> QueryParameters:
    """Read numbers with units, stated booleans and pattern values from a query.

    >>> q = parse_quantities("fixed-wing drone, 2 h endurance, beyond visual line of sight")
    >>> (q.quantities[0].value, q.quantities[0].unit, q.flags)
    (2.0, 'h', {'bvlos': True})
    """
    norm = unicodedata.normalize("NFKC", _DEGREES_PER_HOUR.sub("°/h", text or ""))
    lowered = norm.casefold()
    out = QueryParameters()
    residue = norm
    for name, value, pattern in _FLAG_PATTERNS:
        if re.search(pattern, lowered):
            out.flags[name] = value
            residue = re.sub(pattern, " ", residue, flags=re.I)
    for m in _ALLOY_W.finditer(norm):
        out.named["tungsten_percent"] = float(m.group(1))
    for pattern, name, value, note in material_grades():
        m = pattern.search(norm)
        if m and name not in out.named:
            out.named[name] = value
            out.sources[name] = f"{m.group(0)}: {note}"
            residue = residue.replace(m.group(0), " ")
    for m in _PURITY_N.finditer(norm):
        out.named["purity_percent"] = round(100 - 10 ** (2 - int(m.group(1))), 8)
        residue = residue.replace(m.group(0), " ")
    for m in _DIMS.finditer(norm):
        unit = m.group(4)
        dims = tuple(convert(float(x), unit, "mm") for x in m.groups()[:3] if x)
        out.quantities.append(Quantity(max(dims), "mm", _context(lowered, m.start(), m.end()), dims))
        residue = residue.replace(m.group(0), " ")
    taken = [(m.start(), m.end()) for m in _DIMS.finditer(norm)] + [(m.start(), m.end()) for m in _PURITY_N.finditer(norm)]
    for m in _QUANTITY.finditer(norm):
        if any(a <= m.start() < b for a, b in taken):
            continue
        unit = _canonical_unit(m.group(2))
        if unit is None or unit not in UNITS:
            continue
        out.quantities.append(Quantity(float(m.group(1)), unit, _context(lowered, m.start(), m.end())))
        residue = residue.replace(m.group(0), " ", 1)
    for label in quantity_labels(norm, [(m.start(), m.end()) for m in _DIMS.finditer(norm)] + [
        (m.start(), m.end()) for m in _QUANTITY.finditer(norm) if _canonical_unit(m.group(2)) in UNITS
    ]):
        out.labels.append(label)
        residue = residue.replace(label, " ", 1)
    for word in _PARAMETER_WORDS:
        residue = re.sub(r"(?<![a-z])" + re.escape(word) + r"(?![a-z])", " ", residue, flags=re.I)
    out.text = " ".join(residue.split())
    return out


_LABEL_OPS = r"(?:[≥≤><=＝:：~约为达]|大于等于|小于等于|不小于|不低于|不大于|不超过|大于|小于|高于|低于|以上|以下|超过|最大|最高|至少|at least|up to|over|under|max\.?|min\.?|approx\.?|of|is)*"
_LABEL_CJK = re.compile(r"(?:^|(?<=[\s,;，；、|｜/]))([\u3040-\u30ff\u3400-\u9fff]{2,10})\s*" + _LABEL_OPS + r"\s*$", re.I)
_LABEL_EN = re.compile(r"(?<=[,;，；|｜(（])\s*((?:[A-Za-z][A-Za-z-]*\s+){0,2}[A-Za-z][A-Za-z-]*)\s*" + _LABEL_OPS + r"\s*$", re.I)
_ITEM_BEFORE = re.compile(r"[A-Za-z\u3040-\u30ff\u3400-\u9fff]")


def quantity_labels(text: str, spans: list[tuple[int, int]]) -> list[str]:
    """The words that name each quantity, when they stand as a phrase of their own after the item.

    A label is the run of words directly before the number (and its
    comparison words), starting after a separator - a space or ``|`` for
    Chinese and Japanese, a comma, semicolon, ``|`` or bracket for English - with
    some item text before that separator: ``光纤陀螺 零偏稳定性0.01°/h`` ->
    ``零偏稳定性``; ``bismuth ingot 99.99%, silver 50 ppm`` -> ``silver``. The first
    phrase of a description is the item, never a label (``bismuth ingot 99.99%``).

    Args:
        text: NFKC-normalised query.
        spans: ``(start, end)`` of each quantity in ``text``.

    Returns:
        The labels in text order, without duplicates.
    """
    out: list[str] = []
    for start, _ in sorted(spans):
        before = text[:start]
        m = _LABEL_CJK.search(before) or _LABEL_EN.search(before)
        if m is None or not _ITEM_BEFORE.search(before[: m.start(1)]):
            continue
        label = m.group(1).strip()
        if label and label not in out:
            out.append(label)
    return out


def _context(text: str, start: int, end: int) -> str:
    left = re.split(r"[,;，；、。]", text[max(0, start - 30) : start])[-1]
    right = re.split(r"[,;，；、。]", text[end : end + 30])[0]
    return f"{left} {text[start:end]} {right}"


def assign(params: list[ControlParameter], query: QueryParameters) -> dict[str, float | bool | list[float]]:
    """Map what a query says to an entry's parameters.

    A quantity goes to the entry parameter of the same dimension; when the
    entry has several of that dimension, the one whose words occur around the
    number. Booleans and pattern values go by name.

    Returns:
        ``{parameter name: value in the parameter's unit}``.
    """
    given: dict[str, float | bool | list[float]] = {}
    names = {p.name for p in params}
    for name, value in query.flags.items():
        if name in names:
            given[name] = value
    for name, value in query.named.items():
        if name in names:
            given[name] = value
    by_dimension: dict[str, list[ParameterSpec]] = {}
    for p in params:
        spec = PARAMETERS.get(p.name) or ParameterSpec(p.name, p.unit, tuple(w for w in p.name.split("_")[:-1] if len(w) > 2))
        dim = dimension(p.unit or spec.unit) or dimension(spec.unit)
        if dim and all(s.name != spec.name for s in by_dimension.get(dim, [])):
            by_dimension.setdefault(dim, []).append(ParameterSpec(spec.name, p.unit or spec.unit, spec.words))
    for q in query.quantities:
        if q.dims and "block_mm" in names and len(q.dims) >= 2:
            given["block_mm"] = sorted(q.dims, reverse=True)
            continue
        specs = [s for s in by_dimension.get(q.dimension or "", []) if s.name not in given and s.name != "block_mm"]
        if not specs:
            if "block_mm" in names and q.dimension == "length" and ("diameter" in q.context or "直径" in q.context or "ø" in q.context):
                given.setdefault("block_mm", [convert(q.value, q.unit, "mm")] * 2)
            continue
        worded = [s for s in specs if any(w in q.context for w in s.words)]
        choice = worded[0] if worded else (specs[0] if len(specs) == 1 else None)
        if choice is None:
            continue
        given[choice.name] = round(convert(q.value, q.unit, choice.unit), 9)
    return given


# --------------------------------------------------------------------------- decisions


@dataclass(frozen=True)
class Check:
    """One threshold checked against a given value."""

    parameter: ControlParameter
    given: float | bool | list[float] | None
    result: str  # met | not_met | unknown

    def describe(self) -> str:
        """``purity_percent 99.95 > 99.9: met``."""
        p = self.parameter
        threshold = "(threshold not recorded)" if p.value is None else f"{p.op} {p.value}{(' ' + p.unit) if p.unit else ''}"
        given = "not given" if self.given is None else f"{self.given}"
        return f"{p.name} {given} {threshold}: {self.result.replace('_', ' ')}"


@dataclass(frozen=True)
class Evaluation:
    """The result of checking an entry's thresholds.

    Attributes:
        result: ``met`` (some alternative holds: controlled), ``not_met``
            (every alternative fails: not controlled under this entry),
            ``unknown`` (parameters missing), or ``none`` (the entry has no
            thresholds).
        checks: every condition with the value used.
        missing: parameter names still needed to decide.
    """

    result: str
    checks: tuple[Check, ...] = ()
    missing: tuple[str, ...] = ()


def _compare(op: str, given, threshold) -> bool:
    if isinstance(threshold, list):
        dims = sorted((float(x) for x in given), reverse=True) if isinstance(given, list) else [float(given)]
        need = sorted((float(x) for x in threshold), reverse=True)
        return all(d >= n for d, n in zip(dims, need))
    if op == "==":
        return bool(given) == bool(threshold)
    g, t = float(given), float(threshold)
    return {">": g > t, ">=": g >= t, "<": g < t, "<=": g <= t}[op]


def _coerce(value):
    if isinstance(value, str):
        low = value.strip().casefold()
        if low in ("true", "yes", "y", "1", "是", "はい"):
            return True
        if low in ("false", "no", "n", "0", "否", "いいえ"):
            return False
        return float(low.rstrip("%"))
    return value


def evaluate(params: list[ControlParameter], given: dict) -> Evaluation:
    """Decide an entry's thresholds with the given parameter values.

    Args:
        params: the entry's :class:`ControlParameter` list.
        given: ``{name: value}`` in canonical units (``ItemLine.parameters``
            or the result of :func:`assign`); strings are read as numbers or
            yes/no.

    Returns:
        An :class:`Evaluation`.

    Raises:
        ValueError: a given value is neither a number nor yes/no.
    """
    if not params:
        return Evaluation("none")
    alternatives: dict[int, list[ControlParameter]] = {}
    for p in params:
        alternatives.setdefault(p.alternative, []).append(p)
    checks: list[Check] = []
    alt_results = []
    missing: list[str] = []
    for conds in alternatives.values():
        results = []
        for p in conds:
            value = given.get(p.name)
            if value is None:
                result = "unknown"
            else:
                value = _coerce(value)
                result = "unknown" if p.value is None else ("met" if _compare(p.op, value, p.value) else "not_met")
            checks.append(Check(p, value, result))
            results.append(result)
            if result == "unknown" and p.name not in missing:
                missing.append(p.name)
        if "not_met" in results:
            alt_results.append("not_met")
        elif all(r == "met" for r in results):
            alt_results.append("met")
        else:
            alt_results.append("unknown")
    if "met" in alt_results:
        return Evaluation("met", tuple(checks), ())
    if all(r == "not_met" for r in alt_results):
        return Evaluation("not_met", tuple(checks), ())
    return Evaluation("unknown", tuple(checks), tuple(missing))

"""The English reference text build (issue 8): conversion checks and reference-guided thresholds."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from dualuse.models.reference import ControlEntry, LegalSource, ReferenceText
from dualuse.refdata import store
from dualuse.refdata.build import reference_text, thresholds
from dualuse.refdata.build.common import BuildError
from dualuse.refdata.build.sources import CONTROL_ENGLISH


def _entry(code: str, excerpt: str = "") -> ControlEntry:
    return ControlEntry(
        code=code, excerpt=excerpt,
        legal_source=LegalSource(issuer="MOFCOM/GAC", kind="announcement", citation="test"),
        published=dt.date(2025, 12, 31), effective=dt.date(2026, 1, 1),
    )


def _record(**kw) -> dict:
    base = {"code": "1C202.b", "en_code": "1C202.b", "heading_en": "Alloys", "text_en": "b. Titanium alloys", "correspondence": "same-code", "level": "sub-item"}
    return {**base, **kw}


def _write(tmp_path: Path, records: list[dict]) -> Path:
    path = tmp_path / CONTROL_ENGLISH.path
    path.parent.mkdir(parents=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return tmp_path


def test_converts_and_keeps_the_paragraph_it_came_from(tmp_path):
    src = _write(tmp_path, [_record(), _record(code="1C351.c.13", en_code="1C351.c.22", correspondence="doubtful", text_en="c.22. Yersinia pestis.")])
    out = reference_text.convert(src, [_entry("1C202.b"), _entry("1C351.c.13")])
    assert [r.code for r in out] == ["1C202.b", "1C351.c.13"]
    assert out[1].en_code == "1C351.c.22" and out[1].doubtful
    assert out[1].label() == "reference text (same number, correspondence doubtful, US CCL 15 CFR 774 Supp. 1 1C351.c.22)"


@pytest.mark.parametrize(
    ("record", "message"),
    [
        (_record(code="1C999"), "line 1, field 'code' (1C999): neither an export code"),
        (_record(code="titanium"), "line 1, field 'code' ('titanium'): expected a control code"),
        (_record(correspondence="maybe"), "field 'correspondence' ('maybe'): expected same-code or doubtful"),
        (_record(text_en=" "), "field 'text_en': empty"),
        (_record(en_code=""), "field 'en_code' (''): expected the CCL paragraph's code"),
    ],
)
def test_bad_records_stop_the_build_naming_line_and_field(tmp_path, record, message):
    src = _write(tmp_path, [record])
    with pytest.raises(BuildError, match=message.replace("(", r"\(").replace(")", r"\)")):
        reference_text.convert(src, [_entry("1C202.b")])


def test_thresholds_decide_only_where_the_chinese_text_prints_the_number():
    ref = ReferenceText(
        code="1C202.b", en_code="1C202.b", heading_en="", correspondence="same-code", level="sub-item", source="US CCL 15 CFR 774 Supp. 1",
        text_en="b. Titanium alloys having both: b.1. 'Capable of' an ultimate tensile strength of 900 MPa or more at 293 K (20 °C); "
        "and b.2. In the form of tubes or cylindrical solid forms with an outside diameter of more than 75 mm.",
    )
    entry = _entry("1C202.b", "合金。 900 MPa 或更高； 钛合金 2．外径大于 75 mm 的管材")
    unconfirmed = _entry("1C202.b", "钛合金")  # the Chinese text does not print the numbers
    thresholds.derive([entry], {"1C202.b": ref})
    thresholds.derive([unconfirmed], {"1C202.b": ref})
    decided = {(p.name, p.op, p.value, p.source) for p in entry.parameters}
    assert ("tensile_strength_mpa", ">=", 900.0, "extracted") in decided and ("diameter_mm", ">", 75.0, "extracted") in decided
    assert {(p.name, p.value, p.source) for p in unconfirmed.parameters} >= {("tensile_strength_mpa", None, "reference"), ("diameter_mm", None, "reference")}


def test_packaged_catalogue_thresholds_read_with_the_reference_text():
    by_code = {e.code: e for e in store.load_catalogue()}
    isostatic = {(p.name, p.op, p.value) for p in by_code["2B204.a"].parameters}
    assert ("pressure_mpa", ">=", 69.0) in isostatic and ("diameter_mm", ">", 152.0) in isostatic
    # China's 9B117.a is > 90 kN, the CCL's 68 kN: the reference number is not the Chinese one, so it does not decide
    assert all(p.value is None and p.source == "reference" for p in by_code["9B117"].parameters)
    # curated item announcements keep their own table (tellurium metal has no purity threshold in China's entry)
    assert by_code["6C002.a"].parameters == []

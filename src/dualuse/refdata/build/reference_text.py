"""Convert the English reference text of the control codes into ``reference_text.jsonl``.

Input: ``raw/control-list-english/control_codes_en.jsonl`` (600 records: 146
5-character entries, 454 sub-items), the US Commerce Control List text
(15 CFR 774 Supp. 1) under the same number as each code of China's 2026
catalogue. The CCL is a work of the US federal government and in the public
domain (17 U.S.C. 105), so the text is shipped verbatim; the record keeps
which CCL paragraph it came from (``en_code``) and whether the Chinese item
under that number is the same (``correspondence``; ``doubtful`` when the
number holds another item or the sub-item letters differ). See the source's
``SOURCE.txt`` and ``parse_notes.md``.

Checks (any failure stops the build, naming the line and field): every code
parses and is an export code of the catalogue or the 5-character entry of
one; ``en_code`` parses; the text
is not empty; ``correspondence`` and ``level`` take their documented values;
no code appears twice.
"""

from __future__ import annotations

import json
from pathlib import Path

from dualuse.models.reference import ControlEntry, ReferenceText

from .catalogue import CODE_RE
from .common import BuildError
from .sources import CONTROL_ENGLISH

SOURCE_LABEL = "US CCL 15 CFR 774 Supp. 1"


def convert(source_dir: Path, catalogue: list[ControlEntry]) -> list[ReferenceText]:
    """Read and check the reference text against the built catalogue.

    Returns:
        One :class:`ReferenceText` per catalogue code that has one, in code order.

    Raises:
        BuildError: a record is malformed, names a code the catalogue does
            not have, or repeats a code.
    """
    path = source_dir / CONTROL_ENGLISH.path
    codes = {e.code for e in catalogue if e.direction == "export"}
    # a 5-character entry record may head sub-items the catalogue lists one by one (1B003 -> 1B003.a ...)
    codes |= {c.split(".")[0] for c in codes}
    out: dict[str, ReferenceText] = {}
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            where = f"{CONTROL_ENGLISH.path}: line {n}"
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as exc:
                raise BuildError(f"{where}: not JSON ({exc})") from None
            code = str(raw.get("code", ""))
            if not CODE_RE.match(code):
                raise BuildError(f"{where}, field 'code' ({code!r}): expected a control code like 1C351.c.13")
            if code not in codes:
                raise BuildError(f"{where}, field 'code' ({code}): neither an export code of the 2026 catalogue nor the entry of one")
            if code in out:
                raise BuildError(f"{where}, field 'code' ({code}): appears twice")
            en_code = str(raw.get("en_code") or "")
            if not CODE_RE.match(en_code):
                raise BuildError(f"{where}, field 'en_code' ({en_code!r}): expected the CCL paragraph's code")
            text = " ".join(str(raw.get("text_en") or "").split())
            if not text:
                raise BuildError(f"{where}, field 'text_en': empty")
            correspondence = raw.get("correspondence")
            if correspondence not in ("same-code", "doubtful"):
                raise BuildError(f"{where}, field 'correspondence' ({correspondence!r}): expected same-code or doubtful")
            level = raw.get("level")
            if level not in ("entry", "sub-item"):
                raise BuildError(f"{where}, field 'level' ({level!r}): expected entry or sub-item")
            out[code] = ReferenceText(
                code=code,
                en_code=en_code,
                heading_en=" ".join(str(raw.get("heading_en") or "").split()),
                text_en=text,
                correspondence=correspondence,
                level=level,
                match_basis=str(raw.get("match_basis") or ""),
                note=str(raw.get("note") or ""),
                source=SOURCE_LABEL,
            )
    from .common import natural_key

    return [out[c] for c in sorted(out, key=natural_key)]

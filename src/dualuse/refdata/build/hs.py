"""Convert the HS 2022 nomenclature into ``hs6.json``.

Output: ``{code: English description}`` for the 97 chapters (2 digits), the
1,229 headings (4 digits) and the 5,613 subheadings (6 digits), sorted by
code. The ``TOTAL`` row is skipped. China's 10-digit tariff lines are not in
the source; a 10-digit catalogue code is described by its first 6/4/2 digits.
"""

from __future__ import annotations

import re
from pathlib import Path

from .common import BuildError, read_csv
from .sources import HS2022

EXPECTED_LEVELS = {"2": 97, "4": 1229, "6": 5613}


def convert(source_dir: Path) -> dict[str, str]:
    """Read ``harmonized-system.csv`` and return the code -> description map.

    Raises:
        BuildError: unexpected codes, duplicates or counts.
    """
    rows = read_csv(source_dir / HS2022.path)
    out: dict[str, str] = {}
    counts = {"2": 0, "4": 0, "6": 0}
    for n, row in enumerate(rows, start=2):
        code, level = row.get("hscode", "").strip(), row.get("level", "").strip()
        if code == "TOTAL":
            continue
        if level not in counts or not re.fullmatch(r"\d+", code) or len(code) != int(level):
            raise BuildError(f"{HS2022.path}:{n}: unexpected code {code!r} at level {level!r}")
        if code in out:
            raise BuildError(f"{HS2022.path}:{n}: duplicate code {code}")
        description = (row.get("description") or "").strip()
        if not description:
            raise BuildError(f"{HS2022.path}:{n}: {code} has no description")
        out[code] = description
        counts[level] += 1
    if counts != EXPECTED_LEVELS:
        raise BuildError(f"{HS2022.path}: level counts {counts} differ from the documented {EXPECTED_LEVELS}")
    return dict(sorted(out.items()))

"""Shipment files for the batch benchmarks: the realistic everyday mix of ``alert_load.py`` as a flat CSV.

``write_mix_csv(path, lines)`` writes about ``lines`` item lines (one row per
line, the shipment columns repeated, the layout of ``examples/shipments.csv``):
the first :data:`BASE_LINES` lines are ``everyday_shipments`` (synthetic
parties in mixed scripts, everyday goods from the HS 2022 headings, 4%
listed dual-use items, 1% listed parties); bigger files repeat that day
under new shipment ids, the way a bank's overnight file repeats its
counterparties.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from alert_load import everyday_shipments  # noqa: E402

BASE_LINES = 10_000
HEADER = ["shipment id", "date", "exporter", "exporter country", "consignee", "consignee country", "end user",
          "end user country", "destination country", "end use", "line no", "description", "control code", "hs code",
          "origin", "quantity", "unit", "value", "currency"]


def mix_rows(lines: int, seed: int = 20261207) -> list[list[str]]:
    """CSV rows (without header) of ``min(lines, BASE_LINES)`` item lines of the everyday mix."""
    shipments, _ = everyday_shipments(min(lines, BASE_LINES), seed)
    rows = []
    for s in shipments:
        for line in s.lines:
            rows.append([
                s.id, s.date.isoformat(), s.exporter.name, s.exporter.country or "", s.consignee.name, s.consignee.country or "",
                s.end_user.name if s.end_user else "", (s.end_user.country or "") if s.end_user else "", s.destination_country,
                s.end_use or "", str(line.line), line.description or "", line.control_code or "", line.hs_code or "",
                line.origin_country or "", "" if line.quantity is None else f"{line.quantity:g}", line.unit or "",
                "" if line.value is None else f"{line.value:g}", line.currency or "",
            ])
    return rows


def write_mix_csv(path: Path, lines: int, *, base: list[list[str]] | None = None, bad_rows: dict[int, str] | None = None) -> int:
    """Write ``lines`` item lines of the mix to ``path``; ``bad_rows`` {data row index: bad date} plants errors.

    Returns the number of data rows written.
    """
    base = base if base is not None else mix_rows(lines)
    written = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        copy = 0
        while written < lines:
            for row in base:
                if written >= lines:
                    break
                out = list(row)
                if copy:
                    out[0] = f"{row[0]}-{copy}"
                if bad_rows and written in bad_rows:
                    out[1] = bad_rows[written]
                writer.writerow(out)
                written += 1
            copy += 1
    return written

"""Inputs for the batch tests: the example shipments, repeated under new ids to make a file worth interrupting."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "shipments.csv"


def repeated_examples(target: Path, copies: int) -> Path:
    """``examples/shipments.csv`` ``copies`` times, the ids suffixed ``-1``, ``-2`` ... (rows of a shipment stay together)."""
    with EXAMPLES.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for copy in range(1, copies + 1):
            for row in body:
                writer.writerow([f"{row[0]}-{copy}", *row[1:]])
    return target


@pytest.fixture
def examples_csv() -> Path:
    return EXAMPLES

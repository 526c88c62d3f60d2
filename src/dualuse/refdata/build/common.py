"""Small helpers shared by the converter modules.

Nothing here knows about a particular source; see the sibling modules for
that. Everything is deterministic: no clocks, no randomness, no dict-order
surprises.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import re
import unicodedata
from pathlib import Path
from typing import Any, Iterable


class BuildError(RuntimeError):
    """A source disagrees with itself or with another source.

    The build stops on the first such problem: reference data that is known
    to be inconsistent must not be shipped.
    """


def fail(message: str) -> None:
    """Raise :class:`BuildError` with ``message``."""
    raise BuildError(message)


_WS = re.compile(r"\s+")


def name_key(value: str) -> str:
    """Comparison key for a name: NFKC (width), case-folded, whitespace collapsed.

    Two name forms with the same key are the same written form for
    deduplication purposes ("case/width-insensitive").
    """
    return _WS.sub(" ", unicodedata.normalize("NFKC", value)).strip().casefold()


def squeeze(value: str | None) -> str:
    """NFKC-normalise and remove all whitespace (for text containment tests)."""
    if not value:
        return ""
    return _WS.sub("", unicodedata.normalize("NFKC", value))


def clean(value: str | None) -> str:
    """Strip a CSV cell; ``None`` becomes ``""``."""
    return (value or "").strip()


def split_list(cell: str | None, sep: str = ";") -> list[str]:
    """Split a ``;``-separated cell, ignoring separators inside brackets."""
    text = clean(cell)
    if not text:
        return []
    parts: list[str] = []
    depth = 0
    buf: list[str] = []
    for ch in text:
        if ch in "(（[":
            depth += 1
        elif ch in ")）]" and depth:
            depth -= 1
        if ch == sep and depth == 0:
            parts.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
    parts.append("".join(buf))
    return [p.strip() for p in parts if p.strip()]


def read_csv(path: Path) -> list[dict[str, str]]:
    """Read a UTF-8 CSV (BOM tolerated) into a list of row dicts.

    Lines starting with ``#`` before the header are comments.
    """
    with path.open(encoding="utf-8-sig", newline="") as fh:
        lines = [line for line in fh if not line.startswith("#")]
    rows = list(csv.DictReader(lines))
    return [{k.strip(): (v if v is not None else "") for k, v in row.items() if k} for row in rows]


def read_json(path: Path) -> Any:
    """Read a UTF-8 JSON file."""
    with path.open(encoding="utf-8-sig") as fh:
        return json.load(fh)


def parse_date(value: str, what: str) -> dt.date:
    """Parse an ISO date or fail the build naming ``what``."""
    try:
        return dt.date.fromisoformat(value.strip())
    except (AttributeError, ValueError):
        raise BuildError(f"{what}: not an ISO date: {value!r}") from None


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


_NAT = re.compile(r"(\d+)")


def natural_key(value: str) -> tuple:
    """Sort key that orders embedded numbers numerically (``:2`` before ``:10``)."""
    return tuple(int(part) if part.isdigit() else part for part in _NAT.split(value))


def dump_json(data: Any) -> str:
    """Stable pretty JSON text (UTF-8, not ASCII-escaped, trailing newline)."""
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def dump_jsonl(records: Iterable[dict]) -> str:
    """Stable JSON-lines text, one compact object per line."""
    return "".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in records)

"""A user's column mapping: names for columns dualuse does not know, saved per layout.

A mapping is a small YAML file::

    # dualuse column mapping
    columns:
      客户名称: consignee.name        # header as written -> field
      交货国: destination_country
      备注: keep                      # keep as written, without reporting it
      内部编号: ignore                 # do not carry it to the output
    defaults:                        # fields no column holds, for every shipment of the file
      exporter.name: 包头金山磁材有限公司
      exporter.country: CN
    date_order: dmy                  # how to read 02/03/2026 (dmy or mdy)

Fields are the canonical names of :mod:`dualuse.input.headers`
(``id``, ``date``, ``exporter.name`` ... ``lines.hs_code``, ``param:<name>``,
``intermediaries.<n>.name``). When a file is read with a mapping, the mapping
is saved under the file's **layout** (its header cells, see
:func:`layout_fingerprint`) in the mappings directory
(``$DUALUSE_MAPPINGS``, else ``~/.local/share/dualuse/mappings``), and the
next file of the same layout is read with it without being told.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from dualuse import yamlio

from dualuse.input.errors import InputError, issue
from dualuse.input.headers import Vocabulary, normalize_header, parse_target

DATE_ORDERS = ("dmy", "mdy")


@dataclass
class ColumnMapping:
    """A parsed mapping file.

    Attributes:
        columns: header as written -> target (a canonical field, ``keep``, ``ignore``).
        defaults: shipment field -> value, for fields no column holds.
        date_order: ``dmy``, ``mdy`` or ``None``.
        path: where it was read from (or saved to).
    """

    columns: dict[str, str] = field(default_factory=dict)
    date_order: str | None = None
    path: Path | None = None
    defaults: dict[str, str] = field(default_factory=dict)

    def apply(self, vocab: Vocabulary) -> Vocabulary:
        """``vocab`` with this mapping's columns and defaults added (they win over the packaged spellings)."""
        if not self.columns and not self.defaults:
            return vocab
        return vocab.with_mapping(self.columns, source=str(self.path or "mapping"), defaults=self.defaults)

    def to_yaml(self, *, layout: str | None = None, example: str | None = None) -> str:
        """The mapping as YAML, with a comment naming the layout it was saved for."""
        head = ["# dualuse column mapping"]
        if layout:
            head.append(f"# layout {layout}" + (f", first saved for {example}" if example else ""))
        body: dict[str, Any] = {"columns": dict(self.columns)}
        if self.defaults:
            body["defaults"] = dict(self.defaults)
        if self.date_order:
            body["date_order"] = self.date_order
        return "\n".join(head) + "\n" + yaml.safe_dump(body, allow_unicode=True, sort_keys=False)


def load_mapping(path: str | Path) -> ColumnMapping:
    """Read and check a mapping file.

    Raises:
        InputError: unreadable, not YAML, unknown keys, a field dualuse does
            not read (with "did you mean"), or a bad date order; every issue
            names the file and the key.
    """
    file = str(path)
    try:
        spec = yamlio.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise InputError.single(file, f"cannot read the mapping: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError.single(file, f"not valid YAML ({getattr(exc, 'problem', exc)})",
                                row=mark.line + 1 if mark else None) from exc
    if not isinstance(spec, dict):
        raise InputError.single(file, "expected a mapping with a 'columns' section (header: field)")
    issues = []
    unknown = set(spec) - {"columns", "defaults", "date_order"}
    if unknown:
        issues.append(issue(file, f"unknown keys {sorted(unknown)}; expected 'columns', 'defaults' and 'date_order'"))
    columns = spec.get("columns") or {}
    if not isinstance(columns, dict):
        issues.append(issue(file, "'columns' must map a header as written to a field", column="columns"))
        columns = {}
    for header, target in columns.items():
        try:
            parse_target(str(target), f"column {header!r}")
        except ValueError as exc:
            issues.append(issue(file, str(exc), column=f"columns.{header}", value=target))
    defaults = spec.get("defaults") or {}
    if not isinstance(defaults, dict):
        issues.append(issue(file, "'defaults' must map a shipment field to its value", column="defaults"))
        defaults = {}
    from dualuse.input.headers import SHIPMENT_FIELDS

    for name, value in defaults.items():
        if name not in SHIPMENT_FIELDS:
            issues.append(issue(file, f"{name!r} is not a shipment field (exporter.name, exporter.country, "
                                "destination_country, end_use ...)", column=f"defaults.{name}", value=value))
    order = spec.get("date_order")
    if order is not None and order not in DATE_ORDERS:
        issues.append(issue(file, "expected dmy (02/03/2026 is 2 March) or mdy (February 3)", column="date_order",
                            value=order))
    if issues:
        raise InputError(issues)
    return ColumnMapping({str(k): str(v) for k, v in columns.items()}, order, Path(path),
                         {str(k): str(v) for k, v in defaults.items()})


def mappings_dir() -> Path:
    """Where saved mappings live: ``$DUALUSE_MAPPINGS``, else ``~/.local/share/dualuse/mappings``."""
    configured = os.environ.get("DUALUSE_MAPPINGS")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "dualuse" / "mappings"


def layout_fingerprint(headers_by_table: list[tuple[str | None, list[str]]]) -> str:
    """A short id of a file's layout: its tables' sheet names and header cells, folded.

    Two files with the same columns (in any order of rows, with any values)
    have the same layout; values in a form's header block do not count.
    """
    parts = []
    for sheet, headers in headers_by_table:
        folded = sorted({normalize_header(h) for h in headers if h and not h.startswith("cell ")})
        parts.append(f"{sheet or ''}|{'|'.join(folded)}")
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:16]


def saved_path(layout: str) -> Path:
    """The file a mapping for ``layout`` is saved in."""
    return mappings_dir() / f"{layout}.yaml"


def save_mapping(mapping: ColumnMapping, layout: str, *, example: str | None = None) -> Path:
    """Save ``mapping`` for ``layout`` (replacing an older one), atomically; returns the path."""
    target = saved_path(layout)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(mapping.to_yaml(layout=layout, example=example), encoding="utf-8")
    os.replace(tmp, target)
    return target


def find_saved(layout: str) -> ColumnMapping | None:
    """The mapping saved for ``layout``, if any.

    Raises:
        InputError: the saved file no longer reads (named, so it can be fixed or deleted).
    """
    path = saved_path(layout)
    return load_mapping(path) if path.is_file() else None

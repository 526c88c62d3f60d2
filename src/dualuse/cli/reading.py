"""How ``screen`` and ``inspect`` read a file: column mapping, date order, the report of unread columns."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import typer

from dualuse.cli.common import err_console, fail, input_issue_text
from dualuse.input import InputError
from dualuse.input.headers import Vocabulary, load_vocabulary
from dualuse.input.loader import file_layout
from dualuse.input.mapping import ColumnMapping, find_saved, load_mapping, mappings_dir, save_mapping


def mapping_option() -> Path | None:
    """The ``--mapping`` option."""
    return typer.Option(None, "--mapping", help="YAML naming columns dualuse does not know (header: field); saved for the next file of the same layout.")


def date_order_option() -> str | None:
    """The ``--date-order`` option."""
    return typer.Option(None, "--date-order", help="How to read 02/03/2026: dmy (2 March) or mdy (February 3); default: only unambiguous dates.")


@dataclass
class Reading:
    """What a command reads a file with.

    Attributes:
        vocabulary: the header vocabulary, with the mapping applied (``None``: the packaged one).
        date_order: ``dmy``, ``mdy`` or ``None``.
        mapping: the mapping used, if any.
        layout: the file's layout id (tables and workbooks), if computed.
        given: the mapping came from ``--mapping`` (and is saved after a good read).
    """

    vocabulary: Vocabulary | None
    date_order: str | None
    mapping: ColumnMapping | None
    layout: str | None
    given: bool


def prepare(file: Path, sheet: str | None, mapping: Path | None, date_order: str | None) -> Reading:
    """The mapping and date order to read ``file`` with: ``--mapping``, else one saved for its layout.

    Exits with status 2 when the mapping file or the date order is bad.
    """
    if date_order is not None and date_order not in ("dmy", "mdy"):
        raise fail(f"--date-order {date_order!r}: expected dmy or mdy")
    used: ColumnMapping | None = None
    layout: str | None = None
    try:
        if mapping is not None:
            used = load_mapping(mapping)
            layout = file_layout(file, sheet=sheet)
        elif _have_saved_mappings():
            layout = file_layout(file, sheet=sheet)
            used = find_saved(layout) if layout else None
            if used is not None:
                err_console.print(f"reading with the column mapping saved for this layout: {used.path}", highlight=False)
    except InputError as error:
        raise fail(f"column mapping: {error}") from None
    vocabulary = used.apply(load_vocabulary()) if used is not None else None
    return Reading(vocabulary, date_order or (used.date_order if used else None), used, layout, mapping is not None)


def _have_saved_mappings() -> bool:
    directory = mappings_dir()
    return directory.is_dir() and any(directory.glob("*.yaml"))


def remember(reading: Reading, file: Path) -> Path | None:
    """Save a ``--mapping`` for the file's layout after a good read; returns where, or ``None``."""
    if not reading.given or reading.mapping is None or reading.layout is None:
        return None
    target = save_mapping(reading.mapping, reading.layout, example=file.name)
    err_console.print(f"saved the column mapping for this layout to {target}: files of the same layout are read "
                      "with it", highlight=False)
    return target


def report_sanitised(warnings: list) -> None:
    """Name the cells whose text was replaced at the input boundary (:mod:`dualuse.input.sanitise`), at most 20."""
    if not warnings:
        return
    from dualuse.i18n import _, ngettext

    header = ngettext("{count} value held characters that cannot be stored or written; they were replaced by {mark}:",
                      "{count} values held characters that cannot be stored or written; they were replaced by {mark}:",
                      len(warnings))
    err_console.print("[yellow]" + header.format(count=len(warnings), mark="\N{REPLACEMENT CHARACTER}") + "[/]", highlight=False)
    for warning in warnings[:20]:
        err_console.print(f"  {input_issue_text(warning, with_file=False)}", highlight=False, soft_wrap=True)
    if len(warnings) > 20:
        err_console.print("  " + _("... and {count} more").format(count=len(warnings) - 20), highlight=False)


def report_unmapped(unmapped: list[tuple[str, str]]) -> None:
    """Name, once, the columns that were kept without being read."""
    if not unmapped:
        return
    err_console.print(f"[yellow]{len(unmapped)} column(s) dualuse does not read were kept as written and carried to "
                      "the output:[/]", highlight=False)
    for header, why in unmapped:
        hint = why.split(";")[1].strip() if "did you mean" in why else (why.removeprefix("unknown column: ")
                                                                         if "unknown column: " in why else "")
        err_console.print(f"  {header}" + (f" ({hint})" if hint else ""), highlight=False, soft_wrap=True)
    err_console.print("  name them with --mapping MAP.yaml (see `dualuse inspect`)", highlight=False)

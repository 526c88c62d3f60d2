"""Output files: which format a path asks for, whether it can be written, atomic replacement.

Three checks run *before* anything is screened or recorded, so that a bad
``-o`` costs nothing (``dualuse screen``, ``audit export``, ``--rejects``):

* :func:`format_for` - the format follows the file's extension (``.jsonl`` /
  ``.ndjson`` JSON Lines, ``.csv`` CSV, ``.xlsx`` Excel, ``.json`` JSON);
  an explicit ``--format`` that contradicts a known extension is an error,
  an unknown extension needs an explicit format.
* :func:`check_writable` - the path is not a directory, its folder exists (or
  can be created under a writable ancestor) and can be written to.
* :func:`replace_atomically` - the file is written beside the target and
  moved into place when complete; it gets the permissions a new file of the
  user would get (``0666 & ~umask``), or keeps those of the file it replaces.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

EXTENSION_FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".xlsx": "xlsx", ".json": "json", ".tsv": "tsv"}


class OutputPathError(ValueError):
    """An output path that cannot be used: wrong format for its extension, a directory, not writable."""


def format_for(path: Path, requested: str | None, allowed: Iterable[str], option: str = "--format") -> str:
    """The format to write ``path`` in.

    Args:
        path: the output file.
        requested: the format given explicitly (``None`` = follow the extension).
        allowed: the formats this command writes.
        option: the option's name, for messages.

    Returns:
        ``requested`` or the format of ``path``'s extension.

    Raises:
        OutputPathError: the extension names another format than ``requested``;
            no format is given and the extension is unknown or not one of ``allowed``.
    """
    allowed = tuple(allowed)
    suffix = path.suffix.lower()
    implied = EXTENSION_FORMATS.get(suffix)
    if requested is not None:
        if implied is not None and implied != requested:
            raise OutputPathError(
                f"{path}: the extension {suffix} means {implied}, but {option} {requested} was given; "
                f"name the file *.{_extension_of(requested)} or drop {option}"
            )
        return requested
    if implied is None or implied not in allowed:
        raise OutputPathError(
            f"{path}: cannot tell the format from the extension {suffix or '(none)'}; "
            f"use one of {', '.join('.' + _extension_of(f) for f in allowed)} or give {option}"
        )
    return implied


def _extension_of(format: str) -> str:
    return {"jsonl": "jsonl", "csv": "csv", "xlsx": "xlsx", "json": "json", "tsv": "tsv"}.get(format, format)


def check_writable(path: Path) -> None:
    """Check that ``path`` can be written as a file, without creating anything.

    Raises:
        OutputPathError: ``path`` is a directory, a file that cannot be
            written, or lies under a missing folder whose nearest existing
            ancestor is not a writable directory.
    """
    path = Path(path)
    if path.is_dir():
        raise OutputPathError(f"{path}: is a directory; give a file name, e.g. {path / ('decisions' + (path.suffix or '.jsonl'))}")
    if path.exists() and not os.access(path, os.W_OK):
        raise OutputPathError(f"{path}: the file exists and cannot be written (permission denied)")
    ancestor = path.absolute().parent
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise OutputPathError(f"{path}: {ancestor} is a file, not a folder")
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise OutputPathError(f"{path}: cannot write in {ancestor} (permission denied)")


def _umask() -> int:
    """The process umask (read without changing it where the system allows)."""
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # no other way to read it; restored at once
    os.umask(mask)
    return mask


def new_file_mode(path: Path) -> int:
    """The mode ``path`` should get: its current mode when it exists, else ``0o666 & ~umask``."""
    try:
        return Path(path).stat().st_mode & 0o7777
    except OSError:
        return 0o666 & ~_umask()


def replace_atomically(path: Path | str, write: Callable[[Path], None]) -> Path:
    """Write ``path`` through ``write(temporary path)`` and move it into place when complete.

    The folder is created when missing. A failure leaves neither half a file
    nor the temporary file. The new file gets :func:`new_file_mode` (temporary
    files are created 0600, which would hide a report from colleagues in a
    shared folder).

    Raises:
        OSError: the file cannot be written.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    mode = new_file_mode(target)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def write_bytes_atomically(path: Path | str, payload: bytes) -> Path:
    """:func:`replace_atomically` for a payload already in memory."""
    return replace_atomically(path, lambda tmp: tmp.write_bytes(payload))

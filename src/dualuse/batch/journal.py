"""Where a batch run keeps its progress, so that a run killed at any point resumes without duplicates.

A run is identified by :func:`run_key`: the SHA-256 of the input file's
bytes, every argument that changes what is screened or written, the list
version and the engine version. Its state lives in a folder (beside the
output file, or in the user's cache folder when there is none):

* ``spool.jsonl``: one line per screened shipment, in input order
  (ordinal, verdict, the decision as JSON, its CSV rows), appended batch by
  batch; the output is made from it when the run completes;
* ``journal.json``: the number of shipments and bytes of the spool that are
  complete, rewritten atomically after each batch.

Records are made idempotent in the database itself: each recorded shipment
writes a ``batch_items`` row (run id, ordinal, audit record seq) in the
same transaction as its screening record. The run id is the key and a random
part written in the journal before anything is recorded: a resumed run
keeps it, a completed run started again is a new run (a new screening). A resumed run truncates the spool
to the journal, takes the shipments recorded after that point from their
audit records (never recording them twice) and screens the rest.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SPOOL = "spool.jsonl"
JOURNAL = "journal.json"


def file_digest(path: str | Path, progress=None) -> str:
    """SHA-256 of a file's bytes, read 1 MiB at a time (``progress(bytes)`` after each read)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            if progress:
                progress(len(chunk))
    return digest.hexdigest()


def run_key(input_sha256: str, arguments: dict[str, Any]) -> str:
    """The run's identity: the input's digest and the arguments (JSON-serialisable values), hashed."""
    text = json.dumps({"input": input_sha256, **arguments}, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def state_dir(output: Path | None, key: str) -> Path:
    """The run's folder: ``.<output name>.dualuse-run`` beside the output, else under the cache folder.

    ``$DUALUSE_RUNS`` overrides the cache folder (default ``$XDG_CACHE_HOME/dualuse/runs``).
    """
    if output is not None:
        return output.absolute().parent / f".{output.name}.dualuse-run"
    base = os.environ.get("DUALUSE_RUNS") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "dualuse", "runs")
    return Path(base) / key[:32]


@dataclass
class Journal:
    """A run's progress.

    Attributes:
        key: the run key.
        run_id: this run's id in the records (``batch_items``): the key and a random part, new for every
            run that does not resume one, so that a completed run started again is a new screening.
        folder: the run's folder.
        done: shipments (valid ones, in input order) complete in the spool.
        spool_bytes: length of the complete part of the spool.
        resumed: ``True`` when an earlier run of the same key was found.
    """

    key: str
    folder: Path
    run_id: str = ""
    done: int = 0
    spool_bytes: int = 0
    resumed: bool = False

    @property
    def spool(self) -> Path:
        return self.folder / SPOOL

    @classmethod
    def open(cls, folder: Path, key: str) -> Journal:
        """The run's journal: resumed when the folder holds one of the same key, else a fresh run.

        A folder left by a run of other arguments (or another file) is cleared: its spool cannot be reused.
        """
        path = folder / JOURNAL
        try:
            saved = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            saved = None
        if saved and saved.get("key") == key and saved.get("run_id") and (folder / SPOOL).exists():
            journal = cls(key, folder, str(saved["run_id"]), int(saved["done"]), int(saved["spool_bytes"]), resumed=True)
            with open(journal.spool, "r+b") as spool:
                spool.truncate(journal.spool_bytes)  # drop a batch appended after the last journal write
            return journal
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        journal = cls(key, folder, f"{key[:40]}-{secrets.token_hex(8)}")
        journal.spool.write_bytes(b"")
        journal.save()
        return journal

    def save(self) -> None:
        """Write the journal atomically (a kill leaves the old or the new one, never half)."""
        tmp = self.folder / (JOURNAL + ".tmp")
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump({"key": self.key, "run_id": self.run_id, "done": self.done, "spool_bytes": self.spool_bytes}, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.folder / JOURNAL)

    def remove(self) -> None:
        """The run is complete: remove its folder."""
        shutil.rmtree(self.folder, ignore_errors=True)

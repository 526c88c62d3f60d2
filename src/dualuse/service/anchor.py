"""Anchor the audit chain's head outside the database, so a rewritten database cannot pass as intact.

The chain (:mod:`dualuse.storage.chain`) detects any edit, deletion or reordering of a record by itself.
What it cannot detect alone is a *forged re-computed chain*: someone with write access to the database
rewrites records and recomputes every hash and link after them. The defence is a head noted elsewhere
before the forgery: the forged chain no longer holds that record with that hash.

How to anchor (``dualuse audit head``):

* note ``SEQ:HASH`` it prints in the compliance file, a ticket, an e-mail to the auditor, or a
  write-once store, on a schedule (e.g. daily) and on every period report;
* or write an anchor file (``-o head.json``), optionally signed with a key the database does not hold
  (``--key-file``: HMAC-SHA256 over the statement's canonical JSON; keep the key with the auditor, not on
  the database server), so that an anchor file kept beside the database cannot be replaced unnoticed;
* later, ``dualuse audit verify --expect-head SEQ:HASH`` or ``--anchor head.json [--key-file K]``: the chain
  must still contain that record with that hash, and every record after it must link to it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from pathlib import Path

from dualuse.output.files import write_bytes_atomically
from dualuse.storage.db import Database

MIN_KEY_BYTES = 16


class AnchorError(ValueError):
    """An anchor file that cannot be used: unreadable, wrongly shaped, or its signature does not match."""


def head_statement(db: Database) -> dict:
    """The current head: ``{"seq", "hash", "records", "noted_at" (UTC ISO), "database"}``.

    The chain is verified first; a broken chain has no head worth anchoring.

    Raises:
        AnchorError: the chain does not verify.
    """
    from dualuse.service import audit

    report = audit.verify(db)
    if not report.ok:
        raise AnchorError(f"the audit chain does not verify ({len(report.problems)} problem(s)); run `dualuse audit verify`")
    return {"seq": report.head_seq, "hash": report.head_hash, "records": report.records,
            "noted_at": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(), "database": db.label}


def read_key(path: Path) -> bytes:
    """The signing key in ``path`` (its bytes, surrounding whitespace stripped).

    Raises:
        AnchorError: unreadable, or shorter than :data:`MIN_KEY_BYTES`.
    """
    try:
        key = Path(path).read_bytes().strip()
    except OSError as error:
        raise AnchorError(f"{path}: cannot read the key ({error.strerror or error})") from None
    if len(key) < MIN_KEY_BYTES:
        raise AnchorError(f"{path}: the key is {len(key)} bytes; use at least {MIN_KEY_BYTES} random bytes (e.g. `openssl rand -hex 32 > {path}`)")
    return key


def _canonical(statement: dict) -> bytes:
    return json.dumps(statement, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def sign(statement: dict, key: bytes) -> str:
    """HMAC-SHA256 (hex) of the statement's canonical JSON."""
    return hmac.new(key, _canonical(statement), hashlib.sha256).hexdigest()


def anchor_document(statement: dict, key: bytes | None = None) -> dict:
    """The anchor file's content: the statement, and its signature when ``key`` is given."""
    document = {"dualuse_audit_head": statement}
    if key is not None:
        document["hmac_sha256"] = sign(statement, key)
    return document


def write_anchor(path: Path, statement: dict, key: bytes | None = None) -> Path:
    """Write the anchor file (JSON) atomically."""
    return write_bytes_atomically(path, (json.dumps(anchor_document(statement, key), ensure_ascii=False, indent=1) + "\n").encode("utf-8"))


def read_anchor(path: Path, key: bytes | None = None) -> tuple[int, str]:
    """``(seq, hash)`` from an anchor file, its signature checked.

    A signed file needs ``key`` and must match it; with ``key`` given, an unsigned file is refused.

    Raises:
        AnchorError: unreadable or wrongly shaped file, missing or wrong signature.
    """
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
        statement = document["dualuse_audit_head"]
        seq, digest = int(statement["seq"]), str(statement["hash"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise AnchorError(f"{path}: not an anchor file written by `dualuse audit head -o` ({error})") from None
    signature = document.get("hmac_sha256")
    if signature is not None and key is None:
        raise AnchorError(f"{path}: the anchor is signed; give the key with --key-file")
    if key is not None:
        if signature is None:
            raise AnchorError(f"{path}: the anchor is not signed, but a key was given")
        if not hmac.compare_digest(str(signature), sign(statement, key)):
            raise AnchorError(f"{path}: the signature does not match: the anchor was changed or signed with another key")
    if len(digest) != 64:
        raise AnchorError(f"{path}: the hash {digest!r} is not a SHA-256 hex digest")
    return seq, digest

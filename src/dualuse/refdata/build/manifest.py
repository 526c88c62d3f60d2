"""Build ``manifest.json``: data version, build stamp, raw sources, file hashes.

``version`` = ``<MOFCOM as-of date>+<first 8 hex of sha256 over the data
files>``; the hash covers each data file's name and sha256, in name order,
so it changes exactly when a shipped file changes. ``built`` is derived
from the newest source as-of date (not the wall clock), so rebuilding the
same sources gives byte-identical output.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from dualuse.models.reference import DataManifest

from .common import sha256_file
from .mode import mofcom_data_date, update_mode
from .sources import ALL_SOURCES

DATA_FILES: tuple[str, ...] = ("entities.jsonl", "lists.json", "catalogue.jsonl", "hs6.json", "catalogue_quality.md", "legal_forms.json", "knowledge.json", "reference_text.jsonl")
# (kept in step with dualuse.refdata.validate.DATA_FILES)
MANIFEST = "manifest.json"


def content_hash(file_hashes: dict[str, str]) -> str:
    """sha256 over ``name NUL sha256 LF`` of every data file, in name order."""
    digest = hashlib.sha256()
    for name in sorted(file_hashes):
        digest.update(f"{name}\0{file_hashes[name]}\n".encode())
    return digest.hexdigest()


def version_string(data_date: str, file_hashes: dict[str, str]) -> str:
    """``2026-08-05+3f2a9c1b``."""
    return f"{data_date}+{content_hash(file_hashes)[:8]}"


def build(
    out_dir: Path,
    source_dir: Path,
    curated_dir: Path,
    record_counts: dict[str, int],
    as_of_overrides: dict[str, str],
) -> DataManifest:
    """Hash the written data files and the raw sources into a manifest.

    ``as_of_overrides`` replaces a source's registered as-of date (the
    curated files declare theirs in their README).
    """
    if update_mode() is not None:  # the MOFCOM sources of an update are as of its own date
        dated = {"cn-lists": mofcom_data_date(), "cn-lists-notice": mofcom_data_date(), "mofcom-japan-2026": mofcom_data_date()}
        as_of_overrides = {**dated, **as_of_overrides}
    files: dict[str, dict[str, str | int]] = {}
    hashes: dict[str, str] = {}
    for name in DATA_FILES:
        digest = sha256_file(out_dir / name)
        hashes[name] = digest
        files[name] = {"sha256": digest, "records": record_counts[name]}
    sources: list[dict[str, str]] = []
    for src in ALL_SOURCES:
        path = source_dir / src.path if src.root == "source" else curated_dir / Path(src.path).name
        if not path.exists():
            if src.required:
                raise FileNotFoundError(path)
            continue
        sources.append(
            {
                "key": src.key,
                "path": src.path,
                "root": "source_dir" if src.root == "source" else "repository",
                "sha256": sha256_file(path),
                "as_of": as_of_overrides.get(src.key, src.as_of),
                "retrieved": src.retrieved,
                "licence": src.licence,
                "dataset": src.dataset,
                "upstream": src.upstream,
            }
        )
    newest = max(s["as_of"] for s in sources)
    return DataManifest(
        version=version_string(mofcom_data_date(), hashes),
        built=f"{newest}T00:00:00Z",
        sources=sources,
        files=files,
    )

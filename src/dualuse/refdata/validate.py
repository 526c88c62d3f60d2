"""Validate a reference-data directory; ``python -m dualuse.refdata.validate [DIR]``.

:func:`validate_data` returns human-readable problems (an empty list means
valid). It checks:

* entities: JSON and model validity; known list ids; unique ids; a legal
  source with a citation; a source URL (the legal source's URL, or for the
  reference lists JP-MIL/JP-DEF/US-MIL a URL in ``provenance["source"]``);
  a publication date; an effective date on MOFCOM-list entries; the primary
  name among the name forms; no repeated name forms (case/width-insensitive);
  no two entries with the same list, normalised primary name and legal
  source; well-formed, non-overlapping status intervals; every relation
  target resolves;
* catalogue: control codes parse (``^\\d[A-E]\\d{3}(\\.[a-z0-9]+)*$``) and are
  unique per direction; HS codes have 10 digits; a legal source with a citation;
* lists.json: known, unique list ids whose counts match the entities;
* hs6.json: 2/4/6-digit codes with descriptions;
* reference_text.jsonl: model validity, each code once and a code of the catalogue;
* manifest.json: every data file listed with the right sha256 and record
  count, and a version matching the file hashes.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import unicodedata
from pathlib import Path

from pydantic import ValidationError

from dualuse.models.knowledge import Knowledge
from dualuse.models.reference import LEGAL_LISTS, LIST_IDS, ControlEntry, DataManifest, ListEntry, ListInfo, ReferenceText

from . import store

CODE_RE = re.compile(r"^\d[A-E]\d{3}(\.[a-z0-9]+)*$")
HS10_RE = re.compile(r"^\d{10}$")
REFERENCE_LISTS = ("JP-MIL", "JP-DEF", "US-MIL")
DATA_FILES = (store.ENTITIES, store.LISTS, store.CATALOGUE, store.HS6, store.QUALITY_REPORT, store.LEGAL_FORMS)
# Files that versions built before they existed lack (the store falls back to a default);
# when the manifest lists one, it is checked like the others.
OPTIONAL_FILES = (store.KNOWLEDGE, store.REFERENCE_TEXT)


def _norm(value: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", value)).strip().casefold()


def _short(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:3]:
        loc = ".".join(str(p) for p in err.get("loc", ()))
        parts.append(f"{loc}: {err.get('msg')}" if loc else str(err.get("msg")))
    more = len(exc.errors()) - 3
    return "; ".join(parts) + (f" (+{more} more)" if more > 0 else "")


def _jsonl(text: str, fname: str, problems: list[str]) -> list[tuple[int, dict]]:
    out = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"{fname} line {n}: not valid JSON ({exc.msg})")
            continue
        if not isinstance(obj, dict):
            problems.append(f"{fname} line {n}: not a JSON object")
            continue
        out.append((n, obj))
    return out


def _has_url(value: object) -> bool:
    return isinstance(value, str) and "http" in value


def _check_entities(text: str, problems: list[str]) -> list[ListEntry]:
    fname = store.ENTITIES
    entries: list[ListEntry] = []
    first_line: dict[str, int] = {}
    for n, raw in _jsonl(text, fname, problems):
        rid = raw.get("id")
        where = f"{fname} line {n} ({rid or 'no id'})"
        if not rid:
            problems.append(f"{where}: missing id")
        elif rid in first_line:
            problems.append(f"{fname}: duplicate id {rid} (lines {first_line[rid]} and {n})")
        else:
            first_line[rid] = n
        list_id = raw.get("list")
        if list_id not in LIST_IDS:
            problems.append(f"{where}: unknown list id {list_id!r} (known: {', '.join(LIST_IDS)})")
        legal = raw.get("legal_source")
        if not isinstance(legal, dict):
            problems.append(f"{where}: no legal source")
            legal = {}
        elif not str(legal.get("citation") or "").strip():
            problems.append(f"{where}: legal source has no citation")
        provenance = raw.get("provenance") if isinstance(raw.get("provenance"), dict) else {}
        url_ok = _has_url(legal.get("url")) or (list_id in REFERENCE_LISTS and _has_url(provenance.get("source")))
        if not url_ok:
            problems.append(f"{where}: no source URL (legal_source.url{' or provenance.source' if list_id in REFERENCE_LISTS else ''})")
        if not raw.get("published"):
            problems.append(f"{where}: no publication date")
        if list_id in LEGAL_LISTS and not raw.get("effective"):
            problems.append(f"{where}: MOFCOM-list entry without an effective date")
        try:
            entry = ListEntry.model_validate(raw)
        except ValidationError as exc:
            problems.append(f"{where}: invalid entry: {_short(exc)}")
            continue
        entries.append(entry)

    ids = {e.id for e in entries}
    seen_key: dict[tuple[str, str, str], str] = {}
    for e in entries:
        keys: dict[str, str] = {}
        for form in e.names:
            k = _norm(form.value)
            if k in keys:
                problems.append(f"{e.id}: name form {form.value!r} repeats {keys[k]!r}")
            else:
                keys[k] = form.value
        if _norm(e.name) not in keys:
            problems.append(f"{e.id}: primary name {e.name!r} is not among its name forms")
        dup_key = (e.list, _norm(e.name), e.legal_source.citation)
        if dup_key in seen_key:
            problems.append(
                f"{e.id}: same list, primary name and legal source as {seen_key[dup_key]} ({e.name!r}, {e.legal_source.citation})"
            )
        else:
            seen_key[dup_key] = e.id
        for iv in e.status_intervals:
            if iv.end is not None and not iv.start < iv.end:
                problems.append(f"{e.id}: status interval {iv.status} {iv.start}..{iv.end} does not end after it starts")
        ordered = sorted(e.status_intervals, key=lambda iv: iv.start)
        for a, b in zip(ordered, ordered[1:]):
            if a.end is None or b.start < a.end:
                problems.append(f"{e.id}: status intervals overlap ({a.status} from {a.start}, {b.status} from {b.start})")
        if e.effective and e.published and e.effective < e.published and e.list in LEGAL_LISTS:
            problems.append(f"{e.id}: effective {e.effective} before published {e.published}")
        for rel in e.relations:
            if rel.target_id is not None and rel.target_id not in ids:
                problems.append(f"{e.id}: relation {rel.relation} points to unknown id {rel.target_id}")
            if rel.target_id is None and not rel.target_name:
                problems.append(f"{e.id}: relation {rel.relation} has neither target_id nor target_name")
    return entries


def _check_catalogue(text: str, problems: list[str]) -> int:
    fname = store.CATALOGUE
    seen: dict[tuple[str, str], int] = {}
    count = 0
    for n, raw in _jsonl(text, fname, problems):
        count += 1
        code = raw.get("code")
        direction = raw.get("direction", "export")
        where = f"{fname} line {n} ({code!r})"
        if not isinstance(code, str) or not CODE_RE.match(code):
            problems.append(f"{where}: control code {code!r} does not parse (expected e.g. 1C902.a.1)")
        elif (direction, code) in seen:
            problems.append(f"{fname}: control code {code} ({direction}) appears twice (lines {seen[(direction, code)]} and {n})")
        else:
            seen[(direction, code)] = n
        for hs in raw.get("hs_codes") or []:
            if not isinstance(hs, str) or not HS10_RE.match(hs):
                problems.append(f"{where}: HS code {hs!r} is not 10 digits")
        legal = raw.get("legal_source")
        if not isinstance(legal, dict) or not str(legal.get("citation") or "").strip():
            problems.append(f"{where}: no legal source with a citation")
        try:
            ControlEntry.model_validate(raw)
        except ValidationError as exc:
            problems.append(f"{where}: invalid control entry: {_short(exc)}")
    return count


def _check_reference_text(text: str, catalogue_text: str | None, problems: list[str]) -> int:
    fname = store.REFERENCE_TEXT
    codes: set[str] | None = None
    if catalogue_text:
        codes = {str(raw.get("code")) for _, raw in _jsonl(catalogue_text, store.CATALOGUE, [])}  # its problems are reported once, by _check_catalogue
        codes |= {c.split(".")[0] for c in codes}
    seen: set[str] = set()
    count = 0
    for n, raw in _jsonl(text, fname, problems):
        count += 1
        where = f"{fname} line {n} ({raw.get('code')!r})"
        try:
            record = ReferenceText.model_validate(raw)
        except ValidationError as exc:
            problems.append(f"{where}: invalid reference text: {_short(exc)}")
            continue
        if record.code in seen:
            problems.append(f"{where}: code appears twice")
        seen.add(record.code)
        if codes is not None and record.code not in codes:
            problems.append(f"{where}: not a code (or the entry of a code) of {store.CATALOGUE}")
    return count


def _check_lists(text: str, entries: list[ListEntry], problems: list[str]) -> int:
    fname = store.LISTS
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        problems.append(f"{fname}: not valid JSON ({exc.msg})")
        return 0
    if not isinstance(data, list):
        problems.append(f"{fname}: expected a JSON list")
        return 0
    counts: dict[str, int] = {}
    for e in entries:
        counts[e.list] = counts.get(e.list, 0) + 1
    seen: set[str] = set()
    for raw in data:
        try:
            info = ListInfo.model_validate(raw)
        except ValidationError as exc:
            problems.append(f"{fname}: invalid list {raw.get('id') if isinstance(raw, dict) else raw!r}: {_short(exc)}")
            continue
        if info.id in seen:
            problems.append(f"{fname}: list {info.id} described twice")
        seen.add(info.id)
        if info.entries != counts.get(info.id, 0):
            problems.append(f"{fname}: {info.id} says {info.entries} entries, entities.jsonl has {counts.get(info.id, 0)}")
    for list_id in sorted(set(counts) - seen):
        problems.append(f"{fname}: no description for list {list_id}")
    return len(data)


def _check_hs6(text: str, problems: list[str]) -> int:
    fname = store.HS6
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        problems.append(f"{fname}: not valid JSON ({exc.msg})")
        return 0
    if not isinstance(data, dict):
        problems.append(f"{fname}: expected a JSON object")
        return 0
    for code, desc in data.items():
        if not re.fullmatch(r"\d{2}|\d{4}|\d{6}", code):
            problems.append(f"{fname}: key {code!r} is not a 2-, 4- or 6-digit HS code")
        if not isinstance(desc, str) or not desc.strip():
            problems.append(f"{fname}: {code} has no description")
    return len(data)


def _check_knowledge(text: str, entries: list[ListEntry], problems: list[str]) -> int:
    """knowledge.json: the model, unique instrument ids, a horizon no earlier than the legal lists' oldest listing."""
    fname = store.KNOWLEDGE
    try:
        knowledge = Knowledge.model_validate_json(text)
    except ValidationError as exc:
        problems.append(f"{fname}: invalid: {_short(exc)}")
        return 0
    ids = [i.id for i in knowledge.instruments]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(f"{fname}: instrument id {dup} appears twice")
    citations = {i.citation for i in knowledge.instruments} | {e.legal_source.citation for e in entries}
    for note in knowledge.notes:
        for concern in note.concerns:
            if concern not in citations and concern not in {m.measure for m in knowledge.measures}:
                problems.append(f"{fname}: note {note.id} concerns {concern!r}, which is no instrument, listing or measure of the data")
    for measure in knowledge.measures:
        for iv in measure.status_intervals:
            if iv.end is not None and not iv.start < iv.end:
                problems.append(f"{fname}: measure {measure.measure}: interval {iv.status} {iv.start}..{iv.end} does not end after it starts")
    return 1


def _check_manifest(data_dir: Path | None, record_counts: dict[str, int], problems: list[str]) -> None:
    from dualuse.refdata.build.manifest import version_string

    try:
        man = DataManifest.model_validate_json(store.read_text(store.MANIFEST, data_dir))
    except FileNotFoundError:
        problems.append(f"{store.MANIFEST}: missing")
        return
    except ValidationError as exc:
        problems.append(f"{store.MANIFEST}: invalid: {_short(exc)}")
        return
    hashes: dict[str, str] = {}
    names = [*DATA_FILES, *(name for name in OPTIONAL_FILES if name in man.files)]
    for name in names:
        info = man.files.get(name)
        if info is None:
            problems.append(f"{store.MANIFEST}: {name} is not listed")
            continue
        try:
            actual = hashlib.sha256(store.read_bytes(name, data_dir)).hexdigest()
        except FileNotFoundError:
            continue  # reported elsewhere
        hashes[name] = actual
        if info.get("sha256") != actual:
            problems.append(f"{store.MANIFEST}: sha256 of {name} does not match the file (listed {str(info.get('sha256'))[:12]}…, actual {actual[:12]}…)")
        if name in record_counts and info.get("records") != record_counts[name]:
            problems.append(f"{store.MANIFEST}: {name} listed with {info.get('records')} records, file has {record_counts[name]}")
    if len(hashes) == len(names):
        date = man.version.split("+", 1)[0]
        expected = version_string(date, hashes)
        if man.version != expected:
            problems.append(f"{store.MANIFEST}: version {man.version} does not match the file hashes (expected {expected})")
    for src in man.sources:
        for key in ("path", "sha256", "as_of", "licence"):
            if not src.get(key):
                problems.append(f"{store.MANIFEST}: source {src.get('path', '?')} has no {key}")


def validate_data(data_dir: Path | None = None) -> list[str]:
    """Check a data directory (default: ``DUALUSE_DATA_DIR`` or the packaged data).

    Returns a list of problems; empty means valid.
    """

    problems: list[str] = []
    texts: dict[str, str] = {}
    for name in DATA_FILES:
        try:
            texts[name] = store.read_text(name, data_dir)
        except FileNotFoundError:
            problems.append(f"{name}: missing")
    entries = _check_entities(texts[store.ENTITIES], problems) if store.ENTITIES in texts else []
    counts: dict[str, int] = {store.QUALITY_REPORT: 1}
    if store.ENTITIES in texts:
        counts[store.ENTITIES] = sum(1 for line in texts[store.ENTITIES].splitlines() if line.strip())
    if store.CATALOGUE in texts:
        counts[store.CATALOGUE] = _check_catalogue(texts[store.CATALOGUE], problems)
    if store.LISTS in texts:
        counts[store.LISTS] = _check_lists(texts[store.LISTS], entries, problems)
    if store.HS6 in texts:
        counts[store.HS6] = _check_hs6(texts[store.HS6], problems)
    for name in OPTIONAL_FILES:
        try:
            text = store.read_text(name, data_dir)
        except FileNotFoundError:
            continue
        if name == store.KNOWLEDGE:
            counts[name] = _check_knowledge(text, entries, problems)
        else:
            counts[name] = _check_reference_text(text, texts.get(store.CATALOGUE), problems)
    _check_manifest(data_dir, counts, problems)
    return problems


def main(argv: list[str] | None = None) -> int:
    """Print the problems of a data directory; exit 1 if there are any."""
    args = sys.argv[1:] if argv is None else argv
    data_dir = Path(args[0]) if args else None
    problems = validate_data(data_dir)
    where = store.data_location(data_dir)
    if problems:
        print(f"{where}: {len(problems)} problem(s)")
        for p in problems:
            print(f"  - {p}")
        return 1
    print(f"{where}: valid (data version {store.data_version(data_dir)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

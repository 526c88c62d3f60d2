"""Apply ``data-sources/curated/entity_supplements.csv`` to MOFCOM entries.

Each row adds one name form (``kind`` = ``alias``/``local``/``former``) or
one country (``kind`` = ``country``, only where the dataset gives none) to a
non-Japanese MOFCOM entry. Every row must cite a public ``source`` URL. A
country that contradicts the dataset stops the build.
"""

from __future__ import annotations

import re
from pathlib import Path

from dualuse.models.reference import ListEntry, NameForm

from .common import BuildError, clean, read_csv
from .names import dedupe
from .sources import ENTITY_SUPPLEMENTS

NAME_KINDS = {"alias", "local", "former"}
_LANG = re.compile(r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$")


def apply(curated_dir: Path, by_id: dict[str, ListEntry]) -> int:
    """Apply the supplements in place; return the number of rows applied (0 if the file is absent).

    Raises:
        BuildError: unknown entry, Japanese entry, bad kind/lang/source, or a
            country that contradicts the dataset.
    """
    path = curated_dir / Path(ENTITY_SUPPLEMENTS.path).name
    if not path.exists():
        return 0
    rows = read_csv(path)
    touched: dict[str, list[NameForm]] = {}
    for n, row in enumerate(rows, start=2):
        where = f"{path.name}:{n}"
        eid, kind, value = clean(row.get("entry_id")), clean(row.get("kind")), clean(row.get("value"))
        lang, source = clean(row.get("lang")), clean(row.get("source"))
        entry = by_id.get(eid)
        if entry is None:
            raise BuildError(f"{where}: unknown entry {eid!r}")
        if entry.list not in ("CN-ECL", "CN-WL", "CN-UEL", "CN-AFSL") or entry.countries == ["JP"]:
            raise BuildError(f"{where}: {eid} is not a non-Japanese MOFCOM entry")
        if not value or not source.startswith("http"):
            raise BuildError(f"{where}: a value and a public source URL are required")
        if kind == "country":
            code = value.upper()
            if not re.fullmatch(r"[A-Z]{2}", code):
                raise BuildError(f"{where}: country {value!r} is not an ISO alpha-2 code")
            if entry.countries and code not in entry.countries:
                raise BuildError(f"{where}: country {code} contradicts the dataset's {entry.countries} for {eid}")
            if code not in entry.countries:
                entry.countries = sorted({*entry.countries, code})
                entry.provenance["countries"] = f"{ENTITY_SUPPLEMENTS.path} ({source})"
        elif kind in NAME_KINDS:
            if not _LANG.match(lang):
                raise BuildError(f"{where}: lang {lang!r} is not a language tag")
            touched.setdefault(eid, list(entry.names)).append(NameForm(value=value, lang=lang, kind=kind, source=source))
        else:
            raise BuildError(f"{where}: unknown kind {kind!r}")
    for eid, forms in touched.items():
        by_id[eid].names = dedupe(forms)
        by_id[eid].provenance["supplements"] = ENTITY_SUPPLEMENTS.path
    return len(rows)

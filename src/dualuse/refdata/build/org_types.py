"""Legal forms from OpenSanctions rigour's organisation-type table (ISO 20275 based).

rigour's ``org_types.yml`` lists 466 legal forms with 1,896 aliases in many
languages (Aktiengesellschaft, JSC, ООО, 주식회사...). The matcher sets legal
forms aside before comparing names; this converter turns the table into
``legal_forms.json``, which the matcher adds to its own table
(``dualuse/matching/legal_forms.yaml``, which covers the Japanese and Chinese
forms rigour lacks: Kabushiki Kaisha, K.K., 独立行政法人...).

Aliases that are ordinary words in names are left out: one- and two-letter
aliases other than well-known forms, and words such as "charity",
"cooperation" or "in" (rigour lists "IN" as an Indian form).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import yaml

from .common import BuildError

SOURCE = "raw/rigour-org-types/org_types.yml"
SHORT_FORMS_KEPT = frozenset({"ag", "bv", "nv", "oy", "sa", "kg", "ao", "dd", "od", "ug", "ek", "ev", "kd", "ab", "as", "se", "kk", "ао", "ип"})
WORDS_NOT_FORMS = frozenset(
    {"in", "na", "eg", "ad", "ll", "lt", "sp", "yu", "ku", "charity", "cooperation", "cooperative", "incorporation", "unlimited", "limite", "ngo", "npo", "nonprofit"}
)


def _normalise(alias: str) -> str:
    text = unicodedata.normalize("NFKC", alias).casefold()
    text = re.sub(r"\b(?:\w\.){2,}", lambda m: m.group(0).replace(".", "") + " ", text)
    return " ".join(re.findall(r"[^\W_]+|&", text))


def convert(source_dir: Path) -> dict:
    """Read rigour's table; return ``{"source", "licence", "forms": [...]}`` with normalised forms, sorted.

    Raises:
        BuildError: the file is missing or not in rigour's format.
    """
    path = Path(source_dir) / SOURCE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        types = data["types"]
    except (OSError, KeyError, TypeError, yaml.YAMLError) as error:
        raise BuildError(f"{path}: cannot read rigour org types ({error})") from None
    forms: set[str] = set()
    for entry in types:
        for alias in entry.get("aliases") or []:
            form = _normalise(str(alias))
            words = form.split()
            if not words or form in WORDS_NOT_FORMS:
                continue
            if len(words) == 1 and len(form) <= 2 and form not in SHORT_FORMS_KEPT:
                continue
            forms.add(form)
    return {
        "source": "github.com/opensanctions/rigour resources/names/org_types.yml @ 8f4044dd6719d71e8ba59b5033818ff407e0efab",
        "licence": "MIT (Copyright (c) 2023-2025 OpenSanctions Datenbanken GmbH)",
        "forms": sorted(forms),
    }

"""Convert FollowTheMoney's data model into ``dualuse/api/ftm_model.json`` (maintainers).

The yente-compatible API (:mod:`dualuse.api.yente`) speaks FollowTheMoney
(FtM): query entities are cleaned the way yente cleans them, answers carry
only properties their schema allows. dualuse does not depend on
``followthemoney`` at run time (its ``normality`` dependency needs PyICU, a C++
build against ICU); instead this converter writes what the API needs from it
into one JSON file that ships with the package:

* ``schemata``: every schema with its label, whether it is abstract and
  matchable, its ancestors (``schemata``), ``descendants`` and
  ``matchable_schemata`` (as FtM computes them), caption properties and its
  properties as ``[type, matchable, reverse]``;
* ``topics``: FtM's topic names and labels, and ``risks`` (the topics that make
  an entity a ``target`` in yente);
* ``genders``: the gender words FtM maps to ``male``/``female``/``other``;
* ``countries``: per FtM country code its label, and every territory code
  (ISO alpha-2/alpha-3, other codes, Wikidata ids) and name or alias
  (rigour's territory table) that FtM's ``registry.country.clean`` maps to it;
* ``algorithms``: the scoring algorithms yente names (nomenklatura), with
  their configuration variables, so requests that name them keep working.

Run it in the test environment (``pip install -e '.[test]'`` installs the pinned
followthemoney, rigour and nomenklatura)::

    python -m dualuse.api.ftm_build            # writes src/dualuse/api/ftm_model.json

``tests/api/test_ftm_model.py`` fails when the shipped file differs from what
the installed packages give, so an upgrade cannot drift silently.
Sources: followthemoney (MIT), rigour (MIT), nomenklatura (MIT), all by
OpenSanctions; see ``NOTICE``.
"""

from __future__ import annotations

import json
import sys
from importlib import metadata
from pathlib import Path

OUTPUT = Path(__file__).with_name("ftm_model.json")
# The algorithms yente 5.5.0 enables (yente/routers/util.py ENABLED_ALGORITHMS),
# plus nomenklatura's OFAC emulation, which clients name as "ofac".
YENTE_ALGORITHMS = ("logic-v2", "name-based", "name-qualified", "logic-v1", "regression-v1", "ofac")


def _schemata() -> dict:
    from followthemoney import model

    out = {}
    for schema in sorted(model.schemata.values(), key=lambda s: s.name):
        out[schema.name] = {
            "label": str(schema.label),
            "abstract": bool(schema.abstract),
            "matchable": bool(schema.matchable),
            "schemata": sorted(s.name for s in schema.schemata),
            "descendants": sorted(s.name for s in schema.descendants),
            "matchable_schemata": sorted(s.name for s in schema.matchable_schemata),
            "caption": list(schema.caption),
            "properties": {
                name: [prop.type.name, bool(prop.matchable), prop.reverse.name if prop.reverse is not None else None]
                for name, prop in sorted(schema.properties.items())
            },
        }
    return out


def _countries() -> dict:
    """``{code: {"label": ..., "names": [...]}}``: every name FtM cleans to the code (no fuzzy edits)."""
    from followthemoney import registry
    from rigour._core import territories_jsonl

    out: dict[str, dict] = {}
    for code, label in sorted(registry.country.names.items()):
        out[code] = {"label": str(label), "codes": set(), "names": set()}
    for line in territories_jsonl().splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        # rigour looks codes up as written (lower case), names after normalisation
        codes = [row["code"], row.get("alpha3"), *row.get("other_codes", []), row.get("qid"), *row.get("other_qids", [])]
        names = [row.get("name"), row.get("full_name"), *row.get("names_strong", []), *row.get("names_weak", [])]
        for kind, candidates in (("codes", codes), ("names", names)):
            for text in candidates:
                if not text:
                    continue
                # fuzzy=False: the exact lookup; dualuse does not reproduce rigour's edit-distance guesses
                code = registry.country.clean(text, fuzzy=False)
                if code is not None and code in out:
                    out[code][kind].add(text.lower().replace("_", "-").strip() if kind == "codes" else text)
    return {code: {"label": v["label"], "codes": sorted(v["codes"]), "names": sorted(v["names"])} for code, v in out.items()}


def _algorithms() -> dict:
    from nomenklatura.matching import get_algorithm

    out = {}
    for name in YENTE_ALGORITHMS:
        algorithm = get_algorithm(name)
        if algorithm is None:  # pragma: no cover - depends on the nomenklatura version
            raise SystemExit(f"nomenklatura has no algorithm {name!r}")
        docs = algorithm.get_docs()
        out[name] = {
            "order": len(out),  # yente's order (the JSON file sorts keys)
            "description": " ".join((algorithm.__doc__ or "").split()),
            "config": {key: {"type": var.type.value, "description": var.description, "default": var.default} for key, var in sorted(docs.config.items())},
        }
    return out


def build() -> dict:
    """The model as a JSON-ready dict (needs followthemoney, rigour and nomenklatura installed)."""
    from followthemoney import registry
    from followthemoney.types.gender import GenderType

    return {
        "source": {
            package: metadata.version(package) for package in ("followthemoney", "rigour", "nomenklatura", "yente")
        },
        "schemata": _schemata(),
        "topics": {name: str(label) for name, label in sorted(registry.topic.names.items())},
        "risks": sorted(registry.topic.RISKS),
        "genders": {**{code: code for code in sorted(registry.gender.codes)}, **dict(sorted(GenderType.LOOKUP.items()))},
        "countries": _countries(),
        "algorithms": _algorithms(),
    }


def main(argv: list[str] | None = None) -> int:
    """Write the model to ``ftm_model.json`` (or the path given)."""
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else OUTPUT
    target.write_text(json.dumps(build(), ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {target} ({target.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

"""Load the rule set shipped with the package (``rules.yaml``) and compute its version."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

from dualuse import yamlio

from dualuse.rules.model import RuleSet


def load_rules(path: Path | None = None) -> RuleSet:
    """Load and validate a rule set.

    Args:
        path: a YAML rule file; default: the packaged ``rules.yaml``.

    Returns:
        The :class:`RuleSet`; its ``version`` is suffixed with the first eight
        hex digits of the file's SHA-256, so an edited file never passes for
        the released one.

    Raises:
        pydantic.ValidationError: the file does not match the rule model.
        yaml.YAMLError: the file is not YAML.
    """
    if path is None:
        return _packaged()
    return _parse(Path(path).read_bytes())


@lru_cache(maxsize=1)
def _packaged() -> RuleSet:
    """The packaged rule set, parsed once per file content and engine version (:mod:`dualuse.artefacts`)."""
    from dualuse.artefacts import cached, digest_parts

    raw = resources.files("dualuse.rules").joinpath("rules.yaml").read_bytes()
    return cached("rules", digest_parts([raw]), lambda: _parse(raw))


def _parse(raw: bytes) -> RuleSet:
    data = yamlio.safe_load(raw.decode("utf-8"))
    digest = hashlib.sha256(raw).hexdigest()[:8]
    data["version"] = f"{data['version']}+{digest}"
    return RuleSet.model_validate(data)

"""YAML reading through libyaml when available (the packaged vocabularies and rules load at every start).

PyYAML's pure-Python parser spends about a second of CPU on the packaged
YAML files of one ``dualuse screen``; its libyaml binding (``CSafeLoader``,
in the PyYAML wheels) parses the same documents into the same objects (the
constructor is the same ``SafeConstructor``) several times faster.
"""

from __future__ import annotations

import yaml

try:
    from yaml import CSafeLoader as _FastLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _FastLoader = yaml.SafeLoader


def safe_load(text: str | bytes):
    """``yaml.safe_load(text)``, parsed by libyaml when available.

    Raises:
        yaml.YAMLError: the text is not valid YAML. The error is the one the
            pure-Python parser raises (same message and line/column marks):
            a document libyaml rejects is parsed again by it.
    """
    try:
        return yaml.load(text, Loader=_FastLoader)  # noqa: S506 - a safe loader
    except yaml.YAMLError:
        return yaml.safe_load(text)

"""Built artefacts (name index, catalogue search, analysers) cached on disk.

Building the name index, the catalogue search index and the analysers takes
seconds; loading them takes milliseconds. :func:`cached` builds an artefact
once and keeps it in a cache directory, keyed by

* what it was built from: a digest of the inputs (the list records, the
  bytes of the data files) given by the caller, and
* the **engine key** (:func:`engine_key`): the package version, a SHA-256
  of the package's source and packaged vocabulary files that build the
  artefacts, the Python version and the versions of the libraries whose
  output is stored (numpy, rapidfuzz, opencc, babel, rigour, pydantic).

Any change of data or code gives another key, so a cached artefact is never
stale; old entries are simply no longer read (``dualuse`` never deletes
them; remove the directory to reclaim the space).

Format: one directory per artefact holding ``object.pickle`` (the object
without its numeric numpy arrays) and one ``.npy`` file per top-level numeric
array attribute, loaded memory-mapped read-only (processes on one machine
share the pages). The pickle is only ever written by this module into the
user's own cache directory; do not point ``DUALUSE_ARTEFACTS`` at a directory
others can write to.

Writes are atomic: the directory is written under a temporary name in the
same parent and renamed into place; a concurrent process building the same
artefact either renames first (the other keeps its own copy in memory and
discards its files) or finds the finished directory. A directory that fails
to load (truncated by a full disk, a foreign file) is rebuilt.

Location: ``$DUALUSE_ARTEFACTS``; else the user cache directory
(``platformdirs.user_cache_dir("dualuse")``, e.g. ``~/.cache/dualuse``)
``/artefacts``. ``DUALUSE_ARTEFACTS=off`` disables the cache (everything is
built in memory). When the directory cannot be written, artefacts are built
in memory and a warning is not raised (the cache is an optimisation only).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import TypeVar

ENV_VAR = "DUALUSE_ARTEFACTS"
# Bump when the stored layout changes (independently of the code hash).
SCHEMA = 1
# Subpackages whose source (and packaged YAML/JSON vocabularies) build cached artefacts.
ENGINE_PACKAGES = ("matching", "classification", "text", "refdata", "models", "values", "rules", "input")
_LIBRARIES = ("numpy", "rapidfuzz", "opencc", "babel", "rigour", "pydantic", "pypinyin", "cutlet", "jaconv", "anyascii")
_OBJECT = "object.pickle"

T = TypeVar("T")


def cache_root() -> Path | None:
    """The cache directory, or ``None`` when disabled (``DUALUSE_ARTEFACTS=off``)."""
    env = os.environ.get(ENV_VAR)
    if env:
        if env.strip().lower() in ("off", "0", "none", "false"):
            return None
        return Path(env).expanduser()
    try:
        from platformdirs import user_cache_dir
    except ImportError:  # pragma: no cover - platformdirs is a dependency
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "dualuse"
    else:
        base = Path(user_cache_dir("dualuse", appauthor=False))
    return base / "artefacts"


@lru_cache(maxsize=1)
def engine_key() -> str:
    """SHA-256 (hex) identifying the code that builds artefacts (see the module docstring)."""
    import dualuse

    digest = hashlib.sha256()
    digest.update(f"schema={SCHEMA};dualuse={dualuse.__version__};python={sys.version}\n".encode())
    for name in _LIBRARIES:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"{name}={version}\n".encode())
    root = Path(dualuse.__file__).resolve().parent
    files = [Path(__file__).resolve()]
    for package in ENGINE_PACKAGES:
        files.extend(p for p in (root / package).rglob("*") if p.suffix in (".py", ".yaml", ".yml", ".json") and p.is_file())
    for path in sorted(files):
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def digest_parts(parts: Iterable[str | bytes]) -> str:
    """SHA-256 (hex) of a sequence of strings/bytes, each length-prefixed (no two sequences collide by concatenation)."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


def _numeric(value: object) -> bool:
    import numpy as np

    return isinstance(value, np.ndarray) and value.dtype.kind in "biuf" and value.dtype.hasobject is False


def _write(obj: object, directory: Path) -> None:
    import numpy as np

    state = getattr(obj, "__dict__", None)
    arrays = {name: value for name, value in (state or {}).items() if _numeric(value)}
    if arrays:
        rest = {name: value for name, value in state.items() if name not in arrays}
        shell = object.__new__(type(obj))
        shell.__dict__.update(rest)
        payload: object = shell
    else:
        payload = obj
    with open(directory / _OBJECT, "wb") as handle:
        pickle.dump(payload, handle, protocol=pickle.HIGHEST_PROTOCOL)
    for name, value in arrays.items():
        np.save(directory / f"{name}.npy", np.ascontiguousarray(value), allow_pickle=False)


def _read(directory: Path) -> object:
    import numpy as np

    with open(directory / _OBJECT, "rb") as handle:
        obj = pickle.load(handle)
    for path in directory.glob("*.npy"):
        obj.__dict__[path.stem] = np.load(path, mmap_mode="r", allow_pickle=False)
    return obj


def cached(kind: str, inputs: str, build: Callable[[], T]) -> T:
    """The artefact ``kind`` built from ``inputs`` (a digest), from the cache or built and stored.

    Args:
        kind: short name of the artefact (``name-index``, ``catalogue-search`` ...).
        inputs: digest of everything the artefact is built from besides the code
            (e.g. :func:`digest_parts` of the data files); the engine key is added here.
        build: makes the artefact (called when no usable cached copy exists).

    Returns:
        The artefact; numeric numpy array attributes of a loaded one are
        read-only memory maps.
    """
    root = cache_root()
    if root is None:
        return build()
    key = digest_parts([kind, inputs, engine_key()])[:32]
    target = root / f"{kind}-{key}"
    if (target / _OBJECT).is_file():
        try:
            return _read(target)  # type: ignore[return-value]
        except Exception:  # noqa: BLE001 - a damaged entry is rebuilt below
            shutil.rmtree(target, ignore_errors=True)
    obj = build()
    try:
        root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{kind}-", dir=root))
    except OSError:
        return obj
    try:
        _write(obj, staging)
        os.replace(staging, target)  # atomic; fails when another process got there first
    except OSError:
        pass
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return obj

"""API keys and roles.

Roles, each including the ones before it:

* ``screener``: screen shipments, match parties, classify items, read
  alerts, shipments, whitelist, list versions and diffs;
* ``reviewer``: also decide alerts, manage the whitelist, export and
  verify the audit records;
* ``admin``: also update the lists and manage API keys.

A key is ``du_`` followed by 43 random URL-safe characters (256 bits); only
its SHA-256 is stored (a random key of that length needs no slow hash), with
its first 10 characters as a prefix to recognise it in lists and records.
The key itself is shown once, when it is created.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import select

from dualuse.storage import chain
from dualuse.storage.db import Database
from dualuse.storage.models import ApiKey

ROLES = ("screener", "reviewer", "admin")
PREFIX_CHARS = 10
KEY_PREFIX = "du_"
TOUCH_EVERY_SECONDS = 60


class ApiKeyError(ValueError):
    """A key operation that cannot be done; ``status`` is the HTTP status it maps to."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class KeyInfo:
    """A stored key (never the key itself).

    Attributes:
        id, name, role, prefix: identity; ``prefix`` is the key's first 10 characters.
        created_at, created_by, revoked_at, last_used_at: history.
    """

    id: int
    name: str
    role: str
    prefix: str
    created_at: str
    created_by: str
    revoked_at: str | None
    last_used_at: str | None

    @property
    def actor(self) -> str:
        """How requests made with the key are recorded: ``key:<prefix>:<name>``."""
        return f"key:{self.prefix}:{self.name}"

    def allows(self, role: str) -> bool:
        """True when this key's role includes ``role``."""
        return ROLES.index(self.role) >= ROLES.index(role)

    def as_dict(self) -> dict:
        """JSON-ready form."""
        return dict(self.__dict__)


def _info(row: ApiKey) -> KeyInfo:
    return KeyInfo(row.id, row.name, row.role, row.prefix, row.created_at, row.created_by, row.revoked_at, row.last_used_at)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_key(db: Database, role: str, name: str, actor: str, channel: str = "cli") -> tuple[str, KeyInfo]:
    """Create a key; returns ``(the key, its info)``. The key is not stored and cannot be shown again.

    Raises:
        ApiKeyError: unknown role or empty name.
    """
    if role not in ROLES:
        raise ApiKeyError(f"role {role!r}: expected one of {', '.join(ROLES)}")
    name = (name or "").strip()
    if not name:
        raise ApiKeyError("a key needs a name (who or what uses it)")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    with db.write() as session:
        row = ApiKey(name=name[:200], role=role, prefix=key[:PREFIX_CHARS], key_hash=_digest(key), created_at=chain.utc_now(), created_by=actor[:200])
        session.add(row)
        session.flush()
        chain.append(session, "key_create", actor, channel, {"id": row.id, "name": row.name, "role": role, "prefix": row.prefix}, subject=f"key:{row.id}")
        return key, _info(row)


def list_keys(db: Database) -> list[KeyInfo]:
    """Every key, revoked ones included."""
    with db.read() as session:
        return [_info(row) for row in session.scalars(select(ApiKey).order_by(ApiKey.id))]


def revoke_key(db: Database, key_id: int, actor: str, channel: str = "cli") -> KeyInfo:
    """Revoke a key (kept, marked revoked).

    Raises:
        ApiKeyError: unknown (404) or already revoked (409).
    """
    with db.write() as session:
        row = session.get(ApiKey, key_id)
        if row is None:
            raise ApiKeyError(f"no API key {key_id}", 404)
        if row.revoked_at:
            raise ApiKeyError(f"API key {key_id} was revoked at {row.revoked_at}", 409)
        row.revoked_at = chain.utc_now()
        row.revoked_by = actor[:200]
        session.flush()
        chain.append(session, "key_revoke", actor, channel, {"id": row.id, "name": row.name, "role": row.role, "prefix": row.prefix}, subject=f"key:{row.id}")
        return _info(row)


def authenticate(db: Database, key: str) -> KeyInfo | None:
    """The active key matching ``key``, or ``None``. Updates ``last_used_at`` at most once a minute."""
    if not key or not key.startswith(KEY_PREFIX) or len(key) > 200:
        return None
    digest = _digest(key)
    with db.read() as session:
        # found by its public prefix, then the hashes compared in constant time (hmac.compare_digest): how
        # long a refusal takes says nothing about how much of a guessed key was right
        row = next((r for r in session.scalars(select(ApiKey).where(ApiKey.prefix == key[:PREFIX_CHARS]))
                    if hmac.compare_digest(r.key_hash, digest)), None)
        if row is None or row.revoked_at:
            return None
        info = _info(row)
    now = chain.utc_now()
    if info.last_used_at is None or info.last_used_at[:16] != now[:16]:
        try:
            with db.write() as session:
                stored = session.get(ApiKey, info.id)
                if stored is not None:
                    stored.last_used_at = now
        except Exception:  # noqa: BLE001 - a busy database must not refuse an authenticated request
            pass
    return info

"""ORM models of the compliance store (SQLAlchemy 2, SQLite or PostgreSQL).

Timestamps are stored as ISO-8601 UTC strings with microseconds and a
``Z`` (``2026-11-29T10:14:31.123456Z``): they sort as text, compare the same
on every database and enter the audit hash exactly as stored.

Tables, one job each:

* ``audit_records`` / ``audit_head``: the append-only, hash-chained record of
  every screening, review decision, whitelist change, list update and key
  change (see :mod:`dualuse.storage.chain`). Never updated or deleted by
  the application (database triggers refuse it).
* ``list_versions`` / ``list_version_files`` / ``data_blobs`` /
  ``version_entries``: every version of the reference data, its files
  (content-addressed, compressed) and an index of its entries with their
  fingerprints (for diffs and whitelist lapses).
* ``settings``: which list version is live.
* ``shipments`` / ``shipment_parties`` / ``shipment_hits``: the latest state
  of each screened shipment, its parties and list hits (rebuilt at every
  screening; the history is in the audit records).
* ``counterparties``: every party ever screened, with its blocking keys for
  re-screening after a list update.
* ``alerts`` / ``attachments``: the review queue.
* ``whitelist``: remembered false positives (counterparty x entry x fingerprint).
* ``api_keys``: hashed API keys and their roles.
* ``web_users`` / ``web_sessions``: people who sign in to the web application
  (scrypt password hashes) and their sessions (hashed cookie values).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Float, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """Declarative base of every dualuse table."""


class AuditRecord(Base):
    """One immutable, hash-chained record. ``seq`` is contiguous from 1."""

    __tablename__ = "audit_records"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    record_id: Mapped[str] = mapped_column(String(36), unique=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    created_at: Mapped[str] = mapped_column(String(32), index=True)
    actor: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str | None] = mapped_column(String(300), index=True)
    verdict: Mapped[str | None] = mapped_column(String(20))
    data_version: Mapped[str | None] = mapped_column(String(80))
    rules_version: Mapped[str | None] = mapped_column(String(80))
    payload: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The chain's head (one row, id 1): the last record's seq and hash.

    A deleted last record shows as a head that points past the chain.
    """

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))


class Setting(Base):
    """A key/value setting (``current_version``)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class DataBlob(Base):
    """A reference-data file's content, zlib-compressed, keyed by the sha256 of the uncompressed bytes."""

    __tablename__ = "data_blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    content: Mapped[bytes] = mapped_column(LargeBinary)


class ListVersion(Base):
    """One version of the reference data (lists, catalogue, HS descriptions)."""

    __tablename__ = "list_versions"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    version: Mapped[str] = mapped_column(String(80), unique=True)
    created_at: Mapped[str] = mapped_column(String(32))
    created_by: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(Text)
    source_kind: Mapped[str] = mapped_column(String(20))
    parent_seq: Mapped[int | None] = mapped_column(Integer, nullable=True)
    data_date: Mapped[str | None] = mapped_column(String(10), nullable=True)
    entries: Mapped[int] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(Text, default="{}")


class ListVersionFile(Base):
    """A file of a list version (``entities.jsonl``, ``manifest.json`` ...)."""

    __tablename__ = "list_version_files"

    version_seq: Mapped[int] = mapped_column(Integer, ForeignKey("list_versions.seq"), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), ForeignKey("data_blobs.sha256"))


class VersionEntry(Base):
    """An entry of a list version with its fingerprint (:func:`dualuse.decision.overrides.entry_fingerprint`)."""

    __tablename__ = "version_entries"

    version_seq: Mapped[int] = mapped_column(Integer, ForeignKey("list_versions.seq"), primary_key=True)
    entry_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    list_id: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(Text)
    fingerprint: Mapped[str] = mapped_column(String(64))


class Counterparty(Base):
    """A party seen on any screened shipment (name and country as first written)."""

    __tablename__ = "counterparties"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    key: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    country: Mapped[str | None] = mapped_column(String(2), nullable=True)
    keys: Mapped[str | None] = mapped_column(Text, nullable=True)
    keys_version: Mapped[str | None] = mapped_column(String(16), nullable=True)
    first_seen: Mapped[str] = mapped_column(String(32))
    last_seen: Mapped[str] = mapped_column(String(32))


class ShipmentRow(Base):
    """The latest screening of a shipment id."""

    __tablename__ = "shipments"

    shipment_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    shipment_date: Mapped[str] = mapped_column(String(10), index=True)
    verdict: Mapped[str] = mapped_column(String(20))
    latest_seq: Mapped[int] = mapped_column(BigInteger)
    data_version: Mapped[str] = mapped_column(String(80))
    input: Mapped[str] = mapped_column(Text)
    decision: Mapped[str] = mapped_column(Text)
    first_screened_at: Mapped[str] = mapped_column(String(32))
    last_screened_at: Mapped[str] = mapped_column(String(32), index=True)


class ShipmentParty(Base):
    """A party of a shipment, linked to its counterparty."""

    __tablename__ = "shipment_parties"

    shipment_id: Mapped[str] = mapped_column(String(200), ForeignKey("shipments.shipment_id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)
    party_index: Mapped[int] = mapped_column(Integer, primary_key=True)
    counterparty_id: Mapped[int] = mapped_column(Integer, ForeignKey("counterparties.id"), index=True)


class ShipmentHit(Base):
    """A list hit in a shipment's latest screening."""

    __tablename__ = "shipment_hits"

    shipment_id: Mapped[str] = mapped_column(String(200), ForeignKey("shipments.shipment_id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)
    party_index: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[str] = mapped_column(String(200), primary_key=True, index=True)
    decision: Mapped[str] = mapped_column(String(10))
    fingerprint: Mapped[str | None] = mapped_column(String(64), nullable=True)


class Attachment(Base):
    """A file attached to a review decision, keyed by its sha256."""

    __tablename__ = "attachments"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str] = mapped_column(String(100))
    content: Mapped[bytes] = mapped_column(LargeBinary)


class Alert(Base):
    """An item of the review queue.

    ``kind``: ``possible_match`` (a hit below certainty that made the
    decision REVIEW), ``review`` (other REVIEW reasons of a shipment),
    ``list_change`` (a new hit after a list update, on a shipment),
    ``counterparty_list_change`` (a new hit after a list update, on a stored
    counterparty without an open or recent shipment).
    ``status``: ``open``, ``escalated`` (still open), ``confirmed``,
    ``false_positive`` (closed).
    """

    __tablename__ = "alerts"
    __table_args__ = (Index("ix_alerts_status_shipment", "status", "shipment_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), index=True)
    dedupe_key: Mapped[str] = mapped_column(String(64), index=True)
    shipment_id: Mapped[str | None] = mapped_column(String(200), nullable=True, index=True)
    counterparty_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    role: Mapped[str | None] = mapped_column(String(20), nullable=True)
    party_index: Mapped[int] = mapped_column(Integer, default=0)
    party_name: Mapped[str | None] = mapped_column(Text, nullable=True)
    party_country: Mapped[str | None] = mapped_column(String(2), nullable=True)
    entry_id: Mapped[str | None] = mapped_column(String(200), nullable=True, index=True)
    list_id: Mapped[str | None] = mapped_column(String(12), nullable=True)
    entry_name: Mapped[str | None] = mapped_column(Text, nullable=True)
    fingerprint: Mapped[str | None] = mapped_column(String(64), nullable=True)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    hit_decision: Mapped[str | None] = mapped_column(String(10), nullable=True)
    verdict: Mapped[str | None] = mapped_column(String(20), nullable=True)
    details: Mapped[str] = mapped_column(Text, default="{}")
    data_version: Mapped[str] = mapped_column(String(80))
    opened_seq: Mapped[int] = mapped_column(BigInteger)
    opened_at: Mapped[str] = mapped_column(String(32))
    opened_by: Mapped[str] = mapped_column(String(200))
    decided_at: Mapped[str | None] = mapped_column(String(32), nullable=True)
    decided_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    decision_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    decided_seq: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    attachment_sha256: Mapped[str | None] = mapped_column(String(64), ForeignKey("attachments.sha256"), nullable=True)
    attachment_name: Mapped[str | None] = mapped_column(Text, nullable=True)
    whitelist_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class WhitelistEntry(Base):
    """A remembered false positive: this counterparty is not this list entry (as it stood).

    ``status``: ``active``, ``lapsed`` (the entry changed or was removed),
    ``revoked`` (withdrawn by a reviewer).
    """

    __tablename__ = "whitelist"
    __table_args__ = (Index("ix_whitelist_lookup", "status", "counterparty_key_hash", "entry_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    counterparty_key_hash: Mapped[str] = mapped_column(String(64))
    counterparty_key: Mapped[str] = mapped_column(Text)
    counterparty_name: Mapped[str] = mapped_column(Text)
    country: Mapped[str | None] = mapped_column(String(2), nullable=True)
    entry_id: Mapped[str] = mapped_column(String(200))
    list_id: Mapped[str] = mapped_column(String(12))
    entry_name: Mapped[str] = mapped_column(Text)
    fingerprint: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12))
    alert_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[str] = mapped_column(String(32))
    created_by: Mapped[str] = mapped_column(String(200))
    ended_at: Mapped[str | None] = mapped_column(String(32), nullable=True)
    ended_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    end_reason: Mapped[str | None] = mapped_column(Text, nullable=True)


class ApiKey(Base):
    """An API key: only its sha256 is stored; ``prefix`` identifies it in logs and lists."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    prefix: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[str] = mapped_column(String(32))
    created_by: Mapped[str] = mapped_column(String(200))
    revoked_at: Mapped[str | None] = mapped_column(String(32), nullable=True)
    revoked_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    last_used_at: Mapped[str | None] = mapped_column(String(32), nullable=True)


class WebUser(Base):
    """A person who signs in to the web application (``dualuse users add``).

    ``password_hash`` is ``scrypt$n$r$p$salt_hex$hash_hex`` (:func:`hashlib.scrypt`);
    ``role`` is one of the API roles (screener, reviewer, admin).
    """

    __tablename__ = "web_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[str] = mapped_column(String(32))
    created_by: Mapped[str] = mapped_column(String(200))
    disabled_at: Mapped[str | None] = mapped_column(String(32), nullable=True)
    disabled_by: Mapped[str | None] = mapped_column(String(200), nullable=True)


class WebSession(Base):
    """A signed-in browser session: only the sha256 of its cookie value is stored."""

    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer, ForeignKey("web_users.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[str] = mapped_column(String(32))
    expires_at: Mapped[str] = mapped_column(String(32), index=True)
    ended_at: Mapped[str | None] = mapped_column(String(32), nullable=True)


class BatchItem(Base):
    """One shipment of a batch run already recorded: makes a resumed ``dualuse screen`` idempotent.

    ``run_key`` identifies the run (its run id: the key of input file digest, arguments and list version,
    and a random part; see :class:`dualuse.batch.journal.Journal`), ``ordinal`` the
    shipment's position in the input (0-based). The row is written in the
    same transaction as the shipment's screening record, so a run killed at
    any point knows exactly which shipments it recorded.
    """

    __tablename__ = "batch_items"

    run_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    ordinal: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    record_seq: Mapped[int] = mapped_column(BigInteger)

"""Request and response bodies of the REST API (the OpenAPI schema is generated from these)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from dualuse.models.decision import Decision
from dualuse.models.shipment import Shipment


class ScreenOut(BaseModel):
    """The outcome of screening one shipment.

    ``status`` is ``final`` when no alert is open, ``pending_review`` when a
    reviewer must decide first, ``unrecorded`` when ``record=false``.
    """

    shipment_id: str
    decision: Decision
    record_seq: int | None = Field(None, description="Audit record of this screening")
    status: Literal["final", "pending_review", "unrecorded"]
    alerts_opened: list[int] = Field(default_factory=list)
    open_alerts: list[int] = Field(default_factory=list)


class BatchIn(BaseModel):
    """Several shipments to screen (at most the server's batch limit, default 500)."""

    model_config = ConfigDict(extra="forbid")

    shipments: list[Shipment] = Field(..., min_length=1)
    as_of: dt.date | None = Field(None, description="Evaluate lists and rules at this date instead of each shipment's date")
    record: bool = Field(True, description="Keep a record and open alerts (false: a what-if)")

    @field_validator("as_of", mode="before")
    @classmethod
    def _as_of(cls, value: object) -> object:
        """The one date parser of the input (2026-03-02, 2026/3/2, 令和8年3月2日 ...)."""
        from dualuse.values import parse_date

        return parse_date(value) if isinstance(value, str) else value


class BatchOut(BaseModel):
    """Per-shipment outcomes and counts per verdict."""

    results: list[ScreenOut]
    summary: dict[str, int]


class PartyIn(BaseModel):
    """A party name to match against the lists."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(..., min_length=1, max_length=1000, examples=["三菱重工航空エンジン株式会社"])
    country: str | None = Field(None, min_length=2, max_length=2, description="ISO alpha-2; supporting evidence")
    lists: list[str] | None = Field(None, description="Restrict to these list ids")
    limit: int = Field(5, ge=1, le=50)


class PartyOut(BaseModel):
    """The list entries a name may refer to."""

    query: str
    list_version: str
    hits: list[dict[str, Any]]


class ItemIn(BaseModel):
    """A control code, an HS code or a description to classify."""

    model_config = ConfigDict(extra="forbid")

    query: str = Field(..., min_length=1, max_length=2000, examples=["1C902.a.1"])


class AttachmentIn(BaseModel):
    """A file kept with a review decision (base64; at most 10 MB decoded)."""

    model_config = ConfigDict(extra="forbid")

    filename: str = Field(..., min_length=1, max_length=300)
    content_base64: str
    media_type: str = "application/octet-stream"


class DecisionIn(BaseModel):
    """A reviewer's decision on an alert."""

    model_config = ConfigDict(extra="forbid")

    status: Literal["confirmed", "false_positive", "escalated"]
    reason: str = Field(..., min_length=3, max_length=10000)
    whitelist: bool = Field(False, description="With false_positive: remember it for this counterparty and list entry")
    attachment: AttachmentIn | None = None


class DecisionOut(BaseModel):
    """The alert after the decision, and what it did to its shipment."""

    alert: dict[str, Any]
    whitelist_id: int | None = None
    shipment_status: str | None = None
    final: ScreenOut | None = None


class WhitelistIn(BaseModel):
    """Whitelist a counterparty for a list entry: from a false-positive alert, or given directly."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(..., min_length=3, max_length=10000)
    alert_id: int | None = None
    party_name: str | None = Field(None, max_length=1000)
    country: str | None = Field(None, min_length=2, max_length=2)
    entry_id: str | None = Field(None, max_length=200)


class ReasonIn(BaseModel):
    """A reason for an action."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(..., min_length=3, max_length=10000)


class KeyIn(BaseModel):
    """A new API key."""

    model_config = ConfigDict(extra="forbid")

    role: Literal["screener", "reviewer", "admin"]
    name: str = Field(..., min_length=1, max_length=200)


class KeyOut(BaseModel):
    """A stored key; ``key`` is present only in the answer to its creation."""

    id: int
    name: str
    role: str
    prefix: str
    created_at: str
    created_by: str
    revoked_at: str | None = None
    last_used_at: str | None = None
    key: str | None = Field(None, description="The key itself: shown once, store it now")


class Page(BaseModel):
    """A page of items with the total count."""

    total: int
    items: list[dict[str, Any]]

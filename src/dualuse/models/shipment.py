"""Input model: one shipment with its parties and item lines.

The shape follows the JSON Lines input documented in the README (the same
shape as ``../shared/eval/shipments_dev.jsonl``). Readers in
:mod:`dualuse.input` build these objects and attach the file position of
every field so that validation errors can name file, row and column.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from dualuse.values import parse_country, parse_date

PartyRole = Literal["exporter", "consignee", "end_user", "intermediary", "producer"]


class Party(BaseModel):
    """A party named on the shipping documents.

    Attributes:
        name: the name as written, in any script (required, non-empty).
        country: ISO 3166-1 alpha-2 code, or ``None`` when unknown; input may
            be any form :func:`dualuse.values.parse_country` reads (``JPN``,
            ``Japan``, ``日本``, customs code ``116``).
        address: free-text address as written, optional.
        role: free-text sub-role for intermediaries (``forwarder``, ``agent``,
            ``bank`` ...); not used for the party's screening role.
    """

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    country: str | None = None
    address: str | None = None
    role: str | None = None

    @field_validator("name")
    @classmethod
    def _name_not_blank(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("party name is empty")
        return value

    @field_validator("country")
    @classmethod
    def _country_code(cls, value: str | None) -> str | None:
        return _validate_country(value)


class BomComponent(BaseModel):
    """One component of a bill of materials for a foreign-made item.

    Attributes:
        component: what the component is (free text).
        control_code: control code of the component if known.
        description: description if no code is known.
        origin_country: ISO alpha-2 origin of the component.
        value: value of the component in the line's currency (>= 0).
    """

    model_config = ConfigDict(extra="forbid")

    component: str = ""
    control_code: str | None = None
    description: str | None = None
    origin_country: str | None = None
    value: float = Field(ge=0)

    @field_validator("origin_country")
    @classmethod
    def _country_code(cls, value: str | None) -> str | None:
        return _validate_country(value)


class ItemLine(BaseModel):
    """One item line of a shipment.

    Attributes:
        line: line number as given on the document (>= 1).
        description: goods description in any language.
        control_code: declared control code (管制编码), e.g. ``1C902.a.1``; any
            formatting is accepted and normalised later.
        hs_code: declared customs code, 6 to 10 digits (dots allowed).
        origin_country: ISO alpha-2 country of origin of the item.
        china_origin_value_share: share (0..1) of the item's value that is
            China-origin content, for foreign-made goods.
        quantity, unit, value, currency: commercial data, informational.
        unit_price: price per unit (the 单价 of a declaration), informational.
        specification: model and specification (规格型号), written after
            the name on declarations; classified together with the description.
        domestic_source: where in China the goods come from (境内货源地).
        parameters: technical parameters that decide a control, e.g.
            ``{"purity_percent": 99.95}``.
        bom: bill of materials for foreign-made items.
        extra: columns of the line that dualuse does not read, as written
            (header -> text); carried through to the output.
    """

    model_config = ConfigDict(extra="forbid")

    line: int = Field(ge=1)
    description: str = ""
    control_code: str | None = None
    hs_code: str | None = None
    origin_country: str | None = None
    china_origin_value_share: float | None = Field(default=None, ge=0, le=1)
    quantity: float | None = None
    unit: str | None = None
    value: float | None = Field(default=None, ge=0)
    currency: str | None = None
    unit_price: float | None = Field(default=None, ge=0)
    specification: str | None = None
    domestic_source: str | None = None
    parameters: dict[str, float | str] = Field(default_factory=dict)
    bom: list[BomComponent] = Field(default_factory=list)
    extra: dict[str, str] = Field(default_factory=dict)

    @field_validator("origin_country")
    @classmethod
    def _country_code(cls, value: str | None) -> str | None:
        return _validate_country(value)

    @field_validator("hs_code")
    @classmethod
    def _hs_code(cls, value: str | None) -> str | None:
        if value is None:
            return None
        digits = "".join(ch for ch in value if ch not in " .")
        if not digits:
            return None
        if not digits.isdigit() or not 4 <= len(digits) <= 10:
            raise ValueError(f"HS code {value!r} is not 4 to 10 digits")
        return digits

    @field_validator("control_code")
    @classmethod
    def _control_code(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        return value or None


class Shipment(BaseModel):
    """A shipment to screen.

    Attributes:
        id: caller's shipment identifier (echoed in the decision).
        date: shipment (export) date; rules and list statuses are evaluated
            as of this date unless an explicit as-of date is given.
        exporter, consignee: required parties.
        end_user: ``None`` when the end user is unknown.
        intermediaries: forwarders, agents, banks ...
        destination_country: ISO alpha-2 country of final destination.
        end_use: declared end use, free text in any language.
        lines: at least one item line.
        producer: the production or sales unit (生产销售单位 of a customs
            declaration), screened like the other parties.
        licence_number: the export licence number declared (许可证号), shown
            against the licence the decision requires.
        arrival_country: country of arrival (运抵国), which may be a transit
            country; recorded, not used as the destination.
        trade_country: the trading partner's country (贸易国), recorded.
        documents: references of the documents the shipment was read from
            (``declaration_number``, ``invoice_number``, ``invoice_date`` ...).
        extra: shipment-level fields of the documents that dualuse does not
            read, as written (label -> text); carried through to the output.
        notes: how the reader filled in fields (a date taken from the
            invoice, sheets merged ...); shown with the decision.
    """

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    date: dt.date
    exporter: Party
    consignee: Party
    end_user: Party | None = None
    intermediaries: list[Party] = Field(default_factory=list)
    destination_country: str
    end_use: str = ""
    lines: list[ItemLine] = Field(min_length=1)
    producer: Party | None = None
    licence_number: str | None = None
    arrival_country: str | None = None
    trade_country: str | None = None
    documents: dict[str, str] = Field(default_factory=dict)
    extra: dict[str, str] = Field(default_factory=dict)
    notes: list[str] = Field(default_factory=list)

    @field_validator("date", mode="before")
    @classmethod
    def _date(cls, value: object) -> object:
        return parse_date(value) if isinstance(value, str) else value

    @field_validator("arrival_country", "trade_country")
    @classmethod
    def _other_countries(cls, value: str | None) -> str | None:
        return _validate_country(value)

    @field_validator("licence_number")
    @classmethod
    def _licence(cls, value: str | None) -> str | None:
        return (value or "").strip() or None

    @field_validator("destination_country")
    @classmethod
    def _destination(cls, value: str) -> str:
        checked = _validate_country(value)
        if checked is None:
            raise ValueError("destination country is required")
        return checked

    def parties(self) -> list[tuple[PartyRole, int, Party]]:
        """All parties with their screening role and index within the role.

        Returns:
            ``(role, index, party)`` tuples; ``index`` is 0 except for
            intermediaries, where it is the position in ``intermediaries``.
        """
        found: list[tuple[PartyRole, int, Party]] = [("exporter", 0, self.exporter), ("consignee", 0, self.consignee)]
        if self.end_user is not None:
            found.append(("end_user", 0, self.end_user))
        found.extend(("intermediary", i, party) for i, party in enumerate(self.intermediaries))
        if self.producer is not None:
            found.append(("producer", 0, self.producer))
        return found


def _validate_country(value: str | None) -> str | None:
    """``None`` for empty; else the ISO alpha-2 code (see :func:`dualuse.values.parse_country`)."""
    if value is None or not value.strip():
        return None
    return parse_country(value)

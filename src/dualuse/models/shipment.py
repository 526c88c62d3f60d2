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

from dualuse.models.countries import is_country_code

PartyRole = Literal["exporter", "consignee", "end_user", "intermediary"]


class Party(BaseModel):
    """A party named on the shipping documents.

    Attributes:
        name: the name as written, in any script (required, non-empty).
        country: ISO 3166-1 alpha-2 code, upper case, or ``None`` when unknown.
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
        parameters: technical parameters that decide a control, e.g.
            ``{"purity_percent": 99.95}``.
        bom: bill of materials for foreign-made items.
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
    parameters: dict[str, float | str] = Field(default_factory=dict)
    bom: list[BomComponent] = Field(default_factory=list)

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
        return found


def _validate_country(value: str | None) -> str | None:
    if value is None:
        return None
    code = value.strip().upper()
    if not code:
        return None
    if not is_country_code(code):
        raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code")
    return code

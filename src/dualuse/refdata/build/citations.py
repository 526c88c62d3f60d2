"""Parse Chinese instrument designations into :class:`LegalSource` records.

Forms handled (full-width or ASCII brackets, optional trailing description
after an em dash)::

    商务部公告2026年第11号                 MOFCOM Announcement 2026 No. 11
    商务部令2026年第2号                    MOFCOM Order 2026 No. 2
    商务部 海关总署公告2025年第91号         MOFCOM/GAC Announcement 2025 No. 91
    不可靠实体清单工作机制公告〔2025〕7号   UEL Working Mechanism Announcement 2025 No. 7
    外交部令2025年第3号                    MFA Order 2025 No. 3
    商务部公告（2025-07-09）               dated form, no number
    不可靠实体清单工作机制公告（2025-10-09） dated form, no number
    商务部决定（2026-08-05）               MOFCOM decision of 2026-08-05

Dated forms carry no number in the dataset. Where ``shared/docs/regime.md``
states the number (``REGIME_NUMBERS``) the citation uses it and the entry's
notes say so; otherwise the citation keeps the date form.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from dualuse.models.reference import LegalSource

from .common import BuildError

MOFCOM = "MOFCOM"
MOFCOM_GAC = "MOFCOM/GAC"
UEL_WM = "UEL Working Mechanism"
MFA = "MFA"


@dataclass(frozen=True)
class Designation:
    """A parsed instrument designation.

    Attributes:
        issuer: ``MOFCOM``, ``MOFCOM/GAC``, ``UEL Working Mechanism``, ``MFA``.
        kind: ``announcement``, ``order`` or ``decision``.
        year: the instrument's year (from the number or from the date).
        number: the instrument's number; ``None`` for dated forms.
        date: the date printed in a dated form.
        printed: the designation exactly as printed (without description).
        description: text after the dash, if any.
    """

    issuer: str
    kind: str
    year: int | None
    number: int | None
    date: dt.date | None
    printed: str
    description: str | None = None


_NUM = r"(\d{4})\s*年\s*第\s*(\d+)\s*号"
_DATE = r"[（(]\s*(\d{4}-\d{2}-\d{2})\s*[）)]"
_BRACKET_YEAR = r"[〔\[【(（]\s*(\d{4})\s*[〕\]】)）]\s*(?:第\s*)?(\d+)\s*号"

_PATTERNS: list[tuple[re.Pattern[str], str, str, str]] = [
    # (pattern, issuer, kind, group layout: "num" | "date" | "bracket")
    (re.compile(r"^商务部\s*(?:、|/)?\s*海关总署\s*公告\s*" + _NUM + "$"), MOFCOM_GAC, "announcement", "num"),
    (re.compile(r"^商务部\s*公告\s*" + _NUM + "$"), MOFCOM, "announcement", "num"),
    (re.compile(r"^商务部\s*令\s*" + _NUM + "$"), MOFCOM, "order", "num"),
    (re.compile(r"^外交部\s*令\s*" + _NUM + "$"), MFA, "order", "num"),
    (re.compile(r"^不可靠实体清单工作机制\s*公告\s*" + _BRACKET_YEAR + "$"), UEL_WM, "announcement", "num"),
    (re.compile(r"^不可靠实体清单工作机制\s*公告\s*" + _DATE + "$"), UEL_WM, "announcement", "date"),
    (re.compile(r"^商务部\s*公告\s*" + _DATE + "$"), MOFCOM, "announcement", "date"),
    (re.compile(r"^商务部\s*决定\s*" + _DATE + "$"), MOFCOM, "decision", "date"),
    (re.compile(r"^商务部\s*令\s*" + _DATE + "$"), MOFCOM, "order", "date"),
    (re.compile(r"^外交部\s*(?:反制\s*)?决定\s*" + _DATE + "$"), MFA, "decision", "date"),
]

_DASH = re.compile(r"\s*[—–]+\s*|\s+-\s+")


def parse_designation(text: str) -> Designation:
    """Parse one designation such as ``商务部公告2026年第11号 — 20 Japanese entities``.

    Raises:
        BuildError: the text matches none of the known forms.
    """
    if not text or not text.strip():
        raise BuildError("empty instrument designation")
    head, *rest = _DASH.split(text.strip(), maxsplit=1)
    head = head.strip()
    description = rest[0].strip() if rest and rest[0].strip() else None
    for pattern, issuer, kind, layout in _PATTERNS:
        m = pattern.match(head)
        if not m:
            continue
        if layout == "num":
            year, number = int(m.group(1)), int(m.group(2))
            return Designation(issuer, kind, year, number, None, head, description)
        try:
            day = dt.date.fromisoformat(m.group(1))
        except ValueError:
            raise BuildError(f"invalid date in instrument designation: {text!r}") from None
        return Designation(issuer, kind, day.year, None, day, head, description)
    raise BuildError(f"unrecognised instrument designation: {text!r}")


# Numbers that the dataset omits but regime.md states (issuer, kind, date) -> (number, where).
REGIME_NUMBERS: dict[tuple[str, str, str], tuple[int, str]] = {
    (MOFCOM, "announcement", "2025-07-09"): (35, "regime.md §5, control-list table (8 Taiwan entities)"),
    (MOFCOM, "announcement", "2025-09-25"): (51, "regime.md §5, control-list table (3 US entities)"),
    (UEL_WM, "announcement", "2025-09-25"): (9, "regime.md §5, UEL history (No. 9: Saronic, Aerkomm, Oceaneering)"),
    (UEL_WM, "announcement", "2025-10-09"): (10, "regime.md §2 row 81 and §5, UEL history (No. 10)"),
}

# Dated forms whose number regime.md does NOT state: kept in date form, with a note.
REGIME_UNNUMBERED_NOTES: dict[tuple[str, str, str], str] = {
    (UEL_WM, "announcement", "2025-02-04"): (
        "The dataset gives only the date. regime.md §5 lists this announcement (PVH, Illumina) between "
        "Nos. 1-3 (2025-01-02/14/15) and Nos. 5-6 (2025-03-04), so it is probably No. 4, but no source "
        "states the number; the date form is kept."
    ),
    (MOFCOM, "decision", "2026-08-05"): (
        "The dataset calls this instrument a decision (商务部决定) and gives no number. regime.md §1.5 "
        "mentions MOFCOM Orders 2026 No. 2 and No. 3 of the same date covering US parties including "
        "Compliance Testing LLC, but does not say which instrument lists it; no number is assigned here "
        "(the build cites it as Order 2026 No. 3 by its official URL, data-sources/curated/knowledge.yaml)."
    ),
}

_ISSUER_ZH_TITLE = {
    (MOFCOM, "announcement"): "商务部公告{year}年第{number}号",
    (MOFCOM, "order"): "商务部令{year}年第{number}号",
    (MOFCOM_GAC, "announcement"): "商务部 海关总署公告{year}年第{number}号",
    (MFA, "order"): "外交部令{year}年第{number}号",
    (UEL_WM, "announcement"): "不可靠实体清单工作机制公告〔{year}〕{number}号",
}


def citation_text(issuer: str, kind: str, year: int | None, number: int | None, day: dt.date | None) -> str:
    """English citation, e.g. ``MOFCOM Announcement 2026 No. 11``.

    Dated forms become ``MOFCOM decision of 2026-08-05`` /
    ``UEL Working Mechanism Announcement of 2025-02-04``.
    """
    kind_en = kind.capitalize()
    if number is not None and year is not None:
        return f"{issuer} {kind_en} {year} No. {number}"
    if day is not None:
        if kind == "decision":
            return f"{issuer} decision of {day.isoformat()}"
        return f"{issuer} {kind_en} of {day.isoformat()}"
    raise BuildError(f"cannot cite {issuer} {kind} without number or date")


@dataclass(frozen=True)
class ResolvedSource:
    """A legal source plus the note explaining where its number came from."""

    source: LegalSource
    note: str | None


def resolve(designation: Designation, *, articles: list[str], url: str | None) -> ResolvedSource:
    """Build the :class:`LegalSource` for a parsed designation.

    Dated designations get the number from :data:`REGIME_NUMBERS` when
    regime.md states it; the returned note records that the number does not
    come from the dataset.
    """
    number = designation.number
    note: str | None = None
    if number is None and designation.date is not None:
        key = (designation.issuer, designation.kind, designation.date.isoformat())
        if key in REGIME_NUMBERS:
            number, where = REGIME_NUMBERS[key]
            note = (
                f"Instrument number {number} is taken from {where}, not from the dataset, "
                f"which prints only the date form '{designation.printed}'."
            )
        else:
            note = REGIME_UNNUMBERED_NOTES.get(key)
    template = _ISSUER_ZH_TITLE.get((designation.issuer, designation.kind))
    if designation.number is None and number is not None and template is not None:
        # number from regime.md: give the instrument's regular designation
        title_zh = template.format(year=designation.year, number=number)
    else:
        title_zh = designation.printed
    source = LegalSource(
        issuer=designation.issuer,
        kind=designation.kind,
        year=designation.year,
        number=number,
        title_zh=title_zh,
        citation=citation_text(designation.issuer, designation.kind, designation.year, number, designation.date),
        articles=list(articles),
        url=url,
    )
    return ResolvedSource(source, note)

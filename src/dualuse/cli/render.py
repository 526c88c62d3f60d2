"""Rich tables for the terminal."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from rich.table import Table
from rich.text import Text

from dualuse.models.decision import SEVERITY, Decision

STYLES = {"PROHIBITED": "bold red", "REVIEW": "bold yellow", "LICENSE_REQUIRED": "yellow", "NOT_CONTROLLED": "green"}


def verdict_text(verdict: str) -> Text:
    """A verdict coloured by severity."""
    return Text(verdict, style=STYLES.get(verdict, ""))


def decisions_table(decisions: Sequence[Decision]) -> Table:
    """One row per shipment: verdict, the decisive reasons with citations, hits, licence."""
    table = Table(title="Screening decisions", show_lines=True, expand=True)
    table.add_column("shipment", no_wrap=True)
    table.add_column("verdict", no_wrap=True)
    table.add_column("why (decisive reasons)", ratio=3)
    table.add_column("list hits", ratio=2)
    for d in decisions:
        decisive = [r for r in d.reasons if r.verdict == d.verdict]
        seen: set[str] = set()
        lines = []
        for r in decisive:
            key = f"{r.rule_id}|{r.role}|{r.entry_id}"
            if key in seen:
                continue
            seen.add(key)
            lines.append(f"[{r.rule_id}] {r.text_en}\n  → {r.citation}")
        if d.licence is not None and d.verdict == "LICENSE_REQUIRED":
            lines.append("Licence: " + ", ".join(d.licence.allowed) + (" (no general licence)" if "general" not in d.licence.allowed else ""))
        hits = "\n".join(
            f"{h.role}: {h.list} “{h.name}” {h.score:.2f} {h.decision}" + ("" if h.status == "in_force" else f" [{h.status}]")
            for h in d.hits
        )
        table.add_row(d.id, verdict_text(d.verdict), "\n".join(lines[:4]) or "-", hits or "-")
    return table


def summary_table(counts: Counter, screener=None) -> Table:
    """Counts per verdict, with the data and rule versions used."""
    caption = None
    if screener is not None:
        caption = f"data {screener.data_version} · rules {screener.rules.version}"
    table = Table(title="Summary", caption=caption)
    table.add_column("verdict")
    table.add_column("shipments", justify="right")
    for verdict in SEVERITY:
        table.add_row(verdict_text(verdict), str(counts.get(verdict, 0)))
    table.add_row("total", str(sum(counts.values())))
    return table

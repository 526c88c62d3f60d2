"""Rich tables for the terminal, in the user's language.

The decisions table shows everything a reviewer must see without opening
the JSON: a banner with each distinct warning (data currency, status
horizons, and any other warning a decision carries), a warning column per
shipment pointing into the banner, list hits with their status on the
decision date (counts / not yet listed / suspended / stopped), and related
entities (parents, subsidiaries of a matched entry) apart and collapsed,
without a score, since they are context and never a match.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from dualuse.i18n import N_, _, citation, reason_text, translate

if TYPE_CHECKING:  # the decision models only as annotations: `dualuse match` shows no decision
    from dualuse.models.decision import Decision, Hit

STYLES = {"PROHIBITED": "bold red", "REVIEW": "bold yellow", "LICENSE_REQUIRED": "yellow", "NOT_CONTROLLED": "green"}
VERDICT_LABELS = {
    "PROHIBITED": N_("PROHIBITED"),
    "REVIEW": N_("REVIEW"),
    "LICENSE_REQUIRED": N_("LICENSE_REQUIRED"),
    "NOT_CONTROLLED": N_("NOT_CONTROLLED"),
}
ROLE_LABELS = {"exporter": N_("exporter"), "consignee": N_("consignee"), "end_user": N_("end user"), "intermediary": N_("intermediary")}
STATUS_LABELS = {
    "in_force": N_("counts on this date"),
    "not_yet_listed": N_("not yet listed"),
    "suspended": N_("suspended"),
    "stopped": N_("stopped"),
    "removed": N_("removed"),
}
DECISION_LABELS = {"match": N_("match"), "possible": N_("possible match")}
MAX_REASONS = 4
# what differs between shipments in one kind of warning: dates, and day counts ("124 days before ...")
_VARIABLE = re.compile(r"\d{4}-\d{2}-\d{2}|\b\d+(?= days\b)")


def verdict_label(verdict: str) -> str:
    """The verdict in the user's language (the code itself in English)."""
    return _(VERDICT_LABELS.get(verdict, verdict))


def verdict_text(verdict: str) -> Text:
    """A verdict coloured by severity, in the user's language."""
    return Text(verdict_label(verdict), style=STYLES.get(verdict, ""))


REVIEW_WORDS = {
    "open": N_("open"), "escalated": N_("escalated"), "confirmed": N_("confirmed"), "false_positive": N_("false positive"),
    "pending": N_("pending"), "closed": N_("closed"), "all": N_("all"), "final": N_("final"), "pending_review": N_("pending review"),
    "critical": N_("critical"), "high": N_("high"), "medium": N_("medium"), "low": N_("low"),
}


def review_word(word: str | None) -> str:
    """An alert or shipment status (``false_positive``, ``pending_review`` ...) or a severity level, in words."""
    return _(REVIEW_WORDS.get(word or "", (word or "").replace("_", " ")))


def role_label(role: str | None) -> str:
    """A party role in the user's language."""
    return _(ROLE_LABELS.get(role or "", role or ""))


def status_label(status: str) -> str:
    """A list entry's status on the decision date, in words (``in_force`` -> "counts")."""
    return _(STATUS_LABELS.get(status, status.replace("_", " ")))


# --- warnings ------------------------------------------------------------------------------


@dataclass
class WarningGroup:
    """Decisions that carry the same warning (dates that differ between them masked)."""

    number: int
    text: str
    shipments: list[str] = field(default_factory=list)


def _shape(text: str) -> str:
    return _VARIABLE.sub("#", text)


def _merge(texts: list[str]) -> str:
    """One text for a group: dates and day counts equal in all members kept, those that differ shown as "…"."""
    first = texts[0]
    columns = [_VARIABLE.findall(t) for t in texts]
    pieces = _VARIABLE.split(first)
    out = pieces[0]
    for i, piece in enumerate(pieces[1:]):
        values = {c[i] for c in columns if i < len(c)}
        out += (columns[0][i] if len(values) == 1 else "…") + piece
    return out


def warning_groups(decisions: Iterable[Decision]) -> tuple[list[WarningGroup], dict[str, list[int]]]:
    """Distinct warnings over ``decisions`` (numbered in order of first appearance) and, per shipment id, its warning numbers.

    Warnings that differ only in dates and day counts (the same data-currency
    warning for shipments of different days) form one group.
    """
    groups: dict[str, WarningGroup] = {}
    texts: dict[str, list[str]] = {}
    per_shipment: dict[str, list[int]] = {}
    for decision in decisions:
        for warning in decision.warnings:
            key = _shape(warning)
            group = groups.get(key)
            if group is None:
                group = groups[key] = WarningGroup(number=len(groups) + 1, text=warning)
                texts[key] = []
            texts[key].append(warning)
            if decision.id not in group.shipments:
                group.shipments.append(decision.id)
            per_shipment.setdefault(decision.id, [])
            if group.number not in per_shipment[decision.id]:
                per_shipment[decision.id].append(group.number)
    for key, group in groups.items():
        group.text = _merge(texts[key])
    return list(groups.values()), per_shipment


def warnings_banner(decisions: Sequence[Decision], max_ids: int = 8) -> Panel | None:
    """A panel listing each distinct warning once, with how many (and which) shipments carry it; None without warnings."""
    groups, _per = warning_groups(decisions)
    if not groups:
        return None
    lines = []
    for group in groups:
        ids = ", ".join(group.shipments[:max_ids]) + (" …" if len(group.shipments) > max_ids else "")
        head = _("W{n} ({count} of {total} shipments: {ids})").format(n=group.number, count=len(group.shipments), total=len(decisions), ids=ids)
        lines.append(Text(head, style="bold yellow") + Text("\n" + translate(group.text)))
    return Panel(Group(*lines), title=_("Warnings"), border_style="yellow", expand=True)


# --- hits ----------------------------------------------------------------------------------


def hit_line(hit: Hit) -> str:
    """One match or possible match: role, list, entry, decision and score, and its status on the date."""
    decision = _(DECISION_LABELS.get(hit.decision, hit.decision))
    status = status_label(hit.status)
    text = f"{role_label(hit.role)}: {hit.list} “{hit.name}” — {decision} {hit.score:.2f}; {status}"
    if hit.status == "not_yet_listed" and hit.listed_on:
        text += " " + _("(listed from {date})").format(date=hit.listed_on.isoformat())
    if hit.status != "in_force":
        text += " — " + _("does not count on this date")
    return text


def related_lines(hits: Iterable[Hit]) -> list[str]:
    """Related entities collapsed per party and matched entry: "+12 related entities of “X” (not matches)"."""
    counts: Counter = Counter()
    lists: dict[tuple[str, str], set[str]] = {}
    for hit in hits:
        of = _related_to(hit) or "?"
        key = (hit.role, of)
        counts[key] += 1
        lists.setdefault(key, set()).add(hit.list)
    out = []
    for (role, of), count in counts.items():
        out.append(
            _("{role}: +{count} related entities of {entry} ({lists}); context, not matches").format(
                role=role_label(role), count=count, entry=of, lists=", ".join(sorted(lists[(role, of)]))
            )
        )
    return out


_RELATED = re.compile(r"of \u201c(?P<name>.+?)(?: \((?P<list>[A-Z][A-Z\-]*)\))?\u201d, which the name matched")


def _related_to(hit: Hit) -> str | None:
    match = _RELATED.search(hit.explanation or "")
    return f"“{match.group('name')}”" if match else None


def hits_cell(decision: Decision) -> str:
    """The list-hits cell: matches and possible matches, then related entities collapsed."""
    direct = [hit_line(h) for h in decision.hits if h.decision != "related"]
    related = related_lines(h for h in decision.hits if h.decision == "related")
    return "\n".join(direct + related)


# --- the tables ----------------------------------------------------------------------------


def reasons_cell(decision: Decision) -> str:
    """The decisive reasons (the ones with the shipment's verdict), each with its citation, at most four."""
    seen: set[str] = set()
    lines = []
    for reason in (r for r in decision.reasons if r.verdict == decision.verdict):
        key = f"{reason.rule_id}|{reason.role}|{reason.entry_id}"
        if key in seen:
            continue
        seen.add(key)
        lines.append(f"[{reason.rule_id}] {reason_text(reason)}\n  → {citation(reason.citation)}")
    more = len(seen) - MAX_REASONS
    lines = lines[:MAX_REASONS]
    if more > 0:
        lines.append(_("(+{n} more reasons in the JSON Lines or XLSX output)").format(n=more))
    if decision.licence is not None and decision.verdict == "LICENSE_REQUIRED":
        allowed = ", ".join(_(LICENCE_TYPES.get(t, t)) for t in decision.licence.allowed)
        line = _("Licence: {types}").format(types=allowed)
        if "general" not in decision.licence.allowed:
            line += " " + _("(no general licence)")
        lines.append(line)
    return "\n".join(lines)


LICENCE_TYPES = {"individual": N_("individual licence"), "general": N_("general licence"), "registration": N_("registration certificate")}


def decisions_table(decisions: Sequence[Decision], warning_numbers: dict[str, list[int]] | None = None) -> Table:
    """One row per shipment: verdict, the decisive reasons with citations, list hits, warnings (numbers into the banner)."""
    if warning_numbers is None:
        _groups, warning_numbers = warning_groups(decisions)
    table = Table(title=_("Screening decisions"), show_lines=True, expand=True)
    table.add_column(_("shipment"), no_wrap=True)
    table.add_column(_("verdict"), no_wrap=True)
    table.add_column(_("why (decisive reasons)"), ratio=3, overflow="fold")
    table.add_column(_("list hits"), ratio=2)
    table.add_column(_("warnings"), no_wrap=True)
    for d in decisions:
        numbers = warning_numbers.get(d.id, [])
        warn = Text(" ".join(f"⚠ W{n}" for n in numbers), style="yellow") if numbers else Text("-")
        table.add_row(d.id, verdict_text(d.verdict), reasons_cell(d) or "-", hits_cell(d) or "-", warn)
    return table


def summary_table(counts: Counter, screener=None, shown: int | None = None) -> Table:
    """Counts per verdict, with the data and rule versions used (and how many rows the table showed, when filtered)."""
    from dualuse.models.decision import SEVERITY

    caption = None
    if screener is not None:
        caption = _("data {data} · rules {rules}").format(data=screener.data_version, rules=screener.rules.version)
    table = Table(title=_("Summary"), caption=caption)
    table.add_column(_("verdict"))
    table.add_column(_("shipments"), justify="right")
    for verdict in SEVERITY:
        table.add_row(verdict_text(verdict), str(counts.get(verdict, 0)))
    table.add_row(_("total"), str(sum(counts.values())))
    if shown is not None:
        table.add_row(_("shown above"), str(shown))
    return table


def summary_details(decisions: Sequence[Decision], limit: int = 10) -> Table:
    """For ``--summary``: the rules that decided, the lists hit, and the most frequent warnings, with counts."""
    rules: Counter = Counter()
    lists: Counter = Counter()
    for d in decisions:
        rules.update({r.rule_id for r in d.reasons if r.verdict == d.verdict})
        lists.update({(h.list, h.status) for h in d.hits if h.decision != "related"})
    table = Table(title=_("What decided"), show_header=True)
    table.add_column(_("rule or list"))
    table.add_column(_("shipments"), justify="right")
    for rule, count in rules.most_common(limit):
        table.add_row(rule, str(count))
    for (list_id, status), count in lists.most_common(limit):
        table.add_row(f"{list_id} ({status_label(status)})", str(count))
    return table


def print_terminal_view(out, decisions: list, shown: list, summary: bool) -> None:
    """Print the terminal view of a screening on the rich console ``out``.

    The warnings banner of all ``decisions``, then either their summary details
    (``summary``: warnings and counts only, for big files) or the table of the
    ``shown`` decisions (those ``--only`` keeps), numbered by warning group.
    """
    banner = warnings_banner(decisions)
    if banner is not None:
        out.print(banner)
    if summary:
        out.print(summary_details(decisions))
    elif decisions:
        _groups, numbers = warning_groups(decisions)
        out.print(decisions_table(shown, numbers))

"""``dualuse item``: look an item up in the 2026 licence catalogue."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.table import Table

from dualuse.cli.common import check_choice, console, fail, read_query_file
from dualuse.i18n import N_, _, translate
from dualuse.classification.search import Lookup, cached_search
from dualuse.output.writers import write_json_lines
from dualuse.refdata import store


def lookup_record(result: Lookup) -> dict:
    """The JSON shape of one lookup (the ``item`` output contract of ``../shared/eval/README.md`` §3).

    ``query``, ``status`` and ``candidates[].code``/``score`` (the confidence)
    are the contract; the other keys explain the result (kind, parameters
    still needed, the thresholds checked, the entry's status on the date, the
    HS heading of everyday goods, and each candidate's English reference text
    as "reference text (same number, <source> <paragraph>)" - shown, never
    deciding).
    """
    return {
        "query": result.query,
        "kind": result.kind,
        "status": result.status,
        "explanation": result.explanation,
        "parameters_needed": list(result.needed),
        "as_of": result.as_of.isoformat() if result.as_of else None,
        "goods_heading": result.goods.heading if result.goods is not None else None,
        "candidates": [
            {
                "code": c.code,
                "score": c.score,
                "name_zh": c.name,
                "name_en": c.name_en,
                "hs_codes": list(c.hs_codes),
                "why": c.why,
                "parameters": c.decision,
                "checks": list(c.checks),
                "status_on_date": c.status_on_date,
                "own_score": c.own_score,
                "reference_text": (
                    {
                        "label": c.reference.label(),
                        "en_code": c.reference.en_code,
                        "correspondence": c.reference.correspondence,
                        "text": c.reference.text_en,
                        "match_score": c.reference_score,
                    }
                    if c.reference is not None
                    else None
                ),
            }
            for c in result.candidates
        ],
    }


QUERY_COLUMNS = ("query", "item", "description", "code")


def item(
    query: str | None = typer.Argument(None, help=N_("A control code (1C902.a.1), an HS code (2805301910, 2846.90) or a description.")),
    file: Path | None = typer.Option(None, "--file", help=N_("CSV with a 'query' column (and optional 'id').")),
    format: str = typer.Option("table", "--format", "-f", help=N_("table or jsonl.")),
    output: Path | None = typer.Option(None, "--output", "-o", help=N_("Write JSON Lines here instead of standard output.")),
    as_of: str | None = typer.Option(None, "--as-of", help=N_("Date for suspensions and entry dates (YYYY-MM-DD; default today).")),
) -> None:
    """Classify items against China's dual-use control list (2026 catalogue and item announcements)."""
    import datetime as dt

    day = None
    if as_of is not None:
        try:
            day = dt.date.fromisoformat(as_of)
        except ValueError:
            raise fail(_("{option} {value!r}: expected a date like 2026-03-02").format(option="--as-of", value=as_of)) from None
    if (query is None) == (file is None):
        raise fail(_("give either a QUERY or --file QUERIES.csv"))
    check_choice("--format", format, ("table", "jsonl"))
    queries = read_query_file(file, QUERY_COLUMNS, {"id": ("id",)}, "query") if file is not None else [{"id": None, "query": query}]
    search = cached_search()  # built once per data and engine version (dualuse.artefacts)
    records = []
    for q in queries:
        record = lookup_record(search.lookup(q["query"], as_of=day))
        records.append({"id": q["id"], **record} if q["id"] else record)
    if format == "jsonl" or output is not None:
        text = write_json_lines(records, output)
        if text is not None:
            sys.stdout.write(text)
        return
    hs6 = store.load_hs6()
    for record in records:
        needed = (" " + _("(needs: {parameters})").format(parameters=", ".join(record["parameters_needed"]))) if record["parameters_needed"] else ""
        title = f"“{record['query']}” → {_(ITEM_STATUS.get(record['status'], record['status']))}{needed}"
        table = Table(title=title, caption=translate(record["explanation"]))
        for column in (N_("code"), N_("score"), N_("item"), N_("reference HS codes"), N_("found by")):
            table.add_column(_(column))
        for c in record["candidates"]:
            hs = ", ".join(f"{h} ({shorten(hs6.get(h[:6], ''), 40)})" for h in c["hs_codes"][:3])
            name = c["name_zh"] or _("(name not trusted)")
            if c["name_en"]:
                name += f" / {c['name_en']}"
            found = translate(c["why"]) + (f"; {c['parameters']}" if c["parameters"] != "none" else "")
            table.add_row(c["code"], f"{c['score']:.2f}", name, hs, found)
        console.print(table)
        for c in record["candidates"][:3]:
            if c["reference_text"]:
                ref = c["reference_text"]
                console.print(f"  {c['code']}: {ref['label']}: {shorten(ref['text'], 300)}", markup=False)


ITEM_STATUS = {"controlled": N_("controlled"), "not_controlled": N_("not controlled"), "needs_parameters": N_("needs parameters")}


def shorten(text: str, width: int) -> str:
    """``text`` cut to at most ``width`` characters at a word boundary, with "…" when cut (never mid-word)."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    cut = text[: width - 1]
    space = cut.rfind(" ")
    if space >= width // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:(") + "…"

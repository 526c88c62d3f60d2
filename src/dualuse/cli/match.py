"""``dualuse match``: which list entries does a name refer to?"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import typer
from rich.table import Table

from dualuse.cli.common import check_choice, console, fail, parse_date, read_query_file
from dualuse.cli.render import DECISION_LABELS
from dualuse.i18n import N_, _, translate

# whether a hit's status on the day is confirmed by the data or only scheduled after its horizon
STATUS_BASIS = {"confirmed": N_("confirmed"), "expected": N_("expected, not confirmed")}
from dualuse.matching.matcher import Matcher, MatchResult
from dualuse.models.reference import LEGAL_LISTS, LIST_IDS
from dualuse.refdata import store
from dualuse.refdata.horizon import status_basis

QUERY_COLUMNS = ("query", "name", "party", "名称", "名稱", "名前")
ID_COLUMNS = ("id",)
COUNTRY_COLUMNS = ("country", "国家", "國家", "国")


def hit_record(result: MatchResult, day: dt.date | None = None, horizon: dt.date | None = None, knowledge=None) -> dict:
    """The JSON shape of one hit (the ``match`` output contract).

    With ``day``, the entry's status on that day, and whether it is ``confirmed``
    or only ``expected`` (it rests on a change the data schedules after its
    knowledge ``horizon``; see :func:`dualuse.refdata.horizon.status_basis`).
    """
    entry = result.entry
    status: dict = {}
    if day is not None and entry.list in LEGAL_LISTS:
        basis, note = status_basis(entry, day, horizon, knowledge) if horizon is not None else ("confirmed", None)
        status = {"status": entry.status_on(day), "status_on": day.isoformat(), "status_basis": basis, "status_note": note}
    return {
        "list": entry.list,
        "name": entry.name,
        "entry_id": entry.id,
        "score": result.score,
        "decision": result.decision,
        "matched_form": result.form.value,
        "matched_form_kind": result.form.kind,
        "listing": entry.legal_source.citation,
        "explanation": result.explanation(),
        **status,
    }


def _read_names(path: Path) -> list[dict[str, str | None]]:
    rows = read_query_file(path, QUERY_COLUMNS, {"id": ID_COLUMNS, "country": COUNTRY_COLUMNS}, "name")
    for row in rows:
        row["country"] = row["country"].upper() if row["country"] else None
    return rows


def match(
    name: str | None = typer.Argument(None, help=N_("A name in any script (simplified/traditional Chinese, Japanese, romaji, English).")),
    file: Path | None = typer.Option(None, "--file", help=N_("CSV with a 'query' (or 'name') column and optional 'id' and 'country' columns.")),
    country: str | None = typer.Option(None, "--country", help=N_("ISO alpha-2 country of the party (supporting evidence).")),
    lists: list[str] = typer.Option([], "--list", help=f"Restrict to these lists ({', '.join(LIST_IDS)}, or a loaded list's id); repeatable."),
    list_files: list[Path] = typer.Option([], "--list-file", help=N_("Also match against this list: FollowTheMoney JSON lines (.jsonl/.json) or the US Consolidated Screening List (.csv); repeatable.")),
    format: str = typer.Option("table", "--format", "-f", help=N_("table or jsonl.")),
    output: Path | None = typer.Option(None, "--output", "-o", help=N_("Write JSON Lines here instead of standard output.")),
    limit: int = typer.Option(5, "--limit", help=N_("Maximum hits per name.")),
    as_of: str | None = typer.Option(None, "--as-of", help=N_("Show each hit's listing status on this date (default: today), confirmed or expected.")),
) -> None:
    """Match names against the control list, watch list, UEL, countermeasure and reference lists."""
    if (name is None) == (file is None):
        raise fail(_("give either a NAME or --file NAMES.csv"))
    check_choice("--format", format, ("table", "jsonl"))
    loaded = []
    if list_files:  # the readers of external lists (and of any input file) only when one is given
        from dualuse.input import InputError
        from dualuse.refdata.external import ExternalListError, load_list
    for list_file in list_files:
        try:
            loaded.append(load_list(list_file))
        except (ExternalListError, InputError) as error:
            raise fail(str(error)) from None
        except OSError as error:
            raise fail(f"{list_file}: cannot read ({error.strerror or error})") from None
    known = [*LIST_IDS, *(item.meta.id for item in loaded)]
    unknown = [l for l in lists if l not in known]
    if unknown:
        raise fail(f"--list {', '.join(unknown)}: expected one of {', '.join(known)}")
    day = parse_date(as_of, "--as-of") or dt.date.today()
    knowledge = store.load_knowledge()
    horizon = knowledge.horizon
    queries = _read_names(file) if file is not None else [{"id": None, "query": name, "country": country.upper() if country else None}]
    matcher = Matcher(
        store.load_entries(),
        records=[record for item in loaded for record in item.records],
        external={item.meta.id: item.meta for item in loaded},
    )
    records = []
    for query in queries:
        results = matcher.match(query["query"], country=query["country"], lists=lists or None, limit=limit)
        record = {"query": query["query"], "hits": [hit_record(r, day, horizon, knowledge) for r in results]}
        if query["id"] is not None:
            record = {"id": query["id"], **record}
        records.append(record)
    if format == "jsonl" or output is not None:
        from dualuse.output.writers import write_json_lines

        text = write_json_lines(records, output)
        if text is not None:
            sys.stdout.write(text)
        return
    for record in records:
        table = Table(title=f"“{record['query']}”", show_lines=False)
        for column in (N_("list"), N_("entry"), N_("score"), N_("decision"), N_("matched form")):
            table.add_column(_(column))
        table.add_column(_("status on {day}").format(day=day))
        table.add_column(_("why"))
        for hit in record["hits"]:
            decision = _(DECISION_LABELS.get(hit["decision"], N_("related, not a match")))
            score = f"{hit['score']:.2f}" if hit["decision"] != "related" else "-"  # a related entity's score is its parent's
            status = "-" if "status" not in hit else f"{hit['status']} ({_(STATUS_BASIS[hit['status_basis']])})" + (f"\n{translate(hit['status_note'])}" if hit["status_note"] else "")
            table.add_row(hit["list"], hit["name"], score, decision, hit["matched_form"], status, translate(hit["explanation"]))
        if not record["hits"]:
            table.add_row("-", _("no entry scores above the review threshold"), "", "", "", "", "")
        console.print(table)

"""``dualuse lists``: the lists, and their versions: ``update``, ``history``, ``diff``.

    dualuse lists                       each list of the live version (entries, latest instrument, data date)
    dualuse lists update FILE_OR_DIR    load, validate, store, diff and re-screen a new version
    dualuse lists history               every stored version
    dualuse lists diff V1 V2            what changed between two versions (seq, version, current, previous)
    dualuse lists diff PROPOSAL         what a proposed update (from ``lists import``) would change in the live version
    dualuse lists import mofcom FILE    read a MOFCOM/MFA announcement or order (saved page or text) into a proposal
    dualuse lists import opensanctions FILE   read OpenSanctions' China sanctions data into a proposal
    dualuse lists crosscheck FILE       what our lists and an OpenSanctions file each have that the other lacks
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer
from rich.table import Table

from dualuse.cli import reference
from dualuse.cli.common import console, fail, parse_date
from dualuse.cli.dbopts import actor_of, actor_option, db_option, note, open_db, print_json, table_or_json_option
from dualuse.service.diff import VersionDiff

lists_app = typer.Typer(
    help="The screening lists and their versions (update, history, diff).",
    invoke_without_command=True,
    no_args_is_help=False,
)


@lists_app.callback(invoke_without_command=True)
def lists_main(ctx: typer.Context) -> None:
    """Show each list of the live version: entries, latest announcement and data date."""
    if ctx.invoked_subcommand is None:
        reference.lists()


def render_diff(diff: VersionDiff, details: bool = True, limit: int = 50) -> None:
    """Print a diff: counts per list, then added, removed, changed and status changes."""
    counts = diff.counts()
    table = Table(title=f"List changes {diff.old_version} → {diff.new_version}")
    for column in ("list", "added", "removed", "changed"):
        table.add_column(column, justify="right" if column != "list" else "left")
    for list_id, c in sorted(counts["per_list"].items()):
        table.add_row(list_id, str(c["added"]), str(c["removed"]), str(c["changed"]))
    table.add_row("total", str(counts["added"]), str(counts["removed"]), str(counts["changed"]))
    console.print(table)
    if not details:
        return
    if diff.added:
        t = Table(title="Added", show_lines=False)
        for column in ("entry", "list", "name", "listing", "effective"):
            t.add_column(column)
        for e in diff.added[:limit]:
            t.add_row(e.id, e.list, e.name, e.legal_source.citation, e.effective.isoformat() if e.effective else "-")
        console.print(t)
    if diff.removed:
        t = Table(title="Removed")
        for column in ("entry", "list", "name", "listing"):
            t.add_column(column)
        for e in diff.removed[:limit]:
            t.add_row(e.id, e.list, e.name, e.legal_source.citation)
        console.print(t)
    if diff.changed:
        t = Table(title="Changed")
        for column in ("entry", "name", "what changed"):
            t.add_column(column)
        for c in diff.changed[:limit]:
            parts = []
            for field, change in c.fields.items():
                if field == "names":
                    parts.append(f"names +{change['added']} -{change['removed']}")
                else:
                    parts.append(f"{field}: {change.get('old')} → {change.get('new')}")
            t.add_row(c.entry_id, c.name, "\n".join(parts))
        console.print(t)
    if diff.item_changes:
        t = Table(title="Status changes of items and rules")
        t.add_column("what")
        for change in diff.item_changes[:limit]:
            t.add_row(change)
        console.print(t)
    if diff.status_changes:
        t = Table(title=f"Status changes (on {diff.day})")
        for column in ("entry", "before", "after"):
            t.add_column(column)
        for entry_id, change in diff.status_changes.items():
            t.add_row(entry_id, change["old"], change["new"])
        console.print(t)
    hidden = max(0, len(diff.added) - limit) + max(0, len(diff.removed) - limit) + max(0, len(diff.changed) - limit)
    if hidden:
        note(f"({hidden} more rows not shown; use --format json for everything)")


@lists_app.command("update")
def update(
    source: Path = typer.Argument(..., help="A directory laid out like ../shared/data, a built data directory, or a FollowTheMoney JSON-lines file."),
    db: str | None = db_option(),
    actor: str | None = actor_option(),
    replace: bool = typer.Option(False, "--replace", help="FtM only: remove entries of the lists in the file that the file does not contain."),
    as_of: str | None = typer.Option(None, "--as-of", help="FtM only: the data date of the update (default: today)."),
    curated: Path | None = typer.Option(None, "--curated", help="Raw directories only: the curated files (default: DIR/curated, else the repository's data-sources/curated)."),
    recent_days: int = typer.Option(90, "--recent-days", min=0, help="Re-screen shipments dated or screened within this many days (and every shipment with open alerts)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Validate and show the diff; store nothing."),
    allow_mass_removal: bool = typer.Option(False, "--allow-mass-removal", help="Accept an update that removes more than a fifth of the live entries (refused by default: a truncated or wrong file does this)."),
    workers: int | None = typer.Option(None, "--workers", "-w", min=1, help="Worker processes that re-screen the stored shipments (default: every core)."),
    dask: str | None = typer.Option(None, "--dask", help="Re-screen on a Dask cluster: the scheduler's address (tcp://host:8786), or local for a cluster on this machine."),
    format: str = table_or_json_option(),
) -> None:
    """Load a new version of the lists: validate it completely, store it, show the diff, re-screen what changed."""
    from dualuse.service import updates, versions
    from dualuse.service.diff import diff_entries

    day = parse_date(as_of, "--as-of")
    database = open_db(db)
    who = actor_of(actor)
    try:
        prepared = updates.prepare(database, source, replace=replace, as_of=day, curated=curated, allow_mass_removal=allow_mass_removal)
    except updates.UpdateError as error:
        raise fail(str(error)) from None
    for line in prepared.notes:
        note(line)
    if dry_run:
        live = versions.current(database)
        diff = diff_entries(versions.entries_of(database, live), prepared.entries(), live.version, prepared.version)
        diff.item_changes = list(prepared.item_changes)
        if format == "json":
            print_json({"dry_run": True, "version": prepared.version, "diff": diff.as_dict()})
        else:
            render_diff(diff)
            note(f"dry run: version {prepared.version} is valid; nothing was stored")
        return
    from dualuse.batch.workers import default_workers

    report = updates.apply(database, prepared, actor=who, recent_days=recent_days, workers=workers or default_workers(), dask=dask)
    if report.unchanged:
        if format == "json":
            print_json({"unchanged": True, "version": report.new.version})
        else:
            console.print(f"no change: {source} holds the live version {report.new.version}")
        return
    rescreen = report.rescreen
    if format == "json":
        print_json(
            {
                "previous": report.old.as_dict(),
                "version": report.new.as_dict(),
                "record": report.record_seq,
                "diff": report.diff.as_dict(),
                "whitelist_lapsed": report.lapsed,
                "rescreen": rescreen.as_dict() if rescreen else None,
            }
        )
        return
    console.print(f"list version {report.new.seq} ({report.new.version}) is live; previous {report.old.seq} ({report.old.version}); audit record {report.record_seq}")
    render_diff(report.diff)
    if report.lapsed:
        console.print(f"[yellow]{len(report.lapsed)} whitelist entr{'y' if len(report.lapsed) == 1 else 'ies'} lapsed (list entry changed):[/] " + ", ".join(f"#{w['id']} {w['counterparty']} / {w['entry_id']}" for w in report.lapsed))
    if rescreen is not None:
        console.print(
            f"re-screened: {rescreen.counterparties} stored counterparties → {rescreen.candidates} candidates → "
            f"{rescreen.counterparties_hit} with new hits; {rescreen.shipments_rescreened} open or recent shipments screened again "
            f"in {rescreen.seconds.get('total', 0):.2f} s"
        )
        for change in rescreen.verdict_changes:
            console.print(f"  shipment {change['shipment_id']}: {change['old']} → {change['new']}")
        alerts = rescreen.shipment_alerts + rescreen.counterparty_alerts
        if alerts:
            console.print(f"[bold yellow]{len(alerts)} new alert(s):[/] {', '.join(map(str, alerts))} — see `dualuse alerts`")
        else:
            console.print("no new alerts")


import_app = typer.Typer(help="Read newly published designations into a proposed update (review it with `lists diff`, apply it with `lists update`).", no_args_is_help=True)
lists_app.add_typer(import_app, name="import")


def _live(database):
    """The live version's info, files, entries, catalogue, knowledge and rules (measure statuses applied)."""
    from dualuse.decision.horizon import apply_measure_statuses
    from dualuse.importers.proposal import versions_packaged_knowledge
    from dualuse.models.knowledge import Knowledge
    from dualuse.models.reference import ControlEntry, ListEntry
    from dualuse.refdata import store
    from dualuse.rules.loader import load_rules
    from dualuse.service import versions

    live = versions.current(database)
    files = versions.files_of(database, live.seq)
    entries = [ListEntry.model_validate_json(l) for l in files[store.ENTITIES].decode("utf-8").splitlines() if l.strip()]
    catalogue = [ControlEntry.model_validate_json(l) for l in files[store.CATALOGUE].decode("utf-8").splitlines() if l.strip()]
    knowledge = Knowledge.model_validate_json(files.get(store.KNOWLEDGE) or versions_packaged_knowledge())
    return live, files, entries, catalogue, knowledge, apply_measure_statuses(load_rules(), knowledge)


def _write_proposal(plan, output: Path | None, source: Path, format: str) -> None:
    from dualuse.importers import proposal as proposals

    target = output or source.with_name(source.name + proposals.SUFFIX)
    proposals.write(plan, target)
    if format == "json":
        print_json({"proposal": str(target), "counts": plan.counts(), "notes": plan.notes})
        return
    counts = ", ".join(f"{k} {v}" for k, v in sorted(plan.counts().items())) or "no operations"
    console.print(f"proposal written to {target}: {counts}")
    for line in plan.notes:
        note(f"  {line}")
    note(f"review it with `dualuse lists diff {target}`, apply it with `dualuse lists update {target}`")


@import_app.command("mofcom")
def import_mofcom(
    file: Path = typer.Argument(..., help="The notice as published: the saved HTML page or its text (Chinese)."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Where to write the proposal (default: FILE.proposal.json)."),
    url: str | None = typer.Option(None, "--url", help="The notice's official URL, when the saved page does not name it."),
    checked_to: str | None = typer.Option(None, "--checked-to", help="Record that MOFCOM's announcements were checked up to this date (moves the knowledge horizon)."),
    db: str | None = db_option(),
    format: str = table_or_json_option(),
) -> None:
    """Read a MOFCOM (or MFA) announcement or order into a proposed update; nothing is applied."""
    from dualuse.importers import propose
    from dualuse.importers.mofcom import NoticeError, parse_notice
    from dualuse.importers.pages import read_page
    from dualuse.importers.proposal import ProposalError
    from dualuse.input import InputError

    day = parse_date(checked_to, "--checked-to")
    try:
        notice = parse_notice(read_page(file), url=url)
    except (NoticeError, InputError) as error:
        raise fail(str(error)) from None
    live, _, entries, catalogue, knowledge, rules = _live(open_db(db))
    note(
        f"{notice.citation} ({notice.published}; effective {notice.effective}): {notice.measure}"
        + (f" on {notice.list_id}, {len(notice.rows)} entities" if notice.changes_entities else f" of {', '.join(notice.targets)}" + (f" until {notice.until}" if notice.until else ""))
    )
    try:
        plan = propose.from_notice(notice, entries, catalogue, rules, knowledge, live.version, checked_to=day)
    except ProposalError as error:
        raise fail(str(error)) from None
    _write_proposal(plan, output, file, format)


@import_app.command("opensanctions")
def import_opensanctions(
    file: Path = typer.Argument(..., help="OpenSanctions' China sanctions data: sanctions.csv (source table) or the FollowTheMoney export (.json/.jsonl)."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Where to write the proposal (default: FILE.proposal.json)."),
    lists: list[str] = typer.Option([], "--list", help="Only these lists (CN-ECL, CN-WL, CN-UEL, CN-AFSL); repeatable."),
    db: str | None = db_option(),
    format: str = table_or_json_option(),
) -> None:
    """Read OpenSanctions' China sanctions data into a proposed update (CC BY-NC data: your own licence); nothing is applied."""
    from dualuse.importers import opensanctions, propose
    from dualuse.input import InputError
    from dualuse.models.reference import LEGAL_LISTS

    unknown = [l for l in lists if l not in LEGAL_LISTS]
    if unknown:
        raise fail(f"--list {', '.join(unknown)}: expected one of {', '.join(LEGAL_LISTS)}")
    try:
        read = opensanctions.read(file)
    except (opensanctions.OpenSanctionsError, InputError) as error:
        raise fail(str(error)) from None
    live, _, entries, _, knowledge, _ = _live(open_db(db))
    note(f"{file}: {len(read.designations)} designations on dualuse lists ({read.format}); {opensanctions.LICENCE}")
    plan = propose.from_opensanctions(read, entries, knowledge, live.version, lists=set(lists) or None)
    _write_proposal(plan, output, file, format)


@lists_app.command("crosscheck")
def crosscheck_command(
    file: Path = typer.Argument(..., help="OpenSanctions' China sanctions data (sanctions.csv or its FollowTheMoney export)."),
    db: str | None = db_option(),
    limit: int = typer.Option(30, "--limit", help="Rows shown per section (table format)."),
    format: str = table_or_json_option(),
) -> None:
    """Compare the live lists with an OpenSanctions file: what each has that the other lacks."""
    from dualuse.importers import crosscheck, opensanctions
    from dualuse.input import InputError

    try:
        read = opensanctions.read(file)
    except (opensanctions.OpenSanctionsError, InputError) as error:
        raise fail(str(error)) from None
    _, _, entries, _, _, _ = _live(open_db(db))
    result = crosscheck.crosscheck(read, entries)
    if format == "json":
        print_json(result.as_dict())
        return
    counts = result.counts()
    console.print(
        f"{file}: {counts['matched_entries']} of our entries matched by {counts['matched_designations']} designations; "
        f"{counts['only_theirs']} designations we do not have, {counts['other_list']} on another of our lists; "
        f"{counts['only_ours']} of our entries not in the file; {counts['date_differs']} listing dates and {counts['end_differs']} ends differ"
    )
    for title, rows in (
        ("Theirs only, by list and issuer", counts["only_theirs_by_list"]),
        ("Ours only, by list", counts["only_ours_by_list"]),
        ("Skipped (not dualuse lists)", counts["skipped"]),
    ):
        table = Table(title=title)
        table.add_column("list")
        table.add_column("count", justify="right")
        for key, n in rows.items():
            table.add_row(key, str(n))
        console.print(table)
    sections = (
        ("They list, we do not", [(d.list_id, d.name + (f" / {d.name_zh}" if d.name_zh else ""), d.body, d.start.isoformat() if d.start else "-") for d in result.only_theirs]),
        ("We list, they do not", [(e.list, e.name, e.legal_source.citation, e.effective.isoformat() if e.effective else "-") for e in result.only_ours]),
        ("Same name, another list", [(f"{d.list_id} / ours {e.list}", d.name, d.body, e.id) for d, e in result.other_list]),
        ("Ends differ", [(e.list, d.name, w, e.id) for d, e, w in result.end_differs]),
    )
    for title, rows in sections:
        table = Table(title=f"{title} ({len(rows)})")
        for column in ("list", "name", "source", "date / id"):
            table.add_column(column)
        for row in rows[:limit]:
            table.add_row(*row)
        console.print(table)
    if any(len(rows) > limit for _, rows in sections):
        note(f"(at most {limit} rows per section; --format json for everything)")


@lists_app.command("history")
def history(db: str | None = db_option(), format: str = table_or_json_option()) -> None:
    """Every stored version of the lists, oldest first; the live one is marked."""
    from dualuse.service import versions

    rows = versions.history(open_db(db))
    if format == "json":
        print_json([v.as_dict() for v in rows])
        return
    table = Table(title="List versions")
    for column in ("seq", "version", "live", "stored (UTC)", "by", "source", "entries", "changes", "new alerts"):
        table.add_column(column)
    for v in rows:
        diff = v.summary.get("diff") or {}
        rescreen = v.summary.get("rescreen") or {}
        changes = f"+{diff.get('added', 0)} -{diff.get('removed', 0)} ~{diff.get('changed', 0)}" if diff else ("baseline" if v.summary.get("baseline") else "-")
        alerts = len(rescreen.get("shipment_alerts", [])) + len(rescreen.get("counterparty_alerts", [])) if rescreen else "-"
        table.add_row(str(v.seq), v.version, "●" if v.current else "", v.created_at[:19], v.created_by, f"{v.source_kind}: {v.source}", str(v.entries), changes, str(alerts))
    console.print(table)


@lists_app.command("diff")
def diff(
    first: str = typer.Argument(..., help="Older version: seq, version string, 'previous' or 'current'; or a proposal file (lists import)."),
    second: str = typer.Argument("current", help="Newer version (default: current)."),
    db: str | None = db_option(),
    on: str | None = typer.Option(None, "--on", help="Compare statuses on this date (default: today)."),
    format: str = table_or_json_option(),
) -> None:
    """What changed between two stored versions, or what a proposal (``lists import``) would change in the live one."""
    from dualuse.importers.proposal import is_proposal
    from dualuse.service import updates, versions

    day = parse_date(on, "--on") or dt.date.today()
    if is_proposal(Path(first)):
        database = open_db(db)
        try:
            prepared = updates.prepare(database, Path(first))
        except updates.UpdateError as error:
            raise fail(str(error)) from None
        live = versions.current(database)
        result = updates.diff_entries(versions.entries_of(database, live), prepared.entries(), live.version, prepared.version, day)
        result.item_changes = list(prepared.item_changes)
        if format == "json":
            print_json({"proposal": first, "notes": prepared.notes, "diff": result.as_dict()})
            return
        for line in prepared.notes:
            note(line)
        render_diff(result)
        note(f"nothing is applied: `dualuse lists update {first}` does")
        return
    try:
        result = updates.diff_versions(open_db(db), first, second, day)
    except versions.VersionError as error:
        raise fail(str(error)) from None
    if format == "json":
        print_json(result.as_dict())
    else:
        render_diff(result)

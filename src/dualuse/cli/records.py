"""Commands on the compliance records: ``audit``, ``alerts``, ``whitelist``, ``shipments``, ``keys``, ``serve``.

    dualuse audit verify [--expect-head SEQ:HASH] [--file EXPORT.jsonl]
    dualuse audit export -o FILE [--format jsonl|xlsx] [--from DATE] [--to DATE] [--kind K]
    dualuse alerts [list] [--status pending|open|escalated|closed|all] [--shipment ID]
    dualuse alerts show ID
    dualuse alerts decide ID --status confirmed|false_positive|escalated --reason TEXT [--attach FILE] [--whitelist]
    dualuse whitelist [list] | add --alert ID --reason TEXT | revoke ID --reason TEXT
    dualuse shipments [list] | show ID
    dualuse keys create --role screener|reviewer|admin --name NAME | list | revoke ID
    dualuse serve [--host H] [--port P]

Exit status: 0 success; 1 ``audit verify`` found problems; 2 bad input.
"""

from __future__ import annotations

import mimetypes
from collections import Counter
from pathlib import Path

import typer
from rich.table import Table
from rich.text import Text

from dualuse.cli.common import check_choice, console, fail, parse_date
from dualuse.cli.dbopts import actor_of, actor_option, db_option, note, open_db, print_json, table_or_json_option
from dualuse.cli.render import review_word, role_label, verdict_label, verdict_text
from dualuse.service.severity import alert_severity
from dualuse.i18n import N_, _, translate

audit_app = typer.Typer(help="Verify and export the audit records (append-only, hash-chained).", no_args_is_help=True)
alerts_app = typer.Typer(help="The review queue: list, show and decide alerts.", invoke_without_command=True)
whitelist_app = typer.Typer(help="Remembered false positives (counterparty × list entry).", invoke_without_command=True)
shipments_app = typer.Typer(help="Screened shipments: latest decision and review status.", invoke_without_command=True)
keys_app = typer.Typer(help="API keys and their roles (screener, reviewer, admin).", no_args_is_help=True)


# --- audit ------------------------------------------------------------------------


@audit_app.command("verify")
def audit_verify(
    db: str | None = db_option(),
    expect_head: str | None = typer.Option(None, "--expect-head", help="SEQ:HASH of the head noted earlier (e.g. from a previous verify): the chain must still hold it."),
    anchor_file: Path | None = typer.Option(None, "--anchor", help="An anchor file written by `dualuse audit head -o` (checked like --expect-head)."),
    key_file: Path | None = typer.Option(None, "--key-file", help="The key that signed the anchor file (kept outside the database)."),
    file: Path | None = typer.Option(None, "--file", help="Verify an exported JSON Lines file instead of the database."),
) -> None:
    """Check every record's hash, the sequence and the links; name every edited or deleted record."""
    from dualuse.service import anchor as anchors
    from dualuse.service import audit

    anchor = None
    if anchor_file is not None:
        try:
            anchor = anchors.read_anchor(anchor_file, anchors.read_key(key_file) if key_file else None)
        except anchors.AnchorError as error:
            raise fail(str(error)) from None
    if expect_head:
        seq, _, digest = expect_head.partition(":")
        if not seq.isdigit() or len(digest) != 64:
            raise fail(f"--expect-head {expect_head!r}: expected SEQ:HASH, e.g. 42:{'0' * 64}")
        anchor = (int(seq), digest)
    if file is not None:
        if not file.is_file():
            raise fail(f"{file}: no such file")
        report = audit.verify_export(file)
        where = str(file)
    else:
        database = open_db(db)
        report = audit.verify(database, anchor)
        where = database.label
    if report.ok:
        console.print(f"[green]audit chain intact[/]: {report.records} records in {where}; head {report.head_seq}:{report.head_hash}")
        return
    console.print(f"[bold red]audit chain broken[/]: {len(report.problems)} problem(s) in {where} ({report.records} records read)")
    for problem in report.problems:
        console.print(f"  [red]✗[/] {problem.message}", highlight=False, soft_wrap=True)
    raise typer.Exit(1)


@audit_app.command("head")
def audit_head(
    db: str | None = db_option(),
    output: Path | None = typer.Option(None, "--output", "-o", help="Also write an anchor file (JSON) to keep outside the database."),
    key_file: Path | None = typer.Option(None, "--key-file", help="Sign the anchor file with this key (HMAC-SHA256); keep the key away from the database server."),
) -> None:
    """Print the verified head of the audit chain (SEQ:HASH) to note outside the database."""
    from dualuse.service import anchor as anchors

    database = open_db(db)
    try:
        key = anchors.read_key(key_file) if key_file else None
        statement = anchors.head_statement(database)
        if output is not None:
            anchors.write_anchor(output, statement, key)
    except anchors.AnchorError as error:
        raise fail(str(error)) from None
    console.print(f"{statement['seq']}:{statement['hash']}", highlight=False, soft_wrap=True)
    if output is not None:
        note(f"anchor written to {output}" + (" (signed)" if key else "") + "; keep it outside the database; check with `dualuse audit verify --anchor`")


@audit_app.command("export")
def audit_export(
    output: Path = typer.Option(..., "--output", "-o", help="File to write (.jsonl or .xlsx)."),
    format: str | None = typer.Option(None, "--format", "-f", help="jsonl or xlsx (default: from the file name)."),
    since: str | None = typer.Option(None, "--from", help="First day (UTC) to include."),
    until: str | None = typer.Option(None, "--to", help="Last day (UTC) to include."),
    kind: list[str] = typer.Option([], "--kind", help="Only these record kinds (screening, alert_decision, list_update, ...); repeatable."),
    db: str | None = db_option(),
) -> None:
    """Export the audit records for an auditor as JSON Lines or an XLSX workbook."""
    from dualuse.service import audit

    from dualuse.output.files import OutputPathError, check_writable, format_for

    if format is not None:
        check_choice("--format", format, ("jsonl", "xlsx"))
    try:
        check_writable(output)
        fmt = format_for(output, format, ("jsonl", "xlsx"))  # the extension decides; a mismatch is an error
    except OutputPathError as error:
        raise fail(translate(str(error))) from None
    first, last = parse_date(since, "--from"), parse_date(until, "--to")
    database = open_db(db)
    try:
        count = (audit.export_xlsx if fmt == "xlsx" else audit.export_jsonl)(database, output, first, last, kind or None)
    except OSError as error:
        raise fail(f"{output}: cannot write ({error.strerror or error})") from None
    note(f"wrote {count} record(s) to {output}")


# --- alerts -----------------------------------------------------------------------


def _alerts_table(rows: list[dict], title: str) -> Table:
    table = Table(title=title, show_lines=True)
    for column in ("id", "severity", "status", "kind", "shipment", "party", "list entry", "score", "verdict", "opened"):
        table.add_column(_(column))
    for a in rows:
        severity = a.get("severity") or alert_severity(a)
        level = Text(review_word(severity["level"]), style=SEVERITY_STYLES.get(severity["level"], "")) + Text("\n" + _("if confirmed: {verdict}").format(verdict=verdict_label(severity["if_confirmed"])))
        party = f"{role_label(a['role'])}: {a['party_name']}" if a["party_name"] else "-"
        entry = f"{a['list']} “{a['entry_name']}”\n{a['entry_id']}" if a["entry_id"] else "; ".join(r["rule_id"] for r in a["details"].get("reasons", [])) or "-"
        if a.get("hs_codes") and not a["entry_id"]:
            entry += "\nHS " + ", ".join(a["hs_codes"][:4])
        score = f"{a['score']:.2f} {_(a['hit_decision'] or '')}" if a["score"] is not None else "-"
        table.add_row(
            str(a["id"]), level, review_word(a["status"]), a["kind"], a["shipment_id"] or "-", party, entry, score,
            verdict_text(a["verdict"] or "") if a["verdict"] else "-", a["opened_at"][:19],
        )
    return table


SEVERITY_STYLES = {"critical": "bold red", "high": "yellow", "medium": "", "low": "dim"}
WHERE_HELP = N_("Only alerts matching all terms, e.g. \"reason=CN-CLASSIFICATION-NEEDED hs=4819*\" (keys: reason, hs, list, kind, severity, verdict, shipment, party, entry, score<N, score>N).")


@alerts_app.callback(invoke_without_command=True)
def alerts_main(
    ctx: typer.Context,
    status: str = typer.Option("pending", "--status", help=N_("pending (open or escalated), open, escalated, closed, confirmed, false_positive, all.")),
    shipment: str | None = typer.Option(None, "--shipment", help=N_("Only this shipment's alerts.")),
    where: str | None = typer.Option(None, "--where", help=WHERE_HELP),
    sort: str = typer.Option("severity", "--sort", help=N_("severity (most severe first) or newest.")),
    limit: int = typer.Option(100, "--limit", min=1, max=1000),
    format: str = table_or_json_option(),
    db: str | None = db_option(),
) -> None:
    """List alerts (default: the ones waiting for a reviewer, most severe first)."""
    if ctx.invoked_subcommand is not None:
        return
    _list_alerts(status, shipment, limit, format, db, where, sort)


@alerts_app.command("list")
def alerts_list(
    status: str = typer.Option("pending", "--status", help=N_("pending (open or escalated), open, escalated, closed, confirmed, false_positive, all.")),
    shipment: str | None = typer.Option(None, "--shipment", help=N_("Only this shipment's alerts.")),
    where: str | None = typer.Option(None, "--where", help=WHERE_HELP),
    sort: str = typer.Option("severity", "--sort", help=N_("severity (most severe first) or newest.")),
    limit: int = typer.Option(100, "--limit", min=1, max=1000),
    format: str = table_or_json_option(),
    db: str | None = db_option(),
) -> None:
    """List alerts (default: the ones waiting for a reviewer, most severe first)."""
    _list_alerts(status, shipment, limit, format, db, where, sort)


def _list_alerts(status: str, shipment: str | None, limit: int, format: str, db: str | None, where: str | None = None, sort: str = "severity") -> None:
    from dualuse.service.alerts import ReviewError, list_alerts

    try:
        total, rows = list_alerts(open_db(db), status=status, shipment_id=shipment, limit=limit, where=where, sort=sort)
    except ReviewError as error:
        raise fail(translate(str(error))) from None
    if format == "json":
        print_json({"total": total, "alerts": rows})
        return
    levels = Counter(a["severity"]["level"] for a in rows)
    title = _("Alerts ({status}): {total}").format(status=review_word(status), total=total)
    if rows:
        title += " · " + ", ".join(f"{review_word(level)} {levels[level]}" for level in ("critical", "high", "medium", "low") if levels.get(level))
    console.print(_alerts_table(rows, title))
    if total > len(rows):
        note(_("showing {shown} of {total}; use --limit, --where or --status to see the others").format(shown=len(rows), total=total))


@alerts_app.command("show")
def alerts_show(alert_id: int = typer.Argument(..., help="Alert id."), format: str = table_or_json_option(), db: str | None = db_option()) -> None:
    """One alert: the hit, the reasons, and its decision history."""
    from dualuse.service.alerts import ReviewError, get_alert

    try:
        alert = get_alert(open_db(db), alert_id)
    except ReviewError as error:
        raise fail(str(error)) from None
    if format == "json":
        print_json(alert)
        return
    console.print(_alerts_table([alert], f"Alert {alert_id}"))
    details = alert["details"]
    if details.get("explanation"):
        console.print(f"why it matched: {details['explanation']}", highlight=False)
    for reason in details.get("reasons", []):
        console.print(f"  [{reason.get('rule_id')}] {reason.get('text_en')}", highlight=False, soft_wrap=True)
    for event in alert["history"]:
        console.print(f"  {event['at'][:19]} {event['by']}: {event.get('previous_status')} → {event.get('status')}: {event.get('reason')}", highlight=False)


@alerts_app.command("decide")
def alerts_decide(
    alert_id: int | None = typer.Argument(None, help=N_("Alert id (or use --where for several).")),
    status: str = typer.Option(..., "--status", help=N_("confirmed, false_positive or escalated.")),
    reason: str = typer.Option(..., "--reason", help=N_("Why (kept in the audit records).")),
    where: str | None = typer.Option(None, "--where", help=N_("Decide every open alert matching these terms (one reason, one audit record per alert); see `dualuse alerts --help`.")),
    dry_run: bool = typer.Option(False, "--dry-run", help=N_("With --where: list the alerts that would be decided, decide nothing.")),
    attach: Path | None = typer.Option(None, "--attach", help=N_("A file to keep with the decision (evidence, correspondence), at most 10 MB.")),
    whitelist: bool = typer.Option(False, "--whitelist", help=N_("With false_positive: stop raising this counterparty for this list entry until the entry changes.")),
    actor: str | None = actor_option(),
    db: str | None = db_option(),
) -> None:
    """Record a reviewer's decision on an alert, or on every alert a --where filter selects."""
    from dualuse.service.alerts import ReviewError, decide_alert, decide_where

    if (alert_id is None) == (where is None):
        raise fail(_("give either an ALERT_ID or --where FILTER"))
    if where is not None:
        if attach is not None or whitelist:
            raise fail(_("--attach and --whitelist decide one alert at a time; give an ALERT_ID"))
        try:
            outcomes = decide_where(open_db(db), where, status, reason, actor_of(actor), "cli", dry_run=dry_run)
        except ReviewError as error:
            raise fail(translate(str(error))) from None
        if dry_run:
            console.print(_alerts_table(outcomes, _("would decide {n} alert(s) as {status}").format(n=len(outcomes), status=review_word(status))))
            return
        done = [o for o in outcomes if not isinstance(o, dict)]
        for failed in (o for o in outcomes if isinstance(o, dict)):
            note(f"alert {failed['alert_id']}: {translate(failed['error'])}")
        finals = sum(1 for o in done if o.final is not None)
        seqs = [o.alert["decided_seq"] for o in done]
        span = f"{min(seqs)}-{max(seqs)}" if seqs else "-"
        console.print(
            _("decided {n} alert(s) as {status} (audit records {span}); {finals} shipment(s) got their final decision").format(
                n=len(done), status=review_word(status), span=span, finals=finals
            )
        )
        return
    attachment = None
    if attach is not None:
        try:
            attachment = (attach.name, attach.read_bytes(), mimetypes.guess_type(attach.name)[0] or "application/octet-stream")
        except OSError as error:
            raise fail(f"{attach}: cannot read ({error.strerror or error})") from None
    try:
        outcome = decide_alert(open_db(db), alert_id, status, reason, actor_of(actor), "cli", attachment, whitelist)
    except ReviewError as error:
        raise fail(translate(str(error))) from None
    alert = outcome.alert
    console.print(_("alert {id}: {status} by {who} (audit record {seq})").format(id=alert_id, status=review_word(alert["status"]), who=alert["decided_by"], seq=alert["decided_seq"]))
    if outcome.whitelist_id:
        console.print(f"whitelisted as #{outcome.whitelist_id}: {alert['party_name']} is not {alert['entry_id']} (until the entry changes)")
    if alert["shipment_id"]:
        if outcome.final is not None:
            line = verdict_text(outcome.final.decision.verdict)
            line = Text(_("shipment {id}: all alerts closed; final decision ").format(id=alert["shipment_id"])) + line + Text(" " + _("(audit record {seq})").format(seq=outcome.final.record_seq))
            console.print(line)
        else:
            console.print(_("shipment {id}: {status}").format(id=alert["shipment_id"], status=review_word(outcome.shipment_status)))


# --- whitelist ----------------------------------------------------------------------


@whitelist_app.callback(invoke_without_command=True)
def whitelist_main(
    ctx: typer.Context,
    status: str = typer.Option("active", "--status", help="active, lapsed, revoked or all."),
    format: str = table_or_json_option(),
    db: str | None = db_option(),
) -> None:
    """List whitelist entries (default: active)."""
    if ctx.invoked_subcommand is None:
        _list_whitelist(status, format, db)


@whitelist_app.command("list")
def whitelist_list(
    status: str = typer.Option("active", "--status", help="active, lapsed, revoked or all."),
    format: str = table_or_json_option(),
    db: str | None = db_option(),
) -> None:
    """List whitelist entries (default: active)."""
    _list_whitelist(status, format, db)


def _list_whitelist(status: str, format: str, db: str | None) -> None:
    from dualuse.service.alerts import ReviewError, list_whitelist

    try:
        rows = list_whitelist(open_db(db), status)
    except ReviewError as error:
        raise fail(str(error)) from None
    if format == "json":
        print_json(rows)
        return
    table = Table(title=f"Whitelist ({status}): {len(rows)}", show_lines=True)
    for column in ("id", "status", "counterparty", "list entry", "reason", "by", "ended"):
        table.add_column(column)
    for w in rows:
        table.add_row(
            str(w["id"]), w["status"], f"{w['counterparty']} ({w['country'] or '-'})", f"{w['list']} “{w['entry_name']}”\n{w['entry_id']}", w["reason"],
            f"{w['created_by']} {w['created_at'][:10]}", f"{w['end_reason']} ({w['ended_at'][:10]})" if w["ended_at"] else "-",
        )
    console.print(table)


@whitelist_app.command("add")
def whitelist_add(
    reason: str = typer.Option(..., "--reason", help="Why the counterparty is not the list entry."),
    alert: int | None = typer.Option(None, "--alert", help="A false-positive alert to remember."),
    party: str | None = typer.Option(None, "--party", help="Or: the counterparty's name as written..."),
    country: str | None = typer.Option(None, "--country", help="...its country (ISO alpha-2)..."),
    entry: str | None = typer.Option(None, "--entry", help="...and the list entry id."),
    actor: str | None = actor_option(),
    db: str | None = db_option(),
) -> None:
    """Remember that a counterparty is not a list entry (lapses when the entry changes)."""
    from dualuse.service.alerts import ReviewError, add_whitelist

    try:
        row = add_whitelist(open_db(db), reason=reason, actor=actor_of(actor), alert_id=alert, party_name=party, country=country.upper() if country else None, entry_id=entry)
    except ReviewError as error:
        raise fail(str(error)) from None
    console.print(f"whitelist #{row['id']} ({row['status']}): {row['counterparty']} is not {row['entry_id']} “{row['entry_name']}”")


@whitelist_app.command("revoke")
def whitelist_revoke(
    whitelist_id: int = typer.Argument(..., help="Whitelist entry id."),
    reason: str = typer.Option(..., "--reason", help="Why it is withdrawn."),
    actor: str | None = actor_option(),
    db: str | None = db_option(),
) -> None:
    """Withdraw a whitelist entry (it is kept, marked revoked)."""
    from dualuse.service.alerts import ReviewError, revoke_whitelist

    try:
        row = revoke_whitelist(open_db(db), whitelist_id, reason, actor_of(actor))
    except ReviewError as error:
        raise fail(str(error)) from None
    console.print(f"whitelist #{row['id']} revoked")


# --- shipments ------------------------------------------------------------------------


@shipments_app.callback(invoke_without_command=True)
def shipments_main(
    ctx: typer.Context,
    status: str | None = typer.Option(None, "--status", help="final or pending_review."),
    limit: int = typer.Option(100, "--limit", min=1, max=10000),
    format: str = table_or_json_option(),
    db: str | None = db_option(),
) -> None:
    """List screened shipments, most recently screened first."""
    if ctx.invoked_subcommand is not None:
        return
    from dualuse.service.alerts import ReviewError, list_shipments

    try:
        rows = list_shipments(open_db(db), status, limit)
    except ReviewError as error:
        raise fail(str(error)) from None
    if format == "json":
        print_json(rows)
        return
    table = Table(title=f"Shipments: {len(rows)}")
    for column in ("shipment", "date", "verdict", "status", "last screened", "data version"):
        table.add_column(column)
    for r in rows:
        table.add_row(r["shipment_id"], r["date"], verdict_text(r["verdict"]), r["status"].replace("_", " "), r["last_screened_at"][:19], r["data_version"])
    console.print(table)


@shipments_app.command("show")
def shipments_show(shipment_id: str = typer.Argument(...), format: str = table_or_json_option(), db: str | None = db_option()) -> None:
    """A shipment's latest decision, review status and alerts."""
    from dualuse.cli.render import decisions_table
    from dualuse.models.decision import Decision
    from dualuse.service.alerts import ReviewError, shipment_view

    try:
        view = shipment_view(open_db(db), shipment_id)
    except ReviewError as error:
        raise fail(str(error)) from None
    if format == "json":
        print_json(view)
        return
    console.print(decisions_table([Decision.model_validate(view["decision"])]))
    console.print(f"status: {view['status'].replace('_', ' ')} · latest record {view['latest_record']} · data {view['data_version']}")
    if view["alerts"]:
        console.print(_alerts_table(view["alerts"], f"Alerts of {shipment_id}"))


# --- keys -------------------------------------------------------------------------------


@keys_app.command("create")
def keys_create(
    role: str = typer.Option(..., "--role", help="screener, reviewer or admin."),
    name: str = typer.Option(..., "--name", help="Who or what uses the key."),
    actor: str | None = actor_option(),
    db: str | None = db_option(),
) -> None:
    """Create an API key; it is printed once and only its hash is stored."""
    from dualuse.service.keys import ApiKeyError, create_key

    try:
        key, info = create_key(open_db(db), role, name, actor_of(actor))
    except ApiKeyError as error:
        raise fail(str(error)) from None
    note(f"API key #{info.id} “{info.name}” ({info.role}); store it now, it is not shown again:")
    typer.echo(key)


@keys_app.command("list")
def keys_list(format: str = table_or_json_option(), db: str | None = db_option()) -> None:
    """List API keys (never the keys themselves)."""
    from dualuse.service.keys import list_keys

    rows = list_keys(open_db(db))
    if format == "json":
        print_json([k.as_dict() for k in rows])
        return
    table = Table(title="API keys")
    for column in ("id", "name", "role", "prefix", "created", "by", "last used", "revoked"):
        table.add_column(column)
    for k in rows:
        table.add_row(str(k.id), k.name, k.role, k.prefix + "…", k.created_at[:19], k.created_by, (k.last_used_at or "-")[:19], (k.revoked_at or "-")[:19])
    console.print(table)


@keys_app.command("revoke")
def keys_revoke(key_id: int = typer.Argument(...), actor: str | None = actor_option(), db: str | None = db_option()) -> None:
    """Revoke an API key."""
    from dualuse.service.keys import ApiKeyError, revoke_key

    try:
        info = revoke_key(open_db(db), key_id, actor_of(actor))
    except ApiKeyError as error:
        raise fail(str(error)) from None
    console.print(f"API key #{info.id} “{info.name}” revoked")


# --- serve ------------------------------------------------------------------------------


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help=N_("Interface to listen on.")),
    port: int = typer.Option(8000, "--port", min=1, max=65535),
    db: str | None = db_option(),
    max_body: int = typer.Option(2_000_000, "--max-body", min=1024, help=N_("Largest request body accepted, in bytes (list updates: 20x this).")),
    max_batch: int = typer.Option(500, "--max-batch", min=1, help=N_("Most shipments (or /match queries) per request.")),
    secure_cookies: bool = typer.Option(False, "--secure-cookies", help=N_("Mark the web application's cookies Secure (when it is served over HTTPS).")),
    workers: int = typer.Option(1, "--workers", min=1, help=N_("Worker processes serving requests (uvicorn workers sharing the database and the cached index).")),
) -> None:
    """Run the REST API (OpenAPI docs at /docs) and the web application (/app); API requests need an API key (`dualuse keys create`), people sign in (`dualuse users add`)."""
    import uvicorn

    from dualuse.api.app import ApiSettings, create_app

    check_port_free(host, port)  # before the URL is printed: a busy port is an error, not a URL that does not answer
    database = open_db(db)
    app = create_app(database, ApiSettings(max_body_bytes=max_body, max_batch=max_batch), secure_cookies=secure_cookies) if workers == 1 else None
    note(_("dualuse API on http://{host}:{port} (records in {where}); OpenAPI at /docs").format(host=host, port=port, where=database.label))
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    note(_("Web application: open http://{host}:{port}/app/ in a browser (sign in with a user from `dualuse users add`)").format(host=shown, port=port))
    if app is not None:
        uvicorn.run(app, host=host, port=port, log_level="info", server_header=False)
        return
    import os

    from dualuse.api import serving

    serving.prepare(database)  # the indexes are built (or found) once, before the workers load them
    os.environ[serving.SETTINGS_ENV] = serving.settings_env(database.url, max_body, max_batch, secure_cookies)
    note(_("{count} worker processes").format(count=workers))
    uvicorn.run("dualuse.api.serving:app_from_environment", factory=True, workers=workers, host=host, port=port, log_level="info", server_header=False)


def check_port_free(host: str, port: int) -> None:
    """Exit with status 2 when ``host:port`` cannot be listened on (in use, or not an address of this machine)."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise fail(_("--host {host!r}: not an address of this machine ({reason})").format(host=host, reason=error.strerror or error)) from None
    family, kind, proto, _name, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does: a port in TIME_WAIT is free
        try:
            probe.bind(address)
        except OSError as error:
            raise fail(
                _("cannot listen on {host}:{port}: {reason}; is another server running there? Choose another --port").format(
                    host=host, port=port, reason=error.strerror or error
                )
            ) from None


# --- init -------------------------------------------------------------------------------


def init(db: str | None = db_option()) -> None:
    """Choose the records database: create (and migrate) it, so that `dualuse screen` records from now on."""
    from dualuse.storage import db as storage_db

    try:
        existed = storage_db.exists(db)
        url = storage_db.display_url(storage_db.resolve_url(db))
    except storage_db.DatabaseError as error:
        raise fail(str(error)) from None
    open_db(db, create=True)
    if existed:
        note(_("records database {where} is ready (it existed already; nothing was changed)").format(where=url))
    else:
        note(_("created the records database {where}: screenings are recorded there from now on (append-only, kept for at least five years)").format(where=url))

"""``dualuse lists``, ``dualuse rules`` and ``dualuse data build|validate``."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from dualuse.cli.render import verdict_text
from dualuse.i18n import N_, _, citation, current
from dualuse.cli.common import console, fail
from dualuse.refdata import store
from dualuse.rules.loader import load_rules

data_app = typer.Typer(help="Build and validate the packaged reference data.", no_args_is_help=True)


def lists() -> None:
    """Show each list: entries, latest announcement and data date."""
    manifest = store.load_manifest()
    table = Table(title=_("Screening lists"), caption=_("data version {version}").format(version=manifest.version))
    for column in (N_("list"), N_("name"), N_("entries"), N_("latest instrument"), N_("dated"), N_("data as of"), N_("legal basis")):
        table.add_column(_(column))
    for info in store.load_lists():
        table.add_row(
            info.id,
            f"{info.name_en}\n{info.name_zh}",
            str(info.entries),
            citation(info.latest_announcement) if info.latest_announcement else "-",
            info.latest_date.isoformat() if info.latest_date else "-",
            info.data_date.isoformat(),
            info.legal_basis,
        )
    console.print(table)
    knowledge_summary()


def knowledge_summary() -> None:
    """The live data's knowledge horizon and the changes it schedules after it (expected, not confirmed)."""
    from dualuse.decision.horizon import apply_measure_statuses
    from dualuse.refdata.horizon import pending_changes

    knowledge = store.load_knowledge()
    console.print(f"[bold]Knowledge horizon {knowledge.horizon.isoformat()}[/]: the sources were checked up to this date. {knowledge.horizon_basis}")
    changes = pending_changes(store.load_entries(), store.load_catalogue(), apply_measure_statuses(load_rules(), knowledge), knowledge)
    table = Table(title="Pending changes: scheduled after the horizon, expected, not confirmed", show_lines=True)
    for column in ("due", "change", "scheduled by", "affects", "notes (not applied)"):
        table.add_column(column)
    for change in changes:
        kinds: dict[str, int] = {}
        for target in change.targets:
            kinds[target.kind] = kinds.get(target.kind, 0) + 1
        words = {"entry": ("list entry", "list entries"), "control": ("control code", "control codes"), "rule": ("rule", "rules")}
        affects = ", ".join(f"{n} {words[k][n != 1]}" for k, n in sorted(kinds.items()))
        notes = "\n".join(f"{n.date} {n.issuer} ({n.confidence}): {n.text_en}" for n in change.notes) or "-"
        table.add_row(change.date.isoformat(), change.describe(), change.scheduled_by, affects, notes)
    if not changes:
        table.add_row("-", "nothing is scheduled after the horizon", "", "", "")
    console.print(table)
    later = [i for i in knowledge.instruments if i.published and i.published > knowledge.horizon]
    if later:
        console.print("Instruments known after the horizon (recorded from later sources): " + "; ".join(f"{i.citation} ({i.published}, {i.confidence}): {i.effect}" for i in later))


def rules() -> None:
    """Show the rules, their legal sources and dates."""
    rule_set = load_rules()
    table = Table(title=_("Rules"), caption=_("rules version {version}").format(version=rule_set.version), show_lines=True)
    table.add_column("id", no_wrap=True)
    for column in (N_("verdict"), N_("title"), N_("legal source"), N_("effective"), N_("suspended")):
        table.add_column(_(column))
    for rule in rule_set.rules:
        suspended = "; ".join(f"{i.start} – {i.end or 'open'}" for i in rule.status_intervals) or "-"
        title = rule.title_zh if current() == "zh" else f"{rule.title_en}\n{rule.title_zh}"
        table.add_row(rule.id, verdict_text(rule.verdict), title, citation(rule.legal_source.citation), rule.effective.isoformat(), suspended)
    console.print(table)


@data_app.command("build")
def build(
    source: Path | None = typer.Option(None, "--source", help="Directory of raw reference data (default: ../shared/data beside the repository)."),
    out: Path | None = typer.Option(None, "--out", help="Output directory (default: the package's data directory)."),
    curated: Path | None = typer.Option(None, "--curated", help="Curated CSV directory (default: data-sources/curated)."),
) -> None:
    """Rebuild the packaged reference data from the raw sources, then validate it."""
    from dualuse.refdata.build import BuildError, default_paths
    from dualuse.refdata.build import build as run_build
    from dualuse.refdata.validate import validate_data

    defaults = default_paths()
    target = out or defaults["out"]
    try:
        summary = run_build(source or defaults["source"], target, curated or defaults["curated"])
    except (BuildError, OSError) as error:
        raise fail(f"build failed: {error}") from None
    console.print(f"data version {summary.version} written to {target}")
    for list_id, count in summary.counts.items():
        console.print(f"  {list_id:8} {count:4d} entries")
    problems = validate_data(target)
    if problems:
        for problem in problems:
            console.print(f"[red]✗[/] {problem}")
        raise typer.Exit(2)
    console.print("[green]validation: no problems[/]")


@data_app.command("validate")
def validate(data_dir: Path | None = typer.Option(None, "--data-dir", help="Data directory (default: the packaged data).")) -> None:
    """Validate the reference data and rules; exit 2 on any problem."""
    from dualuse.refdata.validate import validate_data
    from dualuse.rules.validate import validate_rules

    problems = validate_data(data_dir) + validate_rules(load_rules())
    if problems:
        for problem in problems:
            console.print(f"[red]✗[/] {problem}")
        raise typer.Exit(2)
    console.print("[green]reference data and rules are valid[/]")

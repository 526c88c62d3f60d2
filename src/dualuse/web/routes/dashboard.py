"""The dashboard: shipments screened, verdicts, open alerts by age, hits by list and announcement over time."""

from __future__ import annotations

from fastapi import APIRouter, Request

from dualuse import i18n
from dualuse.i18n import N_
from dualuse.service import browse
from dualuse.service.screening import live_screener
from dualuse.web import charts
from dualuse.web.context import lang_of, render, user_with

router = APIRouter()
AGE_LABELS = (N_("< 1 day"), N_("1-7 days"), N_("7-30 days"), N_("> 30 days"))  # browse.AGE_BUCKETS, translated here


@router.get("/")
def dashboard(request: Request):
    """The numbers, drawn as SVG charts."""
    user_with(request, "screener")
    db = request.app.state.db
    _info, screener = live_screener(db)
    entries = screener.entries_by_id  # type: ignore[attr-defined]

    def announcement_of(entry_id: str) -> str | None:
        entry = entries.get(entry_id)
        return entry.legal_source.citation if entry is not None else None

    numbers = browse.dashboard(db, announcement_of)
    lang = lang_of(request)
    with i18n.using(lang):
        verdict_rows = [(i18n.gettext(v), n) for v, n in numbers.verdicts.items()]
        age_rows = [(i18n.gettext(label), n) for label, n in numbers.alerts_by_age]
        announcement_rows = [(i18n.citation(c), n) for c, n in numbers.hits_by_announcement]
    return render(
        request, "dashboard.html", numbers=numbers, verdict_rows=verdict_rows, age_rows=age_rows, announcement_rows=announcement_rows,
        verdict_colours=[charts.VERDICT_COLOURS[v] for v in numbers.verdicts], active="dashboard",
    )

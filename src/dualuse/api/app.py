"""The dualuse REST API (FastAPI; ``dualuse serve``). OpenAPI at ``/openapi.json``, docs at ``/docs``.

Every route but ``/health`` and yente's ``/healthz``, ``/readyz``,
``/catalog`` and ``/algorithms`` needs an API key whose role includes the
route's role (see :mod:`dualuse.api.auth`):

=======  ==========================================  ========
method   path                                        role
=======  ==========================================  ========
GET      /health                                     (none)
GET      /healthz, /readyz, /catalog, /algorithms    (none; yente-compatible)
POST     /screen                                     screener
POST     /screen/batch                               screener
POST     /parties/match                              screener
POST     /items/classify                             screener
POST     /match/{dataset}   (yente-compatible)       screener
GET      /search/{dataset}  (yente-compatible)       screener
GET      /entities/{id}     (yente-compatible)       screener
GET      /shipments, /shipments/{id}                 screener
GET      /alerts, /alerts/{id}                       screener
GET      /alerts/{id}/attachment                     screener
POST     /alerts/{id}/decision                       reviewer
GET      /whitelist                                  screener
POST     /whitelist                                  reviewer
POST     /whitelist/{id}/revoke                      reviewer
GET      /lists                                      screener
GET      /lists/versions, /lists/versions/{ref}      screener
GET      /lists/diff                                 screener
POST     /lists/update                               admin
GET      /audit/verify                               reviewer
GET      /audit/export                               reviewer
GET      /keys                                       admin
POST     /keys                                       admin
POST     /keys/{id}/revoke                           admin
=======  ==========================================  ========

Limits: request bodies up to ``max_body_bytes`` (2 MB; list updates 20x),
at most ``max_batch`` shipments per batch and queries per ``/match``
(500): larger requests get 413 / 400 with a message naming the limit.
Errors are JSON ``{"detail": ...}``; no stack trace is ever sent.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import tempfile
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import FileResponse, Response, StreamingResponse
from starlette.background import BackgroundTask

from dualuse import __version__
from dualuse.api import auth, yente
from dualuse.api.limits import BodyLimit, JsonBodyGuard, RateLimiter, install_error_handlers
from dualuse.api.schemas import (
    BatchIn,
    BatchOut,
    DecisionIn,
    DecisionOut,
    ItemIn,
    KeyIn,
    KeyOut,
    Page,
    PartyIn,
    PartyOut,
    ReasonIn,
    ScreenOut,
    WhitelistIn,
)
from dualuse.models.reference import LIST_IDS
from dualuse.models.shipment import Shipment
from dualuse.service import alerts as alert_service
from dualuse.service import audit as audit_service
from dualuse.service import keys as key_service
from dualuse import values
from dualuse.service import updates, versions
from dualuse.service.screening import ScreeningResult, live_screener, screen_and_record
from dualuse.storage.db import Database, open_database


@dataclass(frozen=True)
class ApiSettings:
    """Limits of the API.

    Attributes:
        max_body_bytes: largest request body (bytes); ``/lists/update`` accepts ``update_factor`` times more.
        max_batch: most shipments in ``/screen/batch`` and queries in ``/match``.
        update_factor: see ``max_body_bytes``.
        max_json_depth: deepest nesting of a JSON body (400 beyond; :class:`~dualuse.api.limits.JsonBodyGuard`).
        rate_per_minute: requests per minute per API key (429 beyond; :class:`~dualuse.api.limits.RateLimiter`).
    """

    max_body_bytes: int = 2_000_000
    max_batch: int = 500
    update_factor: int = 20
    max_json_depth: int = 32
    rate_per_minute: int = 1200


TAGS = [
    {"name": "screening", "description": "Screen shipments against the live list version; every screening is recorded."},
    {"name": "lookup", "description": "Match a party name, classify an item."},
    {"name": "yente-compatible API", "description": "yente 5.5.0's routes (/match, /search, /entities, /catalog, /algorithms, /healthz, /readyz) on dualuse's lists."},
    {"name": "review", "description": "Alerts, decisions, shipment status."},
    {"name": "whitelist", "description": "Remembered false positives."},
    {"name": "lists", "description": "List versions, diffs and updates."},
    {"name": "audit", "description": "The hash-chained audit records."},
    {"name": "keys", "description": "API keys and roles."},
]


def _screen_out(result: ScreeningResult) -> ScreenOut:
    return ScreenOut(
        shipment_id=result.shipment_id,
        decision=result.decision,
        record_seq=result.record_seq,
        status=result.status,  # type: ignore[arg-type]
        alerts_opened=result.alerts_opened,
        open_alerts=result.open_alerts,
    )


DOCS_ASSETS = "/docs/assets"


def _offline_docs(app: FastAPI) -> None:
    """``/docs`` (Swagger UI) from the ``swagger-ui-bundle`` package (Apache-2.0), never from a CDN.

    FastAPI's default page loads its JavaScript and CSS from jsDelivr, so it
    is blank offline and where that CDN is blocked (often in mainland
    China). The same Swagger UI files ship in the ``swagger-ui-bundle``
    wheel; they are served under ``/docs/assets`` (no API key, like the page).
    """
    from fastapi.openapi.docs import get_swagger_ui_html
    from fastapi.staticfiles import StaticFiles
    from swagger_ui_bundle import swagger_ui_path

    app.mount(DOCS_ASSETS, StaticFiles(directory=swagger_ui_path), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def docs():
        return get_swagger_ui_html(
            openapi_url=app.openapi_url,
            title="dualuse API",
            swagger_js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{DOCS_ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{DOCS_ASSETS}/favicon-32x32.png",
        )


def create_app(db: Database | str | None = None, settings: ApiSettings | None = None, web: bool = True, secure_cookies: bool = False) -> FastAPI:
    """Build the API bound to a database (a :class:`Database`, a URL, or the default).

    With ``web`` (default) the web application (:mod:`dualuse.web`) is mounted at ``/app``
    and ``/`` redirects to it; ``secure_cookies`` marks its cookies ``Secure`` (behind HTTPS).

    Raises:
        dualuse.storage.db.DatabaseError: the database cannot be opened.
    """
    database = db if isinstance(db, Database) else open_database(db)
    settings = settings or ApiSettings()
    app = FastAPI(
        title="dualuse",
        version=__version__,
        description=(
            "Screen shipments against China's dual-use export controls, keep the records (hash-chained, "
            "append-only), review uncertain hits, update the lists and re-screen. Decision support, not legal advice.\n\n"
            "Authenticate with an API key: `Authorization: ApiKey <key>`, `Authorization: Bearer <key>`, `X-API-Key: <key>`, "
            "HTTP Basic with the key as password, or `?api_key=<key>`."
        ),
        openapi_tags=TAGS,
        debug=False,
        docs_url=None,  # served below from packaged assets: the default loads them from a CDN
        redoc_url=None,
    )
    _offline_docs(app)
    app.state.db = database
    app.state.settings = settings
    lock = threading.Lock()
    searches: dict[str, object] = {}

    def live():
        return live_screener(database)

    def catalogue_search():
        info, _ = live()
        with lock:
            found = searches.get(info.version)
            if found is None:
                from dualuse.classification.search import cached_search

                # the live version's files: the search index is built once per content (dualuse.artefacts)
                found = searches[info.version] = cached_search(versions.materialize(database, info))
            return found

    app.state.live = live
    app.state.rate = RateLimiter(settings.rate_per_minute)
    app.add_middleware(JsonBodyGuard, max_depth=settings.max_json_depth)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes, large_paths=("/lists/update", "/app/screen", "/app/lists/update"), large_bytes=settings.max_body_bytes * settings.update_factor)
    install_error_handlers(app)
    app.include_router(yente.router)
    if web:
        from dualuse.web.app import mount

        mount(app, database, secure_cookies=secure_cookies)

    # --- health ----------------------------------------------------------------------

    @app.get("/health", tags=["screening"], summary="Liveness and the live list version (no key needed)")
    def health() -> dict:
        """``status``, the dualuse version and the live list version."""
        info = versions.current(database)
        return {"status": "ok", "version": __version__, "list_version": info.version, "list_version_seq": info.seq}

    # --- screening -------------------------------------------------------------------

    @app.post("/screen", tags=["screening"], response_model=ScreenOut, summary="Screen one shipment and record it")
    def screen_one(
        shipment: Shipment,
        as_of: str | None = Query(None, description="Evaluate at this date instead of the shipment date (2026-03-02, 2026/3/2, 令和8年3月2日 ...)"),
        record: bool = Query(True, description="Keep a record and open alerts (false: a what-if)"),
        key=Depends(auth.screener),
    ) -> ScreenOut:
        """Screen one shipment against the live list version; the decision, reasons, hits, versions, caller and time are recorded."""
        try:
            day = values.parse_date(as_of) if as_of else None
        except ValueError as error:
            raise HTTPException(422, f"as_of {as_of!r}: {error}") from None
        result = screen_and_record(database, [shipment], actor=key.actor, channel="api", as_of=day, record=record)[0]
        return _screen_out(result)

    @app.post("/screen/batch", tags=["screening"], response_model=BatchOut, summary="Screen several shipments and record each")
    def screen_batch(body: BatchIn, key=Depends(auth.screener)) -> BatchOut:
        """Screen up to the batch limit of shipments (default 500) in one request."""
        if len(body.shipments) > settings.max_batch:
            raise HTTPException(400, f"batch too large: {len(body.shipments)} shipments, at most {settings.max_batch} per request")
        ids = Counter(s.id for s in body.shipments)
        duplicates = sorted(i for i, n in ids.items() if n > 1)
        if duplicates:
            raise HTTPException(400, f"shipment ids repeat in the batch: {', '.join(duplicates[:20])}")
        results = screen_and_record(database, body.shipments, actor=key.actor, channel="api-batch", as_of=body.as_of, record=body.record)
        return BatchOut(results=[_screen_out(r) for r in results], summary=dict(Counter(r.decision.verdict for r in results)))

    # --- lookups ---------------------------------------------------------------------

    @app.post("/parties/match", tags=["lookup"], response_model=PartyOut, summary="Which list entries does a name refer to?")
    def match_party(body: PartyIn, key=Depends(auth.screener)) -> PartyOut:
        """Match a party name (any script) against the live lists; each hit explains what matched."""
        from dualuse.cli.match import hit_record

        unknown = [name for name in body.lists or [] if name not in LIST_IDS]
        if unknown:
            raise HTTPException(400, f"unknown list(s) {', '.join(unknown)}; expected {', '.join(LIST_IDS)}")
        info, screener = live()
        results = screener.matcher.match(body.name, country=body.country.upper() if body.country else None, lists=body.lists, limit=body.limit)
        return PartyOut(query=body.name, list_version=info.version, hits=[hit_record(r) for r in results])

    @app.post("/items/classify", tags=["lookup"], summary="Classify an item: control code, HS code or description")
    def classify_item(body: ItemIn, key=Depends(auth.screener)) -> dict:
        """Look the item up in the live version's licence catalogue."""
        from dualuse.cli.item import lookup_record

        return lookup_record(catalogue_search().lookup(body.query))

    # --- shipments and alerts ----------------------------------------------------------

    @app.get("/shipments", tags=["review"], response_model=Page, summary="Screened shipments and their status")
    def list_shipments(
        status: str | None = Query(None, description="final or pending_review"),
        limit: int = Query(100, ge=1, le=1000),
        offset: int = Query(0, ge=0),
        key=Depends(auth.screener),
    ) -> Page:
        """Shipments, most recently screened first."""
        rows = alert_service.list_shipments(database, status, limit, offset)
        return Page(total=len(rows), items=rows)

    @app.get("/shipments/{shipment_id}", tags=["review"], summary="A shipment's latest decision, status and alerts")
    def get_shipment(shipment_id: str, key=Depends(auth.screener)) -> dict:
        """The decision is final when no alert of the shipment is open or escalated."""
        return alert_service.shipment_view(database, shipment_id)

    @app.get("/alerts", tags=["review"], response_model=Page, summary="The review queue")
    def list_alerts(
        status: str = Query("pending", description="pending (open or escalated), open, escalated, closed, confirmed, false_positive, all"),
        shipment_id: str | None = Query(None),
        kind: str | None = Query(None, description="possible_match, review_hit, review, list_change, counterparty_list_change"),
        limit: int = Query(100, ge=1, le=1000),
        offset: int = Query(0, ge=0),
        key=Depends(auth.screener),
    ) -> Page:
        """Alerts, newest first."""
        total, rows = alert_service.list_alerts(database, status, shipment_id, kind, limit, offset)
        return Page(total=total, items=rows)

    @app.get("/alerts/{alert_id}", tags=["review"], summary="One alert with its decision history")
    def get_alert(alert_id: int, key=Depends(auth.screener)) -> dict:
        """The hit or reasons behind the alert, and every decision taken on it."""
        return alert_service.get_alert(database, alert_id)

    @app.get("/alerts/{alert_id}/attachment", tags=["review"], summary="The file attached to an alert's decision")
    def get_attachment(alert_id: int, key=Depends(auth.screener)) -> Response:
        """The attachment as uploaded."""
        name, media_type, content = alert_service.get_attachment(database, alert_id)
        safe = "".join(ch for ch in name if ch.isalnum() or ch in "._- ") or "attachment"
        return Response(content, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{safe}"'})

    @app.post("/alerts/{alert_id}/decision", tags=["review"], response_model=DecisionOut, summary="Decide an alert (reviewer)")
    def decide(alert_id: int, body: DecisionIn, key=Depends(auth.reviewer)) -> DecisionOut:
        """Mark the alert confirmed, false positive or escalated, with a reason and optional attachment."""
        attachment = None
        if body.attachment is not None:
            try:
                content = base64.b64decode(body.attachment.content_base64, validate=True)
            except (binascii.Error, ValueError):
                raise HTTPException(400, "attachment.content_base64 is not valid base64") from None
            attachment = (body.attachment.filename, content, body.attachment.media_type)
        outcome = alert_service.decide_alert(database, alert_id, body.status, body.reason, key.actor, "api", attachment, body.whitelist)
        return DecisionOut(
            alert=outcome.alert,
            whitelist_id=outcome.whitelist_id,
            shipment_status=outcome.shipment_status,
            final=_screen_out(outcome.final) if outcome.final is not None else None,
        )

    # --- whitelist ---------------------------------------------------------------------

    @app.get("/whitelist", tags=["whitelist"], response_model=Page, summary="Whitelist entries")
    def list_whitelist(status: str = Query("active", description="active, lapsed, revoked or all"), key=Depends(auth.screener)) -> Page:
        """Remembered false positives; lapsed ones name the list change that ended them."""
        rows = alert_service.list_whitelist(database, status)
        return Page(total=len(rows), items=rows)

    @app.post("/whitelist", tags=["whitelist"], status_code=201, summary="Whitelist a counterparty for a list entry (reviewer)")
    def add_whitelist(body: WhitelistIn, key=Depends(auth.reviewer)) -> dict:
        """From a false-positive alert (``alert_id``) or directly (``party_name``, ``country``, ``entry_id``)."""
        return alert_service.add_whitelist(
            database, reason=body.reason, actor=key.actor, channel="api", alert_id=body.alert_id,
            party_name=body.party_name, country=body.country.upper() if body.country else None, entry_id=body.entry_id,
        )

    @app.post("/whitelist/{whitelist_id}/revoke", tags=["whitelist"], summary="Withdraw a whitelist entry (reviewer)")
    def revoke_whitelist(whitelist_id: int, body: ReasonIn, key=Depends(auth.reviewer)) -> dict:
        """The entry is kept, marked revoked."""
        return alert_service.revoke_whitelist(database, whitelist_id, body.reason, key.actor, "api")

    # --- lists ---------------------------------------------------------------------------

    @app.get("/lists", tags=["lists"], summary="The lists of the live version")
    def get_lists(key=Depends(auth.screener)) -> dict:
        """Each list: entries, latest instrument, data date; the knowledge horizon and the changes expected after it."""
        from dualuse.decision.horizon import knowledge_report
        from dualuse.refdata import store

        info = versions.current(database)
        directory = versions.materialize(database, info)
        return {"version": info.as_dict(), "lists": [i.model_dump(mode="json") for i in store.load_lists(directory)], "knowledge": knowledge_report(directory)}

    @app.get("/lists/versions", tags=["lists"], summary="Every stored list version")
    def list_versions(key=Depends(auth.screener)) -> list[dict]:
        """Oldest first; ``current`` marks the live one."""
        return [v.as_dict() for v in versions.history(database)]

    @app.get("/lists/versions/{ref}", tags=["lists"], summary="One list version")
    def get_version(ref: str, key=Depends(auth.screener)) -> dict:
        """By seq, version string, ``current`` or ``previous``."""
        return versions.resolve(database, ref).as_dict()

    @app.get("/lists/diff", tags=["lists"], summary="What changed between two versions")
    def diff(
        from_: str = Query("previous", alias="from", description="Older version (seq, version, previous, current)"),
        to: str = Query("current", description="Newer version"),
        on: dt.date | None = Query(None, description="Compare statuses on this date (default today)"),
        key=Depends(auth.screener),
    ) -> dict:
        """Added, removed and changed entries, and status changes."""
        return updates.diff_versions(database, from_, to, on).as_dict()

    @app.post("/lists/update", tags=["lists"], summary="Load a new list version from FollowTheMoney JSON lines (admin)")
    async def update_lists(
        request: Request,
        replace: bool = Query(False, description="Remove entries of the named lists that the file lacks"),
        as_of: dt.date | None = Query(None, description="Data date of the update (default today)"),
        dry_run: bool = Query(False, description="Validate and diff only"),
        recent_days: int = Query(90, ge=0, le=3650),
        allow_mass_removal: bool = Query(False, description="Accept an update that removes more than a fifth of the live entries"),
        key=Depends(auth.admin),
    ) -> dict:
        """The body is FollowTheMoney JSON lines (``application/x-ndjson``). It is validated completely
        before anything changes; an invalid update answers 422 with every problem and the live version stays live."""
        from starlette.concurrency import run_in_threadpool

        body = await request.body()
        if not body.strip():
            raise HTTPException(400, "the body is empty; expected FollowTheMoney JSON lines")
        return await run_in_threadpool(_update, body, replace, as_of, dry_run, recent_days, key.actor, allow_mass_removal)

    def _update(body: bytes, replace: bool, as_of, dry_run: bool, recent_days: int, actor: str, allow_mass_removal: bool = False) -> dict:
        from dualuse.service.diff import diff_entries

        with tempfile.TemporaryDirectory(prefix="dualuse-api-update-") as tmp:
            path = Path(tmp) / "update.jsonl"
            path.write_bytes(body)
            prepared = updates.prepare(database, path, replace=replace, as_of=as_of, allow_mass_removal=allow_mass_removal)
            prepared.source = f"API upload by {actor}"
            if dry_run:
                live_info = versions.current(database)
                result = diff_entries(versions.entries_of(database, live_info), prepared.entries(), live_info.version, prepared.version)
                return {"dry_run": True, "version": prepared.version, "notes": prepared.notes, "diff": result.as_dict()}
            report = updates.apply(database, prepared, actor=actor, recent_days=recent_days)
        if report.unchanged:
            return {"unchanged": True, "version": report.new.as_dict()}
        return {
            "version": report.new.as_dict(),
            "previous": report.old.as_dict(),
            "record_seq": report.record_seq,
            "notes": report.notes,
            "diff": report.diff.as_dict(),
            "whitelist_lapsed": report.lapsed,
            "rescreen": report.rescreen.as_dict() if report.rescreen else None,
        }

    # --- audit ------------------------------------------------------------------------------

    @app.get("/audit/verify", tags=["audit"], summary="Verify the hash chain (reviewer)")
    def verify(key=Depends(auth.reviewer)) -> dict:
        """Every edited or deleted record is named."""
        report = audit_service.verify(database)
        return {
            "ok": report.ok,
            "records": report.records,
            "head": {"seq": report.head_seq, "hash": report.head_hash},
            "problems": [p.__dict__ for p in report.problems],
        }

    @app.get("/audit/export", tags=["audit"], summary="Export the audit records (reviewer)")
    def export(
        format: str = Query("jsonl", description="jsonl or xlsx"),
        from_: dt.date | None = Query(None, alias="from"),
        to: dt.date | None = Query(None),
        kind: list[str] = Query([], description="Only these record kinds"),
        key=Depends(auth.reviewer),
    ):
        """JSON Lines (streamed) or an XLSX workbook (Records, Screenings, Alerts, Whitelist, List versions)."""
        if format == "jsonl":
            return StreamingResponse(
                audit_service.jsonl_lines(database, from_, to, kind or None),
                media_type="application/x-ndjson",
                headers={"Content-Disposition": 'attachment; filename="dualuse-audit.jsonl"'},
            )
        if format != "xlsx":
            raise HTTPException(400, f"format {format!r}: expected jsonl or xlsx")
        tmp = Path(tempfile.mkdtemp(prefix="dualuse-export-")) / "dualuse-audit.xlsx"
        audit_service.export_xlsx(database, tmp, from_, to, kind or None)

        def cleanup() -> None:
            import shutil

            shutil.rmtree(tmp.parent, ignore_errors=True)

        return FileResponse(
            tmp,
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            filename="dualuse-audit.xlsx",
            background=BackgroundTask(cleanup),
        )

    # --- keys --------------------------------------------------------------------------------

    @app.get("/keys", tags=["keys"], response_model=list[KeyOut], summary="API keys (admin)")
    def list_keys(key=Depends(auth.admin)) -> list[KeyOut]:
        """Every key, never the key itself."""
        return [KeyOut(**k.as_dict()) for k in key_service.list_keys(database)]

    @app.post("/keys", tags=["keys"], response_model=KeyOut, status_code=201, summary="Create an API key (admin)")
    def create_key(body: KeyIn, key=Depends(auth.admin)) -> KeyOut:
        """The key is in the answer once; only its hash is stored."""
        secret, info = key_service.create_key(database, body.role, body.name, key.actor, "api")
        return KeyOut(**info.as_dict(), key=secret)

    @app.post("/keys/{key_id}/revoke", tags=["keys"], response_model=KeyOut, summary="Revoke an API key (admin)")
    def revoke_key(key_id: int, key=Depends(auth.admin)) -> KeyOut:
        """The key stops working at once."""
        return KeyOut(**key_service.revoke_key(database, key_id, key.actor, "api").as_dict())

    return app

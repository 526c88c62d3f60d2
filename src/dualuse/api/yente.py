"""yente's public API on dualuse's lists: tools built for yente (Marble, yente-client, nomenklatura) work unchanged.

Implements the routes of yente 5.5.0 (``yente/routers/{admin,match,search}.py``,
models in ``yente/data/common.py``) with the same parameters, response
shapes, status codes and error bodies:

=========================================  ==========  =====================================
route                                      role        yente response model
=========================================  ==========  =====================================
GET  /healthz                              (none)      ``StatusResponse``
GET  /readyz                               (none)      ``StatusResponse`` (503 until the lists load)
GET  /catalog  (and /manifest)             (none)      ``DataCatalogModel``
GET  /algorithms                           (none)      ``AlgorithmResponse``
POST /match/{dataset}                      screener    ``EntityMatchResponse``
GET  /search/{dataset}                     screener    ``SearchResponse``
GET  /entities/{entity_id}                 screener    ``EntityResponse`` (308 for a referent)
=========================================  ==========  =====================================

The four open routes describe the service and the (public) lists only; Marble
calls ``/readyz`` and ``/catalog`` without credentials. Data about parties
needs a key (:mod:`dualuse.api.auth`: header, ``?api_key=`` or Basic).

**/match semantics.** Each query entity is cleaned as yente cleans it
(:func:`dualuse.api.ftm.clean_example`) and echoed cleaned. Its matchable names
(``name``, ``alias``, ``previousName`` ...; a Person's name parts combined)
are matched with dualuse's matcher against the lists in scope; its first
two-letter ``country``-typed value is supporting evidence. Then, as yente:

* ``cutoff`` (default = ``threshold``, and never above it): results with
  ``score <= cutoff`` are left out; below dualuse's review threshold (0.72) a
  result is ``unlikely`` and never a match;
* ``threshold`` (default 0.70, yente's): **``match: true`` only when dualuse's
  own decision is ``match`` (score >= 0.85, no closer explanation, no shared
  alias) and the score reaches the client's threshold.** A lower threshold
  never turns a ``possible`` into a match, a higher one can still withhold it;
* ``total.value`` counts the matches (yente counts results with ``match``),
  ``results`` holds up to ``limit`` results above the cutoff, best first;
* parents and subsidiaries of a matched entry (``related``) are not results;
* ``algorithm``: ``best``, ``dualuse``, and yente's names ``logic-v2``,
  ``logic-v1``, ``name-based``, ``name-qualified``, ``regression-v1``,
  ``ofac`` (case and spaces ignored) are all answered by dualuse's matcher;
  the scores are dualuse's, not nomenklatura's. ``config`` may carry the
  options the named algorithm has in nomenklatura 4.10.0 (accepted, not used);
  others are refused (400) as yente refuses them; ``weights`` are ignored;
* ``include_dataset``/``exclude_dataset`` narrow the path's dataset (unknown
  names: no results), ``exclude_schema``, ``exclude_entity_ids`` (FtM ids or
  dualuse ids), ``changed_since`` (``last_change`` after it) and ``topics``
  (any of) filter results.
"""

from __future__ import annotations

import datetime as dt
import inspect
import re
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, ConfigDict, Field

from dualuse.api import auth, ftm
from dualuse.api.yente_data import EntityView, view_for
from dualuse.matching.matcher import MATCH_THRESHOLD, REVIEW_THRESHOLD, STAGE2_FLOOR

# yente accepts a JSON body sent without a Content-Type header (yente/app.py: strict_content_type=False);
# Marble's Go client sends its /match body that way. Older FastAPI versions have no such check.
_LENIENT = {"strict_content_type": False} if "strict_content_type" in inspect.signature(APIRouter).parameters else {}
router = APIRouter(tags=["yente-compatible API"], **_LENIENT)

# yente 5.5.0 settings.py
SCORE_THRESHOLD = 0.70
MATCH_PAGE = 5
MAX_MATCHES = 500
DEFAULT_PAGE = 10
MAX_PAGE = 500
MAX_OFFSET = 9999 - MAX_PAGE
TS_PATTERN = r"^\d{4}-\d{2}-\d{2}(T\d{2}(:\d{2}(:\d{2})?)?)?$"
SEARCH_CUTOFF = 0.5  # yente SCORE_CUTOFF: a search hit is a name that scores at least this
DUALUSE = "dualuse"
FEATURE = "name_match"
FEATURE_DOCS = {
    FEATURE: {
        "description": "dualuse name match: token-aligned weighted similarity over every written form of the entry "
        "(English, Chinese, Japanese kanji/kana, romaji), legal forms set aside, country as supporting evidence; "
        f"a match needs {MATCH_THRESHOLD} and dualuse's decision, {REVIEW_THRESHOLD} to {MATCH_THRESHOLD} is a possible match",
        "coefficient": 1.0,
        "url": "https://github.com/dualuse/dualuse/blob/main/src/dualuse/matching/matcher.py",
    }
}
FACETS = ("datasets", "schema", "countries", "identifiers", "topics", "genders")
DEFAULT_FACETS = ["countries", "topics", "datasets"]


# --- request and response bodies (yente/data/common.py) ------------------------------------


class EntityExample(BaseModel):
    """A query entity, as yente's ``EntityExample``."""

    model_config = ConfigDict(populate_by_name=True)

    id: str | None = Field(None, examples=["my-entity-id"])
    schema_: str = Field(..., alias="schema", examples=["Company"])
    properties: dict[str, str | list[Any]] = Field(..., examples=[{"name": ["Mitsubishi Heavy Industries Aero Engines"], "country": ["jp"]}])


class EntityMatchQuery(BaseModel):
    """The request body, as yente's ``EntityMatchQuery`` (see the module docstring for ``weights`` and ``config``)."""

    weights: dict[str, float] = Field(default_factory=dict, examples=[{"name_literal": 0.8}])
    config: dict[str, str | int | float | bool | None] = Field(default_factory=dict, examples=[{"nm_number_mismatch": 0.4}])
    queries: dict[str, EntityExample]


# --- algorithms --------------------------------------------------------------------------------


def algorithm_key(name: str) -> str:
    """Normalise an algorithm name: case, surrounding spaces, inner spaces and ``_`` (``"Logic V2"`` -> ``"logic-v2"``)."""
    return re.sub(r"[\s_]+", "-", name.strip().lower())


def algorithm_names() -> list[str]:
    """Every accepted algorithm name (``best`` and ``default`` resolve to ``dualuse``)."""
    return [DUALUSE, *ftm.algorithms()]


def resolve_algorithm(name: str) -> str:
    """The canonical name an algorithm parameter names.

    Raises:
        HTTPException: 400 ``Invalid algorithm: <name>`` (yente's body).
    """
    key = algorithm_key(name)
    if key in ("best", "default"):
        return DUALUSE
    if key in algorithm_names():
        return key
    raise HTTPException(400, detail=f"Invalid algorithm: {name}")


def check_config(algorithm: str, config: dict[str, Any]) -> None:
    """Refuse configuration options the named algorithm does not have (yente's 400 and message)."""
    known = ftm.algorithms().get(algorithm, {}).get("config", {})
    for key in config:
        if key not in known:
            raise HTTPException(400, detail=f"Invalid configuration parameter: {key} for algorithm {algorithm}")


def algorithms_response() -> dict:
    """yente's ``AlgorithmResponse``: dualuse's matcher under its own name and each yente name it answers."""
    entries = [
        {
            "name": DUALUSE,
            "description": "dualuse's name matcher (see the feature); every algorithm name below is answered by it.",
            "features": FEATURE_DOCS,
            "docs": {"name": DUALUSE, "description": "dualuse's name matcher", "config": {}, "features": FEATURE_DOCS},
        }
    ]
    for name, spec in ftm.algorithms().items():
        description = f"Answered by dualuse's matcher (nomenklatura's {name} is not run; its configuration options are accepted and not used). nomenklatura: {spec['description']}"
        entries.append(
            {
                "name": name,
                "description": description,
                "features": FEATURE_DOCS,
                "docs": {"name": name, "description": description, "config": spec["config"], "features": FEATURE_DOCS},
            }
        )
    return {"algorithms": entries, "default": "best", "best": DUALUSE}


# --- helpers ---------------------------------------------------------------------------------


def live_view(request: Request) -> tuple[EntityView, Any]:
    """The live version's :class:`EntityView` and its screener."""
    from dualuse.refdata import store
    from dualuse.service import versions

    state = request.app.state
    info, screener = state.live()
    view = view_for(
        info.version,
        info.data_date,
        lambda: screener.entries,
        lambda: store.load_lists(versions.materialize(state.db, info)),
    )
    return view, screener


def _scope(view: EntityView, dataset: str, include: list[str], exclude: list[str]) -> set[str]:
    lists = view.resolve_dataset(dataset)
    if lists is None:
        raise HTTPException(404, detail="No such dataset.")
    if include:
        lists &= view.resolve_datasets(include)
    return lists - view.resolve_datasets(exclude)


def _excluded(view: EntityView, ids: list[str]) -> set[str]:
    out = set()
    for value in ids:
        found = view.find(value)
        out.add(found[0] if found else value)
    return out


def _matcher_country(entity: ftm.QueryEntity) -> str | None:
    return next((c.upper() for c in entity.values_of_type("country") if len(c) == 2), None)


def _scored(view: EntityView, entry, score: float, decision: str, explanation: str, query: str, candidate: str, threshold: float) -> dict:
    data = view.entity(entry)
    score = round(float(score), 4)
    is_match = decision == "match" and score >= threshold
    data.update(
        score=score,
        match=is_match,
        features={FEATURE: score},
        explanations={FEATURE: {"detail": f"{decision}: {explanation}", "score": score, "query": query, "candidate": candidate}},
    )
    return data


# --- system routes ---------------------------------------------------------------------------


@router.get("/healthz", summary="Health check", response_model=dict, responses={500: {"description": "Service is not ready"}})
def healthz() -> dict:
    """No-op liveness check (yente's): ``{"status": "ok"}`` while the process answers."""
    return {"status": "ok"}


@router.get("/readyz", summary="Search index readiness check", responses={503: {"description": "Index is not ready"}})
def readyz(request: Request) -> dict:
    """``{"status": "ok"}`` once the live list version is loaded and its matcher built; 503 ``Index not ready.`` otherwise."""
    try:
        live_view(request)
    except Exception:  # noqa: BLE001 - any failure to load the lists means not ready
        raise HTTPException(503, detail="Index not ready.") from None
    return {"status": "ok"}


@router.get("/catalog", summary="Data catalog")
@router.get("/manifest", include_in_schema=False)
def catalog(request: Request) -> dict:
    """Every list as a yente dataset (``cn_ecl`` ...) and the collections ``sanctions`` and ``default``."""
    view, _ = live_view(request)
    return view.catalog()


@router.get("/algorithms", summary="Matching algorithms")
def algorithms() -> dict:
    """The algorithm names ``/match`` accepts; all are answered by dualuse's matcher (see the module docstring)."""
    return algorithms_response()


# --- /match ------------------------------------------------------------------------------------


@router.post(
    "/match/{dataset}",
    summary="Query by example matcher (yente-compatible)",
    responses={400: {"description": "Invalid query"}, 404: {"description": "No such dataset"}},
)
def match(
    request: Request,
    response: Response,
    body: EntityMatchQuery,
    dataset: str = Path(..., description="default, sanctions, or a list (cn_ecl, cn_wl, cn_uel, cn_afsl, jp_mil, jp_def, us_mil)"),
    limit: int = Query(MATCH_PAGE, ge=0, le=MAX_MATCHES, description="Number of results to return"),
    threshold: float = Query(SCORE_THRESHOLD, description="Score threshold for results to be considered matches (see the rule in the API description)"),
    cutoff: float = Query(SCORE_THRESHOLD, description="Lower bound of score for results to be returned at all (at most the threshold)"),
    algorithm: str = Query("best", description="best, dualuse, logic-v2, logic-v1, name-based, name-qualified, regression-v1, ofac: all answered by dualuse's matcher"),
    include_dataset: list[str] = Query([], description="Only include the given datasets in results"),
    exclude_schema: list[str] = Query([], description="Remove the given types of entities from results"),
    exclude_dataset: list[str] = Query([], description="Remove the given datasets from results"),
    topics: list[str] = Query([], description="Only return results that match any of the given topics"),
    changed_since: str | None = Query(None, pattern=TS_PATTERN, description="Match against entities that were updated since the given date"),
    exclude_entity_ids: list[str] = Query([], max_length=50, description="Entity ids (FtM or dualuse) to exclude, e.g. decided false positives"),
    key=Depends(auth.screener),
) -> dict:
    """Match entities by example (yente's request and response shape; semantics in the API description)."""
    view, screener = live_view(request)
    lists = _scope(view, dataset, include_dataset, exclude_dataset)
    cutoff = min(cutoff, threshold)
    name = resolve_algorithm(algorithm)
    check_config(name, body.config)
    if len(body.queries) > request.app.state.settings.max_batch:
        raise HTTPException(400, detail=f"Too many queries in one batch (limit: {request.app.state.settings.max_batch})")
    excluded = _excluded(view, exclude_entity_ids)
    wanted_topics = set(topics)
    floor = max(cutoff, STAGE2_FLOOR)
    responses: dict[str, dict] = {}
    for query_key, example in body.queries.items():
        try:
            entity = ftm.clean_example(example.schema_, example.properties, example.id)
        except ftm.ExampleError as error:
            raise HTTPException(400, detail=f"Cannot parse example entity: {error}") from None
        country = _matcher_country(entity)
        scope = entity.schema.scope()
        best: dict[str, tuple] = {}
        for text in entity.names()[:20] if lists else []:
            for result in screener.matcher.match(text, country=country, lists=lists, limit=max(limit * 3, 20), floor=floor):
                if result.decision == "related":
                    continue  # a parent or subsidiary of a match is not a candidate for the name
                current = best.get(result.entry.id)
                if current is None or result.score > current[0].score:
                    best[result.entry.id] = (result, text)
        results = []
        for result, text in sorted(best.values(), key=lambda item: (-item[0].score, item[0].entry.id)):
            entry = result.entry
            canonical = view.ftm_ids.get(entry.id)
            if canonical is None or result.score <= cutoff:
                continue
            if entry.schema_ not in scope or entry.schema_ in exclude_schema or canonical in excluded:
                continue
            if wanted_topics and not wanted_topics & set(view.topics(entry)):
                continue
            scored = _scored(view, entry, result.score, result.decision, result.explanation(), text, result.form.value, threshold)
            if changed_since and not (scored["last_change"] or "") > changed_since:
                continue
            results.append(scored)
        matches = sum(1 for r in results if r["match"])
        responses[query_key] = {
            "status": 200,
            "results": results[:limit],
            "total": {"value": matches, "relation": "eq"},
            "query": {"id": example.id, "schema": entity.schema.name, "properties": entity.properties},
        }
    if not responses:
        raise HTTPException(400, detail="No queries provided.")
    response.headers["x-batch-size"] = str(len(responses))
    return {"responses": responses, "matcher": FEATURE_DOCS, "limit": limit}


# --- /search -----------------------------------------------------------------------------------


def _facet_values(view: EntityView, facet: str, entity: dict) -> list[str]:
    if facet == "datasets":
        return entity["datasets"]
    if facet == "schema":
        return [entity["schema"]]
    if facet == "countries":
        return entity["properties"].get("country", [])
    if facet == "topics":
        return entity["properties"].get("topics", [])
    if facet == "genders":
        return entity["properties"].get("gender", [])
    return []  # identifiers: the lists carry none


def _facet_label(view: EntityView, facet: str, value: str) -> str:
    if facet == "datasets":
        list_id = view.dataset_names().get(value)
        return view.lists[list_id].name_en if list_id in view.lists else value
    if facet == "schema":
        found = ftm.schema(value)
        return found.label if found else value
    if facet == "countries":
        return ftm.country_label(value)
    if facet == "topics":
        return ftm.topics().get(value, value)
    return value


FACET_LABELS = {"datasets": "Data sources", "schema": "Entity types", "countries": "Countries", "identifiers": "Identifiers", "topics": "Topics", "genders": "Genders"}


def _field_values(entity: dict, name: str) -> list[str]:
    if name.startswith("properties."):
        return [v for v in entity["properties"].get(name[len("properties."):], []) if isinstance(v, str)]
    if name in ("datasets", "referents"):
        return entity[name]
    if name in ("schema", "caption"):
        return [entity[name]]
    if name in ("id", "entity_id"):
        return [entity["id"], *entity["referents"]]
    if name == "countries":
        return entity["properties"].get("country", [])
    if name == "target":
        return [str(entity["target"]).lower()]
    return [v for v in entity["properties"].get(name, []) if isinstance(v, str)]


@router.get("/search/{dataset}", summary="Simple entity search", responses={400: {"description": "Invalid query"}, 404: {"description": "No such dataset"}})
def search(
    request: Request,
    dataset: str = Path(..., description="default, sanctions, or a list (cn_ecl ...)"),
    q: str = Query("", description="Query text: a name in any script (empty: every entity in scope)"),
    schema: str = Query(ftm.BASE_SCHEMA, description="Types of entities that can match the search"),
    include_dataset: list[str] = Query([], description="Limit the results to entities of these datasets"),
    exclude_dataset: list[str] = Query([], description="Remove these datasets from the search scope"),
    exclude_schema: list[str] = Query([], description="Remove the given types of entities from results"),
    changed_since: str | None = Query(None, pattern=TS_PATTERN, description="Entities updated since the given date"),
    countries: list[str] = Query([], description="Filter by country codes"),
    topics: list[str] = Query([], description="Filter by entity topics (e.g. sanction, export.control)"),
    datasets: list[str] = Query([], description="Filter by dataset names (respects filter_op)"),
    filter: list[str] = Query([], description="field:value filters, e.g. properties.program:MOFCOM Announcement 2026 No. 11"),
    limit: int = Query(DEFAULT_PAGE, ge=0, le=MAX_PAGE, description="Number of results to return"),
    offset: int = Query(0, ge=0, le=MAX_OFFSET, description="Start at result with given offset"),
    sort: list[str] = Query([], description="Accepted; results are ordered by score, then id"),
    target: bool | None = Query(None, deprecated=True, description="Include only targeted entities"),
    fuzzy: bool = Query(False, description="Accepted; dualuse's name matching is always spelling-tolerant"),
    simple: bool = Query(False, description="Accepted; the query is read as a name"),
    facets: list[str] = Query(DEFAULT_FACETS, description="Facet counts to include: datasets, schema, countries, identifiers, topics, genders"),
    filter_op: str = Query("OR", pattern="^(AND|OR)$", description="Combine several values of one filter field with AND or OR"),
    key=Depends(auth.screener),
) -> dict:
    """Search the lists by name (dualuse's matcher; a hit scores at least 0.5) or list everything in scope."""
    view, screener = live_view(request)
    lists = _scope(view, dataset, include_dataset, exclude_dataset)
    wanted = ftm.schema(schema)
    if wanted is None:
        raise HTTPException(400, detail="Invalid schema")
    unknown = [f for f in facets if f not in FACETS]
    if unknown:
        raise HTTPException(422, detail=f"Invalid facet: {unknown[0]} (expected one of {', '.join(FACETS)})")
    field_filters: list[tuple[str, str]] = [("countries", c) for c in countries] + [("topics", t) for t in topics] + [("datasets", d) for d in datasets]
    for item in filter:
        name, sep, value = item.partition(":")
        if not sep:
            raise HTTPException(400, detail=f"Invalid filter: {item!r}")
        field_filters.append((name, value))
    scope = wanted.scope()
    hits: list[tuple[float, dict]] = []
    if q.strip():
        best: dict[str, float] = {}
        for result in screener.matcher.match(q, lists=lists, limit=MAX_PAGE + MAX_OFFSET, floor=SEARCH_CUTOFF) if lists else []:
            if result.decision != "related" and result.score > best.get(result.entry.id, -1.0):
                best[result.entry.id] = result.score
        candidates = [(score, view.entries[view.ftm_ids[i]]) for i, score in best.items() if i in view.ftm_ids]
    else:
        candidates = [(1.0, e) for e in view.entries.values() if e.list in lists]
    grouped: dict[str, list[str]] = {}
    for name, value in field_filters:
        grouped.setdefault(name, []).append(value)
    for score, entry in candidates:
        if entry.schema_ not in scope or entry.schema_ in exclude_schema:
            continue
        data = view.entity(entry)
        if changed_since and not (data["last_change"] or "") > changed_since:
            continue
        if target is not None and data["target"] != target:
            continue
        keep = True
        for name, values in grouped.items():
            present = set(_field_values(data, name))
            keep = all(v in present for v in values) if filter_op == "AND" else any(v in present for v in values)
            if not keep:
                break
        if keep:
            hits.append((score, data))
    hits.sort(key=lambda item: (-item[0], item[1]["id"]))
    facet_out = {}
    for facet in facets:
        counts: dict[str, int] = {}
        for _, data in hits:
            for value in _facet_values(view, facet, data):
                counts[value] = counts.get(value, 0) + 1
        values = [{"name": v, "label": _facet_label(view, facet, v), "count": n} for v, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
        facet_out[facet] = {"label": FACET_LABELS[facet], "values": values}
    return {
        "results": [data for _, data in hits[offset : offset + limit]],
        "facets": facet_out,
        "total": {"value": len(hits), "relation": "eq"},
        "limit": limit,
        "offset": offset,
    }


# --- /entities ---------------------------------------------------------------------------------


@router.get(
    "/entities/{entity_id}",
    summary="Fetch an entity",
    responses={308: {"description": "The id is a referent (a dualuse id): redirect to the FtM id"}, 404: {"description": "Entity not found"}},
)
def fetch_entity(
    request: Request,
    entity_id: str = Path(..., description="FtM id (CN-ECL.MOFCOM-2026-11.2), a dualuse id (CN-ECL:MOFCOM-2026-11:2) or a sanction id (…-sanction)"),
    nested: bool = Query(True, description="Include adjacent entities (the Sanction of a listed entry) in the response"),
    key=Depends(auth.screener),
):
    """The entry in FtM form with its provenance; with ``nested`` its Sanction entity under ``sanctions``."""
    view, _ = live_view(request)
    today = dt.date.today()
    found = view.find(entity_id)
    if found is not None and found[0] != entity_id:
        target = request.url_for("fetch_entity", entity_id=found[0])
        return RedirectResponse(status_code=308, url=f"{target.path}?{request.url.query}" if request.url.query else target.path)
    if found is not None:
        entry = found[1]
        return view.nested(entry, today) if nested else view.entity(entry)
    if entity_id.endswith("-sanction"):
        owner = view.entries.get(entity_id[: -len("-sanction")])
        sanction = view.sanction(owner, today) if owner is not None else None
        if sanction is not None:
            if nested:
                sanction["properties"]["entity"] = [view.entity(owner)]
            return sanction
    raise HTTPException(404, detail="No such entity!")

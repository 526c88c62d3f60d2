"""A yente-compatible ``POST /match/{dataset}``: tools built for yente switch by changing the URL.

Request (as yente's ``EntityMatchQuery``)::

    {"weights": {}, "config": {},
     "queries": {"q1": {"schema": "Company", "properties": {"name": ["三菱重工航空エンジン株式会社"], "country": ["jp"]}}}}

Query parameters as yente's: ``limit`` (default 5, at most 500), ``threshold``
(a result with ``score >= threshold`` has ``match: true``; default 0.85,
dualuse's calibrated match threshold), ``cutoff`` (results below it are
left out), ``algorithm`` (yente's names are accepted; dualuse's matcher
answers them all), ``include_dataset``, ``exclude_dataset``,
``exclude_schema``, ``topics``, ``changed_since``, ``exclude_entity_ids``.

Response (as yente's ``EntityMatchResponse``)::

    {"responses": {"q1": {"status": 200, "total": {"value": 1, "relation": "eq"},
                          "query": {...the example...},
                          "results": [{"id": "CN-ECL:MOFCOM-2026-11:2", "caption": "...", "schema": "Organization",
                                       "properties": {"name": [...], "alias": [...], "country": ["jp"], ...},
                                       "datasets": ["cn-ecl"], "referents": [], "target": true,
                                       "first_seen": "...", "last_seen": "...", "last_change": "...",
                                       "score": 0.98, "match": true,
                                       "features": {"name_match": 0.98},
                                       "explanations": {"name_match": {"detail": "...", "score": 0.98}}}]}},
     "matcher": {"name_match": {"description": "...", "coefficient": 1.0, "url": "..."}},
     "limit": 5}

Both the older (``features``, ``matcher``) and the newer (``explanations``)
yente response fields are filled. Datasets: ``default`` (every list),
``sanctions`` (the four legal lists), or one list (``cn-ecl``, ``CN_WL`` ...).
Names are matched with dualuse's matcher (any script); the party's country
(``country``, ``jurisdiction``, ``nationality``) is supporting evidence.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from dualuse.api import auth
from dualuse.matching.matcher import MATCH_THRESHOLD
from dualuse.models.reference import LEGAL_LISTS, LIST_IDS, ListEntry

router = APIRouter(tags=["yente-compatible matching"])

MATCH_PAGE = 5
MAX_MATCHES = 500
ALGORITHMS = ("dualuse", "best", "default", "logic-v1", "logic-v2", "regression-v1", "regression-v2", "regression-v3", "name-based", "name-qualified")
FEATURE = "name_match"
FEATURE_DOC = {
    FEATURE: {
        "description": "dualuse name match: token-aligned weighted similarity over every written form of the entry "
        "(English, Chinese, Japanese kanji/kana, romaji), legal forms set aside, country as supporting evidence",
        "coefficient": 1.0,
        "url": "https://github.com/dualuse/dualuse/blob/main/src/dualuse/matching/matcher.py",
    }
}
SCHEMAS_PERSON = {"Person"}
SCHEMAS_ORG = {"Organization", "Company", "PublicBody"}
SCHEMAS_ANY = {"LegalEntity", "Thing"}
TOPICS = {
    "CN-ECL": ["export.control"],
    "CN-WL": ["export.risk"],
    "CN-UEL": ["export.control", "debarment"],
    "CN-AFSL": ["sanction.counter"],
    "JP-MIL": ["mil"],
    "JP-DEF": ["mil"],
    "US-MIL": ["mil"],
}


class EntityExample(BaseModel):
    """A query entity, as yente's ``EntityExample``."""

    model_config = ConfigDict(populate_by_name=True)

    id: str | None = Field(None, examples=["my-entity-id"])
    schema_: str = Field(..., alias="schema", examples=["Company"])
    properties: dict[str, str | list[Any]] = Field(..., examples=[{"name": ["Mitsubishi Heavy Industries Aero Engines"], "country": ["jp"]}])


class EntityMatchQuery(BaseModel):
    """The request body, as yente's ``EntityMatchQuery`` (``weights`` and ``config`` are accepted and ignored)."""

    weights: dict[str, float] = Field(default_factory=dict)
    config: dict[str, str | int | float | bool | None] = Field(default_factory=dict)
    queries: dict[str, EntityExample]


class TotalSpec(BaseModel):
    """Number of results before ``limit``."""

    value: int
    relation: str = "eq"


class FeatureResult(BaseModel):
    """One feature's score and explanation (yente ``explanations``)."""

    detail: str | None = None
    score: float


class ScoredEntityResponse(BaseModel):
    """A result, as yente's ``ScoredEntityResponse``."""

    model_config = ConfigDict(populate_by_name=True)

    id: str
    caption: str
    schema_: str = Field(..., alias="schema")
    properties: dict[str, list[Any]]
    datasets: list[str] = Field(default_factory=list)
    referents: list[str] = Field(default_factory=list)
    target: bool = False
    first_seen: str | None = None
    last_seen: str | None = None
    last_change: str | None = None
    score: float
    match: bool
    features: dict[str, float]
    explanations: dict[str, FeatureResult]


class EntityMatches(BaseModel):
    """The results for one query."""

    status: int = 200
    results: list[ScoredEntityResponse]
    total: TotalSpec
    query: EntityExample


class EntityMatchResponse(BaseModel):
    """The response, as yente's ``EntityMatchResponse``."""

    responses: dict[str, EntityMatches]
    matcher: dict[str, dict[str, Any]]
    limit: int


def _values(props: dict[str, Any], *names: str) -> list[str]:
    out: list[str] = []
    for name in names:
        raw = props.get(name)
        if raw is None:
            continue
        for value in raw if isinstance(raw, list) else [raw]:
            if isinstance(value, str) and value.strip() and value.strip() not in out:
                out.append(value.strip())
    return out


def dataset_lists(dataset: str) -> set[str] | None:
    """The list ids a yente dataset name stands for (``None``: unknown)."""
    key = dataset.strip().lower()
    if key in ("default", "all", "dualuse"):
        return set(LIST_IDS)
    if key in ("sanctions", "legal", "cn"):
        return set(LEGAL_LISTS)
    candidate = key.upper().replace("_", "-")
    return {candidate} if candidate in LIST_IDS else None


def entity_response(entry: ListEntry, score: float, threshold: float, explanation: str, version_date: str | None) -> ScoredEntityResponse:
    """A list entry in yente's result shape."""
    names = [f.value for f in entry.names]
    properties: dict[str, list[Any]] = {
        "name": [entry.name],
        "alias": [n for n in names if n != entry.name],
        "country": [c.lower() for c in entry.countries],
        "topics": TOPICS.get(entry.list, []),
        "program": [entry.legal_source.citation],
    }
    if entry.addresses:
        properties["address"] = list(entry.addresses)
    if entry.legal_source.url:
        properties["sourceUrl"] = [entry.legal_source.url]
    if entry.effective:
        properties["startDate"] = [entry.effective.isoformat()]
    if entry.notes:
        properties["notes"] = [entry.notes]
    score = round(float(score), 4)
    return ScoredEntityResponse(
        id=entry.id,
        caption=entry.name,
        schema=entry.schema_,
        properties={k: v for k, v in properties.items() if v},
        datasets=[entry.list.lower()],
        referents=[],
        target=entry.list in LEGAL_LISTS,
        first_seen=f"{entry.published.isoformat()}T00:00:00",
        last_seen=f"{version_date}T00:00:00" if version_date else None,
        last_change=f"{(entry.effective or entry.published).isoformat()}T00:00:00",
        score=score,
        match=score >= threshold,
        features={FEATURE: score},
        explanations={FEATURE: FeatureResult(detail=explanation, score=score)},
    )


def _schema_ok(query_schema: str, entry: ListEntry) -> bool:
    if query_schema in SCHEMAS_ANY:
        return True
    if query_schema in SCHEMAS_PERSON:
        return entry.schema_ == "Person"
    return entry.schema_ == "Organization"


@router.post(
    "/match/{dataset}",
    summary="Query by example matcher (yente-compatible)",
    response_model=EntityMatchResponse,
    response_model_by_alias=True,
    responses={400: {"description": "Invalid query"}, 404: {"description": "No such dataset"}},
)
def match(
    request: Request,
    response: Response,
    body: EntityMatchQuery,
    dataset: str = Path(..., description="default, sanctions, or a list id (cn-ecl, cn-wl, cn-uel, cn-afsl, jp-mil, jp-def, us-mil)"),
    limit: int = Query(MATCH_PAGE, ge=1, le=MAX_MATCHES, description="Number of results to return per query"),
    threshold: float = Query(MATCH_THRESHOLD, ge=0.0, le=1.0, description="Score threshold for results to be considered matches"),
    cutoff: float = Query(0.0, ge=0.0, le=1.0, description="Lower bound of score for results to be returned at all"),
    algorithm: str = Query("dualuse", description=f"Accepted: {', '.join(ALGORITHMS)}; dualuse's matcher answers all of them"),
    include_dataset: list[str] = Query([], description="Only include these datasets (list ids)"),
    exclude_schema: list[str] = Query([], description="Remove these entity types from the results"),
    exclude_dataset: list[str] = Query([], description="Remove these datasets (list ids) from the results"),
    topics: list[str] = Query([], description="Only results with any of these topics"),
    changed_since: str | None = Query(None, description="Only entries listed or changed since this date (YYYY-MM-DD)"),
    exclude_entity_ids: list[str] = Query([], max_length=50, description="Entry ids to leave out (e.g. decided false positives)"),
    key=Depends(auth.screener),
) -> EntityMatchResponse:
    """Match entities (yente's request and response shape). Each query's names are matched against the chosen lists."""
    state = request.app.state
    wanted = dataset_lists(dataset)
    if wanted is None:
        raise HTTPException(404, f"No such dataset: {dataset} (expected default, sanctions or one of {', '.join(name.lower() for name in LIST_IDS)})")
    if algorithm not in ALGORITHMS:
        raise HTTPException(400, f"Invalid algorithm: {algorithm} (accepted: {', '.join(ALGORITHMS)})")
    if len(body.queries) > state.settings.max_batch:
        raise HTTPException(400, f"Too many queries in one batch (limit: {state.settings.max_batch})")
    if not body.queries:
        raise HTTPException(400, "No queries provided.")
    for name in include_dataset:
        lists = dataset_lists(name)
        if lists is None:
            raise HTTPException(400, f"include_dataset {name!r}: unknown dataset")
    if include_dataset:
        wanted &= set().union(*(dataset_lists(n) for n in include_dataset))
    for name in exclude_dataset:
        wanted -= dataset_lists(name) or set()
    since = None
    if changed_since:
        import datetime as dt

        try:
            since = dt.date.fromisoformat(changed_since[:10])
        except ValueError:
            raise HTTPException(400, f"changed_since {changed_since!r}: expected a date like 2026-06-29") from None
    info, screener = state.live()
    responses: dict[str, EntityMatches] = {}
    for key_name, example in body.queries.items():
        props = example.properties
        names = _values(props, "name", "alias", "weakAlias", "previousName")
        if not names:
            raise HTTPException(400, f"Cannot parse example entity {key_name!r}: no name property (expected properties.name)")
        if example.schema_ not in SCHEMAS_PERSON | SCHEMAS_ORG | SCHEMAS_ANY:
            raise HTTPException(400, f"Cannot parse example entity {key_name!r}: schema {example.schema_!r} is not a person or organisation schema")
        country = next((c.upper() for c in _values(props, "country", "jurisdiction", "nationality", "citizenship") if len(c) == 2), None)
        best: dict[str, tuple[float, str, ListEntry]] = {}
        for name in names[:20]:
            for result in screener.matcher.match(name, country=country, lists=wanted, limit=max(limit * 3, 20)):
                if result.decision not in ("match", "possible"):  # "related": a parent or subsidiary, not a match
                    continue
                entry = result.entry
                current = best.get(entry.id)
                if current is None or result.score > current[0]:
                    best[entry.id] = (result.score, result.explanation(), entry)
        results = []
        for score, explanation, entry in sorted(best.values(), key=lambda item: (-item[0], item[2].id)):
            if score < cutoff or entry.id in exclude_entity_ids or entry.schema_ in exclude_schema or not _schema_ok(example.schema_, entry):
                continue
            if topics and not set(topics) & set(TOPICS.get(entry.list, [])):
                continue
            if since is not None and (entry.effective or entry.published) < since:
                continue
            results.append(entity_response(entry, score, threshold, explanation, info.data_date))
        query = EntityExample(id=example.id, schema=example.schema_, properties={k: v if isinstance(v, list) else [v] for k, v in props.items()})
        responses[key_name] = EntityMatches(status=200, results=results[:limit], total=TotalSpec(value=len(results), relation="eq"), query=query)
    response.headers["x-batch-size"] = str(len(responses))
    return EntityMatchResponse(responses=responses, matcher=FEATURE_DOC, limit=limit)

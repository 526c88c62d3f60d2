"""A request written for yente's ``POST /match/{dataset}`` gets a response a yente client can parse.

The response is parsed with local mirrors of yente's own pydantic models
(``yente/data/common.py``): the current ones (``explanations``) and the
older ones (``features`` and a ``matcher`` feature-doc map), with extra
fields forbidden on nothing but required fields enforced exactly as yente
declares them.
"""

from __future__ import annotations

import warnings
from datetime import datetime
from typing import Any, Optional, Union

import pytest
from pydantic import BaseModel, Field

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from dualuse.api.app import create_app
from dualuse.service.keys import create_key

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


# --- mirrors of yente's response models (yente/data/common.py) --------------------------


class YEntityExample(BaseModel):
    id: Optional[str] = None
    schema_: str = Field(..., alias="schema")
    properties: dict[str, Union[str, list[Any]]]


class YTotalSpec(BaseModel):
    value: int
    relation: str = "eq"


class YFeatureResult(BaseModel):  # nomenklatura.matching.types.FeatureResult (newer yente)
    detail: Optional[str] = None
    score: float


class YEntityResponse(BaseModel):
    id: str
    caption: str
    schema_: str = Field(..., alias="schema")
    properties: dict[str, list[Union[str, Any]]]
    datasets: list[str] = []
    referents: list[str] = []
    target: bool = False
    first_seen: Optional[datetime] = None
    last_seen: Optional[datetime] = None
    last_change: Optional[datetime] = None


class YScoredEntityResponseNew(YEntityResponse):
    score: float = 0.99
    explanations: dict[str, YFeatureResult]
    match: bool


class YScoredEntityResponseOld(YEntityResponse):
    score: float = 0.99
    features: dict[str, float]
    match: bool = False


class YEntityMatchesNew(BaseModel):
    status: int = 200
    results: list[YScoredEntityResponseNew]
    total: YTotalSpec
    query: YEntityExample


class YEntityMatchesOld(BaseModel):
    status: int = 200
    results: list[YScoredEntityResponseOld]
    total: YTotalSpec
    query: YEntityExample


class YFeatureDoc(BaseModel):
    description: Optional[str]
    coefficient: float
    url: str


class YEntityMatchResponseNew(BaseModel):
    responses: dict[str, YEntityMatchesNew]
    limit: int


class YEntityMatchResponseOld(BaseModel):
    responses: dict[str, YEntityMatchesOld]
    matcher: dict[str, YFeatureDoc]
    limit: int


# --- a request as a yente user writes it -------------------------------------------------

YENTE_REQUEST = {
    "weights": {"name_literal": 0.8},
    "config": {"nm_number_mismatch": 0.4},
    "queries": {
        "entity1": {"schema": "Company", "properties": {"name": ["Mitsubishi Heavy Industries Aero Engines, Ltd."], "jurisdiction": ["jp"]}},
        "entity2": {"schema": "Company", "properties": {"name": "三菱重工航空エンジン株式会社"}},
        "entity3": {"schema": "Organization", "properties": {"name": ["Sun Tectro Japan Co Ltd"], "country": ["jp"]}},
        "entity4": {"schema": "Person", "properties": {"name": ["John Doe"], "birthDate": ["1975-04-21"], "nationality": ["us"]}},
        "entity5": {"id": "my-id-5", "schema": "LegalEntity", "properties": {"name": ["Toyota Motor Corporation"], "country": ["jp"]}},
    },
}


@pytest.fixture
def client(tmp_path):
    from dualuse.storage.db import Database

    db = Database(f"sqlite:///{tmp_path / 'y.db'}")
    key, _ = create_key(db, "screener", "yente-client", "test")
    c = TestClient(create_app(db), raise_server_exceptions=False)
    c.headers.update({"Authorization": f"ApiKey {key}"})
    return c


def test_a_yente_request_gets_a_response_a_yente_client_parses(client):
    response = client.post("/match/default?threshold=0.7&limit=5&algorithm=logic-v1", json=YENTE_REQUEST)
    assert response.status_code == 200, response.text
    assert response.headers["x-batch-size"] == "5"
    data = response.json()
    new = YEntityMatchResponseNew.model_validate(data)
    old = YEntityMatchResponseOld.model_validate(data)
    assert set(new.responses) == set(YENTE_REQUEST["queries"]) and new.limit == 5 and "name_match" in old.matcher

    aero = new.responses["entity1"]
    assert aero.status == 200 and aero.results and aero.total.value >= 1
    top = aero.results[0]
    assert top.caption == "Mitsubishi Heavy Industries Aero Engines, Ltd." and top.match and top.score >= 0.97
    assert top.schema_ == "Organization" and top.datasets == ["cn-ecl"] and top.target
    assert "jp" in top.properties["country"] and "三菱重工航空发动机株式会社" in top.properties["alias"]
    assert top.explanations["name_match"].detail and old.responses["entity1"].results[0].features["name_match"] == top.score
    assert aero.query.schema_ == "Company" and aero.query.properties["name"] == ["Mitsubishi Heavy Industries Aero Engines, Ltd."]

    # a string property is echoed as a list, like yente does
    assert new.responses["entity2"].query.properties["name"] == ["三菱重工航空エンジン株式会社"]
    assert new.responses["entity2"].results[0].id == top.id

    # below the threshold: returned with match false
    possible = new.responses["entity3"].results[0]
    assert possible.caption == "Sun Tectro Co., Ltd." and 0.7 <= possible.score < 0.85
    assert possible.match is True  # threshold=0.7 was asked for
    strict = YEntityMatchResponseNew.model_validate(client.post("/match/default", json=YENTE_REQUEST).json())
    assert strict.responses["entity3"].results[0].match is False  # default threshold 0.85

    # no hits: an empty list, not an error
    assert new.responses["entity4"].results == [] and new.responses["entity4"].total.value == 0
    assert new.responses["entity5"].query.id == "my-id-5"


def test_yente_parameters_and_errors(client):
    one = {"queries": {"q": {"schema": "Company", "properties": {"name": ["TDK Corporation"]}}}}
    assert client.post("/match/cn-wl", json=one).json()["responses"]["q"]["results"][0]["datasets"] == ["cn-wl"]
    assert client.post("/match/cn_ecl", json=one).json()["responses"]["q"]["results"] == []
    assert client.post("/match/default?exclude_dataset=cn-wl", json=one).json()["responses"]["q"]["results"] == []
    hit = client.post("/match/default", json=one).json()["responses"]["q"]["results"][0]["id"]
    assert client.post(f"/match/default?exclude_entity_ids={hit}", json=one).json()["responses"]["q"]["results"] == []
    assert client.post("/match/default?topics=export.risk", json=one).json()["responses"]["q"]["results"][0]["id"] == hit
    assert client.post("/match/default?topics=sanction.counter", json=one).json()["responses"]["q"]["results"] == []
    possible = {"queries": {"q": {"schema": "Company", "properties": {"name": ["Sun Tectro Japan Co Ltd"], "country": ["jp"]}}}}
    assert client.post("/match/default", json=possible).json()["responses"]["q"]["total"]["value"] == 1
    assert client.post("/match/default?cutoff=0.8", json=possible).json()["responses"]["q"]["total"]["value"] == 0

    nope = client.post("/match/ofac", json=one)
    assert nope.status_code == 404 and "No such dataset" in nope.json()["detail"]
    assert client.post("/match/default", json={"queries": {}}).status_code == 400
    bad_algo = client.post("/match/default?algorithm=magic", json=one)
    assert bad_algo.status_code == 400 and "Invalid algorithm" in bad_algo.json()["detail"]
    no_name = client.post("/match/default", json={"queries": {"q": {"schema": "Company", "properties": {"country": ["jp"]}}}})
    assert no_name.status_code == 400 and "Cannot parse example entity" in no_name.json()["detail"]
    vessel = client.post("/match/default", json={"queries": {"q": {"schema": "Vessel", "properties": {"name": ["Ever Given"]}}}})
    assert vessel.status_code == 400
    assert client.post("/match/default?limit=501", json=one).status_code == 422

"""yente's API on dualuse: every response parses with yente's own models (yente 5.5.0, installed from PyPI).

Requests are written as yente users write them (the OpenSanctions quickstart,
yente's own docstring examples); responses are validated with
``yente.data.common`` (``EntityMatchResponse``, ``SearchResponse``,
``EntityResponse``, ``DataCatalogModel``, ``AlgorithmResponse``,
``StatusResponse``, ``ErrorResponse``) and entities with followthemoney itself.
"""

from __future__ import annotations

import base64
import logging
import warnings

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient
    from followthemoney import model as ftm_model
    from followthemoney.dataset.util import dataset_name_check
    from yente.data.common import (
        AlgorithmResponse,
        DataCatalogModel,
        EntityMatchResponse,
        EntityResponse,
        ErrorResponse,
        SearchResponse,
        StatusResponse,
    )

from dualuse.api.app import create_app
from dualuse.service.keys import create_key, list_keys, revoke_key

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
logging.getLogger("followthemoney").setLevel(logging.ERROR)

AERO = "Mitsubishi Heavy Industries Aero Engines, Ltd."
AERO_DUALUSE_ID = "CN-ECL:MOFCOM-2026-11:2"
AERO_ID = "CN-ECL.MOFCOM-2026-11.2"
TDK_ID = "CN-WL.MOFCOM-2026-12.12"


@pytest.fixture
def api(tmp_path):
    from dualuse.storage.db import Database

    db = Database(f"sqlite:///{tmp_path / 'y.db'}")
    key, _ = create_key(db, "screener", "yente-client", "test")
    client = TestClient(create_app(db), raise_server_exceptions=False)
    client.key = key  # type: ignore[attr-defined]
    client.db = db  # type: ignore[attr-defined]
    client.headers.update({"Authorization": f"ApiKey {key}"})
    return client


def _match(api, body, query="", dataset="default", status=200):
    response = api.post(f"/match/{dataset}{'?' + query if query else ''}", json=body)
    assert response.status_code == status, response.text
    if status != 200:
        ErrorResponse.model_validate(response.json())
        return response.json()
    return EntityMatchResponse.model_validate(response.json())


def _one(schema, **props):
    return {"queries": {"q": {"schema": schema, "properties": props}}}


def test_a_yente_batch_parses_with_yentes_model_and_is_echoed_cleaned(api):
    body = {
        "weights": {"name_literal": 0.8},
        "config": {},
        "queries": {
            "aero": {"schema": "Company", "properties": {"name": ["  Mitsubishi Heavy   Industries Aero Engines, Ltd. "], "jurisdiction": ["Japan"], "registrationNumber": [1234567], "shoeSize": ["44"]}},
            "kana": {"schema": "Company", "properties": {"name": "三菱重工航空エンジン株式会社", "country": "日本"}},
            "person": {"schema": "Person", "properties": {"firstName": ["John"], "lastName": ["Doe"], "birthDate": ["1975-04-21", "21.04.1975"], "nationality": ["us"]}},
            "legal": {"id": "my-id-5", "schema": "LegalEntity", "properties": {"name": ["TDK Corporation"], "country": ["JPN"]}},
            "vessel": {"schema": "Vessel", "properties": {"name": ["Ever Given"], "flag": ["Panama"]}},
        },
    }
    response = api.post("/match/default", json=body)
    assert response.status_code == 200, response.text
    assert response.headers["x-batch-size"] == "5"
    parsed = EntityMatchResponse.model_validate(response.json())
    assert parsed.limit == 5 and set(parsed.responses) == set(body["queries"])

    aero = parsed.responses["aero"]
    top = aero.results[0]
    assert (top.id, top.caption, top.schema_, top.datasets, top.match, top.score) == (AERO_ID, AERO, "Organization", ["cn_ecl"], True, 1.0)
    assert top.referents == [AERO_DUALUSE_ID] and top.target is True
    assert aero.total.value == 1  # yente counts matches, not results
    # cleaned as yente cleans: country name -> code, number -> text, unknown property dropped, spaces squashed
    assert aero.query.properties == {"name": [AERO], "jurisdiction": ["jp"], "registrationNumber": ["1234567"]}
    assert top.explanations["name_match"].detail.startswith("match: ") and top.explanations["name_match"].score == 1.0

    kana = parsed.responses["kana"]
    assert kana.query.properties == {"name": ["三菱重工航空エンジン株式会社"], "country": ["jp"]}
    assert kana.results[0].id == AERO_ID

    # a Person given only as name parts gets the combined name, and an invalid date is dropped
    person = parsed.responses["person"]
    assert person.query.properties["alias"] == ["John Doe"] and person.query.properties["birthDate"] == ["1975-04-21"]
    assert person.results == [] and person.total.value == 0

    legal = parsed.responses["legal"]
    assert legal.query.id == "my-id-5" and legal.results[0].id == TDK_ID and legal.query.properties["country"] == ["jp"]
    # Vessel is a schema yente matches: no vessels on the lists, so no results (not an error)
    assert parsed.responses["vessel"].results == [] and parsed.responses["vessel"].query.properties["flag"] == ["pa"]


def test_match_is_dualuses_decision_whatever_threshold_the_client_sends(api):
    possible = _one("Company", name=["Sun Tectro Japan Co Ltd"], country=["jp"])
    for query in ("", "threshold=0.70", "threshold=0.5&cutoff=0.5", "threshold=0.1"):
        result = _match(api, possible, query).responses["q"]
        hit = result.results[0]
        assert hit.caption == "Sun Tectro Co., Ltd." and 0.72 <= hit.score < 0.85
        assert hit.match is False and result.total.value == 0, query
        assert hit.explanations["name_match"].detail.startswith("possible: ")
    # a stricter threshold than dualuse's may still withhold a match
    assert _match(api, _one("Company", name=["TDK Corp."]), "threshold=1.01").responses["q"].results[0].match is False

    # a parent company: its listed subsidiaries come back below the threshold, none as a match,
    # and related entries (parents, subsidiaries) are never results
    parent = _match(api, _one("Company", name=["Mitsubishi Heavy Industries, Ltd."]), "threshold=0.5&cutoff=0.5", "sanctions").responses["q"]
    assert parent.results and all(not r.match for r in parent.results) and parent.total.value == 0
    assert all(r.score < 0.72 for r in parent.results)


def test_cutoff_and_threshold_defaults_are_yentes(api):
    body = _one("Company", name=["Mitsubishi Heavy Industries"])
    default = _match(api, body).responses["q"]
    # default threshold 0.70 and cutoff = threshold: only results above 0.70
    assert [r.id for r in default.results] == ["JP-DEF.mhi"] and default.total.value == 1
    low = _match(api, body, "cutoff=0.5").responses["q"]  # cutoff alone above the threshold is capped by it
    assert len(low.results) == 5 and low.results[0].id == "JP-DEF.mhi"
    assert all(0.5 < r.score < 0.72 and not r.match for r in low.results[1:])  # below dualuse's review threshold: unlikely
    assert [r.explanations["name_match"].detail.split(":")[0] for r in low.results[1:]] == ["unlikely"] * 4
    capped = _match(api, body, "threshold=0.6&cutoff=0.95").responses["q"]  # cutoff never above the threshold
    assert [r.id for r in capped.results] == ["JP-DEF.mhi", "CN-ECL.MOFCOM-2026-11.1"]
    assert [r.id for r in _match(api, body, "cutoff=0.5&limit=2").responses["q"].results] == ["JP-DEF.mhi", "CN-ECL.MOFCOM-2026-11.1"]


def test_datasets_topics_and_filters(api):
    tdk = _one("Company", name=["TDK Corporation"])
    aero = _one("Company", name=[AERO])
    # FtM dataset names, and the old spellings
    for dataset in ("cn_wl", "cn-wl", "CN-WL", "CN_WL", "sanctions", "default", "all"):
        assert [r.id for r in _match(api, tdk, dataset=dataset).responses["q"].results] == [TDK_ID], dataset
    assert _match(api, tdk, dataset="cn_ecl").responses["q"].results == []
    assert _match(api, tdk, dataset="ofac", status=404)["detail"] == "No such dataset."
    # include_dataset narrows the scope; an unknown one leaves nothing, as in yente
    assert _match(api, tdk, "include_dataset=cn_wl").responses["q"].results[0].id == TDK_ID
    assert _match(api, tdk, "include_dataset=us_ofac_sdn").responses["q"].results == []
    assert _match(api, tdk, "exclude_dataset=cn-wl").responses["q"].results == []
    # topics are FtM's: the control list is a sanction and an export control; the watch list is not a sanction
    assert _match(api, aero, "topics=sanction").responses["q"].results[0].id == AERO_ID
    assert _match(api, aero, "topics=export.control&topics=role.pep").responses["q"].results[0].id == AERO_ID
    assert _match(api, tdk, "topics=sanction").responses["q"].results == []
    assert _match(api, tdk, "topics=export.risk").responses["q"].results[0].id == TDK_ID
    # exclude ids (FtM or dualuse), schemata, changed_since
    assert _match(api, aero, f"exclude_entity_ids={AERO_ID}").responses["q"].results == []
    assert _match(api, aero, f"exclude_entity_ids={AERO_DUALUSE_ID}").responses["q"].results == []
    assert _match(api, aero, "exclude_schema=Organization").responses["q"].results == []
    assert _match(api, aero, "changed_since=2026-02-23").responses["q"].results[0].id == AERO_ID
    assert _match(api, aero, "changed_since=2026-03-01").responses["q"].results == []
    assert api.post("/match/default?changed_since=yesterday", json=aero).status_code == 422
    assert api.post("/match/default?exclude_entity_ids=" + "&exclude_entity_ids=".join(str(i) for i in range(51)), json=aero).status_code == 422


def test_algorithm_names_config_and_errors_as_yente(api):
    tdk = _one("Company", name=["TDK Corporation"])
    for name in ("best", "BEST", " logic-v2 ", "Logic V2", "logic_v1", "name-based", "name-qualified", "regression-v1", "ofac", "OFAC", "dualuse"):
        assert _match(api, tdk, f"algorithm={name}").responses["q"].results[0].id == TDK_ID, name
    assert _match(api, tdk, "algorithm=magic", status=400)["detail"] == "Invalid algorithm: magic"
    # configuration options: those the named algorithm has are accepted (and not used); others refused as yente refuses them
    assert _match(api, {**tdk, "config": {"nm_number_mismatch": 0.4}}, "algorithm=logic-v2").responses["q"].results[0].id == TDK_ID
    refused = _match(api, {**tdk, "config": {"nm_number_mismatch": 0.4}}, "algorithm=logic-v1", status=400)
    assert refused["detail"] == "Invalid configuration parameter: nm_number_mismatch for algorithm logic-v1"
    assert _match(api, {**tdk, "config": {"colour": "red"}}, status=400)["detail"] == "Invalid configuration parameter: colour for algorithm dualuse"
    # query errors carry yente's messages
    assert _match(api, {"queries": {}}, status=400)["detail"] == "No queries provided."
    assert _match(api, _one("Spaceship", name=["x"]), status=400)["detail"] == "Cannot parse example entity: Unknown schema: 'Spaceship'"
    assert _match(api, _one("Sanction", program=["x"]), status=400)["detail"] == "Cannot parse example entity: Non-matchable schema for query: Sanction"
    # Thing (yente's base schema) and LegalEntity match organisations
    assert _match(api, _one("Thing", name=["TDK Corporation"])).responses["q"].results[0].id == TDK_ID
    # no name: no results, not an error (yente searches the other properties)
    assert _match(api, _one("Company", country=["jp"])).responses["q"].results == []
    assert api.post("/match/default?limit=501", json=tdk).status_code == 422
    assert _match(api, tdk, "limit=0").responses["q"].results == []


def test_system_routes_parse_with_yentes_models_and_need_no_key(api):
    bare = TestClient(api.app, raise_server_exceptions=False)
    assert StatusResponse.model_validate(bare.get("/healthz").json()).status == "ok"
    assert StatusResponse.model_validate(bare.get("/readyz").json()).status == "ok"
    catalog = DataCatalogModel.model_validate(bare.get("/catalog").json())
    names = [d.name for d in catalog.datasets]
    assert names == ["cn_ecl", "cn_wl", "cn_uel", "cn_afsl", "jp_mil", "jp_def", "us_mil", "sanctions", "default"]
    assert all(dataset_name_check(n) == n for n in names)
    by_name = {d.name: d for d in catalog.datasets}
    assert by_name["default"].children == set(names[:7]) and by_name["sanctions"].children == {"cn_ecl", "cn_wl", "cn_uel", "cn_afsl"}
    assert by_name["cn_ecl"].entity_count == 152 and by_name["cn_ecl"].publisher.acronym == "MOFCOM"
    assert by_name["cn_ecl"].index_current and by_name["cn_ecl"].index_version.startswith("20260805000000-")
    assert catalog.current == names and catalog.outdated == [] and not catalog.index_stale
    assert bare.get("/manifest").json() == bare.get("/catalog").json()
    algorithms = AlgorithmResponse.model_validate(bare.get("/algorithms").json())
    assert (algorithms.default, algorithms.best) == ("best", "dualuse")
    assert [a.name for a in algorithms.algorithms] == ["dualuse", "logic-v2", "name-based", "name-qualified", "logic-v1", "regression-v1", "ofac"]
    assert set(algorithms.algorithms[1].docs.config) >= {"nm_number_mismatch"} and "name_match" in algorithms.algorithms[0].features


def test_every_key_form_yente_deployments_accept(api):
    bare = TestClient(api.app, raise_server_exceptions=False)
    tdk = _one("Company", name=["TDK Corporation"])
    key = api.key
    forms = [
        ({"Authorization": f"ApiKey {key}"}, ""),
        ({"Authorization": f"Bearer {key}"}, ""),
        ({"X-API-Key": key}, ""),
        ({}, f"?api_key={key}"),
        ({"Authorization": "Basic " + base64.b64encode(f"marble:{key}".encode()).decode()}, ""),
        ({"Authorization": "Basic " + base64.b64encode(f"{key}:".encode()).decode()}, ""),
    ]
    for headers, query in forms:
        for method, path in (("post", "/match/default"), ("get", "/search/default?q=TDK"), ("get", f"/entities/{TDK_ID}")):
            url = path + (query if "?" not in path else query.replace("?", "&"))
            response = bare.post(url, json=tdk, headers=headers) if method == "post" else bare.get(url, headers=headers)
            assert response.status_code == 200, (headers, url, response.text)
    refused = (({}, ""), ({}, "?api_key=du_wrong"), ({"Authorization": "Basic " + base64.b64encode(b"marble:du_wrong").decode()}, ""), ({"Authorization": "Basic !!!"}, ""))
    for headers, query in refused:
        response = bare.post("/match/default" + query, json=tdk, headers=headers)
        assert response.status_code == 401 and "API key" in response.json()["detail"]
    # a header wins over the query parameter; a revoked key stops working in the query too
    assert bare.post(f"/match/default?api_key={key}", json=tdk, headers={"X-API-Key": "du_wrong"}).status_code == 401
    revoke_key(api.db, next(k.id for k in list_keys(api.db) if k.name == "yente-client"), "test")
    assert bare.post(f"/match/default?api_key={key}", json=tdk).status_code == 401
    # a higher role includes the screener's
    reviewer, _ = create_key(api.db, "reviewer", "reviewer", "test")
    assert bare.post(f"/match/default?api_key={reviewer}", json=tdk).status_code == 200


def test_entities_in_ftm_form_with_provenance(api):
    response = api.get(f"/entities/{AERO_ID}")
    assert response.status_code == 200
    entity = EntityResponse.model_validate(response.json())
    data = response.json()
    assert entity.id == AERO_ID and entity.caption == AERO and entity.referents == [AERO_DUALUSE_ID]
    assert data["properties"]["program"] == ["MOFCOM Announcement 2026 No. 11"] and data["properties"]["topics"] == ["sanction", "export.control"]
    assert "startDate" not in data["properties"]  # not an Organization property: on the Sanction
    (sanction,) = data["properties"]["sanctions"]
    props = sanction["properties"]
    assert sanction["schema"] == "Sanction" and sanction["id"] == f"{AERO_ID}-sanction" and "entity" not in props
    assert props["startDate"] == ["2026-02-24"] and props["listingDate"] == ["2026-02-24"] and props["status"] == ["in_force"]
    assert props["authorityId"] == ["商务部公告2026年第11号"] and props["programId"] == ["CN-ECL"] and props["sourceUrl"][0].startswith("https://www.mofcom.gov.cn/")
    flat = api.get(f"/entities/{AERO_ID}?nested=false").json()
    assert "sanctions" not in flat["properties"] and flat["properties"]["name"] == [AERO]
    # the dualuse id is a referent: 308 to the FtM id, as yente redirects a merged id
    moved = api.get(f"/entities/{AERO_DUALUSE_ID}?nested=false", follow_redirects=False)
    assert moved.status_code == 308 and moved.headers["location"] == f"/entities/{AERO_ID}?nested=false"
    own = api.get(f"/entities/{AERO_ID}-sanction").json()
    assert own["schema"] == "Sanction" and own["properties"]["entity"][0]["id"] == AERO_ID
    missing = api.get("/entities/NK-nothing")
    assert missing.status_code == 404 and missing.json() == {"detail": "No such entity!"}
    # a listing that was stopped says so, with its dates (MOFCOM stopped Announcement 2025 No. 13's listings on 2025-11-10)
    stopped = api.get("/entities/CN-ECL.MOFCOM-2025-13.1").json()
    assert stopped["caption"] == "Leidos"
    stopped_props = stopped["properties"]["sanctions"][0]["properties"]
    assert stopped_props["status"] == ["stopped"] and stopped_props["endDate"] == ["2025-11-10"]
    assert stopped_props["summary"][0].startswith("stopped from 2025-11-10")


def test_every_served_entity_is_valid_followthemoney(api):
    """Each entity and its Sanction load in followthemoney with every property and value kept."""
    from followthemoney import EntityProxy

    from dualuse.models.reference import LEGAL_LISTS
    from dualuse.refdata import store

    entries = store.load_entries()
    legal = sum(1 for e in entries if e.list in LEGAL_LISTS)
    assert (len(entries), legal) == (458, 275)  # the packaged data: 453 + 5 recorded from official notices
    results = api.get("/search/default?limit=500").json()["results"]
    assert len(results) == len(entries)
    checked = 0
    for result in results:
        data = api.get(f"/entities/{result['id']}").json()
        nested = data["properties"].pop("sanctions", [])
        for item in [data, *({**s, "properties": {**s["properties"], "entity": [data["id"]]}} for s in nested)]:
            proxy = EntityProxy.from_dict({"id": item["id"], "schema": item["schema"], "properties": item["properties"]}, cleaned=False)
            schema = ftm_model.get(item["schema"])
            for prop, values in item["properties"].items():
                assert schema.get(prop) is not None, (item["id"], prop)
                assert sorted(proxy.get(prop)) == sorted(set(values)), (item["id"], prop, values, proxy.get(prop))
            checked += 1
    assert checked == len(entries) + legal  # every entity, and a Sanction for each legal-list entry


def test_search_parses_with_yentes_model(api):
    found = SearchResponse.model_validate(api.get("/search/default?q=三菱重工航空エンジン").json())
    assert found.results[0].id == AERO_ID and found.total.value >= 1 and found.limit == 10 and found.offset == 0
    page = api.get("/search/default?limit=3&offset=3").json()
    everything = api.get("/search/default?limit=500").json()
    assert everything["total"]["value"] == 458 and [r["id"] for r in page["results"]] == [r["id"] for r in everything["results"][3:6]]
    facets = everything["facets"]
    assert {v["name"]: v["count"] for v in facets["datasets"]["values"]} == {"cn_ecl": 152, "cn_wl": 40, "cn_uel": 66, "cn_afsl": 17, "jp_mil": 85, "jp_def": 50, "us_mil": 48}
    assert next(v for v in facets["countries"]["values"] if v["name"] == "jp")["label"] == "Japan"
    sanctioned = api.get("/search/default?topics=sanction&limit=0").json()["total"]["value"]
    assert sanctioned == 152 + 66 + 17
    both = api.get("/search/default?topics=sanction&topics=export.control&filter_op=AND&limit=0").json()["total"]["value"]
    assert both == 152 + 66
    program = api.get("/search/default?filter=properties.program:MOFCOM Announcement 2026 No. 11&limit=500").json()
    assert program["total"]["value"] >= 1 and all(r["properties"]["program"] == ["MOFCOM Announcement 2026 No. 11"] for r in program["results"])
    assert api.get("/search/default?schema=Spaceship").json() == {"detail": "Invalid schema"}
    persons = api.get("/search/default?schema=Person&limit=10").json()
    assert sorted(r["caption"] for r in persons["results"]) == ["Keiji Furuya", "Shi Ping", "Shigeru Iwasaki"]  # the MFA countermeasures
    assert api.get("/search/default?filter=nocolon").json() == {"detail": "Invalid filter: 'nocolon'"}
    assert api.get("/search/nothing").status_code == 404

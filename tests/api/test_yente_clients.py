"""The real yente clients against a live ``dualuse serve`` on 127.0.0.1.

One server per module, started on a free port with a temporary records
database and stopped afterwards. The clients are installed from PyPI as
test dependencies (``pip install '.[test]'``):

* **yente-client 0.2.0**: ``healthz``, ``readyz``, ``datasets``, ``algorithms``,
  ``match``, ``search``, ``fetch``;
* **nomenklatura 4.10.0** ``YenteEnricher``: ``match`` and ``expand``;
* **Marble** (checkmarble/marble-backend, Go): its request building,
  authentication modes and response parsing, ported line by line to Python
  below, from
  ``repositories/opensanctions_repository.go`` @ 00ca36a70671f3d2ededb261c210c63711975992
  (``IsConfigured``, ``GetCatalog``, ``GetLatestLocalDataset``, ``Search``,
  ``EnrichMatch``, ``authenticateRequest``, ``searchRequest``, ``buildQueryString``),
  ``repositories/httpmodels/http_opensanctions_result.go`` @ be795fbc04ba205e35e663c42668531da1c0cb1a
  (``AdaptOpenSanctionsResult``),
  ``repositories/httpmodels/http_opensanctions_dataset.go`` @ 00ca36a70671f3d2ededb261c210c63711975992
  (``AdaptOpenSanctionCatalog``, ``findLoadedDatasets``, ``findDatasets``, ``regionFromDatasetName``),
  ``repositories/httpmodels/http_opensanctions_dataset_freshness.go`` @ 76be31a602e8fe0ddb88d8221840884584c6a517
  (``AdaptOpenSanctionsLocalDatasetFreshness``) and
  ``infra/opensanctions.go`` @ 29aa57abe0de2c67885821a993e48d2f4f43cc31
  (auth methods, the ``HEAD /-/version`` Motiva probe).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import socket
import subprocess
import sys
import time
import uuid
import warnings
from urllib.parse import quote, urlencode

import httpx
import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from followthemoney import StatementEntity
    from followthemoney.dataset import Dataset
    from nomenklatura.cache import Cache
    from nomenklatura.enrich.yente import YenteEnricher
    from sqlalchemy import MetaData, create_engine
    from yente_client import Client
    from yente_client.entities import Company, Organization, Person

from dualuse.service.keys import create_key
from dualuse.storage.db import Database

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

AERO = "Mitsubishi Heavy Industries Aero Engines, Ltd."
AERO_ID = "CN-ECL.MOFCOM-2026-11.2"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """``(base URL, screener key)`` of a ``dualuse serve`` process on 127.0.0.1 (stopped after the module)."""
    directory = tmp_path_factory.mktemp("live")
    db_file = directory / "records.db"
    key, _ = create_key(Database(f"sqlite:///{db_file}"), "screener", "clients", "test")
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "dualuse", "serve", "--host", "127.0.0.1", "--port", str(port), "--db", str(db_file)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"dualuse serve exited: {process.stdout.read().decode(errors='replace')[-2000:]}")
            try:
                if httpx.get(f"{base}/readyz", timeout=30).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("dualuse serve did not become ready in 120 s")
            time.sleep(0.2)
        yield base, key
    finally:
        process.terminate()
        try:
            process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()


# --- yente-client ----------------------------------------------------------------------------


def test_yente_client_calls_succeed(live):
    base, key = live
    with Client(base_url=base, api_key=key, app_name="dualuse-tests") as client:
        assert client.healthz().status == "ok" and client.readyz().status == "ok"
        datasets = client.datasets()
        assert {d.name for d in datasets.datasets} == {"cn_ecl", "cn_wl", "cn_uel", "cn_afsl", "jp_mil", "jp_def", "us_mil", "sanctions", "default"}
        assert not datasets.index_stale
        algorithms = client.algorithms()
        assert algorithms.best == "dualuse" and {"logic-v2", "ofac"} <= {a.name for a in algorithms.algorithms}

        found = client.match(Company(name=["三菱重工航空エンジン株式会社"], jurisdiction=["jp"]))
        assert found.results[0].id == AERO_ID and found.results[0].match and found.total.value == 1
        assert found.query["properties"]["jurisdiction"] == ["jp"]
        # yente-client's own filters and parameters
        assert client.match(Company(name=[AERO]), topics=["sanction"], datasets=["cn_ecl"]).results[0].id == AERO_ID
        assert client.match(Company(name=[AERO]), exclude_entities=[AERO_ID]).results == []
        assert client.match(Organization(name=["TDK Corporation"]), algorithm="best", threshold=0.7, cutoff=0.5, limit=3).results[0].caption == "TDK Corporation"
        assert client.match(Person(firstName=["John"], lastName=["Doe"])).results == []

        searched = client.search("TDK")
        assert [r.caption for r in searched.results] == ["TDK Corporation"] and searched.total.value == 1

        entity = client.fetch(AERO_ID)
        assert entity.caption == AERO and entity.properties["sanctions"][0].schema_ == "Sanction"
        assert client.fetch("CN-ECL:MOFCOM-2026-11:2", nested=False).id == AERO_ID  # the dualuse id redirects (308)


# --- nomenklatura's YenteEnricher -------------------------------------------------------------


def test_nomenklatura_yente_enricher_match_and_expand(live, tmp_path):
    base, key = live
    dataset = Dataset.make({"name": "customers", "title": "Customers"})
    cache = Cache(create_engine(f"sqlite:///{tmp_path / 'cache.db'}"), MetaData(), dataset, create=True)
    enricher = YenteEnricher(dataset, cache, {"api": f"{base}/", "api_key": key, "dataset": "sanctions", "algorithm": "logic-v2"})
    customer = StatementEntity.from_data(dataset, {"id": "cust-1", "schema": "Company", "properties": {"name": ["三菱重工航空エンジン株式会社"], "country": ["jp"]}})
    matches = list(enricher.match(customer))
    assert [m.id for m in matches] == [AERO_ID]
    match = matches[0]
    assert match.schema.name == "Organization" and match.get("name") == [AERO] and "sanction" in match.get("topics")
    expanded = {e.schema.name: e for e in enricher.expand(customer, match)}
    assert set(expanded) == {"Organization", "Sanction"}
    sanction = expanded["Sanction"]
    assert sanction.get("entity") == [AERO_ID]  # the enricher restores the link yente leaves out of the nesting
    assert sanction.get("startDate") == ["2026-02-24"] and sanction.get("program") == ["MOFCOM Announcement 2026 No. 11"]
    assert sanction.get("authority") == ["Ministry of Commerce of the People's Republic of China (MOFCOM)"]


# --- Marble, ported ------------------------------------------------------------------------------

# biter777/countries Region names for the alpha-2 codes of dualuse's dataset names (the library Marble's regionFromDatasetName uses)
COUNTRY_REGIONS = {"cn": "Asia", "jp": "Asia", "us": "North America"}
CONTINENT_CODES = {"Africa": "af", "Antarctica": "an", "Asia": "as", "Europe": "eu", "European Union": "eu", "Oceania": "oc",
                   "North America": "na", "South America": "sa", "United Nations": "un", "Other": "other"}


class Marble:
    """Marble's OpenSanctions repository (self-hosted mode), as the Go code does it."""

    def __init__(self, host: str, auth_method: str, credentials: str):
        self.host = host
        # infra.InitializeOpenSanctions: self-hosted "bearer"/"basic", anything else is the SaaS mode (?api_key=)
        self.auth_method = {"bearer": "bearer", "basic": "basic"}.get(auth_method, "saas")
        self.credentials = credentials
        self.http = httpx.Client(timeout=60)

    def authenticate(self, headers: dict) -> None:
        """authenticateRequest."""
        if self.auth_method == "bearer":
            headers["authorization"] = "Bearer " + self.credentials
        elif self.auth_method == "basic":
            user, _, password = self.credentials.partition(":")
            headers["Authorization"] = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()

    def query_string(self, datasets: list[str] | None, threshold: int | None, limit: int | None) -> list[tuple[str, str]]:
        """buildQueryString (``url.Values``: repeated keys)."""
        qs: list[tuple[str, str]] = []
        if self.auth_method == "saas" and self.credentials:
            qs.append(("api_key", self.credentials))
        for name in datasets or []:
            qs.append(("include_dataset", name))
        if threshold is not None:
            qs.append(("threshold", f"{threshold / 100:.2f}"))
            qs.append(("cutoff", f"{threshold / 100:.2f}"))
            qs.append(("limit", str(limit)))
        return qs

    def is_configured(self) -> bool:
        """IsConfigured: ``GET /readyz`` with no credentials must answer 200."""
        return self.http.get(f"{self.host}/readyz").status_code == 200

    def is_motiva(self) -> bool:
        """infra.IsMotiva: ``HEAD /-/version`` answering 200 would mean Motiva, not yente."""
        return self.http.head(f"{self.host}/-/version").status_code == 200

    def get_catalog(self) -> list[dict]:
        """GetCatalog + AdaptOpenSanctionCatalog: sections of leaf datasets reachable from a loaded, indexed one."""
        datasets = self.http.get(f"{self.host}/catalog").json()["datasets"]
        datasets = [{"name": d["name"], "title": d["title"], "load": d["load"], "index_version": d["index_version"], "children": d.get("children") or []} for d in datasets]
        datasets.sort(key=lambda d: d["title"])
        by_name = {d["name"]: d for d in datasets}
        loaded: dict[str, set[str]] = {}

        def find_loaded(parents: set[str], current: dict) -> None:
            parents = parents | {current["name"]}
            loaded[current["name"]] = parents
            for child in current["children"]:
                if child in by_name:
                    find_loaded(parents, by_name[child])

        for dataset in datasets:
            if dataset["load"] and dataset["index_version"] is not None:
                find_loaded(set(), dataset)
        sections: dict[str, dict] = {}
        for dataset in datasets:
            if dataset["children"] or dataset["name"] not in loaded:
                continue
            code, title = region_from_dataset_name(dataset["name"])
            section = sections.setdefault(code, {"name": code, "title": title, "datasets": []})
            if all(d["name"] != dataset["name"] for d in section["datasets"]):
                section["datasets"].append({"name": dataset["name"], "title": dataset["title"], "tags": sorted(loaded[dataset["name"]])})
        return sorted(sections.values(), key=lambda s: s["title"])

    def local_freshness(self) -> dict:
        """GetLatestLocalDataset's local half + AdaptOpenSanctionsLocalDatasetFreshness."""
        datasets = self.http.get(f"{self.host}/catalog").json()["datasets"]
        version = next((d["index_version"] for d in datasets if d["name"] == "default"), None)
        if version is None:
            raise ValueError("could not find upstream default dataset")
        stamp, _, _ = version.partition("-")
        return {"version": version, "last_export": dt.datetime.strptime(stamp, "%Y%m%d%H%M%S")}

    def search(self, queries: list[dict], datasets: list[str], threshold: int = 70, limit: int = 10) -> dict:
        """searchRequest + Search + AdaptOpenSanctionsResult."""
        body = {"queries": {str(uuid.uuid4()): {"schema": q["type"], "properties": q["filters"]} for q in queries}}
        headers: dict = {}
        self.authenticate(headers)
        url = f"{self.host}/match/default?{urlencode(self.query_string(datasets, threshold, limit))}"
        response = self.http.post(url, content=json.dumps(body) + "\n", headers=headers)
        if response.status_code != 200:
            raise RuntimeError(f"sanction check API returned status {response.status_code}: {response.text}")
        partial = False
        matches: dict[str, dict] = {}
        for query_id, resp in response.json()["responses"].items():
            if resp["total"]["value"] > len(resp["results"]):
                partial = True
            for match in resp["results"]:
                entry = matches.setdefault(match["id"], {"id": match["id"], "schema": match["schema"], "datasets": match["datasets"], "names": match["properties"]["name"], "query_ids": []})
                entry["query_ids"].append(query_id)
        return {"partial": partial, "count": len(matches), "matches": list(matches.values())}

    def enrich_match(self, entity_id: str) -> dict:
        """EnrichMatch: ``GET /entities/{id}`` with the credentials; 404 is Marble's NotFoundError."""
        headers: dict = {}
        self.authenticate(headers)
        qs = self.query_string(None, None, None)
        url = f"{self.host}/entities/{quote(entity_id)}" + (f"?{urlencode(qs)}" if qs else "")
        response = self.http.get(url, headers=headers, follow_redirects=True)  # Go's http.Client follows redirects
        if response.status_code == 404:
            raise LookupError("an entity with this ID was not found")
        if response.status_code != 200:
            raise RuntimeError(f"sanction check API returned status {response.status_code} on enrichment")
        return response.json()


def region_from_dataset_name(name: str) -> tuple[str, str]:
    """regionFromDatasetName."""
    cc = ""
    if name.startswith("ext") and len(name) >= 6 and name[3] in "_-":
        cc = name[4:6]
    elif len(name) >= 3 and name[2] in "_-":
        cc = name[0:2]
    if cc in ("eu", "un"):
        return cc, {"eu": "European Union", "un": "United Nations"}[cc]
    region = COUNTRY_REGIONS.get(cc)
    if region is not None:
        return CONTINENT_CODES.get(region, "other"), region
    return "other", "Others"


@pytest.mark.parametrize("auth_method", ["", "bearer", "basic"])
def test_marble_requests_are_accepted_and_its_parsing_succeeds(live, auth_method):
    base, key = live
    marble = Marble(base, auth_method, f"marble:{key}" if auth_method == "basic" else key)
    assert marble.is_configured() and not marble.is_motiva()

    sections = marble.get_catalog()
    by_code = {s["name"]: s for s in sections}
    assert set(by_code) == {"as", "na"}
    assert {d["name"] for d in by_code["as"]["datasets"]} == {"cn_ecl", "cn_wl", "cn_uel", "cn_afsl", "jp_mil", "jp_def"}
    assert [d["name"] for d in by_code["na"]["datasets"]] == ["us_mil"]
    assert all(d["name"] in d["tags"] for s in sections for d in s["datasets"])
    assert marble.local_freshness()["last_export"] == dt.datetime(2026, 8, 5)

    queries = [
        {"type": "Thing", "filters": {"name": ["Mitsubishi Heavy Industries Aero Engines"]}},
        {"type": "Organization", "filters": {"name": ["三菱重工航空エンジン株式会社"], "country": ["jp"]}},
        {"type": "Person", "filters": {"name": ["Jane Roe"]}},
    ]
    result = marble.search(queries, datasets=["cn_ecl", "cn_wl"])
    assert result["partial"] is False and result["count"] == 1
    (hit,) = result["matches"]
    assert hit["id"] == AERO_ID and hit["names"] == [AERO] and hit["datasets"] == ["cn_ecl"] and len(hit["query_ids"]) == 2
    # a possible match is returned for review (match false) without making the screening partial
    possible = marble.search([{"type": "Organization", "filters": {"name": ["Sun Tectro Japan Co Ltd"]}}], datasets=[])
    assert possible["partial"] is False and [m["names"] for m in possible["matches"]] == [["Sun Tectro Co., Ltd."]]
    # more matches than Marble's limit: partial, as Marble expects
    many = marble.search([{"type": "Organization", "filters": {"name": ["TDK Corporation", "SUBARU Corporation"]}}], datasets=[], limit=1)
    assert many["partial"] is True and many["count"] == 1

    enriched = marble.enrich_match(AERO_ID)
    assert enriched["id"] == AERO_ID and enriched["properties"]["sanctions"][0]["properties"]["program"] == ["MOFCOM Announcement 2026 No. 11"]
    with pytest.raises(LookupError):
        marble.enrich_match("NK-nothing")


def test_marble_without_credentials_is_refused_where_data_is_served(live):
    base, _ = live
    marble = Marble(base, "", "")
    assert marble.is_configured()  # /readyz and /catalog are open, as Marble's setup needs
    with pytest.raises(RuntimeError, match="status 401"):
        marble.search([{"type": "Thing", "filters": {"name": ["TDK"]}}], datasets=[])

"""``kg serve`` is safe by default: one regression test per safety point."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import pytest
from starlette.testclient import TestClient

import kg
from kg.curated.build import build
from kg.server import Settings, create_app
from kg.server.executor import Busy, Job, ProcessExecutor, QueryTimeout
from kg.store.graph import KnowledgeGraph

from server_live import live_server, request

#: Runaway queries: cartesian products over every triple (~3,400^3 rows on the seed), one with an aggregate.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
RUNAWAY_ROWS = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i"
TOKEN = "t0ken-for-tests-0123"


@pytest.fixture
def memory_kg() -> KnowledgeGraph:
    graph = kg.open(":memory:")
    build(graph)
    return graph


@pytest.fixture(scope="module")
def seed_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed built into an Oxigraph folder (closed, so a server can open it)."""
    path = tmp_path_factory.mktemp("seed") / "store"
    graph = kg.open(str(path))
    build(graph)
    graph.close()
    return path


class Listener:
    """A TCP listener on 127.0.0.1 that records every connection it receives."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = False
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop = True
        self._thread.join(2)
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


# -- 1. loopback by default -----------------------------------------------------------------


def test_binds_loopback_by_default() -> None:
    assert Settings().host == "127.0.0.1"
    assert Settings().update_token is None and Settings().cors is None


# -- 2. read-only unless a token is given ------------------------------------------------------


def test_updates_refused_without_token(memory_kg: KnowledgeGraph) -> None:
    before = memory_kg.count_quads()
    with TestClient(create_app(memory_kg, Settings())) as client:
        direct = client.post("/sparql", content=b"DROP ALL", headers={"Content-Type": "application/sparql-update"})
        assert direct.status_code == 403 and "read-only" in direct.text
        form = client.post("/sparql", data={"update": "DROP ALL"}, headers={"Authorization": "Bearer guess"})
        assert form.status_code == 403
        assert client.get("/sparql", params={"update": "DROP ALL"}).status_code == 400
    assert memory_kg.count_quads() == before


def test_updates_need_the_right_bearer_token(memory_kg: KnowledgeGraph) -> None:
    before = memory_kg.count_quads()
    headers = {"Content-Type": "application/sparql-update"}
    with TestClient(create_app(memory_kg, Settings(update_token=TOKEN))) as client:
        for auth in (None, "Bearer wrong", f"Basic {TOKEN}", f"Bearer {TOKEN}x"):
            sent = headers | ({"Authorization": auth} if auth else {})
            reply = client.post("/sparql", content=b"DROP ALL", headers=sent)
            assert reply.status_code == 401 and reply.headers["WWW-Authenticate"].startswith("Bearer")
        assert memory_kg.count_quads() == before
        ok = client.post("/sparql", content=b"INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } }",
                         headers=headers | {"Authorization": f"Bearer {TOKEN}"})
        assert ok.status_code == 204
    assert memory_kg.count_quads() == before + 1


# -- 3. no outbound requests, ever ---------------------------------------------------------------


def test_no_outbound_requests(memory_kg: KnowledgeGraph, listener: Listener) -> None:
    target = f"http://127.0.0.1:{listener.port}/data"
    refused_queries = [
        f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
        f"select * where {{ service silent <{target}> {{ ?s ?p ?o }} }}",
        f"PREFIX x: <http://127.0.0.1:{listener.port}/> ASK {{ SERVICE x:sparql {{ ?s ?p ?o }} }}",
        f"SELECT * FROM <{target}> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{target}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        "SELECT * FROM <file:///etc/hostname> WHERE { ?s ?p ?o }",
        "SELECT * FROM NAMED <file:///etc/hostname> WHERE { GRAPH ?g { ?s ?p ?o } }",
    ]
    with TestClient(create_app(memory_kg, Settings(update_token=TOKEN))) as client:
        for query in refused_queries:
            reply = client.get("/sparql", params={"query": query})
            assert reply.status_code == 400, query
            assert "never" in reply.text, reply.text
        for update in (f"LOAD <{target}>", f"LOAD SILENT <{target}> INTO GRAPH <urn:g>", "LOAD <file:///etc/hostname>"):
            reply = client.post("/sparql", content=update.encode(),
                                headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"})
            assert reply.status_code == 400 and "LOAD is refused" in reply.text
        for param in ("default-graph-uri", "named-graph-uri"):
            reply = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }", param: "file:///etc/hostname"})
            assert reply.status_code == 400 and "never reads files" in reply.text
            local = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }", param: target})
            assert local.status_code == 200  # a graph name of this store (empty here), never fetched
        # keywords inside strings and IRIs are not keywords
        ok = client.get("/sparql", params={"query": "SELECT ?x WHERE { BIND('SERVICE <http://x/> LOAD' AS ?x) }"})
        assert ok.status_code == 200
        ok = client.get("/sparql", params={"query": "ASK { <http://example.org/service/load> ?p ?o }"})
        assert ok.status_code == 200
    time.sleep(0.3)
    assert listener.connections == 0


def test_no_outbound_requests_from_a_live_server(seed_folder: Path, listener: Listener) -> None:
    target = f"http://127.0.0.1:{listener.port}/sparql"
    with live_server(seed_folder, env={"KG_UPDATE_TOKEN": TOKEN}) as live:
        for query in (f"ASK {{ SERVICE <{target}> {{ ?s ?p ?o }} }}", "SELECT * FROM <file:///etc/hostname> { ?s ?p ?o }"):
            reply = request(live, "GET", "/sparql?query=" + quote(query))
            assert reply.status == 400, reply.text
        reply = request(live, "POST", "/sparql", body=f"LOAD <{target}>".encode(),
                        headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"})
        assert reply.status == 400
    assert listener.connections == 0


# -- 4. timeout, caps, runaway queries ----------------------------------------------------------


def test_request_body_cap(memory_kg: KnowledgeGraph) -> None:
    with TestClient(create_app(memory_kg, Settings(max_body=200))) as client:
        big = "ASK { ?s ?p ?o }" + " " * 300
        reply = client.post("/sparql", content=big.encode(), headers={"Content-Type": "application/sparql-query"})
        assert reply.status_code == 413
        assert client.post("/sparql", content=b"ASK {}", headers={"Content-Type": "application/sparql-query"}).status_code == 200


def test_runaway_query_is_stopped_and_the_server_keeps_serving(seed_folder: Path) -> None:
    with live_server(seed_folder, "--timeout", "2", "--max-concurrent", "2") as live:
        def runaway(query: str) -> tuple[int, float, str]:
            started = time.monotonic()
            reply = request(live, "GET", "/sparql?query=" + quote(query))
            return reply.status, time.monotonic() - started, reply.text

        with ThreadPoolExecutor(2) as pool:
            slow = pool.submit(runaway, RUNAWAY)
            time.sleep(0.3)
            # while the runaway runs, another client is served
            quick_started = time.monotonic()
            quick = request(live, "GET", "/sparql?query=" + quote("ASK { actor:isis ckg:attacked ?x }"))
            quick_seconds = time.monotonic() - quick_started
            status, seconds, text = slow.result(30)
        assert quick.status == 200 and b"true" in quick.body and quick_seconds < 1.5
        assert status == 503 and "ran longer than 2 s" in text
        assert 1.9 < seconds < 6
        status, seconds, _ = runaway(RUNAWAY_ROWS)
        assert status == 503 and seconds < 6
        # the killed workers were replaced: the server still answers
        after = request(live, "GET", "/sparql?query=" + quote("SELECT ?a WHERE { ?a ckg:attacked ?b }"))
        assert after.status == 200 and b"isis" in after.body


def test_a_good_query_waits_in_line_longer_than_the_timeout(seed_folder: Path) -> None:
    """Slow queries fill the one worker for two timeouts in a row; a good query queued behind them
    waits for --queue-wait, not --timeout, and is answered (the soak found good requests turned
    away with 503 'busy' when the line's wait was the query timeout)."""
    with live_server(seed_folder, "--timeout", "1.5", "--max-concurrent", "1", "--queue-wait", "20") as live:
        def get(query: str) -> tuple[int, float]:
            started = time.monotonic()
            reply = request(live, "GET", "/sparql?query=" + quote(query))
            return reply.status, time.monotonic() - started

        with ThreadPoolExecutor(3) as pool:
            slow = [pool.submit(get, RUNAWAY)]
            time.sleep(0.3)
            slow.append(pool.submit(get, RUNAWAY))
            time.sleep(0.3)
            status, waited = pool.submit(get, "ASK { actor:isis ckg:attacked ?x }").result(60)
        assert [s.result(60)[0] for s in slow] == [503, 503]
        assert status == 200 and waited > 1.5, (status, waited)


def test_concurrency_cap(seed_folder: Path) -> None:
    executor = ProcessExecutor(str(seed_folder), size=1, queue_timeout=0.5)
    try:
        executor.start()
        with ThreadPoolExecutor(1) as pool:
            slow = pool.submit(executor.run, Job(RUNAWAY), 3.0)
            time.sleep(0.3)
            with pytest.raises(Busy):
                executor.run(Job("ASK {}"), 3.0)
            with pytest.raises(QueryTimeout):
                slow.result(30)
        assert executor.kills == 1
        assert executor.run(Job("ASK { ?s ?p ?o }"), 10.0).body.strip().endswith(b"}")
    finally:
        executor.close()


# -- 5. CORS ---------------------------------------------------------------------------------


def test_cors_off_by_default(memory_kg: KnowledgeGraph) -> None:
    with TestClient(create_app(memory_kg, Settings())) as client:
        reply = client.get("/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in reply.headers
        assert client.options("/sparql", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}).status_code == 405


def test_cors_only_for_the_origin_and_never_on_updates(memory_kg: KnowledgeGraph) -> None:
    app = create_app(memory_kg, Settings(cors="https://app.example", update_token=TOKEN))
    with TestClient(app) as client:
        ok = client.get("/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://app.example"})
        assert ok.headers["access-control-allow-origin"] == "https://app.example"
        other = client.get("/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers
        preflight = client.options("/sparql", headers={"Origin": "https://app.example", "Access-Control-Request-Method": "POST"})
        assert "authorization" not in preflight.headers["access-control-allow-headers"].lower()
        update = client.post("/sparql", content=b"INSERT DATA { <urn:a> <urn:b> <urn:c> }",
                             headers={"Content-Type": "application/sparql-update", "Origin": "https://app.example",
                                      "Authorization": f"Bearer {TOKEN}"})
        assert update.status_code == 204 and "access-control-allow-origin" not in update.headers
        denied = client.post("/sparql", data={"update": "DROP ALL"}, headers={"Origin": "https://app.example"})
        assert denied.status_code == 401 and "access-control-allow-origin" not in denied.headers


# -- 6. everything rendered into HTML is escaped ---------------------------------------------------

EVIL = "<img src=x onerror=alert(1)>"


def test_html_is_escaped(memory_kg: KnowledgeGraph) -> None:
    memory_kg.update(
        "INSERT DATA { GRAPH <https://w3id.org/conflict-kg/graph/registry> { "
        f"actor:evil a ckg:ArmedGroup ; rdfs:label {EVIL!r} ; skos:altLabel \"</td><script>alert(2)</script>\" ; "
        "ckg:wikidataId \"Q1\\\"><script>alert(3)</script>\" . "
        "event:evil-attack a ckg:Attack ; ckg:agent actor:evil ; ckg:target actor:isis ; rdfs:label \"<b>bold</b>\" ; "
        f"ckg:quote {EVIL!r} ; ckg:startDate \"2017-05-20\"^^xsd:date ; prov:wasDerivedFrom <javascript:alert(4)> . }} }}"
    )
    with TestClient(create_app(memory_kg, Settings())) as client:
        pages = [
            client.get("/id/actor/evil"),
            client.get("/id/event/evil-attack"),
            client.get("/id/actor/isis"),
            client.get("/query", params={"query": "SELECT ?l WHERE { ?x rdfs:label ?l } # </textarea><script>alert(5)</script>"}),
            client.get("/query", params={"query": "SELECT ?x WHERE { ?x ?p ?o } LIMIT 1 </textarea><script>alert(6)</script>"}),
        ]
        for reply in pages:
            assert reply.status_code in (200, 400), reply.text
            html = reply.text
            assert "<script" not in html and "<img" not in html and "<b>bold" not in html
            assert 'href="javascript' not in html
            assert "script-src" not in reply.headers["content-security-policy"]
            assert "default-src 'none'" in reply.headers["content-security-policy"]
        assert "&lt;img src=x onerror=alert(1)&gt;" in pages[0].text
        assert "&lt;img src=x onerror=alert(1)&gt;" in pages[3].text

"""A remote store is checked before use: real ``oxigraph serve`` with and without
``--union-default-graph``, and small local HTTP servers for every way an endpoint can be wrong.
Credentials never follow a redirect to another origin (two local listeners)."""

from __future__ import annotations

import time
import urllib.parse
import urllib.request

import pytest

import kg
from kg.base.errors import StoreError
from kg.store import remote

from servers import ASK_TRUE, SPARQL_XML, OxigraphServer, StubServer, free_port

INSERT = "INSERT DATA { GRAPH <https://w3id.org/conflict-kg/graph/source/t> { <https://example.org/a> <https://example.org/p> 'x' } }"
FIXES = ("oxigraph serve --union-default-graph", "tdb2:unionDefaultGraph true", "tdb:unionDefaultGraph true", "Virtuoso")


@pytest.fixture(scope="module")
def plain_server(tmp_path_factory):
    """``oxigraph serve`` started as its documentation shows: the default graph is its own graph."""
    server = OxigraphServer(tmp_path_factory.mktemp("oxigraph-plain"), union=False)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def union_server(tmp_path_factory):
    server = OxigraphServer(tmp_path_factory.mktemp("oxigraph-union"))
    yield server
    server.stop()


def _raw_update(server: OxigraphServer, sparql: str) -> None:
    """Write behind kg's back (as another client of the server would)."""
    data = urllib.parse.urlencode({"update": sparql}).encode()
    request = urllib.request.Request(server.url.replace("/query", "/update"), data=data, headers={"Content-Type": "application/x-www-form-urlencoded"})
    urllib.request.urlopen(request, timeout=10).read()


def _raw_named_quads(server: OxigraphServer) -> list[str]:
    query = urllib.parse.urlencode({"query": "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"})
    request = urllib.request.Request(f"{server.url}?{query}", headers={"Accept": "text/csv"})
    return urllib.request.urlopen(request, timeout=10).read().decode().splitlines()[1:]


def _one_line_naming(err: pytest.ExceptionInfo, url: str, *phrases: str) -> None:
    text = str(err.value)
    assert "\n" not in text and text.startswith(url), text
    for phrase in phrases:
        assert phrase in text, (phrase, text)


def test_not_union_empty_store_refuses_the_first_write_and_writes_nothing(plain_server):
    _raw_update(plain_server, "CLEAR ALL")
    graph = kg.open(plain_server.url)
    assert graph.count_quads() == 0  # reading an empty store cannot be wrong
    with pytest.raises(StoreError) as err:
        graph.update(INSERT)
    _one_line_naming(err, plain_server.url, "not the union of its named graphs", *FIXES)
    assert _raw_named_quads(plain_server) == []  # the probe graph is gone, nothing else came


def test_not_union_store_with_data_refuses_reads_and_writes(plain_server):
    _raw_update(plain_server, "CLEAR ALL")
    _raw_update(plain_server, INSERT)
    with pytest.raises(StoreError) as err:
        kg.open(plain_server.url).query("SELECT * WHERE { ?s ?p ?o }")
    _one_line_naming(err, plain_server.url, "not the union", *FIXES)
    with pytest.raises(StoreError, match="not the union"):
        kg.open(plain_server.url).update(INSERT.replace("'x'", "'y'"))
    assert [row.split(",")[2] for row in _raw_named_quads(plain_server)] == ["x"]


def test_cli_build_on_a_not_union_server_fails_in_one_line(runner, plain_server):
    from kg.cli import main

    _raw_update(plain_server, "CLEAR ALL")
    result = runner.invoke(main, ["--store", plain_server.url, "build"])
    assert result.exit_code == 1, result.output
    assert "--union-default-graph" in result.output and "Traceback" not in result.output
    assert result.output.count("\n") == 1
    assert _raw_named_quads(plain_server) == []


def test_union_server_passes_with_one_request(union_server, monkeypatch):
    _raw_update(union_server, "CLEAR ALL")
    graph = kg.open(union_server.url)
    graph.update(INSERT)  # empty store, first write: probe, then the write
    assert graph.count_quads() == 1
    asked: list[str] = []
    backend = kg.open(union_server.url)._engine
    real = backend._request
    monkeypatch.setattr(backend, "_request", lambda url, data, *a, **k: asked.append(data) or real(url, data, *a, **k))
    backend.count()
    assert len(asked) == 2  # the check (one ASK) and the count
    assert sum(b"FILTER+EXISTS" in data for data in asked) == 1


# -- endpoints that are not usable SPARQL stores ----------------------------------------------


def _stub(status, headers, body, delay=0.0):
    def answer(method, path, request_headers, request_body):
        time.sleep(delay)
        return status, headers, body

    return StubServer(answer)


HTML = {"Content-Type": "text/html; charset=utf-8"}
CASES = {
    "401": (401, {"Content-Type": "text/plain"}, b"no", ("401 Unauthorized", "KG_STORE_TOKEN")),
    "403": (403, {"Content-Type": "text/plain"}, b"no", ("403 Forbidden",)),
    "html-200": (200, HTML, b"<!DOCTYPE html><html><head><title>Sign in</title></head><body>...</body></html>",
                 ("not a SPARQL endpoint", "HTML page", "Sign in")),
    "html-502": (502, HTML, b"<html><head><title>502 Bad Gateway</title></head><body><h1>nginx</h1></body></html>",
                 ("SPARQL server error 502", "Bad Gateway")),
    "garbage-typed": (200, SPARQL_XML, b"\x00\x01 this is not XML", ("not a SPARQL endpoint", "not SPARQL results")),
    "garbage-text": (200, {"Content-Type": "text/plain"}, b"hello world", ("not a SPARQL endpoint", "hello world")),
    "empty": (200, {}, b"", ("not a SPARQL endpoint", "empty")),
    "json-not-sparql": (200, {"Content-Type": "application/json"}, b'{"ok": true}', ("not a SPARQL endpoint",)),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_endpoints_fail_in_one_line_naming_the_endpoint(case):
    status, headers, body, phrases = CASES[case]
    stub = _stub(status, headers, body)
    try:
        url = f"{stub.base}/sparql"
        with pytest.raises(StoreError) as err:
            kg.open(url).query("SELECT * WHERE { ?s ?p ?o }")
        _one_line_naming(err, url, *phrases)
        with pytest.raises(StoreError):  # writes are refused the same way, before anything is sent
            kg.open(url).update(INSERT)
        assert all(request[0] == "POST" and request[1] == "/sparql" for request in stub.requests)
    finally:
        stub.stop()


def test_timeout_is_one_line(monkeypatch):
    monkeypatch.setattr(remote, "CHECK_TIMEOUT", 0.5)
    stub = _stub(200, SPARQL_XML, ASK_TRUE, delay=3)
    try:
        started = time.monotonic()
        with pytest.raises(StoreError) as err:
            kg.open(f"{stub.base}/query").count_quads()
        assert time.monotonic() - started < 2.5
        _one_line_naming(err, f"{stub.base}/query", "did not answer within 0.5 s")
    finally:
        stub.stop()


def test_unreachable_names_the_endpoint():
    url = f"http://127.0.0.1:{free_port()}/query"
    with pytest.raises(StoreError) as err:
        kg.open(url).query("ASK {}")
    _one_line_naming(err, url, "cannot reach the SPARQL server")


def test_credentials_are_not_in_messages(monkeypatch):
    stub = _stub(401, {}, b"")
    try:
        url = f"http://someone:pw@127.0.0.1:{stub.port}/query"
        with pytest.raises(StoreError) as err:
            kg.open(url).query("ASK {}")
        assert "pw" not in str(err.value) and "someone" not in str(err.value)
    finally:
        stub.stop()


# -- redirects --------------------------------------------------------------------------------


def _redirecting(target: str, *, same_origin_path: str | None = None) -> StubServer:
    def answer(method, path, headers, body):
        if same_origin_path and path.startswith(same_origin_path):
            return 200, SPARQL_XML, ASK_TRUE
        return 302, {"Location": target}, b""

    return StubServer(answer)


@pytest.mark.parametrize("credentials", [{"KG_STORE_TOKEN": "t0ken"}, {"KG_STORE_USER": "u", "KG_STORE_PASSWORD": "p"}])
def test_credentials_are_not_sent_to_another_host_after_a_redirect(monkeypatch, credentials):
    monkeypatch.delenv("KG_STORE_TOKEN", raising=False)
    for name, value in credentials.items():
        monkeypatch.setenv(name, value)
    other = StubServer(lambda *a: (200, SPARQL_XML, ASK_TRUE))  # another port: another origin
    first = _redirecting(f"{other.base}/elsewhere")
    try:
        assert kg.open(f"{first.base}/query").query("ASK { ?s ?p ?o }").boolean is True
        assert first.requests and all("Authorization" in headers for _, _, headers in first.requests)
        assert other.requests and not any(
            name.lower() == "authorization" for _, _, headers in other.requests for name in headers
        )
    finally:
        first.stop()
        other.stop()


def test_credentials_follow_a_redirect_on_the_same_origin(monkeypatch):
    monkeypatch.setenv("KG_STORE_TOKEN", "t0ken")
    server = _redirecting("/moved", same_origin_path="/moved")
    try:
        assert kg.open(f"{server.base}/query").query("ASK { ?s ?p ?o }").boolean is True
        moved = [headers for _, path, headers in server.requests if path.startswith("/moved")]
        assert moved and all(headers.get("Authorization") == "Bearer t0ken" for headers in moved)
    finally:
        server.stop()


def test_virtuoso_blank_node_labels_are_read():
    """Virtuoso answers ``<bnode>nodeID://b10003</bnode>``; the label stays one blank node per answer."""
    body = (b'<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            b'<head><variable name="s"/><variable name="o"/></head><results>'
            b'<result><binding name="s"><bnode>nodeID://b10003</bnode></binding>'
            b'<binding name="o"><bnode>nodeID://b10004</bnode></binding></result>'
            b'<result><binding name="s"><bnode>nodeID://b10003</bnode></binding>'
            b'<binding name="o"><literal>x</literal></binding></result></results></sparql>')
    answer = remote._read_answer("application/sparql-results+xml", body)
    (s1, o1), (s2, o2) = answer.rows
    assert s1 == s2 and s1 != o1
    assert {type(s1).__name__, type(o1).__name__} == {"BlankNode"}

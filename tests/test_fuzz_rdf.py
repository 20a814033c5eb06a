"""Issue 13 (4): the RDF and SPARQL results the project parses from outside, fuzzed.

The only RDF conflict-kg parses from a source it does not control is the answer of a remote
SPARQL server (``--store http://...``, :mod:`kg.store.remote`: results as XML or JSON, graphs
as N-Triples or Turtle); everything else it parses (the ontology, its own store's exports and
pages) it wrote itself. A fake endpoint on 127.0.0.1 answers the first check (ASK) or the
query itself with a hostile document: entity expansion ("billion laughs") and external
entities (XXE) in XML, 100,000-deep XML, JSON, Turtle blank nodes and collections, 1 MB
literals, NUL bytes, truncations, lying content types and charsets, random bytes, error
pages and statuses. ``kg query`` runs in process; the invariant: success, or one ``Error:``
line, in bounded time, and no file content from an external entity in the output.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fuzz_helpers import CASES, UNPLANNED, check_cli, fuzz_settings, invoke

XML = "application/sparql-results+xml"
JSON = "application/sparql-results+json"
SECRET = "/etc/hostname"
DEEP = 100_000
OK_ASK = b'{"head":{},"boolean":true}'


def _laughs() -> bytes:
    entities = '<!ENTITY l0 "lol">' + "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    return (f'<?xml version="1.0"?><!DOCTYPE sparql [{entities}]><sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            '<head><variable name="s"/></head><results><result><binding name="s"><literal>&l9;</literal></binding>'
            "</result></results></sparql>").encode()


def _xxe(target: str) -> bytes:
    return (f'<?xml version="1.0"?><!DOCTYPE sparql [<!ENTITY e SYSTEM "{target}">]>'
            '<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head><variable name="s"/></head><results><result>'
            '<binding name="s"><literal>&e;</literal></binding></result></results></sparql>').encode()


HOSTILE: dict[str, tuple[str, bytes]] = {
    "xml billion laughs": (XML, _laughs()),
    "xml external entity (file)": (XML, _xxe(f"file://{SECRET}")),
    "xml external entity (http)": (XML, _xxe("http://127.0.0.1:9/x")),
    "xml parameter entity": (XML, b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY % p SYSTEM "file:///etc/hostname"> %p;]><sparql/>'),
    "xml deep": (XML, b'<sparql xmlns="http://www.w3.org/2005/sparql-results#">' + b"<a>" * DEEP + b"</a>" * DEEP + b"</sparql>"),
    "xml deep unclosed": (XML, b"<sparql>" + b"<a>" * DEEP),
    "xml boolean ok": (XML, b'<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/><boolean>true</boolean></sparql>'),
    "json deep arrays": (JSON, b'{"head":{"vars":["s"]},"results":{"bindings":' + b"[" * DEEP + b"]" * DEEP + b"}}"),
    "json deep objects": (JSON, b'{"head":{"vars":["s"]},"x":' + b'{"a":' * DEEP + b"1" + b"}" * DEEP + b"}"),
    "json huge literal": (JSON, b'{"head":{"vars":["s"]},"results":{"bindings":[{"s":{"type":"literal","value":"'
                          + b"A" * (1 << 20) + b'"}}]}}'),
    "json bad iri": (JSON, b'{"head":{"vars":["s"]},"results":{"bindings":[{"s":{"type":"uri","value":"a b<>"}}]}}'),
    "json nul": (JSON, b'{"head":{"vars":["s"]},"results":{"bindings":[{"s":{"type":"literal","value":"\\u0000\x00"}}]}}'),
    "json lone surrogate": (JSON, b'{"head":{"vars":["s"]},"results":{"bindings":[{"s":{"type":"literal","value":"\\ud800"}}]}}'),
    "json duplicate keys": (JSON, b'{"head":{"vars":["s"]},"head":{"vars":["t"]},"results":{"bindings":[]}}'),
    "json huge number": (JSON, b'{"head":{"vars":["s"]},"results":{"bindings":[]},"n":' + b"9" * 100_000 + b"}"),
    "turtle deep blank nodes": ("text/turtle", b"<urn:a> <urn:b> " + b"[ <urn:p> " * DEEP + b"<urn:c>" + b" ]" * DEEP + b" ."),
    "turtle deep collections": ("text/turtle", b"<urn:a> <urn:b> " + b"( " * DEEP + b")" * DEEP + b" ."),
    "turtle unclosed": ("text/turtle", b"<urn:a> <urn:b> " + b"[ " * DEEP),
    "ntriples huge literal": ("application/n-triples", b'<urn:a> <urn:b> "' + b"A" * (1 << 20) + b'" .\n'),
    "ntriples bad iri": ("application/n-triples", b"<a b> <urn:b> <urn:c> .\n"),
    "ntriples nul": ("application/n-triples", b'<urn:a> <urn:b> "\x00" .\n'),
    "html error page": ("text/html", b"<html><body><h1>502 Bad Gateway</h1>\n<p>nginx</p></body></html>"),
    "empty xml": (XML, b""), "empty json": (JSON, b""), "no content type": ("", b"true"),
    "latin-1 charset": (JSON + "; charset=latin-1", b'{"head":{"vars":["s"]},"results":{"bindings":[{"s":{"type":"literal","value":"\xe9"}}]}}'),
    "utf-16 json": (JSON, '{"head":{},"boolean":true}'.encode("utf-16")),
}


class Fake(ThreadingHTTPServer):
    daemon_threads = True
    case: tuple[str, bytes, int, bool] = (JSON, OK_ASK, 200, False)  # content type, body, status, hostile to the check


class Handler(BaseHTTPRequestHandler):
    server: Fake

    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode("utf-8", "replace")
        query = (parse_qs(body).get("query") or [""])[0]
        kind, data, status, at_check = self.server.case
        if "ASK" in query and "union-check" not in query and not at_check:
            kind, data, status = JSON, OK_ASK, 200
        self.send_response(status)
        if kind:
            self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    do_GET = do_POST  # noqa: N815


@pytest.fixture(scope="module")
def fake() -> Iterator[Fake]:
    server = Fake(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


QUERIES = ["SELECT * WHERE { ?s ?p ?o } LIMIT 1", "ASK { ?s ?p ?o }", "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 1"]


def run(fake: Fake, query: str, what: object) -> None:
    url = f"http://127.0.0.1:{fake.server_address[1]}/sparql"
    started = time.monotonic()
    result = invoke(["--store", url, "query", query, "--format", "json"])
    assert time.monotonic() - started < 60, (what, "took over a minute")
    check_cli(result, what)
    secret = Path(SECRET).read_text().strip() if Path(SECRET).exists() else ""
    if secret:
        assert secret not in result.output, (what, "an external entity was read")


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(HOSTILE))
@pytest.mark.parametrize("at_check", [False, True], ids=["query", "check"])
def test_hostile_documents_from_a_remote_store(fake: Fake, name: str, at_check: bool) -> None:
    kind, data = HOSTILE[name]
    for query in QUERIES:
        CASES["rdf: hostile documents"] += 1
        fake.case = (kind, data, 200, at_check)
        run(fake, query, (name, at_check, query))


@pytest.mark.slow
@fuzz_settings(40)
@given(kind=st.sampled_from([XML, JSON, "application/json", "text/turtle", "application/n-triples", "text/plain", "text/html", ""]),
       base=st.sampled_from(sorted(HOSTILE)), cut=st.none() | st.floats(0, 1), splice=st.binary(max_size=8), at=st.floats(0, 1),
       status=st.sampled_from([200, 200, 200, 204, 301, 400, 401, 403, 404, 406, 429, 500, 502, 503]),
       at_check=st.booleans(), query=st.sampled_from(QUERIES))
def test_fuzzed_answers_from_a_remote_store(fake: Fake, kind: str, base: str, cut: float | None, splice: bytes, at: float,
                                            status: int, at_check: bool, query: str) -> None:
    CASES["rdf: mutated remote answers"] += 1
    data = HOSTILE[base][1]
    data = data[: int(at * len(data))] + splice + data[int(at * len(data)):]
    if cut is not None:
        data = data[: int(cut * len(data))]
    fake.case = (kind, data, status, at_check)
    run(fake, query, (kind, base, cut, splice, status, at_check, query))


@pytest.mark.parametrize("name", ["empty json", "xml billion laughs", "json deep objects", "ntriples bad iri"])
def test_remote_query_translates_parser_errors(fake: Fake, name: str) -> None:
    kind, data = HOSTILE[name]
    fake.case = (kind, data, 200, False)
    query = QUERIES[2] if "triples" in name else QUERIES[0]
    result = invoke(["--store", f"http://127.0.0.1:{fake.server_address[1]}/sparql", "query", query])
    assert result.exit_code == 1 and UNPLANNED not in result.stderr and "SPARQL" in result.stderr, result.stderr

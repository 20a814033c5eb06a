"""Issue 13 (4): SPARQL and HTTP sent to a real ``kg serve`` on 127.0.0.1, fuzzed.

Mutated queries (saved queries and small ones with slices cut, doubled, or keywords, braces,
quotes, escapes and control characters spliced in), deeply nested ones (``{``, ``(``, ``[``,
``OPTIONAL {``, sub-selects; 10 to 100,000 levels, balanced or not), bodies around and far over
``--max-body``, long URLs, odd ``Accept`` and ``Content-Type`` values, bad percent-encoding,
updates without the token. The invariant: every answer is 2xx/3xx/4xx (a 4xx carries a
message), or a 503 that names the limit it hit (``--timeout``); never a 500; the server answers
``ASK {}`` after every case; and the store's quads are the same at the end.
"""

from __future__ import annotations

import http.client
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

import kg
from kg.curated.build import build
from kg.sparql.saved import saved_queries

from fuzz_helpers import CASES, dump_store, fuzz_settings
from server_live import Live, Reply, live_server, request

MAX_BODY = 100_000
ARGS = ("--timeout", "4", "--max-rows", "50", "--max-result-bytes", "200000", "--max-body", str(MAX_BODY),
        "--header-timeout", "2", "--max-concurrent", "2")

BASES = [q.text for q in saved_queries().values()] + [
    "SELECT * WHERE { ?s ?p ?o } LIMIT 3", "ASK { ?s a ckg:Attack }", "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 5",
    "DESCRIBE actor:isis", "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
    'SELECT ?l WHERE { ?a rdfs:label ?l FILTER(REGEX(?l, "^I", "i")) } LIMIT 5',
    "SELECT ?x WHERE { VALUES ?x { 1 2 3 } }", "INSERT DATA { <urn:a> <urn:b> <urn:c> }", "DROP ALL", "CLEAR DEFAULT",
]
TOKENS = ["{", "}", "(", ")", "[", "]", "SELECT", "WHERE", "OPTIONAL", "UNION", "MINUS", "FILTER", "GRAPH", "SERVICE",
          "VALUES", "BIND", "LOAD", "DROP", "INSERT", "DELETE", ".", ";", ",", "*", "?", "$", "<", ">", '"', "'", '"""',
          "'''", "#", "\\", "\\u0000", "\\U0010FFFF", "\\ud800", "\x00", "\x7f", "\u2028", "\x85", "\ufeff", "%", "^^",
          "@en", "_:b", "a", "1e999999", "9" * 40, "<http://127.0.0.1:1/>", "PREFIX : <x:>", "BASE <", "LIMIT -1",
          "OFFSET 99999999999999999999", "GROUP BY", "ORDER BY", "HAVING", "COUNT(", "CONCAT(", "REGEX(", "/", "|", "+"]
OPENERS = ["{", "(", "[ <urn:p> ", "OPTIONAL { ", "{ SELECT * WHERE { ", "FILTER(", "NOT EXISTS { ", "(1+", "<<"]
ACCEPTS = [
    "", "*/*", "*/*;q=0", "text/*;q=0.5, text/csv;q=0", "application/sparql-results+json;q=abc", "text/csv;q=-1",
    "text/csv;q=1e9", "application/json, */*;q=0", "text/turtle", "application/n-triples", "text/html", "image/png",
    "application/sparql-results+xml;q=0.000", ";;;,,,", "text/csv;charset=utf-16", "x" * 8000, "*/csv", "text/",
    "application/ld+json", "application/rdf+xml", "text/tab-separated-values; q=1.0001",
]
CONTENT_TYPES = [
    "application/sparql-query", "application/sparql-update", "application/x-www-form-urlencoded", "",
    "application/sparql-query; charset=latin-1", "application/sparql-query;charset=\"UTF-8\"", "text/plain",
    "multipart/form-data; boundary=x", "application/x-www-form-urlencoded; charset=utf-16", "APPLICATION/SPARQL-QUERY",
    "application/sparql-query;;;", "application/json", ";", "application/x-www-form-urlencoded;charset",
]
BAD_PERCENT = ["%", "%Z", "%ZZ", "%C3%28", "%E2%82", "%F0%9F%98", "%00", "%0D%0A", "%ED%A0%80", "%FF%FE", "%%%%", "%2",
               "%u0041", "+%2B+", "%25ZZ"]
HEADER_TEXT = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF, blacklist_characters="\x7f"), max_size=60)


def nested(opener: str, depth: int, balanced: bool) -> str:
    closer = {"{": "}", "(": ")", "[": "]", "<": ">"}
    tail = "".join(closer.get(c, "") for c in reversed(opener) if c in closer) * depth if balanced else ""
    return "SELECT * WHERE { " + opener * depth + " ?s ?p ?o " + tail + " }"


def mutated(base: str, ops: list[tuple[str, int, int, int]]) -> str:
    text = base
    for kind, a, b, c in ops:
        i, j = sorted((a % (len(text) + 1), b % (len(text) + 1)))
        if kind == "cut":
            text = text[:i] + text[j:]
        elif kind == "double":
            text = text[:j] + text[i:j] + text[j:]
        elif kind == "insert":
            text = text[:i] + " " + TOKENS[c % len(TOKENS)] + " " + text[i:]
        elif kind == "glue":
            text = text[:i] + TOKENS[c % len(TOKENS)] + text[i:]
    return text


def sendable(text: str) -> str:
    """Lone surrogates cannot be sent as UTF-8: replace them."""
    return text.encode("utf-8", "replace").decode("utf-8")


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    path = tmp_path_factory.mktemp("fuzz-server") / "store"
    graph = kg.open(str(path))
    build(graph)
    graph.close()
    return path, dump_store(path)


@pytest.fixture(scope="module")
def live(seed: tuple[Path, list[str]]) -> Iterator[Live]:
    with live_server(seed[0], *ARGS) as server:
        yield server


def check(live: Live, reply: Reply | None, what: object) -> None:
    if reply is not None:
        status, text = reply.status, reply.text
        assert status != 500 and status < 600, (what, status, text[:500])
        if status >= 500:
            assert status == 503 and ("timeout" in text or "limit" in text or "busy" in text or "max" in text), (what, status, text[:500])
            CASES["server: 503 (a limit, documented)"] += 1
        if 400 <= status < 500 and reply.content_type != "text/html":  # the query page shows its error in a page
            assert text.strip() and len(text.strip().splitlines()) == 1, (what, status, text[:500])
        elif 400 <= status < 500:
            assert "error" in text.lower(), (what, status, text[:500])
    assert live.process.poll() is None, (what, "the server exited")
    deadline = time.monotonic() + 20
    while True:
        try:
            if request(live, "GET", "/sparql?query=ASK%7B%7D", headers={"Accept": "application/sparql-results+json"}, timeout=10).status == 200:
                return
        except OSError:
            pass
        assert time.monotonic() < deadline, (what, "the server stopped answering")
        time.sleep(0.2)


def send(live: Live, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None) -> Reply | None:
    try:
        return request(live, method, path, body=body, headers=headers, timeout=30)
    except (ConnectionResetError, BrokenPipeError, http.client.RemoteDisconnected):
        return None  # the server may close a connection it refused early (e.g. a body over --max-body)


op = st.tuples(st.sampled_from(["cut", "double", "insert", "glue"]), st.integers(0, 1 << 16), st.integers(0, 1 << 16), st.integers(0, 1 << 16))
queries = st.one_of(
    st.tuples(st.sampled_from(BASES), st.lists(op, min_size=1, max_size=5)).map(lambda t: mutated(*t)),
    st.builds(nested, st.sampled_from(OPENERS), st.sampled_from([10, 99, 100, 101, 500, 5_000, 100_000]), st.booleans()),
    st.text(max_size=80),
)


@pytest.mark.slow
@fuzz_settings(40)
@given(query=queries, how=st.sampled_from(["get", "post-query", "post-form", "post-update"]),
       accept=st.sampled_from(ACCEPTS) | HEADER_TEXT)
def test_fuzzed_queries_get_an_answer_never_a_500(live: Live, query: str, how: str, accept: str) -> None:
    CASES["server: queries"] += 1
    text = sendable(query)
    headers = {"Accept": accept}
    if how == "get":
        reply = send(live, "GET", "/sparql?query=" + quote(text), headers=headers)
    elif how == "post-form":
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        reply = send(live, "POST", "/sparql", ("query=" + quote(text)).encode(), headers)
    else:
        headers["Content-Type"] = "application/sparql-query" if how == "post-query" else "application/sparql-update"
        reply = send(live, "POST", "/sparql", text.encode(), headers)
    check(live, reply, (how, accept, text[:300]))
    if how == "post-update" and reply is not None:
        assert reply.status in (401, 403, 413, 429, 400), (reply.status, reply.text[:300])  # no token: never applied


@pytest.mark.slow
@fuzz_settings(40)
@given(content_type=st.sampled_from(CONTENT_TYPES) | HEADER_TEXT, accept=st.sampled_from(ACCEPTS) | HEADER_TEXT,
       size=st.sampled_from([0, 1, MAX_BODY - 1, MAX_BODY, MAX_BODY + 1, 10 * MAX_BODY]),
       filler=st.sampled_from([b"a", b"{", b"%", b"\x00", b"\xff", b"query=", b"&"]), method=st.sampled_from(["POST", "PUT", "DELETE", "PATCH", "OPTIONS"]))
def test_fuzzed_bodies_and_headers_get_a_4xx_never_a_500(live: Live, content_type: str, accept: str, size: int, filler: bytes, method: str) -> None:
    CASES["server: bodies and headers"] += 1
    body = b"query=ASK{}&" + filler * size if content_type.startswith("application/x-www") else (filler * size)[:size]
    reply = send(live, method, "/sparql", body, {"Content-Type": content_type, "Accept": accept})
    check(live, reply, (method, content_type, accept[:80], size, filler))


@pytest.mark.slow
@fuzz_settings(40)
@given(parts=st.lists(st.sampled_from(BAD_PERCENT) | st.sampled_from(["query=", "&", "=", "ASK", "{", "}", "update=", "default-graph-uri=", "named-graph-uri="]), max_size=8),
       where=st.sampled_from(["/sparql?", "/sparql?query=", "/id/", "/id/actor/", "/", "/query?query=", "/ontology", "/.well-known/void?"]),
       length=st.sampled_from([0, 0, 0, 20_000, 70_000]))
def test_fuzzed_urls_get_an_answer_never_a_500(live: Live, parts: list[str], where: str, length: int) -> None:
    CASES["server: urls (percent-encoding)"] += 1
    path = where + "".join(parts) + "a" * length
    reply = send(live, "GET", path, headers={"Accept": "application/sparql-results+json"})
    check(live, reply, path[:300])


def test_store_unchanged_after_the_fuzzing(live: Live, seed: tuple[Path, list[str]]) -> None:
    check(live, None, "end")
    live.process.terminate()
    live.process.wait(15)
    assert dump_store(seed[0]) == seed[1]
